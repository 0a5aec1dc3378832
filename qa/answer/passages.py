"""Sentences as answers: candidates from the retrieved chunks and the features the passage model reads.

The same features judge a regulation entry (its subject clause and quote) and any sentence: how much of the
question they cover, whether the question's rarest word is there, whether the asked year is, how high
retrieval put them, and how many of the question's words no document has at all.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from qa.answer.evidence import Evidence
from qa.answer.features import QuestionView
from qa.retrieval.engine import Hit
from qa.vn.sentences import NOT_A_SHORTHAND_PERIOD
from qa.vn.text import collapse_ws, strip_tags
from qa.vn.years import YEAR

# Chunks whose sentences are candidates: the first four hold the evidence of nearly every passage question.
SENTENCE_HITS = 4
MIN_SENTENCE_CHARS = 12

PASSAGE_FEATURES: tuple[str, ...] = (
    "sentence_coverage",  # IDF share of the question's key words in the sentence
    "chunk_coverage",  # … in the sentence's chunk with its section path and document title
    "section_coverage",  # … in the section path alone ("Khó khăn, hạn chế")
    "rarest_in_sentence",
    "rarest_in_chunk",
    "unknown_words",  # question words no document has, /3, capped at 1
    "retrieved_rank",  # 1/(1+rank) of the chunk
    "lexical_rank",
    "dense_rank",
    "year_in_chunk",  # an asked year is written in the chunk, its section or its document title
    "year_absent",  # years are asked and none is there
    "sentence_length",  # log of the sentence's words, /4
    "dense_similarity",  # cosine of the question's and the chunk's embeddings (0 when not in the dense top)
)


@dataclass(slots=True)
class SentenceCandidate:
    text: str
    hit: Hit
    rank: int


# A sentence mark before a capital or a list item, or a line break, ends a passage sentence. A dash inside a line
# does not: it joins a name ("Chi cục Dân số - KHHGĐ tỉnh", "Bà Rịa - Vũng Tàu") or a title to a person ("Ông
# Nguyễn Văn A - Phó Chủ tịch UBND tỉnh"); a list's dashes follow a mark or open a line.
_SENTENCE_BREAK = re.compile(rf"(?<=[.;:!?]){NOT_A_SHORTHAND_PERIOD}\s+(?=[A-ZĐÀ-Ỹ\-+*])|\n+")


def split_sentences(text: str) -> list[str]:
    text = strip_tags(text)
    parts = _SENTENCE_BREAK.split(text)
    return [collapse_ws(p) for p in parts if len(collapse_ws(p)) >= MIN_SENTENCE_CHARS]


def sentence_candidates(hits: list[Hit]) -> list[SentenceCandidate]:
    return [
        SentenceCandidate(s, h, rank)
        for rank, h in enumerate(hits[:SENTENCE_HITS])
        for s in split_sentences(h.chunk.text)
    ]


def passage_features(
    v: QuestionView, evidence: Evidence, text: str, hit: Hit, rank: int | None
) -> np.ndarray:
    chunk_text = (hit.doc.title, hit.chunk.section, hit.chunk.index_text)
    rarest = {v.rarest: 1.0} if v.rarest else {}
    written = " ".join((*chunk_text, hit.doc.date or ""))
    year_there = any(str(y) in written for y in v.years)

    def rr(r: int | None) -> float:
        return 0.0 if r is None else 1.0 / (1.0 + r)

    return np.array(
        [
            evidence.coverage(v.terms, text),
            evidence.coverage(v.terms, *chunk_text),
            evidence.coverage(v.terms, hit.chunk.section),
            float(not rarest or evidence.coverage(rarest, text) > 0),
            float(not rarest or evidence.coverage(rarest, *chunk_text) > 0),
            min(1.0, len(evidence.unknown_terms(v.terms)) / 3),
            rr(rank),
            rr(hit.ranked.lexical_rank),
            rr(hit.ranked.dense_rank),
            float(year_there),
            float(bool(v.years) and not year_there),
            min(1.0, math.log1p(len(text.split())) / 4),
            hit.ranked.dense_score or 0.0,
        ],
        dtype=np.float64,
    )


_NUMBER_WRITTEN = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR_ALONE = re.compile(rf"^{YEAR}$")


def states_a_number(text: str) -> bool:
    """Whether a sentence states a number other than a year ("năm 2023" alone says when, not how many)."""
    return any(not _YEAR_ALONE.match(n) for n in _NUMBER_WRITTEN.findall(text))
