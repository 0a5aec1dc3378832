"""A session advisory lock held on a connection of its own, for as long as a ``with`` block runs.

Its own connection (not one of a pool's): the holder may need the pool's connections while it waits or works,
and a session lock must not stay behind on a pooled connection. The connection has keepalives
(``qa.postgres.keepalive``): if the holding process dies or its machine vanishes, the server ends the session
and the lock goes with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import make_conninfo

from qa.postgres.keepalive import KEEPALIVE


@contextmanager
def session_lock(url: str, key: int) -> Iterator[None]:
    """Wait for the advisory lock ``key`` on the database at ``url``, hold it during the block, then let it go."""
    with psycopg.connect(make_conninfo(url, **KEEPALIVE), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
