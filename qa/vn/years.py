"""The year pattern, written once: a four-digit year of 19xx or 20xx.

Each user composes its own boundaries around ``YEAR`` (inside a table header, after "đến năm", not inside a
số hiệu or a date); ``YEAR_RE`` is the free-standing year: not part of a longer number.
"""

from __future__ import annotations

import re

YEAR = r"(?:19|20)\d{2}"
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
# Two years joined by a dash, a span or a period: "2021-2025", "2009 – 2019".
YEAR_RANGE_RE = re.compile(rf"(?<!\d)({YEAR})\s*[-–]\s*({YEAR})(?!\d)")


def years_in(text: str) -> list[int]:
    """Free-standing years in order of appearance: 'KH 2023, TH 2024' -> [2023, 2024]."""
    return [int(y) for y in YEAR_RE.findall(text)]
