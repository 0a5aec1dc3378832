"""What the served index holds, read from the generation ``index/current`` points at."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qa.index.layout import current_generation


def indexed_sources(index_dir: Path) -> dict[str, str]:
    """source -> sha256 of every document in the current generation ({} when there is none)."""
    generation = current_generation(index_dir)
    if generation is None or not (generation / "store.sqlite").is_file():
        return {}
    conn = sqlite3.connect(f"file:{generation / 'store.sqlite'}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT source, sha256 FROM documents").fetchall())
    finally:
        conn.close()


def current_name(index_dir: Path) -> str | None:
    generation = current_generation(index_dir)
    return generation.name if generation is not None else None
