"""The one object the CLI and the API talk to: load an index generation once, answer many."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.extract.abbreviations import Abbreviations
from qa.index import store
from qa.index.layout import ABBREVIATIONS_FILE, FORMAT_VERSION, current_generation
from qa.index.lexical import LexicalIndex
from qa.index.store_contents import StoreReader
from qa.ingest.chunking import chunk_holding
from qa.models import Chunk, DocumentMeta, Figure, RegulationMention
from qa.retrieval.candidates import CandidateSource, Filters, Scope, SearchMode
from qa.retrieval.embedded import EmbeddedCandidates, InconsistentIndexError, positions_by_doc, positions_mask
from qa.retrieval.fusion import FusionParams, Ranked, fuse
from qa.settings import Settings
from qa.vn.text import fold

__all__ = [
    "Engine",
    "Filters",
    "Hit",
    "IndexMissingError",
    "ModelMismatchError",
    "positions_by_doc",
    "positions_mask",
]

if TYPE_CHECKING:
    from qa.embeddings.model import Embedder


class IndexMissingError(RuntimeError):
    pass


class ModelMismatchError(RuntimeError):
    pass


@dataclass(slots=True)
class Hit:
    chunk: Chunk
    doc: DocumentMeta
    ranked: Ranked


class Engine:
    def __init__(self, settings: Settings, generation: Path | None = None) -> None:
        self.settings = settings
        shared = (
            self._open_shared(settings.database_url) if generation is None and settings.database_url else None
        )
        if shared is not None:
            self.generation, self.reader = shared
        else:
            generation = generation or current_generation(settings.index_dir)
            if generation is None or not (generation / "store.sqlite").exists():
                raise IndexMissingError(f"no index in {settings.index_dir}: run `qa ingest` first")
            self.generation = generation
            self.reader = store.SqliteStoreReader(self.generation / "store.sqlite")
        try:
            self._load(settings)
        except BaseException:
            self.close()
            raise

    def _open_shared(self, url: str) -> tuple[Path, StoreReader] | None:
        """QA_DATABASE_URL: the generation the shared pointer names, its rows read from PostgreSQL and its files
        from this replica's index directory (filled from the database the first time). None while the database
        has none yet (a deployment that shared its index directory before): the local one serves until the
        first build, or `qa migrate --to-database`, publishes one."""
        from qa.index.shared_store import shared_store

        shared = shared_store(url)
        ref = shared.current()
        if ref is None:
            return None
        return shared.mirror(self.settings.index_dir, ref), shared.reader(ref)

    def _load(self, settings: Settings) -> None:
        self.meta = self.reader.meta()
        if self.meta.get("format") != FORMAT_VERSION:
            raise IndexMissingError(
                f"the index in {self.generation} has format {self.meta.get('format')}, this version reads "
                f"{FORMAT_VERSION}: run `qa ingest` to read the documents again"
            )
        if self.meta.get("embedding_model") != settings.embedding_model:
            raise ModelMismatchError(
                f"the index was built with {self.meta.get('embedding_model')!r}, "
                f"not {settings.embedding_model!r}: run `qa ingest` again to rebuild it"
            )
        contents = self.reader.contents()
        self.docs: dict[str, DocumentMeta] = {}
        self.doc_rows: dict[str, dict] = {}
        for row in contents.documents:
            self.docs[row["doc_id"]] = store.row_to_meta(row)
            self.doc_rows[row["doc_id"]] = row
        self.chunks: dict[int, Chunk] = {c.chunk_id: c for c in contents.chunks}
        self.doc_chunks: dict[str, list[Chunk]] = {}  # per document, in line order
        for chunk in sorted(self.chunks.values(), key=lambda c: (c.start_line, c.end_line)):
            self.doc_chunks.setdefault(chunk.doc_id, []).append(chunk)
        # The answer step reads the lexical vocabulary and document frequencies (qa.answer), whichever backend
        # retrieves: the generation stays the source of truth in both modes.
        self.lexical = LexicalIndex.load(self.generation / "lexical")
        self.chunk_doc = np.array([self.chunks[int(c)].doc_id for c in self.lexical.ids], dtype=object)
        self.candidates: CandidateSource = self._open_candidates()
        self._docs_by_province: dict[str, set[str]] = {}
        for doc_id, meta in self.docs.items():
            self._docs_by_province.setdefault(fold(meta.province or ""), set()).add(doc_id)
        self.figures: list[Figure] = contents.figures
        self.regulations: list[RegulationMention] = contents.regulations
        self.fusion = FusionParams()
        self._embedder: Embedder | None = None
        # What the answer step looks up per question, indexed once here so no question scans every figure.
        self.figures_by_chunk: dict[int, list[Figure]] = {}
        self.figures_by_indicator: dict[str, list[Figure]] = {}
        self.figures_by_row: dict[str, list[Figure]] = {}
        for f in self.figures:
            if f.chunk_id is not None:
                self.figures_by_chunk.setdefault(f.chunk_id, []).append(f)
            if f.indicator_id:
                self.figures_by_indicator.setdefault(f.indicator_id, []).append(f)
            if f.row_key:
                self.figures_by_row.setdefault(f.row_key, []).append(f)
        abbreviations = self.generation / ABBREVIATIONS_FILE
        self.abbreviations = Abbreviations.from_json(
            json.loads(abbreviations.read_text(encoding="utf-8")) if abbreviations.exists() else {}
        )

    def _open_candidates(self) -> CandidateSource:
        """The generation's own FAISS and bm25s files, or the shared Milvus of QA_VECTOR_URL."""
        if self.settings.vector_url:
            from qa.index.milvus_collection import GenerationStamp
            from qa.retrieval.milvus import MilvusCandidates

            stamp = GenerationStamp(int(self.meta.get("generation", 0)), str(self.meta.get("created", "")))
            positions = {int(c): k for k, c in enumerate(self.lexical.ids)}
            return MilvusCandidates(
                self.settings.vector_url, self.settings.vector_collection, stamp, positions
            )
        try:
            return EmbeddedCandidates.open(self.generation, self.lexical, self.chunk_doc)
        except InconsistentIndexError as exc:
            raise IndexMissingError(
                f"the index in {self.generation} is inconsistent: run `qa ingest` again"
            ) from exc

    # ------------------------------------------------------------------ embedding

    def embed_query(self, text: str) -> np.ndarray:
        from qa.embeddings.model import embed_queries, load_embedder

        if self._embedder is None:  # load_embedder itself loads a model once per process
            self._embedder = load_embedder(
                self.settings.embedding_model, self.settings.cache_dir, self.settings.embedding_backend
            )
        return embed_queries(self._embedder, [text])[0]

    # ------------------------------------------------------------------ filters

    def provinces(self) -> list[str]:
        return sorted({m.province for m in self.docs.values() if m.province})

    def allowed_docs(self, filters: Filters | None) -> set[str] | None:
        if filters is None:
            return None
        docs = set(self.docs)
        wanted = ([filters.province] if filters.province else []) + (filters.provinces or [])
        if wanted:
            docs = set().union(*(self._docs_by_province.get(fold(p), set()) for p in wanted))
        if filters.year is not None:
            docs = {d for d in docs if not self.docs[d].years or filters.year in self.docs[d].years}
        if filters.doc_ids:
            docs &= set(filters.doc_ids)
        return None if docs == set(self.docs) else docs

    # ------------------------------------------------------------------ search

    def search(
        self,
        query: str,
        top_k: int = 5,
        filters: Filters | None = None,
        mode: SearchMode = "hybrid",
        timings: dict[str, float] | None = None,
    ) -> list[Hit]:
        scope = Scope(filters, self.allowed_docs(filters))
        found = self.candidates.candidates(query, self.embed_query, self.fusion.depth, scope, mode)
        if timings is not None:
            timings["lexical"] = found.lexical_ms
            timings["dense"] = found.dense_ms
        ranked = fuse(found.lexical, found.dense, self.fusion)
        return [self._hit(r) for r in ranked[:top_k]]

    def _hit(self, ranked: Ranked) -> Hit:
        chunk = self.chunks[ranked.chunk_id]
        return Hit(chunk, self.docs[chunk.doc_id], ranked)

    # ------------------------------------------------------------------ documents

    def document_lines(self, doc_id: str) -> list[tuple[int, str, int | None]]:
        return self.reader.lines(doc_id)

    def chunk_for_line(self, doc_id: str, line: int, prefer: str = "text") -> Chunk | None:
        """The chunk of a document that holds a source line (a table-row chunk or a text chunk first)."""
        chunk_id = chunk_holding(self.doc_chunks.get(doc_id, []), line, prefer=prefer)
        return self.chunks.get(chunk_id) if chunk_id is not None else None

    def provinces_with_documents(self) -> dict[str, str | None]:
        """Province (as documents name it) -> its current unit, for every indexed document's province."""
        return {m.province: m.current_province for m in self.docs.values() if m.province}

    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.docs),
            "chunks": len(self.chunks),
            "figures": len(self.figures),
            "regulations": len(self.regulations),
        }

    def close(self) -> None:
        if hasattr(self, "candidates"):
            self.candidates.close()
        self.reader.close()
