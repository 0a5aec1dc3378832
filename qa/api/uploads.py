"""Putting uploaded files into the corpus directory, and taking them out, safely.

- The name is sanitised: basename only, accents folded to ASCII (``Kế hoạch.md`` -> ``Ke_hoach.md``, so the
  doc_id stays readable), only letters, digits and ``-_.``, no leading dot.
- The bytes are copied in blocks into a hidden temp file next to the corpus (so the final step is an
  atomic link on one file system), hashed on the way, and refused (413) past the size limit.
- The content must be what the extension says, by the loader's own checks (415).
- Same bytes as a document already there: 409 with that document's id (nothing is stored).
- Same name, other bytes: stored under a suffixed name (``ten-2.md``): an upload never overwrites.
- Deleting moves the file into ``index/.trash/`` (never a hard delete).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from qa.fsutil import file_sha256, fsync_dir
from qa.ingest.formats import FORMATS
from qa.ingest.formats.checks import check_content_type
from qa.ingest.formats.text import decode_text  # the indexer's own rules
from qa.ingest.pipeline import SUPPORTED_SUFFIXES, doc_id_for
from qa.models import IngestError

_BLOCK = 1 << 20
_MAX_STEM = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9_\-.]+")
_TEXT_FORMATS = {".txt", ".md", ".html", ".htm", ".csv"}


class UploadError(Exception):
    """A refused upload: HTTP status, Vietnamese message, and extra response fields."""

    def __init__(self, status_code: int, detail: str, **extra: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.extra = extra


def safe_name(raw: str | None) -> str:
    """A file name that cannot leave the corpus directory, hide itself or confuse a shell."""
    name = re.split(r"[\\/]", raw or "")[-1]  # basename, whichever separator the client used
    name = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D").replace("Ð", "D"))
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext.lower()}" if dot else ""
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "không có phần mở rộng"
        raise UploadError(415, f"Định dạng không hỗ trợ ({shown}); chỉ nhận {', '.join(SUPPORTED_SUFFIXES)}.")
    # No leading dot (hidden file, ".."), nothing but safe characters, a bounded length.
    stem = re.sub(r"_+", "_", _UNSAFE.sub("_", stem)).strip("._")[:_MAX_STEM] or "tai-lieu"
    return stem + suffix


def check_content(data: bytes, suffix: str) -> None:
    """The content matches the extension, by the loader's own checks: PDF header; DOCX/XLSX/ODT zip with their
    main part and no zip bomb; DOC/XLS Office 97-2003 files of the right kind, not password-protected; text
    (txt, md, html, csv) that decodes."""
    if not data:
        raise UploadError(400, "Tệp rỗng (0 byte).")
    fmt = FORMATS[suffix.lstrip(".")]
    try:
        check_content_type(data, fmt, suffix.lstrip("."))
        if suffix in _TEXT_FORMATS:
            decode_text(data)
    except IngestError as exc:
        raise UploadError(415, f"Nội dung tệp không hợp lệ: {exc}.") from None


@dataclass(slots=True)
class Staged:
    """An upload written to a hidden temp file in the corpus directory, not yet visible."""

    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class Corpus:
    def __init__(self, corpus_dir: Path, trash_dir: Path) -> None:
        self.dir = corpus_dir
        self.trash_dir = trash_dir
        self._lock = threading.Lock()  # name choice + link, and moves, one at a time

    def stage(self, src: BinaryIO, max_bytes: int) -> Staged:
        """Copy the upload in blocks, stopping as soon as it passes `max_bytes`."""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f".upload-{uuid.uuid4().hex}.part"  # dot: the indexer ignores it
        digest, size = hashlib.sha256(), 0
        try:
            with path.open("xb") as out:
                while block := src.read(_BLOCK):
                    size += len(block)
                    if size > max_bytes:
                        raise UploadError(413, f"Tệp vượt quá giới hạn {max_bytes / 1024 / 1024:.3g} MB.")
                    digest.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Staged(path, digest.hexdigest(), size)

    def commit(self, staged: Staged, name: str, indexed: dict[str, tuple[str, str]]) -> str:
        """Make the staged file visible under `name`, or `stem-2.ext`… when that name is used.

        `indexed` maps content hashes to (doc_id, source) of the indexed documents; the duplicate
        check and the name choice happen under one lock, so two equal uploads cannot both land.
        """
        stem, suffix = name[: -len(Path(name).suffix)], Path(name).suffix
        with self._lock:
            if dup := self._duplicate_of(staged, indexed):
                doc_id, source = dup
                raise UploadError(
                    409, f"Tài liệu này đã có (cùng nội dung với «{source}»).", doc_id=doc_id, source=source
                )
            taken = self.names() | {source for _, source in indexed.values()}
            for n in range(1, 1000):
                candidate = name if n == 1 else f"{stem}-{n}{suffix}"
                if candidate in taken:
                    continue
                try:
                    os.link(staged.path, self.dir / candidate)  # fails rather than overwrite
                except FileExistsError:
                    continue
                staged.discard()
                fsync_dir(self.dir)
                return candidate
        raise UploadError(409, f"Đã có quá nhiều tệp tên «{name}».")

    def _duplicate_of(self, staged: Staged, indexed: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
        """(doc_id, source) of a document with the same bytes: indexed, or waiting in the corpus."""
        if staged.sha256 in indexed:
            return indexed[staged.sha256]
        for path in self._files():
            if path.stat().st_size == staged.size and file_sha256(path) == staged.sha256:
                return doc_id_for(path.name), path.name
        return None

    def remove(self, source: str) -> None:
        (self.dir / source).unlink(missing_ok=True)

    def to_trash(self, source: str, tag: str) -> list[tuple[Path, Path]]:
        """Move the file (and its .meta.json sidecar) into the trash; returns (from, to) pairs."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        moved = []
        with self._lock:
            self.trash_dir.mkdir(parents=True, exist_ok=True)
            for name in (source, source + ".meta.json"):
                src = self.dir / name
                if src.is_file():
                    dst = self.trash_dir / f"{stamp}-{tag}-{name}"
                    shutil.move(src, dst)
                    moved.append((src, dst))
        return moved

    def restore(self, moved: list[tuple[Path, Path]]) -> None:
        with self._lock:
            for src, dst in moved:
                if dst.exists() and not src.exists():
                    shutil.move(dst, src)

    def _files(self) -> list[Path]:
        if not self.dir.is_dir():
            return []
        return [
            p
            for p in self.dir.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
        ]

    def names(self) -> set[str]:
        return {p.name for p in self._files()}
