"""The build process: runs one claimed job, at a lower CPU priority than the API that serves questions.

``python -m qa.api.worker JOB_ID`` with the API's Settings as JSON on stdin. Started by the job runner
(qa/api/jobs.py) for each job, so that a build never holds the API process's GIL or its query model:
it has its own model session, its own memory (returned to the system when it exits: the API's memory
stays flat over months of uploads) and can be killed at once to cancel. It keeps the API's lease alive
(qa/jobs/owners.py: an inherited lock file, or the same advisory lock on its own database session): while it
runs, no reconciliation takes its job, even if the API process itself was killed.
"""

from __future__ import annotations

import logging
import os
import sys

from qa.embeddings.model import passage_embedder
from qa.jobs.execute import run_job
from qa.jobs.open_journal import open_journal
from qa.jobs.owners import open_owners
from qa.settings import Settings

# Niceness of the build process: at 10 the kernel gives a busy API ~10x its CPU share when both want a
# core, so a question never waits behind an embedding batch (bench/RESULTS.md, "Questions during a build").
BUILD_NICENESS = 10


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.nice(BUILD_NICENESS)  # before any thread exists: the model's threads inherit it
    settings = Settings.model_validate_json(sys.stdin.read())
    journal = open_journal(settings)  # the API's own: its settings came on stdin
    try:
        job = journal.get(argv[0])
        if job is None or job.status != "running" or job.owner is None:
            return 2
        lease = open_owners(settings).join(job.owner)  # the API's lease lives while this process works
        try:
            run_job(settings, journal, job, passage_embedder(settings))
        finally:
            lease.release()
        return 0
    finally:
        journal.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
