"""Candidates from the generation's own files: bm25s scores every chunk, FAISS searches the vectors.

Filters become a boolean mask over positions (the order both indexes were built in), computed once per question
and shared by both rankers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

from qa.index.dense import ids_by_position, load_faiss, search
from qa.index.lexical import LexicalIndex
from qa.retrieval.candidates import Candidates, Scope, SearchMode
from qa.retrieval.fusion import top_positions


class InconsistentIndexError(RuntimeError):
    pass


class EmbeddedCandidates:
    def __init__(self, lexical: LexicalIndex, index: faiss.Index, chunk_doc: np.ndarray) -> None:
        if not np.array_equal(ids_by_position(index), lexical.ids):
            # Filters address both indexes by position (build.py adds the chunks to both in one order).
            raise InconsistentIndexError("the dense and lexical indexes list other chunks")
        self.lexical = lexical
        self.faiss = index
        self.size = len(chunk_doc)
        # Filters resolve to documents, documents to positions: precomputed, so a filtered question costs
        # O(allowed documents), not a Python pass over every chunk (32 ms at 1,000,000 chunks).
        self.doc_positions = positions_by_doc(chunk_doc)

    @classmethod
    def open(cls, generation: Path, lexical: LexicalIndex, chunk_doc: np.ndarray) -> EmbeddedCandidates:
        return cls(lexical, load_faiss(generation / "vectors.faiss"), chunk_doc)

    def candidates(
        self,
        query: str,
        embed: Callable[[str], np.ndarray],
        depth: int,
        scope: Scope,
        mode: SearchMode,
    ) -> Candidates:
        mask = None if scope.allowed is None else positions_mask(self.doc_positions, scope.allowed, self.size)
        out = Candidates()
        t0 = time.perf_counter()
        if mode in ("hybrid", "lexical"):
            scores = self.lexical.scores(query)
            positions = top_positions(scores, mask, depth)
            out.lexical = [(int(self.lexical.ids[p]), float(scores[p])) for p in positions]
        t1 = time.perf_counter()
        if mode in ("hybrid", "dense"):
            dscores, dids = search(self.faiss, embed(query), depth, mask)
            out.dense = [(int(i), float(s)) for i, s in zip(dids, dscores, strict=True)]
        t2 = time.perf_counter()
        out.lexical_ms, out.dense_ms = (t1 - t0) * 1000, (t2 - t1) * 1000
        return out

    def close(self) -> None:
        pass


def positions_by_doc(chunk_doc: np.ndarray) -> dict[str, np.ndarray]:
    """Positions of each document's chunks, from the document id at every position."""
    if len(chunk_doc) == 0:
        return {}
    docs, codes = np.unique(chunk_doc.astype(str), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(docs) + 1))
    return {str(d): order[bounds[i] : bounds[i + 1]] for i, d in enumerate(docs)}


def positions_mask(doc_positions: dict[str, np.ndarray], allowed: set[str], n: int) -> np.ndarray:
    """Boolean mask over ``n`` positions, True at the chunks of the allowed documents."""
    mask = np.zeros(n, dtype=bool)
    positions = [doc_positions[d] for d in allowed if d in doc_positions]
    if positions:
        mask[np.concatenate(positions)] = True
    return mask
