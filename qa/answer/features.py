"""Document-agnostic features of a (question, candidate figure) pair, read by the decision model.

Every feature says how the candidate agrees with the question — words, indicator, unit, kind, year,
province, scope, retrieval — never which document or which row it is, so a model fitted on one corpus's
generated questions applies to documents it never saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qa.answer.candidates import INDICATOR_LOOKUP_SCORE, FigureCandidate
from qa.answer.evidence import Evidence, evidence_words
from qa.answer.understand import Question
from qa.answer.understand.intent import asks_change, times_asked
from qa.extract.indicators import IndicatorMatch
from qa.extract.qualifiers import is_change_reference, value_at
from qa.models import Chunk, Figure
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.text import fold

# Names in the order of the model's coefficients (qa/answer/model.py). Add at the end; retrain.
FIGURE_FEATURES: tuple[str, ...] = (
    "label_coverage",  # IDF share of the question's key words in the figure's indicator label and unit
    "context_coverage",  # … in label, quote, section and the chunk around it
    "rarest_in_context",  # the question's rarest word is where the figure is
    "extra_label_words",  # label words the question does not say, /5, capped at 1
    "indicator_same",  # the question and the figure name the same catalog indicator
    "indicator_other",  # both name one, and they differ
    "indicator_question_score",  # how clearly the question names its indicator
    "indicator_figure_score",  # how clearly the figure's label names its indicator
    "year_asked_match",  # the figure's year is a year the question asks
    "year_not_asked",  # the question asks no year
    "year_mismatch",  # the question asks years and the figure has another
    "year_distance",  # distance to the nearest asked year, /5, capped at 1
    "year_in_evidence",  # the asked year is written in the figure's quote or section, not only inferred
    "kind_match",
    "kind_conflict",
    "kind_unasked_result",  # no kind asked and the figure is a result (actual or estimate)
    "unit_match",  # the kind of number asked (%, money, per population, count) is the figure's
    "unit_conflict",
    "qualified_unasked",  # the figure is narrowed (6 months, a district, a level) in a way the question is not,
    # or the question narrows to a part ("tuyến tỉnh") that the figure does not
    "qualifier_asked",  # the question asks the same narrowing
    "half_year_match",
    "retrieved_rank",  # 1/(1+rank) of its chunk among the hits, 0 when not retrieved
    "lexical_rank",  # 1/(1+rank) in BM25
    "dense_rank",  # 1/(1+rank) in the dense search
    "is_table_value",
    "plan_check_result",  # "có đạt kế hoạch không": a result figure answers it
    "from_reader",  # read from the passage at question time, not extracted at index time
    "plan_share",  # a share of the plan ("% KH", "% kế hoạch") for a question that asks whether the plan was met
    "dense_similarity",  # cosine of the question's and the figure's chunk embeddings (0 when not in the dense top)
)


@dataclass(slots=True)
class QuestionView:
    """What every candidate of one question is compared with, computed once."""

    q: Question
    evidence: Evidence  # how a text covers the question's words
    terms: dict[str, float]
    words: frozenset[str]
    rarest: str | None
    indicator: IndicatorMatch | None
    years: set[int]
    # the parts of the province the question narrows to ("tuyen tinh", "cong lap")
    parts_asked: tuple[str, ...]
    # "tăng bao nhiêu % so với cùng kỳ": a change answers, and its reference is asked
    asks_change: bool = False
    # the folded question without what it compares against ("… có cao hơn cả nước không": not "ca nuoc"), the
    # text a qualifier must be in to be asked
    scope: str = ""


def question_view(q: Question, evidence: Evidence, indicators: list[IndicatorMatch]) -> QuestionView:
    scope = asked_scope(q)
    terms = evidence.key_terms(q)
    if not asks_change(q):
        # "… là bao nhiêu, so với cả nước thế nào": the scope it compares against ("cả nước", "tuyến huyện") is no
        # word the answer's label must hold; its words said elsewhere in the question stay
        compared = _compared_scope_words(q, scope)
        terms = {t: w for t, w in terms.items() if fold(t).lower() not in compared}
    years = set(q.years)
    if q.year_range:
        years |= {q.year_range[1]}
    return QuestionView(
        q,
        evidence,
        terms,
        evidence_words(q.expanded)[0],
        evidence.rarest(terms),
        indicators[0] if indicators else None,
        years,
        tuple(part for part in _PARTS if f" {part} " in _words(scope)),
        asks_change(q),
        scope,
    )


# Words after a comparison cue ("cao hơn cả nước không", "so với tuyến huyện") read as the other side.
COMPARED_WORDS = 3
_WORD_AFTER = re.compile(r"\W*\w+")


def _compared_scope_words(q: Question, scope: str) -> set[str]:
    """The words of the qualifier phrases a question names only on the side it compares against."""
    whole = _words(load_gazetteer().spelled_seats(q.folded.lower()))  # spelled as the scope spells a seat
    asked = _words(scope)
    return {
        w
        for phrase in lexicon().qualifiers
        if f" {phrase} " in whole and f" {phrase} " not in asked
        for w in phrase.split()
        if f" {w} " not in asked
    }


def asked_scope(q: Question) -> str:
    """The folded question without the side it compares against: "… là bao nhiêu, có cao hơn cả nước không"
    asks the province's value, not the national one it names (a comparison question asks both sides)."""
    scope = q.folded.lower()
    two_sides = len(q.named) >= 2 or len(times_asked(q)) >= 2
    if q.qtype == "compare" or two_sides or len(q.cue_text) != len(scope):
        # a comparison asks both its sides (and so does each side read alone, named as typed)
        return load_gazetteer().spelled_seats(scope)
    cues = lexicon().question_cues
    at = 0
    while (m := cues.find("compare", q.cue_text, at)) is not None:
        end = m.end()
        for _ in range(COMPARED_WORDS):
            word = _WORD_AFTER.match(scope, end)
            if word is None or not word.group(0).strip(" ") or "," in word.group(0) or "?" in word.group(0):
                break
            end = word.end()
        scope = scope[: m.start()] + " " * (end - m.start()) + scope[end:]
        at = end
    return load_gazetteer().spelled_seats(scope)  # "tp lai chau" asks what "thanh pho lai chau" narrows to


