"""Request body limits, enforced while the body streams in: 413 JSON, never an unbounded buffer.

A declared Content-Length over the limit is refused before a byte is read; a body without one
(chunked) is counted as it arrives and refused as soon as it passes the limit. A body that stops
arriving (no data for `idle_timeout` seconds) gets 408. The error is raised from `receive`, as an
HTTPException, so FastAPI's body parsing hands it to the JSON error handler.
"""

from __future__ import annotations

import asyncio

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        default: int,
        routes: dict[tuple[str, str], tuple[int, str]] | None = None,
        idle_timeout: float = 30.0,
    ) -> None:
        self.app = app
        self.idle_timeout = idle_timeout
        self.default = (default, f"Dữ liệu gửi lên quá lớn (giới hạn {default // 1024} KB).")
        self.routes = routes or {}  # (method, path) -> (limit, message), e.g. the upload route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = self.routes.get((scope["method"], scope["path"]), self.default)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _respond(HTTPException(413, message), scope, receive, send)
            return

        received = 0
        started = False
        body_done = False

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # after the body, receive() waits for a disconnect: no timeout there
                return await receive()
            try:
                chunk = await asyncio.wait_for(receive(), self.idle_timeout)
            except TimeoutError:
                raise HTTPException(
                    408, f"Dữ liệu gửi lên bị ngừng quá {self.idle_timeout:g} giây; yêu cầu bị huỷ."
                ) from None
            if chunk["type"] == "http.request":
                received += len(chunk.get("body", b""))
                body_done = not chunk.get("more_body", False)
                if received > limit:
                    raise HTTPException(413, message)
            return chunk

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except HTTPException as exc:  # raised where no handler saw it (outside a route)
            if started or exc.status_code not in (408, 413):
                raise
            await _respond(exc, scope, receive, send)


async def _respond(exc: HTTPException, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse({"detail": exc.detail}, exc.status_code, headers={"Connection": "close"})
    await response(scope, receive, send)
