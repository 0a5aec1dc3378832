"""Small file-system helpers for writes that must survive a crash."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextmanager
def staged_directory(dest: Path) -> Iterator[Path]:
    """Build a directory aside and publish it at ``dest`` in one rename: the one atomic publish.

    The block writes into a temporary sibling of ``dest``; when it ends without an error the sibling is
    renamed onto ``dest`` (a previous ``dest`` is moved aside first, since a directory cannot be replaced
    by rename), so ``dest`` is always absent, the old complete directory or the new complete one. On an
    error, or when another process published ``dest`` first (``OSError`` from the rename), the sibling is
    removed and the error raised. Leftovers of a killed process are named ``.<dest>.tmp-*``.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)  # mkdtemp creates 0700
        fsync_dir(tmp)
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            os.replace(dest, old / "previous")
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
        fsync_dir(dest.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_or_create_secret(path: Path, make: Callable[[], str]) -> tuple[str, bool]:
    """The secret stored at ``path``, created once with ``make()`` with owner-only permissions (0600).

    Returns it and whether it was created now. The new secret is written to a private temporary file and
    published with ``os.link``, which fails if ``path`` exists: the file is never seen half written, and two
    processes racing to create it both end with the one that was linked first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(make() + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip(), False
        fsync_dir(path.parent)
        return path.read_text(encoding="utf-8").strip(), True
    finally:
        os.unlink(tmp)
