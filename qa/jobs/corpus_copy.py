"""The corpus files carried between a corpus directory and the shared database, both ways.

``qa migrate --to-database`` carries ``QA_CORPUS_DIR`` in (with the index generation built from it), and so does
the first build on a database whose corpus was never filled (a deployment that shared ``corpus/`` on a disk before
issue 17): without it that build would publish a generation without any of the files. ``--from-database`` carries
the shared corpus out into ``QA_CORPUS_DIR`` for the embedded mode. A file already there (same name, same bytes) is
not copied again; the same name with other bytes is left as it is on both sides and reported.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from qa.fsutil import fsync_dir
from qa.ingest.metadata import SIDECAR_SUFFIX
from qa.ingest.pipeline import SUPPORTED_SUFFIXES
from qa.jobs.shared_corpus import SharedCorpus, shared_corpus
from qa.settings import Settings

# Advisory lock key ("qcor") held by the transaction that carries a corpus directory in: two replicas making the
# first build at once, or a `qa migrate` beside them, fill the database once.
CARRY_LOCK = 0x71636F72


@dataclass(slots=True)
class CorpusCopy:
    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)  # already on the other side with the same bytes
    conflicts: list[str] = field(default_factory=list)  # the same name with other bytes: left alone


def corpus_files(directory: Path) -> list[Path]:
    """What a corpus directory holds that the index reads: documents and their sidecars, no hidden file."""
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and (p.suffix.lower() in SUPPORTED_SUFFIXES or p.name.endswith(SIDECAR_SUFFIX))
    )


def carry_in(corpus: SharedCorpus, directory: Path, only_if_never_filled: bool = False) -> CorpusCopy | None:
    """The directory's files into the shared corpus, in one transaction, and the corpus marked as filled.
    ``only_if_never_filled``: do nothing (None) when it was filled before, even if it is empty now."""
    copy = CorpusCopy()
    with corpus.pool.connection() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (CARRY_LOCK,))
        if only_if_never_filled and conn.execute("SELECT 1 FROM corpus_seeded").fetchone() is not None:
            return None
        rows = conn.execute("SELECT name, sha256 FROM corpus_files WHERE area = 'corpus'").fetchall()
        there = {r["name"]: r["sha256"] for r in rows}
        for path in corpus_files(directory):
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            if path.name not in there:
                conn.execute(
                    "INSERT INTO corpus_files (area, name, data, sha256, size) VALUES ('corpus', %s, %s, %s, %s)",
                    (path.name, data, sha, len(data)),
                )
                copy.copied.append(path.name)
            else:
                (copy.present if there[path.name] == sha else copy.conflicts).append(path.name)
        conn.execute(
            "INSERT INTO corpus_seeded (files) VALUES (%s) ON CONFLICT (only_row) DO NOTHING",
            (len(copy.copied) + len(copy.present),),
        )
    return copy


def fill_once(settings: Settings) -> CorpusCopy | None:
    """A database whose corpus was never filled gets ``QA_CORPUS_DIR``'s files (None when it was filled before).
    Run by the API at start-up, before it takes an upload or a delete, and by every shared build."""
    return carry_in(shared_corpus(settings), settings.corpus_dir, only_if_never_filled=True)


def carry_out(corpus: SharedCorpus, directory: Path) -> CorpusCopy:
    """The shared corpus into the directory: each missing file written whole under a temp name, then renamed."""
    copy = CorpusCopy()
    directory.mkdir(parents=True, exist_ok=True)
    for name, entry in sorted(corpus.listing().items()):
        target = directory / name
        if target.exists():
            same = target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == entry.sha256
            (copy.present if same else copy.conflicts).append(name)
            continue
        data = corpus.read(name)
        if data is None:  # deleted meanwhile
            continue
        write_atomically(target, data)
        copy.copied.append(name)
    fsync_dir(directory)
    return copy


def write_atomically(target: Path, data: bytes) -> None:
    """A hidden temp file beside ``target`` (the indexer skips dot files), fsynced, then one rename."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    with tmp.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
