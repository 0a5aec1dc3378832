"""Failed API-key attempts, counted per client: a guesser gets a few tries a minute, not thousands.

After ``allowed`` wrong keys from one client address within ``window`` seconds, every key check from that
address is refused with 429 and ``Retry-After`` until the oldest failure leaves the window — the right
key included, or a guesser would learn it by the answer. Missing keys are not counted (a client that
forgot the header is not guessing). In memory: one API process per index in the embedded mode.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

_MAX_CLIENTS = 10_000  # addresses remembered at most; the oldest are forgotten first


class KeyThrottle:
    def __init__(self, allowed: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.allowed = allowed
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds the client must wait before its next key check (0 when it may try now)."""
        with self._lock:
            failures = self._recent(client)
            if len(failures) < self.allowed:
                return 0.0
            return max(0.0, failures[0] + self.window - self._clock())

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(self._clock())
            if len(self._failures) > _MAX_CLIENTS:
                self._failures.pop(next(iter(self._failures)))

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        horizon = self._clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures
