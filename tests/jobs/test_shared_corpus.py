"""The shared corpus (qa/jobs/shared_corpus.py) on a real PostgreSQL: uploads, deletes and their undoing as rows,
duplicates found by hash, the replica's cache made equal to the database, the corpus carried in and out, and a
process killed between any two steps of an upload or a delete leaving what the reconciliation makes consistent; and
two replicas uploading one name at once (in the embedded corpus too) each keeping their own bytes under a name of
their own."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from qa.index.shared_store import close_shared_stores
from qa.jobs.corpus import CorpusFiles
from qa.jobs.corpus_cache import RECORD, sync_cache, sync_corpus
from qa.jobs.corpus_copy import carry_in, carry_out
from qa.jobs.open_journal import open_journal
from qa.jobs.reconcile import Reconciler
from qa.jobs.shared_corpus import SharedCorpus, cache_dir, close_shared_corpora, shared_corpus
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
MAX_BYTES = 1 << 20
A = "# Kế hoạch y tế tỉnh Cao Bằng năm 2024\n\nSố giường bệnh trên 10.000 dân đạt 38 giường.\n".encode()
B = "# Báo cáo y tế tỉnh Hà Giang năm 2023\n\nCó 195 trạm y tế xã.\n".encode()
META = {"title": "Kế hoạch y tế Cao Bằng 2024"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def settings(tmp_path: Path, postgres_url: str) -> Iterator[Settings]:
    (tmp_path / "corpus").mkdir()
    yield Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", database_url=postgres_url)
    close_shared_corpora()
    close_shared_stores()


@pytest.fixture
def corpus(settings: Settings) -> SharedCorpus:
    return shared_corpus(settings)


def put(corpus: SharedCorpus, name: str, data: bytes, meta: dict[str, str] | None = None) -> bool:
    """An upload's file steps, as the route runs them: stage (with the uploader's sidecar), publish."""
    staged = corpus.stage(io.BytesIO(data), MAX_BYTES)
    if meta:
        corpus.stage_sidecar(staged, meta)
    return corpus.publish(staged.path.name, name)


def test_an_upload_is_published_with_its_sidecar_and_never_overwrites(corpus: SharedCorpus) -> None:
    staged = corpus.stage(io.BytesIO(A), MAX_BYTES)
    corpus.stage_sidecar(staged, META)
    assert corpus.publish(staged.path.name, "cao_bang.md")
    assert not staged.path.exists() and not staged.sidecar.exists()  # the temp names are dropped
    assert corpus.publish(
        staged.path.name, "cao_bang.md"
    )  # again (a crash before the temp was dropped): done
    assert corpus.names() == {"cao_bang.md"}
    assert set(corpus.listing()) == {"cao_bang.md", "cao_bang.md.meta.json"}
    assert corpus.read("cao_bang.md") == A and json.loads(corpus.read("cao_bang.md.meta.json") or b"") == META
    assert corpus.holds("cao_bang.md", sha(A)) and not corpus.holds("cao_bang.md", sha(B))

    # Duplicates by the stored hash; a name taken (or whose sidecar is) gets a suffix; a taken name is kept.
    assert corpus.duplicate_of(sha(A), len(A)) == "cao_bang.md"
    assert corpus.duplicate_of(sha(B), len(B)) is None
    assert corpus.free_name("cao_bang.md", set()) == "cao_bang-2.md"
    assert corpus.free_name("ha_giang.md", {"ha_giang.md"}) == "ha_giang-2.md"
    assert not put(corpus, "cao_bang.md", B)  # the name is taken by other bytes: nothing of B is published
    assert corpus.read("cao_bang.md") == A and corpus.staged_files() == []

    # Removing an upload only takes its own bytes, and its sidecar with it.
    corpus.remove("cao_bang.md", sha(B))
    assert corpus.names() == {"cao_bang.md"}
    corpus.remove("cao_bang.md", sha(A))
    assert corpus.listing() == {}


def test_a_delete_moves_to_the_trash_and_is_undone(corpus: SharedCorpus) -> None:
    put(corpus, "cao_bang.md", A, META)
    put(corpus, "ha_giang.md", B)
    plan = corpus.trash_plan("cao_bang.md", "job1")
    assert [name for name, _ in plan] == ["cao_bang.md", "cao_bang.md.meta.json"]
    corpus.to_trash(plan)
    corpus.to_trash(plan)  # idempotent: a reconciliation finishing the move
    assert corpus.names() == {"ha_giang.md"}
    assert set(corpus.listing("trash")) == {trashed for _, trashed in plan}
    assert (
        corpus.duplicate_of(sha(A), len(A)) is None
    )  # a trashed file is no duplicate: it may be uploaded again

    corpus.restore(plan)
    corpus.restore(plan)
    assert corpus.names() == {"cao_bang.md", "ha_giang.md"} and corpus.listing("trash") == {}
    assert corpus.read("cao_bang.md") == A and corpus.read("cao_bang.md.meta.json") is not None

    # The trash is pruned past its age (0 days here: everything), except what an unfinished delete may restore.
    corpus.to_trash(plan)
    keep = plan[0][1]
    assert sorted(corpus.prune_trash(30, 10 * MAX_BYTES)) == []
    assert corpus.prune_trash(0, 10 * MAX_BYTES, keep=[keep]) == [plan[1][1]]
    assert corpus.prune_trash(30, 0) == [keep]  # past the size limit: the oldest first
    assert corpus.listing("trash") == {}


def test_a_replicas_cache_is_made_equal_to_the_database(corpus: SharedCorpus, settings: Settings) -> None:
    put(corpus, "cao_bang.md", A, META)
    put(corpus, "ha_giang.md", B)
    cache = cache_dir(settings)
    staged = corpus.stage(
        io.BytesIO(b"dang tai len"), MAX_BYTES
    )  # an upload in flight, in the same directory
    (cache / "cu.md").write_bytes(b"a file the database no longer has")

    first = sync_cache(corpus, cache)
    assert sorted(first.written) == ["cao_bang.md", "cao_bang.md.meta.json", "ha_giang.md"]
    assert first.removed == ["cu.md"] and staged.path.exists()
    assert (cache / "cao_bang.md").read_bytes() == A and (cache / RECORD).is_file()

    again = sync_cache(corpus, cache)  # nothing changed: no bytes fetched
    assert again.written == [] and again.removed == [] and again.kept == 3

    corpus.to_trash(corpus.trash_plan("cao_bang.md", "job2"))
    corpus.remove("ha_giang.md")
    put(corpus, "ha_giang.md", A + B)  # same name, new bytes
    third = sync_cache(corpus, cache)
    assert sorted(third.removed) == ["cao_bang.md", "cao_bang.md.meta.json"] and third.written == [
        "ha_giang.md"
    ]
    assert sorted(p.name for p in cache.iterdir() if not p.name.startswith(".")) == ["ha_giang.md"]
    assert (cache / "ha_giang.md").read_bytes() == A + B


def test_the_corpus_is_carried_in_once_and_out_again(corpus: SharedCorpus, settings: Settings) -> None:
    local = settings.corpus_dir
    (local / "cao_bang.md").write_bytes(A)
    (local / "cao_bang.md.meta.json").write_text(json.dumps(META), encoding="utf-8")
    (local / ".an.md").write_bytes(b"hidden")
    (local / "ghi_chu.bin").write_bytes(b"not a document")

    first = sync_corpus(settings)  # the first build on a database never filled carries QA_CORPUS_DIR in
    assert first.seeded == 2 and sorted(first.written) == ["cao_bang.md", "cao_bang.md.meta.json"]
    corpus.remove("cao_bang.md")
    emptied = sync_corpus(settings)  # filled once: an empty corpus now is an empty corpus
    assert emptied.seeded is None and corpus.listing() == {}

    copy = carry_in(corpus, local)  # `qa migrate --to-database`
    assert copy is not None and sorted(copy.copied) == ["cao_bang.md", "cao_bang.md.meta.json"]
    (local / "ha_giang.md").write_bytes(B)
    put(corpus, "khac.md", A + B)
    (local / "khac.md").write_bytes(B + A)
    again = carry_in(corpus, local)
    assert again is not None and again.copied == ["ha_giang.md"] and again.conflicts == ["khac.md"]
    assert sorted(again.present) == ["cao_bang.md", "cao_bang.md.meta.json"]
    assert corpus.read("khac.md") == A + B  # a conflict is left alone

    back = settings.index_dir.parent / "back"  # `qa migrate --from-database` into an empty corpus directory
    out = carry_out(corpus, back)
    assert sorted(out.copied) == ["cao_bang.md", "cao_bang.md.meta.json", "ha_giang.md", "khac.md"]
    assert (back / "khac.md").read_bytes() == A + B and (back / "ha_giang.md").read_bytes() == B
    assert carry_out(corpus, back).copied == []


# ---------------------------------------------------------------------- crashes between the steps

# The steps of an upload and of a delete in the order the routes run them (qa/api/routes/documents.py), with the
# same failpoints, in a process of its own that SIGKILLs itself at the one named by QA_FAILPOINT.
STEPS = """
import io, sys
from qa.failpoints import failpoint
from qa.jobs.model import Job
from qa.jobs.open_corpus import open_corpus
from qa.jobs.open_journal import open_journal
from qa.jobs.owners import open_owners
from qa.settings import Settings

