"""`make run`'s supervisor: a crashed API is started again (a real child process, fast tier)."""

from __future__ import annotations

import os
import signal
import sys
import time

import httpx

from qa.run_services import Service, free_port


def test_a_killed_service_is_restarted(tmp_path):
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(tmp_path),
    ]
    child = Service("API", command, f"http://127.0.0.1:{port}/", timeout=30)
    try:
        first = child.start()
        os.killpg(first.pid, signal.SIGKILL)  # the crash
        deadline = time.monotonic() + 10
        while child.exit_code is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert child.exit_code is not None
        child.restart()
        assert child.proc is not None and child.proc.pid != first.pid and child.exit_code is None
        assert httpx.get(f"http://127.0.0.1:{port}/", trust_env=False).status_code == 200
    finally:
        child.stop()


def test_milvus_lite_server_closes_on_ctrl_c_when_its_parent_ignores_it(tmp_path):
    """pytest-xdist workers (and nohup-style launchers) ignore SIGINT, and a child inherits that: the server must
    still close its database on Ctrl-C (exit 0) rather than wait out the grace period and be killed."""
    from qa.run_services import MilvusLiteServer

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        server = MilvusLiteServer(tmp_path / "milvus").start()
    finally:
        signal.signal(signal.SIGINT, before)
    process = server.process
    assert process is not None
    os.killpg(process.pid, signal.SIGINT)
    try:
        assert process.wait(10) == 0
    finally:
        server.stop()
