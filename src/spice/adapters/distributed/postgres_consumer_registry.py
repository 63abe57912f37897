"""PostgreSQL consumer registry: checkpoints and processed event ids."""

from __future__ import annotations

from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.sql.consumer_registry import SCHEMA, TIMED, SQLConsumerRegistry


class PostgresConsumerRegistry(SQLConsumerRegistry):
    """Checkpoints, processed events and leases on `db`, a pool the caller owns and closes
    after this registry."""

    def __init__(self, db: PostgresDatabase) -> None:
        super().__init__(db, greatest="GREATEST", owns_db=False)
        with db.migration("consumers") as conn:
            conn.execute(SCHEMA)
            conn.execute(
                "ALTER TABLE processed_events ADD COLUMN IF NOT EXISTS processed_at "
                "DOUBLE PRECISION"
            )
            conn.execute(TIMED.format(now=self.clock()))
