"""Connection options of a session that only holds an advisory lock (a lease, the build lock): keepalives make
the server notice a vanished machine in about a minute (idle 30 s, then 3 probes 10 s apart) instead of the
system's default two hours, and let the lock go."""

from __future__ import annotations

KEEPALIVE = {
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}
