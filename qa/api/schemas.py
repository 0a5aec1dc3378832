"""Request and response models of the HTTP API (contract v1 in DESIGN.md).

Field names are a contract: other tools and the evaluation read them. Responses allow extra
fields (``extra="allow"``) so the answer step can add information without breaking clients.
Examples are in Vietnamese: they are what ``/docs`` shows and what schemathesis tries first.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from qa.answer.types import Answer, Citation, FigureAnswer, Passage

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
JobStage = Literal["parsing", "embedding", "indexing", "publishing"]
Rating = Literal["up", "down"]

_TEXT_MAX = 2000  # one question, one history turn
_NOT_BLANK = r"\S"  # at least one visible character (a schema pattern, so fuzzers know it)
# Ids a browser or the server makes up (uuid4 hex, token_urlsafe): long enough not to be guessed.
_TOKEN = r"^[A-Za-z0-9_-]{16,64}$"


def _integer_only(value: Any) -> Any:
    """JSON integers (and 5.0, which JSON Schema calls an integer); never `true` or "5"."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# Strict where JSON is ambiguous: pydantic's lax mode would read `true` as 1 and "5" as 5 (issue 16).
# Bounds go before the validator in Annotated, so the JSON schema keeps them as minimum/maximum.
_ONLY_INTEGERS = BeforeValidator(_integer_only)
YearInt = Annotated[int, Field(ge=1900, le=2100), _ONLY_INTEGERS]
TopK = Annotated[int, Field(ge=1, le=50), _ONLY_INTEGERS]


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


# ---------------------------------------------------------------------- requests


class SearchFilters(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"province": "Bắc Giang", "year": 2024}]}
    )

    province: str | None = Field(
        None,
        max_length=100,
        description="Tỉnh, có hoặc không dấu: tên cũ («Bắc Giang»), đơn vị hiện nay («Bắc Ninh»: gồm các tỉnh cũ "
        "đã sáp nhập vào) hoặc «Bắc Ninh cũ» (chỉ tỉnh cũ cùng tên); xem GET /provinces",
    )
    year: YearInt | None = Field(None, description="Năm mà tài liệu đề cập")
    doc_ids: list[str] | None = Field(None, max_length=100, description="Chỉ tìm trong các tài liệu này")


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    # Shorter than a question: 20 turns must fit in the 64 KB body limit of JSON requests.
    content: str = Field(max_length=1000)


class ConversationRef(BaseModel):
    """Where to keep an answer: the browser's (or key holder's) history and one conversation in it."""

    model_config = ConfigDict(extra="forbid")

    owner: str = Field(
        pattern=_TOKEN,
        description="Mã của trình duyệt (cookie) sở hữu lịch sử; khi gửi kèm khoá API hợp lệ, lịch sử thuộc "
        "về người giữ khoá",
    )
    id: str = Field(pattern=_TOKEN, description="Mã cuộc hỏi đáp")


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"question": "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?", "top_k": 5},
                {
                    "question": "Còn Hà Nam năm 2021 thì sao?",
                    "top_k": 5,
                    "history": [
                        {"role": "user", "content": "Số bác sĩ trên 10.000 dân của Bắc Giang năm 2024?"}
                    ],
                },
            ]
        },
    )

    question: str = Field(
        min_length=1,
        max_length=_TEXT_MAX,
        pattern=_NOT_BLANK,
        description="Câu hỏi tiếng Việt (có hoặc không dấu)",
    )
    top_k: TopK = Field(5, description="Số đoạn trích dẫn tối đa")
    filters: SearchFilters = Field(default_factory=SearchFilters)
    history: list[HistoryTurn] | None = Field(
        None, max_length=20, description="Các lượt hỏi trước (câu hỏi nối tiếp)"
    )
    conversation: ConversationRef | None = Field(
        None,
        description="Lưu câu trả lời vào lịch sử của cuộc hỏi đáp này; câu trả lời nhận `answer_id` để "
        "mở lại (đường dẫn chia sẻ, GET /answers/{answer_id})",
    )


class SearchRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "query": "số lượt khám chữa bệnh BHYT Bắc Giang 6 tháng đầu năm 2023",
                    "top_k": 5,
                    "filters": {"province": "Bắc Giang"},
                }
            ]
        },
    )

    query: str = Field(min_length=1, max_length=_TEXT_MAX, pattern=_NOT_BLANK)
    top_k: TopK = 5
    filters: SearchFilters = Field(default_factory=SearchFilters)


# ---------------------------------------------------------------------- answers


# The answer's own models are the API's: one definition (qa/answer/types.py).
FigureOut = FigureAnswer
CitationOut = Citation
AskResponse = Answer


class SearchResponse(_Out):
    hits: list[Passage]


class FiguresResponse(_Out):
    figures: list[FigureOut]


class MentionOut(_Out):
    source: str
    section: str | None
    line: int
    quote: str


class RegulationOut(_Out):
    number: str = Field(examples=["2143/QĐ-UBND"])
    kind: str | None = Field(examples=["Quyết định"])
    issuer: str | None = Field(examples=["UBND tỉnh Bắc Giang"])
    date: str | None = Field(examples=["2023-12-14"])
    subject: str | None = Field(examples=["về việc giao chỉ tiêu kế hoạch ngành Y tế năm 2024"])
    province: str | None = Field(examples=["Bắc Giang"])
    mentions: list[MentionOut]


class RegulationsResponse(_Out):
    regulations: list[RegulationOut]


# ---------------------------------------------------------------------- indicators


class IndicatorOut(_Out):
    id: str = Field(examples=["doctors_per_10k"])
    name: str = Field(examples=["Số bác sĩ trên 10.000 dân"])
    group: str = Field(examples=["nhan_luc"])
    group_name: str = Field(examples=["Nhân lực y tế"])
    unit: str = Field(examples=["bác sĩ/10.000 dân"])
    denominator: str | None = Field(examples=["10.000 dân"])
    measure: str = Field(
        examples=["rate"], description="rate | ratio | count | percent | per_mille | years | money"
    )
    higher_is_better: bool | None
    values: int = Field(description="Số giá trị toàn tỉnh có trong tài liệu")
    provinces: list[str] = Field(description="Các tỉnh có giá trị (tên trong tài liệu)")


class IndicatorsResponse(_Out):
    indicators: list[IndicatorOut]


class IndicatorValueOut(FigureAnswer):
    """One value of an indicator, with what a table of it needs beside the figure itself."""

    title: str | None = Field(None, description="Tiêu đề tài liệu chứa giá trị")
    unit_fits: bool = Field(
        description="Đơn vị của giá trị khớp đơn vị chuẩn của chỉ tiêu (so sánh, vẽ cùng nhau được)"
    )


class IndicatorValuesResponse(_Out):
    indicator: IndicatorOut
    group_by: Literal["former", "current"]
    values: list[IndicatorValueOut] = Field(description="Mỗi giá trị kèm tài liệu, dòng và trích dẫn")


# ---------------------------------------------------------------------- provinces


class FormerProvinceOut(_Out):
    name: str = Field(examples=["Bắc Giang"])
    full_name: str = Field(examples=["tỉnh Bắc Giang"])
    filter: str = Field(
        examples=["Bắc Giang"], description="Giá trị filters.province chọn riêng tỉnh cũ này («Bắc Ninh cũ»)"
    )
    documents: int = Field(description="Số tài liệu của tỉnh cũ này")


class ProvinceOut(_Out):
    name: str = Field(examples=["Bắc Ninh"])
    full_name: str = Field(examples=["tỉnh Bắc Ninh"])
    filter: str = Field(examples=["Bắc Ninh"], description="Giá trị filters.province chọn cả đơn vị hiện nay")
    documents: int = Field(description="Số tài liệu của mọi tỉnh cũ thuộc đơn vị này")
    former: list[FormerProvinceOut] = Field(description="Các tỉnh cũ đã sáp nhập vào đơn vị này")