settings = Settings.model_validate_json(sys.argv[1])
operation, data = sys.argv[2], sys.argv[3].encode()
journal, corpus, lease = open_journal(settings), open_corpus(settings), open_owners(settings).take()
if operation == "upload":
    staged = corpus.stage(io.BytesIO(data), 1 << 20)
    corpus.stage_sidecar(staged, {"title": "Cao Bằng"})
    failpoint("upload.staged")
    job = Job("upload", "a.md", "a.md", step="received", sha256=staged.sha256, staged=staged.path.name, owner=lease.name)
    with corpus.naming():
        journal.submit(job)
        failpoint("upload.journaled")
        corpus.publish(staged.path.name, "a.md")
        failpoint("upload.published")
else:
    job = Job("delete", "a.md", "a.md", step="received", owner=lease.name)
    job.trash = corpus.trash_plan("a.md", job.job_id)
    journal.submit(job)
    failpoint("delete.journaled")
    corpus.to_trash(job.trash)
    failpoint("delete.moved")
journal.mark_stored(job.job_id)
print(job.job_id)
"""
UPLOAD_POINTS = ["upload.staged", "upload.journaled", "corpus.publish_uncommitted", "upload.published", None]
DELETE_POINTS = ["delete.journaled", "corpus.trash_uncommitted", "delete.moved", None]
TEXT = "# Cao Bằng\n\nSố giường bệnh trên 10.000 dân đạt 38 giường năm 2024.\n"


def _run_steps(settings: Settings, operation: str, failpoint: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "QA_FAILPOINT"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    if failpoint:
        env["QA_FAILPOINT"] = failpoint
    done = subprocess.run(
        [sys.executable, "-c", STEPS, settings.model_dump_json(), operation, TEXT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == (-9 if failpoint else 0), done.stderr
    return done.returncode


@pytest.mark.parametrize("failpoint", UPLOAD_POINTS)
def test_an_upload_killed_between_any_two_steps_is_rolled_back_or_kept_whole(
    corpus: SharedCorpus, settings: Settings, failpoint: str | None
) -> None:
    _run_steps(settings, "upload", failpoint)
    journal = open_journal(settings)
    try:
        Reconciler(settings, journal).run()  # any replica's start-up, or its runner's sweep
        jobs = journal.recent()
        if failpoint is None:  # stored: queued for any replica's runner, its input intact
            assert [(j.status, j.step) for j in jobs] == [("queued", "stored")]
            assert corpus.holds("a.md", sha(TEXT.encode())) and "a.md.meta.json" in corpus.listing()
        else:  # killed before it was stored (or before the journal knew it): nothing of it is left
            assert [j.status for j in jobs] == ([] if failpoint == "upload.staged" else ["failed"])
            assert corpus.listing() == {}  # neither the file nor its sidecar
        assert corpus.staged_files() == []  # no temp file left in the replica's cache
        assert Reconciler(settings, journal).run().changed is False
    finally:
        journal.close()


@pytest.mark.parametrize("failpoint", DELETE_POINTS)
def test_a_delete_killed_between_any_two_steps_is_undone_or_finished(
    corpus: SharedCorpus, settings: Settings, failpoint: str | None
) -> None:
    put(corpus, "a.md", TEXT.encode(), META)
    _run_steps(settings, "delete", failpoint)
    journal = open_journal(settings)
    try:
        Reconciler(settings, journal).run()
        [job] = journal.recent()
        if failpoint is None:  # moved and stored: queued for any replica's runner
            assert (job.status, job.step) == ("queued", "stored")
            assert corpus.listing() == {} and set(corpus.listing("trash")) == {t for _, t in job.trash}
        else:  # not yet stored: put back, with its sidecar
            assert job.status == "failed" and job.detail
            assert set(corpus.listing()) == {"a.md", "a.md.meta.json"} and corpus.listing("trash") == {}
            assert corpus.read("a.md") == TEXT.encode()
    finally:
        journal.close()


# ---------------------------------------------------------------------- two replicas, one name, at once

SAME_NAME = "ke_hoach.md"
# Rounds of two uploads of one name started together: without naming() the shared corpus lost one upload's name
# (or bytes) in 18 of 20 rounds here, so 20 rounds catch a regression in well under a second. The embedded corpus's
# window (two local file steps) is too short to lose between threads (0 of 20 without the lock): a contract check.
RACE_ROUNDS = 20


def _upload_at_once(corpus: CorpusFiles, data: bytes, start: threading.Barrier) -> tuple[str | None, bool]:
    """An upload's steps as the route runs them (choose a free name, publish, under naming()), started with the
    other replica's."""
    staged = corpus.stage(io.BytesIO(data), MAX_BYTES)
    start.wait()
    with corpus.naming():
        name = corpus.free_name(SAME_NAME, set())
        assert name is not None
        return name, corpus.publish(staged.path.name, name)


