"""PostgreSQL consumer registry: checkpoints and processed event ids."""

from __future__ import annotations

from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.sql.consumer_registry import SCHEMA, SQLConsumerRegistry


class PostgresConsumerRegistry(SQLConsumerRegistry):
    def __init__(self, url: str) -> None:
        db = PostgresDatabase.shared(url)
        with db.migration("consumers") as conn:
            conn.execute(SCHEMA)
        super().__init__(db, greatest="GREATEST")
