"""PostgreSQL connections: a pool per store, one schema, and the one place driver errors are
translated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from spice.domain.errors import Unavailable

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def split_schema(url: str) -> tuple[str, str]:
    """(connection URL, schema): the schema comes from a `schema=` query parameter, which
    PostgreSQL itself does not know (default `public`)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), "public")
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    if not SCHEMA_NAME.fullmatch(schema):
        raise ValueError(f"bad schema name {schema!r}: lower-case letters, digits and _")
    return urlunsplit(parts._replace(query=rest)), schema


class PostgresDatabase:
    """A connection pool whose connections use one schema (created when missing). Bootstrap
    makes one per URL and hands it to the stores that use that URL.

    Connections are in autocommit mode; `write()` and `read()` open a transaction. Losing the
    server (or waiting too long for a pooled connection) raises `Unavailable`.
    """

    mark = "%s"

    def __init__(self, url: str, max_size: int = 8, timeout: float = 30.0) -> None:
        self.url, self.schema = split_schema(url)
        self._timeout = timeout
        try:
            with psycopg.connect(self.url, connect_timeout=10) as conn, conn.transaction():
                # `IF NOT EXISTS` does not make concurrent creations safe: processes
                # starting at once on a new schema would fail on its unique name.
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self._lock(""),))
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(self._ident()))
        except psycopg.OperationalError as exc:
            raise Unavailable(f"PostgreSQL is not reachable: {exc}") from exc
        self._pool = ConnectionPool(
            self.url,
            min_size=1,
            max_size=max_size,
            kwargs={"autocommit": True},
            configure=self._configure,
            timeout=timeout,
            open=True,
            name=f"spice-{self.schema}",
        )

    def _lock(self, name: str) -> str:
        """The advisory lock key of creating `name` in this schema ("" for the schema)."""
        return f"{self.schema}.{name}"

    def _ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema)

    def _configure(self, conn: psycopg.Connection) -> None:
        conn.execute(sql.SQL("SET search_path TO {}").format(self._ident()))

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection in autocommit mode: each statement commits on its own."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise Unavailable(f"no PostgreSQL connection within {self._timeout}s") from exc
        except psycopg.OperationalError as exc:
            raise Unavailable(f"PostgreSQL failed: {exc}") from exc

    query = connection  # single statements

    @contextmanager
    def write(self) -> Iterator[psycopg.Connection]:
        """A transaction: commits on success, rolls back on error.

        It runs in pipeline mode: statements whose results are not read yet travel together,
        so a transaction costs a round trip per result it waits for, not per statement.
        Errors surface where a result is read or at the commit."""
        with self.connection() as conn, conn.pipeline(), conn.transaction():
            yield conn

    @contextmanager
    def read(self) -> Iterator[psycopg.Connection]:
        """A consistent snapshot for several reads."""
        with self.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield conn

    @contextmanager
    def migration(self, name: str) -> Iterator[psycopg.Connection]:
        """A transaction holding an advisory lock, so that processes starting at the same
        time do not create the same tables at once."""
        with self.connection() as conn, conn.transaction():  # no pipeline: DDL scripts
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self._lock(name),))
            yield conn

    def drop_schema(self) -> None:
        """Drop the schema and everything in it (tests use a schema each)."""
        with self.connection() as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(self._ident()))

    def close(self) -> None:
        self._pool.close()
