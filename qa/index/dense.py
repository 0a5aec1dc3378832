"""FAISS index of chunk vectors with stable chunk ids (IndexIDMap)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

# Measured on 2 cores (bench/RESULTS.md, "Scale"): exact search over 1,000,000 384-d vectors takes ~60 ms
# a query (1.5 GB) and never misses; HNSW found 76% of the true top 10 at efSearch 64, 92% at 512 (1.7 ms),
# fewer under a 5% filter (64% / 84%); IVF-PQ (m=48) found 20%. So exact search until its latency, not its
# recall, is the problem; HNSW with a wide search beyond; IVF-PQ only when asked for (memory-bound corpora).
FLAT_MAX = 1_000_000
HNSW_EF_SEARCH = 512
# A filter that leaves at most this many vectors is searched exactly, over HNSW's own flat storage with a bitmap
# (a bit test per vector, a dot product per allowed one): a 5% province filter at 1,000,000 vectors then has
# recall 1.0 instead of HNSW's 0.84 under that filter, at the cost of ~100k dot products (exact search over 100k
# vectors took 6-10 ms on one core; bench/RESULTS.md, "Scale").
EXACT_FILTER_MAX = 100_000


def choose_kind(n: int, requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    return "flat" if n <= FLAT_MAX else "hnsw"


def build_faiss(vectors: np.ndarray, ids: np.ndarray, kind: str = "auto") -> faiss.Index:
    dim = vectors.shape[1]
    kind = choose_kind(len(vectors), kind)
    base: faiss.Index
    if kind == "flat":
        base = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        base = hnsw
    elif kind == "ivfpq":
        nlist = max(16, int(np.sqrt(len(vectors)) * 4))
        quantizer = faiss.IndexFlatIP(dim)
        ivf = faiss.IndexIVFPQ(quantizer, dim, nlist, min(48, dim // 8), 8, faiss.METRIC_INNER_PRODUCT)
        ivf.train(vectors[np.random.default_rng(0).permutation(len(vectors))[: max(nlist * 40, 10_000)]])
        ivf.nprobe = 16
        base = ivf
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


def ids_by_position(index: faiss.Index) -> np.ndarray:
    """The chunk id of every vector, in the order the vectors were added."""
    if isinstance(index, faiss.IndexIDMap):
        return faiss.vector_to_array(index.id_map).astype(np.int64)
    return np.arange(index.ntotal, dtype=np.int64)


def search(
    index: faiss.Index, query: np.ndarray, k: int, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, chunk ids) for one query vector, optionally only where ``mask`` (by position) is True.

    ``mask`` is a boolean array over the index's positions (the order the vectors were added in, which is
    the order of the lexical index's ids). It reaches FAISS as a bitmap (one bit a vector, built in well
    under a millisecond at 1,000,000 vectors), so a filter costs a bit test per scanned vector instead of
    the hash-set lookups of a list of allowed ids (bench/RESULTS.md, "Scale").
    """
    if index.ntotal == 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    k = min(k, index.ntotal)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    if mask is None:
        scores, ids = index.search(q, k)
    else:
        if len(mask) != index.ntotal:
            raise ValueError(f"mask of {len(mask)} positions for an index of {index.ntotal} vectors")
        if not mask.any():
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
        if isinstance(inner, faiss.IndexHNSW) and int(mask.sum()) <= EXACT_FILTER_MAX:
            inner = faiss.downcast_index(
                inner.storage
            )  # the same vectors in the same order, searched exactly
        bitmap = np.packbits(mask, bitorder="little")
        params = _filter_params(inner, faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bitmap)))
        scores, positions = inner.search(q, k, params=params)
        ids = positions
        if isinstance(index, faiss.IndexIDMap):  # positions -> chunk ids, only for the k found
            id_map = index.id_map
            ids = np.array([[id_map.at(int(p)) if p >= 0 else -1 for p in positions[0]]], np.int64)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


def _filter_params(inner: faiss.Index, selector: faiss.IDSelector) -> faiss.SearchParameters:
    """Search parameters carrying an id filter, of the type the (inner) index requires.

    IVF indexes reject plain SearchParameters, and SearchParametersIVF would reset nprobe to 1 unless
    the index's own value is copied in; HNSW keeps its efSearch.
    """
    params: faiss.SearchParameters
    if isinstance(inner, faiss.IndexIVF):
        ivf = faiss.SearchParametersIVF()
        ivf.nprobe = inner.nprobe
        params = ivf
    elif isinstance(inner, faiss.IndexHNSW):
        hnsw = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # missing from faiss's stubs
        hnsw.efSearch = inner.hnsw.efSearch
        params = hnsw
    else:
        params = faiss.SearchParameters()
    params.sel = selector
    return params
