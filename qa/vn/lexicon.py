"""The Vietnamese vocabulary of the pipeline as typed, read-only tables (data: ``qa/data/lexicon.json``).

One definition each: document kinds and their số hiệu codes, the four figure kinds with their cue words and
labels, stop words per purpose, abbreviations, units and stamps. Code builds its patterns from these tables;
it never writes a word list of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, get_args

from qa.vn.cue_match import CuePhrases
from qa.vn.text import fold

FigureKind = Literal["plan", "actual", "estimate", "target"]
FIGURE_KINDS: tuple[FigureKind, ...] = get_args(FigureKind)


@dataclass(frozen=True, slots=True)
class DocumentKind:
    name: str  # "Quyết định"
    words: tuple[str, ...]  # "quyết định"
    codes: tuple[str, ...]  # "QĐ"


@dataclass(frozen=True, slots=True)
class FigureKindWords:
    kind: FigureKind
    label: str  # "kế hoạch"
    question_cues: tuple[str, ...]
    text_cues: tuple[str, ...]  # regular-expression fragments
    section_cues: tuple[str, ...]  # regular-expression fragments
    column_prefixes: tuple[str, ...]  # folded
    lookup_words: str
    asked_as: tuple[str, ...]  # how a generated training question names the kind


@dataclass(frozen=True, slots=True)
class StopWords:
    question: frozenset[str]  # accented
    question_folded: frozenset[str]
    regulation_lookup: frozenset[str]  # folded
    figure_lookup: frozenset[str]  # folded
    phrase: frozenset[str]  # folded


@dataclass(frozen=True, slots=True)
class Units:
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    money: frozenset[str]
    generic_columns: frozenset[str]  # folded
    # a symbol written out in words after a number ("13,53 phần nghìn" is "13,53‰"): words -> symbol
    spelled_symbols: MappingProxyType[str, str]
    # what a count counts: group name -> its words, folded and lower-case ("ổ dịch" -> "o dich")
    counters: MappingProxyType[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class NumbersInText:
    """What tells a number read from a passage is not a quantity (see the lexicon's comment)."""

    label_before: tuple[str, ...]  # regular-expression fragments
    denominator_before: tuple[str, ...]
    period_after: tuple[str, ...]
    multipliers: tuple[str, ...]
    money_word: str
    difference_before: tuple[str, ...]  # words, as written
    zero_before: tuple[str, ...]  # words, as written: "không có" (vụ ngộ độc) is the value 0
    change_before: tuple[str, ...]  # words, as written: "tăng" 188 ca is a change
    approximately: tuple[str, ...]  # between a change word and its number: "giảm khoảng 50 ca" is a change
    change_degree: tuple[str, ...]  # between a change word and its number: "tăng rất cao, trên 600 ca"

    def between_change_and_number(self) -> str:
        """A regular-expression fragment of what may stand between a change word and its number and keep it a
        change: a degree, a comma, an approximately word ("tăng rất cao, trên 600 ca", "giảm khoảng 50 ca")."""
        degree, about = "|".join(self.change_degree), "|".join(self.approximately)
        return rf"(?:\s+(?:{degree})\s*,?)?(?:\s+(?:{about}))?"


@dataclass(frozen=True, slots=True)
class QuestionCues:
    """Phrases that tell what a question asks (see the lexicon's comment), found in the typed question."""

    phrases: MappingProxyType[str, tuple[str, ...]]  # figure, passage, regulation_object, ..., former_unit
    units: MappingProxyType[str, tuple[str, ...]]  # percent, money, rate, count
    follow_up_start: tuple[str, ...]  # accented, as typed
    follow_up_end: tuple[str, ...]
    tool_fields: MappingProxyType[str, tuple[str, ...]]  # indicator, province, year, kind, document, number

    def find(self, name: str, text: str, start: int = 0) -> re.Match[str] | None:
        """The first phrase of one cue list in ``text`` as typed (the match is over its folded form)."""
        return _cue_phrases(self.phrases[name]).find(text, start)

    def finditer(self, name: str, text: str) -> Iterator[re.Match[str]]:
        """Every phrase of one cue list in ``text``, left to right."""
        return _cue_phrases(self.phrases[name]).finditer(text)

    def find_unit(self, name: str, text: str) -> re.Match[str] | None:
        return _cue_phrases(self.units[name]).find(text)


@lru_cache(maxsize=256)
def _cue_phrases(phrases: tuple[str, ...]) -> CuePhrases:
    return CuePhrases(phrases)


@dataclass(frozen=True, slots=True)
class Population:
    """The whole of a population ("toàn dân") and the groups of it a value may be of ("học sinh", "trẻ em")."""

    whole: tuple[str, ...]  # as written
    groups: tuple[str, ...]  # as written

    def names_whole(self, text: str) -> bool:
        return _cue_phrases(self.whole).find(text) is not None

    def groups_in(self, text: str) -> list[str]:
        """The groups named in ``text``, folded ("sinh vien")."""
        return [fold(m.group(0)) for m in _cue_phrases(self.groups).finditer(text)]


@dataclass(frozen=True, slots=True)
class DiseaseNamedBefore:
    """How a label's bare "bệnh" points back to the disease its paragraph named ("mắc bệnh này")."""

    head: str
    this: str
    caught: str
    name_ends: frozenset[str]
    not_a_disease: frozenset[str]


@dataclass(frozen=True, slots=True)
class Issuer:
    name: str  # "Sở Y tế"
    words: tuple[str, ...]  # folded: "so y te"
    codes: tuple[str, ...]  # folded: "syt"


@dataclass(frozen=True, slots=True)
class Letterhead:
    issuers: tuple[Issuer, ...]
    motto: frozenset[str]  # folded, punctuation removed
    subject_openers: tuple[str, ...]  # folded
    not_subject: tuple[str, ...]  # folded


@dataclass(frozen=True, slots=True)
class DocumentYears:
    target_cues: tuple[str, ...]  # regular-expression fragments
    target_sections: tuple[str, ...]  # folded
    report_cue: str
    baseline_cue: str  # regular-expression fragment
    status_cues: tuple[str, ...]  # regular-expression fragments
    reach_cues: tuple[str, ...]  # as written: "đến năm" (2025)
    promulgation_verbs: tuple[str, ...]
    promulgation_ends: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProseTargets:
    """Regular-expression fragments of objectives and changes written in prose."""

    target_verbs: tuple[str, ...]
    towards: tuple[str, ...]
    # what may stand between "xuống" and the value: "xuống dưới tỷ lệ 15/100.000"
    after_towards: tuple[str, ...]
    change_verbs: tuple[str, ...]
    change_reference: str
    target_time: tuple[str, ...]
    # "giảm từ 1.025 ca năm 2011 xuống còn 06 ca năm 2022": the words before a trend's first and later values
    trend_from: tuple[str, ...]
    trend_to: tuple[str, ...]
    trend_again: tuple[str, ...]  # "… năm 2015 và đến năm 2020 giảm còn 0,81%": the trend goes on
    # "Từ … năm 1998 đến nay lũy tích có 1.580 ca": a count from a year until now stands now
    since: tuple[str, ...]
    until_now: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QualifierRules:
    """Where a figure's qualifiers are found besides its label (qa/extract/qualifiers.py)."""

    periods: tuple[str, ...]  # folded phrases naming part of the year
    scope_cues: tuple[str, ...]  # regular-expression fragments opening a sentence's leading phrase
    until_now: tuple[str, ...]  # regular-expression fragments: "đến nay"
    cumulative: tuple[str, ...]  # folded phrases naming a sum over time: "luy ke"
    running_total: str  # a regular-expression fragment: "nâng tổng số ca mắc … lên" before a value
    # folded phrases besides ``cumulative`` of a question asking a sum so far: "tong cong", "tinh den"
    cumulative_asked: tuple[str, ...]
    own_time: tuple[str, ...]  # folded phrases a sentence states its own period with: "trong nam", "cung ky"
    age_group: str  # a regular expression
    sex: MappingProxyType[str, str]  # a sex word as a table row writes it -> the qualifier
    breakdown_openers: tuple[str, ...]  # regular-expression fragments
    nationwide: tuple[str, ...]  # folded openings of a sentence about the whole country ("tai viet nam")


@dataclass(frozen=True, slots=True)
class Lexicon:
    document_kinds: tuple[DocumentKind, ...]
    type_line_kinds: frozenset[str]
    metadata_code_kinds: frozenset[str]
    asked_kinds: frozenset[str]
    reporting_kinds: frozenset[str]  # kinds that report what happened: their prose values are results
    news_kind: str
    news_date_labels: tuple[str, ...]  # as written, matched without case
    letterhead: Letterhead
    document_years: DocumentYears
    figure_kinds: MappingProxyType[FigureKind, FigureKindWords]
    value_column_prefixes: tuple[str, ...]
    prose_targets: ProseTargets
    stop_words: StopWords
    abbreviations: MappingProxyType[str, str]
    shortened: tuple[tuple[str, str], ...]  # (phrase, how officials shorten it), first that fits wins
    dotted: tuple[str, ...]  # shorthands written with a period before a name ("TP. Đà Nẵng"), as written
    numbers_in_text: NumbersInText
    units: Units
    stamps: frozenset[str]
    qualifiers: tuple[str, ...]  # folded phrases, longest first
    qualifiers_of_time: frozenset[str]  # those narrowing to part of the time ("6 thang", "luy ke")
    qualifier_display: MappingProxyType[str, str]  # folded phrase -> as an answer writes it
    qualifier_rules: QualifierRules
    table_parts: frozenset[str]  # folded row labels naming a part of the table row above ("nha nuoc")
    question_cues: QuestionCues
    population: Population
    disease_named_before: DiseaseNamedBefore
    onsets: tuple[str, ...]  # folded, longest first
    rhymes: frozenset[str]  # folded

    def kind_label(self, kind: str | None) -> str:
        """'plan' -> 'kế hoạch'; '' for no or an unknown kind."""
        words = self.figure_kinds.get(kind) if kind else None  # type: ignore[call-overload]
        return words.label if words else ""

    def is_syllable(self, word: str) -> bool:
        """Whether a folded word could be one Vietnamese syllable ("giang" yes, "giagn" and "nma" no)."""
        w = word.lower()
        return w == "gi" or any(w.startswith(o) and w[len(o) :] in self.rhymes for o in self.onsets)

    def document_kind_words(self, names: frozenset[str] | None = None) -> list[tuple[str, str]]:
        """(folded word, kind name), longest word first, for the kinds named (all by default)."""
        pairs = [
            (fold(w), k.name)
            for k in self.document_kinds
            if names is None or k.name in names
            for w in k.words
        ]
        return sorted(pairs, key=lambda p: -len(p[0]))

    def document_kind_codes(self, names: frozenset[str] | None = None) -> dict[str, str]:
        """Folded số hiệu code -> kind name ('qd' -> 'Quyết định')."""
        return {
            fold(c): k.name for k in self.document_kinds if names is None or k.name in names for c in k.codes
        }


def _tuple(values: list[str]) -> tuple[str, ...]:
    return tuple(values)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = json.loads(resources.files("qa").joinpath("data/lexicon.json").read_text(encoding="utf-8"))
    kinds = data["document_kinds"]
    figure = data["figure_kinds"]
    stops = data["stop_words"]
    units = data["units"]
    head = data["letterhead"]
    years = data["document_years"]
    numbers = data["numbers_in_text"]
    return Lexicon(
        document_kinds=tuple(
            DocumentKind(k["name"], _tuple(k["words"]), _tuple(k["codes"])) for k in kinds["kinds"]
        ),
        type_line_kinds=frozenset(kinds["type_line_kinds"]),
        metadata_code_kinds=frozenset(kinds["metadata_code_kinds"]),
        asked_kinds=frozenset(kinds["asked_kinds"]),
        reporting_kinds=frozenset(kinds["reporting_kinds"]),
        news_kind=kinds["news_kind"],
        news_date_labels=_tuple(kinds["news_date_labels"]),
        letterhead=Letterhead(
            issuers=tuple(
                Issuer(i["name"], tuple(fold(w) for w in i["words"]), tuple(fold(c) for c in i["codes"]))
                for i in head["issuers"]
            ),
            motto=frozenset(fold(m) for m in head["motto"]),
            subject_openers=tuple(fold(w) for w in head["subject_openers"]),
            not_subject=tuple(fold(w) for w in head["not_subject"]),
        ),
        document_years=DocumentYears(
            target_cues=_tuple(years["target_cues"]),
            target_sections=tuple(fold(w) for w in years["target_sections"]),
            report_cue=years["report_cue"],
            baseline_cue=years["baseline_cue"],
            status_cues=_tuple(years["status_cues"]),
            reach_cues=_tuple(years["reach_cues"]),
            promulgation_verbs=_tuple(years["promulgation_verbs"]),
            promulgation_ends=_tuple(years["promulgation_ends"]),
        ),
        figure_kinds=MappingProxyType(
            {
                kind: FigureKindWords(
                    kind,
                    figure[kind]["label"],
                    _tuple(figure[kind]["question_cues"]),
                    _tuple(figure[kind]["text_cues"]),
                    _tuple(figure[kind]["section_cues"]),
                    _tuple(figure[kind]["column_prefixes"]),
                    figure[kind]["lookup_words"],
                    _tuple(figure[kind]["asked_as"]),
                )
                for kind in FIGURE_KINDS
            }
        ),
        value_column_prefixes=_tuple(figure["value_column_prefixes"]),
        prose_targets=ProseTargets(
            target_verbs=_tuple(figure["prose_targets"]["target_verbs"]),
            towards=_tuple(figure["prose_targets"]["towards"]),
            after_towards=_tuple(figure["prose_targets"]["after_towards"]),
            change_verbs=_tuple(figure["prose_targets"]["change_verbs"]),
            change_reference=figure["prose_targets"]["change_reference"],
            target_time=_tuple(figure["prose_targets"]["target_time"]),
            trend_from=_tuple(figure["prose_targets"]["trend_from"]),
            trend_to=_tuple(figure["prose_targets"]["trend_to"]),
            trend_again=_tuple(figure["prose_targets"]["trend_again"]),
            since=_tuple(figure["prose_targets"]["since"]),
            until_now=_tuple(figure["prose_targets"]["until_now"]),
        ),
        stop_words=StopWords(
            question=frozenset(stops["question"]),
            question_folded=frozenset(fold(w) for w in stops["question"]),
            regulation_lookup=frozenset(stops["regulation_lookup"]),
            figure_lookup=frozenset(stops["figure_lookup"]),
            phrase=frozenset(stops["phrase"]),
        ),
        abbreviations=MappingProxyType(dict(data["abbreviations"]["map"])),
        shortened=tuple((phrase, short) for phrase, short in data["abbreviations"]["shortened"]),
        dotted=_tuple(data["abbreviations"]["dotted"]),
        numbers_in_text=NumbersInText(
            label_before=_tuple(numbers["label_before"]),
            denominator_before=_tuple(numbers["denominator_before"]),
            period_after=_tuple(numbers["period_after"]),
            multipliers=_tuple(numbers["multipliers"]),
            money_word=numbers["money_word"],
            difference_before=_tuple(numbers["difference_before"]),
            zero_before=_tuple(numbers["zero_before"]),
            change_before=_tuple(numbers["change_before"]),
            approximately=_tuple(numbers["approximately"]),
            change_degree=_tuple(numbers["change_degree"]),
        ),
        units=Units(
            _tuple(units["strong"]),
            _tuple(units["weak"]),
            frozenset(units["money"]),
            frozenset(units["generic_columns"]),
            MappingProxyType(dict(units["spelled_symbols"])),
            MappingProxyType(
                {name: tuple(fold(w).lower() for w in words) for name, words in units["counters"].items()}
            ),
        ),
        stamps=frozenset(data["stamps"]["words"]),
        qualifiers=tuple(sorted(data["qualifiers"]["phrases"], key=len, reverse=True)),
        qualifiers_of_time=frozenset(data["qualifiers"]["of_time"]),
        qualifier_display=MappingProxyType(dict(data["qualifiers"]["display"])),
        table_parts=frozenset(data["table_parts"]["labels"]),
        qualifier_rules=QualifierRules(
            periods=tuple(sorted(data["qualifiers"]["periods"], key=len, reverse=True)),
            scope_cues=_tuple(data["qualifiers"]["scope_cues"]),
            until_now=_tuple(data["qualifiers"]["until_now"]),
            cumulative=_tuple(data["qualifiers"]["cumulative"]),
            running_total=data["qualifiers"]["running_total"],
            cumulative_asked=_tuple(data["qualifiers"]["cumulative_asked"]),
            own_time=_tuple(data["qualifiers"]["own_time"]),
            age_group=data["qualifiers"]["age_group"],
            sex=MappingProxyType(dict(data["qualifiers"]["sex"])),
            breakdown_openers=_tuple(data["qualifiers"]["breakdown_openers"]),
            nationwide=tuple(sorted(data["qualifiers"]["nationwide"], key=len, reverse=True)),
        ),
        question_cues=_question_cues(data["question_cues"]),
        population=Population(_tuple(data["population"]["whole"]), _tuple(data["population"]["groups"])),
        disease_named_before=_disease_named_before(data["disease_named_before"]),
        onsets=tuple(sorted(data["syllables"]["onsets"], key=len, reverse=True)),
        rhymes=frozenset(data["syllables"]["rhymes"]),
    )


def _question_cues(data: dict[str, object]) -> QuestionCues:
    lists = {k: tuple(v) for k, v in data.items() if isinstance(v, list) and not k.startswith("follow_up")}
    fields = data["tool_fields"]
    assert isinstance(fields, dict)
    units = data["units"]
    assert isinstance(units, dict)
    start, end = data["follow_up_start"], data["follow_up_end"]
    assert isinstance(start, list) and isinstance(end, list)
    return QuestionCues(
        phrases=MappingProxyType(lists),
        units=MappingProxyType({k: tuple(v) for k, v in units.items() if isinstance(v, list)}),
        follow_up_start=tuple(start),
        follow_up_end=tuple(end),
        tool_fields=MappingProxyType({k: tuple(v) for k, v in fields.items()}),
    )


def _disease_named_before(data: dict[str, Any]) -> DiseaseNamedBefore:
    return DiseaseNamedBefore(
        data["head"],
        data["this"],
        data["caught"],
        frozenset(data["name_ends"]),
        frozenset(data["not_a_disease"]),
    )
