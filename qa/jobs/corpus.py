"""The corpus directory and the index's trash, as the jobs change them: each change one atomic file step.

- An upload is first written to a hidden ``corpus/.upload-<uuid>.part`` (the indexer ignores dot files),
  then made visible with one ``link`` (never overwriting), then the temp name is dropped.
- A deletion moves the file (and its ``.meta.json`` sidecar) into ``index/.trash/<stamp>-<job>-<name>``
  with one ``rename`` each; undoing it renames them back.
- The trash is pruned by age and size (``trash_max_age_days``, ``trash_max_mb``).
- Choosing an upload's free name and publishing it run under ``naming()``, one upload at a time across processes
  (a lock file in the index directory here; an advisory lock of the database in shared mode): two uploads of the
  same name at once get two names, each with its own bytes.

Every step is journaled before it happens (qa.jobs.reconcile knows how to finish or undo it). With
``QA_DATABASE_URL`` the same steps keep the files in PostgreSQL instead (``qa.jobs.shared_corpus``); which one a
process uses: ``qa.jobs.open_corpus``.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from qa.fsutil import file_sha256, fsync_dir
from qa.ingest.metadata import sidecar_name
from qa.ingest.pipeline import SUPPORTED_SUFFIXES

UPLOAD_PREFIX = ".upload-"
# The lock file, in the index directory, of ``CorpusFiles.naming`` (processes sharing corpus/ share index/ too).
NAMING_LOCK = ".naming.lock"
UPLOAD_SUFFIX = ".part"
TRASH_DIR = ".trash"
_BLOCK = 1 << 20


class TooLarge(Exception):
    """The streamed upload passed the size limit (the caller turns it into a 413)."""


@dataclass(slots=True)
class Staged:
    """An upload written to a hidden temp file in the corpus directory, not yet visible."""

    path: Path
    sha256: str
    size: int

    @property
    def sidecar(self) -> Path:
        return self.path.with_name(sidecar_name(self.path.name))

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.sidecar.unlink(missing_ok=True)


class CorpusFiles:
    def __init__(self, corpus_dir: Path, index_dir: Path) -> None:
        self.dir = corpus_dir
        self.trash_dir = index_dir / TRASH_DIR

    # ------------------------------------------------------------------ uploads

    def stage(self, src: BinaryIO, max_bytes: int) -> Staged:
        """Copy the upload in blocks, stopping as soon as it passes ``max_bytes``."""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"{UPLOAD_PREFIX}{uuid.uuid4().hex}{UPLOAD_SUFFIX}"
        digest, size = hashlib.sha256(), 0
        try:
            with path.open("xb") as out:
                while block := src.read(_BLOCK):
                    size += len(block)
                    if size > max_bytes:
                        raise TooLarge
                    digest.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Staged(path, digest.hexdigest(), size)

    def drop_staged(self, staged_name: str) -> None:
        """Remove a staged upload and its staged sidecar, if they are still there."""
        Staged(self.dir / staged_name, "", 0).discard()

    def stage_sidecar(self, staged: Staged, meta: dict[str, str]) -> None:
        """Write what the uploader said of the document next to the staged file (hidden too, until published)."""
        with staged.sidecar.open("x", encoding="utf-8") as out:
            json.dump(meta, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())

    @contextmanager
    def naming(self) -> Iterator[None]:
        """Held from choosing an upload's name (``free_name``) until it is published: another process's upload
        of the same name waits, then sees the name taken and gets the next one."""
        self.trash_dir.parent.mkdir(parents=True, exist_ok=True)
        with (self.trash_dir.parent / NAMING_LOCK).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, or its process dies
            yield

    def free_name(self, name: str, taken: set[str]) -> str | None:
        """``name``, or ``stem-2.ext``… when that name (or a sidecar of it) is in the corpus or in ``taken``."""
        stem, suffix = name[: -len(Path(name).suffix) or None], Path(name).suffix
        present = self.names() | taken
        for n in range(1, 1000):
            candidate = name if n == 1 else f"{stem}-{n}{suffix}"
            if (
                candidate not in present
                and not (self.dir / candidate).exists()
                and not (self.dir / sidecar_name(candidate)).exists()
            ):
                return candidate
        return None

    def publish(self, staged_name: str, name: str) -> bool:
        """Make the staged file visible as ``name`` (one link), then drop the temp name. Its sidecar, if the
        uploader gave one, is published first: the indexer never sees the file without it.

        Idempotent, so that a crash between the steps can be finished later. True when ``name`` now holds the
        staged bytes (the same file), or, the temp name being gone already, when ``name`` exists; False when
        ``name`` was taken by other bytes (another upload got there first: nothing of this one is published).
        """
        staged, final = self.dir / staged_name, self.dir / name
        staged_meta, final_meta = (
            self.dir / sidecar_name(staged_name),
            self.dir / sidecar_name(name),
        )
        if staged_meta.exists() and not final_meta.exists() and not final.exists():
            os.link(staged_meta, final_meta)
        if staged.exists() and not final.exists():
            os.link(staged, final)  # fails rather than overwrite
        mine = final.exists() and (not staged.exists() or os.path.samefile(staged, final))
        staged_meta.unlink(missing_ok=True)
        staged.unlink(missing_ok=True)
        fsync_dir(self.dir)
        return mine

    def remove(self, name: str, sha256: str | None = None) -> None:
        """Take a published upload (and the sidecar it came with) back out, only if it still holds the uploaded
        bytes; a sidecar whose file is gone goes too."""
        path = self.dir / name
        if path.is_file() and (sha256 is None or file_sha256(path) == sha256):
            path.unlink()
        if not path.exists():
            (self.dir / sidecar_name(name)).unlink(missing_ok=True)
        fsync_dir(self.dir)

    def holds(self, name: str, sha256: str) -> bool:
        """Whether the corpus file ``name`` holds these bytes (a job's input is intact)."""
        path = self.dir / name
        return path.is_file() and file_sha256(path) == sha256

    def duplicate_of(self, sha256: str, size: int) -> str | None:
        """The corpus file with these bytes, if any."""
        for path in self.files():
            if path.stat().st_size == size and file_sha256(path) == sha256:
                return path.name
        return None

    # ------------------------------------------------------------------ deletions

    def trash_plan(self, source: str, tag: str) -> list[tuple[str, str]]:
        """Where the file and its sidecar will go: (name in corpus/, name in the trash)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        names = [n for n in (source, sidecar_name(source)) if (self.dir / n).is_file()]
        return [(n, f"{stamp}-{tag}-{n}") for n in names]

    def to_trash(self, plan: Iterable[tuple[str, str]]) -> None:
        self.trash_dir.mkdir(parents=True, exist_ok=True)
        for name, trashed in plan:
            src = self.dir / name
            if src.is_file() and not (self.trash_dir / trashed).exists():
                _move(src, self.trash_dir / trashed)
                os.utime(self.trash_dir / trashed)  # the trash's age counts from the deletion
        fsync_dir(self.trash_dir)
        fsync_dir(self.dir)

    def restore(self, plan: Iterable[tuple[str, str]]) -> None:
        for name, trashed in plan:
            src = self.trash_dir / trashed
            if src.is_file() and not (self.dir / name).exists():
                _move(src, self.dir / name)
        if self.dir.is_dir():
            fsync_dir(self.dir)

    def prune_trash(self, max_age_days: float, max_bytes: int, keep: Iterable[str] = ()) -> list[str]:
        """Remove trash entries older than the age limit, then the oldest until under the size limit.

        ``keep``: entries an unfinished deletion may still put back.
        """
        if not self.trash_dir.is_dir():
            return []
        kept = set(keep)
        entries = sorted((p for p in self.trash_dir.iterdir() if p.name not in kept), key=_mtime)
        cutoff = time.time() - max_age_days * 86400
        total = sum(_size(p) for p in entries)
        removed = []
        for path in entries:
            if path.stat().st_mtime >= cutoff and total <= max_bytes:
                break
            total -= _size(path)
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
        return removed

    # ------------------------------------------------------------------ listing

    def files(self) -> list[Path]:
        if not self.dir.is_dir():
            return []
        return [
            p
            for p in self.dir.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
        ]

    def names(self) -> set[str]:
        return {p.name for p in self.files()}

    def staged_files(self) -> list[Path]:
        """Staged uploads and their staged sidecars."""
        if not self.dir.is_dir():
            return []
        return [
            p
            for pattern in (
                f"{UPLOAD_PREFIX}*{UPLOAD_SUFFIX}",
                sidecar_name(f"{UPLOAD_PREFIX}*{UPLOAD_SUFFIX}"),
            )
            for p in self.dir.glob(pattern)
            if p.is_file()
        ]


def _move(src: Path, dst: Path) -> None:
    """One rename when corpus/ and index/ share a file system (the default layout), else copy and delete."""
    try:
        os.replace(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copy2(src, dst)
        src.unlink()


def _mtime(path: Path) -> float:
    return path.stat().st_mtime


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size
