"""Load test of POST /ask over HTTP: requests/s and latency percentiles at several concurrency levels.

Starts its own API server (one uvicorn process, `qa.api.app:create_app`) on a free 127.0.0.1 port over
its own index of the real corpus (bench/out/index-api, product settings, built if missing: the other
benchmarks' index may hold vectors of another embedding backend), then drives it with an
asyncio httpx client: a warm-up round, then N requests per concurrency level, cycling through a fixed
mix of dev questions (the first 10 of eval/dev.jsonl). Every answer is compared with the warm-up
answer to the same question, so a concurrency bug shows up as a mismatch, not just as speed.

`--torch-threads default,1` repeats the run with the server's torch intra-op threads left at the default
(one per core) and pinned to 1 (OMP_NUM_THREADS=1): on a small, busy machine the query embedding's
OpenMP threads compete with everything else, and one thread can be much faster.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/load_api.py [--levels 1,8,32] [--requests 200]
        [--torch-threads default,1] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import common  # noqa: I001  (sets the offline environment and sys.path first)
import httpx

SECTION = "## API load (/ask)"
INDEX = common.OUT / "index-api"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, threads: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "QA_INDEX_DIR": str(index_dir), "QA_API_KEYS": "", "QA_PROTECT_READS": "false"}
    env.pop("OMP_NUM_THREADS", None)
    if threads != "default":
        env["OMP_NUM_THREADS"] = threads  # torch reads it for its intra-op thread pool
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "qa.api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return subprocess.Popen(cmd, cwd=common.ROOT, env=env)


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the API server exited with {proc.returncode}")
        try:
            health = httpx.get(f"{url}/health", timeout=5).json()
            if health.get("status") == "ok":
                return health
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the API server did not become ready")


async def ask(client: httpx.AsyncClient, question: str) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    r = await client.post("/ask", json={"question": question, "top_k": 5})
    elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, r.status_code, r.json().get("answer", "") if r.status_code == 200 else ""


async def run_level(
    url: str, questions: list[str], expected: dict[str, str], concurrency: int, n: int, threads: str
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = mismatches = 0
    order = iter(range(n))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors, mismatches
        for i in order:  # one shared iterator: the workers split the n requests between them
            q = questions[i % len(questions)]
            ms, status, answer = await ask(client, q)
            latencies.append(ms)
            errors += status != 200
            mismatches += status == 200 and answer != expected[q]

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return {
        "torch_threads": threads,
        "concurrency": concurrency,
        "requests": n,
        "errors": errors,
        "mismatches": mismatches,
        "rps": n / wall,
        "wall_s": wall,
        "p50_ms": common.pct(latencies, 50),
        "p95_ms": common.pct(latencies, 95),
        "p99_ms": common.pct(latencies, 99),
        "max_ms": max(latencies),
    }


async def measure(
    url: str, questions: list[str], levels: list[int], n: int, threads: str
) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=url, timeout=300) as client:
        warm = [await ask(client, q) for q in questions]  # model, caches, first-call costs
    expected = {q: answer for q, (_, _, answer) in zip(questions, warm, strict=True)}
    return [await run_level(url, questions, expected, c, n, threads) for c in levels]


def run_config(
    index_dir: Path, questions: list[str], levels: list[int], n: int, threads: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One server process with this thread setting: (its /health, one row per concurrency level)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(index_dir, port, threads)
    try:
        health = wait_ready(url, server)
        return health, asyncio.run(measure(url, questions, levels, n, threads))
    finally:
        server.terminate()
        server.wait(30)


def table(rows: list[dict[str, Any]]) -> str:
    return common.md_table(
        [
            "torch threads",
            "concurrency",
            "requests",
            "errors",
            "mismatches",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
        ],
        [
            [
                r["torch_threads"],
                r["concurrency"],
                r["requests"],
                r["errors"],
                r["mismatches"],
                f"{r['rps']:.1f}",
                round(r["p50_ms"]),
                round(r["p95_ms"]),
                round(r["p99_ms"]),
                round(r["max_ms"]),
            ]
            for r in rows
        ],
    )


def section(result: dict[str, Any], command: str) -> str:
    m, h = result["machine"], result["health"]
    load = ", ".join(f"{x:.2f}" for x in m["loadavg_start"])
    load_end = ", ".join(f"{x:.2f}" for x in m["loadavg_end"])
    return f"""{SECTION}

{m["date"]} · {m["nproc"]} CPUs ({m["cpu"]}), {m["ram_gib"]} GiB RAM, Python {m["python"]} ·
load average {load} at the start, {load_end} at the end (other work on the machine counts).

Command: `{command}`

One uvicorn process (`qa.api.app:create_app`, one worker) per torch-thread setting, over the real corpus index
({h["documents"]} documents, {h["chunks"]} chunks, embedding backend {result["backend"]}) on 127.0.0.1. An asyncio
httpx client sends `POST /ask` (top_k 5), cycling through the first {result["questions"]} questions of
eval/dev.jsonl, {result["requests"]} requests per concurrency level after one warm-up round. *torch threads*:
`default` = torch's own choice (one per core), `1` = `OMP_NUM_THREADS=1`. *mismatches*: answers that differ
from the warm-up answer to the same question.

{table(result["levels"])}

{reading(result["levels"])}
"""


def reading(rows: list[dict[str, Any]]) -> str:
    by_setting: dict[str, list[float]] = {}
    for r in rows:
        by_setting.setdefault(r["torch_threads"], []).append(r["rps"])
    ranges = "; ".join(f"torch threads {t}: {min(v):.1f}–{max(v):.1f} req/s" for t, v in by_setting.items())
    return (
        f"Throughput by setting, over the concurrency levels: {ranges}. One process answers one question at "
        "a time in effect (the query embedding runs under one lock; retrieval and the answer step hold the GIL), "
        "so past that rate requests queue and latency grows with the concurrency (p50 ≈ concurrency / "
        "throughput); more throughput needs more processes or cores, not more threads. With torch's default "
        "thread pool a lone request can be slow on a busy machine: its OpenMP threads wait for cores that "
        "other processes hold. The numbers move with the machine's load (see the load average above)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrency levels, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="requests per level")
    parser.add_argument("--questions", type=int, default=10, help="first N dev questions, in rotation")
    parser.add_argument(
        "--torch-threads",
        default="default,1",
        help="server torch threads to compare: 'default' and/or numbers (OMP_NUM_THREADS)",
    )
    parser.add_argument("--results", type=Path, help="markdown file whose API load section is (re)written")
    args = parser.parse_args()
    command = "HF_HUB_OFFLINE=1 .venv/bin/python " + shlex.join(["bench/load_api.py", *sys.argv[1:]])

    settings = common.bench_settings(INDEX)
    common.ensure_index(settings)
    questions = [
        json.loads(line)["question"]
        for line in common.DEV.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][: args.questions]
    result: dict[str, Any] = {
        "machine": common.machine(),
        "questions": len(questions),
        "requests": args.requests,
        "backend": settings.embedding_backend,
    }
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    result["levels"] = []
    for threads in [t.strip() for t in args.torch_threads.split(",") if t.strip()]:
        result["health"], rows = run_config(settings.index_dir, questions, levels, args.requests, threads)
        result["levels"] += rows
    result["machine"]["loadavg_end"] = common.loadavg()
    text = section(result, command)
    print(text)
    print(f"JSON: {common.write_json('load_api.json', result)}")
    if args.results:
        common.write_section(args.results, SECTION, text)
        print(f"Section «{SECTION}» written to {args.results}")


if __name__ == "__main__":
    main()
