"""Which processes are alive: a lease is an exclusive lock on a file, released by the kernel when they die.

A process that receives or runs jobs (the API, `qa ingest`) holds one lease for its lifetime; the journal
records the lease's name as the job's owner. A build child inherits the lease's file descriptor, so the
lease lives as long as any process that may still finish the job. The start-up reconciliation touches
only jobs whose owner's lease can be taken: their every process is gone.
"""

from __future__ import annotations

import fcntl
import os
import socket
import uuid
from pathlib import Path

OWNERS_DIR = ".owners"


class Lease:
    def __init__(self, index_dir: Path) -> None:
        self.dir = index_dir / OWNERS_DIR
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.fd = os.open(self.dir / f"{self.name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.fd >= 0:
            (self.dir / f"{self.name}.lock").unlink(missing_ok=True)
            os.close(self.fd)
            self.fd = -1


def is_alive(index_dir: Path, owner: str | None) -> bool:
    """True while some process holds the lease ``owner``."""
    if not owner:
        return False
    path = index_dir / OWNERS_DIR / f"{owner}.lock"
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def remove_dead(index_dir: Path) -> list[str]:
    """Delete the lease files of processes that are gone; returns their names."""
    folder = index_dir / OWNERS_DIR
    dead = [p.stem for p in folder.glob("*.lock")] if folder.is_dir() else []
    dead = [name for name in dead if not is_alive(index_dir, name)]
    for name in dead:
        (folder / f"{name}.lock").unlink(missing_ok=True)
    return dead
