"""Two API processes on one PostgreSQL (jobs), one Milvus (retrieval, a `milvus-lite server` process) and one
index directory, or each its own index directory with the generations in PostgreSQL: an upload through one is answered by the other, a delete through the other disappears from the
first; an answer saved and rated through one is read through the other; an upload whose build child is killed between writing Milvus and switching fails with its reason and
leaves every served row. What replicas share is in docs/architecture.md ("Shared retrieval in Milvus")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from qa.index.milvus_sync import sync_current
from qa.run_services import MilvusLiteServer, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KEY = "khoa-thu-nghiem-123"
AUTH = {"X-API-Key": KEY}
COLLECTION = "replicas"
CONVERSATION = {"owner": "trinh-duyet-thu-nghiem-1", "id": "cuoc-hoi-dap-thu-1"}
QUESTION = "Năm 2024 Lâm Đồng đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?"
DOCUMENT = """# KẾ HOẠCH CÔNG TÁC Y TẾ TỈNH LÂM ĐỒNG NĂM 2024

UBND TỈNH LÂM ĐỒNG – SỞ Y TẾ

## I. MỤC TIÊU, CHỈ TIÊU

Năm 2024, Sở Y tế tỉnh Lâm Đồng phấn đấu số bác sĩ trên 10.000 dân đạt 11,4 bác sĩ.

