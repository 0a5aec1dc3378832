"""/ask latency while a large upload is being indexed, against the same server idle (issue 16, defect 4).

Starts the API (bench/api_server.py) over a copy of the corpus and index, measures `POST /ask` p50/p95 idle
(one client, the first 10 dev questions in turn), then uploads a large document (the five corpus documents
joined under a new title: every chunk is new, so every chunk is embedded) and measures /ask the same way
for as long as the upload's job runs, by stage. Target: p50 and p95 during the build ≤ 2× idle.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/ask_during_build.py [--idle 60] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading
import time
from typing import Any

import common  # noqa: I001  (sets the offline environment and sys.path first)
import httpx
from api_server import KEY, ApiServer

SECTION = "## Questions during a build (/ask while a large upload is indexed)"


def big_document() -> bytes:
    parts = ["# TỔNG HỢP KẾ HOẠCH VÀ BÁO CÁO Y TẾ (BẢN GHÉP ĐỂ ĐO TẢI)\n"]
    for path in sorted((common.ROOT / "corpus").glob("*.txt")):
        parts.append(f"\n## Phần ghép: {path.stem}\n\n" + path.read_text(encoding="utf-8"))
    return "".join(parts).encode()


def ask_loop(
    url: str, questions: list[str], stop: threading.Event, out: list[tuple[float, str]], stage: list[str]
) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        k = 0
        while not stop.is_set():
            t0 = time.perf_counter()
            r = client.post("/ask", json={"question": questions[k % len(questions)], "top_k": 5})
            r.raise_for_status()
            out.append(((time.perf_counter() - t0) * 1000, stage[0]))
            k += 1


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50": common.pct(ms, 50), "p95": common.pct(ms, 95), "max": max(ms) if ms else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=int, default=60, help="idle /ask requests")
    parser.add_argument("--results", type=common.Path, help="markdown file whose section is (re)written")
    args = parser.parse_args()
    command = "HF_HUB_OFFLINE=1 .venv/bin/python " + shlex.join(["bench/ask_during_build.py", *sys.argv[1:]])
    questions = [
        json.loads(line)["question"]
        for line in common.DEV.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][:10]
    machine = common.machine()
    server = ApiServer.start(common.OUT / "ask-during-build")
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            for q in questions:  # warm-up
                client.post("/ask", json={"question": q, "top_k": 5}).raise_for_status()
            idle: list[float] = []
            for k in range(args.idle):
                t0 = time.perf_counter()
                client.post(
                    "/ask", json={"question": questions[k % len(questions)], "top_k": 5}
                ).raise_for_status()
                idle.append((time.perf_counter() - t0) * 1000)
            doc = big_document()
            stage = ["queued"]
            during: list[tuple[float, str]] = []
            stop = threading.Event()
            asker = threading.Thread(target=ask_loop, args=(server.url, questions, stop, during, stage))
            t_upload = time.monotonic()
            r = client.post("/documents", files={"file": ("ghep-lon.md", doc)}, headers={"X-API-Key": KEY})
            r.raise_for_status()
            job_id = r.json()["job_id"]
            asker.start()
            job: dict[str, Any] = {}
            while True:
                job = client.get(f"/jobs/{job_id}").json()
                stage[0] = job.get("stage") or job["status"]
                if job["status"] in ("done", "failed", "cancelled"):
                    break
                time.sleep(0.5)
            build_s = time.monotonic() - t_upload
            stop.set()
            asker.join()
    finally:
        server.stop()
    building = [
        ms
        for ms, st in during
        if st in ("queued", "running", "parsing", "embedding", "indexing", "publishing")
    ]
    embedding = [ms for ms, st in during if st == "embedding"]
    result = {
        "machine": {**machine, "loadavg_end": common.loadavg()},
        "document_kb": len(doc) // 1024,
        "job": {k: job.get(k) for k in ("status", "chunks_total", "detail")},
        "build_s": build_s,
        "idle": summary(idle),
        "during_build": summary(building),
        "during_embedding": summary(embedding),
    }
    result["ratio_p50"] = result["during_build"]["p50"] / result["idle"]["p50"]
    result["ratio_p95"] = result["during_build"]["p95"] / result["idle"]["p95"]
    text = section(result, command)
    print(text)
    print(f"JSON: {common.write_json('ask_during_build.json', result)}")
    if args.results:
        common.write_section(args.results, SECTION, text)


def section(r: dict[str, Any], command: str) -> str:
    m = r["machine"]
    rows = [
        [name, s["n"], round(s["p50"]), round(s["p95"]), round(s["max"])]
        for name, s in (
            ("idle", r["idle"]),
            ("during the build (all stages)", r["during_build"]),
            ("during the embedding stage", r["during_embedding"]),
        )
    ]
    table = common.md_table(["/ask", "requests", "p50 ms", "p95 ms", "max ms"], rows)
    load = ", ".join(f"{x:.2f}" for x in m["loadavg_start"])
    load_end = ", ".join(f"{x:.2f}" for x in m["loadavg_end"])
    return f"""{SECTION}

{m["date"]} · {m["nproc"]} CPUs ({m["cpu"]}), {m["ram_gib"]} GiB RAM · load average {load} at the start,
{load_end} at the end (other engineers' tests share the machine).

Command: `{command}`

One client asks the first 10 dev questions in turn (`POST /ask`, top_k 5), first idle, then while a
{r["document_kb"]} KB upload ({r["job"]["chunks_total"]} new chunks, job {r["job"]["status"]}, {r["build_s"]:.0f} s from upload
to done) is indexed by the build process (qa/api/worker.py: its own model session, nice 10).

{table}

During the build p50 is **{r["ratio_p50"]:.2f}×** idle and p95 **{r["ratio_p95"]:.2f}×** (target ≤ 2×). Before issue 16
builds ran in the API process and shared its one encode lock: p50 29 ms → 2.9 s (the issue's probe).
"""


if __name__ == "__main__":
    main()
