"""A real API server for the reliability benchmarks: its own copy of the corpus and index, a key, its memory.

The server is ``python -m qa.api.server`` (what ``make run`` starts) in its own process over a throwaway
copy of corpus/ and of the benchmark index (bench/out/index-reliability, built from the corpus when
missing), so uploads and deletes never touch the repository's files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import common  # noqa: I001  (sets the offline environment and sys.path first)
import httpx
import psutil

from qa.index.build import build
from qa.index.layout import current_generation
from qa.run_services import free_port

KEY = "khoa-bench"
SEED_INDEX = common.OUT / "index-reliability"


def seed_index() -> Path:
    """The benchmark index of the shipped corpus (built once, with the product settings)."""
    if current_generation(SEED_INDEX) is None:
        settings = common.bench_settings(SEED_INDEX)
        build(settings, embed=common.passage_embedder(settings))
    return SEED_INDEX


@dataclass
class ApiServer:
    workdir: Path
    proc: subprocess.Popen[bytes]
    url: str

    @classmethod
    def start(cls, workdir: Path, **env_overrides: str) -> ApiServer:
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
        shutil.copytree(common.ROOT / "corpus", workdir / "corpus")
        shutil.copytree(seed_index(), workdir / "index", symlinks=True)
        port = free_port()
        env = {
            **os.environ,
            "QA_CORPUS_DIR": str(workdir / "corpus"),
            "QA_INDEX_DIR": str(workdir / "index"),
            "QA_API_KEYS": KEY,
            "HF_HUB_OFFLINE": "1",
            **env_overrides,
        }
        log = (workdir / "server.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa.api.server", "--port", str(port), "--no-access-log"],
            cwd=common.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = cls(workdir, proc, f"http://127.0.0.1:{port}")
        server.wait_ready()
        return server

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the API server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/health", timeout=5).json().get("status") == "ok":
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the API server did not become ready")

    def rss_mb(self) -> tuple[float, float]:
        """RSS of the API process alone, and of it with its build children (MB)."""
        try:
            main = psutil.Process(self.proc.pid)
            own = main.memory_info().rss
            children = sum(c.memory_info().rss for c in main.children(recursive=True) if c.is_running())
        except psutil.Error:
            return 0.0, 0.0
        return own / 2**20, (own + children) / 2**20

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wait_job(client: httpx.Client, job_id: str, timeout: float = 1800) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.5)
    raise RuntimeError(f"job {job_id} did not finish")
