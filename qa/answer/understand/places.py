"""Which provinces a question is about, then and now.

A current unit named in a question covers the documents of every former unit it absorbed ("Bắc Ninh" →
Bắc Ninh and Bắc Giang's documents), and the answer says so once ("tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc
Ninh"); "Bắc Ninh cũ" or a name no current unit carries ("Hậu Giang") means the former unit alone. Districts
and cities imply their former province (Vị Thanh → Hậu Giang); initials ("HG", "BG") stand for a province only
when exactly one province with documents has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from qa.vn.gazetteer import Gazetteer, load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.text import fold

# Province names are long and distinctive: one typing slip ("Bac Giagn", "Hà Nma") still names them, at
# this many letters or more (shorter names are one edit away from other words).
MIN_FUZZY_NAME = 6


@dataclass(slots=True)
class PlaceReading:
    provinces: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    # Tokens that name a province, whole or in part ("HG", the "VT" of "BR-VT"): no abbreviation of anything else
    place_tokens: set[str] = field(default_factory=set)
    initials: list[str] = field(default_factory=list)  # "KG" for Kiên Giang, as typed


def _initials(name: str) -> str:
    return "".join(fold(w[0]) for w in name.split())


def fix_province_typos(text: str, gaz: Gazetteer, vocabulary: set[str]) -> tuple[str, dict[str, str]]:
    """Replace two-word spans one edit away from a province name by the name ("Bac Giagn" → "Bắc Giang").

    Only spans with a word no document has that cannot be a syllable, or that is capitalised like the name
    ("Bạc Liu"): "và nâng" is one edit from "Đà Nẵng" and "ca mắc" from "Cà Mau", but both are ordinary words.
    """
    corrections: dict[str, str] = {}
    names = {fold(n): n for n in gaz.former} | {fold(n): n for n in gaz.current}
    words = list(re.finditer(r"[^\W\d_]+", text))
    out, last = [], 0
    i = 0
    while i < len(words) - 1:
        a, b = words[i], words[i + 1]
        span = f"{a.group(0)} {b.group(0)}"
        key = fold(span)
        unknown = [w for w in (a.group(0), b.group(0)) if fold(w) not in vocabulary]
        # A word no document has that cannot be a syllable, or one written as a name's word ("Bạc Liu": "liu"
        # is a syllable, but no document writes "Bạc Liu" and both words are capitalised like a name).
        slip = any(not lexicon().is_syllable(fold(w)) for w in unknown) or (
            bool(unknown) and a.group(0)[0].isupper() and b.group(0)[0].isupper()
        )
        # "HG năm 2016": initials typed in capitals are a shorthand, not a slip of a name ("Hà Nam")
        slip = slip and not any(len(w) > 1 and w.isupper() for w in (a.group(0), b.group(0)))
        if slip and key not in names and len(key) >= MIN_FUZZY_NAME and text[a.end() : b.start()] == " ":
            close = [n for f, n in names.items() if len(f.split()) == 2 and OSA.distance(key, f) == 1]
            if len(close) == 1:
                corrections[span] = close[0]
                out.append(text[last : a.start()] + close[0])
                last = b.end()
                i += 2
                continue
        i += 1
    out.append(text[last:])
    return "".join(out), corrections


def _words_of_province_names(text: str, gaz: Gazetteer) -> set[str]:
    return {
        w for start, end, _ in gaz.province_spans(text) for w in re.findall(r"[^\W\d_]+", text[start:end])
    }


def read_places(text: str, known: dict[str, str | None], vocabulary: set[str]) -> PlaceReading:
    """Provinces of ``text``; ``known`` maps each province with documents to its current unit."""
    gaz = load_gazetteer()
    reading = PlaceReading()
    text, reading.corrections = fix_province_typos(text, gaz, vocabulary)
    folded = fold(text.replace("_", " "))
    reading.place_tokens = _words_of_province_names(text, gaz)

    def add(province: str) -> None:
        if province not in reading.provinces:
            reading.provinces.append(province)

    for name in gaz.province_mentions(folded):
        reading.named.append(name)
        after = re.search(rf"{re.escape(fold(name))}\s+(\w+(?:\s\w+)?)", folded)
        cue = (
            lexicon().question_cues.find("former_unit", text.replace("_", " "), after.start(1))
            if after
            else None
        )
        asks_former = bool(after and cue and cue.start() == after.start(1))
        members = (
            [p for p, now in known.items() if now == name] if gaz.is_current(name) and not asks_former else []
        )
        if members:
            for m in sorted(members, key=lambda p: p != name):
                add(m)
                if m != name:
                    reading.notes.append(f"{gaz.full_name(m)} cũ, nay thuộc {gaz.full_name(name)}")
        elif name in known:
            add(name)
            if gaz.merged_away(name):
                reading.notes.append(
                    f"{gaz.full_name(name)} (nay thuộc {gaz.full_name(gaz.current_of(name) or '')})"
                )
        else:
            reading.unknown.append(name)
    for province in gaz.implied_provinces(folded):
        if province in known:
            add(province)
    if not reading.provinces:
        for token in re.findall(r"(?<![\w/])[A-ZĐ]{2,3}(?![\w/])", text):
            if fold(token) in lexicon().abbreviations:  # "KH", "TH" are kế hoạch, thực hiện
                continue
            owners = [p for p in known if _initials(p) == fold(token)]
            if len(owners) == 1:
                add(owners[0])
                reading.place_tokens.add(token)
                reading.initials.append(token)
    return reading
