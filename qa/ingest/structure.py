"""Paragraphs, headings and section paths of Vietnamese administrative documents.

Input is the normalised lines and the tables found in them; output is a list of
blocks (headings, paragraphs, table rows), each with its original line range
and the section path it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from qa.ingest.normalize import ends_sentence, is_hard_wrapped, looks_like_page_number
from qa.ingest.tables import ParsedTable
from qa.models import Block
from qa.vn.lexicon import lexicon
from qa.vn.text import fold

_PART = re.compile(r"^Phần\s+(?:thứ\s+\w+|[IVXLC]+\b)", re.I)
_APPENDIX = re.compile(r"^Phụ\s+lục\b", re.I)
_ROMAN = re.compile(r"^[IVXLC]{1,6}\.\s*\S")
_NUMBERED = re.compile(r"^(\d{1,2}\.(?:\s?\d{1,2}\.)*(?:\s?\d{1,2})?)\s*(\S)")
_LETTER = re.compile(r"^[a-zđ]\)\s+\S")
# "* Công tác phòng chống bệnh Lao": a short starred title over its own bullets. Kept shorter than a
# hard-wrapped line so a long starred bullet is never mistaken for one.
_STARRED = re.compile(r"^\*\s+[A-ZĐÀ-Ỹ][^.;:,]{5,45}$")
_BULLET = re.compile(r"^\s*(?:[-+•–]|\*(?!\*))\s")
_STAMPS = lexicon().stamps
# A line that is a value and what it counts ("24.533 trẻ.", "95,5%"), not a numbered item ("1. …", "2.1.").
_VALUE_LINE = re.compile(r"^\s*\d(?:[\d.,]*\d)?\s*(?:%|‰|[^\W\d_])")
_WRAP_MIN = 55  # a hard-wrapped line is at least this long
_MAX_HEADING = 220
_MAX_TITLE = 150


@dataclass(slots=True)
class _Para:
    parts: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, text)

    def text(self, sep: str) -> tuple[str, list[tuple[int, int]]]:
        marks: list[tuple[int, int]] = []
        pieces: list[str] = []
        pos = 0
        for line_no, t in self.parts:
            if pieces:
                pos += len(sep)
            marks.append((pos, line_no))
            pieces.append(t.strip())
            pos += len(pieces[-1])
        return sep.join(pieces), marks


def clean_heading(text: str) -> str:
    t = re.sub(r"^#+\s*", "", text.strip())
    t = t.replace("**", "").strip().strip("*_ ").strip()
    t = re.sub(r"\s+", " ", t)
    return t.rstrip(":").strip()


def heading_rank(text: str, emphasized: bool) -> int | None:
    """Rank of a heading (0 outermost) or None for body text."""
    t = clean_heading(text)
    if not t or len(t) > _MAX_HEADING or t.endswith((";", ",")):
        return None
    if _PART.match(t) or _APPENDIX.match(t):
        return 0
    if _ROMAN.match(t):
        return 1
    m = _NUMBERED.match(t)
    if m and (m.group(2).isupper() or m.group(2).isdigit() is False and emphasized):
        if len(t) > 160 or (len(t) > 100 and t.endswith(".")):
            return None  # a numbered paragraph of body text
        depth = len(re.findall(r"\d+", m.group(1)))
        return 1 + min(depth, 4)
    if _LETTER.match(t) and len(t) <= 120:
        return 6
    if _STARRED.match(text.strip()):
        return 7
    if emphasized and _is_caps(t) and len(t) <= 120 and fold(t) not in _STAMPS:
        return 0
    return None


def _is_caps(t: str) -> bool:
    letters = [c for c in t if c.isalpha()]
    visible = [c for c in t if not c.isspace()]
    # Mostly letters: "STI 23491 144.98%" or "AFB (-)+LNP : 109 BN" are table debris, not titles.
    return (
        len(letters) >= 3
        and all(c.isupper() for c in letters)
        and len(letters) >= 0.75 * len(visible)
        and len(t.split()) >= 2
    )


def _starts_item(line: str) -> bool:
    s = line.strip()
    return bool(_BULLET.match(s)) or heading_rank(s, s.startswith(("#", "**"))) is not None


def _is_emphasized(text: str) -> bool:
    s = text.strip()
    return s.startswith("#") or (s.startswith("**") and s.rstrip().endswith("**"))


@dataclass(slots=True)
class Structure:
    blocks: list[Block]
    dropped_lines: list[int]  # page-number lines left out of the text
    sections: int
    wrapped: bool


def build_blocks(
    lines: list[str],
    tables: list[ParsedTable],
    pages: list[int | None],
    headings: dict[int, int] | None = None,
) -> Structure:
    """Blocks of the lines; ``headings`` are lines the loader knows are headings (line -> rank), such as the
    sheet names of a workbook."""
    known = headings or {}
    wrapped = is_hard_wrapped(lines)
    sep = " " if wrapped else "\n"
    table_at = {t.start_line: t for t in tables}
    blocks: list[Block] = []
    dropped: list[int] = []
    stack: list[tuple[int, str]] = []  # (rank, title)
    n_sections = 0
    last_number: dict[tuple[str, ...], int] = {}  # last "N." heading under each parent
    para: _Para | None = None
    blank_since_para = False

    def page_of(line_no: int) -> int | None:
        return pages[line_no - 1] if 0 < line_no <= len(pages) else None

    def section() -> tuple[str, ...]:
        return tuple(title for _, title in stack)

    def emit(p: _Para | None) -> None:
        nonlocal n_sections
        if p is None or not p.parts:
            return
        raw, marks = p.text(sep)
        start, end = p.parts[0][0], p.parts[-1][0]
        pieces = _split_glued(raw)
        for piece in pieces:
            piece_marks = marks if len(pieces) == 1 else [(0, start)]
            rank = _piece_rank(piece, start, known, wrapped, stack, last_number)
            kind: Literal["text", "heading"] = "text" if rank is None else "heading"
            if rank is not None and not _merge_into_title(stack, rank, clean_heading(piece), blocks):
                while stack and stack[-1][0] >= rank:
                    stack.pop()
                stack.append((rank, _short(clean_heading(piece))))
                n_sections += 1
            blocks.append(Block(kind, piece, start, end, page_of(start), section(), marks=piece_marks))

    i = 0
    while i < len(lines):
        line_no = i + 1
        if line_no in table_at:
            emit(para)
            para = None
            table = table_at[line_no]
            for span in table.rows:
                blocks.append(
                    Block(
                        "table_row",
                        span.text,
                        span.start_line,
                        span.end_line,
                        page_of(span.start_line),
                        section(),
                        row=span.row,
                    )
                )
            i = table.end_line
            continue
        line = lines[i]
        if not line.strip():
            blank_since_para = True
            i += 1
            continue
        if looks_like_page_number(line):
            dropped.append(line_no)
            i += 1
            continue
        if (
            para is not None
            and not _stands_alone(known, line_no, para)
            and _continues(para, line, wrapped, blank_since_para)
        ):
            para.parts.append((line_no, line))
        else:
            emit(para)
            para = _Para([(line_no, line)])
        blank_since_para = False
        i += 1
    emit(para)
    return Structure(blocks, dropped, n_sections, wrapped)


def _piece_rank(
    piece: str,
    line_no: int,
    known: dict[int, int],
    wrapped: bool,
    stack: list[tuple[int, str]],
    last_number: dict[tuple[str, ...], int],
) -> int | None:
    """A heading's rank: the loader's word for its own headings, else read from the text."""
    if line_no in known:
        return known[line_no]
    rank = heading_rank(piece, _is_emphasized(piece) or wrapped)
    return _check_sequence(piece, stack, last_number) if rank == 2 else rank


def _stands_alone(known: dict[int, int], line_no: int, para: _Para) -> bool:
    """A heading the loader named is a paragraph of its own."""
    return line_no in known or para.parts[-1][0] in known


def _check_sequence(
    piece: str, stack: list[tuple[int, str]], last_number: dict[tuple[str, ...], int]
) -> int | None:
    """A "19." right after "2." is a numbered list item, not the next heading."""
    n = int(re.match(r"\d+", clean_heading(piece)).group())  # type: ignore[union-attr]
    parent = tuple(title for rank, title in stack if rank < 2)
    previous = last_number.get(parent)
    if n != 1 and previous is not None and not previous < n <= previous + 3:
        return None
    last_number[parent] = n
    return 2


def _continues(para: _Para, line: str, wrapped: bool, blank_between: bool) -> bool:
    """Whether ``line`` continues the paragraph being built."""
    prev = para.parts[-1][1]
    if prev.rstrip().endswith(":") and not blank_between and _VALUE_LINE.match(line):
        return True  # "- Số trẻ sinh trong năm là:" + "24.533 trẻ.": the value completes its label
    if _starts_item(line) or ends_sentence(prev) and not wrapped:
        return False
    first = line.strip()[:1]
    if not ends_sentence(prev) and first.islower():
        return True  # a sentence cut in the middle, in any layout
    if wrapped:
        if len(para.parts) == 1 and heading_rank(prev, True) is not None:
            # A heading goes on only in its own style: "… ƯỚC" + "THỰC HIỆN CẢ NĂM 2021".
            return _is_caps(prev) and _is_caps(line)
        return len(prev.strip()) >= _WRAP_MIN and not ends_sentence(prev)
    # One paragraph per line (markdown-like): consecutive lines without a blank belong together,
    # except heading-looking or emphasised lines. A numbered heading ("3. Nhân lực") goes on only in its own
    # style: the sentence under it ("Toàn ngành có 4.120 cán bộ, …") is its first paragraph, not its title.
    if (
        len(para.parts) == 1
        and heading_rank(prev, False) is not None
        and not (_is_caps(prev) and _is_caps(line))
    ):
        return False
    return not blank_between and not _is_emphasized(line) and not _is_emphasized(prev)


def _split_glued(text: str) -> list[str]:
    """'Phần II**KẾ HOẠCH…****I. MỤC TIÊU****1. Mục tiêu chung**' holds several headings on one line."""
    if text.count("**") < 3:
        return [text]
    segments = [seg.strip() for seg in text.split("**") if seg.strip()]
    if len(segments) > 1 and all(heading_rank(seg, True) is not None for seg in segments):
        return ["**" + seg + "**" for seg in segments]
    return [text]


def _short(title: str) -> str:
    return title if len(title) <= _MAX_TITLE else title[: _MAX_TITLE - 1].rstrip() + "…"


def _merge_into_title(stack: list[tuple[int, str]], rank: int, title: str, blocks: list[Block]) -> bool:
    """An all-caps line right after a bare 'Phần I' / 'Phụ lục 01' is that heading's title."""
    if rank != 0 or not stack or not blocks or blocks[-1].kind != "heading":
        return False
    top_rank, top_title = stack[-1]
    bare = re.fullmatch(r"(Phần\s+(?:thứ\s+\w+|[IVXLC]+)|Phụ\s+lục(?:\s+\S+)?)", top_title, re.I)
    if top_rank != 0 or not bare:
        return False
    stack[-1] = (0, _short(f"{top_title}. {title}"))
    return True