class ProvincesResponse(_Out):
    effective: str = Field(examples=["2025-07-01"], description="Ngày các đơn vị hiện nay có hiệu lực")
    provinces: list[ProvinceOut]


# ---------------------------------------------------------------------- documents


class DocumentOut(_Out):
    doc_id: str = Field(
        examples=["001_a66ba2e25b7bb22e.txt"],
        description="Mã tài liệu: tên tệp (kèm phần mở rộng) nếu tên chỉ gồm chữ ASCII, số và `_.-`; "
        "nếu không, tên rút gọn + `~` + mã băm của tên. Mỗi tệp một mã.",
    )
    source: str = Field(examples=["001_a66ba2e25b7bb22e.txt"])
    title: str | None = Field(examples=["Kế hoạch Công tác y tế tỉnh Bắc Giang năm 2024"])
    issuer: str | None = Field(
        None, examples=["Sở Y tế tỉnh Bắc Giang"], description="Cơ quan ban hành (theo tiêu đề văn bản)"
    )
    province: str | None = Field(
        examples=["Bắc Giang"], description="Tỉnh ban hành (tên tại thời điểm ban hành)"
    )
    current_province: str | None = Field(
        None, examples=["Bắc Ninh"], description="Đơn vị hành chính hiện nay (sau 01/7/2025)"
    )
    kind: str | None = Field(examples=["Kế hoạch"])
    number: str | None
    date: str | None
    years: list[int]
    chunks: int
    sections: int | None
    tables: int | None
    n_lines: int | None


class DocumentsResponse(_Out):
    documents: list[DocumentOut]


class LineOut(_Out):
    n: int
    text: str
    page: int | None


class DocumentDetail(DocumentOut):
    lines: list[LineOut]


class DocumentAccepted(_Out):
    """202: the file is stored; indexing runs in the background (follow ``GET /jobs/{job_id}``)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "job_id": "3f2a9c1e7b4d",
                    "status": "queued",
                    "doc_id": "ke-hoach-lam-dong-2024.md",
                    "source": "ke-hoach-lam-dong-2024.md",
                }
            ]
        },
    )

    job_id: str
    status: JobStatus
    doc_id: str = Field(
        description="Địa chỉ được ngay: `GET /documents/{doc_id}` trả 202 «đang xử lý» đến khi xong"
    )
    source: str


class DocumentPending(_Out):
    """202 from ``GET /documents/{doc_id}``: the document was accepted and is still being indexed."""

    detail: str = Field(examples=["Tài liệu «ke-hoach.md» đang được xử lý."])
    doc_id: str
    source: str | None
    job_id: str
    status: JobStatus
    stage: JobStage | None


class DocReportOut(_Out):
    source: str
    status: str = Field(description="new | changed | reindexed | unchanged | skipped | removed")
    reason: str = Field("", description="Lý do bỏ qua (tiếng Việt), nếu có")
    warnings: list[str] = Field(
        default_factory=list, description="Cảnh báo khi đọc tệp (ví dụ trang OCR không đọc được)"
    )


class JobOut(_Out):
    """A background job. Every field is plain and stable: the web interface reads them over HTTP."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "job_id": "3f2a9c1e7b4d",
                    "kind": "upload",
                    "status": "running",
                    "stage": "embedding",
                    "detail": "Đang tính vector (128/412 đoạn).",
                    "doc_id": "ke-hoach-lam-dong-2024.md",
                    "source": "ke-hoach-lam-dong-2024.md",
                    "files_done": 6,
                    "files_total": 6,
                    "chunks_done": 128,
                    "chunks_total": 412,
                    "eta_seconds": 14.5,
                    "documents": [],
                    "generation": None,
                    "created_at": "2026-11-30T20:41:02+00:00",
                    "started_at": "2026-11-30T20:41:03+00:00",
                    "finished_at": None,
                }
            ]
        },
    )

    job_id: str
    kind: Literal["upload", "delete", "ingest"] = Field(description="upload | delete | ingest (`qa ingest`)")
    status: JobStatus = Field(description="queued | running | done | failed | cancelled")
    stage: JobStage | None = Field(
        None,
        description="Khi đang chạy: parsing (đọc tệp) | embedding (tính vector) | indexing (dựng chỉ mục) | "
        "publishing (chuyển sang chỉ mục mới)",
    )
    detail: str = Field(
        description="Tình trạng hoặc kết quả, bằng tiếng Việt, không chứa đường dẫn hay lỗi nội bộ"
    )
    doc_id: str | None
    source: str | None
    files_done: int = Field(0, description="Số tệp đã đọc (giai đoạn parsing)")
    files_total: int = Field(0, description="Số tệp cần xem xét")
    chunks_done: int = Field(0, description="Số đoạn mới đã tính vector (giai đoạn embedding)")
    chunks_total: int = Field(0, description="Số đoạn mới cần tính vector (biết sau giai đoạn parsing)")
    eta_seconds: float | None = Field(
        None,
        description="Ước tính số giây còn lại của giai đoạn hiện tại; null khi chưa đủ dữ liệu để ước tính",
    )
    documents: list[DocReportOut] = Field(description="Kết quả với tệp của tác vụ (mọi tệp với `qa ingest`)")
    generation: str | None = Field(None, description="Thế hệ chỉ mục chứa kết quả (khi xong)")
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None


