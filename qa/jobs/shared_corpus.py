"""The corpus of a shared deployment (``QA_DATABASE_URL``): the uploaded bytes in PostgreSQL, not on one replica's disk.

Replicas need not share a disk: a document uploaded through replica A must be in the build replica B runs next.
So in shared mode every file of ``corpus/`` (documents and their ``.meta.json`` sidecars) and of the trash is a
row of ``corpus_files`` (schema step 4, ``qa.postgres.schema``), ``area`` saying which of the two directories it
would be in. The job steps are those of the embedded ``qa.jobs.corpus.CorpusFiles``, each now one transaction:

- an upload is staged as a hidden local file (streamed under the size limit, its content checked) in the replica's
  corpus cache, then **published** with one ``INSERT`` of the file and its sidecar together (never overwriting a
  name), then the temp file is dropped; a crash before the commit publishes nothing. Its name is chosen and
  published under ``naming()``, an advisory lock every replica takes: two uploads of one name at once, on two
  replicas, get two names (the second sees the first's row), each with its own bytes;
- a deletion **moves** the file and its sidecar to the trash with one ``UPDATE`` (area and name, as the rename
  into ``index/.trash/`` does), undone by the reverse ``UPDATE``; the trash is pruned by age and size;
- every step is journaled before it happens and idempotent, so ``qa.jobs.reconcile`` finishes or undoes it, from
  any replica: the bytes a job needs are in the database, not on the disk of the replica that died.

A build does not read the rows: parsers want a path (LibreOffice, Tesseract, the isolated parse child), and the
build already re-reads only changed files. It reads the replica's cache, ``index/.corpus/``, made equal to the
database's corpus under the build lock just before it lists the files (``qa.jobs.corpus_cache``). The cache is in
the replica's index directory, not in ``QA_CORPUS_DIR``: that directory may be the project's shipped corpus, and
a sync removes every file the database lacks. ``QA_CORPUS_DIR`` is read once, to fill an empty database
(``qa.jobs.corpus_copy``: ``qa migrate --to-database``, or the first build on a database never filled).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from qa.failpoints import failpoint
from qa.ingest.metadata import sidecar_name
from qa.ingest.pipeline import SUPPORTED_SUFFIXES
from qa.jobs.corpus import CorpusFiles
from qa.postgres.advisory import session_lock
from qa.postgres.pool import Pool, open_pool
from qa.settings import Settings

# The replica's copy of the shared corpus, and where its uploads are staged, inside its own index directory.
CACHE_DIR = ".corpus"
# Connections a process keeps: the upload and delete routes (one at a time, under the API's corpus lock), the
# job runner's reconciliation and a build's cache sync; each holds one for a statement or two.
POOL_SIZE = 2
# Session advisory lock ("qnam") held from choosing an upload's free name until it is published, by every replica.
NAMING_LOCK = 0x716E616D

_OPEN: dict[tuple[str, Path], SharedCorpus] = {}
_OPENING = threading.Lock()


@dataclass(frozen=True, slots=True)
class CorpusEntry:
    """One file of the shared corpus, without its bytes."""

    name: str
    sha256: str
    size: int


def cache_dir(settings: Settings) -> Path:
    return settings.index_dir / CACHE_DIR


def shared_corpus(settings: Settings) -> SharedCorpus:
    """The process's one SharedCorpus for this database and index directory (opened on first use): the API's
    routes, its runner's every reconciliation and its builds share a few connections."""
    assert settings.database_url
    key = (settings.database_url, cache_dir(settings))
    with _OPENING:
        corpus = _OPEN.get(key)
        if corpus is None:
            corpus = _OPEN[key] = SharedCorpus(settings.database_url, key[1])
        return corpus


def close_shared_corpora() -> None:
    """Close every corpus ``shared_corpus`` opened (tests, whose databases are dropped after each one)."""
    while _OPEN:
        _OPEN.popitem()[1].close()


