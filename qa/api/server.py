"""Serving the API with uvicorn, with timeouts for half-sent requests.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``) but waits forever for a request head
that never completes (a client that sends "POST /ask HTTP/1.1\\r\\n" and stops): each such connection holds
a socket and memory. ``HeadTimeoutProtocol`` closes a connection whose request head has not fully arrived
``header_timeout_seconds`` after the connection opened or the previous response ended. A body that stalls
is the application's business (qa.api.middleware: 408 after ``body_idle_timeout_seconds`` without data).

``python -m qa.api.server --host 127.0.0.1 --port 8000`` is what ``make run`` and ``qa serve`` start.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from qa.settings import Settings, get_settings


class HeadTimeoutProtocol(H11Protocol):
    header_timeout: float = 10.0  # replaced per server by protocol_with_head_timeout()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm_head_timer()

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a request head arrived: the request is the app's business now
            self._disarm_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()  # the next request's head must come in time too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        waiting_for_head = self.cycle is None or self.cycle.response_complete
        if waiting_for_head and not self.transport.is_closing():
            self.transport.close()


def protocol_with_head_timeout(seconds: float) -> type[HeadTimeoutProtocol]:
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"header_timeout": seconds})


def uvicorn_config(app: Any, settings: Settings, host: str, port: int, **extra: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_with_head_timeout(settings.header_timeout_seconds),
        timeout_keep_alive=int(settings.keep_alive_seconds),
        **extra,
    )


def serve(host: str, port: int, settings: Settings | None = None, access_log: bool = True) -> None:
    from qa.api.app import create_app

    settings = settings or get_settings()
    config = uvicorn_config(
        create_app(settings), settings, host, port, access_log=access_log, log_level="info"
    )
    uvicorn.Server(config).run()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="API healthplan-qa (uvicorn).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args(argv)
    serve(args.host, args.port, access_log=not args.no_access_log)


if __name__ == "__main__":
    main()
