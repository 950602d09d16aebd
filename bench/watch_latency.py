#!/usr/bin/env python3
"""Watch latency of `medsite serve` on a generated site (see watch-latency.sh).

For each one-word edit of a page: the time from the file's write (just
before `open`) to the reload message arriving on the Server-Sent Events
channel, read from a raw socket. Also the server's resident memory (VmRSS)
after the first edit and after the last. Standard library only.

Usage: watch_latency.py MEDSITE CORPUS_DIR WORK_DIR [--edits N] [--latency-edits N]
"""

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

SITE_TOML = """title = "Benchmark"
theme = "fixture"

[[taxonomies]]
name = "tags"

[[taxonomies]]
name = "categories"
"""


def convert(corpus_content, content):
    """The corpus keeps tags and categories at the top of the front matter;
    medsite wants them under `taxonomies:`."""
    for folder, _, files in os.walk(corpus_content):
        target = os.path.join(content, os.path.relpath(folder, corpus_content))
        os.makedirs(target, exist_ok=True)
        for name in files:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            _, front, body = text.split("---\n", 2)
            kept, taxonomies = [], []
            for line in front.splitlines():
                if line.startswith(("tags:", "categories:")):
                    taxonomies.append("  " + line)
                else:
                    kept.append(line)
            if taxonomies:
                kept += ["taxonomies:"] + taxonomies
            with open(os.path.join(target, name), "w", encoding="utf-8") as f:
                f.write("---\n" + "\n".join(kept) + "\n---\n" + body)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Channel:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(
            f"GET /__medsite/reload HTTP/1.1\r\nHost: localhost:{port}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        self.buffer = b""
        self.wait_for(b'"kind":"hello"', 30)

    def wait_for(self, needle, timeout):
        deadline = time.monotonic() + timeout
        while needle not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SystemExit(f"timed out waiting for {needle!r}; got {self.buffer[-500:]!r}")
            self.sock.settimeout(remaining)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("the reload channel closed")
            self.buffer += chunk
        now = time.perf_counter()
        at = self.buffer.index(needle)
        event = self.buffer[: at + len(needle)]
        self.buffer = self.buffer[at + len(needle):]
        return now, event


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("medsite")
    parser.add_argument("corpus")
    parser.add_argument("work")
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--latency-edits", type=int, default=50)
    parser.add_argument("--title-edits", type=int, default=20)
    args = parser.parse_args()

    site = os.path.join(args.work, "site")
    shutil.rmtree(args.work, ignore_errors=True)
    convert(os.path.join(args.corpus, "content-md"), os.path.join(site, "content"))
    shutil.copytree(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "_theme"),
        os.path.join(site, "themes", "fixture"),
    )
    with open(os.path.join(site, "site.toml"), "w") as f:
        f.write(SITE_TOML)
    pages = sorted(
        os.path.join(folder, name)
        for folder, _, files in os.walk(os.path.join(site, "content"))
        for name in files
        if name.startswith("page-")
    )

    started = time.perf_counter()
    server = subprocess.Popen(
        [args.medsite, "serve", "--root", site, "--port", "0", "--quiet", "--navigate-to-changed"],
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            raise SystemExit(f"unexpected first line: {line!r}")
        port = int(match.group(1))
        # The first build is done when dist/ has its marker and the home page.
        dist = os.path.join(site, "dist")
        while not os.path.exists(os.path.join(dist, "sitemap.xml")):
            if time.perf_counter() - started > 600:
                raise SystemExit("the first build took more than 10 minutes")
            time.sleep(0.05)
        first_build = time.perf_counter() - started
        channel = Channel(port)
        time.sleep(0.5)  # let the first build's tail (swap, watcher set-up) settle

        # Each reload names the edited page (--navigate-to-changed), so a
        # message is matched to its edit, never to an earlier build's.
        rng = random.Random(1)

        def pick(previous):
            """Another page than the last one edited: its path, URL and text."""
            path = rng.choice(pages)
            while path == previous:
                path = rng.choice(pages)
            relative = os.path.relpath(path, os.path.join(site, "content"))
            with open(path, encoding="utf-8") as f:
                return path, "/" + relative[: -len(".md")] + "/", f.read()

        previous = None
        words = ["amber", "basalt", "cobalt", "dune", "ember", "fjord", "glacier", "harbor"]
        latencies = []
        memory_first = memory_last = 0
        for edit in range(args.edits):
            path, url, text = pick(previous)
            previous = path
            head, body = text.rsplit("---\n", 1)
            body_words = body.split(" ")
            index = rng.randrange(len(body_words))
            body_words[index] = words[edit % len(words)] + str(edit)
            new_text = head + "---\n" + " ".join(body_words)
            written = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new_text)
            arrived, event = channel.wait_for(
                b'"kind":"reload","navigate":"' + url.encode() + b'"', 30
            )
            if edit < args.latency_edits:
                latencies.append((arrived - written) * 1000)
            if edit == 0:
                memory_first = rss_kib(server.pid)
            memory_last = rss_kib(server.pid)
            # A writer does not type faster than the debounce: one edit, one rebuild.
            time.sleep(0.03)

        # Front-matter edits take the full incremental path (assemble the
        # site again, diff it): reported apart, they are not the target.
        title_latencies = []
        for edit in range(args.title_edits):
            path, url, text = pick(previous)
            previous = path
            new_text = re.sub(r'^title: "', f'title: "T{edit} ', text, count=1, flags=re.M)
            written = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new_text)
            arrived, _ = channel.wait_for(
                b'"kind":"reload","navigate":"' + url.encode() + b'"', 30
            )
            title_latencies.append((arrived - written) * 1000)
            time.sleep(0.03)

        latencies.sort()
        p50 = statistics.median(latencies)
        p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
        print(f"pages: {len(pages)} (+ 11 sections), first build + serve start: {first_build:.1f} s")
        print(f"latency over {len(latencies)} one-word edits (write -> reload message on the wire):")
        print(f"  p50 {p50:.1f} ms, p95 {p95:.1f} ms, min {latencies[0]:.1f} ms, max {latencies[-1]:.1f} ms")
        if title_latencies:
            title_latencies.sort()
            print(f"title edits (front matter, full incremental path) over {len(title_latencies)}: "
                  f"p50 {statistics.median(title_latencies):.1f} ms, max {title_latencies[-1]:.1f} ms")
        print(f"memory (VmRSS): after edit 1 {memory_first / 1024:.1f} MiB, "
              f"after edit {args.edits} {memory_last / 1024:.1f} MiB "
              f"({(memory_last - memory_first) * 100 / memory_first:+.1f}%)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