class SharedCorpus(CorpusFiles):
    """``CorpusFiles`` with the corpus and the trash in PostgreSQL; staging stays local (``stage``,
    ``stage_sidecar``, ``drop_staged``, ``staged_files`` are inherited, in the cache directory)."""

    def __init__(self, url: str, cache: Path) -> None:
        super().__init__(cache, cache)
        self.url = url
        self.pool: Pool = open_pool(url, "qa-corpus", POOL_SIZE)

    def close(self) -> None:
        self.pool.close()

    # ------------------------------------------------------------------ uploads

    @contextmanager
    def naming(self) -> Iterator[None]:
        """Held from choosing an upload's name until it is published, across every replica (its own session:
        the upload route takes pool connections meanwhile, and a replica that dies lets it go)."""
        with session_lock(self.url, NAMING_LOCK):
            yield

    def publish(self, staged_name: str, name: str) -> bool:
        """Insert the staged file as ``name`` with its sidecar, in one transaction, unless ``name`` is taken; then
        drop the temp files. Idempotent. True when ``name`` now holds the staged bytes, or, the temp file being
        gone already (a crash after the commit), when ``name`` is in the corpus; False when other bytes hold it
        (another upload got there first: nothing of this one is published, not even its sidecar)."""
        staged, staged_meta = self.dir / staged_name, self.dir / sidecar_name(staged_name)
        files = [
            (n, p.read_bytes()) for n, p in ((name, staged), (sidecar_name(name), staged_meta)) if p.exists()
        ]
        mine = hashlib.sha256(files[0][1]).hexdigest() if files and files[0][0] == name else None
        with self.pool.connection() as conn:
            if mine is not None:
                inserted = conn.execute(
                    "INSERT INTO corpus_files (area, name, data, sha256, size) "
                    "VALUES ('corpus', %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                    (name, files[0][1], mine, len(files[0][1])),
                ).fetchone()
                for file_name, data in files[1:] if inserted else []:
                    conn.execute(
                        "INSERT INTO corpus_files (area, name, data, sha256, size) "
                        "VALUES ('corpus', %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        (file_name, data, hashlib.sha256(data).hexdigest(), len(data)),
                    )
            failpoint("corpus.publish_uncommitted")
            row = conn.execute(
                "SELECT sha256 FROM corpus_files WHERE area = 'corpus' AND name = %s", (name,)
            ).fetchone()
        staged_meta.unlink(missing_ok=True)
        staged.unlink(missing_ok=True)
        return row is not None and (mine is None or row["sha256"] == mine)

    def remove(self, name: str, sha256: str | None = None) -> None:
        """Take a published upload (and its sidecar) back out, only if it still holds the uploaded bytes; a sidecar
        whose file is gone goes too."""
        with self.pool.connection() as conn:
            if sha256 is None:
                conn.execute("DELETE FROM corpus_files WHERE area = 'corpus' AND name = %s", (name,))
            else:
                conn.execute(
                    "DELETE FROM corpus_files WHERE area = 'corpus' AND name = %s AND sha256 = %s",
                    (name, sha256),
                )
            conn.execute(
                "DELETE FROM corpus_files WHERE area = 'corpus' AND name = %s AND NOT EXISTS "
                "(SELECT 1 FROM corpus_files WHERE area = 'corpus' AND name = %s)",
                (sidecar_name(name), name),
            )

    def duplicate_of(self, sha256: str, size: int) -> str | None:
        """The corpus document with these bytes, if any (by the indexed hash: no file is read)."""
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT name FROM corpus_files WHERE area = 'corpus' AND sha256 = %s AND size = %s ORDER BY name",
                (sha256, size),
            ).fetchall()
        return next((r["name"] for r in rows if _is_document(r["name"])), None)

    def holds(self, name: str, sha256: str) -> bool:
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM corpus_files WHERE area = 'corpus' AND name = %s AND sha256 = %s",
                (name, sha256),
            ).fetchone()
        return row is not None

    def free_name(self, name: str, taken: set[str]) -> str | None:
        present = set(self.listing()) | taken
        stem, suffix = name[: -len(Path(name).suffix) or None], Path(name).suffix
        for n in range(1, 1000):
            candidate = name if n == 1 else f"{stem}-{n}{suffix}"
            if candidate not in present and sidecar_name(candidate) not in present:
                return candidate
        return None

    # ------------------------------------------------------------------ deletions

    def trash_plan(self, source: str, tag: str) -> list[tuple[str, str]]:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        present = self.listing()
        return [(n, f"{stamp}-{tag}-{n}") for n in (source, sidecar_name(source)) if n in present]

    def to_trash(self, plan: Iterable[tuple[str, str]]) -> None:
        """Both moves in one transaction; a file already moved (or gone) is left as it is."""
        with self.pool.connection() as conn:
            for name, trashed in plan:
                _move(conn, ("corpus", name), ("trash", trashed))
                failpoint("corpus.trash_uncommitted")

    def restore(self, plan: Iterable[tuple[str, str]]) -> None:
        with self.pool.connection() as conn:
            for name, trashed in plan:
                _move(conn, ("trash", trashed), ("corpus", name))

    def prune_trash(self, max_age_days: float, max_bytes: int, keep: Iterable[str] = ()) -> list[str]:
        """As ``CorpusFiles.prune_trash``: past the age limit, then the oldest until under the size limit."""
        kept = set(keep)
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT name, size, moved_at < now() - make_interval(secs => %s) AS old "
                "FROM corpus_files WHERE area = 'trash' ORDER BY moved_at, name",
                (max_age_days * 86400,),
            ).fetchall()
            entries = [r for r in rows if r["name"] not in kept]
            total = sum(int(r["size"]) for r in entries)
            removed: list[str] = []
            for row in entries:
                if not row["old"] and total <= max_bytes:
                    break
                total -= int(row["size"])
                removed.append(row["name"])
            if removed:
                conn.execute("DELETE FROM corpus_files WHERE area = 'trash' AND name = ANY(%s)", (removed,))
        return removed

    # ------------------------------------------------------------------ listing

    def names(self) -> set[str]:
        """The documents of the shared corpus (not their sidecars)."""
        return {n for n in self.listing() if _is_document(n)}

    def listing(self, area: str = "corpus") -> dict[str, CorpusEntry]:
        """Every file of the corpus (or of the trash), sidecars included, without the bytes."""
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT name, sha256, size FROM corpus_files WHERE area = %s", (area,)
            ).fetchall()
        return {r["name"]: CorpusEntry(r["name"], r["sha256"], int(r["size"])) for r in rows}

    def read(self, name: str, area: str = "corpus") -> bytes | None:
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT data FROM corpus_files WHERE area = %s AND name = %s", (area, name)
            ).fetchone()
        return bytes(row["data"]) if row else None


def _is_document(name: str) -> bool:
    return not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def _move(conn: psycopg.Connection[Any], source: tuple[str, str], target: tuple[str, str]) -> None:
    """One file from (area, name) to (area, name), unless it is gone or the target is taken: one UPDATE."""
    conn.execute(
        "UPDATE corpus_files SET area = %s, name = %s, moved_at = now() WHERE area = %s AND name = %s "
        "AND NOT EXISTS (SELECT 1 FROM corpus_files WHERE area = %s AND name = %s)",
        (*target, *source, *target),
    )
