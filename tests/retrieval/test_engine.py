"""A real hybrid index over the real corpus: search quality, filters, incremental builds, atomicity."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.index.build import build
from qa.index.layout import current_generation
from qa.retrieval.engine import Engine, Filters, ModelMismatchError
from qa.vn.text import evidence_form

pytestmark = pytest.mark.slow


def test_accentless_question_finds_its_row(engine):
    hits = engine.search("so bac si tren 10000 dan bac giang", 5)
    assert any("Số bác sỹ/10.000 dân" in h.chunk.text and h.chunk.kind == "table_row" for h in hits[:3])


def test_so_hieu_query_finds_citing_documents(engine):
    hits = engine.search("20-NQ/TW", 30, mode="lexical")
    sources = {h.chunk.source for h in hits}
    assert {"002_f78375c6f514f37c.txt", "000_ed8f74c002a8b9ab.txt"} <= sources
    assert all("20-NQ/TW" in h.chunk.text for h in hits[:3])


def test_hits_carry_both_ranks(engine):
    hits = engine.search("Thiếu bác sỹ ở tuyến y tế cơ sở, nguồn nhân lực bị phân tán", 3)
    hit = next(h for h in hits if "Thiếu bác sỹ ở tuyến y tế cơ sở" in h.chunk.text)
    assert hit.ranked.lexical_rank is not None and hit.ranked.dense_rank is not None
    assert hit.ranked.score > 0


def test_province_and_document_filters(engine):
    hits = engine.search("số giường bệnh trên 10.000 dân", 10, Filters(province="Kiên Giang"))
    assert hits and {h.doc.province for h in hits} == {"Kiên Giang"}
    hits = engine.search("số giường bệnh", 10, Filters(doc_ids=["004_182caa5ac67056e7.txt"]))
    assert hits and {h.chunk.doc_id for h in hits} == {"004_182caa5ac67056e7.txt"}
    assert engine.search("số giường bệnh", 5, Filters(province="Bình Dương")) == []


def test_fused_beats_each_ranker_on_dev(engine):
    from qa.evaluation import evaluate, load_questions

    items = load_questions(Path(__file__).resolve().parents[2] / "eval" / "dev.jsonl")
    scores = {}
    for mode in ("lexical", "dense", "hybrid"):
        report = evaluate(
            items,
            lambda it, m=mode: {
                "citations": [
                    {"source": h.chunk.source, "text": h.chunk.text}
                    for h in engine.search(it["question"], 5, mode=m)
                ]
            },
        )
        scores[mode] = report["summary"]["overall"]
    assert scores["hybrid"]["hit@5"] >= max(scores["lexical"]["hit@5"], scores["dense"]["hit@5"])
    assert scores["hybrid"]["mrr"] > max(scores["lexical"]["mrr"], scores["dense"]["mrr"])


def _small_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("002_f78375c6f514f37c.txt", "004_182caa5ac67056e7.txt"):
        shutil.copy(Path(__file__).resolve().parents[2] / "corpus" / name, corpus / name)
    return corpus


def test_incremental_reingest(tmp_path, settings_factory, embed):
    corpus = _small_corpus(tmp_path)
    s = settings_factory(corpus=corpus, index=tmp_path / "index")
    first = build(s, embed=embed)
    assert {d.status for d in first.documents} == {"new"}
    again = build(s, embed=embed)
    assert not again.changed and {d.status for d in again.documents} == {"unchanged"}
    assert again.generation == first.generation

    calls: list[int] = []

    def counting(texts):
        calls.append(len(texts))
        return embed(texts)

    path = corpus / "002_f78375c6f514f37c.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nĐoạn mới: tỷ lệ tiêm chủng vắc xin sởi đạt 97%.\n",
        encoding="utf-8",
    )
    changed = build(s, embed=counting)
    statuses = {d.source: d.status for d in changed.documents}
    assert statuses == {"002_f78375c6f514f37c.txt": "changed", "004_182caa5ac67056e7.txt": "unchanged"}
    assert sum(calls) < 25  # only the changed document's chunks are embedded again
    e = Engine(s)
    assert any("vắc xin sởi đạt 97%" in h.chunk.text for h in e.search("vắc xin sởi 97%", 3))

    (corpus / "004_182caa5ac67056e7.txt").unlink()
    removed = build(s, embed=embed)
    assert any(d.status == "removed" for d in removed.documents)
    e = Engine(s)
    assert {m.province for m in e.docs.values()} == {"Kiên Giang"}
    assert all(h.chunk.doc_id != "004_182caa5ac67056e7.txt" for h in e.search("Hà Nam", 10))


def test_bad_files_are_skipped_and_nothing_is_lost(tmp_path, settings_factory, embed):
    corpus = _small_corpus(tmp_path)
    s = settings_factory(corpus=corpus, index=tmp_path / "index")
    build(s, embed=embed)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "garbage.pdf").write_bytes(os.urandom(2048))
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04" + os.urandom(500))
    (corpus / "notes.xyz").write_text("hello", encoding="utf-8")
    # A previously good file replaced by garbage keeps its indexed version.
    (corpus / "004_182caa5ac67056e7.txt").write_bytes(b"\x00\x01\x02" * 4000)
    report = build(s, embed=embed)
    reasons = {d.source: d.reason for d in report.documents if d.status == "skipped"}
    assert set(reasons) == {
        "empty.txt",
        "garbage.pdf",
        "broken.docx",
        "notes.xyz",
        "004_182caa5ac67056e7.txt",
    }
    assert "rỗng" in reasons["empty.txt"] and "không hỗ trợ" in reasons["notes.xyz"]
    e = Engine(s)
    assert {m.province for m in e.docs.values()} == {"Kiên Giang", "Hà Nam"}


def test_index_refuses_another_model(tmp_path, settings_factory, embed):
    corpus = _small_corpus(tmp_path)
    s = settings_factory(corpus=corpus, index=tmp_path / "index")
    build(s, embed=embed)
    other = s.model_copy(update={"embedding_model": "intfloat/multilingual-e5-base"})
    with pytest.raises(ModelMismatchError):
        Engine(other)


def test_killed_ingest_leaves_previous_index_serving(tmp_path, settings_factory, embed):
    corpus = _small_corpus(tmp_path)
    index = tmp_path / "index"
    s = settings_factory(corpus=corpus, index=index)
    build(s, embed=embed)
    before = current_generation(index)
    shutil.copy(Path(__file__).resolve().parents[2] / "corpus" / "001_a66ba2e25b7bb22e.txt", corpus)
    env = dict(os.environ, QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index), QA_CACHE_DIR=str(s.cache_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "ingest"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Kill it while it embeds: the new generation is still a temp directory then.
    deadline = time.time() + 120
    while time.time() < deadline and not any(index.glob(".gen-*.tmp-*")):
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_generation(index) == before
    e = Engine(s)
    assert {m.province for m in e.docs.values()} == {"Kiên Giang", "Hà Nam"}
    hits = e.search("Thiếu bác sỹ ở tuyến y tế cơ sở, nguồn nhân lực bị phân tán", 3)
    assert any(evidence_form("Thiếu bác sỹ ở tuyến y tế cơ sở") in evidence_form(h.chunk.text) for h in hits)
