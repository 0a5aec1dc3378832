"""The catalog of standard health indicators, and the matcher that maps a label or a question onto it.

Data: ``qa/data/indicators.json`` (ids, official names, units, variants, excludes). A text matches an
indicator through its best variant: the IDF-weighted share of the variant's words the text contains, after
folding accents and spelling (sĩ/sỹ, tỷ/tỉ, 10.000/10000) and expanding abbreviations both ways (BS ↔ bác sĩ,
vạn dân ↔ 10.000 dân, from ``qa/data/synonyms.json``). Words shared by many indicators ("tỷ lệ", "số", "dân")
weigh little, head concepts ("thấp còi", "mẹ", "lao") weigh much, so "tỷ số tử vong mẹ" cannot match "số
người tử vong do AIDS". An exclude phrase present in the text rules the indicator out ("bác sĩ" rules out
"nhân lực y tế"; "trạm y tế" rules out "bác sĩ trên 10.000 dân").

Figures get the best indicator above ``MAP_THRESHOLD`` at index time, with the words that narrow them to part
of the province or year (qualifiers: "6 tháng đầu năm", "tuyến tỉnh", a district) that the indicator itself
does not say.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from qa.extract.qualifiers import (
    DocumentScope,
    age_groups,
    aimed_change,
    change_reference,
    clause_after,
    cumulative_spans,
    is_breakdown,
    leading_scope,
    listed_part,
    names_its_parts,
    nationwide,
    opens_parts,
    paragraph_scope,
    parenthesised_part,
    part_in_sentence,
    part_named_before,
    periods_in,
    section_period,
    sex_breakdown,
    span_carries,
    value_at,
)
from qa.models import Figure
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.so_hieu import NUMBER_RE
from qa.vn.text import fold
from qa.vn.tokens import syllables, synonym_words
from qa.vn.years import YEAR

# A figure is mapped when its best indicator covers at least this IDF-weighted share of a variant's words.
# Chosen on the hand labels of documents 000 and 002 (bench/indicator_mapping.py --tune), reported on all five.
MAP_THRESHOLD = 0.65
# How much a unit that contradicts the indicator's measure costs ("%" for a count), and what a unit that
# confirms it ("/10.000 dân" for a per-10,000 rate) adds; both as shares of a full variant match.
UNIT_CONFLICT_PENALTY = 0.5
UNIT_CONFIRM_BONUS = 0.05
# Words of a name that say its scope, not what is measured (folded; "tỷnh" is a common typo of "tỉnh").
_SCOPE_WORDS = frozenset({"tinh", "tynh", "toan"})
# A text that lacks a variant's head concept (its rarest word) keeps only this share of the match: "bệnh nhân
# mới phát hiện" is not "bệnh nhân phong mới phát hiện" (it is the tuberculosis row of the table).
HEAD_MISSING_FACTOR = 0.6
# How much words of a label that the indicator does not explain lower the match (0: not at all).
EXTRA_WORDS_EXPONENT = 0.5


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    name: str
    group: str
    unit: str
    denominator: str | None
    measure: str  # rate | ratio | count | percent | per_mille | years | money
    higher_is_better: bool | None
    variants: tuple[str, ...]
    excludes: tuple[str, ...]
    level: bool = False  # a value at a date (staff, coverage, prevalence), not a total over a period
    parts: tuple[
        str, ...
    ] = ()  # ways to write a part of it ("tổng tiền thuốc sử dụng nội trú"): matched, but
    # what they say beyond the indicator ("nội trú") stays a qualifier

    def says(self, variant: str) -> str:
        """What a matched variant says that is the indicator itself (a part variant: only the name)."""
        return self.name if variant in self.parts else f"{variant} {self.name}"


@dataclass(frozen=True, slots=True)
class IndicatorMatch:
    indicator: Indicator
    score: float  # 0..1 (+ a small unit bonus): share of the best variant's weighted words found
    variant: str


@dataclass(frozen=True, slots=True)
class TextWords:
    """A text as the matcher sees it. Accented syllables match accented words only ("sơ sinh" is not "số");
    words typed without accents, and the words of abbreviation groups present, match folded."""

    accented: frozenset[str]
    folded: frozenset[str]
    content: frozenset[str]  # folded words that name something (no glue or value cues)

    def has(self, token: str) -> bool:
        return token in self.accented or fold(token) in self.folded


def text_words(text: str) -> TextWords:
    sylls = syllables(text)
    unaccented = {s for s in sylls if fold(s) == s}
    folded = frozenset(unaccented | synonym_words(text))
    stop = lexicon().stop_words.phrase
    return TextWords(frozenset(sylls), folded, frozenset(fold(s) for s in sylls) - stop)


def _phrase(text: str) -> str:
    return " " + " ".join(fold(s) for s in syllables(text)) + " "


@dataclass(frozen=True, slots=True)
class _Variant:
    indicator: Indicator
    text: str
    tokens: tuple[tuple[str, str, float], ...]  # (accented syllable, folded, IDF weight)
    total: float
    head: str  # its rarest word across the catalog ("phong" of "bệnh nhân phong mới"): its head concept


class IndicatorCatalog:
    def __init__(
        self,
        indicators: list[Indicator],
        groups: dict[str, str] | None = None,
        unit_families: dict[str, list[str]] | None = None,
        share_of_plan_after: list[str] | None = None,
    ) -> None:
        self.indicators = {i.id: i for i in indicators}
        self.groups = groups or {}  # group id -> Vietnamese name
        # folded count unit -> its family ("luot" -> "visits"): counts of different things never match
        self.unit_family = {_unit_key(u): fam for fam, units in (unit_families or {}).items() for u in units}
        self._share_of_plan = (
            re.compile(r"\s*%?\s*(?:" + "|".join(share_of_plan_after) + ")", re.I)
            if share_of_plan_after
            else None
        )
        raw: list[tuple[Indicator, str, tuple[str, ...]]] = []
        for ind in indicators:
            seen: set[tuple[str, ...]] = set()
            for v in (ind.name, *ind.variants, *ind.parts):
                toks = tuple(dict.fromkeys(syllables(v)))
                if toks and toks not in seen:
                    seen.add(toks)
                    raw.append((ind, v, toks))
        df: dict[str, int] = {}
        for ind in indicators:
            for tok in {fold(t) for i, _, toks in raw if i is ind for t in toks}:
                df[tok] = df.get(tok, 0) + 1
        self._idf = {t: math.log(1 + len(indicators) / d) for t, d in df.items()}
        self._variants: list[_Variant] = []
        self._by_token: dict[str, list[int]] = {}  # folded token -> variants holding it
        for ind, v, toks in raw:
            tokens = tuple((t, fold(t), self._idf.get(fold(t), 1.0)) for t in toks)
            for _, folded, _ in tokens:
                self._by_token.setdefault(folded, []).append(len(self._variants))
            # the rarest word that names something measured: not the scope a name may carry ("dân số tỉnh": the
            # head is "dân", or any question naming its "tỉnh" would name the population)
            heads = [tok for tok in tokens if tok[1] not in _SCOPE_WORDS] or list(tokens)
            head = max(heads, key=lambda tok: tok[2])[1]
            self._variants.append(_Variant(ind, v, tokens, sum(w for _, _, w in tokens), head))
        self._excludes = {ind.id: tuple(_phrase(e) for e in ind.excludes) for ind in indicators}

    def match(
        self, text: str, unit: str | None = None, limit: int = 3, whole_text: bool = True
    ) -> list[IndicatorMatch]:
        """The indicators the text names, best first.

        Score = r · p^EXTRA_WORDS_EXPONENT: r, the IDF-weighted share of the variant's words the text has; p, the
        share of the text's content words the variant explains, so a label saying more than the indicator
        ("số BN mới điều trị nội trú YHCT" against "số bệnh nhân phong mới") scores lower. A question says
        more than its indicator by nature (province, year, "bao nhiêu"): with ``whole_text=False`` only r counts.
        """
        text = NUMBER_RE.sub(" ", text)  # "KH 95/KH-UBND" names a document, not an indicator ("dân" of UBND)
        have = text_words(text)
        content_weight = sum(self._idf.get(t, 1.0) for t in have.content) or 1.0
        touched = {
            i for t in have.folded | {fold(a) for a in have.accented} for i in self._by_token.get(t, ())
        }
        best: dict[str, IndicatorMatch] = {}
        for i in touched:
            v = self._variants[i]
            found = [
                (folded, w)
                for accented, folded, w in v.tokens
                if accented in have.accented or folded in have.folded
            ]
            r = sum(w for _, w in found) / v.total
            if r <= 0.25:
                continue
            if v.head not in {folded for folded, _ in found}:
                r *= HEAD_MISSING_FACTOR
            if whole_text:
                explained = sum(w for folded, w in found if folded in have.content)
                score = r * min(1.0, explained / content_weight) ** EXTRA_WORDS_EXPONENT
            else:
                score = r
            current = best.get(v.indicator.id)
            if current is None or score > current.score:
                best[v.indicator.id] = IndicatorMatch(v.indicator, score, v.text)
        phrase = _phrase(text)
        out = []
        for m in best.values():
            if any(e in phrase for e in self._excludes[m.indicator.id]):
                continue
            out.append(IndicatorMatch(m.indicator, m.score + self.unit_fit(m.indicator, unit), m.variant))
        out.sort(key=lambda m: (-m.score, -len(m.variant)))
        return out[:limit]

    def qualifiers(self, text: str, match: IndicatorMatch | None, places: bool = True) -> list[str]:
        """Words of the text that narrow it to part of the province or of the year, not said by the indicator,
        and (``places``) the districts it names."""
        phrase = _phrase(text)
        said = _phrase(match.indicator.says(match.variant)) if match else " "
        found: list[str] = []
        for q in lexicon().qualifiers:
            if f" {q} " in phrase and f" {q} " not in said and not any(q in f for f in found):
                found.append(q)
        return found + _place_names(text) if places else found

    def unit_fit(self, ind: Indicator, unit: str | None) -> float:
        """+bonus when the unit confirms the indicator's measure, -penalty when it contradicts it, 0 when unknown.

        A count ("trẻ", "cơ sở", "hồ sơ") contradicts a percentage, a rate and money; money contradicts a count;
        a count of one family ("lượt") contradicts an indicator counting another ("cơ sở")."""
        if not unit:
            return 0.0
        u = fold(unit)
        per = "/" in u
        percent = "%" in u
        money = _unit_key(unit) in _MONEY_UNITS
        count = not (per or percent or money or "‰" in unit)
        if ind.measure == "percent":
            return UNIT_CONFIRM_BONUS if percent else -UNIT_CONFLICT_PENALTY if per or money or count else 0.0
        if ind.measure == "per_mille":
            # "Số trẻ dưới 5 tuổi là 170.749 trẻ" counts children, it is no mortality rate
            return (
                UNIT_CONFIRM_BONUS
                if "‰" in unit
                else -UNIT_CONFLICT_PENALTY
                if percent or money or count
                else 0.0
            )
        if ind.denominator:
            denominator = fold(ind.denominator).replace(".", "")
            if per and denominator.split()[0] in u.replace(".", ""):
                return UNIT_CONFIRM_BONUS
            return -UNIT_CONFLICT_PENALTY if percent or money or (count and self._family(unit)) else 0.0
        if ind.measure == "money":
            return UNIT_CONFIRM_BONUS if money else -UNIT_CONFLICT_PENALTY if percent or count else 0.0
        if ind.measure == "count":
            mine, theirs = self._family(unit), self._family(ind.unit)
            other_family = mine is not None and theirs is not None and mine != theirs
            return -UNIT_CONFLICT_PENALTY if percent or per or money or other_family else 0.0
        return 0.0

    def _family(self, unit: str) -> str | None:
        return self.unit_family.get(_unit_key(unit))

    def share_of_plan(self, f: Figure) -> bool:
        """A percentage of a plan or a supply ("đạt 103,52% KH năm"), not a value of the indicator."""
        if self._share_of_plan is None or "%" not in (f.unit or ""):
            return False
        at = value_at(f)
        return at >= 0 and bool(self._share_of_plan.match(f.quote, at + len(f.value_text)))


def _place_names(text: str) -> list[str]:
    """Districts, towns and cities named in the text (folded), once each: shared names too ("châu thành"), and a
    province's own city ("thanh pho lai chau")."""
    return list(dict.fromkeys(load_gazetteer().districts_in(text)))


