"""HTML: visible text as lines, block by block; tables as tab-separated rows."""

from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from qa.ingest.formats.text import bom_encoding, check_garbage, convert_legacy, decode_text
from qa.models import IngestError, LoadedText

# ---------------------------------------------------------------- HTML

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DROP_TAGS = frozenset(
    {"script", "style", "head", "title", "noscript", "template", "svg", "iframe", "object"}
)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "header", "footer",
        "nav", "main", "aside", "blockquote", "figure", "figcaption", "address", "form", "fieldset",
        "hr", "caption", "center", "body", "html", "tbody", "thead", "tfoot",
    }
)  # fmt: skip
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_BREAKING_TAGS = _BLOCK_TAGS | set(_HEADING_TAGS) | {"br", "pre", "table", "tr", "td", "th"}
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def _decode_html(data: bytes) -> tuple[str, str]:
    """BOM, then <meta charset>, then the same detection as plain text."""
    if bom_encoding(data) is None and (m := _META_CHARSET_RE.search(data[:4096])):
        try:
            name = codecs.lookup(m.group(1).decode("ascii")).name
            text = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
        else:
            check_garbage(text)
            return text, name
    return decode_text(data)


class _HtmlText:
    """Collects the text of an HTML tree as lines (block elements break lines)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buf: list[str] = []

    def flush(self, keep_empty: bool = False) -> None:
        line = " ".join("".join(self._buf).split())
        self._buf = []
        if line or keep_empty:
            self.lines.append(line)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, _SKIPPED_STRINGS):
                continue
            if isinstance(child, NavigableString):
                self._buf.append(str(child))
            elif isinstance(child, Tag):
                self._element(child)

    def _element(self, tag: Tag) -> None:
        name = tag.name.lower()
        if name in _DROP_TAGS:
            return
        if name == "br":
            self.flush(keep_empty=True)
        elif name == "table":
            self.flush()
            self.blank()
            for row in _table_rows(tag):
                self.lines.append(row)
            self.blank()
        elif name == "tr":  # a row outside any <table>
            self.flush()
            if row := _row_text(tag):
                self.lines.append(row)
        elif name in _HEADING_TAGS:
            self.flush()
            text = _inline_text(tag)
            if text:
                self.lines.append("#" * _HEADING_TAGS[name] + " " + text)
        elif name == "pre":
            self.flush()
            self.lines.extend(line.rstrip() for line in _raw_text(tag).split("\n"))
        elif name in _BLOCK_TAGS:
            self.flush()
            self.walk(tag)
            self.flush()
        else:  # inline (b, i, sup, span, a, ...): its text only
            self.walk(tag)


def _raw_text(tag: Tag) -> str:
    parts: list[str] = []
    for s in tag.descendants:
        if (
            isinstance(s, NavigableString)
            and not isinstance(s, _SKIPPED_STRINGS)
            and not any(p.name in _DROP_TAGS for p in s.parents if isinstance(p, Tag))
        ):
            parts.append(str(s))
    return "".join(parts)


def _inline_text(tag: Tag) -> str:
    """The text of a heading or cell on one line; <br> and nested blocks become spaces."""
    parts: list[str] = []

    def visit(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, _SKIPPED_STRINGS):
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag) and child.name not in _DROP_TAGS:
                breaking = child.name in _BREAKING_TAGS
                parts.append(" " if breaking else "")
                visit(child)
                parts.append(" " if breaking else "")

    visit(tag)
    return " ".join("".join(parts).split())


def _row_text(tr: Tag) -> str:
    cells = [_inline_text(c) for c in tr.find_all(["td", "th"], recursive=False)]
    return "\t".join(cells) if any(cells) else ""


def _table_rows(table: Tag) -> list[str]:
    """Rows of this table only (not of tables nested in its cells)."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    return [text for tr in rows if (text := _row_text(tr))]


def load_html(data: bytes) -> LoadedText:
    text, encoding = _decode_html(data)
    if not text.strip():
        raise IngestError("tệp rỗng (chỉ có khoảng trắng)")
    # html.parser: part of Python, and keeps the tree as written (lxml is not a declared dependency)
    collector = _HtmlText()
    try:
        soup = BeautifulSoup(text, "html.parser")
        collector.walk(soup)
    except RecursionError:
        raise IngestError("tệp HTML lồng thẻ quá sâu, không đọc được") from None
    collector.flush()
    lines = collector.lines
    while lines and lines[-1] == "":
        lines.pop()
    lines, legacy = convert_legacy(lines)
    return LoadedText(lines=lines, pages=[None] * len(lines), fmt="html", encoding=legacy or encoding)
