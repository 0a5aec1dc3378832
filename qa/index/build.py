"""Build an index generation from documents, atomically.

Layout: ``index/gen-000007/{store.sqlite, vectors.faiss, vectors.npy, ids.npy, lexical/, manifest.json}``
and ``index/current``, a symlink swapped with one rename. A reader resolves
``current`` once and sees an old or a new generation, never a mix; a build that
dies half-way leaves only a ``.gen-*.tmp-*`` directory that the next build removes.

Each file is read in a child process with resource limits (``qa.index.isolated``): one bad file is
skipped with a reason, the others are indexed. Progress (stage, files, chunks) goes to an optional
callback (``qa.index.progress``), which may also cancel the build before it publishes anything.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.extract.abbreviations import learn_abbreviations
from qa.failpoints import failpoint
from qa.fsutil import file_sha256, staged_directory
from qa.index import store
from qa.index.dense import build_faiss, save_faiss
from qa.index.isolated import IsolatedParser, ParseLimits, PreparedDocument, prepare_document
from qa.index.layout import (
    ABBREVIATIONS_FILE,
    ANSWER_MODEL_FILE,
    FORMAT_VERSION,
    current_generation,
    next_generation_number,
    prune,
    remove_stale_temp,
    switch_current,
)
from qa.index.lexical import LexicalIndex
from qa.index.progress import BuildProgress, ProgressCallback
from qa.index.report import BuildReport, DocReport
from qa.ingest.formats import LoadOptions
from qa.ingest.metadata import SIDECAR_SUFFIX
from qa.ingest.pipeline import SUPPORTED_SUFFIXES
from qa.models import SECTION_SEP, Chunk, IngestError
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.index.milvus_sync import MilvusSync
    from qa.index.shared_store import SharedStore

logger = logging.getLogger(__name__)

# New chunks are embedded this many at a time between two progress reports (and cancellation checks):
# ~1-2 s of work on 2 cores with the int8 model, so a progress bar moves and a cancel takes effect quickly.
EMBED_STEP = 64

Embedder = Callable[[list[str]], np.ndarray]


def discover(paths: list[Path]) -> list[Path]:
    """Files to ingest: every file under the given directories, the given files themselves."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and not p.name.endswith(SIDECAR_SUFFIX)
            )
        else:
            found.append(path)
    return found


def passage_text(chunk: Chunk, title: str, province: str | None) -> str:
    """What both indexes see: the document (title, province) and section it comes from, then the text.

    The document line lets "Hà Nam năm 2021" match chunks that never repeat the province's name.
    """
    head = " | ".join(p for p in (province, title) if p)
    return f"{head}\n{chunk.index_text}" if head else chunk.index_text


# The dense side keeps only the nearest section level of the path: the outer ones ("Phần II. MỤC TIÊU, NHIỆM
# VỤ…") repeat on hundreds of chunks and cost tokens without telling the chunks apart. Measured on dev (100
# questions, onnx-int8; bench/RESULTS.md, "Embedding"), against the whole path (95,711 tokens; dense hit@1 / hit@5
# / MRR 0.425 / 0.736 / 0.550, hybrid 0.793 / 0.943 / 0.847): the nearest level not already in the text embeds
# 19% fewer tokens with dense 0.506 / 0.736 / 0.600 and hybrid 0.793 / 0.954 / 0.856; two levels 14% fewer,
# in between; dropping the document title too lost dense hit@5 (0.713).
EMBEDDING_SECTION_LEVELS = 1
# Stored in the index; the vectors of a generation embedded from another text recipe, or by an earlier export of
# the default model, are not reused. 3: the int8 export 4 (smoothed down-projections, qa.embeddings.smoothing):
# mixing its query vectors with export 3's passage vectors cost dev hit@1 0.782 -> 0.770 against a fresh build.
EMBEDDING_TEXT_VERSION = 3


def embedding_text(chunk: Chunk, title: str, province: str | None) -> str:
    """What the dense index embeds: the document line, the nearest section levels the text does not already
    hold, the table header (rows), then the text. The lexical index keeps the whole ``passage_text``."""
    levels = [p for p in chunk.section.split(SECTION_SEP) if p.strip() and p.strip() not in chunk.text]
    table = chunk.context[len(chunk.section) :] if chunk.context.startswith(chunk.section) else chunk.context
    head = " | ".join(p for p in (province, title) if p)
    parts = (head, SECTION_SEP.join(levels[-EMBEDDING_SECTION_LEVELS:]), table.strip("\n"), chunk.text)
    return "\n".join(p for p in parts if p)