def value_places(label: str, before: str, paragraph: str = "") -> list[str]:
    """The district a value is of: the ones its label names, else the last one named before it in its clause,
    else the one its paragraph opens with ("5. Huyện Tân Uyên: 17 ca trong đó: 04 ca …; 13 ca …"). In "huyện
    Tây Hòa 77 ca, thành phố Tuy Hòa 57 ca" the 57 is Tuy Hòa's, not Tây Hòa's too."""
    named = _place_names(label)
    if named:
        return named
    earlier = load_gazetteer().districts_in(before)
    if earlier:
        return earlier[-1:]
    opening = _ITEM_OPENING.match(paragraph)
    return load_gazetteer().districts_in(opening.group(1))[-1:] if opening else []


# A paragraph that opens with what it is about, a list number before it: "5. Huyện Tân Uyên: 17 ca …".
_ITEM_OPENING = re.compile(r"^\s*(?:\d{1,2}[.)]\s*)?([^:.;]{1,60}):")


def other_provinces(label: str, own: str | None) -> list[str]:
    """The provinces a label names that are not the figure's own, nor merged with it since (folded): "dân số
    xếp trên tỉnh Bắc Kạn (316,5 nghìn người)" in a page about Cao Bằng is Bắc Kạn's population."""
    gazetteer = load_gazetteer()
    unit = gazetteer.current_of(own) if own else None
    return [
        " ".join(fold(name).lower().split())
        for name in gazetteer.province_mentions(label)
        if name != own and (unit is None or gazetteer.current_of(name) != unit)
    ]


