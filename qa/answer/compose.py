"""The Vietnamese sentences of an answer, each built from an extracted figure or copied from a cited chunk."""

from __future__ import annotations

import os
import re

from qa.extract.indicators import load_catalog
from qa.models import Figure, RegulationMention
from qa.vn.lexicon import lexicon
from qa.vn.numbers import format_vn_number
from qa.vn.text import collapse_ws, fold, nfc, strip_tags


def qualifier_words(q: str, f: Figure | None = None) -> str:
    """A qualifier (stored folded) as a person writes it: the lexicon's way for its own phrases ("6 thang dau
    nam" -> "6 tháng đầu năm"), else the words of the figure's quote or section it was read from ("long my" ->
    "Long Mỹ", "tinh den 30/6/2023" -> "Tính đến 30/6/2023"), else as stored."""
    known = lexicon().qualifier_display.get(q)
    if known is not None:
        return known
    # a range stored "12-17" may be written "12 - 17"
    pattern = r"\s*[-–]\s*".join(re.escape(part) for part in q.split("-"))
    for text in (f.quote, f.section) if f is not None else ():
        written = nfc(text)
        folded = fold(written)
        m = re.search(rf"(?<!\w){pattern}(?!\w)", folded)
        if m and len(folded) == len(written):
            return written[m.start() : m.end()]
    return q


def value_text(f: Figure) -> str:
    gap = "" if f.unit.startswith(("%", "‰")) else " "  # "54,3%", as the documents write it
    return f"{f.comparator + ' ' if f.comparator else ''}{f.value_text}{gap}{f.unit}".strip()


def scope_text(f: Figure) -> str:
    """'kế hoạch năm 2024 của Bắc Giang', '(6 tháng đầu năm)' added when the figure is narrowed."""
    label = lexicon().kind_label(f.kind)
    head = f"{label} năm {f.year}" if label and f.year else (f"năm {f.year}" if f.year else "số liệu")
    if f.qualifiers:
        head += " (" + ", ".join(qualifier_words(q, f) for q in f.qualifiers) + ")"
    return head + (f" của {f.province}" if f.province else "")


def figure_sentence(f: Figure, siblings: list[Figure], marker: int) -> str:
    head = scope_text(f)
    text = f"{head[:1].upper()}{head[1:]} — {f.indicator}: {value_text(f)}"
    others = [s for s in siblings if s is not f and s.value_text]
    if others:
        text += " (" + "; ".join(_sibling_text(s, f) for s in others[:2]) + ")"
    return f"{text} [{marker}]."


def _sibling_text(s: Figure, f: Figure) -> str:
    """Another value of the answer's row, with its unit: of another kind or year by that ("kế hoạch 2024: 12,5 …"),
    another quantity of the same kind and year by what its label adds to the answer's ("Tuyến tỉnh (% KH): 54,3%",
    "% KH: 103,8%" beside "… thu được đơn vị máu")."""
    when = f"{lexicon().kind_label(s.kind) or s.column} {s.year or ''}"
    # What narrows it and not the answer's value ("cả nước" beside the province's rate) is said with it: a
    # qualified value must not read as the province-wide one.
    narrower = [qualifier_words(q, s) for q in s.qualifiers if q not in f.qualifiers]
    if narrower:
        when = f"{when} ({', '.join(narrower)})"
    if s.indicator == f.indicator or (s.kind, s.year) != (f.kind, f.year):
        # a value of no known kind or year: where a trend started ("giảm từ 0,57 xuống còn 0,020 năm 2022")
        return f"{collapse_ws(when) or 'trước đó'}: {value_text(s)}"
    shared = len(os.path.commonprefix([s.indicator, f.indicator]))
    added = s.indicator[shared:].strip(" ,.:;()-") if shared >= _SHARED_LABEL_CHARS else s.indicator
    unsaid = [n for n in narrower if fold(n).lower() not in fold(added).lower()]
    if added and unsaid:
        added = f"{added} ({', '.join(unsaid)})"
    return f"{collapse_ws(added or when)}: {value_text(s)}"


# Two labels of one sentence that begin alike ("…, kết quả thu được đơn vị máu" and "… (% KH)"): only what the
# second adds is said. Shorter shared beginnings are chance ("Số …").
_SHARED_LABEL_CHARS = 12


def meets(result: Figure, plan: Figure) -> bool | None:
    """Whether a result reaches its plan: the plan's comparator decides, else the indicator's direction."""
    cmp = plan.comparator
    if cmp in ("<", "≤"):
        return result.value < plan.value if cmp == "<" else result.value <= plan.value
    if cmp in (">", "≥"):
        return result.value > plan.value if cmp == ">" else result.value >= plan.value
    indicator = load_catalog().indicators.get(result.indicator_id or "")
    if indicator is not None and indicator.higher_is_better is False:
        return result.value <= plan.value
    if indicator is None and not same_quantity(result, plan):
        return None
    return result.value >= plan.value


def same_quantity(a: Figure, b: Figure) -> bool:
    """Two figures can be set side by side: the same catalog indicator (its unit is theirs, "tuổi" or "năm"
    of life expectancy), or the same unit up to accents and the i/y spelling ("bác sỹ" / "bác sĩ"), or two rates
    per the same population of which one does not name what it counts."""
    if a.indicator_id and a.indicator_id == b.indicator_id:
        return True
    ua, ub = _unit_form(a.unit), _unit_form(b.unit)
    if ua == ub:
        return True
    # Two rates per the same population, one naming what it counts: "người/100.000 dân" and "/100.000 dân".
    (na, _, pa), (nb, _, pb) = ua.partition("/"), ub.partition("/")
    return bool(pa) and pa == pb and (not na or not nb)