def text_key(text: str) -> bytes:
    """What a vector depends on: the embedded text. Equal texts share a vector across generations."""
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def build(
    settings: Settings,
    paths: list[Path] | None = None,
    embed: Embedder | None = None,
    progress: ProgressCallback | None = None,
    isolate: bool = True,
) -> BuildReport:
    """Sync the index with the files under ``paths`` (default: the corpus directory).

    ``isolate=False`` reads files in this process (no resource limits): only for tests of the parsers.
    """
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    # One build at a time (CLI and API uploads may overlap); readers never take the lock.
    with (settings.index_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not settings.database_url:
            return _Build(settings, embed, progress or (lambda _p: None), isolate).run(paths)
        from qa.index.shared_store import shared_store

        # A shared deployment: one build at a time across replicas, on top of the generation last published in
        # the database (copied into this replica's index directory first, with its store for the reuse of
        # unchanged documents), and published there before this replica switches to it. Its files are the
        # database's corpus, copied into this replica's cache (qa.jobs.shared_corpus says why a cache), not the
        # corpus directory of whichever replica runs it.
        shared = shared_store(settings.database_url)
        with shared.build_lock():
            base = shared.current()
            if base is not None:
                shared.mirror(settings.index_dir, base, with_store=True)
            if paths is None:
                from qa.jobs.corpus_cache import sync_corpus

                synced = sync_corpus(settings)
                logger.info(
                    "corpus cache: %d written, %d removed, %d kept in %.2f s",
                    len(synced.written),
                    len(synced.removed),
                    synced.kept,
                    synced.seconds,
                )
                paths = [synced.directory]
            publish = _SharedPublish(shared, base.number if base else None)
            return _Build(settings, embed, progress or (lambda _p: None), isolate, publish).run(paths)


class _SharedPublish:
    """QA_DATABASE_URL: where a finished generation goes before this replica switches to it."""

    def __init__(self, shared: SharedStore, base: int | None) -> None:
        self.shared = shared
        self.base = base

    def next_number(self, local: int) -> int:
        return max(local, self.shared.latest_number() + 1)

    def __call__(self, generation: Path) -> None:
        try:
            self.shared.publish(generation, self.base)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)  # never published: no replica may load it
            raise


