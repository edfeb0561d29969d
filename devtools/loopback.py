"""A threaded HTTP server on 127.0.0.1: the base of the local stand-ins and proxies.

`with Subclass(...) as server:` serves on a free port at `server.url` until the block ends.
Subclasses set their own state first, then call `super().__init__()`, and give
`_handler_class()`, the BaseHTTPRequestHandler that answers.
"""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Self


class LoopbackServer:
    def __init__(self, port: int = 0) -> None:
        """`port` 0: a free one."""
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        # Handler threads wait on kept-alive client connections; closing must not wait for them.
        self._server.block_on_close = False

    def _handler_class(self) -> type:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
