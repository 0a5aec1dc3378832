"""`GET /indicators` (the catalog with how many values exist) and `GET /indicators/{id}/values`."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi import Path as PathParam

from qa.answer import FigureAnswer
from qa.api.deps import get_live
from qa.api.errors import error_responses
from qa.api.live import Live
from qa.api.schemas import IndicatorOut, IndicatorsResponse, IndicatorValuesResponse
from qa.extract.indicators import Indicator, load_catalog
from qa.retrieval.lookup import indicator_values
from qa.vn.lexicon import FigureKind
from qa.vn.text import fold

router = APIRouter(tags=["chỉ tiêu"])


def _indicator(live: Live, ind: Indicator) -> IndicatorOut:
    values = indicator_values(live.engine.figures_by_indicator.get(ind.id, []))
    return IndicatorOut(
        id=ind.id,
        name=ind.name,
        group=ind.group,
        group_name=load_catalog().groups.get(ind.group, ind.group),
        unit=ind.unit,
        denominator=ind.denominator,
        measure=ind.measure,
        higher_is_better=ind.higher_is_better,
        values=len(values),
        provinces=sorted({f.province for f in values if f.province}),
    )


@router.get(
    "/indicators",
    response_model=IndicatorsResponse,
    responses=error_responses(422, 503),
    summary="Danh mục chỉ tiêu y tế chuẩn và số giá trị có trong tài liệu",
)
def indicators(
    q: str | None = Query(None, max_length=200, description="Từ khoá tên chỉ tiêu", examples=["bác sĩ"]),
    group: str | None = Query(None, max_length=50, description="Nhóm chỉ tiêu", examples=["nhan_luc"]),
    with_values: bool = Query(False, description="Chỉ các chỉ tiêu có ít nhất một giá trị"),
    live: Live = Depends(get_live),
) -> IndicatorsResponse:
    catalog = load_catalog()
    chosen = [i for i in catalog.indicators.values() if group is None or i.group == group]
    if q:
        matched = {m.indicator.id for m in catalog.match(q, limit=20, whole_text=False)}
        chosen = [i for i in chosen if i.id in matched or fold(q) in fold(i.name)]
    out = [_indicator(live, i) for i in chosen]
    return IndicatorsResponse(indicators=[i for i in out if i.values or not with_values])


@router.get(
    "/indicators/{indicator_id}/values",
    response_model=IndicatorValuesResponse,
    responses=error_responses(404, 422, 503),
    summary="Giá trị của một chỉ tiêu theo tỉnh, năm, loại",
)
def values(
    indicator_id: str = PathParam(max_length=100, examples=["hospital_beds_per_10k"]),
    province: str | None = Query(
        None, max_length=100, description="Tỉnh (tên cũ hoặc đơn vị hiện nay)", examples=["Bắc Ninh"]
    ),
    year: int | None = Query(None, ge=1900, le=2100, examples=[2024]),
    kind: FigureKind | None = Query(None, description="plan | actual | estimate | target"),
    group_by: Literal["former", "current"] = Query(
        "former", description="Nhóm theo tỉnh cũ hay đơn vị hiện nay"
    ),
    include_qualified: bool = Query(False, description="Gồm cả giá trị của một phần (tuyến, huyện, 6 tháng)"),
    live: Live = Depends(get_live),
) -> IndicatorValuesResponse:
    ind = load_catalog().indicators.get(indicator_id)
    if ind is None:
        raise HTTPException(404, f"Không có chỉ tiêu «{indicator_id}» trong danh mục.")
    found = indicator_values(
        live.engine.figures_by_indicator.get(indicator_id, []), province, year, kind, include_qualified
    )
    out = [FigureAnswer.from_figure(f) for f in found]
    if group_by == "current":
        out.sort(key=lambda f: (f.current_province or "", f.province or "", f.year or 0))
    return IndicatorValuesResponse(indicator=_indicator(live, ind), group_by=group_by, values=out)
