"""Which processes are alive: each process that receives or runs jobs (the API, `qa ingest`) holds a lease for
its lifetime, and the journal records the lease's name as its jobs' owner. A lease is released by the system when
its process dies, however it dies, so "nobody holds it" means "every process that could finish the job is gone".

Two implementations of ``Owners``, picked by ``open_owners``:
- embedded (default): an exclusive ``flock`` on a file beside the index, released by the kernel. A build child
  inherits the lock's file descriptor (``Lease.inheritable_fds``).
- shared (``QA_DATABASE_URL``): a PostgreSQL session advisory lock, released by the server when the session's
  connection closes, so replicas on several machines see each other's leases (``qa.jobs.postgres_owners``).

Whoever settles a dead owner's jobs (the start-up reconciliation, a runner's periodic look) first takes the dead
lease itself (``claim_dead``) and holds it while it settles, so two replicas never settle the same job twice.
"""

from __future__ import annotations

import fcntl
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from qa.settings import Settings

OWNERS_DIR = ".owners"


class Lease(Protocol):
    name: str

    @property
    def inheritable_fds(self) -> tuple[int, ...]:
        """File descriptors a build child must inherit to keep this lease alive."""
        ...

    def release(self) -> None: ...


class Owners(Protocol):
    def take(self) -> Lease:
        """A new lease for this process."""
        ...

    def join(self, name: str) -> Lease:
        """Keep another process's lease alive from this one too (a build child of the process named)."""
        ...

    def claim_dead(self, owner: str | None) -> AbstractContextManager[bool]:
        """True, with the lease held for the block, when no process holds ``owner``; False while one does."""
        ...

    def remove_dead(self) -> list[str]:
        """Forget the leases of processes that are gone; returns their names."""
        ...


def new_lease_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def open_owners(settings: Settings) -> Owners:
    if settings.database_url:
        # Imported here: the embedded default never loads the PostgreSQL driver.
        from qa.jobs.postgres_owners import PostgresOwners

        return PostgresOwners(settings.database_url)
    return FileOwners(settings.index_dir)


class FileLease:
    def __init__(self, index_dir: Path) -> None:
        self.dir = index_dir / OWNERS_DIR
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = new_lease_name()
        self.fd = os.open(self.dir / f"{self.name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    @property
    def inheritable_fds(self) -> tuple[int, ...]:
        return (self.fd,)

    def release(self) -> None:
        if self.fd >= 0:
            (self.dir / f"{self.name}.lock").unlink(missing_ok=True)
            os.close(self.fd)
            self.fd = -1


class _Inherited:
    """A file lease a build child holds through the descriptor it inherited: nothing to take, nothing to let go
    (the kernel drops the lock when the last process holding the descriptor exits)."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def inheritable_fds(self) -> tuple[int, ...]:
        return ()

    def release(self) -> None:
        pass


class FileOwners:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    def take(self) -> FileLease:
        return FileLease(self.index_dir)

    def join(self, name: str) -> _Inherited:
        return _Inherited(name)

    @contextmanager
    def claim_dead(self, owner: str | None) -> Iterator[bool]:
        if not owner:
            yield True
            return
        try:
            fd = os.open(self.index_dir / OWNERS_DIR / f"{owner}.lock", os.O_RDWR)
        except FileNotFoundError:
            yield True
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)

    def remove_dead(self) -> list[str]:
        folder = self.index_dir / OWNERS_DIR
        names = [p.stem for p in folder.glob("*.lock")] if folder.is_dir() else []
        dead = []
        for name in names:
            with self.claim_dead(name) as gone:
                if gone:
                    (folder / f"{name}.lock").unlink(missing_ok=True)
                    dead.append(name)
        return dead
