"""Milvus Lite for the tests: a local database served in this process, or a `milvus-lite server` process.

A Milvus Lite data directory is held by one process at a time (a lock file): a test that hands the database to
a child process releases this process's hold first (``release``); several processes share one through a
server (``LiteServer``), as a deployment would share Milvus.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def lite_or_skip(path: Path) -> str:
    """``path`` as a QA_VECTOR_URL once Milvus Lite answers there; the test is skipped with the reason if not."""
    try:
        from qa.index.milvus_collection import connect

        client = connect(str(path))
        client.list_collections()
        client.close()
    except Exception as why:  # ImportError, the server failing to start, a refused connection
        pytest.skip(f"Milvus Lite cannot start here: {why}")
    return str(path)


def release(path: str) -> None:
    """Stop this process's Milvus Lite server for ``path``, which frees its data directory for another process."""
    from milvus_lite import server_manager_instance

    server_manager_instance.release_server(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiteServer:
    """`milvus-lite server` in its own process: one database several API processes share over gRPC."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> LiteServer:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "milvus_lite",
                "server",
                "--data-dir",
                str(self.data_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                why = (self.process.stderr.read() if self.process.stderr else b"").decode(errors="replace")
                raise RuntimeError(f"milvus-lite server exited: {why[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"milvus-lite server did not listen on {self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # it closes its database on Ctrl-C
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