def _unit_form(unit: str) -> str:
    return " ".join(fold(unit).replace("y", "i").split())


def plan_sentence(result: Figure, plan: Figure, marker: int) -> str:
    verdict = meets(result, plan)
    said = {True: "đạt kế hoạch", False: "chưa đạt kế hoạch", None: "so với kế hoạch"}[verdict]
    return f"So với kế hoạch {value_text(plan)}: {said} [{marker}]."


def share_of_plan_sentence(share: Figure, marker: int) -> str:
    """The verdict a percentage of the plan gives ("đạt 103,52% KH năm": over the plan)."""
    said = (
        "Vượt kế hoạch"
        if share.value > 100
        else "Đạt kế hoạch"
        if share.value == 100
        else "Chưa đạt kế hoạch"
    )
    return f"{said} ({value_text(share)} kế hoạch) [{marker}]."


def _when(f: Figure) -> str:
    """' (thực hiện 2023)', ' (2021)' when the kind is not known, '' when neither is."""
    said = " ".join(p for p in (lexicon().kind_label(f.kind), str(f.year or "")) if p)
    return f" ({said})" if said else ""


# From this ratio on, a comparison also says how many times one side is the other ("gấp 201,7 lần"): below it, the
# difference says it ("cao hơn 2,9 bác sĩ/10.000 dân" rather than "gấp 1,3 lần").
TIMES_WORTH_SAYING = 1.5


def compare_sentence(a: Figure, b: Figure) -> str:
    def name(f: Figure) -> str:
        # two indicators of one place ("tỷ suất sinh thô và tỷ suất tử thô") are named by their labels
        one_place = a.province == b.province and fold(a.indicator) != fold(b.indicator)
        return f.indicator if one_place else (f.province or f.source)

    def side(f: Figure, n: int) -> str:
        return f"{name(f)}: {value_text(f)}{_when(f)} [{n}]"

    text = f"{side(a, 1)}; {side(b, 2)}."
    if not same_quantity(a, b):
        return text + " Hai số liệu có đơn vị khác nhau, không so sánh trực tiếp."
    if a.value == b.value:
        return text + " Hai giá trị bằng nhau."
    hi, lo = (a, b) if a.value > b.value else (b, a)
    diff = format_vn_number(abs(a.value - b.value))
    # a difference of two shares is in percentage points; of two counts or rates, in their unit
    unit = "điểm phần trăm" if hi.unit == "%" else hi.unit
    said = f" {name(hi)} ({hi.year}) cao hơn {name(lo)} ({lo.year}) {diff}"
    said += f" {unit}" if unit else ""
    if lo.value > 0 and hi.value / lo.value >= TIMES_WORTH_SAYING:
        said += f", gấp {format_vn_number(round(hi.value / lo.value, 1))} lần"  # "… thấp hơn bao nhiêu lần"
    return text + said + "."


def ranking_sentence(name: str, rows: list[tuple[Figure, int]], high: bool | None) -> str:
    parts = [f"{f.province}: {value_text(f)}{_when(f)} [{n}]" for f, n in rows]
    text = f"{name} theo tỉnh: " + "; ".join(parts) + "."
    if high is not None and len(rows) > 1:
        best = rows[0][0]
        text += f" {'Cao' if high else 'Thấp'} nhất: {best.province} ({value_text(best)})."
    if any(not same_quantity(rows[0][0], f) for f, _ in rows[1:]):
        text += " Lưu ý: các tỉnh ghi đơn vị khác nhau."
    return text


def trend_sentence(name: str, rows: list[tuple[Figure, int]]) -> str:
    parts = [f"{f.year}: {value_text(f)} ({lexicon().kind_label(f.kind)}) [{n}]" for f, n in rows]
    return f"{name} của {rows[0][0].province} qua các năm — " + "; ".join(parts) + "."


def regulation_sentence(m: RegulationMention) -> str:
    parts = [f"{m.kind or 'Văn bản'} số {m.number}"]
    if m.date:
        parts.append(f"ngày {vn_date(m.date)}")
    if m.issuer:
        parts.append(f"của {m.issuer}")
    text = " ".join(parts)
    if m.subject:
        text += f" {m.subject}"
    return text.rstrip(" .;,") + f" (được viện dẫn tại {m.source}, dòng {m.line})"


def quote(text: str) -> str:
    return collapse_ws(strip_tags(text).replace("**", "").replace("|", " "))


def topic(question: str) -> str:
    words = re.sub(
        r"\b(bao nhiêu|là gì|là bao nhiêu|như thế nào|thế nào|nào|gì)\b|\?", "", question, flags=re.I
    )
    return f"“{collapse_ws(words)[:120]}”"


def vn_date(iso: str) -> str:
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


def missing_side_sentence(provinces: list[str] | None, year: int | None, indicator: str | None = None) -> str:
    """What a comparison could not find: "Không tìm thấy số liệu năm 2012 để so sánh.", or of one of two indicators
    compared: "Không tìm thấy số liệu về Số ca mắc tay chân miệng để so sánh."."""
    if indicator:
        return f"Không tìm thấy số liệu về {indicator} để so sánh."
    where = f" của {', '.join(provinces)}" if provinces else ""
    when = f" năm {year}" if year else ""
    return f"Không tìm thấy số liệu{when}{where} để so sánh."