_MONEY_UNITS = frozenset(" ".join(fold(u).split()) for u in lexicon().units.money)


def _unit_key(unit: str) -> str:
    return " ".join(fold(unit).split())


def figure_texts(f: Figure) -> list[str]:
    """What names a figure's indicator: its label first, then the label with its section's title, for
    fragments whose section says what they count ("Số nhiễm trong năm" under "Phòng, chống dịch COVID-19").
    Dates and place names are left out: they say where and when, not what is measured, and as words the
    indicator does not explain they would lower the match ("dân số Hậu Giang", "từ ngày 01/01/2023"). Years
    stay: some name the indicator ("xã đạt Tiêu chí quốc gia về y tế giai đoạn đến năm 2030")."""
    section = f.section.split(" › ")[-1] if f.section else ""
    label = without_scope(f.indicator)
    return [label, f"{without_scope(section)}: {label}"] if section else [label]


_DATE = re.compile(rf"\b\d{{1,2}}\s*/\s*\d{{1,2}}\s*/\s*{YEAR}\b")


def without_scope(text: str) -> str:
    """The text without dates and the names of provinces."""
    out = _DATE.sub(" ", text)
    gaz = load_gazetteer()
    for start, end, _ in reversed(gaz.province_spans(out)):
        out = out[:start] + " " + out[end:]
    return " ".join(out.split())


