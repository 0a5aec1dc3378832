"""Shorthands no document defines, read from the retrieved passages (qa/answer/shorthands.py)."""

from __future__ import annotations

from qa.answer.shorthands import read_shorthands
from qa.answer.understand import Reader
from qa.models import Chunk, DocumentMeta
from qa.retrieval.engine import Hit
from qa.retrieval.fusion import Ranked

POPULATION = [
    "Công tác dân số - Kế hoạch hóa gia đình (DS-KHHGĐ) được triển khai; quy mô dân số 1.195.696 người.",
    "Tỷ lệ tăng dân số tự nhiên giảm còn 0,81%; chất lượng dân số được nâng lên. Căn cứ Quyết định số 1679.",
    "Mức sinh thay thế được duy trì; dân số vàng.",
]
STAFF = [
    "Nhân lực: 120 dược sĩ đại học, 95 dược sĩ trung học, 40 dược sĩ cao đẳng; 310 bác sĩ. Quyết định số 12."
]


def _hits(texts: list[str]) -> list[Hit]:
    return [
        Hit(Chunk(i, "d", "d.txt", "", t, "", 1, 1, None), DocumentMeta(), Ranked(i, 1.0, i, i, 1.0, 0.9))
        for i, t in enumerate(texts)
    ]


def test_a_shorthand_reads_as_the_phrase_the_passages_write_most() -> None:
    reader = Reader({"Cà Mau": "Cà Mau"}, set())
    q = reader.read("tỷ lệ tăng DS tự nhiên năm 2020 của Cà Mau")
    assert read_shorthands(q, _hits(POPULATION)) == {"DS": "dân số"}
    assert "DS (dân số)" in q.expanded and q.expansions["DS"] == "dân số"
    q = reader.read("số DS đại học của Cà Mau")
    assert read_shorthands(q, _hits(STAFF)) == {"DS": "dược sĩ"}  # 3 against the "định số" of "Quyết định số"


def test_no_reading_without_a_clear_one() -> None:
    reader = Reader({"Cà Mau": "Cà Mau"}, set())
    q = reader.read("số DS của Cà Mau")
    tie = ["5 dược sĩ; dân số 1.000.", "3 dược sĩ; dân số 2.000."]
    assert read_shorthands(q, _hits(tie)) == {} and q.expanded == q.text
    q = reader.read("số BHYT của Cà Mau")  # spelled out by the reader already
    assert read_shorthands(q, _hits(POPULATION)) == {}
    q = reader.read("cơ quan nào chủ trì KH phòng chống lao của tỉnh AG")  # a province's initials: a place
    assert read_shorthands(q, _hits(["UBND tỉnh An Giang giao Sở Y tế; tỉnh An Giang, An Giang."])) == {}
