"""A document's kind and title: the type line joined with its subject lines.

    KẾ HOẠCH                                        -> Kế hoạch
    Phòng, chống bệnh lao giai đoạn 2021-2025       -> "Kế hoạch Phòng, chống bệnh lao giai đoạn 2021-2025"

In order: the type line ("KẾ HOẠCH", "QUYẾT ĐỊNH") and the lines under it (capitals wrapped over several lines,
or a sentence-case subject whose next line goes on in lower case); a "V/v …" subject (an official letter);
without a type line, the kind from its own số hiệu ("Số: 247/KH-UBND") and the subject from the capitalised line
under the letterhead or from the sentence that promulgates it ("… ban hành Kế hoạch phòng, chống … (Kế hoạch),
cụ thể như sau"); a news report (a headline over prose, no letterhead) is kind "Tin bài" with its headline; a
report without a heading block is named by its first part ("KẾT QUẢ THỰC HIỆN …" -> Báo cáo).
"""

from __future__ import annotations

import re

from qa.ingest.metadata.casing import is_capitalised, sentence_case
from qa.ingest.metadata.header import Letterhead, closes_letterhead, is_letterhead_cell
from qa.models import Block
from qa.vn.lexicon import lexicon
from qa.vn.text import collapse_ws, fold
from qa.vn.years import YEAR

_LEX = lexicon()
_TYPE_LINE = dict(_LEX.document_kind_words(_LEX.type_line_kinds))
_CODE_KINDS = _LEX.document_kind_codes(_LEX.metadata_code_kinds)
_OPENERS = _LEX.letterhead.subject_openers
_NOT_SUBJECT = _LEX.letterhead.not_subject
# A heading of the body, never part of a title: "Phần 1", "I. ĐẶC ĐIỂM CHUNG", "1. Mục tiêu", "Điều 1".
_BODY_HEADING = re.compile(
    r"^(?:phần|phụ lục|chương|điều|mục)\s+\w+|^[IVXLC]+\s*[.)]\s|^\d+(?:\.\d+)*\s*[.)]?\s", re.I
)
_MAX_SUBJECT_LINES = 4
_MAX_SUBJECT = 300  # characters; the longest real subject seen (a V/v of an official letter) is ~280
_WRAPPED_CAPS = 35  # a capitalised line this long that goes on in capitals is one subject wrapped
# A subject line of fewer words is a fragment a hard wrap left alone ("KẾ HOẠCH" / "HÀNH" / "ĐỘNG THỰC HIỆN …"):
# no subject seen is one or two words, and the capitalised line under the letterhead already needs three.
_MIN_SUBJECT_WORDS = 3
# A place-date line a web copy broke into pieces: "Bạc Liêu, ngày 27" / "tháng 11 năm 2020".
_DATE_PIECE = re.compile(
    rf"^(?=.*\b(?:ngày|tháng|năm)\b)(?:[^,]{{1,40}},\s*)?(?:ngày\s*\d{{0,2}}\s*)?(?:tháng\s*\d{{0,2}}\s*)?"
    rf"(?:năm\s*(?:{YEAR})?)?$",
    re.I,
)
_HEADLINE_WORDS = 4  # a news headline has at least this many words …
_MAX_HEADLINE = 200  # … and at most this many characters
_PROMULGATION = re.compile(
    r"(?:"
    + "|".join(_LEX.document_years.promulgation_verbs)
    + r")\s+(?P<kind>"
    + "|".join(re.escape(w) for k in _LEX.document_kinds if k.name in _LEX.type_line_kinds for w in k.words)
    + r")\s+(?P<subject>[^;:]{10,300}?)\s*(?:\([^()]{1,40}\)\s*)?,?\s*(?:"
    + "|".join(_LEX.document_years.promulgation_ends)
    + r")",
    re.I,
)


# The prose read for the capitals of names inside a capitalised title (casing.sentence_case): the first blocks
# hold the citations and the opening sentence that name the same programme or strategy.
_CASING_BLOCKS = 40


