"""A process's connections to the shared database: a psycopg_pool pool, opened only once the database answers
and its schema is this release's (``schema.migrate``)."""

from __future__ import annotations

from psycopg import Connection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from qa.postgres.schema import DatabaseUnavailable, migrate

CONNECT_TIMEOUT_S = 30.0  # the database must answer at start-up within this, or the process stops

Pool = ConnectionPool[Connection[DictRow]]


def open_pool(url: str, name: str, max_size: int, connect_timeout: float = CONNECT_TIMEOUT_S) -> Pool:
    """A pool of at most ``max_size`` connections; each ``with pool.connection()`` block is one transaction,
    committed when it ends. Raises ``DatabaseUnavailable`` when the server does not answer in time."""
    pool: Pool = ConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        kwargs={"row_factory": dict_row},
        connection_class=Connection[DictRow],
        open=True,
        name=name,
    )
    try:
        pool.wait(connect_timeout)
    except PoolTimeout:
        pool.close()
        raise DatabaseUnavailable(
            f"Không kết nối được cơ sở dữ liệu (QA_DATABASE_URL) sau {connect_timeout:g} giây: "
            "hãy kiểm tra địa chỉ, tài khoản và máy chủ PostgreSQL."
        ) from None
    try:
        with pool.connection() as conn:
            migrate(conn)
    except BaseException:
        pool.close()
        raise
    return pool
