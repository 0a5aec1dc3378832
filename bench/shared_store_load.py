"""Loading the Engine from the shared PostgreSQL (qa/index/shared_store.py) against loading it from the
generation's store.sqlite, on the same index.

Usage: .venv/bin/python bench/shared_store_load.py [--runs 3] [--index DIR]

PostgreSQL is a real server started like the tests start it (tests/postgres.py), fsync on, on the same disk.
The generation (``--index``'s current one, default the benchmark index) is published once (timed), then per run:
- sqlite: ``Engine(settings)`` over the index directory (the embedded default);
- postgres, cold: a replica with an empty index directory: the rows from PostgreSQL, the files (bm25s, FAISS,
  abbreviations, answer model) written from their blobs first;
- postgres, warm: the same replica again (its files cached, the rows from PostgreSQL);
then the median time of reading the longest document's lines, which a replica reads per request.
The process's pool is open before timing, as in a running replica. Writes bench/out/shared_store_load.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import common  # noqa: I001  (sets the offline environment and sys.path first)

common.sys.path.insert(0, str(common.ROOT / "tests"))
from postgres import PostgresServer  # noqa: E402

from qa.index.layout import current_generation  # noqa: E402
from qa.index.shared_store import close_shared_stores, shared_store  # noqa: E402
from qa.retrieval.engine import Engine  # noqa: E402


def _load(settings: common.Settings) -> float:
    start = time.perf_counter()
    engine = Engine(settings)
    seconds = time.perf_counter() - start
    engine.close()
    return seconds


def _lines_ms(settings: common.Settings, calls: int = 50) -> float:
    """Median ms of reading the longest document's lines (GET /documents/{id} reads them per request)."""
    engine = Engine(settings)
    try:
        doc_id = max(engine.doc_rows, key=lambda d: engine.doc_rows[d]["n_lines"])
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            engine.document_lines(doc_id)
            times.append(time.perf_counter() - start)
        return round(statistics.median(times) * 1000, 2)
    finally:
        engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()
    embedded = common.bench_settings(args.index) if args.index else common.bench_settings()
    if args.index is None:
        common.ensure_index(embedded)
    generation = current_generation(embedded.index_dir)
    assert generation is not None
    out: dict[str, object] = {"machine": common.machine(), "generation": generation.name}
    server = PostgresServer().start(durable=True)
    try:
        url = server.create_database()
        shared = shared_store(url)
        start = time.perf_counter()
        shared.publish(generation, None)
        out["publish_s"] = round(time.perf_counter() - start, 3)
        runs: dict[str, list[float]] = {"sqlite": [], "postgres_cold": [], "postgres_warm": []}
        for _ in range(args.runs):
            runs["sqlite"].append(_load(embedded))
            with tempfile.TemporaryDirectory() as folder:
                replica = embedded.model_copy(
                    update={"index_dir": Path(folder) / "index", "database_url": url}
                )
                runs["postgres_cold"].append(_load(replica))
                runs["postgres_warm"].append(_load(replica))
                shutil.rmtree(replica.index_dir)
        out["load_s"] = {k: [round(v, 3) for v in values] for k, values in runs.items()}
        out["document_lines_ms"] = {
            "sqlite": _lines_ms(embedded),
            "postgres": _lines_ms(embedded.model_copy(update={"database_url": url})),
        }
        out["median_s"] = {k: round(statistics.median(values), 3) for k, values in runs.items()}
        close_shared_stores()
    finally:
        server.stop()
    out["loadavg_end"] = common.loadavg()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    common.write_json("shared_store_load.json", out)


if __name__ == "__main__":
    main()
