"""Which corpus this process's jobs change: rows in PostgreSQL when ``QA_DATABASE_URL`` is set (shared by replicas
that share no disk, ``qa.jobs.shared_corpus``), else the files of ``QA_CORPUS_DIR`` and ``index/.trash/``."""

from __future__ import annotations

from qa.jobs.corpus import CorpusFiles
from qa.settings import Settings


def open_corpus(settings: Settings) -> CorpusFiles:
    if settings.database_url:
        # Imported here: the embedded default never loads the PostgreSQL driver.
        from qa.jobs.shared_corpus import shared_corpus

        return shared_corpus(settings)
    return CorpusFiles(settings.corpus_dir, settings.index_dir)