# ---------------------------------------------------------------------- saved answers, history


class SavedAnswerOut(_Out):
    answer_id: str
    conversation_id: str
    question: str = Field(description="Câu hỏi như người dùng gõ")
    filters: SearchFilters
    created_at: str = Field(examples=["2025-07-01T08:30:00+00:00"])
    response: AskResponse


class ConversationSummary(_Out):
    conversation_id: str
    title: str = Field(description="Câu hỏi đầu tiên của cuộc hỏi đáp")
    turns: int
    updated_at: str


class ConversationsOut(_Out):
    conversations: list[ConversationSummary]


class ConversationOut(_Out):
    conversation_id: str
    turns: list[SavedAnswerOut]


# ---------------------------------------------------------------------- feedback


class FeedbackIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rating": "down",
                    "comment": "Số liệu là của năm 2023, không phải 2024.",
                    "question": "Số bác sĩ trên 10.000 dân của Bắc Giang năm 2024?",
                    "answer": "Kế hoạch năm 2024 của Bắc Giang — Số bác sỹ/10.000 dân: 12,5 [1].",
                }
            ]
        },
    )

    rating: Rating = Field(description="up: 👍 hữu ích; down: 👎 chưa đúng / chưa đủ")
    comment: str | None = Field(None, max_length=1000, description="Góp ý thêm (không bắt buộc)")
    question: str = Field(min_length=1, max_length=_TEXT_MAX, pattern=_NOT_BLANK)
    answer: str = Field(max_length=8000, description="Câu trả lời được đánh giá")
    answer_id: str | None = Field(None, pattern=_TOKEN, description="Mã câu trả lời đã lưu, nếu có")
    filters: SearchFilters = Field(default_factory=SearchFilters)


class FeedbackOut(_Out):
    id: int
    created_at: str
    rating: Rating
    comment: str | None
    question: str
    answer: str
    answer_id: str | None
    filters: SearchFilters


class FeedbackList(_Out):
    feedback: list[FeedbackOut]


class KeyCheckOut(_Out):
    valid: bool = Field(description="Khoá hợp lệ")
    fingerprint: str = Field(description="Dấu vân tay ngắn của khoá (không lộ khoá), để nhận ra người dùng")


# ---------------------------------------------------------------------- service


class HealthOut(_Out):
    status: Literal["ok", "empty"]
    model: str
    generation: str | None = Field(description="Thế hệ chỉ mục đang phục vụ (luôn còn trên đĩa)")
    documents: int
    chunks: int
    figures: int


class FieldError(_Out):
    loc: list[str]
    msg: str
    type: str


class ErrorOut(_Out):
    detail: str = Field(examples=["Không tìm thấy tài liệu «abc»."])
    errors: list[FieldError] | None = Field(None, description="Chi tiết lỗi dữ liệu (422)")
