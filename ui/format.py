"""Pure text helpers: API objects -> Streamlit markdown and table rows (no Streamlit calls, easy to test).

Document text is shown *as written*: markdown-special characters are escaped so that `*`, `_`, `$`
(LaTeX in Streamlit), `~`, `<`, a leading `-` or `2.` never turn an official's text into formatting.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

KIND_LABEL = {"plan": "kế hoạch", "actual": "thực hiện", "estimate": "ước thực hiện", "target": "mục tiêu"}
HIGHLIGHT = "orange-background"  # Streamlit's `:color-background[…]` directive
CELL_SEP = " │ "  # table rows arrive tab-separated; a tab would start a code block in markdown
FIGURE_SPACE = "\u2007"  # as wide as a digit: line numbers of different lengths line up

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
_LEADING_MARKER = re.compile(r"^(\s*)([-+=]|\d+[.)])(?=\s|$)")
_CITE = re.compile(r"\\\[(\d+)\\\]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def escape_md(text: str) -> str:
    """Escape inline markdown (and Streamlit's `$` math); line-level markers are `_escape_line`'s job."""
    return _SPECIAL.sub(r"\\\1", nfc(text))


def _escape_line(line: str) -> str:
    escaped = escape_md(line)
    # "- Đề xuất…", "2. Các chỉ tiêu", "===" would become a list, a numbered list or a heading.
    return _LEADING_MARKER.sub(lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", escaped)


def _cells(text: str) -> str:
    return CELL_SEP.join(c.strip() for c in text.split("\t") if c.strip()) if "\t" in text else text


def answer_markdown(answer: str) -> str:
    """The answer text, escaped, with its citation markers `[n]` in bold so they are easy to match."""
    return _CITE.sub(r"**[\1]**", escape_md(answer))


def citation_key(turn: int, n: int) -> str:
    """Streamlit key of citation n of a turn's answer: its container gets the class `st-key-<key>`."""
    return f"qa-cite-{turn}-{n}"


def cite_link(turn: int, n: int) -> str:
    """`[n]` as a link that opens and shows its passage (ui/static/page.js)."""
    return (
        f'<a class="qa-cite" href="#{citation_key(turn, n)}" data-target="{citation_key(turn, n)}" '
        f'aria-label="Nguồn {n}: mở đoạn trích dẫn">[{n}]</a>'
    )


def answer_markdown_linked(answer: str, turn: int, ids: set[int]) -> str:
    """The answer text, escaped, each `[n]` a link to its passage (for markdown with HTML allowed)."""
    return _CITE.sub(
        lambda m: cite_link(turn, int(m.group(1))) if int(m.group(1)) in ids else m.group(0),
        escape_md(answer),
    )


# ---------------------------------------------------------------------- quote highlighting


def _squeeze(text: str) -> tuple[str, list[int]]:
    """Text with each whitespace run as one space, and the original index of every kept character."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        where.append(i)
    return "".join(out), where


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` sits in `text`, ignoring whitespace differences (table rows come tab-joined in
    the text but space-joined in the quote) and case; None when it cannot be found."""
    text, quote = nfc(text), nfc(quote).strip().rstrip("…").strip()
    if not quote or not text:
        return None
    flat, where = _squeeze(text)
    needle, _ = _squeeze(quote)
    pos = flat.find(needle)
    if pos < 0 and len(flat.lower()) == len(flat):  # lower() keeps Vietnamese lengths; guard anyway
        pos = flat.lower().find(needle.lower())
    if pos < 0:
        return None
    start, end = where[pos], where[pos + len(needle) - 1] + 1
    return start, end


def _mark(text: str) -> str:
    """Highlight one escaped piece of a line; spaces stay outside the directive's brackets."""
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}:{HIGHLIGHT}[{core}]{trail}"


def passage_markdown(text: str, span: tuple[int, int] | None = None) -> str:
    """Chunk text as markdown: lines kept (hard breaks), table cells separated, `span` highlighted."""
    text = nfc(text)
    lines_md: list[str] = []
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if span is None or span[1] <= start or span[0] >= end:
            lines_md.append(_escape_line(_cells(line).strip()))
            continue
        a, b = max(span[0], start) - start, min(span[1], end) - start
        before, inside, after = line[:a], line[a:b], line[b:]
        md = _escape_line(_cells(before).lstrip()) if before.strip() else ""
        md += _mark(_escape_line(_cells(inside)) if not md else escape_md(_cells(inside)))
        md += escape_md(_cells(after).rstrip())
        lines_md.append(md.strip())
    return _join_lines(lines_md)


