"""The build process: runs one claimed job, at a lower CPU priority than the API that serves questions.

``python -m qa.api.worker JOB_ID`` with the API's Settings as JSON on stdin. Started by the job runner
(qa/api/jobs.py) for each job, so that a build never holds the API process's GIL or its query model:
it has its own model session, its own memory (returned to the system when it exits: the API's memory
stays flat over months of uploads) and can be killed at once to cancel. It inherits the API's lease
(qa/jobs/owners.py): while it runs, the start-up reconciliation leaves its job alone.
"""

from __future__ import annotations

import logging
import os
import sys

from qa.embeddings.model import passage_embedder
from qa.jobs.execute import run_job
from qa.jobs.sqlite_journal import SqliteJournal
from qa.settings import Settings

# Niceness of the build process: at 10 the kernel gives a busy API ~10x its CPU share when both want a
# core, so a question never waits behind an embedding batch (bench/RESULTS.md, "Questions during a build").
BUILD_NICENESS = 10


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.nice(BUILD_NICENESS)  # before any thread exists: the model's threads inherit it
    settings = Settings.model_validate_json(sys.stdin.read())
    journal = SqliteJournal.beside(settings.index_dir, settings.jobs_keep)
    job = journal.get(argv[0])
    if job is None or job.status != "running":
        return 2
    run_job(settings, journal, job, passage_embedder(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