| TT | Chỉ tiêu | Đơn vị tính | Kế hoạch năm 2024 |
|---|---|---|---|
| 1 | Số bác sĩ/10.000 dân | Bác sĩ | 11,4 |
""".encode()
# A replica serves a generation another one published within its watch period (index_watch_seconds, 1 s) plus
# the time to open it (model warm-up, ~1-5 s on this shared machine); generous for a loaded CI machine.
SEE_WITHIN_SECONDS = 60.0


class Replica:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=120)
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qa.api.server", "--port", str(self.port), "--no-access-log"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"replica exited, see {self.log.name}"
            try:
                if self.client.get("/health").json().get("status") == "ok":
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"replica on {self.port} not ready")

    def ask(self) -> dict[str, Any]:
        return self.ask_about(QUESTION)

    def ask_about(self, question: str) -> dict[str, Any]:
        r = self.client.post("/ask", json={"question": question})
        assert r.status_code == 200, r.text
        return r.json()

    def wait_job(self, job_id: str, timeout: float = 300) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.client.get(f"/jobs/{job_id}").json()
            if job["status"] in ("done", "failed", "cancelled"):
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} did not finish")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.client.close()
        self.log.close()


def _until(check: Any, what: str) -> float:
    """Seconds until ``check()`` holds (fails after SEE_WITHIN_SECONDS)."""
    started = time.monotonic()
    while time.monotonic() - started < SEE_WITHIN_SECONDS:
        if check():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"not within {SEE_WITHIN_SECONDS:.0f} s: {what}")


def _cites(answer: dict[str, Any], source: str) -> bool:
    return not answer["abstained"] and any(c["source"] == source for c in answer["citations"])


def _shared_deployment(
    engine, tmp_path: Path, postgres_url: str, milvus_server: MilvusLiteServer
) -> dict[str, str]:
    """A copy of the corpus and index, Milvus filled from it (`qa migrate --to-vector`), and the environment of a
    replica on the shared PostgreSQL and Milvus."""
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    shutil.copytree(engine.settings.index_dir, tmp_path / "index", symlinks=True)
    sync_current(tmp_path / "index", milvus_server.url, COLLECTION)
    return {
        **os.environ,
        "QA_CORPUS_DIR": str(tmp_path / "corpus"),
        "QA_INDEX_DIR": str(tmp_path / "index"),
        "QA_CACHE_DIR": str(engine.settings.cache_dir),
        "QA_DATABASE_URL": postgres_url,
        "QA_VECTOR_URL": milvus_server.url,
        "QA_VECTOR_COLLECTION": COLLECTION,
        "QA_API_KEYS": KEY,
        "HF_HUB_OFFLINE": "1",
    }


def test_upload_through_one_replica_answer_and_delete_through_the_other(
    engine, tmp_path: Path, postgres_url: str, milvus_server: MilvusLiteServer
) -> None:
    env = _shared_deployment(engine, tmp_path, postgres_url, milvus_server)
    a, b = Replica(env, tmp_path / "a.log"), Replica(env, tmp_path / "b.log")
    try:
        a.wait_ready()
        b.wait_ready()
        assert not _cites(b.ask(), "lam_dong_2024.md")

        upload = _upload_through_a_answered_by_b(a, b)

        # What the API keeps besides the index is shared too: an answer saved through B reopens through A (a
        # share link), its conversation is in A's history, and a rating given through A is read through B.
        saved = b.client.post("/ask", json={"question": QUESTION, "conversation": CONVERSATION}).json()
        shared = a.client.get(f"/answers/{saved['answer_id']}")
        assert shared.status_code == 200 and shared.json()["response"]["answer"] == saved["answer"]
        history = a.client.get("/conversations", params={"owner": CONVERSATION["owner"]}).json()
        assert [c["conversation_id"] for c in history["conversations"]] == [CONVERSATION["id"]]
        rated = a.client.post(
            "/feedback",
            json={
                "rating": "up",
                "question": QUESTION,
                "answer": saved["answer"],
                "answer_id": saved["answer_id"],
            },
        )
        assert rated.status_code == 201, rated.text
        assert (
            b.client.get("/feedback", headers=AUTH).json()["feedback"][0]["answer_id"] == saved["answer_id"]
        )

        _delete_through_b_gone_from_a(a, b, upload)
    finally:
        a.stop()
        b.stop()


def _upload_through_a_answered_by_b(a: Replica, b: Replica) -> dict[str, Any]:
    accepted = a.client.post("/documents", files={"file": ("lam_dong_2024.md", DOCUMENT)}, headers=AUTH)
    assert accepted.status_code == 202, accepted.text
    upload: dict[str, Any] = accepted.json()
    job = b.wait_job(upload["job_id"])  # the job, in PostgreSQL, is visible from the other replica
    assert job["status"] == "done", job
    seen = _until(lambda: _cites(b.ask(), upload["source"]), "the upload answered by the other replica")
    answer = b.ask()
    assert answer["figures"][0]["value"] == 11.4
    print(f"\nupload through A answered by B {seen:.1f} s after its job was done")
    return upload


def _delete_through_b_gone_from_a(a: Replica, b: Replica, upload: dict[str, Any]) -> None:
    deleted = b.client.delete(f"/documents/{upload['doc_id']}", headers=AUTH)
    assert deleted.status_code == 202, deleted.text
    assert a.wait_job(deleted.json()["job_id"])["status"] == "done"
    gone = _until(lambda: not _cites(a.ask(), upload["source"]), "the delete seen by the first replica")
    assert a.client.get(f"/documents/{upload['doc_id']}").status_code == 404
    print(f"delete through B gone from A {gone:.1f} s after its job was done")


def test_replicas_with_their_own_index_directories_share_the_index_through_postgres(
    engine, tmp_path: Path, postgres_url: str, milvus_server: MilvusLiteServer
) -> None:
    """Nothing of index/ is shared: the generation is published into PostgreSQL (`qa migrate --to-database`) and
    each replica starts from an empty index directory of its own, filled from the database. Only the corpus
    directory is shared (an upload stored by one replica may be built by the other)."""
    from qa.index.shared_store import SharedStore

    env = _shared_deployment(engine, tmp_path, postgres_url, milvus_server)
    published = SharedStore(postgres_url)
    try:
        published.publish(tmp_path / "index" / "current", None)
    finally:
        published.close()
    shutil.rmtree(tmp_path / "index")
    a = Replica({**env, "QA_INDEX_DIR": str(tmp_path / "index-a")}, tmp_path / "a.log")
    b = Replica({**env, "QA_INDEX_DIR": str(tmp_path / "index-b")}, tmp_path / "b.log")
    try:
        a.wait_ready()
        b.wait_ready()
        assert a.client.get("/health").json()["generation"] == b.client.get("/health").json()["generation"]
        assert not _cites(b.ask(), "lam_dong_2024.md")
        upload = _upload_through_a_answered_by_b(a, b)
        _delete_through_b_gone_from_a(a, b, upload)
        # Whichever replica ran the delete, the other serves its generation within its watch period.
        _until(lambda: not _cites(b.ask(), upload["source"]), "the delete seen by the second replica too")
        _until(
            lambda: len({r.client.get("/health").json()["generation"] for r in (a, b)}) == 1,
            "both replicas serve one generation",
        )
        for index in ("index-a", "index-b"):  # each replica keeps the served generation and the one before
            assert len(list((tmp_path / index).glob("gen-*"))) <= 3
    finally:
        a.stop()
        b.stop()


def _milvus_ids(url: str) -> set[int]:
    from qa.index.milvus_collection import connect, load

    client = connect(url)
    try:
        load(client, COLLECTION)
        return {
            int(r["id"])
            for r in client.query(COLLECTION, filter="id >= 0", output_fields=["id"], limit=16_384)
        }
    finally:
        client.close()


def _generation_ids(index: Path) -> set[int]:
    import numpy as np

    return {int(i) for i in np.load(index / "current" / "ids.npy")}


def test_a_build_child_killed_after_writing_milvus_fails_its_job_and_loses_nothing(
    engine, tmp_path: Path, postgres_url: str, milvus_server: MilvusLiteServer
) -> None:
    """kill -9 of the process running an upload's build, between writing Milvus and switching generations."""
    env = _shared_deployment(engine, tmp_path, postgres_url, milvus_server)
    env["QA_FAILPOINT"] = "build.vectors_published"  # the build child SIGKILLs itself there
    served = _generation_ids(tmp_path / "index")
    replica = Replica(env, tmp_path / "replica.log")
    try:
        replica.wait_ready()
        accepted = replica.client.post(
            "/documents", files={"file": ("lam_dong_2024.md", DOCUMENT)}, headers=AUTH
        )
        assert accepted.status_code == 202, accepted.text
        upload = accepted.json()
        job = replica.wait_job(upload["job_id"])
        assert job["status"] == "failed" and job["detail"], job  # with its reason, not left running
        assert _generation_ids(tmp_path / "index") == served  # the switch never happened
        assert served < _milvus_ids(milvus_server.url)  # every served row there, the dead build's beside them
        assert not _cites(replica.ask(), upload["source"])
        assert replica.client.get(f"/documents/{upload['doc_id']}").status_code == 404
        assert not (tmp_path / "corpus" / upload["source"]).exists()  # rolled back
    finally:
        replica.stop()
    sync_current(tmp_path / "index", milvus_server.url, COLLECTION)  # `qa migrate`, or the next build
    assert _milvus_ids(milvus_server.url) == served


