"""What the engine asks of a retrieval backend: dense and lexical candidates under filters.

Two implementations: ``qa.retrieval.embedded`` (the generation's own FAISS and bm25s files, the default) and
``qa.retrieval.milvus`` (a shared Milvus, QA_VECTOR_URL). Both return (chunk id, score) lists, best first; the
engine fuses them the same way whichever answered (``qa.retrieval.fusion``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

SearchMode = Literal["hybrid", "lexical", "dense"]
# By name, for command lines; in the order `qa eval --retrieval` reports them.
SEARCH_MODES: dict[str, SearchMode] = {"lexical": "lexical", "dense": "dense", "hybrid": "hybrid"}


@dataclass(slots=True)
class Filters:
    province: str | None = None
    year: int | None = None
    doc_ids: list[str] | None = None
    provinces: list[str] | None = None  # several provinces (comparisons)


@dataclass(slots=True)
class Scope:
    """The filters of a question and the documents they allow (None: every document, no filter)."""

    filters: Filters | None
    allowed: set[str] | None


@dataclass(slots=True)
class Candidates:
    lexical: list[tuple[int, float]] = field(default_factory=list)
    dense: list[tuple[int, float]] = field(default_factory=list)
    lexical_ms: float = 0.0
    dense_ms: float = 0.0


class CandidateSource(Protocol):
    def candidates(
        self,
        query: str,
        embed: Callable[[str], np.ndarray],
        depth: int,
        scope: Scope,
        mode: SearchMode,
    ) -> Candidates:
        """The best ``depth`` chunks of each ranker the mode asks for, among the scope's documents."""
        ...

    def close(self) -> None: ...
