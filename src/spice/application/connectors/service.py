"""Connector definitions as clients see them (secrets masked) with their sync state, and a
definition made ready to be a command: its secrets sealed, its cron expression and its SQL
query checked."""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from spice.application.connectors.schedule import check_cron
from spice.application.connectors.secrets import Secrets
from spice.application.datasets.service import versioned
from spice.application.ports.event_store import EventStore
from spice.application.ports.sources import SyncState, SyncStates
from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import replay
from spice.domain.connectors import masked
from spice.domain.deciders.base import WriteModel
from spice.domain.errors import NotFound, ValidationFailed, field_error

MAX_CONNECTORS = 10_000
# What a read-only query may be made of: a SELECT (with CTEs, unions, subqueries).
READS = (exp.Select, exp.Union, exp.Intersect, exp.Except)
WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter)


def check_query(config: dict[str, Any]) -> None:
    """Refuse a PostgreSQL query that is not one statement that only reads."""
    query = config.get("query")
    if not isinstance(query, str):
        return
    try:
        statements = [s for s in sqlglot.parse(query, read="postgres") if s is not None]
    except (SqlglotError, RecursionError) as exc:
        message = str(exc).splitlines()[0]
        raise _bad_query(f"config.query cannot be read as SQL: {message}", query) from None
    if len(statements) != 1:
        raise _bad_query("config.query must be one statement", query)
    statement = statements[0]
    if not isinstance(statement, READS) or any(statement.find_all(*WRITES)):
        raise _bad_query("config.query must only read (a SELECT)", query)
    if any(statement.find_all(exp.Into, exp.Lock)):
        raise _bad_query("config.query must only read (no SELECT INTO, no FOR UPDATE)", query)


def _bad_query(message: str, query: str) -> ValidationFailed:
    return ValidationFailed(
        message, [field_error("config.query", "not_read_only", "one SELECT", query[:200])]
    )


class Connectors:
    def __init__(
        self, events: EventStore, model: WriteModel, states: SyncStates, secrets: Secrets
    ) -> None:
        self.events = events
        self.model = model
        self.states = states
        self.secrets = secrets

    def save_command(self, db: str, name: str, body: dict[str, Any]) -> c.SaveConnector:
        """The command that saves `body` (`kind`, `config`, `dataset`, `schedule`,
        `import`) as connector `name`'s next version."""
        kind = str(body["kind"])
        config = self.secrets.seal(kind, dict(body.get("config") or {}))
        if kind == "postgresql":
            check_query(config)
        check_cron(body.get("schedule"))
        return c.SaveConnector(
            database=db,
            name=name,
            kind=kind,
            config=config,
            dataset=body["dataset"],
            schedule=body.get("schedule"),
            then_import=body.get("import"),
        )

    def list(self, db: str) -> list[dict[str, Any]]:
        """Every live connector of a database: its latest definition and its state."""
        self.model.require_database(db)
        found = []
        states = {s.connector: s for s in self.states.all(db)}
        for item in versioned(self.events, names.connector_prefix(db), MAX_CONNECTORS):
            state = replay("", self.events.read_stream(names.connector_aggregate(db, item["name"])))
            if state.live:
                found.append(self._public(db, item["name"], state.body, states.get(item["name"])))
        return found

    def get(self, db: str, name: str) -> dict[str, Any]:
        self.model.require_database(db)
        names.check_name("connector", name, names.CONNECTOR_NAME, "name")
        state = replay("", self.events.read_stream(names.connector_aggregate(db, name)))
        if not state.live:
            raise NotFound(f"connector {name!r} not found in {db!r}", {"connector": name})
        return self._public(db, name, state.body, self.states.get(db, name))

    def _public(
        self, db: str, name: str, body: dict[str, Any], state: SyncState | None
    ) -> dict[str, Any]:
        latest = body["versions"][-1]
        return {
            "name": name,
            "database": db,
            "version": latest["version"],
            "kind": latest["kind"],
            "config": masked(latest["config"]),
            "dataset": latest["dataset"],
            "schedule": latest["schedule"],
            "import": latest["then_import"],
            "state": public_state(state or SyncState(db, name)),
        }


def public_state(state: SyncState) -> dict[str, Any]:
    """A sync state as answers show it (times as seconds since the epoch)."""
    return {
        "last_poll": state.last_poll,
        "last_change": state.last_change,
        "last_success": state.last_success,
        "last_failure": state.last_failure,
        "last_error": state.last_error,
        "failing_since": state.failing_since,
        "attempts": state.attempts,
        "next_run": state.next_run,
        "next_retry": state.next_retry,
        "cursor": state.cursor,
        "last_command": state.last_command,
        "history": state.history,
    }
