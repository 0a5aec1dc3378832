"""Crash test (issue 16, defect 2): uploads, deletes and `qa ingest` killed with SIGKILL at random moments.

A real API server (``python -m qa.api.server``) and the real CLI run over a small corpus; each round starts
an operation, kills the server with every process it started (or the CLI) — at a random moment of the
operation, or at a named failpoint between its steps (staging, journaling, moving, parsing, embedding,
publishing, switching) — then restarts. After the restart, every time:

- corpus/, the current generation and the journal agree: every corpus file is indexed with its bytes, every
  finished job's outcome is what corpus/ and the index show, no job is left unfinished;
- no orphan: no ``.upload-*.part``, no build temp directory or link, at most two generations, every trash
  entry belongs to a delete that is done;
- the user's next action (the same upload, delete or ingest again) succeeds.

Default: one random kill per operation, at a random moment or failpoint (about two minutes).
``QA_CRASH_ROUNDS=10`` runs ten random-moment kills per operation plus every failpoint (the long run whose
numbers are in bench/RESULTS.md).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from qa.jobs.sqlite_journal import SqliteJournal
from qa.run_services import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KEY = "khoa-crash"
ROUNDS = int(os.environ.get("QA_CRASH_ROUNDS", "0"))
FAILPOINTS = {
    "upload": [
        "upload.staged",
        "upload.journaled",
        "upload.published",
        "build.parsed",
        "build.before_embed",
        "build.before_publish",
        "build.before_switch",
        "build.switched",
    ],
    "delete": [
        "delete.journaled",
        "delete.moved",
        "build.parsed",
        "build.before_publish",
        "build.before_switch",
        "build.switched",
    ],
    "ingest": [
        "build.parsed",
        "build.before_embed",
        "build.before_publish",
        "build.before_switch",
        "build.switched",
    ],
}
# Seconds over which a random kill is drawn: about one whole operation on a busy 2-core machine.
WINDOW = {"upload": 20.0, "delete": 15.0, "ingest": 15.0}


def plan() -> list[tuple[str, str | None, float]]:
    """(operation, failpoint or None, seconds before the kill) for each round."""
    rng = random.Random(int(os.environ.get("QA_CRASH_SEED", time.time())))
    rounds: list[tuple[str, str | None, float]] = []
    for op in ("upload", "delete", "ingest"):
        if ROUNDS:
            rounds += [(op, None, rng.uniform(0.0, WINDOW[op])) for _ in range(ROUNDS)]
            rounds += [(op, fp, 0.0) for fp in FAILPOINTS[op]]
        elif rng.random() < 0.5:
            rounds.append((op, None, rng.uniform(0.0, WINDOW[op])))
        else:
            rounds.append((op, rng.choice(FAILPOINTS[op]), 0.0))
    return rounds


@dataclass
class Bench:
    root: Path
    env: dict[str, str]
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log: list[str] = field(default_factory=list)

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, failpoint: str | None = None) -> None:
        env = {k: v for k, v in self.env.items() if k != "QA_FAILPOINT"}
        if failpoint:
            env["QA_FAILPOINT"] = failpoint
        self.port = free_port()
        out = (self.root / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "qa.api.server", "--port", str(self.port), "--no-access-log"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the API server died at start-up"
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("the API server did not start")

    def crash(self) -> None:
        """SIGKILL the server and everything it started (a power cut, as far as these files know)."""
        if self.proc is not None:
            kill_tree(self.proc.pid)
            self.proc.wait()
            self.proc = None

    def cli(self, *args: str, failpoint: str | None = None) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in self.env.items() if k != "QA_FAILPOINT"}
        if failpoint:
            env["QA_FAILPOINT"] = failpoint
        return subprocess.Popen(
            [sys.executable, "-m", "qa.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for_failpoint(self, window: float) -> None:
        """Until the server killed itself, or its build child died and the job was settled."""
        journal = SqliteJournal.beside(self.index)
        deadline = time.monotonic() + window
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None or not journal.count_unfinished():
                break
            time.sleep(0.2)
        journal.close()

    def drain(self, timeout: float = 240) -> None:
        journal = SqliteJournal.beside(self.index)
        deadline = time.monotonic() + timeout
        while journal.count_unfinished():
            assert time.monotonic() < deadline, [j.detail for j in journal.list_unfinished()]
            time.sleep(0.3)
        journal.close()


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and all its descendants (build children live in sessions of their own)."""
    family = [pid] + descendants(pid)
    for p in family:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)


