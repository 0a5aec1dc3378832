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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from qa.models import Figure
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.text import fold
from qa.vn.tokens import syllables, synonym_words

# A figure is mapped when its best indicator covers at least this IDF-weighted share of a variant's words.
# Chosen on the hand labels of documents 000 and 002 (bench/indicator_mapping.py --tune), reported on all five.
MAP_THRESHOLD = 0.65
# How much a unit that contradicts the indicator's measure costs ("%" for a count), and what a unit that
# confirms it ("/10.000 dân" for a per-10,000 rate) adds; both as shares of a full variant match.
UNIT_CONFLICT_PENALTY = 0.5
UNIT_CONFIRM_BONUS = 0.05
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
    def __init__(self, indicators: list[Indicator], groups: dict[str, str] | None = None) -> None:
        self.indicators = {i.id: i for i in indicators}
        self.groups = groups or {}  # group id -> Vietnamese name
        raw: list[tuple[Indicator, str, tuple[str, ...]]] = []
        for ind in indicators:
            seen: set[tuple[str, ...]] = set()
            for v in (ind.name, *ind.variants):
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
            head = max(tokens, key=lambda tok: tok[2])[1]
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
            out.append(IndicatorMatch(m.indicator, m.score + _unit_fit(m.indicator, unit), m.variant))
        out.sort(key=lambda m: (-m.score, -len(m.variant)))
        return out[:limit]

    def qualifiers(self, text: str, match: IndicatorMatch | None) -> list[str]:
        """Words of the text that narrow it to part of the province or of the year, not said by the indicator."""
        phrase = _phrase(text)
        said = _phrase(match.variant + " " + match.indicator.name) if match else " "
        found: list[str] = []
        for q in lexicon().qualifiers:
            if f" {q} " in phrase and f" {q} " not in said and not any(q in f for f in found):
                found.append(q)
        return found + _place_names(text)


def _place_names(text: str) -> list[str]:
    """Districts and towns named in the text (folded), each implying one former province."""
    return list(load_gazetteer().implied_places(text))


def _unit_fit(ind: Indicator, unit: str | None) -> float:
    """+bonus when the unit confirms the indicator's measure, -penalty when it contradicts it, 0 when unknown."""
    if not unit:
        return 0.0
    u = fold(unit)
    per = "/" in u
    percent = "%" in u
    if ind.measure == "percent":
        return (
            UNIT_CONFIRM_BONUS
            if percent
            else -UNIT_CONFLICT_PENALTY
            if per or u in {"nguoi", "ca", "luot"}
            else 0.0
        )
    if ind.measure == "per_mille":
        return UNIT_CONFIRM_BONUS if "‰" in unit else -UNIT_CONFLICT_PENALTY if percent else 0.0
    if ind.denominator:
        denominator = fold(ind.denominator).replace(".", "")
        if per and denominator.split()[0] in u.replace(".", ""):
            return UNIT_CONFIRM_BONUS
        return -UNIT_CONFLICT_PENALTY if percent else 0.0
    if ind.measure == "money":
        return UNIT_CONFIRM_BONUS if "dong" in u else -UNIT_CONFLICT_PENALTY if percent else 0.0
    if ind.measure == "count":
        return -UNIT_CONFLICT_PENALTY if percent or per else 0.0
    return 0.0


def figure_texts(f: Figure) -> list[str]:
    """What names a figure's indicator: its label first, then the label with its section's title, for
    fragments whose section says what they count ("Số nhiễm trong năm" under "Phòng, chống dịch COVID-19")."""
    section = f.section.split(" › ")[-1] if f.section else ""
    return [f.indicator, f"{section}: {f.indicator}"] if section else [f.indicator]


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


def map_figures(figures: list[Figure]) -> None:
    """Give each figure its catalog indicator (id, confidence) and its qualifiers, in place."""
    catalog = load_catalog()
    for f in figures:
        match, text = best_match(f, catalog)
        top = match if match is not None and match.score >= MAP_THRESHOLD else None
        f.indicator_id = top.indicator.id if top else None
        f.indicator_score = round(match.score, 3) if match else 0.0
        f.qualifiers = catalog.qualifiers(f"{text} {_clause_before(f)}", top)


def _clause_before(f: Figure) -> str:
    """The part of the quote before the value, from the last clause break: where "6 tháng đầu năm" sits."""
    at = f.quote.find(f.value_text)
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
            )
            for i in data["indicators"]
        ],
        dict(data.get("groups", {})),
    )
