"""The letterhead of an administrative document: issuer, issuing province, số hiệu and issue date.

    UBND TỈNH KIÊN GIANG            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    SỞ Y TẾ                         Độc lập - Tự do - Hạnh phúc
    Số: 2345/SYT-KHTC               Kiên Giang, ngày 20 tháng 7 năm 2021

Extracted text puts the two columns one after the other, joins them with "|" (web copies) or breaks a line
in the middle ("Lào Cai, ngày 21" / "tháng 4 năm 2020"); the head is read as cells and as one joined text.

The province is the one the letterhead names (the issuer's line), else the place of the place-date line,
else the most mentioned one. A document issued after the 2025 merger is attributed to its issuer's current
unit: a 2025 decision of UBND tỉnh Đồng Nai that names former Bình Phước thirty times is Đồng Nai's.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from qa.ingest.metadata.casing import is_capitalised
from qa.vn.gazetteer import Gazetteer, load_gazetteer
from qa.vn.lexicon import Issuer, lexicon
from qa.vn.so_hieu import normalize_number
from qa.vn.text import collapse_ws, fold
from qa.vn.years import YEAR

_HEAD_LINES = 60
_MAX_ISSUER_LINE = 80  # "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH" and the like; a longer line is prose  # the letterhead, type line and subject of every document seen fit in its first 60 lines
_NUMBER_LINE = re.compile(r"(?:^|\|)\s*Số\s*:\s*([0-9]*)\s*(/[\w\-/ĐđÐ]+)", re.I)
# "Kiên Giang, ngày 20 tháng 7 năm 2021"; day and month may be left blank in a draft ("ngày   tháng   năm 2023").
_PLACE_DATE = re.compile(
    rf"(?P<place>[^\W\d_][^\d,;:|]{{1,40}}?)\s*,\s*ngày\s+(?P<d>\d{{1,2}})?\s*tháng\s+(?P<m>\d{{1,2}})?\s*năm\s+(?P<y>{YEAR})",
    re.I,
)
# A news page's date line: "14/02/2022", "Thứ Hai, 14/02/2022 08:30", "12/08/2019 07:45:48".
_NEWS_DATE = re.compile(
    rf"^(?:[^\d]{{0,20}},\s*)?(\d{{1,2}})[/-](\d{{1,2}})[/-]({YEAR})(?:\s*[-|,]?\s*\d{{1,2}}[:h]\d{{2}}(?::\d{{2}})?)?\s*$"
)
# A saved page's date stamp, then whatever the line goes on with (often the headline): "date 2023-05 Đồng Nai: …",
# "Ngày đăng: 14/02/2022".
_NEWS_STAMP = re.compile(
    r"^(?:"
    + "|".join(sorted((re.escape(w) for w in lexicon().news_date_labels), key=len, reverse=True))
    + rf")\s*:?\s*(?:(?P<y>{YEAR})-(?P<m>\d{{1,2}})(?:-(?P<d>\d{{1,2}}))?"
    + rf"|(?P<d2>\d{{1,2}})[/-](?P<m2>\d{{1,2}})[/-](?P<y2>{YEAR}))(?!\d)\s*(?P<rest>.*)$",
    re.I,
)
# A news page puts site chrome ("Xem nhiều", teasers of other articles, a category) before the headline and its
# date line; the date line of every page seen stood within its first 20 cells (the furthest: the 7th).
_NEWS_HEAD_CELLS = 20
_ISSUERS = lexicon().letterhead.issuers
_MOTTO = lexicon().letterhead.motto
# Its own số hiệu code part naming the issuer: "KH-UBND" -> Ủy ban nhân dân, "SYT-KHTC" -> Sở Y tế.
_ISSUER_BY_CODE = {code: issuer for issuer in _ISSUERS for code in issuer.codes}
# Words of the letterhead that are not the province's name: "UBND TỈNH", "THÀNH PHỐ".
_UNIT_TYPE = re.compile(r"^(?:tinh|thanh pho|tp\.?)\s+", re.I)


@dataclass(slots=True)
class Letterhead:
    cells: list[str]  # the head's lines, cut at "|" and tabs, markdown marks removed
    joined: str  # the cells joined by spaces (a date broken over two lines reads whole)
    number: str | None
    number_codes: list[str]  # folded code parts of its own số hiệu: ["kh", "ubnd"]
    date: str | None
    place: str | None  # the place of the place-date line
    issuer_body: Issuer | None
    issuer_province: str | None  # the province the issuer's lines name
    has_letterhead: bool  # a số hiệu, a place-date line, an issuer or the motto
    dateline: int | None = None  # without a letterhead: the cell holding a news page's publication date
    dateline_rest: str = ""  # what that cell goes on with after a date stamp ("date 2023-05 <headline>")


def read_letterhead(lines: list[str]) -> Letterhead:
    cells = _cells(lines[:_HEAD_LINES])
    joined = " ".join(cells)
    number, codes = _number(cells)
    place, when = _place_date(joined)
    body, province = _issuer(cells)
    motto = any(_is_motto(c) for c in cells)
    has_letterhead = bool(number or place or body or motto)
    dateline, rest = None, ""
    if when is None and not has_letterhead:
        when, dateline, rest = _news_date(cells)
    return Letterhead(
        cells, joined, number, codes, when, place, body, province, has_letterhead, dateline, rest
    )


def is_letterhead_cell(cell: str) -> bool:
    """A motto, issuer, number or place-date cell: never part of a title."""
    return (
        _is_motto(cell)
        or _issuer_of(cell) is not None
        or bool(_NUMBER_LINE.search(cell))
        or bool(_PLACE_DATE.search(cell))
        or bool(re.fullmatch(r"[-_=–—\s]+", cell))
    )


def closes_letterhead(cell: str) -> bool:
    """The số hiệu or place-date line: the letterhead ends with the later of the two."""
    return bool(_NUMBER_LINE.search(cell) or _PLACE_DATE.search(cell))


def _cells(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for cell in re.split(r"\s*[|\t]\s*", line):
            cell = collapse_ws(re.sub(r"^#+\s*|\*+", "", cell))
            if cell:
                out.append(cell)
    return out


def _is_motto(cell: str) -> bool:
    return collapse_ws(re.sub(r"[^\w\s]", " ", fold(cell))) in _MOTTO


def _number(cells: list[str]) -> tuple[str | None, list[str]]:
    for cell in cells[:40]:
        m = _NUMBER_LINE.search(cell)
        if m:
            codes = [fold(c) for c in re.split(r"[-/\s]+", m.group(2)) if c and not c.isdigit()]
            return (normalize_number(m.group(1) + m.group(2)) if m.group(1) else None), codes
    return None, []


def _place_date(joined: str) -> tuple[str | None, str | None]:
    m = _PLACE_DATE.search(joined)
    if not m:
        return None, None
    place = collapse_ws(re.split(r"[|)\]]", m.group("place"))[-1])
    day, month, year = m.group("d"), m.group("m"), m.group("y")
    if day and month:
        when = f"{year}-{int(month):02d}-{int(day):02d}"
    else:
        when = f"{year}-{int(month):02d}" if month else year
    return place, when


def _news_date(cells: list[str]) -> tuple[str | None, int | None, str]:
    """A news page's publication date, the cell it stands in and what a date stamp's line goes on with."""
    for k, cell in enumerate(cells[:_NEWS_HEAD_CELLS]):
        m = _NEWS_DATE.match(cell)
        if m:
            day, month, year = m.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}", k, ""
        s = _NEWS_STAMP.match(cell)
        if s:
            year, month, day = s["y"] or s["y2"], s["m"] or s["m2"], s["d"] or s["d2"]
            when = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
            return when, k, s["rest"]
    return None, None, ""


def _issuer_of(cell: str) -> Issuer | None:
    """The body a letterhead line names; letterheads are set in capitals (prose that starts "Ủy ban nhân dân
    tỉnh …" is not one)."""
    if not is_capitalised(cell) or len(cell) > _MAX_ISSUER_LINE:
        return None
    folded = fold(cell)
    return next(
        (i for i in _ISSUERS if any(folded.startswith(w + " ") or folded == w for w in i.words)), None
    )


def _issuer(cells: list[str]) -> tuple[Issuer | None, str | None]:
    """The issuing body (the last issuer line of the letterhead: "SỞ Y TẾ" under "UBND TỈNH KIÊN GIANG") and
    the province its lines name ("ỦY BAN NHÂN DÂN" / "TỈNH LÀO CAI" counts as one)."""
    gaz = load_gazetteer()
    body: Issuer | None = None
    province: str | None = None
    for k, cell in enumerate(cells[:40]):
        issuer = _issuer_of(cell)
        if issuer is None:
            continue
        body = issuer
        named = gaz.province_mentions(cell)
        if not named and k + 1 < len(cells) and _UNIT_TYPE.match(fold(cells[k + 1])):
            named = gaz.province_mentions(cells[k + 1])
        if named and province is None:
            province = named.most_common(1)[0][0]
    return body, province


def issuer_of_number(codes: list[str]) -> Issuer | None:
    """The issuer a số hiệu names: "247/KH-UBND" -> Ủy ban nhân dân."""
    return next((_ISSUER_BY_CODE[c] for c in reversed(codes) if c in _ISSUER_BY_CODE), None)


def issuing_province(head: Letterhead, lines: list[str]) -> str | None:
    """The letterhead's province, else the place-date line's, else the most mentioned (head counts 5×);
    after the merger, the current unit of whichever was found."""
    gaz = load_gazetteer()
    after_merger = _after(head.date, gaz.effective)
    province = head.issuer_province or _place_province(head.place, gaz)
    if province is None:
        province = _most_mentioned(lines, gaz, after_merger)
    if province is not None and after_merger:
        province = gaz.current_of(province) or province
    return province


def _after(when: str | None, effective: date) -> bool:
    if not when:
        return False
    parts = [int(p) for p in when.split("-")]
    year, month, day = (parts + [1, 1])[:3]
    return date(year, month, day) >= effective if len(parts) == 3 else year > effective.year


def _place_province(place: str | None, gaz: Gazetteer) -> str | None:
    if not place:
        return None
    name = gaz.canonical(_UNIT_TYPE.sub("", fold(place)))
    if name:
        return name
    implied = gaz.province_mentions(place) or gaz.implied_provinces(place)  # "TP. Vị Thanh" -> Hậu Giang
    return implied.most_common(1)[0][0] if implied else None


def _most_mentioned(lines: list[str], gaz: Gazetteer, after_merger: bool) -> str | None:
    counts: Counter[str] = Counter()
    head = "\n".join(lines[:40])
    for name, n in gaz.province_mentions(head).items():
        counts[name] += 5 * n
    for name, n in gaz.province_mentions("\n".join(lines)).items():
        counts[name] += n
    if after_merger:  # former names count for the unit that absorbed them
        merged: Counter[str] = Counter()
        for name, n in counts.items():
            merged[gaz.current_of(name) or name] += n
        counts = merged
    return counts.most_common(1)[0][0] if counts else None


def issuer_name(head: Letterhead, province: str | None) -> str | None:
    """ "Sở Y tế tỉnh Kiên Giang", "Ủy ban nhân dân tỉnh Lào Cai": the body from the letterhead or the số hiệu."""
    body = head.issuer_body or issuer_of_number(head.number_codes)
    if body is None:
        return None
    if province is None:
        return body.name
    return f"{body.name} {load_gazetteer().full_name(province)}"