def test_a_replica_killed_with_its_running_job_is_taken_over_by_the_other(
    engine, tmp_path: Path, postgres_url: str, milvus_server: MilvusLiteServer
) -> None:
    """kill -9 of a whole replica (the API process and its build child) while it runs an upload: the other,
    running all along, sees the lease lapse (a PostgreSQL advisory lock, qa/jobs/postgres_owners.py), queues the
    job again and runs it; the upload is answered without anybody restarting anything."""
    from qa.jobs.postgres_journal import PostgresJournal

    env = _shared_deployment(engine, tmp_path, postgres_url, milvus_server)
    replicas = [Replica(env, tmp_path / "a.log"), Replica(env, tmp_path / "b.log")]
    journal = PostgresJournal(postgres_url)
    try:
        for replica in replicas:
            replica.wait_ready()
        accepted = replicas[0].client.post(
            "/documents", files={"file": ("lam_dong_2024.md", DOCUMENT)}, headers=AUTH
        )
        assert accepted.status_code == 202, accepted.text
        upload = accepted.json()
        _until(lambda: journal.get(upload["job_id"]).status == "running", "a replica runs the job")  # type: ignore[union-attr]
        first = journal.get(upload["job_id"])
        assert first is not None and first.owner is not None
        # Whichever replica claimed it is killed, with its build child (a session of its own); the other stays.
        doomed = next(r for r in replicas if f"-{r.process.pid}-" in first.owner)
        survivor = next(r for r in replicas if r is not doomed)
        children = subprocess.run(["pgrep", "-P", str(doomed.process.pid)], capture_output=True, text=True)
        for pid in [str(doomed.process.pid), *children.stdout.split()]:
            subprocess.run(["kill", "-9", pid], check=False)
        doomed.process.wait()
        killed = time.monotonic()
        requeued = _until(
            lambda: journal.get(upload["job_id"]).attempts == 2,  # type: ignore[union-attr]
            "the other replica claims the job again",
        )
        job = survivor.wait_job(upload["job_id"])
        print(
            f"\njob of a killed replica claimed again by the other {requeued:.1f} s after the kill, done "
            f"{time.monotonic() - killed:.1f} s after it"
        )
        taken = journal.get(upload["job_id"])
        assert job["status"] == "done" and taken is not None and taken.attempts == 2, job
        assert taken.owner != first.owner
        _until(lambda: _cites(survivor.ask(), upload["source"]), "the taken-over upload answered")
    finally:
        journal.close()
        for replica in replicas:
            replica.stop()


