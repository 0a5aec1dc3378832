"""The FAISS layer on real indexes: filters by position return only allowed chunks, and exactly on flat."""

from __future__ import annotations

import numpy as np
import pytest

from qa.index.dense import build_faiss, ids_by_position, search

N, DIM = 3000, 32


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(N, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = (np.arange(N, dtype=np.int64) * 7919 + 13) % (2**62)  # arbitrary ids, like chunk ids
    return vectors, ids


def _exact(vectors: np.ndarray, ids: np.ndarray, query: np.ndarray, mask: np.ndarray, k: int) -> list[int]:
    scores = np.where(mask, vectors @ query, -np.inf)
    return [int(ids[p]) for p in np.argsort(-scores, kind="stable")[:k] if np.isfinite(scores[p])]


def test_flat_filter_is_exact(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, ids = data
    index = build_faiss(vectors, ids, "flat")
    assert np.array_equal(ids_by_position(index), ids)
    rng = np.random.default_rng(1)
    for fraction in (0.05, 0.5):
        mask = rng.random(N) < fraction
        for q in vectors[:20]:
            _, got = search(index, q, 10, mask)
            assert got.tolist() == _exact(vectors, ids, q, mask, 10)
    _, unfiltered = search(index, vectors[0], 10)
    assert unfiltered.tolist() == _exact(vectors, ids, vectors[0], np.ones(N, bool), 10)


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_approximate_indexes_keep_to_the_filter(data: tuple[np.ndarray, np.ndarray], kind: str) -> None:
    vectors, ids = data
    index = build_faiss(vectors, ids, kind)
    mask = np.zeros(N, bool)
    mask[::20] = True
    allowed = set(ids[mask].tolist())
    for q in vectors[:10]:
        _, got = search(index, q, 10, mask)
        assert len(got) and set(got.tolist()) <= allowed


def test_empty_filter_and_wrong_length(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, ids = data
    index = build_faiss(vectors, ids, "flat")
    scores, got = search(index, vectors[0], 5, np.zeros(N, bool))
    assert len(scores) == len(got) == 0
    with pytest.raises(ValueError, match="mask"):
        search(index, vectors[0], 5, np.ones(N - 1, bool))


def test_hnsw_searches_a_small_filter_exactly(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, ids = data
    index = build_faiss(vectors, ids, "hnsw")
    mask = np.random.default_rng(2).random(N) < 0.05
    for q in vectors[:20]:
        _, got = search(index, q, 10, mask)
        assert got.tolist() == _exact(vectors, ids, q, mask, 10)
