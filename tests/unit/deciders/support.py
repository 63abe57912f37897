"""Deciders against the in-memory event store: `given` runs commands through the real
executor, `decide` asks a decider what a command would do now, without HTTP."""

from __future__ import annotations

import dataclasses
from typing import Any

from spice.adapters.memory.command_status import InMemoryCommandStatusStore
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.commands.executor import CommandExecutor
from spice.application.commands.ids import new_id
from spice.application.commands.tracking import CommandTracker
from spice.application.log.serialization import utc_now
from spice.domain import commands as c
from spice.domain.deciders import decide
from spice.domain.deciders.base import Decision, WriteModel
from spice.domain.events import DomainEvent, decode


class Log:
    """One log with a write model over it."""

    def __init__(self) -> None:
        self.store = InMemoryEventStore()
        self.model = WriteModel(self.store)
        self.executor = CommandExecutor(self.store, CommandTracker(InMemoryCommandStatusStore()))

    def given(self, *commands: c.Command) -> None:
        """Run each command to its end; each must complete."""
        for command in commands:
            issued = c.IssuedCommand(new_id(), command, "tester")
            (accepted,) = self.store.append([issued.to_envelope(utc_now())])
            status = self.executor.execute(accepted)
            assert status.status == "COMPLETED", status.error

    def decide(self, command: c.Command) -> Decision:
        return decide(self.model, command, new_id())

    def events(self, aggregate_id: str) -> list[DomainEvent]:
        return [decode(e) for e in self.store.read_stream(aggregate_id)]


def events_of(decision: Decision) -> list[DomainEvent]:
    return [change.event for change in decision.changes]


def database(name: str = "shop") -> c.CreateDatabase:
    return c.CreateDatabase(database=name, name=name)


def create_class(definition: dict[str, Any], db: str = "shop") -> c.CreateClass:
    return c.CreateClass(database=db, definition=definition)


CUSTOMER: dict[str, Any] = {
    "id": "Customer",
    "properties": [
        {"name": "customer_id", "type": "string", "primary_key": True},
        {"name": "name", "type": "string", "required": True},
        {"name": "email", "type": "email", "unique": True},
    ],
}
ORDER: dict[str, Any] = {
    "id": "Order",
    "properties": [
        {"name": "order_id", "type": "string", "primary_key": True},
        {"name": "amount", "type": "integer"},
    ],
    "relationships": [{"predicate": "placed_by", "target": "Customer", "cardinality": "n:1"}],
}


def dataset_version(sha: str = "ab" * 32, **changes: Any) -> c.AddDatasetVersion:
    """Version of dataset `orders` (a CSV with columns id, amount, customer) in `shop`."""
    command = c.AddDatasetVersion(
        database="shop",
        name="orders",
        sha256=sha,
        blob_key=f"datasets/sha256/{sha}",
        filename="orders.csv",
        format="csv",
        size=10,
        source="upload:orders.csv",
        tables=[{"name": "orders", "columns": ["id", "amount", "customer"], "rows": 3}],
        detected={"encoding": "utf-8"},
    )
    return dataclasses.replace(command, **changes)


def customer(cid: str, name: str = "Kim", **values: Any) -> c.CreateInstance:
    data = {"customer_id": cid, "name": name, **values}
    return c.CreateInstance(database="shop", class_id="Customer", data=data)
