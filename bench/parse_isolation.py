"""What reading each file in a child process costs (issue 16, bounded work), and how much memory it needs.

For each shipped document: the median time of `prepare_document` in this process and of
`IsolatedParser.prepare` (fork, limits, the result pickled back), over `--runs` runs; then the smallest
memory budget (`parse_memory_mb`, in steps) under which the largest document still reads.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/parse_isolation.py [--runs 5] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from dataclasses import replace
from typing import Any

import common  # noqa: I001  (sets the offline environment and sys.path first)
from common import write_section

from qa.index.isolated import IsolatedParser, ParseLimits, prepare_document
from qa.models import IngestError
from qa.settings import Settings

SECTION = "## Bounded parsing (one child process per file)"
BUDGETS = (16, 32, 64, 128, 256, 512)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--results", type=common.Path)
    args = parser.parse_args()
    command = "HF_HUB_OFFLINE=1 .venv/bin/python " + shlex.join(["bench/parse_isolation.py", *sys.argv[1:]])
    limits = ParseLimits.from_settings(Settings())
    isolated = IsolatedParser(limits)
    machine = common.machine()
    rows = []
    files = sorted((common.ROOT / "corpus").glob("*.txt"))
    for path in files:
        inproc, child = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            prepare_document(path, limits)
            inproc.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            isolated.prepare(path)
            child.append((time.perf_counter() - t0) * 1000)
        rows.append(
            [
                path.name,
                path.stat().st_size // 1024,
                round(common.median(inproc)),
                round(common.median(child)),
                round(common.median(child) - common.median(inproc)),
            ]
        )
    largest = max(files, key=lambda p: p.stat().st_size)
    needed: Any = None
    for mb in BUDGETS:
        try:
            IsolatedParser(replace(limits, memory_mb=mb)).prepare(largest)
        except IngestError:
            continue
        needed = mb
        break
    machine["loadavg_end"] = common.loadavg()
    table = common.md_table(["file", "KB", "in process ms", "in a child ms", "cost of the child ms"], rows)
    overhead = [r[4] for r in rows]
    load = ", ".join(f"{x:.2f}" for x in machine["loadavg_start"])
    text = f"""{SECTION}

{machine["date"]} · {machine["nproc"]} CPUs · load average {load} at the start (other work on the machine counts).

Command: `{command}`

Median of {args.runs} runs per file: parse, chunk and extract figures and regulations in this process, then
the same in a forked child with the limits of Settings (qa/index/isolated.py).

{table}

The child costs **{min(overhead)}–{max(overhead)} ms per file** (fork of the build process, limits, the parsed
document pickled back), next to seconds of embedding per file. The largest shipped document
({largest.name}, {largest.stat().st_size // 1024} KB) reads within a memory budget of **{needed} MB** above the
forked process (budgets tried: {", ".join(map(str, BUDGETS))} MB); the default `parse_memory_mb` 2048 leaves
room for a 50 MB file, and refuses the issue's zip bomb (tests/index/test_isolated.py).
"""
    print(text)
    if args.results:
        write_section(args.results, SECTION, text)


if __name__ == "__main__":
    main()
