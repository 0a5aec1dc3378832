"""FAISS index of chunk vectors with stable chunk ids (IndexIDMap)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

# Below this many vectors exact search is fast enough and has perfect recall.
FLAT_MAX = 200_000


def choose_kind(n: int, requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    return "flat" if n <= FLAT_MAX else "hnsw"


def build_faiss(vectors: np.ndarray, ids: np.ndarray, kind: str = "auto") -> faiss.Index:
    dim = vectors.shape[1]
    kind = choose_kind(len(vectors), kind)
    if kind == "flat":
        base = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        base = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        base.hnsw.efConstruction = 80
        base.hnsw.efSearch = 64
    elif kind == "ivfpq":
        nlist = max(16, int(np.sqrt(len(vectors)) * 4))
        quantizer = faiss.IndexFlatIP(dim)
        base = faiss.IndexIVFPQ(quantizer, dim, nlist, min(48, dim // 8), 8, faiss.METRIC_INNER_PRODUCT)
        base.train(vectors[np.random.default_rng(0).permutation(len(vectors))[: max(nlist * 40, 10_000)]])
        base.nprobe = 16
    else:
        raise ValueError(f"unknown FAISS index kind: {kind}")
    index = faiss.IndexIDMap2(base)
    if len(vectors):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))
    return index


def save_faiss(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_faiss(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))


def search(index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, chunk ids) for one query vector, optionally only among ``allowed`` ids."""
    if index.ntotal == 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    k = min(k, index.ntotal)
    params = None
    if allowed is not None:
        if len(allowed) == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed.astype(np.int64)))
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k, params=params)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]
