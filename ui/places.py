"""Provinces then and now, as the API's `GET /provinces` gives them: the province filter's choices (each
current unit with its former provinces under it) and the names a document or a citation shows
("tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh"). Pure functions over the API's data: no Streamlit here."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

INDENT = "\u2003\u2003"  # em spaces: HTML keeps them, so a former province sits under its current unit


def sort_key(name: str) -> str:
    """Vietnamese names in alphabetical order, accents aside ("Bắc Ninh" before "Cần Thơ")."""
    folded = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True, slots=True)
class PlaceOption:
    value: str  # what `filters.province` gets: "Bắc Ninh", "Bắc Giang", "Cần Thơ cũ"
    label: str  # what the list shows
    provinces: frozenset[str]  # the document provinces it covers
    level: Literal["current", "former"]


@dataclass(frozen=True, slots=True)
class Places:
    """The units with documents, for the filter, and every unit's full name, for labels."""

    options: tuple[PlaceOption, ...] = ()
    full_names: dict[str, str] = field(default_factory=dict)  # former and current name -> "tỉnh Bắc Giang"
    current_full_names: dict[str, str] = field(default_factory=dict)  # "Cần Thơ" -> "thành phố Cần Thơ"

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Places:
        options: list[PlaceOption] = []
        full: dict[str, str] = {}
        current_full: dict[str, str] = {}
        units = sorted(data.get("provinces") or [], key=lambda u: sort_key(u["name"]))
        for unit in units:
            current_full[unit["name"]] = unit["full_name"]
            for former in unit.get("former") or []:
                full[former["name"]] = former["full_name"]
            with_documents = [f for f in unit.get("former") or [] if f.get("documents")]
            if not with_documents:
                continue
            options.append(
                PlaceOption(
                    unit["filter"],
                    unit["full_name"],
                    frozenset(f["name"] for f in with_documents),
                    "current",
                )
            )
            for former in sorted(with_documents, key=lambda f: sort_key(f["name"])):
                options.append(
                    PlaceOption(
                        former["filter"],
                        f"{INDENT}{former['full_name']} cũ",
                        frozenset({former["name"]}),
                        "former",
                    )
                )
        return cls(tuple(options), full, current_full)

    def option(self, value: str | None) -> PlaceOption | None:
        return next((o for o in self.options if o.value == value), None)

    def label(self, value: str) -> str:
        option = self.option(value)
        return option.label if option else value

    def covers(self, value: str | None, province: str | None) -> bool:
        """Whether a document of `province` is inside the filter `value` (None: no filter, everything)."""
        if value is None:
            return True
        option = self.option(value)
        return province in option.provinces if option else province == value

    def place(self, province: str | None, current: str | None) -> str:
        """A document's province then and now: "tỉnh Bắc Giang cũ, nay thuộc tỉnh Bắc Ninh"; a province that
        kept its name and borders ("thành phố Cần Thơ" for a Cần Thơ document after the merger) just once."""
        if not province:
            return ""
        then = self.full_names.get(province, province)
        if not current or current == province:
            return self.current_full_names.get(province, then) if current else then
        now = self.current_full_names.get(current, current)
        return f"{then} cũ, nay thuộc {now}"
