"""Leadership by a PostgreSQL session advisory lock: the process whose session holds the
lock leads; when its session ends (the process dies, the connection drops) the server
releases the lock and another process takes it at its next round."""

from __future__ import annotations

import contextlib
import logging
import threading

import psycopg

from spice.application.ports.sources import Leadership

log = logging.getLogger(__name__)


class PostgresLeadership(Leadership):
    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._lock = threading.Lock()

    def lead(self) -> bool:
        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
                    row = self._conn.execute(
                        "SELECT pg_try_advisory_lock(hashtext(%s))", (self.name,)
                    ).fetchone()
                    if not (row and row[0]):
                        self._drop()
                        return False
                    log.info("leading %s", self.name)
                    return True
                self._conn.execute("SELECT 1")  # still the same session: still the lock's
                return True
            except psycopg.Error as exc:
                log.warning("leadership of %s lost: %s", self.name, exc)
                self._drop()
                return False

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        with self._lock:
            self._drop()
