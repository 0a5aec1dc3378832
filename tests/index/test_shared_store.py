"""A published index generation in a real PostgreSQL (qa/index/shared_store.py): its store and files round-trip
unchanged, the Engine of a replica with an empty index directory serves the same answers from it, and moving the
shared pointer is atomic (a reader sees the old generation or the new one, never a half)."""

from __future__ import annotations

import io
import json
import shutil
import threading
import time
from pathlib import Path

import psycopg
import pytest
from postgres import run_migrate

from qa.index.build import BuildReport
from qa.index.progress import BuildProgress
from qa.index.shared_store import (
    BUILD_LOCK,
    GenerationConflict,
    GenerationRef,
    SharedStore,
    close_shared_stores,
    generation_name,
)
from qa.index.store import SqliteStoreReader, connect, set_meta
from qa.jobs.shared_corpus import close_shared_corpora, shared_corpus
from qa.retrieval.engine import Engine
from qa.settings import Settings

pytestmark = pytest.mark.slow

QUESTION = "Số bác sĩ trên 10.000 dân của Bắc Giang năm 2024"


@pytest.fixture
def shared(postgres_url: str):
    store = SharedStore(postgres_url)
    yield store
    store.close()
    close_shared_stores()


def _files(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in directory.rglob("*")
        if p.is_file() and p.name != "store.sqlite"
    }


def _renumbered(generation: Path, into: Path, number: int) -> Path:
    """A copy of a generation published as another number (its store meta and manifest say so)."""
    target = into / generation_name(number)
    shutil.copytree(generation, target)
    created = f"2026-12-02T00:00:{number:02d}+00:00"
    conn = connect(target / "store.sqlite")
    set_meta(conn, {"generation": number, "created": created})
    conn.commit()
    conn.close()
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(generation=number, created=created)
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return target


def test_a_generation_round_trips_through_postgres(engine, shared: SharedStore, tmp_path: Path) -> None:
    ref = shared.publish(engine.generation, None)
    assert shared.current() == ref and ref.name == engine.generation.name
    local = SqliteStoreReader(engine.generation / "store.sqlite")
    remote = shared.reader(ref)
    try:
        assert remote.meta() == local.meta()
        mine, theirs = local.contents(), remote.contents()
        assert theirs.documents == mine.documents
        assert sorted(theirs.chunks, key=lambda c: c.chunk_id) == sorted(
            mine.chunks, key=lambda c: c.chunk_id
        )
        assert theirs.figures == mine.figures and len(mine.figures) > 100
        assert theirs.regulations == mine.regulations
        for doc_id in engine.docs:
            assert remote.lines(doc_id) == local.lines(doc_id)
    finally:
        local.close()

    # Another replica's empty index directory: the files come back byte for byte, the store as the same rows.
    copy = shared.materialise(tmp_path / "index", ref, with_store=True)
    assert _files(copy) == _files(engine.generation)
    rebuilt = SqliteStoreReader(copy / "store.sqlite")
    try:
        assert rebuilt.meta() == remote.meta()
        assert rebuilt.contents().documents == mine.documents
    finally:
        rebuilt.close()


def test_an_engine_over_postgres_answers_as_the_embedded_one(
    engine, shared: SharedStore, tmp_path: Path
) -> None:
    shared.publish(engine.generation, None)
    settings = Settings(
        corpus_dir=engine.settings.corpus_dir,
        index_dir=tmp_path / "replica-index",  # nothing there: everything comes from the database
        cache_dir=engine.settings.cache_dir,
        database_url=shared.url,
    )
    replica = Engine(settings)
    try:
        assert replica.generation == settings.index_dir / engine.generation.name
        assert replica.counts() == engine.counts()
        assert replica.doc_rows == engine.doc_rows
        assert [(h.chunk.chunk_id, h.ranked.score) for h in replica.search(QUESTION, 10)] == [
            (h.chunk.chunk_id, h.ranked.score) for h in engine.search(QUESTION, 10)
        ]
        doc_id = next(iter(engine.docs))
        assert replica.document_lines(doc_id) == engine.document_lines(doc_id)
    finally:
        replica.close()
        close_shared_stores()


