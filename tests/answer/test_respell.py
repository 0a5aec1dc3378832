"""Real-word typing slips read the way the retrieved passages write them (qa/answer/respell.py)."""

from __future__ import annotations

import pytest
from test_understand import KNOWN, VOCABULARY

from qa.answer.respell import respell_by_evidence
from qa.answer.understand import Reader
from qa.extract.abbreviations import Abbreviations
from qa.models import Chunk, DocumentMeta
from qa.retrieval.engine import Hit
from qa.retrieval.fusion import Ranked

PASSAGES = [
    "- Một số khó khăn vướng mắc trong thanh toán BHYT tại các cơ sở KCB như công tác giám định.",
    "- Phối hợp Sở Y tế kịp thời rà soát, điều chỉnh số lượng y tế áp, khu phố kiêm thêm chức năng.",
    "Bệnh viện Phổi tỉnh Sơn La có 86 cán bộ viên chức; công tác vệ sinh môi trường. Tăng cường công tác kiểm tra.",
]


def _hits(texts: list[str]) -> list[Hit]:
    return [
        Hit(Chunk(i, "d", "d.txt", "", t, "", 1, 1, None), DocumentMeta(), Ranked(i, 1.0, i, i, 1.0, 0.9))
        for i, t in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(KNOWN, VOCABULARY, Abbreviations(by_initials={}))


@pytest.mark.parametrize(
    "question,read",
    [
        ("Ngành y tế Hà Nam gặp vướng mắt gì trong thanh toán BHYT?", {"mắt": "mắc"}),  # the question slips
        ("rà soát số lượng y tế ấp, khu phố", {"ấp": "áp"}),  # the document slips
        (
            "Bệnh viên Phổi Sơn La có bao nhiêu cán bộ?",
            {"viên": "viện"},
        ),  # "viên" is in the passages: accents only
        ("công tấc kiểm tra", {"tấc": "tác"}),
    ],
)
def test_a_slip_is_read_as_the_passages_write_it(reader: Reader, question: str, read: dict[str, str]) -> None:
    q = reader.read(question)
    assert respell_by_evidence(q, _hits(PASSAGES)) == read
    assert (
        all(fixed in q.expanded.lower() for fixed in read.values()) and q.corrections.items() >= read.items()
    )


@pytest.mark.parametrize(
    "question",
    [
        "số cán bộ viên chức của Sơn La",  # every word stands where the passages put it
        "bàn tấc kiểm tra",  # "tác kiểm" is there, "bàn tác" nowhere: a reading must fit both neighbours
        "vuong mat trong thanh toan",  # typed without accents: already read as any accenting
        "Bắc Giang cũ có bao nhiêu cán bộ",  # a cue ("cũ") and a place name are read by the question reader
    ],
)
def test_no_reading_without_both_neighbours_or_for_cues(reader: Reader, question: str) -> None:
    q = reader.read(question)
    expanded = q.expanded
    assert respell_by_evidence(q, _hits(PASSAGES)) == {} and q.expanded == expanded
