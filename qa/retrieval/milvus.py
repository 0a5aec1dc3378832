"""Candidates from a shared Milvus (QA_VECTOR_URL): its BM25 over our token codes, and its dense search.

Filters become a Milvus expression over the scalar fields of each row (folded province, years, document id),
with the engine's meaning: a province among those asked, a year among the document's years or a document
without years, a document among those named. Milvus may hold rows of a newer generation for a moment (they are
written before the switch): rows whose chunk this engine's generation does not know are skipped.

Equal scores are ordered by the chunk's position in the generation, whatever order Milvus returns them in
(BM25 ties are common: two table rows with the same words), so a question gets the same ranking every time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from qa.index.milvus_collection import (
    BM25_K1,
    DENSE_FIELD,
    DOC_FIELD,
    PROVINCE_FIELD,
    SPARSE_FIELD,
    YEARS_FIELD,
    GenerationStamp,
    VectorStoreError,
    connect,
    load,
    quoted,
    read_stamp,
)
from qa.index.token_codes import encoded_text
from qa.retrieval.candidates import Candidates, Filters, Scope, SearchMode
from qa.vn.text import fold


class MilvusCandidates:
    def __init__(
        self, url: str, collection: str, stamp: GenerationStamp, positions: Mapping[int, int]
    ) -> None:
        """``positions``: the position of each chunk id of the engine's generation."""
        self.client = connect(url)
        self.collection = collection
        self.positions = positions
        if self.client.has_collection(collection):
            load(self.client, collection)
            held = read_stamp(self.client, collection)
        else:
            held = None
        if held is None or not held.covers(stamp):
            self.client.close()
            raise VectorStoreError(
                f"cơ sở dữ liệu vector {url} chưa chứa thế hệ chỉ mục {stamp.generation} "
                f"(đang chứa: {held.generation if held else 'không có'}): chạy `qa migrate --to-vector {url}`"
            )

    def candidates(
        self,
        query: str,
        embed: Callable[[str], np.ndarray],
        depth: int,
        scope: Scope,
        mode: SearchMode,
    ) -> Candidates:
        out = Candidates()
        if scope.allowed is not None and not scope.allowed:
            return out
        expression = filter_expression(scope.filters) if scope.allowed is not None else ""
        t0 = time.perf_counter()
        if mode in ("hybrid", "lexical") and (codes := encoded_text(query)):
            out.lexical = self._search(SPARSE_FIELD, codes, "BM25", depth, expression)
        t1 = time.perf_counter()
        if mode in ("hybrid", "dense"):
            vector = np.asarray(embed(query), dtype=np.float32).tolist()
            out.dense = self._search(DENSE_FIELD, vector, "IP", depth, expression)
        t2 = time.perf_counter()
        out.lexical_ms, out.dense_ms = (t1 - t0) * 1000, (t2 - t1) * 1000
        return out

    def _search(
        self, field: str, data: Any, metric: str, depth: int, expression: str
    ) -> list[tuple[int, float]]:
        result = self.client.search(
            self.collection,
            data=[data],
            anns_field=field,
            limit=depth,
            filter=expression,
            search_params={"metric_type": metric},
            output_fields=[],
        )
        hits = []
        for hit in result[0]:
            # BM25 scores are positive; Milvus Lite reports them negated (as a distance), Milvus as they are. Milvus
            # multiplies each term by (k1 + 1), which bm25s leaves out: divided, they are the embedded index's scores.
            score = float(hit["distance"])
            if metric == "BM25":
                score = abs(score) / (BM25_K1 + 1)
            if int(hit["id"]) in self.positions and (metric != "BM25" or score > 0):
                hits.append((int(hit["id"]), score))
        return sorted(hits, key=lambda h: (-h[1], self.positions[h[0]]))

    def close(self) -> None:
        self.client.close()


def filter_expression(filters: Filters | None) -> str:
    """The Milvus expression selecting the rows of the documents ``qa.retrieval.engine`` allows."""
    if filters is None:
        return ""
    parts = []
    provinces = ([filters.province] if filters.province else []) + (filters.provinces or [])
    if provinces:
        parts.append(f"{PROVINCE_FIELD} in {quoted(sorted({fold(p) for p in provinces}))}")
    if filters.year is not None:
        parts.append(
            f"(array_length({YEARS_FIELD}) == 0 or array_contains({YEARS_FIELD}, {int(filters.year)}))"
        )
    if filters.doc_ids:
        parts.append(f"{DOC_FIELD} in {quoted(sorted(set(filters.doc_ids)))}")
    return " and ".join(parts)
