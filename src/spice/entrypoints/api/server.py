"""How `spice serve` and `spice api` serve the app: uvicorn, with bounds on what one
client may hold (its request head, its connections, an idle keep-alive)."""

from __future__ import annotations

from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from spice.bootstrap.settings import Settings

# A request line and headers past this get 400 (plain text, before the app runs).
MAX_HEAD_BYTES = 64 * 1024
# An idle keep-alive connection is closed after this long (uvicorn's default, said here).
KEEP_ALIVE_SECONDS = 5
# WebSocket messages are small JSON objects (subscribe, ping): 64 KiB is plenty.
MAX_WS_MESSAGE_BYTES = 64 * 1024


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request head over `MAX_HEAD_BYTES` with 400,
    as its h11 protocol does past `h11_max_incomplete_event_size`: httptools alone buffers a
    header of any size (64 MiB was read whole and answered)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_head = True
        self._head_bytes = 0  # bytes received since the last head was complete

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            self._head_bytes += len(data)
        super().data_received(data)
        # Still in the head after all that: stop before it grows further.
        if self._reading_head and self._head_bytes > MAX_HEAD_BYTES:
            self._refuse_head()

    def on_headers_complete(self) -> None:
        self._reading_head = False
        # The head and part of the body may come in one read: count the head itself.
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > MAX_HEAD_BYTES:
            # Raised from a parser callback: uvicorn answers it as a bad request (400).
            raise ValueError(f"request head over {MAX_HEAD_BYTES} bytes")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._reading_head, self._head_bytes = True, 0
        super().on_message_complete()

    def _refuse_head(self) -> None:
        if not self.transport.is_closing():
            self.logger.warning("Request head over %d bytes refused.", MAX_HEAD_BYTES)
            self.send_400_response("Request headers too large.")


def run(app: Any, settings: Settings, host: str, port: int) -> None:
    """Serve `app` on `host:port` until stopped. The log is configured already (uvicorn's
    own lines go through it; the access lines are the request log's)."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        http=BoundedHttpToolsProtocol,
        log_config=None,
        access_log=False,
        ws_max_size=MAX_WS_MESSAGE_BYTES,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # Past it new requests get 503 instead of the process running out of descriptors.
        limit_concurrency=settings.max_connections,
    )