def test_switching_generations_is_atomic_and_keeps_the_previous_one(
    engine, shared: SharedStore, postgres_url: str, tmp_path: Path
) -> None:
    first = shared.publish(engine.generation, None)
    second_dir = _renumbered(engine.generation, tmp_path, first.number + 1)

    # Hold the blob table while the second generation is published: its rows are written, the pointer not yet.
    blocker = psycopg.connect(postgres_url)
    blocker.execute("LOCK TABLE gen_files IN ACCESS EXCLUSIVE MODE")
    published: list[GenerationRef] = []
    writer = threading.Thread(target=lambda: published.append(shared.publish(second_dir, first.number)))
    writer.start()
    with psycopg.connect(postgres_url, autocommit=True) as reader:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the publishing transaction waits on the lock, rows written
            waiting = reader.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%gen_files%'"
            ).fetchone()
            if waiting and waiting[0]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the publish never reached the blobs")
        assert reader.execute("SELECT generation FROM current_generation").fetchone() == (first.number,)
        rows = reader.execute(
            "SELECT count(*) FROM gen_chunks WHERE generation = %s", (first.number + 1,)
        ).fetchone()
        assert rows == (0,)  # nothing of the unfinished generation is visible to another session
        blocker.rollback()
        blocker.close()
        writer.join(60)
        assert published and shared.current() == published[0]
        assert reader.execute(
            "SELECT count(*) FROM gen_chunks WHERE generation = %s", (first.number + 1,)
        ).fetchone() == (len(engine.chunks),)

    # A build that started from an older generation publishes nothing.
    third_dir = _renumbered(engine.generation, tmp_path, first.number + 2)
    with pytest.raises(GenerationConflict):
        shared.publish(third_dir, first.number)
    assert shared.current() == published[0]
    assert shared.latest_number() == first.number + 1

    # The next one keeps the generation before it and deletes the others.
    ref = shared.publish(third_dir, first.number + 1)
    with psycopg.connect(postgres_url) as conn:
        kept = [r[0] for r in conn.execute("SELECT generation FROM generations ORDER BY generation")]
        orphans = conn.execute(
            "SELECT count(*) FROM gen_chunks WHERE generation = %s", (first.number,)
        ).fetchone()
    assert kept == [first.number + 1, ref.number] and orphans == (0,)


def test_a_replica_copy_of_an_unpublished_generation_is_replaced(
    engine, shared: SharedStore, tmp_path: Path
) -> None:
    """A build killed after writing its directory but before publishing leaves a gen-N whose number another
    replica may publish later with other contents: the cached copy is checked by its manifest, not its name."""
    ref = shared.publish(engine.generation, None)
    stale = _renumbered(engine.generation, tmp_path / "index", ref.number)  # same number, other creation time
    (stale / "abbreviations.json").write_text("{}", encoding="utf-8")
    copy = shared.mirror(tmp_path / "index", ref)
    assert copy == stale and _files(copy) == _files(engine.generation)
    assert (tmp_path / "index" / "current").resolve() == copy


