"""A real PostgreSQL server for the tests: the Debian package's binaries, a temporary cluster on 127.0.0.1.

``initdb`` into a temporary directory, ``pg_ctl start`` on a free port with the socket in that directory,
trust authentication (nothing but this machine can reach it), stopped and removed at the end of the
session. PostgreSQL refuses to run as root: under root the server runs as the ``postgres`` user the
package creates. ``start`` raises ``Unavailable`` with the reason when it cannot start (no binaries, no
``postgres`` user): the tests that need it then skip.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

_SERVER_USER = "postgres"
_START_TIMEOUT_S = 60  # pg_ctl -w: an idle machine starts in ~1 s, a loaded shared one in several


class Unavailable(Exception):
    """The server cannot run here; the message says why."""


def _bindir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return candidates[-1].parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise Unavailable("PostgreSQL server binaries not found (Debian package `postgresql`)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="qa-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._prefix: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(_SERVER_USER)
            except KeyError:
                shutil.rmtree(self.root)
                raise Unavailable(
                    "running as root and there is no `postgres` user to run the server"
                ) from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", _SERVER_USER, "--"]
        self._databases = 0

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._prefix, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise Unavailable(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    def start(self, durable: bool = False) -> PostgresServer:
        """``durable``: fsync as in production (the benchmark); the tests' throwaway cluster skips it, since
        durability across a power cut is not what they check."""
        try:
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
            options = f"-h 127.0.0.1 -p {self.port} -k {self.root}" + ("" if durable else " -c fsync=off")
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                str(_START_TIMEOUT_S),
                "-o",
                options,
                "start",
            )
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        self._databases += 1
        name = f"test_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        with contextlib.suppress(Unavailable):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def run_migrate(
    monkeypatch: pytest.MonkeyPatch, index_dir: Path, *args: str, corpus_dir: Path | None = None
) -> str:
    """`qa migrate ARGS` over an index directory (its stores beside it) and a corpus directory (by default an empty
    one beside the index: never the project's corpus/, which `--from-database` would write into), as a user runs
    it; its output, with its line breaks (the console wraps at the terminal's width, and temporary paths differ in
    length from run to run) as single spaces."""
    from typer.testing import CliRunner

    from qa.cli import app
    from qa.settings import get_settings

    monkeypatch.setenv("QA_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("QA_STORE_DIR", str(index_dir))
    monkeypatch.setenv("QA_CORPUS_DIR", str(corpus_dir or index_dir.with_name(index_dir.name + "-corpus")))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["migrate", *args])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())
