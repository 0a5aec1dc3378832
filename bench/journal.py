"""The job journal's own cost: each operation on the embedded SQLite journal and on a local PostgreSQL.

Usage: .venv/bin/python bench/journal.py [--jobs 300] [--threads 16]

- one caller: ``--jobs`` times submit, claim_next, get, finish in a row (the life of a job without its
  build); the median milliseconds of each. PostgreSQL is a real server started like the tests start it
  (tests/postgres.py), with fsync on as in production, on the same disk as the SQLite file; SQLite is in WAL
  mode with synchronous=FULL (qa/jobs/sqlite_journal.py).
- contention: ``--threads`` threads of one process read one job 50 times each through one PostgresJournal,
  i.e. through its pool of ``POOL_MAX`` connections: the median wait of a read and the wall time.
Writes bench/out/journal.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import common  # noqa: I001  (sets the offline environment and sys.path first)

sys.path.insert(0, str(common.ROOT / "tests"))

from postgres import PostgresServer  # noqa: E402

from qa.jobs.journal import JobJournal  # noqa: E402
from qa.jobs.model import Job  # noqa: E402
from qa.jobs.postgres_journal import POOL_MAX, PostgresJournal  # noqa: E402
from qa.jobs.sqlite_journal import SqliteJournal  # noqa: E402


def lifecycle(journal: JobJournal, jobs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {"submit": [], "claim_next": [], "get": [], "finish": []}

    def timed(name: str, call):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = call()
        times[name].append(time.perf_counter() - start)
        return result

    for n in range(jobs):
        timed("submit", lambda n=n: journal.submit(Job("delete", f"d{n}", f"d{n}")))
        job = timed("claim_next", lambda: journal.claim_next("bench"))
        timed("get", lambda job=job: journal.get(job.job_id))
        timed("finish", lambda job=job: journal.finish(job.job_id, "done", "ok"))
    return {name: round(statistics.median(v) * 1000, 3) for name, v in times.items()}


def contention(journal: JobJournal, threads: int, reads: int = 50) -> dict[str, float]:
    job = journal.submit(Job("ingest"))
    waits: list[float] = []

    def read() -> None:
        for _ in range(reads):
            start = time.perf_counter()
            journal.get(job.job_id)
            waits.append(time.perf_counter() - start)

    workers = [threading.Thread(target=read) for _ in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {
        "threads": threads,
        "pool": POOL_MAX,
        "read_p50_ms": round(statistics.median(waits) * 1000, 3),
        "read_p95_ms": round(common.pct(waits, 95) * 1000, 3),
        "wall_s": round(time.perf_counter() - start, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    out: dict[str, object] = {"machine": common.machine()}
    with tempfile.TemporaryDirectory(dir=common.ROOT / "bench") as folder:
        out["sqlite"] = lifecycle(SqliteJournal(Path(folder) / "jobs.sqlite"), args.jobs)
    server = PostgresServer().start(durable=True)
    try:
        journal = PostgresJournal(server.create_database())
        out["postgres"] = lifecycle(journal, args.jobs)
        out["postgres_contention"] = contention(journal, args.threads)
        journal.close()
    finally:
        server.stop()
    out["loadavg_end"] = common.loadavg()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    common.write_json("journal.json", out)


if __name__ == "__main__":
    main()