def kind_and_title(head: Letterhead, blocks: list[Block]) -> tuple[str | None, str]:
    cells = head.cells
    body = "\n".join(b.text for b in blocks[:_CASING_BLOCKS] if b.kind != "heading")
    for k, cell in enumerate(cells):
        kind = _type_line_kind(cell)
        if kind is not None:
            return kind, _compose(kind, _subject(cells, k + 1, wrapped_caps=True), body)
        if fold(cell).startswith("v/v "):
            return "Công văn", _compose("Công văn", _letter_subject(cells, k), body)
    code_kind = next((_CODE_KINDS[c] for c in head.number_codes if c in _CODE_KINDS), None)
    if code_kind is not None:
        subject = _subject_under_letterhead(cells) or _promulgated(blocks, code_kind)
        return code_kind, _compose(code_kind, subject, body) if subject else f"{code_kind} số {head.number}"
    if not head.has_letterhead:
        headline = _headline(cells, head, body)
        if headline or head.dateline is not None:  # a publication date without a letterhead: a news page
            return _LEX.news_kind, headline
    return _from_first_part(blocks)


def _type_line_kind(cell: str) -> str | None:
    word = fold(cell.strip(" :.")).strip()
    if word in _TYPE_LINE and is_capitalised(cell):
        return _TYPE_LINE[word]
    return None


def _ends_block(cell: str) -> bool:
    folded = fold(cell)
    return (
        is_letterhead_cell(cell)
        or bool(_BODY_HEADING.match(cell))
        or any(folded.startswith(w) for w in _NOT_SUBJECT)
        or _type_line_kind(cell) is not None
    )


def _subject(cells: list[str], start: int, wrapped_caps: bool) -> str:
    """The subject lines from ``start``: capitals wrapped over several lines, or a first line whose next
    lines go on in lower case."""
    parts: list[str] = []
    for cell in cells[start : start + _MAX_SUBJECT_LINES + 2]:
        if _ends_block(cell) or len(parts) >= _MAX_SUBJECT_LINES:
            break
        if not parts:
            if len(cell) > _MAX_SUBJECT:
                break
            parts.append(cell)
            continue
        caps = is_capitalised(parts[0])
        fragment = len(" ".join(parts).split()) < _MIN_SUBJECT_WORDS
        wrapped = fragment or wrapped_caps and len(parts[-1]) >= _WRAPPED_CAPS
        if caps and is_capitalised(cell) and wrapped or not caps and cell[:1].islower():
            parts.append(cell)
        else:
            break
    return " ".join(parts)


def _letter_subject(cells: list[str], at: int) -> str:
    """'V/v đóng góp ý kiến …' and the lines it wraps onto (they start in lower case or go on a sentence)."""
    parts = [cells[at][4:].strip()]
    for cell in cells[at + 1 : at + 1 + _MAX_SUBJECT_LINES]:
        if _ends_block(cell) or parts[-1].endswith((".", ")")) or not cell[:1].islower():
            break
        parts.append(cell)
    return "về việc " + " ".join(parts)


def _subject_under_letterhead(cells: list[str]) -> str:
    """The capitalised lines right under the number and place-date lines, when there is no type line.

    The letterhead ends with those two lines: an issuer line further down is the enacting body of a resolution
    ("HỘI ĐỒNG NHÂN DÂN TỈNH …" / "KHÓA XVII - KỲ HỌP THỨ 16" under the subject), not the letterhead."""
    last = max((k for k, c in enumerate(cells[:40]) if closes_letterhead(c)), default=None)
    if last is None:
        return ""
    at = next(
        (k for k in range(last + 1, min(last + 4, len(cells))) if not _is_separator_or_date_piece(cells[k])),
        None,
    )
    if at is None:
        return ""
    nxt = cells[at]
    if is_capitalised(nxt) and not _ends_block(nxt) and len(nxt.split()) >= _MIN_SUBJECT_WORDS:
        # One line: without a type line above it, a second capitalised line is as often the first part's
        # title ("THỰC TRẠNG … GIAI ĐOẠN 2016 - 2020") as the subject wrapped.
        return _subject(cells, at, wrapped_caps=False)
    return ""


