"""Document metadata: title, province, kind, số hiệu, date and covered years.

Detected from the text; a sidecar ``NAME.meta.json`` next to the file overrides
any field it sets.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import fields
from pathlib import Path

from qa.models import Block, DocumentMeta
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.text import collapse_ws, fold
from qa.vn.years import YEAR

# The document-type line ("KẾ HOẠCH") and the code of its own số hiệu ("Số: 421/KH-UBND") name its kind.
_KINDS = dict(lexicon().document_kind_words(lexicon().type_line_kinds))
_CODE_KINDS = lexicon().document_kind_codes(lexicon().metadata_code_kinds)
_NUMBER_LINE = re.compile(r"^\s*Số\s*:\s*([0-9]*)\s*(/[\w\-/ĐđÐ]+)", re.I)
_DATE = re.compile(rf"^[^\d,;]{{2,40}},\s*ngày\s+(\d{{1,2}})?\s*tháng\s+(\d{{1,2}})?\s*năm\s+({YEAR})", re.I)
_YEAR = re.compile(rf"(?<![\d/.-])({YEAR})(?![\d/])")
_SIDECAR_FIELDS = {f.name for f in fields(DocumentMeta)}


def detect_metadata(lines: list[str], blocks: list[Block]) -> DocumentMeta:
    head = [ln.strip() for ln in lines[:80] if ln.strip()]
    meta = DocumentMeta()
    meta.province = _province(lines)
    meta.number, code = _number(head)
    meta.date = _date(head)
    meta.kind, meta.title = _kind_and_title(head, blocks, code)
    meta.years = _years(meta.title, blocks, meta.date)
    return meta


def apply_sidecar(meta: DocumentMeta, path: Path) -> DocumentMeta:
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.is_file():
        sidecar = path.with_suffix(".meta.json")
    if not sidecar.is_file():
        return meta
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    for key, value in data.items():
        if key in _SIDECAR_FIELDS:
            setattr(meta, key, value)
    return meta


def _province(lines: list[str]) -> str | None:
    gaz = load_gazetteer()
    head = "\n".join(lines[:40])
    counts: Counter[str] = Counter()
    # The letterhead and the place-date line name the issuing province; weigh them more.
    for name, n in gaz.province_mentions(head).items():
        counts[name] += 5 * n
    for name, n in gaz.province_mentions("\n".join(lines)).items():
        counts[name] += n
    return counts.most_common(1)[0][0] if counts else None


def _number(head: list[str]) -> tuple[str | None, str | None]:
    for line in head[:30]:
        m = _NUMBER_LINE.match(line)
        if m:
            code = m.group(2).strip("/").split("-")[0]
            return ((m.group(1) + m.group(2)) if m.group(1) else None), code
    return None, None


def _date(head: list[str]) -> str | None:
    for line in head[:30]:
        m = _DATE.search(line)
        if m:
            day, month, year = m.groups()
            if day and month:
                return f"{year}-{int(month):02d}-{int(day):02d}"
            return f"{year}-{int(month):02d}" if month else year
    return None


def _kind_and_title(head: list[str], blocks: list[Block], code: str | None) -> tuple[str | None, str]:
    clean = [collapse_ws(re.sub(r"^#+\s*|\*+", "", ln)) for ln in head]
    for k, line in enumerate(clean[:40]):
        folded = fold(line)
        if line.isupper() and folded in _KINDS:
            kind: str | None = _KINDS[folded]
            subtitle = [ln for ln in clean[k + 1 : k + 3] if ln and not ln.isupper() and len(ln) < 160]
            # A subtitle may wrap onto a second line that starts in lower case.
            parts = subtitle[:1] + [ln for ln in subtitle[1:2] if ln[:1].islower()]
            return kind, collapse_ws(f"{kind} {' '.join(parts)}")
        if folded.startswith("v/v "):
            kind = "Công văn"
            return kind, collapse_ws(f"Công văn về việc {line[4:]}")[:200]
    bare_part = re.compile(r"(Phần|Phụ\s+lục)\s+\S+(\s+\S+)?", re.I)
    first = next((b.section[0] for b in blocks if b.section and not bare_part.fullmatch(b.section[0])), "")
    kind = _CODE_KINDS.get(fold(code or ""))
    if kind is None and "ket qua" in fold(first):
        kind = "Báo cáo"
    title = re.sub(r"^Phần\s+(?:thứ\s+)?\S+\.\s*", "", first)
    title = (title[:1].upper() + title[1:].lower()) if title.isupper() else title
    return kind, f"{kind} {title[:1].lower() + title[1:]}" if kind and title else title


def _years(title: str, blocks: list[Block], date: str | None) -> list[int]:
    years: set[int] = {int(y) for y in _YEAR.findall(title)}
    for b in blocks:
        if b.kind == "heading":
            years.update(int(y) for y in _YEAR.findall(b.section[-1] if b.section else b.text))
        elif b.row is not None:
            for column, _ in b.row.values:
                years.update(int(y) for y in _YEAR.findall(column))
    if date:
        years.add(int(date[:4]))
    return sorted(y for y in years if 1990 <= y <= 2100)
