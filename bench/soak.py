#!/usr/bin/env python3
"""Soak test for `medsite serve` (loopback only, bounded in count and time).

Copies the careers site to a temporary folder, starts `medsite serve` on a
free port, and while CLIENTS concurrent clients each hold a reload channel
(Server-Sent Events) and fetch pages in a loop, makes EDITS scripted edits
to a career page, waiting after each for the reload message. Reports:
failed requests (must be 0), whether the page served after the last edit
carries the last edit (no stale page), and the server's resident memory
after a warm-up (the first tenth of the edits, at least 10) and after the
last (growth must stay under 10%).

Why a warm-up of a tenth: the 10th edit comes about 1.5 s into a run of
1,000 edits, while the server's memory is still climbing as its threads
take their share of the clients' requests (about +15% over the first 10 s,
then a few percent over the next two minutes: bench/watch-latency.md), so a
baseline there measured start-up, not growth. A leak still shows: it grows
over the other nine tenths of the edits. The memory after 10 edits is
printed too.

    python3 bench/soak.py [--edits 1000] [--clients 50] [--max-seconds 900]

Exits 1 if a target is missed. Standard library only.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = ["/", "/careers/", "/careers/dialysis-technician/", "/careers/pharmacy-technician/",
         "/compare/", "/about/", "/studying-online/", "/style.css", "/atom.xml", "/sitemap.xml"]
EDITED = "content/careers/dialysis-technician.md"
EDITED_URL = "/careers/dialysis-technician/"


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.failures = []
        self.reloads = 0
        self.listeners = 0
        self.reload_event = threading.Condition(self.lock)

    def fail(self, what):
        with self.lock:
            self.failures.append(what)


def fetcher(port, counters, stop):
    while not stop.is_set():
        path = random.choice(PAGES)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            response = connection.getresponse()
            response.read()
            connection.close()
            with counters.lock:
                counters.requests += 1
            if response.status != 200:
                counters.fail(f"GET {path}: {response.status}")
        except Exception as error:  # noqa: BLE001 - every failure counts
            counters.fail(f"GET {path}: {error!r}")


def listener(port, counters, stop, ready):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/__medsite/reload", headers={
            "Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}",
            "Accept": "text/event-stream"})
        response = connection.getresponse()
        if response.status != 200:
            counters.fail(f"reload channel: {response.status}")
            ready.release()
            return
        with counters.lock:
            counters.listeners += 1
        ready.release()
        while not stop.is_set():
            line = response.fp.readline()
            if not line:
                if not stop.is_set():
                    counters.fail("reload channel closed")
                return
            if line.startswith(b"data:"):
                message = json.loads(line[5:])
                if message.get("kind") in ("reload", "css"):
                    with counters.reload_event:
                        counters.reloads += 1
                        counters.reload_event.notify_all()
    except Exception as error:  # noqa: BLE001
        if not stop.is_set():
            counters.fail(f"reload channel: {error!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--max-seconds", type=int, default=900)
    parser.add_argument("--medsite", default=os.path.join(ROOT, "target/release/medsite"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="medsite-soak-")
    site = os.path.join(work, "site")
    for name in ["site.toml", "content", "themes", "schemas", "archetypes"]:
        source = os.path.join(ROOT, name)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(site, name))
        elif os.path.exists(source):
            os.makedirs(site, exist_ok=True)
            shutil.copy(source, site)
    server = subprocess.Popen([args.medsite, "serve", "--quiet", "--port", "0", "--root", site],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.time()
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            print(f"server did not start: {line}{server.stderr.read()}", file=sys.stderr)
            return 1
        port = int(match.group(1))
        counters, stop = Counters(), threading.Event()
        ready = threading.Semaphore(0)
        threads = [threading.Thread(target=listener, args=(port, counters, stop, ready), daemon=True)
                   for _ in range(args.clients)]
        threads += [threading.Thread(target=fetcher, args=(port, counters, stop), daemon=True)
                    for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for _ in range(args.clients):
            ready.acquire(timeout=30)

        path = os.path.join(site, EDITED)
        original = open(path, encoding="utf-8").read()
        marker = "Dialysis technicians, also called"
        assert marker in original, "the edited sentence is gone from the page"
        rss_first = None
        rss_ten = None
        warm_up = max(10, args.edits // 10)
        latencies = []
        word = ""
        for edit in range(1, args.edits + 1):
            if time.time() - started > args.max_seconds:
                counters.fail(f"time limit reached after {edit - 1} edits")
                break
            word = f"soakword{edit}"
            with counters.reload_event:
                seen = counters.reloads
            began = time.time()
            # An atomic save, as editors do it.
            temporary = path + ".tmp"
            with open(temporary, "w", encoding="utf-8") as file:
                file.write(original.replace(marker, f"{word} {marker}", 1))
            os.replace(temporary, path)
            # Every listener gets each message: wait until all have this
            # one, or a listener still reading the previous message would
            # end the wait early.
            with counters.reload_event:
                if not counters.reload_event.wait_for(
                        lambda: counters.reloads >= seen + counters.listeners, timeout=10):
                    counters.fail(f"edit {edit}: no reload message within 10 s")
            latencies.append(time.time() - began)
            if edit == 10:
                rss_ten = rss_kb(server.pid)
            if edit == warm_up:
                rss_first = rss_kb(server.pid)
        rss_last = rss_kb(server.pid)

        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", EDITED_URL, headers={"Host": f"127.0.0.1:{port}"})
        body = connection.getresponse().read().decode()
        stale = word not in body
        stop.set()
        latencies.sort()
        growth = (rss_last - rss_first) / rss_first * 100 if rss_first else 0.0
        print(f"soak: {len(latencies)} edits, {args.clients} clients, {counters.requests} page requests, "
              f"{len(counters.failures)} failed, stale page after last edit: {'yes' if stale else 'no'}")
        if latencies:
            print(f"soak: edit -> reload message p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
                  f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms")
        print(f"soak: server memory after 10 edits {rss_ten} KB, after {warm_up} (warm-up) "
              f"{rss_first} KB, after the last {rss_last} KB ({growth:+.1f}% since the warm-up), "
              f"{time.time() - started:.0f} s in all")
        for failure in counters.failures[:20]:
            print(f"  failure: {failure}")
        ok = not counters.failures and not stale and growth < 10
        print("soak: " + ("passed" if ok else "FAILED"))
        return 0 if ok else 1
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
