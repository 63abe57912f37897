"""Connectors' sync states on PostgreSQL."""

from __future__ import annotations

from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.sql.sync_states import SCHEMA, SQLSyncStates


class PostgresSyncStates(SQLSyncStates):
    """On `db`, a pool the caller owns and closes after this store."""

    def __init__(self, db: PostgresDatabase) -> None:
        super().__init__(db, owns_db=False)
        with db.migration("connector_sync_states") as conn:
            conn.execute(SCHEMA)
