"""Start the API and the web interface together, wait until both answer, stop both on Ctrl-C.

`python -m qa.run_services` is what `make run` calls; the tests use the same helpers to start real
servers on free ports. Only the standard library, httpx and the settings: nothing here may import the
engine, so the children own the memory-hungry model, not this supervisor.

When the API dies (a crash, the kernel's OOM killer) it is started again while the web interface stays
up and tells its users the server is restarting; the administrator's API key is stable across runs
(`QA_API_KEYS`, or a key created once in `<index>/api-key`, readable by its owner only).
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

from qa.fsutil import read_or_create_secret
from qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
UI_SCRIPT = ROOT / "ui" / "app.py"
HOST = "127.0.0.1"
START_TIMEOUT = 300.0  # the API loads the index and warms the model first: slow on a busy 2-core box
KEY_FILE = "api-key"  # under the index directory, beside the data it protects
# A crashed API is restarted after these pauses (then the last one again): quick for a one-off crash,
# without a tight loop when it dies at start-up (a broken index, a port taken by another program).
RESTART_DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0)
STABLE_AFTER = 120.0  # seconds up after which a restart counts as a fresh start again (delays reset)


class ServiceError(RuntimeError):
    pass


def free_port(host: str = HOST) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class MilvusLiteServer:
    """A Milvus Lite server in its own process (`qa.milvus_lite_serve`): one database several API processes share
    over gRPC."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> MilvusLiteServer:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qa.milvus_lite_serve",  # closes its database on Ctrl-C, whatever this process does with SIGINT
                "--data-dir",
                str(self.data_dir),
                "--host",
                HOST,
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
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
                with socket.create_connection((HOST, self.port), timeout=1):
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


class Service:
    """One child server: started, checked, restarted, stopped (its own session: a Ctrl-C reaches only this
    supervisor, which then stops the children in order)."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        health_url: str,
        env: Mapping[str, str] | None = None,
        log: Path | None = None,
        timeout: float = START_TIMEOUT,
    ) -> None:
        self.name, self.command, self.health_url = name, list(command), health_url
        self.env = {**os.environ, **(env or {})}
        self.log, self.timeout = log, timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._started_at = 0.0

    def start(self) -> subprocess.Popen[bytes]:
        """Start the command and return once `health_url` answers (ServiceError if it dies first)."""
        out = self.log.open("ab") if self.log else None
        try:
            self.proc = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT if out else None,
                start_new_session=True,
            )
        finally:
            if out:
                out.close()  # the child holds its own descriptor
        self._started_at = time.monotonic()
        wait_until_up(self.health_url, self.proc, self.name, self.timeout)
        return self.proc

    @property
    def exit_code(self) -> int | None:
        """None while running; the exit code once the process has ended."""
        return None if self.proc is None else self.proc.poll()

    def restart(self) -> None:
        """Start again after a pause that grows with quick successive crashes (RESTART_DELAYS)."""
        if time.monotonic() - self._started_at > STABLE_AFTER:
            self.restarts = 0
        time.sleep(RESTART_DELAYS[min(self.restarts, len(RESTART_DELAYS) - 1)])
        self.restarts += 1
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


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
    child = Service(name, command, health_url, env, log, timeout)
    try:
        yield child.start()
    finally:
        child.stop()


def admin_key(settings: Settings) -> tuple[str, str]:
    """The key for uploads and deletions, and a line telling where it comes from.

    `QA_API_KEYS` when set; otherwise one key created once under the index directory (0600) and reused on
    every run, so a key written down or saved in a browser keeps working. Shown in full only when created.
    """
    if settings.api_keys.strip():
        return settings.api_keys, "  Khoá API quản trị: theo biến môi trường QA_API_KEYS.\n"
    path = settings.index_dir / KEY_FILE
    key, created = read_or_create_secret(path, lambda: secrets.token_urlsafe(18))
    if created:
        return key, (
            f"  Khoá API quản trị (tải lên/xoá tài liệu, xem phản hồi): {key}\n"
            f"  — vừa được tạo và lưu tại {path} (chỉ chủ máy đọc được); lần sau chỉ in ra nơi lưu.\n"
        )
    return key, f"  Khoá API quản trị: lưu tại {path} (xem bằng lệnh: cat {path}).\n"


def supervise(api: Service, ui: Service) -> int:
    """Keep both up until Ctrl-C: restart the API whenever it dies; the UI dying ends the run."""
    while True:
        time.sleep(1.0)
        if (code := ui.exit_code) is not None:
            print(f"Giao diện web đã dừng bất thường (mã thoát {code}).", file=sys.stderr)
            return 1
        if (code := api.exit_code) is not None:
            print(
                f"API đã dừng bất thường (mã thoát {code}); đang khởi động lại — giao diện web vẫn chạy.",
                file=sys.stderr,
                flush=True,
            )
            try:
                api.restart()
            except ServiceError as exc:
                print(f"Chưa khởi động lại được API: {exc} Sẽ thử lại.", file=sys.stderr, flush=True)
                continue
            print("API đã chạy lại.", flush=True)


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
    env["QA_API_KEYS"], key_note = admin_key(Settings())
    # Ctrl-C even when started in the background (which inherits SIGINT ignored); `kill` alike.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)
    print("Đang khởi động API và giao diện web…", flush=True)
    api = Service("API", api_command(args.api_port, args.host), f"{api_url}/health", env)
    ui = Service("Giao diện web", ui_command(args.ui_port, args.host), f"{ui_url}/_stcore/health", env)
    try:
        with ExitStack() as stack:
            for child in (api, ui):
                stack.callback(child.stop)
                child.start()
            print(
                f"\nhealthplan-qa đang chạy:\n  Giao diện hỏi đáp:  {ui_url}\n"
                f"  API:                {api_url}  (tài liệu API: {api_url}/docs)\n{key_note}"
                "Nhấn Ctrl-C để dừng.\n",
                flush=True,
            )
            return supervise(api, ui)
    except ServiceError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nĐang dừng…", flush=True)
    print("Đã dừng API và giao diện web.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
