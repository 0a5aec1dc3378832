"""Named points where a crash test can kill the process on purpose (``QA_FAILPOINT=name``).

The crash tests (tests/jobs/test_crash.py) kill uploads, deletes and ingests with SIGKILL at random
moments; these points add the moments that matter most and are too short to hit by chance (between
the journal entry and the file move, between publishing a generation and switching ``current`` ...).
Unset, a failpoint costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

ENV = "QA_FAILPOINT"


def failpoint(name: str) -> None:
    """SIGKILL this process here when ``QA_FAILPOINT`` names this point."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