def best_match(f: Figure, catalog: IndicatorCatalog) -> tuple[IndicatorMatch | None, str]:
    """The figure's indicator (None below ``MAP_THRESHOLD``) and the text that named it."""
    best: tuple[IndicatorMatch | None, str] = (None, f.indicator)
    for text in figure_texts(f):
        matches = catalog.match(text, f.unit, limit=1)
        if matches and (best[0] is None or matches[0].score > best[0].score):
            best = (matches[0], text)
        if best[0] is not None and best[0].score >= MAP_THRESHOLD:
            break  # the label alone names it: the section must not override
    return best


def map_figures(figures: list[Figure], scope: DocumentScope | None = None, lines: Sequence[str] = ()) -> None:
    """Give each figure its catalog indicator (id, confidence) and its qualifiers, in place.

    ``scope``: what the whole document is about (qualifiers.document_scope: its title, a news report's lead);
    its periods narrow the values that are not levels, its other qualifier words every value, and the districts its
    title names (not those of the lead) every value too. ``lines``: the
    document's lines (``ParsedDocument.lines``), for the scope a paragraph opens with; without them, the first
    figure's sentence of each line stands for its opening.

    A part listed after its whole ("Trong đó: Tuyến tỉnh 326.601 lượt" after "Tổng số lượt khám bệnh: …")
    whose own label names no indicator takes its whole's, qualified by its label (qualifiers.is_breakdown)."""
    catalog = load_catalog()
    scope = scope or DocumentScope()
    scope_periods = periods_in(f"{scope.title} {scope.lead}")
    # A place the title names narrows every value ("Huyện X: …"); one the lead names is where something
    # happened ("hai ca tử vong … tại xã A (huyện B)"), not what the report's totals cover.
    scope_words = [
        q
        for q in catalog.qualifiers(scope.title, None) + catalog.qualifiers(scope.lead, None, places=False)
        if not periods_in(q)
    ]
    whole: Figure | None = None  # the last figure mapped by its own words: the whole its parts belong to
    announced: Figure | None = None  # the last figure that announced its parts ("…, trong đó:")
    paragraph: tuple[int, list[str]] = (-1, [])  # a line and the scope its opening phrase gives its sentences
    opening = ""  # that line
    # the last value whose sentence opened with a cumulative span, and that span: it holds for the next
    # sentences of the section until one states a time of its own (qualifiers.span_carries)
    carried: tuple[Figure, list[str]] | None = None
    for f in figures:
        if f.line != paragraph[0]:
            opening = lines[f.line - 1] if 0 < f.line <= len(lines) else f.quote
            paragraph = (f.line, paragraph_scope(opening))
        own_scope = leading_scope(f) + paragraph[1]
        carried, carry = _carried_span(carried, f, own_scope, lines)
        match, text = best_match(f, catalog)
        top = match if match is not None and match.score >= MAP_THRESHOLD else None
        part_of = None
        if top is None and whole is not None and is_breakdown(f) and _is_part(f, whole, catalog):
            part_of = whole
        if catalog.share_of_plan(f):
            top, part_of = None, None  # how far a plan got: not a value of the indicator
        before = _clause_before(f)
        if part_of is not None and part_of.indicator_id is not None:
            indicator = catalog.indicators[part_of.indicator_id]
            f.indicator_id = indicator.id
            f.indicator_score = part_of.indicator_score
            said = indicator.name
        else:
            f.indicator_id = top.indicator.id if top else None
            f.indicator_score = round(match.score, 3) if match else 0.0
            said = top.indicator.says(top.variant) if top else ""
        found = catalog.qualifiers(f"{text} {before}", top, places=False) + value_places(
            text, before, opening
        )
        found += [p for p in other_provinces(f.indicator, f.province) if p not in found]
        found += [q for q in listed_part(f) + parenthesised_part(f) if q not in found]
        found += [
            q for q in part_in_sentence(f) + part_named_before(f) + nationwide(f, opening) if q not in found
        ]
        if top is not None and part_of is None and not found and top.variant in top.indicator.parts:
            found += _unsaid(top.variant, top.indicator.name)  # "trạm y tế quản lý đái tháo đường": a part
        if top is not None and part_of is None and not found and names_its_parts(f):
            # "Trong đó: …; 07 cơ sở bán lẻ thuốc Dược liệu, thuốc cổ truyền": a part named by its own words
            # keeps what it says beyond its indicator.
            found += _unsaid(text, said)
        found += [q for q in catalog.qualifiers(clause_after(f), top) if q not in found]
        found += age_groups(f"{f.indicator} {before}", said) if top or part_of else []
        found += sex_breakdown(f.indicator) + change_reference(f)  # a change stands apart from the values
        found += [q for q in aimed_change(f, said) if q not in found]
        if part_of is not None:
            if not found:
                found.append(" ".join(re.findall(r"\w+", fold(f.indicator))))
            # A part of a narrowed whole is narrowed as much ("Trong đó: Tuyến tỉnh …" under the public
            # facilities' total), and its label says what it is a part of.
            found += [q for q in part_of.qualifiers if not periods_in(q)]
            f.indicator = f"{part_of.indicator} ({f.indicator})"
        if announced is not None and (not is_breakdown(f) or f.section != announced.section):
            announced = None  # the list of parts ends with the first line that is not one
        if announced is not None and announced is not f:
            found += announced.qualifiers  # a part of a narrowed whole is narrowed as much
        if f.indicator_id is not None:  # the period around a value narrows what it is a value of
            level = catalog.indicators[f.indicator_id].level
            # The period of the section or the document is added to a value nothing else narrows yet: a part
            # ("tuyến tỉnh") is already kept from standing for the whole, and the answer step matches a
            # qualifier by its words, so a second one would hide it from "nửa đầu năm … tuyến tỉnh" (dev d078).
            around = [] if level or found else section_period(f) + scope_periods
            # A carried span narrows a total over time, not a level, which stands at a date whatever the
            # sum before it ("số người nhiễm HIV/AIDS còn sống được quản lý" after "Lũy tích … đến nay").
            periods = around + own_scope + scope_words + ([] if level else carry)
            found += [p for p in periods if not any(p in q for q in found)]  # "6 thang" in "6 thang dau nam"
        f.qualifiers = list(dict.fromkeys(found))
        if top is not None and part_of is None:
            whole = f
        if opens_parts(f):
            announced = f


