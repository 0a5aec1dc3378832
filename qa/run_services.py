"""Start the API and the web interface together, wait until both answer, stop both on Ctrl-C.

`python -m qa.run_services` is what `make run` calls; the tests use the same helpers to start real
servers on free ports. Only the standard library and httpx: nothing here may import the engine,
so the children own the memory-hungry model, not this supervisor.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
UI_SCRIPT = ROOT / "ui" / "app.py"
HOST = "127.0.0.1"
START_TIMEOUT = 300.0  # the API loads the index and warms the model first: slow on a busy 2-core box


class ServiceError(RuntimeError):
    pass


def free_port(host: str = HOST) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int, host: str = HOST) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def api_command(port: int, host: str = HOST) -> list[str]:
    # qa.api.server: uvicorn with a time limit for half-sent request heads (settings header_timeout_seconds).
    return [sys.executable, "-m", "qa.api.server", "--host", host, "--port", str(port), "--no-access-log"]


def ui_command(port: int, host: str = HOST) -> list[str]:
    # The upload box should announce the API's limit (QA_MAX_UPLOAD_MB), not Streamlit's 200 MB.
    upload_mb = max(1, round(float(os.environ.get("QA_MAX_UPLOAD_MB") or 20)))
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(UI_SCRIPT),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--server.maxUploadSize",
        str(upload_mb),
    ]


def wait_until_up(url: str, proc: subprocess.Popen[bytes], name: str, timeout: float = START_TIMEOUT) -> None:
    """Poll `url` until it answers 200; fail early (with the exit code) if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServiceError(f"{name} đã dừng khi khởi động (mã thoát {proc.returncode}).")
        try:
            if httpx.get(url, timeout=2.0, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise ServiceError(f"{name} không phản hồi tại {url} sau {timeout:.0f} giây.")


def stop(proc: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM the child's process group (streamlit and uvicorn shut down cleanly), then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


@contextmanager
def service(
    name: str,
    command: Sequence[str],
    health_url: str,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = START_TIMEOUT,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until the block ends; yields once `health_url` answers."""
    out = log.open("ab") if log else None
    # Own session: a Ctrl-C reaches only this supervisor, which then stops the children in order.
    proc = subprocess.Popen(
        list(command),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT if out else None,
        start_new_session=True,
    )
    try:
        wait_until_up(health_url, proc, name, timeout)
        yield proc
    finally:
        stop(proc)
        if out:
            out.close()


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Chạy API và giao diện web của healthplan-qa.")
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--api-port", type=int, default=8000)
    parser.add_argument("--ui-port", type=int, default=8501)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    for port in (args.api_port, args.ui_port):
        if port_in_use(port, args.host):
            print(
                f"Cổng {port} trên {args.host} đang bị một chương trình khác dùng; hãy dừng nó hoặc chọn "
                "cổng khác (--api-port / --ui-port).",
                file=sys.stderr,
            )
            return 2
    api_url, ui_url = f"http://{args.host}:{args.api_port}", f"http://{args.host}:{args.ui_port}"
    env = {"QA_API_URL": api_url, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    key_note = ""
    if not os.environ.get("QA_API_KEYS"):
        # Uploads and deletions need a key; without QA_API_KEYS make one for this run only.
        env["QA_API_KEYS"] = secrets.token_urlsafe(12)
        key_note = f"  Khoá API (tải lên/xoá tài liệu, chỉ cho lần chạy này): {env['QA_API_KEYS']}\n"
    # Ctrl-C even when started in the background (which inherits SIGINT ignored); `kill` alike.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)
    print("Đang khởi động API và giao diện web…", flush=True)
    try:
        with ExitStack() as stack:
            procs = [
                stack.enter_context(
                    service("API", api_command(args.api_port, args.host), f"{api_url}/health", env)
                ),
                stack.enter_context(
                    service(
                        "Giao diện web", ui_command(args.ui_port, args.host), f"{ui_url}/_stcore/health", env
                    )
                ),
            ]
            print(
                f"\nhealthplan-qa đang chạy:\n  Giao diện hỏi đáp:  {ui_url}\n"
                f"  API:                {api_url}  (tài liệu API: {api_url}/docs)\n{key_note}"
                "Nhấn Ctrl-C để dừng.\n",
                flush=True,
            )
            while all(p.poll() is None for p in procs):
                time.sleep(1.0)
            print("Một dịch vụ đã dừng bất thường; dừng nốt dịch vụ còn lại.", file=sys.stderr)
            return 1
    except ServiceError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nĐang dừng…", flush=True)
    print("Đã dừng API và giao diện web.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