_PLAN_SHARE = re.compile(r"%\s*(?:kh|ke hoach)\b|\bso voi (?:kh|ke hoach)\b")


# A plan for a year and a target for it are both set ahead of it: "mục tiêu đến năm 2016" asked of a 2015 plan's
# figure for 2016 (read as that year's plan) is no conflict of kinds.
_SET_AHEAD = {"plan", "target"}


def _part_missing(parts_asked: tuple[str, ...], f: Figure) -> bool:
    """The question narrows to a part ("các cơ sở công lập tuyến tỉnh") that the figure neither carries as a
    qualifier nor names in its label or its sentence before it: the whole's value is not the part's. Parts of
    the time are left out (a level stands at a date whatever period the question names)."""
    if not parts_asked:
        return False
    # Its sentence may name the part ahead of it: "tỷ lệ chuyển tuyến nội trú tăng … như: TTYT huyện Yên Dũng
    # (tăng 132,8%)".
    at = value_at(f)
    label = _words(f"{f.indicator} {f.quote[:at] if at > 0 else ''}")
    return any(part not in f.qualifiers and f" {part} " not in label for part in parts_asked)


_NGAY = re.compile(r"\bngay (?=\d)")  # "ngày" before a date, which people leave out
_RULES = lexicon().qualifier_rules
_CUMULATIVE_ASKED = re.compile(
    r"(?<!\w)(?:" + "|".join((*_RULES.cumulative, *_RULES.cumulative_asked)) + r")(?!\w)"
)


def _asked(qualifier: str, v: QuestionView) -> bool:
    """The question narrows as the qualifier does: it says it ("6 thang"), or it asks a change and the qualifier
    is what the change is measured against ("tăng bao nhiêu %" and "so voi cung ky")."""
    return (
        qualifier in v.scope
        or _NGAY.sub("", qualifier) in v.scope  # "tinh den ngay 4/8" asked as "tính đến 4/8/2022"
        or (v.asks_change and is_change_reference(qualifier))
        # a sum so far ("nâng tổng số ca mắc … lên 459") asked as "tổng cộng", "tính đến", "từ đầu năm", "lũy kế"
        or (qualifier in _RULES.cumulative and _CUMULATIVE_ASKED.search(v.scope) is not None)
    )


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", fold(text).lower())) + " "


_PARTS = [q for q in lexicon().qualifiers if q not in lexicon().qualifiers_of_time]


def unit_class(unit: str) -> str:
    u = fold(unit)
    if "%" in u:
        return "percent"
    if "dong" in u:
        return "money"
    if ("/" in u and any(ch.isdigit() for ch in u)) or "‰" in u:
        return "rate"  # per so many people; "‰" is per thousand (a birth or death rate), no count
    return "count" if u else ""


