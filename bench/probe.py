"""One serving process, measured: load an index, answer the dev questions warm, report latency and memory.

Usage: .venv/bin/python bench/probe.py --index-dir bench/out/index [--backend torch] [--runs 3] [--search]

Run as a fresh process by speed.py and scale.py so that its peak RSS is that of a process serving this
index with this backend and nothing else. Prints one JSON object on the last line of stdout.
Per run: p50/p95 over the dev questions; the reported numbers are the medians over runs.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import common  # first party-ish: sets HF_HUB_OFFLINE and sys.path before any Hugging Face import
import psutil

from qa.evaluation import load_questions


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def probe(index_dir: Path, backend: str | None, runs: int, search: bool) -> dict[str, Any]:
    from qa.answer import Answerer
    from qa.retrieval.engine import Engine

    overrides = {"embedding_backend": backend} if backend else {}
    settings = common.bench_settings(index_dir, **overrides)
    rss0 = rss_mb()
    t0 = time.perf_counter()
    engine = Engine(settings)
    answerer = Answerer(engine)
    t_index = time.perf_counter() - t0
    answerer.ask("khởi động", 1)  # warm-up: loads the embedding model
    t_ready = time.perf_counter() - t0
    rss_ready = rss_mb()
    questions = [q["question"] for q in load_questions(common.DEV)]

    per_run: list[dict[str, float]] = []
    for _ in range(runs):
        lat: dict[str, list[float]] = {"ask": [], "query_embedding": []}
        if search:
            lat |= {"lexical": [], "dense": [], "hybrid": []}
        for q in questions:
            if search:
                for mode in ("lexical", "dense", "hybrid"):
                    s = time.perf_counter()
                    engine.search(q, 5, mode=mode)
                    lat[mode].append((time.perf_counter() - s) * 1000)
            s = time.perf_counter()
            engine.embed_query(q)
            lat["query_embedding"].append((time.perf_counter() - s) * 1000)
            s = time.perf_counter()
            answerer.ask(q, 5)
            lat["ask"].append((time.perf_counter() - s) * 1000)
        run: dict[str, float] = {}
        for key, values in lat.items():
            run[f"{key}_p50_ms"] = common.pct(values, 50)
            run[f"{key}_p95_ms"] = common.pct(values, 95)
        per_run.append(run)
    return {
        "index_dir": str(index_dir),
        "backend": settings.embedding_backend,
        "chunks": len(engine.chunks),
        "documents": len(engine.docs),
        "questions": len(questions),
        "runs": runs,
        "load_index_s": t_index,
        "ready_s": t_ready,
        "rss_start_mb": rss0,
        "rss_ready_mb": rss_ready,
        "rss_end_mb": rss_mb(),
        "peak_rss_mb": common.peak_rss_mb(),
        "median": common.median_of_runs(per_run),
        "per_run": per_run,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=common.BENCH_INDEX)
    parser.add_argument("--backend", default=None, help="embedding backend (default: QA_EMBEDDING_BACKEND)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--search", action="store_true", help="also time Engine.search per mode")
    args = parser.parse_args()
    print(json.dumps(probe(args.index_dir, args.backend, args.runs, args.search)))


if __name__ == "__main__":
    main()