class _Build:
    def __init__(
        self,
        settings: Settings,
        embed: Embedder | None,
        progress: ProgressCallback,
        isolate: bool,
        publish: _SharedPublish | None = None,
    ):
        self.settings = settings
        self.publish = publish
        self.embed = embed
        self.report_progress = progress
        limits = ParseLimits.from_settings(settings)
        self.options = LoadOptions.from_settings(settings)
        self.parser = IsolatedParser(limits, self.options) if isolate else None
        self.limits = limits
        self.state = BuildProgress("parsing")

    def _tell(self, **changes: Any) -> None:
        self.state = self.state.advance(**changes)
        self.report_progress(self.state)

    def run(self, paths: list[Path] | None) -> BuildReport:
        started = time.perf_counter()
        index_dir = self.settings.index_dir
        remove_stale_temp(index_dir)
        previous = current_generation(index_dir)
        old = _OldGeneration.open(previous, self.settings.embedding_model)
        files = discover(paths or [self.settings.corpus_dir])
        report = BuildReport(generation=previous.name if previous else None)

        docs: list[PreparedDocument] = []
        reused: list[str] = []
        seen_sources: set[str] = set()
        t0 = time.perf_counter()
        self._tell(stage="parsing", files_total=len(files))
        for n, path in enumerate(files, 1):
            self._tell(files_done=n - 1, current_file=path.name, pages_done=0, pages_total=0)
            if path.name in seen_sources:
                report.documents.append(DocReport(path.name, "skipped", "trùng tên với tệp khác"))
                continue
            seen_sources.add(path.name)
            outcome = self._prepare(path, old)
            if isinstance(outcome, DocReport):
                report.documents.append(outcome)
                if outcome.status == "skipped" and old.has(path.name):
                    reused.append(old.doc_id(path.name))  # a broken new version never erases the old one
                    outcome.reason += " (giữ phiên bản đã lập chỉ mục trước đó)"
                elif outcome.status == "unchanged":
                    reused.append(old.doc_id(path.name))
                continue
            prepared, status = outcome
            docs.append(prepared)
            report.documents.append(_doc_report(prepared, status))
        self._tell(files_done=len(files), current_file=None, pages_done=0, pages_total=0)
        failpoint("build.parsed")
        removed = [s for s in old.sources() if s not in seen_sources]
        report.documents += [DocReport(s, "removed") for s in removed]
        report.timings["parse"] = time.perf_counter() - t0

        if (
            previous is not None
            and not docs
            and not removed
            and old.format == FORMAT_VERSION
            and old.same_embedding_text
        ):
            if self.publish is not None and self.publish.base is None:
                self.publish.shared.publish(previous, None)  # the first build on a shared database: share it
            report.timings["total"] = time.perf_counter() - started
            return report  # nothing changed: keep serving the current generation

        generation = self._write_generation(docs, reused, old, report)
        report.generation = generation.name
        report.changed = True
        report.timings["total"] = time.perf_counter() - started
        return report

    def _prepare(self, path: Path, old: _OldGeneration) -> DocReport | tuple[PreparedDocument, str]:
        try:
            if not path.is_file():
                raise IngestError("không tìm thấy tệp")
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise IngestError(f"định dạng không hỗ trợ ({path.suffix or 'không có phần mở rộng'})")
            sha = file_sha256(path)
            same_bytes = old.sha(path.name) == sha
            if same_bytes and old.format == FORMAT_VERSION:
                return DocReport(path.name, "unchanged", **old.summary(path.name))
            if self.parser is not None:
                prepared = self.parser.prepare(path, should_stop=self._should_stop, on_page=self._page_read)
            else:
                prepared = prepare_document(path, self.limits, self.options, self._page_read)
            return prepared, ("reindexed" if same_bytes else "changed" if old.has(path.name) else "new")
        except IngestError as exc:
            return DocReport(path.name, "skipped", str(exc))
        except OSError:  # the file vanished or cannot be read between listing and reading
            logger.exception("cannot read %s", path.name)
            return DocReport(path.name, "skipped", "không đọc được tệp")

    def _page_read(self, done: int, total: int) -> None:
        """A scanned PDF takes seconds per page (OCR): say which page is being read."""
        self._tell(pages_done=done, pages_total=total)

    def _should_stop(self) -> bool:
        """Asks the progress callback whether to go on (it raises BuildCancelled to stop)."""
        self.report_progress(self.state)
        return False

    def _write_generation(
        self, docs: list[PreparedDocument], reused: list[str], old: _OldGeneration, report: BuildReport
    ) -> Path:
        index_dir = self.settings.index_dir
        generation_no = next_generation_number(index_dir)
        if self.publish is not None:
            generation_no = self.publish.next_number(generation_no)
        final = index_dir / f"gen-{generation_no:06d}"
        with staged_directory(final) as tmp:
            conn = store.connect(tmp / "store.sqlite")
            try:
                self._fill_generation(tmp, conn, docs, reused, old, report, generation_no)
            finally:
                conn.close()
            self._tell(stage="publishing")  # the last moment a cancel is possible
            failpoint("build.before_publish")
        vectors = self._publish_vectors(final, report)
        failpoint("build.before_switch")
        if self.publish is not None:
            try:
                self.publish(final)  # the shared pointer moves here: every replica now serves it
            except BaseException:
                if vectors is not None:
                    vectors.close()
                raise
        switch_current(index_dir, final)
        failpoint("build.switched")
        if vectors is not None:
            self._retire_vectors(vectors, report)
        prune(index_dir, keep={final.name, old.path.name if old.path else ""})
        return final

    def _publish_vectors(self, final: Path, report: BuildReport) -> MilvusSync | None:
        """With QA_VECTOR_URL: every row of the new generation in Milvus before any reader switches to it.

        A failure here fails the build before the switch: readers stay on the previous generation, whose rows
        are all still there (nothing is deleted before the switch), and the unpublished directory is pruned by
        the next build."""
        if not self.settings.vector_url:
            return None
        from qa.index.milvus_sync import MilvusSync

        sync = MilvusSync(self.settings.vector_url, self.settings.vector_collection, final)
        try:
            sync.publish()
        except BaseException:
            sync.close()
            raise
        report.timings["vector_publish"] = sync.report.seconds["publish"]
        failpoint("build.vectors_published")
        return sync

    def _retire_vectors(self, sync: MilvusSync, report: BuildReport) -> None:
        """After the switch: the rows only the previous generation had are deleted. A failure leaves extra rows,
        which readers skip (their chunks are not in the generation) and the next build deletes."""
        try:
            sync.retire()
            report.timings["vector_retire"] = sync.report.seconds["retire"]
        except Exception:
            logger.exception("the vector database keeps rows of the previous generation until the next build")
        finally:
            sync.close()

    def _fill_generation(
        self,
        tmp: Path,
        conn: sqlite3.Connection,
        docs: list[PreparedDocument],
        reused: list[str],
        old: _OldGeneration,
        report: BuildReport,
        generation_no: int,
    ) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        t0 = time.perf_counter()
        for doc_id in reused:
            store.copy_document(conn, old.conn, doc_id)  # type: ignore[arg-type]
        by_source = {r.source: r for r in report.documents}
        for prepared in docs:
            mine = by_source[prepared.doc.source]
            try:
                with conn:  # one transaction per document: a document that cannot be stored is skipped alone
                    store.write_prepared(conn, prepared, now)
            except sqlite3.DatabaseError:
                logger.exception("cannot store %s", prepared.doc.source)
                mine.status, mine.reason = "skipped", "không lưu được tài liệu vào chỉ mục"
                continue
            mine.figures = len(prepared.figures)
        conn.commit()
        report.timings["store"] = time.perf_counter() - t0

        rows = conn.execute(
            "SELECT c.*, d.title AS doc_title, d.province AS doc_province FROM chunks c "
            "JOIN documents d USING (doc_id) ORDER BY d.source, c.ordinal"
        ).fetchall()
        ids = np.array([r["chunk_id"] for r in rows], dtype=np.int64)
        chunks_all = [store.row_to_chunk(r) for r in rows]
        texts = [
            passage_text(c, r["doc_title"] or "", r["doc_province"])
            for c, r in zip(chunks_all, rows, strict=True)
        ]

        t0 = time.perf_counter()
        failpoint("build.before_embed")
        embedded = [
            embedding_text(c, r["doc_title"] or "", r["doc_province"])
            for c, r in zip(chunks_all, rows, strict=True)
        ]
        vectors = self._vectors(embedded, old)
        report.timings["embed"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        self._tell(stage="indexing")
        np.save(tmp / "vectors.npy", vectors)
        np.save(tmp / "ids.npy", ids)
        save_faiss(build_faiss(vectors, ids, self.settings.faiss_index), tmp / "vectors.faiss")
        (tmp / "lexical").mkdir()
        LexicalIndex.build(texts, ids).save(tmp / "lexical")
        report.timings["index"] = time.perf_counter() - t0

        # A decision model fitted on the previous generation (`qa train`) stays until the next `qa train`: its
        # features do not depend on which documents are indexed, and the shipped default is only fitted on the
        # shipped corpus. They do depend on the vectors (the dense similarity of question and passage): a model
        # fitted on vectors of another text recipe is dropped, and the shipped default serves until `qa train`.
        if old.path is not None and old.same_embedding_text and (old.path / ANSWER_MODEL_FILE).exists():
            shutil.copyfile(old.path / ANSWER_MODEL_FILE, tmp / ANSWER_MODEL_FILE)

        # Abbreviations the documents define or use (TCMR, SR, TCĐĐ), learned over every line of the generation.
        lines = [row[0] for row in conn.execute("SELECT text FROM lines")]
        (tmp / ABBREVIATIONS_FILE).write_text(
            json.dumps(learn_abbreviations(lines).as_json(), ensure_ascii=False), encoding="utf-8"
        )

        meta = {
            "format": FORMAT_VERSION,
            "embedding_model": self.settings.embedding_model,
            "embedding_text": EMBEDDING_TEXT_VERSION,
            "dim": int(vectors.shape[1]),
            "generation": generation_no,
            "created": now,
            "chunks": len(ids),
        }
        store.set_meta(conn, meta)
        conn.commit()
        manifest = {k: meta[k] for k in ("generation", "embedding_model", "created", "chunks")}
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )

    def _vectors(self, texts: list[str], old: _OldGeneration) -> np.ndarray:
        """A vector per embedded text: the previous generation's for an equal text, the model's for the others."""
        known = old.vectors_by_text()
        keys = [text_key(t) for t in texts]
        todo = [k for k, key in enumerate(keys) if key not in known]
        dim = next(iter(known.values())).shape[0] if known else 0
        self._tell(stage="embedding", chunks_done=0, chunks_total=len(todo))
        new_vectors: list[np.ndarray] = []
        if todo:
            if self.embed is None:
                raise RuntimeError("an embedding function is needed for new chunks")
            for start in range(0, len(todo), EMBED_STEP):
                batch = [texts[k] for k in todo[start : start + EMBED_STEP]]
                new_vectors.append(np.asarray(self.embed(batch), dtype=np.float32))
                self._tell(chunks_done=min(len(todo), start + EMBED_STEP))
            dim = new_vectors[0].shape[1]
        out = np.zeros((len(texts), dim or 384), dtype=np.float32)
        for k, key in enumerate(keys):
            if key in known:
                out[k] = known[key]
        if new_vectors:
            out[todo] = np.concatenate(new_vectors)
        return out


