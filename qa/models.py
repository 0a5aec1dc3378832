"""Plain data shared by ingestion, the store, retrieval and the answer step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from qa.vn.lexicon import FigureKind

SECTION_SEP = " › "


class IngestError(Exception):
    """A file that cannot be ingested; the message is shown to users (Vietnamese)."""


@dataclass(slots=True)
class LoadedText:
    """What a loader returns: the text as lines, each with the page it came from (PDF) or None."""

    lines: list[str]
    pages: list[int | None]
    fmt: str  # txt | md | pdf | docx | html | xlsx | xls | csv | doc | odt
    encoding: str = "utf-8"
    # Problems that did not stop the file ("trang 3: không nhận dạng được chữ"), shown by the CLI and jobs.
    warnings: list[str] = field(default_factory=list)
    # Lines the loader knows are headings (1-based line -> rank, 0 outermost), e.g. a spreadsheet's sheet names.
    headings: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class TableRow:
    """One recognised row of an indicator table, with the header attached."""

    header: list[str]  # all column names as written, e.g. ["TT", "Chỉ tiêu", "ĐVT", "KH 2023", "TH 2023"]
    tt: str  # row number as written ("1", "15.2", "-" for a sub-row, "" for none)
    label: str  # indicator label, e.g. "Số bác sỹ/10.000 dân"
    unit: str  # unit column as written ("Bác sỹ", "%", "%o"); "" when absent
    values: list[tuple[str, str]]  # (value column name, cell as written) for each value column
    group: str = ""  # group row above ("Chỉ tiêu đầu vào") or parent row label for "- ..." sub-rows
    # the words right above a table whose columns name no kind or year ("Cấu trúc dân số … cuối năm 2019"): its time
    caption: str = ""


@dataclass(slots=True)
class Block:
    """A paragraph, heading or table row of a document, with its place in the source."""

    kind: Literal["heading", "text", "table_row"]
    text: str  # normalised text as in the source (wrapped lines joined, html tags removed)
    start_line: int  # 1-based line numbers of the loaded text
    end_line: int
    page: int | None
    section: tuple[str, ...]  # titles of enclosing headings, outermost first
    row: TableRow | None = None
    # (offset in text, source line) for each source line joined into the text
    marks: list[tuple[int, int]] = field(default_factory=list)

    @property
    def section_path(self) -> str:
        return SECTION_SEP.join(self.section)

    def line_at(self, offset: int) -> int:
        """The source line that holds character ``offset`` of ``text``."""
        line = self.start_line
        for mark_offset, mark_line in self.marks:
            if mark_offset > offset:
                break
            line = mark_line
        return line


@dataclass(slots=True)
class DocumentMeta:
    title: str = ""
    issuer: str | None = None  # the issuing body as the letterhead names it: "Sở Y tế tỉnh Kiên Giang"
    province: str | None = None  # the issuing province at the time ("Bắc Giang" for a 2024 plan)
    current_province: str | None = None  # the unit it belongs to since 2025-07-01 ("Bắc Ninh")
    kind: str | None = None  # Kế hoạch | Báo cáo | Công văn | Quyết định | ...
    number: str | None = None  # số hiệu of the document itself, when present
    date: str | None = None  # ISO date when known
    years: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ParsedDocument:
    doc_id: str
    source: str  # file name as it stands in the corpus
    sha256: str
    fmt: str
    lines: list[str]  # normalised lines, index i is line i+1 of the source
    pages: list[int | None]
    blocks: list[Block]
    meta: DocumentMeta
    tables: int = 0
    sections: int = 0
    dropped_lines: list[int] = field(default_factory=list)  # page-number lines left out of the text
    warnings: list[str] = field(default_factory=list)  # the loader's (pages OCR could not read, ...)


@dataclass(slots=True)
class Chunk:
    chunk_id: int
    doc_id: str
    source: str
    section: str
    text: str  # as in the source: what citations quote
    context: str  # section title and table header, prepended for indexing only
    start_line: int
    end_line: int
    page: int | None
    kind: Literal["text", "table_row"] = "text"

    @property
    def index_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass(slots=True)
class Figure:
    indicator: str
    value: float
    value_text: str
    unit: str
    year: int | None
    kind: FigureKind | None
    comparator: str | None  # "<", "≤", ">", "≥" or None
    doc_id: str
    source: str
    section: str
    line: int
    quote: str
    province: str | None = None
    column: str = ""  # table column the value came from ("KH 2023"); "" for prose
    row_key: str = ""  # figures from one table row share it (links plan and actual)
    chunk_id: int | None = None
    indicator_id: str | None = (
        None  # the catalog indicator it is a value of (qa/data/indicators.json), if any
    )
    indicator_score: float = 0.0  # how well its label matched that indicator (0..1)
    qualifiers: list[str] = field(
        default_factory=list
    )  # what narrows it: "6 thang dau nam", "tuyen tinh", a district


@dataclass(slots=True)
class RegulationMention:
    number: str  # normalised số hiệu, e.g. "2143/QĐ-UBND"
    kind: str | None  # Quyết định, Kế hoạch, Nghị quyết, ...
    issuer: str | None
    date: str | None  # ISO date
    subject: str | None  # "về việc ..." clause
    doc_id: str
    source: str
    section: str
    line: int
    quote: str
    province: str | None = None  # province of the citing document