def figure_features(v: QuestionView, c: FigureCandidate, chunk: Chunk | None) -> np.ndarray:
    f, q = c.figure, v.q
    label = f"{f.indicator} {f.unit}"
    context = (label, f.quote, f.section, chunk.text if chunk else "")
    context_cov = v.evidence.coverage(v.terms, *context)
    rarest = 1.0 if v.rarest is None or v.evidence.coverage({v.rarest: 1.0}, *context) > 0 else 0.0
    same = other = 0.0
    # A change is compared by the indicator it changes when the question asks a change.
    indicator_id = f.indicator_id or (c.change_of if v.asks_change else None)
    if v.indicator is not None and indicator_id is not None:
        same = float(v.indicator.indicator.id == indicator_id)
        other = 1.0 - same
    year_match = float(bool(v.years) and f.year in v.years)
    year_mismatch = float(bool(v.years) and f.year is not None and f.year not in v.years)
    distance = min((abs(f.year - y) for y in v.years), default=0) if f.year is not None else 0
    written = f"{f.quote} {f.section} {f.column}"
    in_evidence = float(any(str(y) in written for y in v.years))
    unit = unit_class(f.unit)
    unit_match = float(bool(q.unit_intent) and unit == q.unit_intent)
    unit_conflict = float(bool(q.unit_intent) and bool(unit) and unit != q.unit_intent)
    asked_qualifier = any(_asked(qual, v) for qual in f.qualifiers)
    half = float(
        q.half_year and ("6 thang" in fold(f"{f.quote} {f.section}") or "6 thang dau nam" in f.qualifiers)
    )

    def rr(rank: int | None) -> float:
        return 0.0 if rank is None else 1.0 / (1.0 + rank)

    return np.array(
        [
            v.evidence.coverage(v.terms, label),
            context_cov,
            rarest,
            min(1.0, v.evidence.extra_words(f.indicator, v.words) / 5),
            same,
            other,
            v.indicator.score if v.indicator else 0.0,
            f.indicator_score,
            year_match,
            float(not v.years),
            year_mismatch,
            min(1.0, distance / 5),
            in_evidence,
            float(q.kind is not None and f.kind == q.kind),
            float(
                q.kind is not None
                and f.kind is not None
                and f.kind != q.kind
                and {q.kind, f.kind} != _SET_AHEAD
            ),
            float(q.kind is None and f.kind in ("actual", "estimate")),
            unit_match,
            unit_conflict,
            float(any(not _asked(qual, v) for qual in f.qualifiers) or _part_missing(v.parts_asked, f)),
            float(asked_qualifier),
            half,
            rr(c.hit_rank),
            rr(c.lexical_rank),
            rr(c.dense_rank),
            float(bool(f.column)),
            float(q.plan_check and f.kind == "actual"),
            float(c.from_reader),
            float(q.plan_check and "%" in f.unit and bool(_PLAN_SHARE.search(fold(f.indicator)))),
            c.dense_score or 0.0,
        ],
        dtype=np.float64,
    )


# ---------------------------------------------------------------------- the decision: answer or not

# Features of a question as a whole, for the decision to answer at all (qa/answer/model.py, "decide").
QUESTION_FEATURES: tuple[str, ...] = (
    "indicator_question_score",  # how clearly the question names a catalog indicator
    "indicator_in_province",  # some province-wide value of that indicator exists in the asked provinces (1 if none named)
    "indicator_in_year",  # … for an asked year (1 when no year is asked or no indicator named)
    "unknown_words",  # question words no document has, /3, capped at 1
    "asks_year",
)
# Columns of the best candidate the decision also reads.
FIGURE_DECISION_COLUMNS = (
    "dense_similarity",
    "label_coverage",
    "context_coverage",
    "rarest_in_context",
    "extra_label_words",  # the label says what the question does not ask ("ca tử vong" for "số ca tay chân miệng")
    "indicator_same",
    "indicator_other",
    "year_asked_match",
    "year_mismatch",
    "kind_conflict",
    "unit_conflict",
    "qualified_unasked",
    "from_reader",
)
PASSAGE_DECISION_COLUMNS = (
    "dense_similarity",
    "sentence_coverage",
    "chunk_coverage",
    "section_coverage",
    "rarest_in_sentence",
    "rarest_in_chunk",
    "year_absent",
)
RANKING_SUMMARY = ("best_probability", "second_probability", "margin", "candidates")


