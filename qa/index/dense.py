"""FAISS index of chunk vectors with stable chunk ids (IndexIDMap)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

# Measured on 2 cores (bench/RESULTS.md, "Scale"): exact search is linear in the number of vectors, 57 ms p50 /
# 60 ms p95 a query at 1,000,000 384-d vectors idle (1.5 GB scanned), 6-10 ms at 100,000, and never misses. So
# exact search up to where its p95 reaches ~15 ms (issue 14's bar is p95 <= 20 ms), HNSW beyond, over the same
# float32 vectors: IVF-PQ found 20% of the true top 10 at 1,000,000 and IVF-Flat, at 200,000 vectors, 90% while
# scanning 6% of them (these clusters overlap; bench/RESULTS.md). IVF-PQ only when asked for (memory-bound corpora).
FLAT_MAX = 250_000
# The graph: M 32 and efConstruction 80 (1,000,000 vectors: built in 135 s idle, 671 s at load 5; 1.76 GB with the
# vectors). Richer graphs (M 48-64, efConstruction 160-200) were not built at 1,000,000: at 200,000 vectors this
# one alone took 267 s at load 5-6. With it, recall depends on efSearch: measured at 1,000,000 clustered vectors
# (160 queries: 100 real questions, 60 held-out points; load 4.6-5.4), efSearch 512 -> recall@10 0.865, 1024 ->
# 0.914, 2048 -> 0.956, 3072 -> 0.970, p95 31 / 36 / 44 / 56 ms at that load (512: 2.7 ms idle). 2048 is the
# smallest value past the 0.95 bar. The misses are real questions (recall 0.931 at 2048); held-out points of
# the clusters are found at any efSearch (0.997-0.998).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 2048
# A filter that leaves at most this many vectors is searched exactly, over HNSW's own flat storage with a bitmap
# (a bit test per vector, a dot product per allowed one): a 5% province filter at 1,000,000 vectors then has
# recall 1.0 instead of HNSW's 0.84 under that filter, at the cost of ~100k dot products (exact search over 100k
# vectors took 6-10 ms on one core; bench/RESULTS.md, "Scale"; at 1,000,000 vectors, load 5: p95 38-44 ms,
# recall 1.0, where HNSW's own filtered search found 84% at efSearch 512 idle).
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
        hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
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
