"""`GET /provinces`: the provincial units as they are now, each with the former units it absorbed, how many
documents each has, and the `filters.province` value that selects it (the web interface's province filter)."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Depends, Query

from qa.api.deps import Services, get_services
from qa.api.errors import error_responses
from qa.api.schemas import FormerProvinceOut, ProvinceOut, ProvincesResponse
from qa.retrieval.lookup import former_filter
from qa.vn.gazetteer import load_gazetteer

router = APIRouter(tags=["tài liệu"])


@router.get(
    "/provinces",
    response_model=ProvincesResponse,
    responses=error_responses(422),
    summary="Đơn vị hành chính cấp tỉnh hiện nay, các tỉnh cũ đã sáp nhập và số tài liệu của mỗi tỉnh",
)
def provinces(
    with_documents: bool = Query(False, description="Chỉ các đơn vị (và tỉnh cũ) có tài liệu trong kho"),
    services: Services = Depends(get_services),
) -> ProvincesResponse:
    gaz = load_gazetteer()
    live = services.live.current
    # Documents name the province of their time: a former unit, or a current one after the merger.
    counts = Counter(m.province for m in live.engine.docs.values() if m.province) if live else Counter()
    out = []
    for unit in gaz.current.values():
        former = [
            FormerProvinceOut(
                name=name,
                full_name=gaz.former[name].full_name,
                filter=former_filter(name),
                documents=counts[name],
            )
            for name in unit.former
        ]
        total = sum(f.documents for f in former)
        if with_documents and not total:
            continue
        out.append(
            ProvinceOut(
                name=unit.name,
                full_name=unit.full_name,
                filter=unit.name,
                documents=total,
                former=[f for f in former if f.documents or not with_documents],
            )
        )
    return ProvincesResponse(effective=gaz.effective.isoformat(), provinces=out)
