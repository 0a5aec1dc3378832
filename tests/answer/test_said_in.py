"""The number a sentence gives, when a figure question is answered by the sentence (pipeline._said_in)."""

from __future__ import annotations

from qa.answer.candidates import FigureCandidate
from qa.answer.passages import SentenceCandidate
from qa.answer.pipeline import ScoredFigure, _said_in
from qa.answer.understand import Reader
from qa.models import Chunk, DocumentMeta, Figure
from qa.retrieval.engine import Hit
from qa.retrieval.fusion import Ranked

SENTENCE = "Bắc Ninh nằm trong nhóm 33 tỉnh, thành phố có mức sinh cao của cả nước."
CHUNK = Chunk(7, "d", "d.txt", "Thực trạng", f"{SENTENCE} Năm 2019 có 2,53 con.", "", 3, 3, None)
HIT = Hit(CHUNK, DocumentMeta(title="Kế hoạch"), Ranked(7, 0.5, 0, 1, 9.0, 0.8))


def scored(value_text: str, unit: str, chunk_id: int = 7) -> ScoredFigure:
    f = Figure(
        indicator="nằm trong nhóm tỉnh",
        value=float(value_text.replace(",", ".")),
        value_text=value_text,
        unit=unit,
        year=2020,
        kind=None,
        comparator=None,
        doc_id="d",
        source="d.txt",
        section="Thực trạng",
        line=3,
        quote=SENTENCE,
        province="Bắc Ninh",
        column="",
        chunk_id=chunk_id,
    )
    return ScoredFigure(FigureCandidate(f, 0, 0, 0), 0.2)


def test_the_one_number_of_the_answering_sentence_is_its_figure() -> None:
    q = Reader({"Bắc Ninh": "Bắc Ninh"}, set()).read(
        "Bắc Ninh nằm trong nhóm bao nhiêu tỉnh có mức sinh cao?"
    )
    sentence = SentenceCandidate(SENTENCE, HIT, 0)
    best = _said_in(sentence, [scored("2,53", "con"), scored("33", "tỉnh")], q)
    assert best is not None and best.figure.value_text == "33"  # 2,53 is of another sentence of the chunk
    assert _said_in(sentence, [scored("33", "tỉnh", chunk_id=8)], q) is None  # the same number elsewhere
    q = Reader({"Bắc Ninh": "Bắc Ninh"}, set()).read("Tỷ lệ … của Bắc Ninh là bao nhiêu %?")
    assert _said_in(sentence, [scored("33", "tỉnh")], q) is None  # a share was asked


def test_a_sentence_with_several_numbers_of_the_kind_asked_gives_none() -> None:
    q = Reader({"Bắc Ninh": "Bắc Ninh"}, set()).read("Bắc Ninh có bao nhiêu tỉnh?")
    two = "Bắc Ninh nằm trong nhóm 33 tỉnh, cùng 5 tỉnh khác."
    chunk = Chunk(7, "d", "d.txt", "", two, "", 3, 3, None)
    sentence = SentenceCandidate(
        two, Hit(chunk, DocumentMeta(title="Kế hoạch"), Ranked(7, 0.5, 0, 1, 9.0, 0.8)), 0
    )
    assert _said_in(sentence, [scored("33", "tỉnh"), scored("5", "tỉnh")], q) is None
