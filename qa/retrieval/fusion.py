"""Weighted reciprocal-rank fusion of BM25 and dense rankings, with metadata filters.

BM25 leads on this corpus (exact indicator names, số hiệu, numbers); the dense
side gets a smaller weight so it lifts paraphrases without drowning exact
matches. The weights were tuned on eval/dev.jsonl (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class FusionParams:
    lexical_weight: float = 1.0
    dense_weight: float = 0.5
    rrf_k: float = 5.0
    depth: int = 100  # how deep each ranking is read


@dataclass(slots=True)
class Ranked:
    chunk_id: int
    score: float
    lexical_rank: int | None
    dense_rank: int | None
    lexical_score: float | None
    dense_score: float | None


def top_positions(scores: np.ndarray, mask: np.ndarray | None, depth: int) -> np.ndarray:
    """Positions of the best ``depth`` positive scores, best first, among the allowed positions."""
    s = scores.copy()
    if mask is not None:
        s[~mask] = -np.inf
    s[s <= 0] = -np.inf
    n = min(depth, int(np.isfinite(s).sum()))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-s, n - 1)[:n]
    return part[np.argsort(-s[part], kind="stable")]


def fuse(
    lexical: list[tuple[int, float]],
    dense: list[tuple[int, float]],
    params: FusionParams,
) -> list[Ranked]:
    """Both inputs are (chunk id, score) best first."""
    table: dict[int, Ranked] = {}
    for rank, (cid, score) in enumerate(lexical[: params.depth], 1):
        table[cid] = Ranked(cid, params.lexical_weight / (params.rrf_k + rank), rank, None, score, None)
    for rank, (cid, score) in enumerate(dense[: params.depth], 1):
        contribution = params.dense_weight / (params.rrf_k + rank)
        if cid in table:
            table[cid].score += contribution
            table[cid].dense_rank, table[cid].dense_score = rank, score
        else:
            table[cid] = Ranked(cid, contribution, None, rank, None, score)
    return sorted(table.values(), key=lambda r: -r.score)
