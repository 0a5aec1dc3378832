"""Candidate answers for a question: figures of the retrieved passages and of the asked indicator.

No step scans every figure of the index: figures are looked up by the chunks retrieval returned and by the
catalog indicator the question names (``Engine.figures_by_chunk`` / ``figures_by_indicator``).
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.extract.indicators import IndicatorMatch
from qa.extract.qualifiers import is_change_reference
from qa.models import Figure
from qa.retrieval.engine import Engine, Hit

# Retrieved chunks whose figures are candidates: the evidence is in the top 5 for 97% of questions
# (hit@5 on dev and on the unseen documents); 10 leaves room for the table rows beside it.
CANDIDATE_HITS = 10
# The question must name a catalog indicator this clearly for its other values to become candidates.
INDICATOR_LOOKUP_SCORE = 0.6


@dataclass(slots=True)
class FigureCandidate:
    figure: Figure
    hit_rank: int | None  # rank of its chunk among the hits, None when only the indicator brought it
    lexical_rank: int | None
    dense_rank: int | None
    from_reader: bool = False  # read from the passage at question time (qa/answer/reader.py), not indexed
    dense_score: float | None = None  # cosine of the question and its chunk, when the dense search found it
    # a change ("tăng 114,3% so với cùng kỳ"): the indicator of the value it changes
    change_of: str | None = None


def _key(f: Figure) -> tuple[str, int, str, str, int | None]:
    return f.doc_id, f.line, f.value_text, f.column, f.year


def figure_candidates(
    hits: list[Hit],
    engine: Engine,
    indicators: list[IndicatorMatch],
    provinces: set[str] | None,
    hidden: Figure | None = None,
) -> list[FigureCandidate]:
    """Figures of the top hits, then every value of the named indicator in the asked provinces.

    ``hidden`` leaves one indexed figure out, as if extraction had missed it (training the reader).
    """
    out: dict[tuple[str, int, str, str, int | None], FigureCandidate] = {}

    def allowed(f: Figure) -> bool:
        return f is not hidden and (not provinces or (f.province or "") in provinces)

    for rank, hit in enumerate(hits[:CANDIDATE_HITS]):
        for f in engine.figures_by_chunk.get(hit.chunk.chunk_id, []):
            if allowed(f) and _key(f) not in out:
                out[_key(f)] = FigureCandidate(
                    f,
                    rank,
                    hit.ranked.lexical_rank,
                    hit.ranked.dense_rank,
                    dense_score=hit.ranked.dense_score,
                )
    for match in indicators:
        if match.score < INDICATOR_LOOKUP_SCORE:
            continue
        for f in engine.figures_by_indicator.get(match.indicator.id, []):
            if allowed(f) and _key(f) not in out:
                out[_key(f)] = FigureCandidate(f, None, None, None)
    cands = list(out.values())
    for c in cands:
        c.change_of = _changed_indicator(c.figure, engine)
    return cands


def _changed_indicator(f: Figure, engine: Engine) -> str | None:
    """The catalog indicator of the value a change changes: the change is left unmapped at index time (it is
    no value of the indicator), the value of its row it refers to is mapped ("1603 ca" beside "tăng 114,3% so
    với cùng kỳ")."""
    if f.indicator_id is not None or not any(is_change_reference(q) for q in f.qualifiers) or not f.row_key:
        return None
    return next(
        (
            s.indicator_id
            for s in engine.figures_by_row.get(f.row_key, [])
            if s.indicator_id is not None and not any(is_change_reference(q) for q in s.qualifiers)
        ),
        None,
    )
