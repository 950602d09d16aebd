#!/usr/bin/env python3
"""Watch latency of `medsite serve` on a generated site (see watch-latency.sh).

For each one-word edit of a page: the time from the file's write (just
before `open`) to the reload message arriving on the Server-Sent Events
channel, read from a raw socket. Also the server's resident memory (VmRSS)
after the first edit and after the last. Standard library only.

Usage: watch_latency.py MEDSITE CORPUS_DIR WORK_DIR [--edits N] [--latency-edits N]
           [--site PREPARED_SITE] [--search] [--front-matter-edits N]
           [--pause SECONDS]

With --site, the site made by bench/prepare.sh (the bench theme, pagination
by 10) is copied instead of converting the corpus for the fixture theme.
With --search, `search = true` is added to site.toml, and for each edit the
time until the search index in dist/ changed is reported too.
Front-matter edits (title, date, a tag; --front-matter-edits of each) are
reported per kind after the body edits. --pause waits that long after each
edit (after its index, with --search), as a writer does between saves.
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

# The base URL makes the sitemap, whose arrival marks the first build's end.
SITE_TOML = """title = "Benchmark"
base_url = "http://example.org/"
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


def summary(values):
    """p50, p95, min and max of latencies in ms."""
    values = sorted(values)
    p95 = values[max(0, int(round(0.95 * len(values))) - 1)]
    return (f"p50 {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, "
            f"min {values[0]:.1f} ms, max {values[-1]:.1f} ms")


def tags_of(paths):
    """Every tag the front matter of `paths` names, sorted."""
    tags = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            match = re.search(r"^\s*tags: \[(.*)\]$", f.read(), flags=re.M)
        if match:
            tags.update(re.findall(r'"([^"]*)"', match.group(1)))
    return sorted(tags)


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
    parser.add_argument("--front-matter-edits", type=int, default=20)
    parser.add_argument("--site")
    parser.add_argument("--search", action="store_true")
    parser.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args()

    site = os.path.join(args.work, "site")
    shutil.rmtree(args.work, ignore_errors=True)
    if args.site:
        shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("dist", ".dist.medsite"))
    else:
        convert(os.path.join(args.corpus, "content-md"), os.path.join(site, "content"))
        shutil.copytree(
            os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "_theme"),
            os.path.join(site, "themes", "fixture"),
        )
        with open(os.path.join(site, "site.toml"), "w") as f:
            f.write(SITE_TOML)
    if args.search:
        with open(os.path.join(site, "site.toml")) as f:
            config = f.read()
        with open(os.path.join(site, "site.toml"), "w") as f:
            f.write("search = true\n" + config)
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
        index_entry = os.path.join(dist, "pagefind", "pagefind-entry.json")
        tag_pool = tags_of(pages[:200])

        def entry():
            try:
                with open(index_entry, "rb") as f:
                    return f.read()
            except FileNotFoundError:
                return b""

        def edit_once(edit, change):
            """One edit made by `change(text, edit)`: the latency to its
            reload message, and with search the latency to the new index."""
            nonlocal previous
            path, url, text = pick(previous)
            previous = path
            new_text = change(text, edit)
            assert new_text != text, f"{change.__name__} changed nothing in {path}"
            before = entry() if args.search else None
            written = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new_text)
            arrived, _ = channel.wait_for(
                b'"kind":"reload","navigate":"' + url.encode() + b'"', 600
            )
            indexed = None
            if args.search:
                while entry() == before:
                    if time.perf_counter() - written > 600:
                        raise SystemExit("the search index did not change within 10 minutes")
                    time.sleep(0.002)
                indexed = (time.perf_counter() - written) * 1000
            # A writer does not type faster than the debounce: one edit, one rebuild.
            time.sleep(max(0.03, args.pause))
            return (arrived - written) * 1000, indexed

        def body(text, edit):
            head, rest = text.rsplit("---\n", 1)
            body_words = rest.split(" ")
            index = rng.randrange(len(body_words))
            body_words[index] = words[edit % len(words)] + str(edit)
            return head + "---\n" + " ".join(body_words)

        def title(text, edit):
            return re.sub(r'^title: "', f'title: "T{edit} ', text, count=1, flags=re.M)

        def date(text, edit):
            day = f"{rng.randrange(2010, 2026)}-{rng.randrange(1, 13):02}-{rng.randrange(1, 29):02}"
            return re.sub(r"^date: .*$", f"date: {day}", text, count=1, flags=re.M)

        def tag(text, edit):
            pool = [t for t in tag_pool if f'"{t}"' not in text]
            return re.sub(r'^(\s*tags: \[)"[^"]*"', lambda m: f'{m.group(1)}"{rng.choice(pool)}"',
                          text, count=1, flags=re.M)

        latencies, index_latencies = [], []
        memory_first = memory_last = 0
        for edit in range(args.edits):
            latency, indexed = edit_once(edit, body)
            if edit < args.latency_edits:
                latencies.append(latency)
                if indexed is not None:
                    index_latencies.append(indexed)
            if edit == 0:
                memory_first = rss_kib(server.pid)
            memory_last = rss_kib(server.pid)

        # Front-matter edits: each kind reported apart.
        front_matter = {}
        for change in (title, date, tag):
            results = [edit_once(edit, change) for edit in range(args.front_matter_edits)]
            front_matter[change.__name__] = results

        print(f"pages: {len(pages)} (+ sections), first build + serve start: {first_build:.1f} s"
              + (", search = true" if args.search else ""))
        print(f"body edits over {len(latencies)} (write -> reload message on the wire): "
              + summary(latencies))
        if index_latencies:
            print(f"  write -> new search index in dist/: " + summary(index_latencies))
        for kind, results in front_matter.items():
            if not results:
                continue
            print(f"{kind} edits (front matter) over {len(results)}: "
                  + summary([r[0] for r in results]))
            if args.search:
                print(f"  write -> new search index in dist/: " + summary([r[1] for r in results]))
        print(f"memory (VmRSS): after edit 1 {memory_first / 1024:.1f} MiB, "
              f"after edit {args.edits} {memory_last / 1024:.1f} MiB "
              f"({(memory_last - memory_first) * 100 / max(memory_first, 1):+.1f}%)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
