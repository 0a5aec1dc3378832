"""What an answer is, typed once: the answer step returns these and the HTTP API serves them as they are.

Field names are the contract of ``POST /ask`` (DESIGN.md): add fields freely, rename none.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qa.models import Figure
from qa.retrieval.engine import Hit
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import FigureKind, lexicon

AnswerType = Literal["figure", "passage", "regulation", "compare", "ranking", "trend", "cited_by", "none"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FigureAnswer(_Model):
    """An extracted figure as an answer shows it."""

    indicator: str = Field(examples=["Số bác sỹ/10.000 dân"], description="Chỉ tiêu như tài liệu ghi")
    indicator_id: str | None = Field(
        None,
        examples=["doctors_per_10k"],
        description="Mã chỉ tiêu chuẩn (GET /indicators), nếu xác định được",
    )
    value: float = Field(examples=[12.5])
    value_text: str = Field(examples=["12,5"], description="Giá trị như tài liệu ghi")
    unit: str = Field(examples=["bác sỹ/10.000 dân"])
    year: int | None = Field(examples=[2024])
    kind: FigureKind | None = Field(examples=["plan"], description="plan | actual | estimate | target")
    kind_label: str = Field("", examples=["kế hoạch"], description="Loại số liệu bằng tiếng Việt")
    comparator: str | None = Field(examples=[None], description="<, ≤, >, ≥ khi giá trị là một ngưỡng")
    qualifiers: list[str] = Field(
        default_factory=list,
        description="Phạm vi hẹp hơn toàn tỉnh: «6 thang dau nam», «tuyen tinh», một huyện…",
    )
    province: str | None = Field(
        None, examples=["Bắc Giang"], description="Tỉnh của tài liệu (tên tại thời điểm ban hành)"
    )
    current_province: str | None = Field(
        None, examples=["Bắc Ninh"], description="Đơn vị hành chính hiện nay"
    )
    doc_id: str = Field("", examples=["001_a66ba2e25b7bb22e"])
    source: str = Field(examples=["001_a66ba2e25b7bb22e.txt"])
    section: str | None = Field(examples=["Phần II › I. Mục tiêu, chỉ tiêu › 2. Các chỉ tiêu cơ bản"])
    line: int = Field(0, examples=[327])
    quote: str = Field(examples=["1 Số bác sỹ/10.000 dân Bác sỹ 12,2 12,5"])
    column: str = Field("", examples=["KH 2024"], description="Cột bảng chứa giá trị (rỗng nếu là văn xuôi)")
    citation: int | None = Field(None, description="Số thứ tự trích dẫn chứa số liệu (null nếu không có)")

    @classmethod
    def from_figure(cls, f: Figure, citation: int | None = None) -> FigureAnswer:
        return cls(
            indicator=f.indicator,
            indicator_id=f.indicator_id,
            value=f.value,
            value_text=f.value_text,
            unit=f.unit,
            year=f.year,
            kind=f.kind,
            kind_label=lexicon().kind_label(f.kind),
            comparator=f.comparator,
            qualifiers=f.qualifiers,
            province=f.province,
            current_province=load_gazetteer().current_of(f.province) if f.province else None,
            doc_id=f.doc_id,
            source=f.source,
            section=f.section,
            line=f.line,
            quote=f.quote,
            column=f.column,
            citation=citation,
        )


class Passage(_Model):
    """A passage as found or cited: where it comes from, its text and how it ranked (``POST /search`` hits)."""

    chunk_id: int
    doc_id: str
    source: str
    title: str | None
    province: str | None = Field(description="Tỉnh ban hành (tên tại thời điểm ban hành)")
    current_province: str | None = Field(None, description="Đơn vị hành chính hiện nay (sau 01/7/2025)")
    section: str | None
    text: str
    start_line: int
    end_line: int
    page: int | None
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None

    @classmethod
    def of_hit(cls, h: Hit) -> Passage:
        return cls(**_passage_fields(h))


class Citation(Passage):
    """A cited passage, with the sentence or row the answer used."""

    id: int
    quote: str = Field(description="Câu hoặc dòng bảng mà câu trả lời dùng")
    header: str | None = Field(None, description="Dòng tiêu đề cột của bảng, khi trích dẫn là một dòng bảng")
    used: bool = Field(False, description="Câu trả lời trích dẫn đoạn này ([n] trong câu trả lời)")

    @classmethod
    def of_cited_hit(cls, h: Hit, id: int, quote: str, header: str | None, used: bool) -> Citation:
        return cls(**_passage_fields(h), id=id, quote=quote, header=header, used=used)


def _passage_fields(h: Hit) -> dict[str, object]:
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


class RegulationAnswer(_Model):
    number: str = Field(examples=["2143/QĐ-UBND"])
    kind: str | None = Field(examples=["Quyết định"])
    issuer: str | None
    date: str | None
    subject: str | None
    province: str | None
    source: str
    line: int
    quote: str


class Understood(_Model):
    """How the question was read: shown to the user so a misreading is seen, not trusted."""

    question: str = Field(
        description="Câu hỏi sau khi ghép với câu trước (câu hỏi nối tiếp) và sửa lỗi chính tả"
    )
    provinces: list[str] = Field(default_factory=list, description="Tỉnh được hỏi (tên trong tài liệu)")
    province_notes: list[str] = Field(
        default_factory=list, description="Ghi chú sáp nhập, vd «tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh»"
    )
    years: list[int] = Field(default_factory=list)
    kind: FigureKind | None = None
    indicator: str | None = Field(None, description="Chỉ tiêu chuẩn mà câu hỏi nhắc tới, nếu xác định được")
    corrections: dict[str, str] = Field(default_factory=dict, description="Từ đã sửa: gõ → hiểu là")
    follow_up: bool = False
    filter_note: str | None = Field(None, description="Khi bộ lọc và câu hỏi khác nhau: bộ lọc được ưu tiên")
    type: AnswerType = "none"


class Answer(_Model):
    """``POST /ask``: a short Vietnamese answer, the passages it rests on and the figures it found."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "answer": "Kế hoạch năm 2024 của Bắc Giang — Số bác sỹ/10.000 dân: 12,5 bác sỹ/10.000 dân "
                    "(ước thực hiện 2023: 12,2) [1].",
                    "abstained": False,
                    "confidence": 0.93,
                    "citations": [],
                    "figures": [],
                }
            ]
        },
    )

    answer: str
    abstained: bool
    confidence: float = Field(ge=0.0, le=1.0, description="Xác suất câu trả lời đúng theo mô hình quyết định")
    reason: str | None = Field(None, description="Vì sao không trả lời (khi abstained)")
    citations: list[Citation] = Field(default_factory=list)
    figures: list[FigureAnswer] = Field(default_factory=list)
    nearest: list[FigureAnswer] = Field(
        default_factory=list,
        description="Khi không có số liệu được hỏi: số liệu cùng chỉ tiêu của năm hoặc tỉnh gần nhất (không phải "
        "số liệu được hỏi)",
    )
    regulations: list[RegulationAnswer] = Field(default_factory=list)
    understood: Understood | None = None
    question: str = Field("", description="Câu hỏi như đã hiểu (giữ để tương thích; xem understood)")
    answer_id: str | None = Field(
        None, description="Mã câu trả lời đã lưu (khi yêu cầu có `conversation`); mở lại ở GET /answers/{id}"
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)