def _carried_span(
    carried: tuple[Figure, list[str]] | None, f: Figure, own_scope: list[str], lines: Sequence[str]
) -> tuple[tuple[Figure, list[str]] | None, list[str]]:
    """The cumulative span held after ``f`` and the one ``f`` takes from an earlier sentence: its own
    sentence's span replaces the one carried; a time stated since ends it."""
    spans = [] if f.column else cumulative_spans(own_scope, f.year)
    if spans:
        return (f, spans), []
    if carried is None or not span_carries(carried[0], f, lines):
        return None, []
    return carried, carried[1]


# A part is listed within a few lines of its whole ("Trong đó: …" on the next line or two of a bulleted list).
_PART_LINES = 6


def _within_parts(f: Figure, whole: Figure) -> bool:
    return f.section == whole.section and 0 <= f.line - whole.line <= _PART_LINES


def _is_part(f: Figure, whole: Figure, catalog: IndicatorCatalog) -> bool:
    """Same section, a few lines below, and counted the way the whole is (the same unit family, or both %)."""
    if whole.indicator_id is None or not _within_parts(f, whole):
        return False
    unit, other = f.unit or "", whole.unit or ""
    if ("%" in unit) != ("%" in other):
        return False
    if "%" in unit:
        return True
    family = catalog.unit_family.get(_unit_key(unit))
    return family is not None and family == catalog.unit_family.get(_unit_key(other))


