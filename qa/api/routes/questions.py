"""Questions: `POST /ask` (answer, citations, figures) and `POST /search` (ranked passages).

`/ask` completes the answer step's result with what the route layer can tell without knowing how the
answer was made: which citations the text cites (`used`, from its [n] markers), the column header of a
cited table row, the Vietnamese label of each figure's kind, and — until the answer step reports it —
a plain `understood` read from the question it answered. With `conversation`, the answer is saved.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends

from qa.answer.answerer import figure_dict
from qa.api.deps import OPTIONAL_KEY, Services, get_live, get_services, history_owner
from qa.api.errors import error_responses
from qa.api.live import Live
from qa.api.schemas import (
    AskRequest,
    AskResponse,
    SearchFilters,
    SearchRequest,
    SearchResponse,
)
from qa.ingest.chunking import row_header
from qa.retrieval.engine import Filters, Hit
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.so_hieu import NUMBER_ANY_CASE_RE
from qa.vn.text import fold, nfc
from qa.vn.tokens import syllables
from qa.vn.years import YEAR_RE

_CITED = re.compile(r"\[(\d{1,3})\]")
_WORD = re.compile(r"[^\W_]+")
# A refusal's best related passage offers its figures as "nearest data" only when it is a table row whose
# indicator the question names: at least this share of the indicator's syllables (accents folded) occur in
# the question. Measured on the 5 refusals of eval/dev.jsonl whose first related passage is a table row,
# plus 2 refusals for uncovered years: the row was the asked indicator every time, sharing 0.38-1.0
# ("Số giường bệnh công lập/10.000 dân (bao gồm …)" 0.38, "Số bác sỹ/10.000 người dân" 0.67); 0.35 keeps
# them all and drops a row that shares only a word or two with the question.
NEAREST_INDICATOR_SHARE = 0.35


def _filters(f: SearchFilters) -> Filters:
    return Filters(province=f.province, year=f.year, doc_ids=f.doc_ids)


def _hit(h: Hit) -> dict[str, Any]:
    c, r = h.chunk, h.ranked
    return {
        "chunk_id": c.chunk_id,
        "doc_id": c.doc_id,
        "source": c.source,
        "title": h.doc.title,
        "province": h.doc.province,
        "current_province": h.doc.current_province,
        "section": c.section,
        "text": c.text,
        "start_line": c.start_line,
        "end_line": c.end_line,
        "page": c.page,
        "score": round(r.score, 4),
        "lexical_rank": r.lexical_rank,
        "dense_rank": r.dense_rank,
    }


# ---------------------------------------------------------------------- what the route adds to an answer


def _complete_citations(result: dict[str, Any], live: Live) -> None:
    cited = {int(n) for n in _CITED.findall(result.get("answer") or "")}
    for c in result.get("citations") or []:
        c.setdefault("used", c["id"] in cited)
        if "header" not in c:
            chunk = live.engine.chunks.get(c.get("chunk_id", -1))
            c["header"] = row_header(chunk) if chunk is not None else None


def _complete_figures(result: dict[str, Any]) -> None:
    for f in [*(result.get("figures") or []), *(result.get("nearest") or [])]:
        f.setdefault("kind_label", lexicon().kind_label(f.get("kind")) or None)


def _nearest(result: dict[str, Any], live: Live, question: str) -> list[dict[str, Any]]:
    """Until the answer step reports `nearest`: on a refusal, the figures of the first related passage
    when it is a table row of the indicator the question names (same indicator, another year or
    province: the reason the answer refused). Each points at that passage (`citation`)."""
    citations = result.get("citations") or []
    if not result.get("abstained") or not citations:
        return []
    first = citations[0]
    chunk = live.engine.chunks.get(first.get("chunk_id", -1))
    if chunk is None or chunk.kind != "table_row":
        return []
    asked = set(syllables(fold(question)))
    found = []
    for f in live.engine.figures:
        if f.chunk_id != chunk.chunk_id:
            continue
        named = set(syllables(fold(f.indicator)))
        if named and len(named & asked) / len(named) >= NEAREST_INDICATOR_SHARE:
            found.append({**figure_dict(f), "citation": first["id"]})
    return found


def _corrections(asked: str, understood: str) -> dict[str, str]:
    """Words the answer step replaced (spelling fixes), when the two questions align word for word."""
    typed, used = _WORD.findall(nfc(asked)), _WORD.findall(understood)
    if len(typed) != len(used):
        return {}
    return {a: b for a, b in zip(typed, used, strict=True) if fold(a) != fold(b)}


def _provinces(text: str) -> list[str]:
    gaz = load_gazetteer()
    named = list(gaz.province_mentions(text))
    return named + [p for p in gaz.implied_provinces(text) if p not in named]


def _filter_note(
    body: AskRequest, provinces: list[str], years: list[int], result: dict[str, Any]
) -> str | None:
    """Say so when the sidebar filter and the question disagree, and whether the answer kept to the filter
    (read from the provinces of the passages it cites)."""
    f, notes = body.filters, []
    if f.province and provinces and all(fold(p) != fold(f.province) for p in provinces):
        notes.append(f"câu hỏi nói về {', '.join(provinces)} nhưng bộ lọc đang chọn tỉnh {f.province}")
    if f.year and years and f.year not in years:
        notes.append(f"câu hỏi nói về năm {', '.join(map(str, years))} nhưng bộ lọc đang chọn năm {f.year}")
    if not notes:
        return None
    used = [c for c in result.get("citations") or [] if c.get("used")]
    outside = sorted(
        {
            c["province"]
            for c in used
            if f.province and c.get("province") and fold(c["province"]) != fold(f.province)
        }
    )
    if outside:
        tail = (
            f"Câu trả lời dưới đây dùng tài liệu của {', '.join(outside)}, không theo bộ lọc: hãy đổi hoặc bỏ "
            "bộ lọc, hoặc sửa câu hỏi."
        )
    else:
        tail = "Tài liệu được tìm theo bộ lọc."
    return "Lưu ý: " + "; ".join(notes) + ". " + tail


def _understood(result: dict[str, Any], body: AskRequest) -> dict[str, Any]:
    """What the question was read as, from the text the answer step answered (`question`)."""
    question = nfc(result.get("question") or body.question).strip()
    follow_up = bool(body.history) and len(_WORD.findall(question)) != len(_WORD.findall(body.question))
    provinces = _provinces(question)
    years = [int(y) for y in YEAR_RE.findall(NUMBER_ANY_CASE_RE.sub(" ", question))]
    return {
        "question": question,
        # Named in the question; else the filter's, which then is the whole scope.
        "provinces": provinces or ([body.filters.province] if body.filters.province else []),
        "years": years or ([body.filters.year] if body.filters.year else []),
        "kind": None,  # the answer step's reading; not guessed here
        "corrections": {} if follow_up else _corrections(body.question, question),
        "follow_up": follow_up,
        "filter_note": _filter_note(body, provinces, years, result),
    }


# ---------------------------------------------------------------------- questions (read)

router = APIRouter(tags=["hỏi đáp"])


@router.post(
    "/ask",
    response_model=AskResponse,
    responses=error_responses(400, 413, 422, 503),
    summary="Hỏi một câu, nhận câu trả lời có trích dẫn và số liệu",
)
def ask(
    body: AskRequest,
    live: Live = Depends(get_live),
    services: Services = Depends(get_services),
    key: str | None = OPTIONAL_KEY,
) -> dict[str, Any]:
    history = [turn.model_dump() for turn in body.history or []]
    result = live.answerer.ask(body.question, body.top_k, _filters(body.filters), history)
    _complete_citations(result, live)
    if not result.get("understood"):
        result["understood"] = _understood(result, body)
    if "nearest" not in result:
        result["nearest"] = _nearest(result, live, result["understood"]["question"])
    _complete_figures(result)
    if body.conversation is not None:
        owner = history_owner(services, key, body.conversation.owner)
        saved = services.answers.save(
            owner,
            body.conversation.id,
            body.question,
            body.filters.model_dump(exclude_none=True),
            AskResponse.model_validate(result).model_dump(mode="json"),
        )
        result["answer_id"] = saved.answer_id
    return result


@router.post(
    "/search",
    response_model=SearchResponse,
    responses=error_responses(400, 413, 422, 503),
    summary="Tìm các đoạn liên quan (xếp hạng lai BM25 + dense)",
)
def search(body: SearchRequest, live: Live = Depends(get_live)) -> dict[str, Any]:
    return {"hits": [_hit(h) for h in live.engine.search(body.query, body.top_k, _filters(body.filters))]}
