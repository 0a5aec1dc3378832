"""A replica's copy of the shared corpus (``index/.corpus/``), made equal to the database's before a build reads it.

Run under the build lock (``qa.index.build``), so the files a build lists are the database's corpus at that moment;
an upload published meanwhile is built by its own job afterwards. Files are compared by the hash the database keeps
against the hash recorded when this replica wrote them (``.synced.json``): a sync of an unchanged corpus reads no
file and fetches no bytes, only the listing. A file written is complete or absent (temp name, then rename); a sync
killed half-way leaves files its record lacks, which the next sync writes again. Hidden files (staged uploads, the
record, temp files) are never touched.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from qa.fsutil import fsync_dir
from qa.jobs.corpus_copy import fill_once, write_atomically
from qa.jobs.shared_corpus import SharedCorpus, cache_dir, shared_corpus
from qa.settings import Settings

RECORD = ".synced.json"  # name -> sha256 of each file this replica wrote into its cache


@dataclass(slots=True)
class CacheSync:
    directory: Path
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: int = 0
    seeded: int | None = None  # files carried in from QA_CORPUS_DIR by this sync (a database never filled)
    seconds: float = 0.0


def sync_corpus(settings: Settings) -> CacheSync:
    """The corpus a shared build reads: the database's (filled from ``QA_CORPUS_DIR`` first if it never was),
    copied into this replica's cache directory."""
    seeded = fill_once(settings)
    report = sync_cache(shared_corpus(settings), cache_dir(settings))
    report.seeded = len(seeded.copied) if seeded is not None else None
    return report


def sync_cache(corpus: SharedCorpus, directory: Path) -> CacheSync:
    started = time.perf_counter()
    report = CacheSync(directory)
    directory.mkdir(parents=True, exist_ok=True)
    wanted = corpus.listing()
    record = _read_record(directory)
    for path in directory.iterdir():
        if not path.name.startswith(".") and path.name not in wanted:
            path.unlink(missing_ok=True)
            record.pop(path.name, None)
            report.removed.append(path.name)
    for name, entry in sorted(wanted.items()):
        path = directory / name
        if record.get(name) == entry.sha256 and path.is_file() and path.stat().st_size == entry.size:
            report.kept += 1
            continue
        data = corpus.read(name)
        if data is None:  # deleted since the listing: the next build drops it
            continue
        write_atomically(path, data)
        record[name] = entry.sha256
        report.written.append(name)
    if report.written or report.removed:
        fsync_dir(directory)
        write_atomically(directory / RECORD, json.dumps(record, sort_keys=True).encode())
    report.seconds = time.perf_counter() - started
    return report


def _read_record(directory: Path) -> dict[str, str]:
    try:
        record = json.loads((directory / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in record.items()} if isinstance(record, dict) else {}