# A tiny throwaway corpus for replicas that share nothing but the database: one seed document, two uploads.
SEED = (
    "bac_giang_ghi_chu.md",
    """# BÁO CÁO Y TẾ TỈNH BẮC GIANG NĂM 2023

UBND TỈNH BẮC GIANG – SỞ Y TẾ

Năm 2023, tỉnh Bắc Giang có 152 trạm y tế xã đạt chuẩn quốc gia về y tế.
""".encode(),
)
SECOND = (
    "cao_bang_2024.md",
    """# KẾ HOẠCH CÔNG TÁC Y TẾ TỈNH CAO BẰNG NĂM 2024

UBND TỈNH CAO BẰNG – SỞ Y TẾ

## I. MỤC TIÊU, CHỈ TIÊU

Năm 2024, tỉnh Cao Bằng phấn đấu số giường bệnh trên 10.000 dân đạt 38 giường bệnh.
""".encode(),
)
THIRD = "# BÁO CÁO Y TẾ TỈNH HÀ GIANG NĂM 2023\n\nNăm 2023, tỉnh Hà Giang có 195 trạm y tế xã.\n".encode()
FOURTH = "# BÁO CÁO Y TẾ TỈNH ĐIỆN BIÊN NĂM 2023\n\nNăm 2023, tỉnh Điện Biên có 130 trạm y tế xã.\n".encode()
SECOND_QUESTION = "Năm 2024 Cao Bằng phấn đấu bao nhiêu giường bệnh trên 10.000 dân?"


