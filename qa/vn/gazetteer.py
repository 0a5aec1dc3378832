"""Provinces of Viet Nam as they were and as they are (data file ``qa/data/gazetteer.json``).

Since 2025-07-01 there are 34 provincial-level units; each absorbed one to three of the 63 former ones, and
districts were abolished. Documents name the units of their time (former provinces, districts), users name
both. Names are matched accent-insensitively on whole words, with their aliases ("TP.HCM", "Thanh Hoá").
A name can be a former unit, a current one, or both ("Bắc Ninh" was a province and is now the unit that
absorbed Bắc Giang); callers decide what a mention means with ``is_current`` / ``former_of``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from qa.vn.text import fold


@dataclass(frozen=True, slots=True)
class CurrentUnit:
    name: str  # "Bắc Ninh"
    type: str  # "tỉnh" | "thành phố"
    former: tuple[str, ...]  # ("Bắc Ninh", "Bắc Giang")

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}"


@dataclass(frozen=True, slots=True)
class FormerUnit:
    name: str  # "Bắc Giang"
    type: str
    current: str  # the current unit that absorbed it: "Bắc Ninh"
    districts: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}"


def _alternation(names: list[str]) -> re.Pattern[str]:
    alts = sorted({re.escape(fold(n)) for n in names}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alts) + r")(?!\w)")


def _same_or_unaccented(written: list[str], spelling: list[str]) -> bool:
    """Each written syllable is the spelling's own or carries no accent at all ("Yen Dũng" for "Yên Dũng")."""
    return all(_same_syllable(w, p) or w == fold(w) for w, p in zip(written, spelling, strict=True))


# The words before a province's own city or town, folded, and what they name.
_SEAT_UNITS = {
    "thanh pho": "thanh pho",
    "tp.": "thanh pho",
    "tp": "thanh pho",
    "thi xa": "thi xa",
    "tx.": "thi xa",
    "tx": "thi xa",
}

# The shorthands among them ("tp", "tx."), as a question types them before the name.
_SEAT_SHORTHAND = re.compile(
    r"(?<!\w)("
    + "|".join(
        re.escape(k) for k in sorted((k for k, v in _SEAT_UNITS.items() if k != v), key=len, reverse=True)
    )
    + r")\s*(?=\w)"
)

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng as combining marks


def _same_syllable(written: str, spelling: str) -> bool:
    """One syllable, wherever its tone mark sits: the old placement "hoá" is "hóa" (but "diễn" is not "điện")."""
    if written == spelling:
        return True
    a, b = unicodedata.normalize("NFD", written), unicodedata.normalize("NFD", spelling)
    tone_a, tone_b = [c for c in a if c in _TONES], [c for c in b if c in _TONES]
    bare_a, bare_b = "".join(c for c in a if c not in _TONES), "".join(c for c in b if c not in _TONES)
    return tone_a == tone_b and bare_a == bare_b


