"""A question as the answer step reads it: one record, parsed once, used by every later step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from qa.vn.lexicon import FigureKind

QuestionType = Literal["figure", "passage", "regulation", "compare", "ranking", "trend"]
UnitIntent = Literal["percent", "money", "rate", "count"]


@dataclass(slots=True)
class Question:
    original: str  # as typed
    text: str  # NFC, spelling fixed, tool-style fields turned into words
    expanded: str  # text with the abbreviations it uses spelled out next to them (for matching and search)
    folded: str  # the text without accents, lower case
    cue_text: (
        str  # the text with the accents of words no document has taken off (what cue phrases are found in)
    )
    provinces: list[str] = field(default_factory=list)  # provinces as documents name them, in order asked
    named: list[str] = field(default_factory=list)  # the units as the question named them ("Bắc Ninh")
    unknown_provinces: list[str] = field(default_factory=list)  # named, with no document (former or current)
    province_initials: list[str] = field(default_factory=list)  # "KG": a province named by its initials
    province_notes: list[str] = field(default_factory=list)  # "tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh"
    years: list[int] = field(default_factory=list)  # years asked, in order
    year_range: tuple[int, int] | None = None  # "giai đoạn 2021-2025"
    half_year: bool = False  # "6 tháng đầu năm"
    kind: FigureKind | None = None
    numbers: list[str] = field(default_factory=list)  # số hiệu, as comparison keys
    # runs of folded words naming a document ("KH phòng chống HIV/AIDS" -> ("phong", "chong", "hiv", "aids"))
    document_phrases: list[tuple[str, ...]] = field(default_factory=list)
    qtype: QuestionType = "passage"
    explanatory: bool = False  # "vì sao", "là gì": wants sentences, not a number
    plan_check: bool = False  # "có đạt kế hoạch không", "đạt mấy % KH"
    ranking: Literal["high", "low"] | None = None  # "tỉnh nào cao nhất"
    # "… bao nhiêu vụ ngộ độc, bao nhiêu ca mắc": the question of each quantity asked, when there are several
    quantities: list[str] = field(default_factory=list)
    whole_year: bool = False  # "cả năm 2022": a value of part of the year (9 tháng) does not answer
    asks_part: bool = False  # "huyện nào có số mắc cao nhất": a value of one part of the province answers
    # "tỷ lệ bao phủ BHYT toàn dân": a value of one group of it does not answer
    whole_population: bool = False
    # "giảm xuống dưới bao nhiêu", "ít nhất bao nhiêu": the comparators of the bound asked ({"<", "≤"}), else none
    bound: frozenset[str] = frozenset()
    unit_intent: UnitIntent | None = None
    # folded: the thing a count asked is of ("bao nhiêu cán bộ" → ("can", "bo"))
    counted: tuple[str, ...] = ()
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> understood word
    expansions: dict[str, str] = field(default_factory=dict)  # abbreviation -> phrase
    tool_style: bool = False  # "chi tieu: …; tinh: …; nam: …"
    follow_up: bool = False  # merged with the previous question
    filter_note: str | None = None  # the sidebar filter and the question disagree
