"""The embedded retrieval before and after a change: the same hits, and the time of ``Engine.search``.

Runs this checkout's and another checkout's ``qa`` (``--other``, e.g. the main worktree) alternately in fresh
processes over one index, on the dev questions with no filter, a province filter and a year filter. Query vectors
are computed once per process, so the time is retrieval and fusion, not the model. Prints whether every hit list
(chunk ids, fused scores, both ranks) is identical, and each side's median ms per search over the rounds.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/embedded_same.py --other /work/main --index bench/out/index-shared
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys, time
from pathlib import Path
from qa.evaluation import load_questions
from qa.retrieval.engine import Engine, Filters
from qa.settings import Settings

engine = Engine(Settings(index_dir=Path(sys.argv[1])))
questions = [it["question"] for it in load_questions(Path(sys.argv[2]))]
vectors = {q: engine.embed_query(q) for q in questions}
engine.embed_query = lambda q: vectors[q]
filters = [None, Filters(province="Kiên Giang"), Filters(year=2024)]
hits = [[(h.chunk.chunk_id, h.ranked.score, h.ranked.lexical_rank, h.ranked.dense_rank)
         for h in engine.search(q, 10, f)] for q in questions for f in filters]
times = []
for _ in range(5):
    t0 = time.perf_counter()
    for q in questions:
        for f in filters:
            engine.search(q, 10, f)
    times.append((time.perf_counter() - t0) * 1000 / (len(questions) * len(filters)))
print(json.dumps({"hits": hits, "ms": sorted(times)[2]}))
"""


def probe(checkout: Path, index: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(index), str(ROOT / "eval" / "dev.jsonl")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="another checkout of the project")
    parser.add_argument("--index", type=Path, required=True, help="an index directory both can read")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ms: dict[str, list[float]] = {"this": [], "other": []}
    same = True
    for _ in range(args.rounds):
        mine, theirs = probe(ROOT, args.index), probe(args.other, args.index)
        same &= mine["hits"] == theirs["hits"]
        ms["this"].append(mine["ms"])
        ms["other"].append(theirs["ms"])
    print(f"identical hits: {same}")
    for side, values in ms.items():
        print(
            f"{side}: median {statistics.median(values):.2f} ms per search, rounds {[round(v, 2) for v in values]}"
        )
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
