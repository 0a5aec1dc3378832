"""Shared helpers of the benchmarks: a private index, machine facts, percentiles, tables, JSON output.

The benchmarks build and read their own index (``bench/out/index``), never the product's ``index/``,
so they neither race with nor disturb a developer's or the API's index.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing here may touch the network
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import json
import logging
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable without installing the package

from qa.index.build import Embedder, build  # noqa: E402
from qa.index.layout import current_generation  # noqa: E402
from qa.settings import Settings  # noqa: E402

logging.getLogger("bm25s").setLevel(
    logging.WARNING
)  # bm25s sets DEBUG on import; a root handler then prints it

OUT = ROOT / "bench" / "out"
CACHE = OUT / "cache"
BENCH_INDEX = OUT / "index"
DEV = ROOT / "eval" / "dev.jsonl"
RUN_DATE = date.today().isoformat()


def bench_settings(index_dir: Path = BENCH_INDEX, **overrides: Any) -> Settings:
    """Product settings (environment included) with the benchmark's own index directory."""
    return Settings(index_dir=index_dir, **overrides)


def passage_embedder(settings: Settings, backend: str | None = None) -> Embedder:
    """The product's passage embedder, optionally with another backend."""
    from qa.embeddings.model import passage_embedder as product_embedder

    return product_embedder(
        settings.model_copy(update={"embedding_backend": backend}) if backend else settings
    )


def ensure_index(settings: Settings) -> Path:
    """The benchmark index, built (or synced with the corpus) with the settings' embedding backend."""
    gen = current_generation(settings.index_dir)
    if gen is not None:
        manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("bench_backend") != settings.embedding_backend:
            _drop_index(settings.index_dir)  # vectors of another backend: rebuild from scratch
    report = build(settings, embed=passage_embedder(settings))
    gen = current_generation(settings.index_dir)
    assert gen is not None
    if report.changed:
        manifest_path = gen / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["bench_backend"] = settings.embedding_backend  # which backend made these vectors
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return gen


def _drop_index(index_dir: Path) -> None:
    import shutil

    if index_dir.resolve().is_relative_to(OUT.resolve()):  # never remove anything outside bench/out
        shutil.rmtree(index_dir, ignore_errors=True)


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "date": RUN_DATE,
        "loadavg_start": os.getloadavg(),
    }


def loadavg() -> tuple[float, float, float]:
    return os.getloadavg()


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB.

    VmHWM belongs to the address space, which exec replaces; ru_maxrss survives exec on Linux, so a
    child started by a big parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if len(values) else float("nan")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def median_of_runs(runs: list[dict[str, float]]) -> dict[str, float]:
    """Key-wise median over runs (each run a dict of numbers)."""
    return {k: median([r[k] for r in runs if k in r]) for k in runs[0]} if runs else {}


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return "—" if v != v else f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(name: str, obj: Any) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=float), encoding="utf-8")
    return path


def run_probe(
    index_dir: Path, backend: str | None = None, runs: int = 3, search: bool = False, timeout: float = 3600
) -> dict[str, Any]:
    """bench/probe.py in a fresh process: its peak RSS is that of one process serving this index."""
    import subprocess

    cmd = [
        sys.executable,
        str(ROOT / "bench" / "probe.py"),
        "--index-dir",
        str(index_dir),
        "--runs",
        str(runs),
    ]
    cmd += ["--backend", backend] if backend else []
    cmd += ["--search"] if search else []
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"probe failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_section(path: Path, section_title: str, text: str) -> None:
    """Add or replace only this benchmark's section of bench/RESULTS.md."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start = old.find(section_title)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(section_title))
        new = old[:start] + text + (old[end:] if end >= 0 else "")
    path.write_text(new, encoding="utf-8")
