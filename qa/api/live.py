"""The index generation the API serves, swapped whole when a new one is published.

Requests take one reference (`LiveIndex.current`) and use it to the end, so a swap never mixes
two generations inside one answer; the previous generation stays on disk (the indexer keeps it)
for requests still running on it. A watcher thread reads the `index/current` link every
`index_watch_seconds` (one readlink; with QA_DATABASE_URL the shared database's pointer, one query) and loads
a generation published by anyone — the API's own build process, another replica's, or a `qa ingest` — while the
old one keeps answering.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from dataclasses import dataclass

from qa.answer import Answerer
from qa.extract.registry import Regulation, build_registry
from qa.index.layout import CURRENT
from qa.index.milvus_collection import VectorStoreError
from qa.retrieval.engine import Engine, IndexMissingError, ModelMismatchError
from qa.settings import Settings

logger = logging.getLogger(__name__)

NO_INDEX = "Chưa có chỉ mục: hãy tải tài liệu lên (POST /documents) hoặc chạy `qa ingest`."


@dataclass(frozen=True, slots=True)
class Live:
    """One loaded generation and what the API derives from it once."""

    engine: Engine
    answerer: Answerer
    registry: list[Regulation]
    chunk_counts: dict[str, int]

    @property
    def generation(self) -> str:
        return self.engine.generation.name  # never None once the engine is open

    def sha_index(self) -> dict[str, tuple[str, str]]:
        """Content hash -> (doc_id, source) of every indexed document."""
        return {row["sha256"]: (doc_id, row["source"]) for doc_id, row in self.engine.doc_rows.items()}


class LiveIndex:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._swap_lock = threading.Lock()
        self._reload_lock = threading.Lock()  # one load at a time; the old generation answers meanwhile
        self._live: Live | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.problem: str = NO_INDEX  # why nothing is served, when nothing is

    @property
    def current(self) -> Live | None:
        return self._live

    def load_initial(self) -> None:
        """Open the current generation at start-up; a missing or foreign index leaves the API empty."""
        try:
            self.reload()
        except IndexMissingError:
            self.problem = NO_INDEX
        except ModelMismatchError as exc:
            self.problem = f"Chỉ mục được tạo bằng mô hình khác: {exc}"
            logger.warning("index not served: %s", exc)
        except VectorStoreError as exc:  # QA_VECTOR_URL unreachable, or without this generation's rows
            self.problem = str(exc)
            logger.warning("index not served: %s", exc)

    def published(self) -> str | None:
        """Name of the generation `index/current` points at now (None when there is none); with QA_DATABASE_URL,
        the one the shared database's pointer names (one indexed read), whichever replica published it, once
        there is one."""
        if self.settings.database_url:
            from qa.index.shared_store import shared_store

            ref = shared_store(self.settings.database_url).current()
            if ref is not None:
                return ref.name
        try:  # (in a shared deployment, until a generation is published there: the engine's own rule)
            return os.readlink(self.settings.index_dir / CURRENT)
        except OSError:
            return None

    def refresh(self) -> None:
        """Serve the published generation if it is not the one served (and can be opened)."""
        published = self.published()
        live = self._live
        if published is None or (live is not None and live.generation == published):
            return
        with self._reload_lock:
            live = self._live
            if live is not None and live.generation == self.published():
                return
            try:
                self.reload()
            except (IndexMissingError, ModelMismatchError, VectorStoreError, OSError) as exc:
                logger.warning("new index generation not served: %s", exc)

    def ensure_on_disk(self) -> None:
        """Never serve (or report) a generation that is gone from disk: load the current one first."""
        live = self._live
        if live is not None and not live.engine.generation.exists():
            self.refresh()

    def start_watching(self) -> None:
        self._watcher = threading.Thread(target=self._watch, name="qa-index-watch", daemon=True)
        self._watcher.start()

    def stop_watching(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(5)

    def _watch(self) -> None:
        while not self._stop.wait(self.settings.index_watch_seconds):
            try:
                self.refresh()
            except Exception:  # the watcher must outlive one bad generation
                logger.exception("index watcher")

    def reload(self) -> Live:
        """Open the generation `index/current` points at and swap it in (one assignment)."""
        engine = Engine(self.settings)
        engine.embed_query("khởi động")  # load the model now, not in the first question's latency
        live = Live(
            engine,
            Answerer(engine),
            build_registry(engine.regulations),
            dict(Counter(c.doc_id for c in engine.chunks.values())),
        )
        with self._swap_lock:
            self._live = live
        logger.info("serving index generation %s", live.generation)
        return live
