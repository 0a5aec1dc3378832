"""Soak: many clients asking for minutes while documents are uploaded and deleted (issue 16).

Starts the API (bench/api_server.py) over a copy of the corpus and index. `--clients` asyncio clients ask
fixed questions about the shipped documents, each with a province filter, and check the figure and the
cited file of every answer against the answer found before the soak (a wrong answer is a mismatch, not
only an error). One writer uploads a generated plan of another province, waits for its job, asks about it,
deletes it, waits, and starts again. RSS of the API process (and of it with its build children) is sampled
every 10 s. Target: 0 errors, 0 wrong answers, memory flat.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/soak.py [--minutes 10] [--clients 12] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import statistics
import sys
import time
from typing import Any

import common  # noqa: I001  (sets the offline environment and sys.path first)
import httpx
from api_server import KEY, ApiServer
from common import write_section

SECTION = "## Soak (clients, uploads and deletes together)"
QUESTIONS = [
    ("Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?", "Bắc Giang"),
    ("Số giường bệnh trên 10.000 dân của Hà Nam?", "Hà Nam"),
    ("Tỷ lệ bao phủ bảo hiểm y tế của Kiên Giang?", "Kiên Giang"),
    ("Quyết định nào quy định chức năng của Sở Y tế Hậu Giang?", "Hậu Giang"),
    ("Tỷ lệ tiêm chủng mở rộng của Bắc Giang năm 2023?", "Bắc Giang"),
]


def plan(n: int) -> bytes:
    return (
        f"# KẾ HOẠCH Y TẾ TỈNH LÂM ĐỒNG NĂM 2024 (BẢN {n})\n\nUBND TỈNH LÂM ĐỒNG – SỞ Y TẾ\n\n"
        "## I. CHỈ TIÊU\n\n| TT | Chỉ tiêu | Đơn vị tính | Kế hoạch năm 2024 |\n|---|---|---|---|\n"
        f"| 1 | Số bác sĩ/10.000 dân | Bác sĩ | {10 + n % 7},{n % 10} |\n"
        f"| 2 | Số giường bệnh/10.000 dân | Giường | {30 + n % 5} |\n\n"
        f"Năm 2024 tỉnh Lâm Đồng phấn đấu đạt {10 + n % 7},{n % 10} bác sĩ trên 10.000 dân (bản {n}).\n"
    ).encode()


def fingerprint(answer: dict[str, Any]) -> tuple[Any, ...]:
    """What must not change: abstained or not, the first figure, the first cited file."""
    figure = answer["figures"][0]["value"] if answer["figures"] else None
    source = answer["citations"][0]["source"] if answer["citations"] else None
    return answer["abstained"], figure, source


async def asker(
    client: httpx.AsyncClient,
    expected: dict[str, tuple[Any, ...]],
    until: float,
    stats: dict[str, Any],
    k: int,
) -> None:
    while time.monotonic() < until:
        question, province = QUESTIONS[k % len(QUESTIONS)]
        k += 1
        t0 = time.perf_counter()
        try:
            r = await client.post(
                "/ask", json={"question": question, "top_k": 5, "filters": {"province": province}}
            )
        except httpx.HTTPError as exc:
            stats["errors"].append(type(exc).__name__)
            continue
        stats["latency"].append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            stats["errors"].append(r.status_code)
        elif fingerprint(r.json()) != expected[question]:
            stats["wrong"].append((question, fingerprint(r.json())))


async def writer(client: httpx.AsyncClient, until: float, stats: dict[str, Any]) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        name = f"lam-dong-ban-{n}.md"
        r = await client.post("/documents", files={"file": (name, plan(n))}, headers={"X-API-Key": KEY})
        if r.status_code != 202:
            stats["errors"].append(("upload", r.status_code))
            continue
        job = await wait(client, r.json()["job_id"])
        stats["uploads"] += job["status"] == "done"
        if job["status"] != "done":
            stats["errors"].append(("upload job", job["status"], job["detail"]))
            continue
        a = (
            await client.post(
                "/ask",
                json={
                    "question": "Năm 2024 Lâm Đồng đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?",
                    "filters": {"province": "Lâm Đồng", "doc_ids": [name]},
                },
            )
        ).json()
        want = float(f"{10 + n % 7}.{n % 10}")
        if not a["figures"] or a["figures"][0]["value"] != want:
            stats["wrong"].append(("uploaded", name, a["figures"][:1]))
        r = await client.delete(f"/documents/{name}", headers={"X-API-Key": KEY})
        job = await wait(client, r.json()["job_id"])
        stats["deletes"] += job["status"] == "done"
        if job["status"] != "done" or (await client.get(f"/documents/{name}")).status_code != 404:
            stats["errors"].append(("delete", job["status"]))


async def wait(client: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    while True:
        job = (await client.get(f"/jobs/{job_id}")).json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        await asyncio.sleep(0.5)


async def sampler(
    server: ApiServer, until: float, samples: list[tuple[float, float, float]], t0: float
) -> None:
    while time.monotonic() < until:
        own, total = server.rss_mb()
        samples.append((time.monotonic() - t0, own, total))
        await asyncio.sleep(10)


async def soak(server: ApiServer, minutes: float, clients: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
        expected = {}
        for q, province in QUESTIONS:  # warm-up: the answers the soak must keep giving
            r = await client.post("/ask", json={"question": q, "top_k": 5, "filters": {"province": province}})
            expected[q] = fingerprint(r.json())
        stats: dict[str, Any] = {"latency": [], "errors": [], "wrong": [], "uploads": 0, "deletes": 0}
        samples: list[tuple[float, float, float]] = []
        t0 = time.monotonic()
        until = t0 + minutes * 60
        await asyncio.gather(
            sampler(server, until, samples, t0),
            writer(client, until, stats),
            *(asker(client, expected, until, stats, k) for k in range(clients)),
        )
        stats["wall_s"] = time.monotonic() - t0
    stats["samples"] = samples
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--results", type=common.Path)
    args = parser.parse_args()
    command = "HF_HUB_OFFLINE=1 .venv/bin/python " + shlex.join(["bench/soak.py", *sys.argv[1:]])
    machine = common.machine()
    server = ApiServer.start(common.OUT / "soak")
    try:
        stats = asyncio.run(soak(server, args.minutes, args.clients))
    finally:
        server.stop()
    machine["loadavg_end"] = common.loadavg()
    samples = stats.pop("samples")
    lat = stats.pop("latency")
    own = [s[1] for s in samples]
    warm = own[min(2, len(own) - 1)]  # after the first 20 s: model loaded, caches warm
    result = {
        "machine": machine,
        "minutes": args.minutes,
        "clients": args.clients,
        "asks": len(lat),
        "p50_ms": common.pct(lat, 50),
        "p95_ms": common.pct(lat, 95),
        "errors": len(stats["errors"]),
        "wrong": len(stats["wrong"]),
        "uploads": stats["uploads"],
        "deletes": stats["deletes"],
        "rss_api_mb": {"warm": warm, "end": own[-1], "max": max(own), "median": statistics.median(own)},
        "rss_with_children_max_mb": max(s[2] for s in samples),
        "error_samples": stats["errors"][:5],
        "wrong_samples": stats["wrong"][:5],
        "samples": samples,
    }
    text = section(result, command)
    print(text)
    print(f"JSON: {common.write_json('soak.json', result)}")
    if args.results:
        write_section(args.results, SECTION, text)


def section(r: dict[str, Any], command: str) -> str:
    m, rss = r["machine"], r["rss_api_mb"]
    load = ", ".join(f"{x:.2f}" for x in m["loadavg_start"])
    load_end = ", ".join(f"{x:.2f}" for x in m["loadavg_end"])
    return f"""{SECTION}

{m["date"]} · {m["nproc"]} CPUs ({m["cpu"]}), {m["ram_gib"]} GiB RAM · load average {load} at the start,
{load_end} at the end (other engineers' tests share the machine).

Command: `{command}`

{r["clients"]} clients ask 5 fixed questions (province filters) for {r["minutes"]:g} minutes and check each answer's
abstention, first figure and first cited file against the warm-up answer; one writer uploads a generated
Lâm Đồng plan, asks about it, deletes it, again and again.

| asks | p50 ms | p95 ms | errors | wrong answers | uploads done | deletes done | API RSS warm → end (max) | API + build children max |
|---|---|---|---|---|---|---|---|---|
| {r["asks"]} | {r["p50_ms"]:.0f} | {r["p95_ms"]:.0f} | {r["errors"]} | {r["wrong"]} | {r["uploads"]} | {r["deletes"]} | {rss["warm"]:.0f} → {rss["end"]:.0f} MB ({rss["max"]:.0f}) | {r["rss_with_children_max_mb"]:.0f} MB |

Memory of the API process is flat because builds run in a child process that exits after each job
(qa/api/worker.py); the samples (every 10 s) are in bench/out/soak.json.
"""


if __name__ == "__main__":
    main()
