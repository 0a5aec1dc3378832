"""The index generation the API serves, swapped whole when a background build finishes.

Requests take one reference (`LiveIndex.current`) and use it to the end, so a swap never mixes
two generations inside one answer; the previous generation stays on disk (the indexer keeps it)
for requests still running on it.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass

from qa.answer import Answerer
from qa.embeddings.model import PassageEmbedder, passage_embedder
from qa.extract.registry import Regulation, build_registry
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
        self._live: Live | None = None
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

    def passage_embedder(self) -> PassageEmbedder:
        """Embedding function for builds: small batches under the shared lock, so queries keep
        being answered while a large upload is embedded."""
        return passage_embedder(self.settings, chunk=self.settings.embedding_batch_size)
