"""Leases in the shared database (``QA_DATABASE_URL``): a lease is a session advisory lock on a key derived from
its name, held by a connection the process keeps open for that purpose. The server drops it when the session
ends (the process exits or dies, or its machine stops answering: TCP keepalive, then the server's timeout), so
replicas on several machines agree on who is alive without a shared disk.

The owner and its build child hold the key in shared mode, each on its own session; "is it dead" is an exclusive
try-lock, which succeeds only when no session holds the key. A holder of the exclusive lock settles the dead
owner's jobs; a second replica asking at the same moment is refused the lock and leaves them alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import make_conninfo

from qa.jobs.owners import new_lease_name
from qa.postgres.keepalive import KEEPALIVE


def lease_key(name: str) -> int:
    """The advisory lock key of a lease: 64 bits of its name's hash (a collision among a few hundred live
    leases has a probability of about 1e-15)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class PostgresLease:
    def __init__(self, url: str, name: str) -> None:
        self.name = name
        self._conn = psycopg.connect(make_conninfo(url, **KEEPALIVE), autocommit=True)
        self._conn.execute("SELECT pg_advisory_lock_shared(%s)", (lease_key(name),))

    @property
    def inheritable_fds(self) -> tuple[int, ...]:
        return ()  # the build child joins by name on a session of its own

    def release(self) -> None:
        if self._conn.closed:
            return
        try:
            # Unlock before closing: the server ends a closed session's backend a moment after the socket closes,
            # and until then the lock still looks held (a claim right after a release was refused in CI).
            self._conn.execute("SELECT pg_advisory_unlock_all()")
        except psycopg.Error:
            pass  # a broken session: the server drops its locks when it notices
        finally:
            self._conn.close()


class PostgresOwners:
    def __init__(self, url: str) -> None:
        self.url = url

    def take(self) -> PostgresLease:
        return PostgresLease(self.url, new_lease_name())

    def join(self, name: str) -> PostgresLease:
        return PostgresLease(self.url, name)

    @contextmanager
    def claim_dead(self, owner: str | None) -> Iterator[bool]:
        if not owner:
            yield True
            return
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (lease_key(owner),)).fetchone()
            yield bool(row and row[0])  # closing the connection lets the lock go

    def remove_dead(self) -> list[str]:
        return []  # nothing outlives its session
