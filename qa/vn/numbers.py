"""Numbers as Vietnamese writes them: a decimal comma and dots between thousands."""

from __future__ import annotations

import re


def parse_vn_number(text: str) -> float | None:
    """Parse a Vietnamese-formatted number: '12,5' -> 12.5, '1.920.000' -> 1920000.0."""
    s = text.strip().replace(" ", "")
    if not s or not re.fullmatch(r"[-+]?\d[\d.,]*", s):
        return None
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[-+]?\d{1,3}(?:\.\d{3})+", s):
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None


def format_vn_number(x: float) -> str:
    """12.5 -> '12,5'; 1920000 -> '1.920.000'; at most two decimals, trailing zeros dropped."""
    s = f"{x:,.2f}".rstrip("0").rstrip(".")
    return s.replace(",", "X").replace(".", ",").replace("X", ".")
