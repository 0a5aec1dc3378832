"""Which stores this API process keeps its saved answers and feedback in: the shared database when
``QA_DATABASE_URL`` is set (every replica sees every answer and rating), else SQLite files beside the index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qa.api.stores.answers import AnswerStore, SqliteAnswerStore
from qa.api.stores.feedback import FeedbackStore, SqliteFeedbackStore
from qa.settings import Settings

# Connections one API process keeps for the stores: a save or a read is one ~1 ms statement, made by the
# request that needs it; two cover the requests of a replica's thread pool that touch the stores at once
# without holding connections the server's max_connections must count for every replica.
POOL_MAX = 2


@dataclass(frozen=True, slots=True)
class Stores:
    answers: AnswerStore
    feedback: FeedbackStore
    close: Callable[[], None]


def open_stores(settings: Settings) -> Stores:
    if settings.database_url:
        # Imported here: the embedded default never loads the PostgreSQL driver.
        from qa.api.stores.postgres_answers import PostgresAnswerStore
        from qa.api.stores.postgres_feedback import PostgresFeedbackStore
        from qa.postgres.pool import open_pool

        pool = open_pool(settings.database_url, "qa-stores", POOL_MAX)
        return Stores(PostgresAnswerStore(pool), PostgresFeedbackStore(pool), pool.close)
    return Stores(
        SqliteAnswerStore(settings.stores_path / "answers.sqlite"),
        SqliteFeedbackStore(settings.stores_path / "feedback.sqlite"),
        lambda: None,
    )