class Gazetteer:
    def __init__(
        self,
        current: list[CurrentUnit],
        former: list[FormerUnit],
        aliases: dict[str, str],
        effective: date,
        below_province: tuple[str, ...] = (),
    ) -> None:
        self.current = {u.name: u for u in current}
        self.former = {u.name: u for u in former}
        self.effective = effective
        self.provinces = tuple(self.former)  # the 63 former units, as documents before the merger name them
        names = list(self.current) + list(self.former)
        self._by_fold = {fold(n): n for n in names} | {fold(a): n for a, n in aliases.items()}
        self._name_spellings: dict[str, set[str]] = {}  # folded name or alias -> its spellings, lower case
        for spelling in [*names, *aliases]:
            self._name_spellings.setdefault(fold(spelling), set()).add(spelling.lower())
        owners: dict[str, set[str]] = {}
        self._spellings: dict[str, set[str]] = {}  # folded place -> its accented spellings, lower case
        for unit in former:
            # One-syllable names (Thắng, Neo, Kép) fold onto everyday words ("tháng"); skip them.
            for place in (p for p in unit.districts if len(p.split()) >= 2):
                owners.setdefault(fold(place), set()).add(unit.name)
                self._spellings.setdefault(fold(place), set()).add(place.lower())
        # Places shared by several provinces (Châu Thành) and places named like a province imply nothing.
        self.places = {p: next(iter(o)) for p, o in owners.items() if len(o) == 1 and p not in self._by_fold}
        # Places folded like a province ("Quang Bình" of Hà Giang, "quảng bình"): named only when written with
        # their own accents or after a district's unit word ("huyện Quang Bình")
        self._like_province = {
            p: next(iter(o)) for p, o in owners.items() if len(o) == 1 and p in self._by_fold
        }
        self._province_re = _alternation(list(self._by_fold))
        self._place_re = _alternation(list(self.places))
        self._like_province_re = _alternation(list(self._like_province)) if self._like_province else None
        # Every district of two syllables or more, shared ones too ("Châu Thành", "Tân Uyên" of Lai Châu and of Bình
        # Dương): naming one narrows a value to it, whichever province it lies in (implying a province needs a
        # name only one province has: ``places``).
        self._district_re = _alternation([p for p in owners if p not in self._by_fold])
        # A province's own city or town, named like it: "Thành phố Lai Châu: 127 ca", "TP. Hà Giang", "thị xã …"; not
        # a city that is a province itself ("thành phố Cần Thơ", "TP Hồ Chí Minh").
        cities = {u.name for u in current if u.type != "tỉnh"} | {u.name for u in former if u.type != "tỉnh"}
        provinces_with_seats = [name for name, unit in self._by_fold.items() if unit not in cities]
        self._seat_re = re.compile(
            r"(?<!\w)("
            + "|".join(map(re.escape, _SEAT_UNITS))
            + r")\s*("
            + "|".join(map(re.escape, sorted(provinces_with_seats, key=len, reverse=True)))
            + r")(?!\w)"
        )
        # "huyện Quang Bình": a name after a district's unit word is the district's
        self._after_unit_word = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, below_province)) + r")\s+$")
            if below_province
            else None
        )

    # ------------------------------------------------------------------ mentions

    def province_mentions(self, text: str) -> Counter[str]:
        """Provincial units named in the text (former or current names), with counts; accent-insensitive where
        it is written without accents, while a name written with accents must carry the unit's own: "diễn
        biến" (how an epidemic evolves, in most reports of one) is not Điện Biên."""
        folded = fold(text)
        if len(folded) != len(text):  # folding keeps the length of NFC Vietnamese; otherwise match folded
            return Counter(self._by_fold[m] for m in self._province_re.findall(folded))
        return Counter(name for _, _, name in self._province_matches(text, folded))

    def province_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, unit) of each provincial unit named in NFC text ("LÀO CAI" -> "Lào Cai")."""
        folded = fold(text)
        if len(folded) != len(text):  # folding keeps the length of NFC Vietnamese; anything else: no spans
            return []
        return self._province_matches(text, folded)

    def _province_matches(self, text: str, folded: str) -> list[tuple[int, int, str]]:
        lower = text.lower()
        out = []
        for m in self._province_re.finditer(folded):
            if self._after_unit(lower, m.start(1)):
                continue  # "huyện Quang Bình" (of Hà Giang) is no mention of Quảng Bình
            written = lower[m.start(1) : m.end(1)].split()
            spellings = self._name_spellings.get(m.group(1), ())
            if any(_same_or_unaccented(written, s.split()) for s in spellings):
                out.append((m.start(), m.end(), self._by_fold[m.group(1)]))
        return out

    def implied_provinces(self, text: str) -> Counter[str]:
        """Former provinces implied by the district or city names in the text."""
        return Counter(self.places.get(m) or self._like_province[m] for m in self._places_in(text))

    def implied_places(self, text: str) -> Counter[str]:
        """The district and town names themselves (folded) that imply a province."""
        return Counter(self._places_in(text))

    def districts_in(self, text: str) -> list[str]:
        """Every district, town or city below a province the text names (folded), in its order: shared names
        ("châu thành") and a province's own city ("Thành phố Lai Châu" -> "thanh pho lai chau") too."""
        found = self._place_spans(text, self._district_re) + self._seats_in(text)
        return [place for _, place in sorted(found)]

    def districts_said_as_such(self, text: str) -> list[str]:
        """The districts, towns and cities below a province the text names after their unit word ("Quận Sơn Trà",
        "huyện Tân Uyên", "TP Hà Giang"), folded: the place itself, not a province named by one of its places."""
        lower = text.lower()
        said = [
            place
            for start, place in self._place_spans(text, self._district_re)
            if self._after_unit(lower, start)
        ]
        return said + [place for _, place in self._seats_in(text)]

    def _seats_in(self, text: str) -> list[tuple[int, str]]:
        """(start, folded name) of each province's own city or town the text names: "TP. Hà Giang" -> "thanh pho ha
        giang"."""
        return [
            (m.start(), f"{_SEAT_UNITS[m.group(1)]} {m.group(2)}") for m in self._seat_re.finditer(fold(text))
        ]

    def _after_unit(self, lower: str, start: int) -> bool:
        """Whether a below-province unit word ("huyện", "quận") stands right before ``start`` of a lower-case text."""
        return self._after_unit_word is not None and self._after_unit_word.search(lower, 0, start) is not None

    @staticmethod
    def spelled_seats(folded: str) -> str:
        """A folded text with the shorthand of a city or town spelled out as ``districts_in`` names it: "tp lai chau"
        -> "thanh pho lai chau"."""
        return _SEAT_SHORTHAND.sub(lambda m: _SEAT_UNITS[m.group(1)] + " ", folded)

    def _places_in(self, text: str) -> list[str]:
        """Names of places that imply one province, in the text's order."""
        return [place for _, place in self._place_spans(text, self._place_re)]

    def _place_spans(self, text: str, names: re.Pattern[str]) -> list[tuple[int, str]]:
        """(start, folded name) of the places ``names`` matches and of those named like a province, in order;
        accent-insensitive where the text is written without accents; a name written with accents must carry the
        place's own ("bình quân 1" is not "Quận 1", "Yên Dũng" is "yen dung")."""
        folded = fold(text)
        if len(folded) != len(text):  # folding keeps the length of NFC Vietnamese; otherwise match folded
            return [(m.start(1), m.group(1)) for m in names.finditer(folded)]
        lower = text.lower()
        found = []
        at = 0
        while (m := names.search(folded, at)) is not None:
            written = lower[m.start(1) : m.end(1)].split()
            if any(_same_or_unaccented(written, p.split()) for p in self._spellings.get(m.group(1), ())):
                found.append((m.start(1), m.group(1)))
                at = m.end(1)
            else:  # "Quận Sơn Trà" folds to "quan son tra": not Quan Sơn (Thanh Hóa), so look on from "Sơn"
                at = m.start(1) + 1
        for m in self._like_province_re.finditer(folded) if self._like_province_re else ():
            written_place = lower[m.start(1) : m.end(1)]
            own = written_place in self._spellings[
                m.group(1)
            ] and written_place not in self._name_spellings.get(m.group(1), ())
            if own or self._after_unit(lower, m.start(1)):
                found.append((m.start(1), m.group(1)))
        return sorted(found)

    def canonical(self, name: str) -> str | None:
        """The unit's own spelling for a name or alias ("thanh hoa" -> "Thanh Hóa"), or None."""
        return self._by_fold.get(fold(name).strip())

    # ------------------------------------------------------------------ then and now

    def is_current(self, name: str) -> bool:
        return name in self.current

    def is_former(self, name: str) -> bool:
        return name in self.former

    def current_of(self, name: str) -> str | None:
        """The current unit a former one belongs to ("Bắc Giang" -> "Bắc Ninh"); a current name maps to itself."""
        if name in self.former:
            return self.former[name].current
        return name if name in self.current else None

    def former_of(self, name: str) -> tuple[str, ...]:
        """The former units a current one absorbed ("Cần Thơ" -> Cần Thơ, Sóc Trăng, Hậu Giang); () if not current."""
        unit = self.current.get(name)
        return unit.former if unit else ()

    def merged_away(self, name: str) -> bool:
        """A former unit whose name no current unit carries (Hậu Giang, Bắc Giang), as opposed to Cần Thơ."""
        return name in self.former and self.former[name].current != name

    def full_name(self, name: str) -> str:
        """'tỉnh Bắc Giang', 'thành phố Cần Thơ' (a current unit's type wins for a name that is both)."""
        unit = self.current.get(name) or self.former.get(name)
        return unit.full_name if unit else name


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    data = json.loads(resources.files("qa").joinpath("data/gazetteer.json").read_text(encoding="utf-8"))
    current_of = {f: c["name"] for c in data["current"] for f in c["former"]}
    current = [CurrentUnit(c["name"], c["type"], tuple(c["former"])) for c in data["current"]]
    former = [
        FormerUnit(f["name"], f["type"], current_of[f["name"]], tuple(f.get("districts", [])))
        for f in data["former"]
    ]
    aliases = {a: u["name"] for u in data["former"] + data["current"] for a in u.get("aliases", [])}
    return Gazetteer(
        current, former, aliases, date.fromisoformat(data["effective"]), tuple(data.get("below_province", []))
    )