def descendants(pid: int) -> list[int]:
    parent_of: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent_of[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        children = [c for c, p in parent_of.items() if p in frontier]
        found += children
        frontier = children
    return found


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    root = tmp_path_factory.mktemp("crash")
    (root / "corpus").mkdir()
    (root / "corpus" / "002_f78375c6f514f37c.txt").write_bytes(
        (ROOT / "corpus" / "002_f78375c6f514f37c.txt").read_bytes()
    )
    env = {
        **os.environ,
        "QA_CORPUS_DIR": str(root / "corpus"),
        "QA_INDEX_DIR": str(root / "index"),
        "QA_API_KEYS": KEY,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    b = Bench(root, env)
    first = b.cli("ingest")
    assert first.wait(600) == 0, first.stdout.read() if first.stdout else ""
    yield b
    b.crash()


def document(n: int) -> bytes:
    return (
        f"# Báo cáo vòng {n}\n\nTrạm y tế xã số {n} có {n * 7 + 3} giường bệnh và {n + 2} bác sĩ.\n".encode()
    )


def indexed(index: Path) -> dict[str, str]:
    current = index / "current"
    if not current.exists():
        return {}
    conn = sqlite3.connect(f"file:{current.resolve() / 'store.sqlite'}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT source, sha256 FROM documents").fetchall())
    finally:
        conn.close()


def check_agreement(b: Bench) -> None:
    from qa.fsutil import file_sha256

    corpus = {p.name: file_sha256(p) for p in b.corpus.iterdir() if not p.name.startswith(".")}
    assert not list(b.corpus.glob(".upload-*")), "orphan upload temp files"
    assert corpus == indexed(b.index), "corpus/ and the index disagree"
    leftovers = [p.name for p in b.index.iterdir() if p.name.startswith((".gen-", ".current-"))]
    assert not leftovers, leftovers
    assert len(list(b.index.glob("gen-*"))) <= 2
    journal = SqliteJournal.beside(b.index)
    assert not journal.list_unfinished()
    done_deletes = {j.job_id for j in journal.recent(1000) if j.kind == "delete" and j.status == "done"}
    trash = b.index / ".trash"
    for entry in trash.iterdir() if trash.is_dir() else []:
        assert entry.name.split("-")[1] in done_deletes, f"trash entry of an undone delete: {entry.name}"
    latest = {}  # the newest job of each file decides what corpus/ must show
    for job in reversed(journal.recent(1000)):
        if job.kind in ("upload", "delete") and job.status != "cancelled":
            latest[job.source] = job
    for source, job in latest.items():
        if job.kind == "upload" and job.status == "done":
            assert corpus.get(source) == job.sha256, f"done upload missing: {source}"
        elif job.kind == "upload":
            assert corpus.get(source) != job.sha256, f"failed upload still in corpus: {source}"
        elif job.status == "done":
            assert source not in corpus, f"deleted file still in corpus: {source}"
    journal.close()


def wait_job(client: httpx.Client, job_id: str) -> dict[str, str]:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


def upload_round(b: Bench, n: int, failpoint: str | None, delay: float) -> None:
    b.start(failpoint)
    name, data = f"vong-{n}.md", document(n)
    with contextlib.suppress(httpx.HTTPError):  # the kill may come first
        httpx.post(
            f"{b.url}/documents",
            files={"file": (name, data)},
            headers={"X-API-Key": KEY},
            timeout=delay or 30,
        )
    if failpoint is None:
        time.sleep(max(0.0, delay - 0.1))
    else:
        b.wait_for_failpoint(WINDOW["upload"] * 3)  # a build failpoint kills the child: the server settles it
    b.crash()
    b.start()
    b.drain()
    check_agreement(b)
    with httpx.Client(base_url=b.url, timeout=60) as client:  # the user tries again: it must work
        r = client.post("/documents", files={"file": (name, data)}, headers={"X-API-Key": KEY})
        assert r.status_code in (202, 409), r.text
        if r.status_code == 202:
            assert wait_job(client, r.json()["job_id"])["status"] == "done"
        assert client.get(f"/documents/{name}").status_code == 200
    b.drain()
    check_agreement(b)
    b.crash()


def delete_round(b: Bench, n: int, failpoint: str | None, delay: float) -> None:
    b.start()
    name = f"xoa-{n}.md"
    with httpx.Client(base_url=b.url, timeout=60) as client:
        r = client.post("/documents", files={"file": (name, document(1000 + n))}, headers={"X-API-Key": KEY})
        assert wait_job(client, r.json()["job_id"])["status"] == "done"
    if failpoint:  # the failpoint is read from the environment at start-up
        b.crash()
        b.start(failpoint)
    with contextlib.suppress(httpx.HTTPError):
        httpx.delete(f"{b.url}/documents/{name}", headers={"X-API-Key": KEY}, timeout=delay or 30)
    if failpoint is None:
        time.sleep(max(0.0, delay - 0.1))
    else:
        b.wait_for_failpoint(WINDOW["delete"] * 3)
    b.crash()
    b.start()
    b.drain()
    check_agreement(b)
    with httpx.Client(base_url=b.url, timeout=60) as client:
        r = client.delete(f"/documents/{name}", headers={"X-API-Key": KEY})
        assert r.status_code in (202, 404), r.text
        if r.status_code == 202:
            assert wait_job(client, r.json()["job_id"])["status"] == "done"
        assert client.get(f"/documents/{name}").status_code == 404
    b.drain()
    check_agreement(b)
    b.crash()


def ingest_round(b: Bench, n: int, failpoint: str | None, delay: float) -> None:
    (b.corpus / f"tay-{n}.md").write_bytes(document(2000 + n))  # added by hand, as README step 3 says
    proc = b.cli("ingest", failpoint=failpoint)
    try:
        proc.wait(delay if failpoint is None else 300)
    except subprocess.TimeoutExpired:
        kill_tree(proc.pid)
        proc.wait()
    again = b.cli("ingest")  # the next action: reconciles what the kill left, then syncs
    out = again.communicate(timeout=600)[0].decode()
    assert again.returncode == 0, out
    check_agreement(b)


def test_crash_anywhere_then_restart(bench: Bench) -> None:
    rounds = plan()
    for n, (op, failpoint, delay) in enumerate(rounds):
        bench.log.append(f"{op} {failpoint or f'after {delay:.1f} s'}")
        {"upload": upload_round, "delete": delete_round, "ingest": ingest_round}[op](
            bench, n, failpoint, delay
        )
    print(f"{len(rounds)} crash rounds passed: " + "; ".join(bench.log))
