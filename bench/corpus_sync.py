"""The shared corpus (qa/jobs/shared_corpus.py): publishing uploads into PostgreSQL, and a replica's cache sync.

Usage: .venv/bin/python bench/corpus_sync.py [--files 200] [--kb 100]

PostgreSQL is a real server started like the tests start it (tests/postgres.py), fsync on, on the same disk.
``--files`` documents of ``--kb`` KB each (random bytes in a .txt: nothing is parsed) are uploaded one at a time
through the upload's file steps (stage, publish: one transaction each), then a replica with an empty cache syncs
(cold: every file fetched), syncs again (warm: nothing changed, only the listing), and syncs after one more
upload and one delete (one file fetched, one removed). That sync runs under the build lock before each shared
build. Writes bench/out/corpus_sync.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import common  # noqa: I001  (sets the offline environment and sys.path first)

common.sys.path.insert(0, str(common.ROOT / "tests"))
from postgres import PostgresServer  # noqa: E402

from qa.jobs.corpus_cache import sync_cache  # noqa: E402
from qa.jobs.shared_corpus import SharedCorpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--kb", type=int, default=100)
    args = parser.parse_args()
    out: dict[str, object] = {"machine": common.machine(), "files": args.files, "kb_each": args.kb}
    server = PostgresServer().start(durable=True)
    try:
        url = server.create_database()
        with tempfile.TemporaryDirectory() as folder:
            uploader = SharedCorpus(url, Path(folder) / "a" / ".corpus")
            publish_ms = []
            for n in range(args.files):
                data = os.urandom(args.kb * 1024)
                start = time.perf_counter()
                staged = uploader.stage(io.BytesIO(data), 1 << 30)
                uploader.publish(staged.path.name, f"tai_lieu_{n:05d}.txt")
                publish_ms.append((time.perf_counter() - start) * 1000)
            out["upload_ms"] = {
                "median": round(statistics.median(publish_ms), 2),
                "p95": round(common.pct(publish_ms, 95), 2),
            }
            replica = SharedCorpus(url, Path(folder) / "b" / ".corpus")
            cold = sync_cache(replica, replica.dir)
            warm = sync_cache(replica, replica.dir)
            staged = uploader.stage(io.BytesIO(os.urandom(args.kb * 1024)), 1 << 30)
            uploader.publish(staged.path.name, "moi.txt")
            uploader.to_trash(uploader.trash_plan("tai_lieu_00000.txt", "bench"))
            one = sync_cache(replica, replica.dir)
            out["sync_s"] = {
                "cold": round(cold.seconds, 3),
                "warm": round(warm.seconds, 3),
                "one_new_one_deleted": round(one.seconds, 3),
            }
            out["synced"] = {
                "cold_written": len(cold.written),
                "warm_written": len(warm.written),
                "one_written": len(one.written),
                "one_removed": len(one.removed),
            }
            uploader.close()
            replica.close()
    finally:
        server.stop()
    out["loadavg_end"] = common.loadavg()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    common.write_json("corpus_sync.json", out)


if __name__ == "__main__":
    main()