def decision_feature_names(columns: tuple[str, ...]) -> tuple[str, ...]:
    return (*RANKING_SUMMARY, *(f"best_{c}" for c in columns), *QUESTION_FEATURES)


def question_context(
    v: QuestionView,
    evidence: Evidence,
    figures_by_indicator: dict[str, list[Figure]],
    provinces: set[str] | None,
) -> np.ndarray:
    indicator = v.indicator.indicator.id if v.indicator else None
    asked = v.scope
    values = [  # values of the indicator the question may be answered by: province-wide, or narrowed as asked
        f
        for f in figures_by_indicator.get(indicator or "", [])
        if all(qual in asked for qual in f.qualifiers) and (not provinces or (f.province or "") in provinces)
    ]
    named = indicator is not None and v.indicator is not None and v.indicator.score >= INDICATOR_LOOKUP_SCORE
    return np.array(
        [
            v.indicator.score if v.indicator else 0.0,
            float(not named or bool(values)),
            float(not named or not v.years or any(f.year in v.years for f in values)),
            min(1.0, len(evidence.unknown_terms(v.terms)) / 3),
            float(bool(v.years)),
        ],
        dtype=np.float64,
    )


# A candidate the question itself rules out where the best does not is no rival of the best: "tuyến huyện
# 621.826 lượt" beside "tuyến tỉnh 326.601 lượt" for a question about tuyến tỉnh.
_RIVAL_CONFLICTS = ("qualified_unasked",)


def _excluded_rival(candidate: np.ndarray, best: np.ndarray, names: tuple[str, ...]) -> bool:
    return any(
        c in names and candidate[names.index(c)] > 0 and best[names.index(c)] == 0 for c in _RIVAL_CONFLICTS
    )


def counted_named(v: QuestionView, cands: list[FigureCandidate]) -> np.ndarray:
    """Per candidate: how many of the words naming what the question counts ("bao nhiêu cán bộ viên chức")
    its label and unit say, in order from the first ("86 cán bộ viên chức": 4; "48 cán bộ kiêm nhiệm": 2;
    "quy mô 150 giường bệnh": 0). A candidate that names less of it than the best does is no rival of the
    best (``decision_features``): a row's counts of other things do not make the asked count uncertain."""
    words = v.q.counted
    named = np.zeros(len(cands), dtype=np.int64)
    if not words:
        return named
    for k, c in enumerate(cands):
        said = _words(f"{c.figure.indicator} {c.figure.unit}")
        named[k] = next((n for n in range(len(words), 0, -1) if f" {' '.join(words[:n])} " in said), 0)
    return named


@dataclass(frozen=True, slots=True)
class Rivalry:
    """What tells, beyond the features, whether a candidate rivals the best one of a figure question."""

    named: np.ndarray  # per candidate: how much of the thing counted it names (``counted_named``)
    answers: tuple[tuple[float, str], ...]  # per candidate: its value and kind of number


def rivalry(v: QuestionView, cands: list[FigureCandidate]) -> Rivalry:
    return Rivalry(counted_named(v, cands), tuple((c.figure.value, unit_class(c.figure.unit)) for c in cands))


def _no_rival(rivals: Rivalry, i: int, best: int) -> bool:
    """A candidate that names less of the thing counted than the best, or gives the same answer (the one value
    read from a sentence and from a table), does not make the best unsure."""
    return bool(rivals.named[i] < rivals.named[best]) or rivals.answers[i] == rivals.answers[best]


def decision_features(
    probabilities: np.ndarray,
    x: np.ndarray,
    names: tuple[str, ...],
    columns: tuple[str, ...],
    context: np.ndarray,
    rivalry: Rivalry | None = None,
) -> np.ndarray:
    """One row for a question: how sure the ranking is, what its best candidate agrees on, what the question is.

    ``rivalry`` (figure decisions): what else rules a candidate out as the best's rival (``_no_rival``)."""
    order = np.argsort(-probabilities)
    p1 = float(probabilities[order[0]]) if len(order) else 0.0
    best = x[order[0]] if len(order) else np.zeros(len(names))
    rivals = [
        i
        for i in order[1:]
        if not _excluded_rival(x[i], best, names)
        and not (rivalry is not None and _no_rival(rivalry, i, order[0]))
    ]
    p2 = float(probabilities[rivals[0]]) if rivals else 0.0
    picked = [best[names.index(c)] for c in columns]
    return np.array([p1, p2, p1 - p2, np.log1p(len(order)) / 5, *picked, *context], dtype=np.float64)