def test_qa_migrate_moves_the_current_generation_both_ways(
    engine, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = tmp_path / "embedded"
    embedded.mkdir()
    shutil.copytree(engine.generation, embedded / engine.generation.name)
    (embedded / "current").symlink_to(engine.generation.name)

    corpus = sorted(p.name for p in engine.settings.corpus_dir.iterdir() if not p.name.startswith("."))
    said = run_migrate(
        monkeypatch, embedded, "--to-database", postgres_url, corpus_dir=engine.settings.corpus_dir
    )
    assert f"Đã chép thế hệ {engine.generation.name}" in said
    assert f"Đã chép {len(corpus)} tệp tài liệu vào PostgreSQL (0 tệp đã có)" in said
    again = run_migrate(
        monkeypatch, embedded, "--to-database", postgres_url, corpus_dir=engine.settings.corpus_dir
    )
    assert f"Thế hệ {engine.generation.name} đã có trong PostgreSQL" in again
    assert f"Đã chép 0 tệp tài liệu vào PostgreSQL ({len(corpus)} tệp đã có)" in again

    back = tmp_path / "back"  # a machine returning to the embedded mode, from an empty index directory
    said = run_migrate(
        monkeypatch, back, "--from-database", postgres_url, corpus_dir=tmp_path / "back-corpus"
    )
    assert f"Đã chép thế hệ {engine.generation.name} từ PostgreSQL" in said
    assert sorted(p.name for p in (tmp_path / "back-corpus").iterdir()) == corpus
    for name in corpus:  # the files come back byte for byte, for `qa ingest` in the embedded mode
        assert (tmp_path / "back-corpus" / name).read_bytes() == (
            engine.settings.corpus_dir / name
        ).read_bytes()
    assert (back / "current").resolve() == back / engine.generation.name
    assert _files(back / "current") == _files(engine.generation)
    mine, theirs = (
        SqliteStoreReader(engine.generation / "store.sqlite"),
        SqliteStoreReader(back / "current" / "store.sqlite"),
    )
    try:
        assert theirs.meta() == mine.meta()
        assert theirs.contents().documents == mine.contents().documents
        assert theirs.contents().figures == mine.contents().figures
    finally:
        mine.close()
        theirs.close()
    embedded_engine = Engine(Settings(index_dir=back, cache_dir=engine.settings.cache_dir))
    try:
        assert embedded_engine.counts() == engine.counts()
    finally:
        embedded_engine.close()


NOTE = "# Ghi chú\n\nSở Y tế tỉnh Lâm Đồng phấn đấu số bác sĩ trên 10.000 dân đạt 11,4 bác sĩ năm 2024.\n"


def test_builds_on_replicas_with_their_own_index_directories_follow_the_shared_generation(
    engine, embed, shared: SharedStore, tmp_path: Path
) -> None:
    """Each build starts from the generation last published in the database (copied into its own directory, so
    unchanged documents are reused, not read again), reads the corpus from the database (the first build fills it
    from the corpus directory) and publishes the next one there."""
    from qa.index.build import build

    base = shared.publish(engine.generation, None)
    corpus = tmp_path / "corpus"
    shutil.copytree(engine.settings.corpus_dir, corpus)
    (corpus / "ghi_chu.md").write_text(NOTE, encoding="utf-8")

    def replica(name: str) -> Settings:
        return Settings(
            corpus_dir=corpus,
            index_dir=tmp_path / name,
            cache_dir=engine.settings.cache_dir,
            database_url=shared.url,
        )

    added = build(replica("index-a"), embed=embed)
    assert {d.source: d.status for d in added.documents} == {
        **dict.fromkeys(shared.sources(base.number), "unchanged"),
        "ghi_chu.md": "new",
    }
    after_a = shared.current()
    assert after_a is not None and after_a.number == base.number + 1 and added.generation == after_a.name
    assert "ghi_chu.md" in shared.sources(after_a.number)

    # The corpus is the database's now (filled from the corpus directory by the first build): a file removed there
    # is gone for every replica, whatever their own directories hold.
    shared_corpus(replica("index-a")).remove("ghi_chu.md")
    removed = build(replica("index-b"), embed=embed)  # another replica: its directory was empty
    after_b = shared.current()
    assert after_b is not None and after_b.number == after_a.number + 1
    assert [d.source for d in removed.documents if d.status == "removed"] == ["ghi_chu.md"]
    assert set(shared.sources(after_b.number)) == {row["source"] for row in engine.doc_rows.values()}
    assert shared.sources(base.number) == {}  # the new generation and the one before it are kept, no more
    assert (corpus / "ghi_chu.md").exists()  # the corpus directory is only read
    close_shared_corpora()


# Two tiny documents, one uploaded through each replica; a third is the seed the database starts from.
SEED_NOTE = (
    "# Báo cáo y tế Bắc Giang 2023\n\nNăm 2023, tỉnh Bắc Giang có 152 trạm y tế xã đạt chuẩn quốc gia.\n"
)
CAO_BANG = (
    "# Kế hoạch y tế Cao Bằng 2024\n\nNăm 2024, tỉnh Cao Bằng phấn đấu đạt 38 giường bệnh trên 10.000 dân.\n"
)
# How long the first build waits, while holding the build lock, to see the second one queue behind it (seconds).
WAITER_WITHIN_S = 30.0


def _build_waiting(url: str) -> bool:
    """Whether a session waits for the build lock (a bigint key below 2**31: classid 0, objid the key)."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = %s "
            "AND NOT granted",
            (BUILD_LOCK,),
        ).fetchone()
    return bool(row and row[0])


def test_two_builds_at_once_on_two_replicas_run_one_after_the_other(
    embed, settings_factory, shared: SharedStore, tmp_path: Path
) -> None:
    """Replica B's build starts while replica A's holds the build lock, with an upload A's build did not see: B
    waits on the advisory lock, then builds on top of A's generation (its document reused, not read again), and
    the last generation holds both uploads. No GenerationConflict: the lock orders them, the check never fires."""
    from qa.index.build import build

    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "bac_giang.md").write_text(SEED_NOTE, encoding="utf-8")

    def replica(name: str) -> Settings:
        return Settings(
            corpus_dir=seed,  # the first build carries it into the empty database (qa.jobs.corpus_copy)
            index_dir=tmp_path / name,
            cache_dir=settings_factory().cache_dir,
            database_url=shared.url,
        )

    a, b = replica("index-a"), replica("index-b")
    first = build(a, embed=embed)
    base = shared.current()
    assert base is not None and first.generation == base.name
    put_shared(a, "lam_dong.md", NOTE)

    b_started, b_waited = threading.Event(), threading.Event()

    def while_a_builds(progress: BuildProgress) -> None:
        # A has synced its corpus (it lists the files before the first report): B's upload now, then B's build.
        if not b_started.is_set():
            put_shared(b, "cao_bang.md", CAO_BANG)
            b_started.set()
        if progress.stage == "publishing" and not b_waited.is_set():
            deadline = time.monotonic() + WAITER_WITHIN_S
            while not _build_waiting(shared.url) and time.monotonic() < deadline:
                time.sleep(0.05)
            b_waited.set()
            assert _build_waiting(shared.url), "B's build never queued behind A's"

    reports: dict[str, BuildReport] = {}

    def build_b() -> None:
        if b_started.wait(60):
            reports["b"] = build(b, embed=embed)

    b_thread = threading.Thread(target=build_b)
    b_thread.start()
    started = time.monotonic()
    reports["a"] = build(a, embed=embed, progress=while_a_builds)
    b_thread.join(120)
    both = time.monotonic() - started
    assert b_waited.is_set() and "b" in reports, reports

    after = shared.current()
    assert after is not None and after.number == base.number + 2
    assert (reports["a"].generation, reports["b"].generation) == (
        generation_name(base.number + 1),
        generation_name(base.number + 2),
    )
    assert set(shared.sources(base.number + 1)) == {"bac_giang.md", "lam_dong.md"}  # A did not see B's upload
    assert set(shared.sources(after.number)) == {"bac_giang.md", "lam_dong.md", "cao_bang.md"}
    statuses = {d.source: d.status for d in reports["b"].documents}
    assert statuses == {"bac_giang.md": "unchanged", "lam_dong.md": "unchanged", "cao_bang.md": "new"}
    print(f"\ntwo overlapping builds on two replicas, the second waiting on the lock: {both:.1f} s in all")
    close_shared_corpora()


def put_shared(settings: Settings, name: str, text: str) -> None:
    """An upload's file steps through one replica's shared corpus (as the route runs them)."""
    corpus = shared_corpus(settings)
    staged = corpus.stage(io.BytesIO(text.encode()), 1 << 20)
    with corpus.naming():
        assert corpus.publish(staged.path.name, name)
