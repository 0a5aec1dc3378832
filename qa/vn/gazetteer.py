"""Province names and the places that imply them (data file ``qa/data/gazetteer.json``)."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from qa.vn.text import fold


def _alternation(names: list[str]) -> re.Pattern[str]:
    alts = sorted({re.escape(fold(n)) for n in names}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alts) + r")(?!\w)")


class Gazetteer:
    def __init__(self, provinces: dict[str, list[str]], aliases: dict[str, str]) -> None:
        self.provinces = tuple(provinces)
        self._by_fold = {fold(p): p for p in provinces} | {fold(a): p for a, p in aliases.items()}
        owners: dict[str, set[str]] = {}
        for province, places in provinces.items():
            # One-syllable names (Thắng, Neo, Kép) fold onto everyday words ("tháng"); skip them.
            for place in (p for p in places if len(p.split()) >= 2):
                owners.setdefault(fold(place), set()).add(province)
        # Places shared by several provinces (Châu Thành) imply nothing.
        self.places = {p: next(iter(o)) for p, o in owners.items() if len(o) == 1 and p not in self._by_fold}
        self._province_re = _alternation(list(self._by_fold))
        self._place_re = _alternation(list(self.places))

    def province_mentions(self, text: str) -> Counter[str]:
        """Provinces named in the text (accent-insensitive), with counts."""
        return Counter(self._by_fold[m] for m in self._province_re.findall(fold(text)))

    def implied_provinces(self, text: str) -> Counter[str]:
        """Provinces implied by district or city names in the text."""
        return Counter(self.places[m] for m in self._place_re.findall(fold(text)))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    data = json.loads(resources.files("qa").joinpath("data/gazetteer.json").read_text(encoding="utf-8"))
    return Gazetteer(data["provinces"], data.get("aliases", {}))
