"""What the Engine reads of a generation's store, whichever database holds it: one interface, two
implementations (``qa.index.store.SqliteStoreReader`` for ``store.sqlite``, ``qa.index.shared_store`` for the
shared PostgreSQL of ``QA_DATABASE_URL``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from qa.models import Chunk, Figure, RegulationMention

Line = tuple[int, str, int | None]  # line number (from 1), text, page


@dataclass(slots=True)
class StoreContents:
    """Every row the Engine keeps in memory: documents (as store rows, ordered by source), chunks, figures and
    cited regulations (in their stored order)."""

    documents: list[dict[str, Any]]
    chunks: list[Chunk]
    figures: list[Figure]
    regulations: list[RegulationMention]


class StoreReader(Protocol):
    def meta(self) -> dict[str, Any]: ...

    def contents(self) -> StoreContents: ...

    def lines(self, doc_id: str) -> list[Line]: ...

    def close(self) -> None: ...