def _unsaid(label: str, said: str) -> list[str]:
    """The words of a label (folded, glue left out) that the indicator does not say, as one qualifier."""
    known = set(_phrase(said).split())
    glue = lexicon().stop_words.phrase
    words = [w for w in _phrase(label).split() if w not in known and w not in glue and not w.isdigit()]
    return [" ".join(words)] if words else []


def _clause_before(f: Figure) -> str:
    """The part of the quote before the value, from the last clause break: where "6 tháng đầu năm" sits."""
    at = value_at(f)
    head = f.quote[: at if at >= 0 else len(f.quote)]
    return re.split(r"[;:]", head)[-1] if f.column == "" else ""


@lru_cache(maxsize=1)
def load_catalog() -> IndicatorCatalog:
    data = json.loads(resources.files("qa").joinpath("data/indicators.json").read_text(encoding="utf-8"))
    return IndicatorCatalog(
        [
            Indicator(
                i["id"],
                i["name"],
                i["group"],
                i["unit"],
                i.get("denominator"),
                i["measure"],
                i.get("higher_is_better"),
                tuple(i["variants"]),
                tuple(i.get("excludes", [])),
                bool(i.get("level", False)),
                tuple(i.get("parts", [])),
            )
            for i in data["indicators"]
        ],
        dict(data.get("groups", {})),
        dict(data.get("unit_families", {})),
        list(data.get("share_of_plan_after", [])),
    )
