"""Understanding a question: province, year, plan/actual intent, số hiệu, question type, typos."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import FigureKind, lexicon
from qa.vn.so_hieu import NUMBER_ANY_CASE_RE, number_key
from qa.vn.text import fold, nfc
from qa.vn.years import YEAR_RE

_HALF_RE = re.compile(r"6\s*tháng\s*(?:đầu\s*)?(?:năm)?", re.I)

# Intent cues on the accented question ("đặt" sets a plan, "đạt" reports a result: they fold alike).
# The earliest cue wins; at one position the longest ("đặt mục tiêu" over "đặt").
_KIND_CUE_ORDER: tuple[FigureKind, ...] = (
    "estimate",
    "target",
    "plan",
    "actual",
)  # at one position and length, the first wins
_KIND_CUES: list[tuple[str, str]] = [
    ("|".join(lexicon().figure_kinds[kind].question_cues), kind) for kind in _KIND_CUE_ORDER
]
_KIND_CUES_FOLDED = [(fold(p), k) for p, k in _KIND_CUES if fold(p) != "dat"]
_REGULATION_CUES = re.compile(
    r"\b(quyet dinh|nghi dinh|nghi quyet|thong tu|chi thi|van ban|ke hoach so|cong van|qd|nd)\b.*"
    r"\b(nao|gi|so may|so bao nhieu|noi dung gi|ve viec gi)\b"
    r"|\btheo (quyet dinh|nghi dinh|nghi quyet|van ban|thong tu) nao\b"
    r"|\b(duoc|da) phe duyet tai\b|\bphe duyet (noi dung )?gi\b|\bban hanh .* (nao|so may)\b"
)
_COMPARE_CUES = re.compile(
    r"\b(so voi|cao hon|thap hon|nhieu hon|it hon|hay|chenh lech|khac nhau|nhung tinh nao|tinh nao)\b"
)
_FIGURE_CUES = re.compile(
    r"^so (?!voi|y te)|\| so |\b(bao nhieu|so luong|ty le|ti le|ty suat|ti suat|ty so|ti so|la may|muc|so ca|so luot|so nguoi|tong so|so giuong|so bac si|dat ty le)\b"
)
ABBREVIATIONS = lexicon().abbreviations


@dataclass(slots=True)
class ParsedQuestion:
    text: str  # NFC, typos corrected
    original: str
    folded: str
    provinces: list[str] = field(default_factory=list)  # named or implied, in order of appearance
    unknown_provinces: list[str] = field(default_factory=list)  # named but with no document in the index
    years: list[int] = field(default_factory=list)
    half_year: bool = False
    kind: str | None = None  # plan | actual | estimate | target
    numbers: list[str] = field(default_factory=list)  # số hiệu, normalised
    qtype: str = "passage"  # figure | passage | regulation | compare
    explanatory: bool = False  # "vì sao", "là gì", "như thế nào": wants sentences, not a number
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def expanded(self) -> str:
        """The question with abbreviations spelled out (for matching indicators)."""
        words = self.text.split()
        return " ".join(ABBREVIATIONS.get(w.lower().strip(",.?;:"), w) for w in words)


def detect_kind(text: str) -> str | None:
    lowered = nfc(text).lower()
    accented = fold(lowered) != lowered
    cues = _KIND_CUES if accented else _KIND_CUES_FOLDED
    source = lowered if accented else fold(lowered)
    best: tuple[int, int, str] | None = None
    for pattern, kind in cues:
        for m in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", source):
            key = (m.start(), -len(m.group(0)))
            if best is None or key < best[:2]:
                best = (key[0], key[1], kind)
    return best[2] if best else None


def parse_question(
    question: str, known_provinces: list[str], vocabulary: set[str] | None = None
) -> ParsedQuestion:
    text = nfc(question).strip()
    corrections: dict[str, str] = {}
    if vocabulary:
        text, corrections = correct_typos(text, vocabulary)
    folded = fold(text)
    gaz = load_gazetteer()
    known = {fold(p) for p in known_provinces}
    named = list(gaz.province_mentions(text))
    implied = [p for p in gaz.implied_provinces(text) if p not in named]
    provinces = [p for p in named + implied if fold(p) in known]
    unknown = [p for p in named if fold(p) not in known]
    numbers = [number_key(m.group(0)) for m in NUMBER_ANY_CASE_RE.finditer(text)]
    years = [
        int(y) for y in YEAR_RE.findall(NUMBER_ANY_CASE_RE.sub(" ", text))
    ]  # not the 2021 of 60/2021/NĐ-CP
    pq = ParsedQuestion(
        text=text,
        original=question,
        folded=folded,
        provinces=provinces,
        unknown_provinces=unknown,
        years=years,
        half_year=bool(_HALF_RE.search(text)),
        kind=detect_kind(text),
        numbers=numbers,
        corrections=corrections,
    )
    pq.explanatory = bool(_PASSAGE_CUES.search(folded))
    pq.qtype = question_type(pq)
    return pq


_PASSAGE_CUES = re.compile(
    r"\b(vi sao|tai sao|nguyen nhan|la gi|nhu the nao|the nao|nhung gi|ra sao|han che|kho khan)\b"
)


def question_type(pq: ParsedQuestion) -> str:
    f = pq.folded
    if len(pq.provinces) + len(pq.unknown_provinces) >= 2 or (
        _COMPARE_CUES.search(f) and len(set(pq.years)) >= 2
    ):
        return "compare"
    if re.search(r"\bnhung tinh nao\b|\btinh nao\b", f):
        return "compare"
    if _REGULATION_CUES.search(f) or (pq.numbers and not _FIGURE_CUES.search(f)):
        return "regulation"
    if _FIGURE_CUES.search(f) and not _PASSAGE_CUES.search(f):
        return "figure"
    return "passage"


def correct_typos(text: str, vocabulary: set[str]) -> tuple[str, dict[str, str]]:
    """Replace words unknown to the corpus by the closest known word at edit distance 1 (folded)."""
    corrections: dict[str, str] = {}
    choices = list(vocabulary)

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        key = fold(word)
        if len(key) < 4 or key in vocabulary or word.isupper():
            return word
        # OSA counts a swap of two letters ("Gaing") as one edit.
        found = process.extractOne(key, choices, scorer=OSA.distance, score_cutoff=1)
        if found is None:
            return word
        corrections[word] = found[0]
        return found[0]

    return re.sub(r"[^\W\d_]+", fix, text), corrections
