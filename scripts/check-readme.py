#!/usr/bin/env python3
"""Checks that every README code block marked `<!-- example: PATH -->` is an
excerpt of PATH: its lines (whitespace-trimmed; Rust doc-comment prefixes
removed from the file) appear in the file in the same order. A line that is
only `// ...` marks a gap. The files themselves are compiled and run by the
C, Go, Node and Rust suites."""
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text()
blocks = re.findall(r"<!-- example: (\S+) -->\n```\w*\n(.*?)```", readme, re.S)
if not blocks:
    sys.exit("README.md: no marked examples found")
failures = 0
for path, block in blocks:
    source = (root / path).read_text().splitlines()
    lines = [re.sub(r"^\s*(//!|///) ?", "", l).strip() for l in source]
    lines = [l.removeprefix("# ").strip() if l.startswith("# ") else l for l in lines]
    pos = 0
    for want in (l.strip() for l in block.splitlines()):
        if not want or want == "// ...":
            continue
        try:
            pos = lines.index(want, pos) + 1
        except ValueError:
            print(f"README.md example from {path}: line not found (in order): {want}", file=sys.stderr)
            failures += 1
            break
print(f"README.md: {len(blocks)} examples checked against their files")
sys.exit(1 if failures else 0)
