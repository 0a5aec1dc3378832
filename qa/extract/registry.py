"""The registry of cited documents: the mentions of one number *within one province* merged into one entry
(``12/2023/QĐ-UBND`` of Hậu Giang is not the one of Bắc Giang).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qa.models import RegulationMention
from qa.vn.so_hieu import number_key
from qa.vn.text import fold


@dataclass
class Regulation:
    """One cited document of one province, merged over all its mentions.

    Not slotted: callers may read it through ``vars(entry)`` like a dict.
    """

    number: str
    province: str | None
    kind: str | None
    issuer: str | None
    date: str | None
    subject: str | None
    mentions: list[RegulationMention] = field(default_factory=list)

    @property
    def key(self) -> str:
        return number_key(self.number)

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "province": self.province,
            "kind": self.kind,
            "issuer": self.issuer,
            "date": self.date,
            "subject": self.subject,
            "mentions": [
                {
                    "doc_id": m.doc_id,
                    "source": m.source,
                    "section": m.section,
                    "line": m.line,
                    "quote": m.quote,
                }
                for m in self.mentions
            ],
        }


def _most_common(values: list[str | None]) -> str | None:
    present = [v for v in values if v]
    if not present:
        return None
    counts = Counter(present)
    # Most frequent; ties go to the longer (more informative) form, then the first seen.
    return max(present, key=lambda v: (counts[v], len(v)))


def _consensus(values: list[str | None]) -> str | None:
    """The subject most mentions agree on: the one most others start with, then the longer.

    "tăng cường công tác … trong tình hình mới" beats a mention that ran on into the citing sentence
    ("… trong tình hình mới trên địa bàn tỉnh Kiên Giang, đề nghị …").
    """
    present = [v for v in values if v]
    if not present:
        return None
    folded = [fold(v) for v in present]
    support = {v: sum(f.startswith(fold(v)) for f in folded) for v in present}
    return max(present, key=lambda v: (support[v], len(v)))


def _fullest(values: list[str | None]) -> str | None:
    """The issuer that completes most others: "UBND tỉnh Bắc Giang" over "UBND tỉnh"."""
    present = [v for v in values if v]
    if not present:
        return None
    folded = [fold(v) for v in present]
    support = {v: sum(fold(v).startswith(f) for f in folded) for v in present}
    return max(present, key=lambda v: (support[v], len(v)))


def build_registry(mentions: list[RegulationMention]) -> list[Regulation]:
    """Merge mentions into one entry per (number, province of the citing document)."""
    groups: dict[tuple[str, str], list[RegulationMention]] = {}
    for m in mentions:
        key = (number_key(m.number), fold(m.province or ""))
        groups.setdefault(key, []).append(m)
    registry: list[Regulation] = []
    for group in groups.values():
        registry.append(
            Regulation(
                number=_most_common([m.number for m in group]) or group[0].number,
                province=group[0].province,
                kind=_most_common([m.kind for m in group]),
                issuer=_fullest([m.issuer for m in group]),
                date=_most_common([m.date for m in group]),
                subject=_consensus([m.subject for m in group]),
                mentions=list(group),
            )
        )
    return registry
