#!/usr/bin/env python3
"""Time to the first answer of `medsite serve`, against a full build.

For each of RUNS rounds, on a copy of SITE (a bench/prepare.sh site):
`medsite build --quiet` into an empty output folder, timed from start to
exit; then, with the output folder removed again, `medsite serve --port 0
--quiet`, timed from start to the first complete `200` answer for `/`. The
server answers only after its first build, so the request waits in the
listen queue meanwhile. Prints each pair, the medians and their ratio
(target: serve within a full build plus 10%). Standard library only.

Usage: serve_first_request.py MEDSITE SITE WORK_DIR [--runs N] [--search]
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import time


def timed_build(medsite, site):
    started = time.perf_counter()
    subprocess.run([medsite, "build", "--root", site, "--quiet"], check=True)
    return time.perf_counter() - started


def timed_serve(medsite, site):
    started = time.perf_counter()
    server = subprocess.Popen(
        [medsite, "serve", "--root", site, "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            raise SystemExit(f"unexpected first line: {line!r}")
        connection = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=600)
        connection.request("GET", "/")
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200 or b"<html" not in body:
            raise SystemExit(f"first answer: {response.status}, {body[:200]!r}")
        return elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("medsite")
    parser.add_argument("site")
    parser.add_argument("work")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--search", action="store_true")
    args = parser.parse_args()

    site = os.path.join(args.work, "site")
    shutil.rmtree(args.work, ignore_errors=True)
    shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("dist", ".dist.medsite"))
    if args.search:
        with open(os.path.join(site, "site.toml")) as f:
            config = f.read()
        with open(os.path.join(site, "site.toml"), "w") as f:
            f.write("search = true\n" + config)

    def clean():
        shutil.rmtree(os.path.join(site, "dist"), ignore_errors=True)
        marker = os.path.join(site, ".dist.medsite")
        if os.path.exists(marker):
            os.remove(marker)

    builds, serves = [], []
    for run in range(args.runs):
        clean()
        builds.append(timed_build(args.medsite, site))
        clean()
        serves.append(timed_serve(args.medsite, site))
        print(f"run {run + 1}: build {builds[-1]:.2f} s, serve's first answer {serves[-1]:.2f} s")
    build, serve = statistics.median(builds), statistics.median(serves)
    print(f"median: build {build:.2f} s, serve's first answer {serve:.2f} s "
          f"({serve / build:.2f}x the build)" + (", search = true" if args.search else ""))


if __name__ == "__main__":
    main()
