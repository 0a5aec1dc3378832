"""What an index build reports while it runs: its stage, files and chunks done out of how many, and an ETA.

The build calls a ``ProgressCallback`` with a ``BuildProgress`` after each file it reads and after each
embedding batch; the CLI draws a bar from it, the API's job runner stores it in the job journal
(``GET /jobs/{id}``). A callback may raise ``BuildCancelled`` to stop the build at that point: nothing
has been published yet when it is called, so a cancelled build changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

# parsing: reading files (files_done/files_total); embedding: new chunks (chunks_done/chunks_total);
# indexing: FAISS, BM25 and the store; publishing: the one rename that makes the generation current.
BuildStage = Literal["parsing", "embedding", "indexing", "publishing"]


class BuildCancelled(Exception):
    """Raised by a progress callback to stop a build before it publishes anything."""


@dataclass(frozen=True, slots=True)
class BuildProgress:
    stage: BuildStage
    files_done: int = 0
    files_total: int = 0
    chunks_done: int = 0  # new chunks embedded so far (reused vectors are not counted)
    chunks_total: int = 0  # new chunks to embed; known once parsing is over
    current_file: str | None = None
    pages_done: int = 0  # pages of the current file read so far (PDF; OCR takes seconds per page)
    pages_total: int = 0

    def advance(self, **changes: object) -> BuildProgress:
        return replace(self, **changes)  # type: ignore[arg-type]


ProgressCallback = Callable[[BuildProgress], None]
# Pages of one file while it loads (OCR of a scanned PDF is the slow case): `on_page(done, total)`.
PageCallback = Callable[[int, int], None]


class EtaEstimator:
    """Seconds left in the current stage, from the rate seen since that stage started.

    A stage's first few seconds say little (model load, first batch), so no estimate is given before
    ``MIN_ELAPSED`` seconds and one unit of work: the UI then shows "đang ước tính" instead of a guess.
    """

    MIN_ELAPSED = 2.0  # seconds: the embedding stage's first batch includes loading the model (~1-2 s)

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._stage: str | None = None
        self._started = 0.0

    def eta_seconds(self, progress: BuildProgress) -> float | None:
        now = self._clock()
        if progress.stage != self._stage:
            self._stage, self._started = progress.stage, now
        done, total = _units(progress)
        elapsed = now - self._started
        if total <= 0 or done <= 0 or elapsed < self.MIN_ELAPSED:
            return None
        return max(0.0, (total - done) * elapsed / done)


def _units(progress: BuildProgress) -> tuple[int, int]:
    if progress.stage == "parsing":
        return progress.files_done, progress.files_total
    if progress.stage == "embedding":
        return progress.chunks_done, progress.chunks_total
    return 0, 0