def test_replicas_with_their_own_corpus_directories_build_every_upload(
    embed, settings_factory, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replicas on two machines share no directory, only PostgreSQL (issue 17): an upload through A and another
    through B are both answered by both, whichever built last; a delete through B is gone from A. A build reads
    the uploaded files from the database, not from the corpus directory of the replica that runs it."""
    a, b = _seeded_replicas(embed, settings_factory, tmp_path, postgres_url, monkeypatch)
    try:
        a.wait_ready()
        b.wait_ready()
        x = _upload_and_wait(a, "lam_dong_2024.md", DOCUMENT)
        _until(lambda: _cites(b.ask(), x["source"]), "the first upload answered by the other replica")
        y = _upload_and_wait(b, *SECOND)  # B builds: from its own corpus directory, X would be lost here
        for replica in (a, b):
            _until(lambda r=replica: _cites(r.ask(), x["source"]), "the first upload answered everywhere")
            _until(
                lambda r=replica: _cites(r.ask_about(SECOND_QUESTION), y["source"]),
                "the second upload answered everywhere",
            )
        deleted = b.client.delete(f"/documents/{x['doc_id']}", headers=AUTH)
        assert deleted.status_code == 202, deleted.text
        assert b.wait_job(deleted.json()["job_id"])["status"] == "done"
        _until(lambda: not _cites(a.ask(), x["source"]), "the delete seen by the first replica")
        assert _cites(a.ask_about(SECOND_QUESTION), y["source"])
        for name in ("a", "b"):  # the uploads never went through a replica's corpus directory
            assert sorted(p.name for p in (tmp_path / f"corpus-{name}").iterdir()) == [SEED[0]]
    finally:
        a.stop()
        b.stop()


def test_uploads_through_two_replicas_at_the_same_moment_are_both_built(
    embed, settings_factory, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two machines each take an upload at the same moment: their builds run one at a time (the build lock), the
    later one on top of the earlier one's generation (or finding both files already built), so both documents are
    answered by both replicas, the generations published follow each other, and no job fails. Then an upload
    through B while the build of one through A runs: two generations, the second holding both."""
    from qa.index.shared_store import SharedStore, generation_name
    from qa.jobs.postgres_journal import PostgresJournal

    a, b = _seeded_replicas(embed, settings_factory, tmp_path, postgres_url, monkeypatch)
    shared, journal = SharedStore(postgres_url), PostgresJournal(postgres_url)
    try:
        a.wait_ready()
        b.wait_ready()
        base = shared.current()
        assert base is not None
        start = threading.Barrier(2)
        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:
            x, y = pool.map(_accept_at_once, (a, b), (("lam_dong_2024.md", DOCUMENT), SECOND), (start, start))
        jobs = [a.wait_job(x["job_id"]), b.wait_job(y["job_id"])]
        built = time.monotonic() - started
        assert [j["status"] for j in jobs] == ["done", "done"], jobs
        for replica in (a, b):
            _until(lambda r=replica: _cites(r.ask(), x["source"]), "the upload through A answered everywhere")
            _until(
                lambda r=replica: _cites(r.ask_about(SECOND_QUESTION), y["source"]),
                "the upload through B answered everywhere",
            )
        answered = time.monotonic() - started

        # One build per job, one after the other: base+1, then base+2 on top of it (or the second found nothing
        # new: both files were in the first). The database keeps the last generation and the one before it.
        final = shared.current()
        assert final is not None and final.number in (base.number + 1, base.number + 2)
        assert sorted({j["generation"] for j in jobs}) == [
            generation_name(n) for n in range(base.number + 1, final.number + 1)
        ]
        assert set(shared.sources(final.number)) == {SEED[0], x["source"], y["source"]}
        with shared.pool.connection() as conn:
            kept = [r["generation"] for r in conn.execute("SELECT generation FROM generations ORDER BY 1")]
        assert kept == [final.number - 1, final.number]

        # At the same moment both rows are in the database before the first build lists the corpus (in every run
        # here the second build found nothing new). Now B's upload arrives once the build of A's has listed the
        # corpus without it: its build (on either replica) waits for the lock, then publishes on top of A's.
        started = time.monotonic()
        z = _accept_at_once(a, ("ha_giang_2023.md", THIRD), threading.Barrier(1))
        _until(lambda: _listed_or_done(journal, z["job_id"]), "A's build lists the corpus")
        w = _accept_at_once(b, ("dien_bien_2023.md", FOURTH), threading.Barrier(1))
        later = [a.wait_job(z["job_id"]), b.wait_job(w["job_id"])]
        stacked = time.monotonic() - started
        assert [(j["status"], j["generation"]) for j in later] == [
            ("done", generation_name(final.number + 1)),
            ("done", generation_name(final.number + 2)),
        ], later
        assert z["source"] not in shared.sources(final.number) and set(shared.sources(final.number + 2)) == {
            SEED[0],
            x["source"],
            y["source"],
            z["source"],
            w["source"],
        }
        assert all(job.status == "done" for job in journal.recent()), journal.recent()
        print(
            f"\ntwo uploads at once through two replicas: both jobs done in {built:.1f} s, answered by both in "
            f"{answered:.1f} s, generations {base.number} -> {final.number}; two uploads while A builds: "
            f"{stacked:.1f} s, generations {final.number} -> {final.number + 2}"
        )
    finally:
        journal.close()
        shared.close()
        a.stop()
        b.stop()


def _listed_or_done(journal: Any, job_id: str) -> bool:
    """Whether a job's build has listed the corpus (its first progress report) or finished already."""
    job = journal.get(job_id)
    return job is not None and (job.stage is not None or job.status in ("done", "failed", "cancelled"))


def _accept_at_once(replica: Replica, upload: tuple[str, bytes], start: threading.Barrier) -> dict[str, Any]:
    start.wait()
    accepted = replica.client.post("/documents", files={"file": upload}, headers=AUTH)
    assert accepted.status_code == 202, accepted.text
    return dict(accepted.json())


def _upload_and_wait(replica: Replica, name: str, data: bytes) -> dict[str, Any]:
    accepted = replica.client.post("/documents", files={"file": (name, data)}, headers=AUTH)
    assert accepted.status_code == 202, accepted.text
    upload: dict[str, Any] = accepted.json()
    job = replica.wait_job(upload["job_id"])
    assert job["status"] == "done", job
    return upload


def _seeded_replicas(
    embed, settings_factory, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Replica, Replica]:
    """Two replicas sharing only PostgreSQL, started on a database holding the tiny SEED corpus and its generation
    (`qa migrate --to-database`); each with its own corpus and index directory."""
    from postgres import run_migrate

    from qa.index.build import build
    from qa.index.shared_store import close_shared_stores

    seed = tmp_path / "seed"
    (seed / "corpus").mkdir(parents=True)
    (seed / "corpus" / SEED[0]).write_bytes(SEED[1])
    build(settings_factory(seed / "corpus", seed / "index"), embed=embed)
    said = run_migrate(monkeypatch, seed / "index", "--to-database", postgres_url, corpus_dir=seed / "corpus")
    assert "Đã chép 1 tệp tài liệu vào PostgreSQL" in said  # the generation, and the corpus it was built from
    close_shared_stores()
    env = {
        **os.environ,
        "QA_CACHE_DIR": str(settings_factory().cache_dir),
        "QA_DATABASE_URL": postgres_url,
        "QA_API_KEYS": KEY,
        "HF_HUB_OFFLINE": "1",
    }
    for name in ("a", "b"):  # each machine's own copy of the initial corpus, and its own index directory
        shutil.copytree(seed / "corpus", tmp_path / f"corpus-{name}")
    a, b = (
        Replica(
            {
                **env,
                "QA_CORPUS_DIR": str(tmp_path / f"corpus-{n}"),
                "QA_INDEX_DIR": str(tmp_path / f"index-{n}"),
            },
            tmp_path / f"{n}.log",
        )
        for n in ("a", "b")
    )
    return a, b
