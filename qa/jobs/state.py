"""What the served index holds: read from the generation ``index/current`` points at, or, in a shared deployment
(``QA_DATABASE_URL``), from the generation the shared database's pointer names, whichever replica published it
(until one is published there, the local one, as the Engine serves it)."""

from __future__ import annotations

import sqlite3

from qa.index.layout import current_generation
from qa.settings import Settings


def indexed_sources(settings: Settings) -> dict[str, str]:
    """source -> sha256 of every document in the current generation ({} when there is none)."""
    if settings.database_url:
        from qa.index.shared_store import shared_store

        shared = shared_store(settings.database_url)
        ref = shared.current()
        if ref is not None:
            return shared.sources(ref.number)
    generation = current_generation(settings.index_dir)
    if generation is None or not (generation / "store.sqlite").is_file():
        return {}
    conn = sqlite3.connect(f"file:{generation / 'store.sqlite'}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT source, sha256 FROM documents").fetchall())
    finally:
        conn.close()


def current_name(settings: Settings) -> str | None:
    if settings.database_url:
        from qa.index.shared_store import shared_store

        ref = shared_store(settings.database_url).current()
        if ref is not None:
            return ref.name
    generation = current_generation(settings.index_dir)
    return generation.name if generation is not None else None
