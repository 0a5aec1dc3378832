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
from qa.ingest.metadata.header import Letterhead, is_letterhead_cell
from qa.models import Block
from qa.vn.lexicon import lexicon
from qa.vn.text import collapse_ws, fold

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


def kind_and_title(head: Letterhead, blocks: list[Block]) -> tuple[str | None, str]:
    cells = head.cells
    for k, cell in enumerate(cells):
        kind = _type_line_kind(cell)
        if kind is not None:
            return kind, _compose(kind, _subject(cells, k + 1, wrapped_caps=True))
        if fold(cell).startswith("v/v "):
            return "Công văn", _compose("Công văn", _letter_subject(cells, k))
    code_kind = next((_CODE_KINDS[c] for c in head.number_codes if c in _CODE_KINDS), None)
    if code_kind is not None:
        subject = _subject_under_letterhead(cells) or _promulgated(blocks, code_kind)
        return code_kind, _compose(code_kind, subject) if subject else f"{code_kind} số {head.number}"
    if not head.has_letterhead and (headline := _headline(cells)):
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
        if (
            caps
            and wrapped_caps
            and is_capitalised(cell)
            and len(parts[-1]) >= _WRAPPED_CAPS
            or not caps
            and cell[:1].islower()
        ):
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
    """A capitalised line right under the number and place-date lines, when there is no type line."""
    last = max((k for k, c in enumerate(cells[:40]) if is_letterhead_cell(c)), default=None)
    if last is None:
        return ""
    nxt = next((c for c in cells[last + 1 : last + 3] if not re.fullmatch(r"[-_=–—\s]+", c)), "")
    if nxt and is_capitalised(nxt) and not _ends_block(nxt) and len(nxt.split()) >= 3:
        return _subject([nxt], 0, wrapped_caps=False)
    return ""


def _promulgated(blocks: list[Block], kind: str) -> str:
    """'… ban hành Kế hoạch phòng, chống … (Kế hoạch), cụ thể như sau' -> 'phòng, chống …'."""
    for block in blocks[:20]:
        for m in _PROMULGATION.finditer(block.text):
            if _TYPE_LINE.get(fold(m.group("kind"))) == kind:
                return collapse_ws(m.group("subject"))
    return ""


def _compose(kind: str, subject: str) -> str:
    """'Kế hoạch' + 'HOẠT ĐỘNG PHÒNG, CHỐNG HIV/AIDS …' -> 'Kế hoạch hoạt động phòng, chống HIV/AIDS …'."""
    subject = collapse_ws(subject)
    if is_capitalised(subject):
        subject = sentence_case(subject)
    folded = fold(subject)
    if any(folded.startswith(w + " ") for w in _OPENERS):
        subject = subject[:1].lower() + subject[1:]
    title = collapse_ws(f"{kind} {subject}")
    return title if len(title) <= _MAX_SUBJECT else title[: _MAX_SUBJECT - 1].rstrip() + "…"


def _headline(cells: list[str]) -> str:
    """The first line of a news page when it reads as a headline: a few words, no full stop, not a heading."""
    first = cells[0] if cells else ""
    if (
        len(first.split()) >= _HEADLINE_WORDS
        and len(first) <= _MAX_HEADLINE
        and not first.endswith((".", ":", ";"))
        and not _BODY_HEADING.match(first)
    ):
        return first
    return ""


def _from_first_part(blocks: list[Block]) -> tuple[str | None, str]:
    """A report without a heading block, named by its first part: "Phần I / KẾT QUẢ THỰC HIỆN …"."""
    bare_part = re.compile(r"(Phần|Phụ\s+lục)\s+\S+(\s+\S+)?", re.I)
    first = next((b.section[0] for b in blocks if b.section and not bare_part.fullmatch(b.section[0])), "")
    kind = "Báo cáo" if "ket qua" in fold(first) else None
    title = re.sub(r"^Phần\s+(?:thứ\s+)?\S+\.\s*", "", first)
    title = (title[:1].upper() + title[1:].lower()) if title.isupper() else title
    return kind, f"{kind} {title[:1].lower() + title[1:]}" if kind and title else title