def _join_lines(lines: list[str]) -> str:
    """Hard line breaks inside paragraphs, one blank line between them (runs of blanks collapsed)."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("  \n".join(p) for p in paragraphs if p)


def numbered_lines_markdown(lines: list[dict[str, Any]], first: int, last: int) -> str:
    """Original lines with their numbers; lines `first`..`last` (the citation) highlighted."""
    width = max((len(str(line["n"])) for line in lines), default=1)
    out: list[str] = []
    page: int | None = None
    for line in lines:
        n, text = int(line["n"]), _cells(nfc(line.get("text") or "")).strip()
        if line.get("page") and line["page"] != page:
            page = line["page"]
            out.append(f"*— trang {page} —*")
        if not text:
            continue  # blank lines (many documents are double-spaced): the numbers still show the gap
        number = f"`{str(n).rjust(width, FIGURE_SPACE)}`"
        body = _mark(escape_md(text)) if first <= n <= last else _escape_line(text)
        out.append(f"{number} {body}")
    return "  \n".join(out)


# ---------------------------------------------------------------------- citations and figures


def line_range(start: int, end: int) -> str:
    return f"dòng {start}" if start == end else f"dòng {start}–{end}"


def document_title(c: dict[str, Any]) -> str:
    """The document's title; its file name (an internal hash for the shipped corpus) only as a last resort."""
    return nfc(c.get("title") or c.get("source") or "Tài liệu")


def citation_place(c: dict[str, Any]) -> str:
    place = line_range(int(c["start_line"]), int(c["end_line"]))
    return f"trang {c['page']}, {place}" if c.get("page") else place


def citation_label(c: dict[str, Any]) -> str:
    """`[n] title — province · page, lines`: the lines tell apart several citations of one document."""
    province = f" — {c['province']}" if c.get("province") else ""
    return escape_md(f"[{c['id']}] {document_title(c)}{province} · {citation_place(c)}")


def citation_location(c: dict[str, Any]) -> str:
    return escape_md(f"{document_title(c)} · {citation_place(c)}")


def preview(text: str, limit: int = 140) -> str:
    """One line of a passage, for a related passage's label."""
    line = " ".join(_cells(nfc(text)).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def figure_value(f: dict[str, Any]) -> str:
    comparator = (f.get("comparator") or "").strip()
    return f"{comparator} {f['value_text']}".strip() if comparator else str(f["value_text"])


def figure_rows(figures: list[dict[str, Any]], citations: list[dict[str, Any]]) -> list[dict[str, str]]:
    cited_ids = {c["id"] for c in citations}
    rows = []
    for f in figures:
        cited = f.get("citation") if f.get("citation") in cited_ids else None
        source = f.get("title") or f.get("source", "")
        where = f", dòng {f['line']}" if f.get("line") else ""
        # A cited figure points at its citation below (which names the document); others name it here.
        rows.append(
            {
                "Chỉ tiêu": nfc(f.get("indicator") or ""),
                "Giá trị": figure_value(f),
                "Đơn vị": f.get("unit") or "",
                "Năm": str(f["year"]) if f.get("year") else "",
                "Loại": kind_label(f),
                "Tỉnh": f.get("province") or "",
                "Nguồn": f"[{cited}]{where}" if cited else f"{source}{where}",
            }
        )
    return rows


def kind_label(f: dict[str, Any]) -> str:
    return str(f.get("kind_label") or KIND_LABEL.get(f.get("kind") or "", ""))


def _unit_key(unit: str) -> str:
    # "bác sĩ" and "bác sỹ" are one unit; so are "%" and " % ".
    return re.sub(r"\s+", "", nfc(unit).casefold()).replace("sĩ", "sỹ").replace("tỉ", "tỷ")


def comparable_figures(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The largest group of ≥ 2 figures sharing a unit but differing in kind, year or province."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in figures:
        if f.get("unit") and isinstance(f.get("value"), int | float):
            groups.setdefault(_unit_key(f["unit"]), []).append(f)
    best: list[dict[str, Any]] = []
    for group in groups.values():
        sides = {(f.get("kind"), f.get("year"), f.get("province")) for f in group}
        if len(group) >= 2 and len(sides) >= 2 and len(group) > len(best):
            best = group
    return best


def bar_labels(figures: list[dict[str, Any]]) -> list[str]:
    """Short, distinct bar labels: province (when several), kind and year; the indicator only when
    those alone would repeat a label (its wording varies from document to document)."""
    several_provinces = len({f.get("province") for f in figures}) > 1
    labels = []
    for f in figures:
        side = " ".join(p for p in (kind_label(f), str(f.get("year") or "")) if p)
        parts = [f.get("province") or ""] if several_provinces else []
        parts.append(side.capitalize() or "—")
        labels.append(" · ".join(p for p in parts if p))
    if len(set(labels)) < len(labels):
        labels = [
            f"{label} · {_short(f.get('indicator') or '')}" for label, f in zip(labels, figures, strict=True)
        ]
    # Two bars may still share a label (same side, same wording in two documents): number them.
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[i] = f"{label} ({seen[label]})"
    return labels


def _short(text: str, limit: int = 32) -> str:
    text = nfc(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
