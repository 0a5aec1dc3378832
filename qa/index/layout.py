"""One index generation on disk, and which one is current.

Layout: ``index/gen-000007/{store.sqlite, vectors.faiss, vectors.npy, ids.npy, lexical/, manifest.json}``
and ``index/current``, a symlink swapped with one rename. A reader resolves ``current`` once and sees an old
or a new generation, never a mix; a build that dies half-way leaves only a ``.gen-*.tmp-*`` directory that the
next build removes (``qa.fsutil.staged_directory`` publishes a finished generation in one rename).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from qa.fsutil import fsync_dir

CURRENT = "current"
# Bump when the tokens, the store schema or the extraction change: an index of another format is read again
# by the next `qa ingest` (vectors of unchanged chunks are reused) and refused by the engine until then.
FORMAT_VERSION = 3


def current_generation(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def next_generation_number(index_dir: Path) -> int:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    return max(numbers, default=0) + 1


def switch_current(index_dir: Path, target: Path) -> None:
    tmp_link = index_dir / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.name)
    os.replace(tmp_link, index_dir / CURRENT)  # atomic on POSIX
    fsync_dir(index_dir)


def prune(index_dir: Path, keep: set[str]) -> None:
    """Keep the new and the previous generation (a reader may still hold the previous one)."""
    for gen in index_dir.glob("gen-*"):
        if gen.name not in keep:
            shutil.rmtree(gen, ignore_errors=True)


def remove_stale_temp(index_dir: Path) -> None:
    for tmp in index_dir.glob(".gen-*.tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
