"""Shared fixtures: the real corpus, parsed, and one real index built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def parsed() -> dict:
    from qa.ingest.pipeline import parse_file

    return {p.name[:3]: parse_file(p, 50 * 1024 * 1024) for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory):
    from qa.settings import Settings

    cache = Path(os.environ.get("QA_CACHE_DIR", Path.home() / ".cache" / "healthplan-qa"))

    def make(corpus: Path | None = None, index: Path | None = None) -> Settings:
        return Settings(
            corpus_dir=corpus or CORPUS, index_dir=index or tmp_path_factory.mktemp("index"), cache_dir=cache
        )

    return make


@pytest.fixture(scope="session")
def embed(settings_factory):
    from qa.embeddings.model import passage_embedder

    return passage_embedder(settings_factory())


@pytest.fixture(scope="session")
def engine(settings_factory, embed):
    from qa.index.build import build
    from qa.retrieval.engine import Engine

    s = settings_factory()
    build(s, embed=embed)
    return Engine(s)


@pytest.fixture(scope="session")
def answerer(engine):
    from qa.answer import Answerer

    return Answerer(engine)


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the session (tests/postgres.py); its tests skip where it cannot start."""
    from postgres import PostgresServer, Unavailable

    try:
        server = PostgresServer().start()
    except Unavailable as why:
        pytest.skip(f"PostgreSQL cannot start here: {why}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """One fresh, empty database per test."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def milvus_path(tmp_path):
    """A Milvus Lite database for one test: a local .db path, served in this process through the same pymilvus
    API as a Milvus server (tests/milvus_kit.py). Skipped with the reason when Milvus Lite cannot start here."""
    from milvus_kit import lite_or_skip

    path = lite_or_skip(tmp_path / "milvus.db")
    yield path
    from milvus_kit import release

    release(path)


@pytest.fixture
def milvus_server(tmp_path):
    """A `milvus-lite server` in its own process, as a deployment runs Milvus apart from the API: a process killed
    while it writes does not take the database down with it. Skipped with the reason when it cannot start."""
    from qa.run_services import MilvusLiteServer

    try:
        server = MilvusLiteServer(tmp_path / "milvus").start()
    except (RuntimeError, OSError) as why:
        pytest.skip(f"milvus-lite server cannot start here: {why}")
    yield server
    server.stop()