@pytest.fixture(params=["embedded", "shared"])
def two_replicas(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[CorpusFiles]]:
    """Two processes' corpora: the same corpus/ and index/ (embedded), or one database and two caches (shared)."""
    if request.param == "embedded":
        yield [CorpusFiles(tmp_path / "corpus", tmp_path / "index") for _ in range(2)]
        return
    url = request.getfixturevalue("postgres_url")
    replicas = [SharedCorpus(url, tmp_path / f"cache-{n}") for n in ("a", "b")]
    yield list(replicas)
    for replica in replicas:
        replica.close()


def test_two_replicas_uploading_the_same_name_at_once_each_keep_their_own_bytes(
    two_replicas: list[CorpusFiles],
) -> None:
    contents = {
        (r, n): f"# Kế hoạch {r}\n\nBản của máy {n}.\n".encode() for r in range(RACE_ROUNDS) for n in (0, 1)
    }
    with ThreadPoolExecutor(len(two_replicas)) as pool:
        for round_no in range(RACE_ROUNDS):
            start = threading.Barrier(len(two_replicas))
            mine = [contents[round_no, n] for n in range(len(two_replicas))]
            outcomes = list(pool.map(_upload_at_once, two_replicas, mine, [start] * len(two_replicas)))
            names = [name for name, _ in outcomes]
            assert all(published for _, published in outcomes), (round_no, outcomes)
            assert len(set(names)) == len(names), (round_no, names)
            for name, data in zip(names, mine, strict=True):
                assert name is not None and two_replicas[0].holds(name, sha(data)), (round_no, name)
    assert len(two_replicas[0].names()) == len(contents)  # every upload is a document of its own
