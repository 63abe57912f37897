"""A PostgreSQL table or read-only query as a connector's source, read in a read-only
transaction. With a `watermark` column a sync reads only the rows past the last value seen
(inserts and updates; deletions need a full read); without one it reads every row, in a
stable order, and the content's hash says whether anything changed.

Rows become a JSON Lines file (a header-only CSV when there are none), so numbers, booleans
and nulls keep their types."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from spice.application.addresses import check_host
from spice.application.ports.sources import Reading, SourceFile, SourceReader
from spice.domain.errors import BadRequest, PayloadTooLarge

CONNECT_SECONDS = 10
# Connection parameters that would read files of this machine or reach hosts unchecked.
REFUSED_KEYS = ("service", "servicefile", "passfile", "sslkey", "sslcert", "sslrootcert", "sslcrl")
STATEMENT_MS = 300_000
FETCH = 5_000


def _words(exc: Exception) -> str:
    first = str(exc).strip().splitlines()
    return first[0][:300] if first else type(exc).__name__


class PostgresSource(SourceReader):
    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private

    def read(self, config: dict[str, Any], cursor: dict[str, Any], max_bytes: int) -> Reading:
        dsn = str(config["dsn"])
        try:
            params = conninfo_to_dict(dsn)
        except psycopg.ProgrammingError as exc:
            raise BadRequest(f"config.dsn is not a PostgreSQL DSN: {_words(exc)}") from None
        host = self._check_addresses(params)
        watermark = config.get("watermark")
        try:
            with psycopg.connect(
                dsn,
                password=config.get("password"),
                connect_timeout=CONNECT_SECONDS,
                options=f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_MS}",
            ) as conn:
                conn.read_only = True
                columns, rows = self._rows(conn, config, cursor, watermark)
        except psycopg.Error as exc:
            raise BadRequest(f"postgresql source: {_words(exc)}", {"source": host}) from None
        return self._reading(config, cursor, columns, rows, watermark, max_bytes)

    def _check_addresses(self, params: dict[str, Any]) -> str:
        """Every address the DSN connects to checked as URLs are (its `hostaddr`s, else
        its hosts; a socket path is this machine: refused unless private addresses are
        allowed); the first host."""
        for key in REFUSED_KEYS:
            if params.get(key):
                raise BadRequest(f"config.dsn may not set {key!r}", {"source": "postgresql"})
        hosts = [h for h in str(params.get("host") or "").split(",") if h]
        addresses = [a for a in str(params.get("hostaddr") or "").split(",") if a]
        ports = [p for p in str(params.get("port") or "").split(",") if p] or ["5432"]
        if not hosts and not addresses:
            raise BadRequest("config.dsn names no host", {"source": "postgresql"})
        # With `hostaddr` libpq connects there and only names the host (for TLS).
        for i, name in enumerate(addresses or hosts):
            port = int(ports[min(i, len(ports) - 1)]) if ports[0].isdigit() else 5432
            if name.startswith("/"):
                if not self.allow_private:
                    raise BadRequest("config.dsn names a local socket", {"source": name})
                continue
            check_host(name, port, self.allow_private, "postgresql")
        return (hosts or addresses)[0]

    def _rows(
        self,
        conn: psycopg.Connection[Any],
        config: dict[str, Any],
        cursor: dict[str, Any],
        watermark: str | None,
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        if config.get("table"):
            name = sql.Identifier(*[x for x in (config.get("schema"), config["table"]) if x])
            source: sql.Composable = sql.SQL("SELECT * FROM {}").format(name)
        else:
            source = sql.SQL(str(config["query"]).strip().rstrip(";"))
        args: list[Any] = []
        statement = sql.SQL("SELECT * FROM ({}) AS source").format(source)
        if watermark:
            column = sql.Identifier(watermark)
            if cursor.get("watermark") is not None:
                statement = sql.SQL("{} WHERE {} > %s").format(statement, column)
                args.append(cursor["watermark"])
            statement = sql.SQL("{} ORDER BY {}").format(statement, column)
        with conn.cursor(name="spice_source") as cur:
            cur.itersize = FETCH
            cur.execute(statement, args or None)  # no placeholders read in `%`
            rows = cur.fetchall()
            columns = [d.name for d in cur.description or []]
        return columns, rows

    def _reading(
        self,
        config: dict[str, Any],
        cursor: dict[str, Any],
        columns: list[str],
        rows: list[tuple[Any, ...]],
        watermark: str | None,
        max_bytes: int,
    ) -> Reading:
        lines = [orjson.dumps(dict(zip(columns, r, strict=True)), default=str) for r in rows]
        if watermark and not lines:
            return Reading([], cursor)
        if not watermark:
            lines.sort()  # a stable order: the same rows make the same bytes
        data = b"\n".join(lines) + b"\n" if lines else (",".join(columns) + "\n").encode()
        if len(data) > max_bytes:
            raise PayloadTooLarge(f"the source's rows are larger than {max_bytes} bytes")
        sha256 = hashlib.sha256(data).hexdigest()
        after: dict[str, Any] = {"sha256": sha256}
        if watermark:
            at = columns.index(watermark) if watermark in columns else None
            if at is None:
                raise BadRequest(f"the source has no column {watermark!r} (its watermark)")
            top = max((r[at] for r in rows if r[at] is not None), default=None)
            last = orjson.loads(orjson.dumps(top, default=str))
            after["watermark"] = last if last is not None else cursor.get("watermark")
        elif sha256 == cursor.get("sha256"):
            return Reading([], after)
        name = str(config.get("table") or "query")
        filename = f"{name}.jsonl" if lines else f"{name}.csv"
        described = f"postgresql:{name}"
        return Reading([SourceFile(filename, data, described, {"cursor": after})], after)