def _doc_report(prepared: PreparedDocument, status: str) -> DocReport:
    doc = prepared.doc
    return DocReport(
        doc.source,
        status,
        "",
        doc.meta.title,
        doc.meta.province,
        doc.meta.kind,
        doc.sections,
        doc.tables,
        len(prepared.chunks),
        len(prepared.figures),
        list(doc.warnings),
    )


class _OldGeneration:
    """The generation being replaced: what can be reused from it."""

    def __init__(self, path: Path | None, conn: sqlite3.Connection | None) -> None:
        self.path = path
        self.conn = conn
        self._docs = {r["source"]: r for r in conn.execute("SELECT * FROM documents")} if conn else {}
        self._vectors: dict[bytes, np.ndarray] | None = None
        meta = store.get_meta(conn) if conn else {}
        self.format = meta.get("format")
        # Vectors embedded from another text recipe are recomputed (the documents themselves may still be reused).
        self.same_embedding_text = meta.get("embedding_text") == EMBEDDING_TEXT_VERSION

    @classmethod
    def open(cls, path: Path | None, model: str) -> _OldGeneration:
        if path is None or not (path / "store.sqlite").exists():
            return cls(None, None)
        conn = store.connect(path / "store.sqlite", readonly=True)
        if store.get_meta(conn).get("embedding_model") != model:
            conn.close()
            return cls(None, None)  # another model: every vector must be recomputed
        return cls(path, conn)

    def has(self, source: str) -> bool:
        return source in self._docs

    def sha(self, source: str) -> str | None:
        row = self._docs.get(source)
        return row["sha256"] if row else None

    def doc_id(self, source: str) -> str:
        return self._docs[source]["doc_id"]

    def sources(self) -> list[str]:
        return list(self._docs)

    def summary(self, source: str) -> dict[str, Any]:
        row = self._docs[source]
        assert self.conn is not None
        n = self.conn.execute("SELECT COUNT(*) FROM chunks WHERE doc_id = ?", (row["doc_id"],)).fetchone()[0]
        nf = self.conn.execute("SELECT COUNT(*) FROM figures WHERE doc_id = ?", (row["doc_id"],)).fetchone()[
            0
        ]
        return {
            "title": row["title"],
            "province": row["province"],
            "kind": row["kind"],
            "sections": row["sections"],
            "tables": row["tables"],
            "chunks": n,
            "figures": nf,
        }

    def vectors_by_text(self) -> dict[bytes, np.ndarray]:
        """Vectors of the previous generation keyed by their embedded text (any format, any doc_id)."""
        if self._vectors is None:
            self._vectors = {}
            if (
                self.conn is not None
                and self.path is not None
                and self.same_embedding_text
                and (self.path / "vectors.npy").exists()
            ):
                vectors = np.load(self.path / "vectors.npy")
                row_of = {int(i): k for k, i in enumerate(np.load(self.path / "ids.npy"))}
                for r in self.conn.execute(
                    "SELECT c.*, d.title AS doc_title, d.province AS doc_province FROM chunks c "
                    "JOIN documents d USING (doc_id)"
                ):
                    if (k := row_of.get(int(r["chunk_id"]))) is not None:
                        text = embedding_text(store.row_to_chunk(r), r["doc_title"] or "", r["doc_province"])
                        self._vectors[text_key(text)] = vectors[k]
        return self._vectors
