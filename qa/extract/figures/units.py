"""Units of figures: what a number counts and per how many ("bác sỹ/10.000 dân", "%", "‰", "triệu đồng").

Per-population parts are written "/10.000 dân" whatever the source said ("trên 10.000 người dân", "/vạn dân", "/VD").
"""

from __future__ import annotations

import re

from qa.vn.lexicon import lexicon
from qa.vn.text import collapse_ws

CMP = {"<=": "≤", ">=": "≥", "≤": "≤", "≥": "≥", "<": "<", ">": ">"}
WORD_CMP = {
    "hơn": ">",
    "trên": ">",
    "dưới": "<",
    "ít nhất": "≥",
    "tối thiểu": "≥",
    "tối đa": "≤",
    "không quá": "≤",
}

# ---------------------------------------------------------------- units

POP = r"(?:người dân|dân|trẻ đẻ sống|trẻ sinh sống|trẻ sơ sinh sống|sơ sinh sống|bé gái)"
PER_POP_RE = re.compile(
    rf"(?:/\s*|\btrên\s+|\bmỗi\s+)(?P<n>\d{{1,3}}(?:\.\d{{3}})+|\d+)\s*(?P<pop>{POP})\b"
    # "/vạn dân", "trên 1 vạn dân", "trên một vạn dân", "bình quân 1 vạn dân" (a yearbook's "Số bác sĩ bình quân
    # 1 vạn dân")
    r"|(?P<vd>/\s*VD\b|(?:/\s*|\b(?:trên|mỗi|bình quân)\s+)(?:(?:1|một)\s+)?vạn dân\b)",
    re.I,
)
_PER_PERSON_RE = re.compile(r"/\s*người\s*/\s*năm", re.I)

# Units a prose number may carry; longest first. Weak ones ("tuổi", "năm") are labels as often as
# units ("trẻ em dưới 5 tuổi"), so they only count right after a value cue.
STRONG_UNITS = list(lexicon().units.strong)
WEAK_UNITS = list(lexicon().units.weak)
CANONICAL_UNIT = {u.lower(): u for u in STRONG_UNITS + WEAK_UNITS}
MONEY = lexicon().units.money
# "1,4 triệu lượt người": a multiplier before what is counted is part of the unit ("triệu lượt"); alone,
# "0,5 tỷ" and "1 triệu" are money (normalize_unit).
_MULTIPLIED = (
    r"(?:"
    + "|".join(re.escape(m) for m in lexicon().numbers_in_text.multipliers)
    + r")\s+(?:"
    + "|".join(re.escape(u) for u in sorted(set(STRONG_UNITS) - MONEY, key=len, reverse=True))
    + r")"
)
# "98 Tỷ lệ xã …" (a yearbook's row number, then its label): "tỷ" before "lệ", "suất", "số" or "trọng" names a
# ratio, not a thousand million.
_NOT_A_RATE_WORD = r"(?!(?<=ỷ|ỉ|Ỷ|Ỉ)\s+(?:lệ|suất|số|trọng)(?!\w))"
SPELLED_SYMBOLS = lexicon().units.spelled_symbols
UNIT_RE = re.compile(
    r"\s?(?:(?P<sym>%o(?![^\W\d_])|%0(?!\d|[.,]\d)|‰|%|"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(SPELLED_SYMBOLS, key=len, reverse=True))
    + r"(?![^\W\d_]))|(?P<word>"
    + _MULTIPLIED
    + "|"
    + "|".join(re.escape(u) for u in sorted(STRONG_UNITS + WEAK_UNITS, key=len, reverse=True))
    + r")(?![^\W\d_])"
    + _NOT_A_RATE_WORD
    + ")"
    r"(?P<per>\s*/\s*(?:\d{1,3}(?:\.\d{3})+|\d+)\s*" + POP + r"\b"
    r"|\s*/\s*(?:VD|vạn dân)\b|\s+trên\s+\d{1,3}(?:\.\d{3})+\s+" + POP + r"\b"
    r"|\s+(?:trên|mỗi)\s+(?:(?:1|một)\s+)?vạn dân\b"
    r"|/(?:người/năm|ngày|tuần|tháng|năm|người|vụ|km2|km²)(?!\w))?",
    re.I,
)
UNIT_ALT = "|".join(re.escape(u) for u in sorted(STRONG_UNITS, key=len, reverse=True))
# Units a table's unit column may name without saying what is counted.
GENERIC_UNITS = lexicon().units.generic_columns  # folded


def _per_pop_text(m: re.Match) -> str:
    if m.group("vd"):
        return "/10.000 dân"
    pop = m.group("pop").lower()
    pop = "dân" if pop == "người dân" else pop
    return f"/{m.group('n')} {pop}"


def normalize_per(per: str) -> str:
    """'/100.000 người dân' -> '/100.000 dân', '/VD' -> '/10.000 dân', ' trên 10.000 dân' -> '/10.000 dân'."""
    m = PER_POP_RE.search(per)
    return _per_pop_text(m) if m else collapse_ws(per).replace(" /", "/")


def normalize_unit(unit: str) -> str:
    u = collapse_ws(unit)
    if not u:
        return ""
    if u in {"%o", "%0", "‰"}:
        return "‰"
    if u.lower() in SPELLED_SYMBOLS:
        return SPELLED_SYMBOLS[u.lower()]
    u = re.sub(r"^[Ss]ố\s+", "", u)  # "Số bé trai/100 bé gái" -> "bé trai/100 bé gái"
    if len(u) > 1 and u[0].isupper() and not u[1].isupper():
        u = u[0].lower() + u[1:]  # "Bác sỹ" -> "bác sỹ", but "BM/100.000 ..." stays
    u = re.sub(r"^trên\s+", "/", u)  # "Trên 1.000 trẻ đẻ sống" -> "/1.000 trẻ đẻ sống"
    m = PER_POP_RE.search(u)
    if m:
        u = u[: m.start()].rstrip() + _per_pop_text(m) + u[m.end() :]
    return {"bn": "bệnh nhân", "tỷ": "tỷ đồng", "triệu": "triệu đồng"}.get(u.lower(), u)


def label_noun(label: str) -> str:
    """What a 'Số X/10.000 dân' label counts: 'Số điều dưỡng trên 10.000 dân' -> 'điều dưỡng'."""
    m = re.match(r"^(?:tổng\s+)?số\s+(.+?)\s*(?:/|\btrên\b|\bmỗi\b)", label, re.I)
    return collapse_ws(m.group(1)) if m else ""


def per_part(label: str) -> str:
    m = PER_POP_RE.search(label)
    if m:
        return _per_pop_text(m)
    return "/người/năm" if _PER_PERSON_RE.search(label) else ""


def is_count_unit(unit: str) -> bool:
    """A unit that counts things ("trẻ", "ca", "người"): no share, rate or money."""
    return bool(unit) and not any(mark in unit for mark in ("%", "‰", "/")) and unit not in MONEY
