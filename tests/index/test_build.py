"""The build with real files and the real model: one bad file costs nothing, progress is true, a cancel
changes nothing, a new index format re-reads documents without embedding them again, and vectors embedded from
another text recipe are embedded again."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from test_isolated import zip_bomb
from typer.testing import CliRunner

from qa.index import store
from qa.index.build import EMBEDDING_TEXT_VERSION, build, embedding_text
from qa.index.layout import ANSWER_MODEL_FILE, current_generation
from qa.index.progress import BuildCancelled, BuildProgress
from qa.settings import Settings, get_settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "corpus" / "002_f78375c6f514f37c.txt"
NOTE = "# Ghi chú\n\nSở Y tế tỉnh Lâm Đồng phấn đấu số bác sĩ trên 10.000 dân đạt 11,4 bác sĩ năm 2024.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SMALL, corpus / "x.txt")
    (corpus / "x.md").write_text(NOTE, encoding="utf-8")  # same stem: another document
    (corpus / "x.pdf").write_bytes(b"%PDF-1.4\n" + b"rac " * 200)  # right header, unreadable body
    zip_bomb(corpus / "bom.docx", xml_mb=12)  # past the 10 MB expanded-size limit of these tests
    return corpus


def _sources(settings: Settings) -> dict[str, str]:
    generation = current_generation(settings.index_dir)
    assert generation is not None
    conn = sqlite3.connect(generation / "store.sqlite")
    return dict(conn.execute("SELECT source, doc_id FROM documents").fetchall())


def test_same_stem_and_bad_files(corpus: Path, tmp_path: Path, embed) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_expanded_mb=10)
    seen: list[BuildProgress] = []
    report = build(settings, embed=embed, progress=seen.append)
    assert _sources(settings) == {"x.md": "x.md", "x.txt": "x.txt"}
    skipped = {d.source: d.reason for d in report.documents if d.status == "skipped"}
    assert set(skipped) == {"x.pdf", "bom.docx"} and "giải nén quá lớn" in skipped["bom.docx"]
    assert all("Error" not in r and "/" not in r for r in skipped.values())  # no internals, no paths

    parsing = [p for p in seen if p.stage == "parsing"]
    embedding = [p for p in seen if p.stage == "embedding"]
    assert parsing[-1].files_done == parsing[-1].files_total == 4
    new_chunks = sum(d.chunks for d in report.documents if d.status == "new")
    assert embedding[-1].chunks_total == new_chunks and embedding[-1].chunks_done == new_chunks
    assert [p.chunks_done for p in embedding] == sorted(p.chunks_done for p in embedding)
    assert seen[-1].stage == "publishing"


def test_qa_ingest_exits_zero_with_a_bad_file(corpus: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from qa.cli import app

    monkeypatch.setenv("QA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QA_MAX_EXPANDED_MB", "10")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ingest"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "✓ x.txt" in result.output and "✓ x.md" in result.output and "✗ bom.docx" in result.output


def test_a_cancelled_build_changes_nothing(corpus: Path, tmp_path: Path, embed) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_expanded_mb=10)
    build(settings, embed=embed)
    before = current_generation(settings.index_dir)
    (corpus / "y.md").write_text(NOTE.replace("Lâm Đồng", "Đắk Lắk"), encoding="utf-8")

    def cancel_while_embedding(p: BuildProgress) -> None:
        if p.stage == "embedding":
            raise BuildCancelled

    with pytest.raises(BuildCancelled):
        build(settings, embed=embed, progress=cancel_while_embedding)
    assert current_generation(settings.index_dir) == before
    assert sorted(p.name for p in settings.index_dir.iterdir() if p.name.startswith((".gen", "gen"))) == [
        before.name
    ]  # type: ignore[union-attr]


def test_a_new_format_reuses_every_vector(corpus: Path, tmp_path: Path, embed) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_expanded_mb=10)
    build(settings, embed=embed)
    generation = current_generation(settings.index_dir)
    assert generation is not None
    conn = sqlite3.connect(generation / "store.sqlite")
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'format'")  # an index of the previous format
    conn.execute("UPDATE documents SET doc_id = 'x' WHERE source = 'x.txt'")  # with its old doc_id
    conn.execute("UPDATE chunks SET doc_id = 'x' WHERE source = 'x.txt'")
    conn.commit()
    conn.close()
    report = build(settings, embed=None)  # no model: every passage must find its vector
    assert report.changed and {d.status for d in report.documents if d.source in ("x.txt", "x.md")} == {
        "reindexed"
    }
    assert _sources(settings)["x.txt"] == "x.txt"


def test_vectors_of_another_embedding_text_are_embedded_again(corpus: Path, tmp_path: Path, embed) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_expanded_mb=10)
    build(settings, embed=embed)
    generation = current_generation(settings.index_dir)
    assert generation is not None
    conn = sqlite3.connect(generation / "store.sqlite")
    conn.execute("DELETE FROM meta WHERE key = 'embedding_text'")  # embedded from the previous recipe
    (generation / ANSWER_MODEL_FILE).write_text("{}", encoding="utf-8")  # a model fitted on those vectors
    chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    conn.commit()
    conn.close()
    embedded: list[str] = []

    def counting(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return embed(texts)  # type: ignore[no-any-return]

    report = build(settings, embed=counting)
    assert report.changed and len(embedded) == chunks  # every vector again, the documents kept
    assert {d.status for d in report.documents if d.source in ("x.txt", "x.md")} == {"unchanged"}
    generation = current_generation(settings.index_dir)
    assert generation is not None
    conn = store.connect(generation / "store.sqlite", readonly=True)
    rows = conn.execute(
        "SELECT c.*, d.title AS doc_title, d.province AS doc_province FROM chunks c JOIN documents d USING (doc_id)"
    ).fetchall()
    expected = [embedding_text(store.row_to_chunk(r), r["doc_title"] or "", r["doc_province"]) for r in rows]
    assert sorted(embedded) == sorted(expected)  # the dense side's text, not the lexical side's
    assert store.get_meta(conn)["embedding_text"] == EMBEDDING_TEXT_VERSION
    assert not (generation / ANSWER_MODEL_FILE).exists()  # the shipped default serves until `qa train`
