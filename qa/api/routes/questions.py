"""Questions: `POST /ask` (answer, citations, figures) and `POST /search` (ranked passages).

`/ask` serves the answer step's typed Answer as it is; with `conversation`, the answer is also saved
(history, share links) and gets an `answer_id`.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from qa.answer import Answer
from qa.answer.types import Passage
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
from qa.retrieval.engine import Filters
from qa.retrieval.lookup import province_scope


def _filters(f: SearchFilters) -> Filters:
    return Filters(province=f.province, year=f.year, doc_ids=f.doc_ids)


def _search_filters(f: SearchFilters) -> Filters:
    """The search's filters: a current unit covers its former provinces' documents ("Bắc Ninh" finds former
    Bắc Giang's plan), as `/ask` reads it; the answer step reads the province itself, so `/ask` keeps `_filters`."""
    provinces = sorted(province_scope(f.province)) if f.province else None
    return Filters(year=f.year, doc_ids=f.doc_ids, provinces=provinces)


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
) -> Answer:
    history = [turn.model_dump() for turn in body.history or []]
    answer = live.answerer.ask(body.question, body.top_k, _filters(body.filters), history)
    if body.conversation is not None:
        owner = history_owner(services, key, body.conversation.owner)
        saved = services.answers.save(
            owner,
            body.conversation.id,
            body.question,
            body.filters.model_dump(exclude_none=True),
            answer.model_dump(mode="json"),
        )
        answer.answer_id = saved.answer_id
    return answer


@router.post(
    "/search",
    response_model=SearchResponse,
    responses=error_responses(400, 413, 422, 503),
    summary="Tìm các đoạn liên quan (xếp hạng lai BM25 + dense)",
)
def search(body: SearchRequest, live: Live = Depends(get_live)) -> SearchResponse:
    hits = live.engine.search(body.query, body.top_k, _search_filters(body.filters))
    return SearchResponse(hits=[Passage.of_hit(h) for h in hits])
