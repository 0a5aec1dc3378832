"""How a database time is written back to callers: the embedded stores' form (UTC, ISO 8601, to the second)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
