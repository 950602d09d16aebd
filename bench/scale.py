#!/usr/bin/env python3
"""Makes the content of an N-page benchmark site from the 100,000-page one.

Usage: scale.py FROM_CONTENT TO_CONTENT N

N is a multiple of the pages in FROM_CONTENT (100,000). Page I of the copy
number c (c = 0, 1, ...) is page-(I + c*100000).md in the same section
(section ((I-1) % 10) + 1 either way), with `weight: I + c*100000`; the
rest of each file, and every _index.md, is the shared corpus's as it is.
So the N pages are ../shared/bench/gen_corpus.py's text, N/100000 times
over: generating a million pages with gen_corpus.py itself takes about two
hours of one core on this machine (each page's pseudo-random text is made
in Python), this takes the time of writing the files.
"""

import os
import re
import sys


def main():
    source, target, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pages = {}
    for folder, _, names in os.walk(source):
        for name in names:
            rel = os.path.relpath(os.path.join(folder, name), source)
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            if re.fullmatch(r"section-\d+/page-\d+\.md", rel):
                pages[rel] = text
            else:
                os.makedirs(os.path.dirname(os.path.join(target, rel)), exist_ok=True)
                with open(os.path.join(target, rel), "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
    base = len(pages)
    if n % base:
        sys.exit("scale.py: %d is not a multiple of the %d pages in %s" % (n, base, source))
    for rel, text in sorted(pages.items()):
        section, name = rel.split("/")
        i = int(name[len("page-"):-len(".md")])
        for copy in range(n // base):
            j = i + copy * base
            out = re.sub(r"(?m)^weight: %d$" % i, "weight: %d" % j, text, count=1)
            path = os.path.join(target, section, "page-%d.md" % j)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(out)
    print("wrote %d pages to %s" % (n, target), file=sys.stderr)


if __name__ == "__main__":
    main()
