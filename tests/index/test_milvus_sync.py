"""Builds keep a Milvus Lite in step with the index generation: after each build it holds exactly the current
generation's rows; a build killed after writing Milvus but before switching leaves every row the readers of the
previous generation need, and the next build removes what the dead one left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.index.build import build
from qa.index.layout import current_generation
from qa.index.milvus_collection import DOC_KEY_PREFIX, connect, load, read_stamp, state_collection
from qa.retrieval.engine import Engine
from qa.settings import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
COLLECTION = "sync_test"
NOTE = "# Ghi chú\n\nSở Y tế tỉnh Lâm Đồng phấn đấu số bác sĩ trên 10.000 dân đạt 11,4 bác sĩ năm 2024.\n"


@pytest.fixture
def settings(tmp_path: Path, milvus_path: str) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS[1:3]:
        shutil.copy(path, corpus / path.name)
    return Settings(
        corpus_dir=corpus, index_dir=tmp_path / "index", vector_url=milvus_path, vector_collection=COLLECTION
    )


def _generation_ids(settings: Settings) -> set[int]:
    generation = current_generation(settings.index_dir)
    assert generation is not None
    return {int(i) for i in np.load(generation / "ids.npy")}


def _milvus(settings: Settings) -> tuple[set[int], set[str]]:
    """The chunk ids Milvus holds, and the documents its state records."""
    assert settings.vector_url
    client = connect(settings.vector_url)
    try:
        load(client, COLLECTION)
        ids = {
            int(r["id"])
            for r in client.query(COLLECTION, filter="id >= 0", output_fields=["id"], limit=16_384)
        }
        state = client.query(
            state_collection(COLLECTION), filter='key like "doc:%"', output_fields=["key"], limit=16_384
        )
        return ids, {r["key"][len(DOC_KEY_PREFIX) :] for r in state}
    finally:
        client.close()


def _documents(settings: Settings) -> set[str]:
    engine = Engine(settings.model_copy(update={"vector_url": None}))
    try:
        return set(engine.docs)
    finally:
        engine.close()


def test_each_build_leaves_exactly_the_current_generation_in_milvus(settings: Settings, embed) -> None:  # type: ignore[no-untyped-def]
    build(settings, embed=embed)
    assert _milvus(settings) == (_generation_ids(settings), _documents(settings))

    removed = sorted(settings.corpus_dir.iterdir())[0]
    removed.unlink()
    (settings.corpus_dir / "note.md").write_text(NOTE, encoding="utf-8")
    report = build(settings, embed=embed)
    assert {d.source: d.status for d in report.documents}[removed.name] == "removed"
    ids, docs = _milvus(settings)
    assert ids == _generation_ids(settings) and docs == _documents(settings)
    assert removed.name not in docs and "note.md" in docs
    assert report.timings["vector_publish"] > 0 and report.timings["vector_retire"] > 0

    engine = Engine(settings)  # answers from Milvus: the new note is found, filtered to its province
    try:
        from qa.retrieval.engine import Filters

        hits = engine.search("số bác sĩ trên 10.000 dân Lâm Đồng", 3, Filters(province="Lâm Đồng"))
        assert hits and hits[0].chunk.source == "note.md"
    finally:
        engine.close()


def test_a_build_killed_between_milvus_and_the_switch_loses_nothing(
    settings: Settings, embed, milvus_server
) -> None:  # type: ignore[no-untyped-def]
    # Milvus in its own process, as deployed: a build killed right after publishing must leave both the index and
    # Milvus consistent. (An in-process Milvus Lite database dies with the build that hosts it, and its files may
    # be torn by the kill: "file seems not fully written" on reopening, seen under load.)
    settings = settings.model_copy(update={"vector_url": milvus_server.url})
    build(settings, embed=embed)
    before = current_generation(settings.index_dir)
    old_ids = _generation_ids(settings)
    assert settings.vector_url

    sorted(settings.corpus_dir.iterdir())[0].unlink()
    (settings.corpus_dir / "note.md").write_text(NOTE, encoding="utf-8")
    env = {
        **os.environ,
        "QA_CORPUS_DIR": str(settings.corpus_dir),
        "QA_INDEX_DIR": str(settings.index_dir),
        "QA_VECTOR_URL": settings.vector_url,
        "QA_VECTOR_COLLECTION": COLLECTION,
        "QA_FAILPOINT": "build.vectors_published",
    }
    child = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ingest"], env=env, capture_output=True, timeout=600
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    assert current_generation(settings.index_dir) == before

    ids, _ = _milvus(settings)
    assert old_ids < ids  # the old generation's rows all there, the dead build's new ones beside them
    engine = Engine(settings)  # a reader of the previous generation still opens, and skips the rows it lacks
    try:
        hits = engine.search("số bác sĩ trên 10.000 dân", 10)
        assert hits and all(h.chunk.chunk_id in old_ids for h in hits)
    finally:
        engine.close()

    build(settings, embed=embed)
    assert _milvus(settings) == (_generation_ids(settings), _documents(settings))
    client = connect(settings.vector_url)
    try:
        stamp = read_stamp(client, COLLECTION)
        assert stamp is not None and stamp.generation == int(current_generation(settings.index_dir).name[4:])  # type: ignore[union-attr]
    finally:
        client.close()


def test_a_build_whose_milvus_cannot_be_reached_changes_nothing(settings: Settings, embed) -> None:  # type: ignore[no-untyped-def]
    from qa.index.milvus_collection import VectorStoreError
    from qa.run_services import free_port

    build(settings, embed=embed)
    before = current_generation(settings.index_dir)
    (settings.corpus_dir / "note.md").write_text(NOTE, encoding="utf-8")
    unreachable = settings.model_copy(update={"vector_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(VectorStoreError, match="không kết nối được"):
        build(unreachable, embed=embed)
    assert current_generation(settings.index_dir) == before  # readers stay on the generation Milvus holds
