"""Milvus Lite for the tests: a local database served in this process, or a `milvus-lite server` process.

A Milvus Lite data directory is held by one process at a time (a lock file): a test that hands the database to
a child process releases this process's hold first (``release``); several processes share one through a
server (``qa.run_services.MilvusLiteServer``), as a deployment would share Milvus.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def lite_or_skip(path: Path) -> str:
    """``path`` as a QA_VECTOR_URL once Milvus Lite answers there; the test is skipped with the reason if not."""
    try:
        from qa.index.milvus_collection import connect

        client = connect(str(path))
        client.list_collections()
        client.close()
    except Exception as why:  # ImportError, the server failing to start, a refused connection
        pytest.skip(f"Milvus Lite cannot start here: {why}")
    return str(path)


def release(path: str) -> None:
    """Stop this process's Milvus Lite server for ``path``, which frees its data directory for another process."""
    from milvus_lite import server_manager_instance

    server_manager_instance.release_server(path)
