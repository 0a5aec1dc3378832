"""BM25 (bm25s) over Vietnamese tokens; scores for all chunks, masked by filters."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from qa.vn.tokens import tokenize


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, ids: np.ndarray) -> None:
        self.retriever = retriever
        self.ids = ids  # chunk id of each BM25 document, in order
        self.vocab: dict[str, int] = retriever.vocab_dict

    @classmethod
    def build(cls, texts: list[str], ids: np.ndarray, k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index([tokenize(t) for t in texts] or [[""]], show_progress=False)
        return cls(retriever, ids)

    def save(self, directory: Path) -> None:
        self.retriever.save(directory, show_progress=False)
        np.save(directory / "ids.npy", self.ids)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        retriever = bm25s.BM25.load(directory, show_progress=False, verbosity=0)
        return cls(retriever, np.load(directory / "ids.npy"))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (position-aligned with ``ids``)."""
        tokens = [t for t in tokenize(query) if t in self.vocab]
        if not tokens or len(self.ids) == 0:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)[: len(self.ids)]
