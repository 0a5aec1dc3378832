"""A TCP relay between the web interface and the API that a test can break on purpose (test helper).

`pass`: bytes flow both ways; `drop`: each new connection is closed at once (the API "crashed");
`stall`: new connections are held open and never answered (the API "hangs"), until the mode changes.
A real network failure for the real UI, with no change to the code under test.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Literal

Mode = Literal["pass", "drop", "stall"]


class Relay:
    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.target = (host, target_port)
        self.mode: Mode = "pass"
        self._server = socket.create_server((host, 0))
        self.port = int(self._server.getsockname()[1])
        self._closed = False
        threading.Thread(target=self._accept, name="relay", daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._server.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        if self.mode == "drop":
            client.close()
            return
        if self.mode == "stall":
            while self.mode == "stall" and not self._closed:
                time.sleep(0.1)
            client.close()  # the UI gave up long ago; never forward a late request
            return
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