def _is_separator_or_date_piece(cell: str) -> bool:
    return bool(re.fullmatch(r"[-_=–—\s]+", cell) or _DATE_PIECE.match(cell))


def _promulgated(blocks: list[Block], kind: str) -> str:
    """'… ban hành Kế hoạch phòng, chống … (Kế hoạch), cụ thể như sau' -> 'phòng, chống …'."""
    for block in blocks[:20]:
        for m in _PROMULGATION.finditer(block.text):
            if _TYPE_LINE.get(fold(m.group("kind"))) == kind:
                return collapse_ws(m.group("subject"))
    return ""


def _compose(kind: str, subject: str, body: str) -> str:
    """'Kế hoạch' + 'HOẠT ĐỘNG PHÒNG, CHỐNG HIV/AIDS …' -> 'Kế hoạch hoạt động phòng, chống HIV/AIDS …'."""
    subject = collapse_ws(subject)
    if is_capitalised(subject):
        subject = sentence_case(subject, body)
    folded = fold(subject)
    if any(folded.startswith(w + " ") for w in _OPENERS):
        subject = subject[:1].lower() + subject[1:]
    title = collapse_ws(f"{kind} {subject}")
    return title if len(title) <= _MAX_SUBJECT else title[: _MAX_SUBJECT - 1].rstrip() + "…"


def _headline(cells: list[str], head: Letterhead, body: str) -> str:
    """A news page's headline: the line its publication date stands under (site chrome, a category or teasers
    of other articles come before it), or over; the rest of a date stamp's line; else the page's first line."""
    if head.dateline is None:
        candidates = cells[:1]
    elif head.dateline_rest:
        candidates = [head.dateline_rest]
    else:
        k = head.dateline
        candidates = cells[k - 1 : k] + cells[k + 1 : k + 2] if k > 0 else cells[k + 1 : k + 2]
    for line in candidates:
        if _reads_as_headline(line):
            return _headline_case(line, body)
    return ""


def news_lead(head: Letterhead) -> str:
    """A news page's lead (sapo): the first line of prose after its headline and date line, or what a date
    stamp's line goes on with when that is no headline."""
    cells = head.cells
    if head.dateline is None:
        start = 1 if cells and _reads_as_headline(cells[0]) else 0
    elif head.dateline_rest and not _reads_as_headline(head.dateline_rest):
        return head.dateline_rest
    else:
        start = head.dateline + 1
    return next((c for c in cells[start : start + 3] if len(c.split()) > _MAX_SUBJECT_LINES * 2), "")


def _reads_as_headline(line: str) -> bool:
    """A few words, no full stop, not a heading."""
    return (
        len(line.split()) >= _HEADLINE_WORDS
        and len(line) <= _MAX_HEADLINE
        and not line.endswith((".", ":", ";"))
        and not _BODY_HEADING.match(line)
    )


def _headline_case(line: str, body: str) -> str:
    """A headline typed in capitals gets a sentence's case: 'AN SINH XÃ HỘI …' -> 'An sinh xã hội …'."""
    if not is_capitalised(line):
        return line
    cased = sentence_case(line, body)
    return cased[:1].upper() + cased[1:]


def _from_first_part(blocks: list[Block]) -> tuple[str | None, str]:
    """A report without a heading block, named by its first part: "Phần I / KẾT QUẢ THỰC HIỆN …"."""
    bare_part = re.compile(r"(Phần|Phụ\s+lục)\s+\S+(\s+\S+)?", re.I)
    first = next((b.section[0] for b in blocks if b.section and not bare_part.fullmatch(b.section[0])), "")
    kind = "Báo cáo" if "ket qua" in fold(first) else None
    title = re.sub(r"^Phần\s+(?:thứ\s+)?\S+\.\s*", "", first)
    title = (title[:1].upper() + title[1:].lower()) if title.isupper() else title
    return kind, f"{kind} {title[:1].lower() + title[1:]}" if kind and title else title
