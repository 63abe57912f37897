"""Commands: what a client asks for, stored in the log before anything else happens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spice.domain import events as ev
from spice.domain.events import EventEnvelope
from spice.domain.names import command_aggregate

CREATE_DATABASE = "CREATE_DATABASE"
DELETE_DATABASE = "DELETE_DATABASE"
CREATE_ONTOLOGY_CLASS = "CREATE_ONTOLOGY_CLASS"
UPDATE_ONTOLOGY_CLASS = "UPDATE_ONTOLOGY_CLASS"
DELETE_ONTOLOGY_CLASS = "DELETE_ONTOLOGY_CLASS"
CREATE_INSTANCE = "CREATE_INSTANCE"
BULK_CREATE_INSTANCES = "BULK_CREATE_INSTANCES"
UPDATE_INSTANCE = "UPDATE_INSTANCE"
DELETE_INSTANCE = "DELETE_INSTANCE"


@dataclass(frozen=True)
class Command:
    """One request to change the system, as stored in its `CommandAccepted` envelope."""

    command_id: str
    command_type: str
    database: str | None
    branch: str
    payload: dict[str, Any]
    actor: str
    expected_seq: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return {
            "command_type": self.command_type,
            "database": self.database,
            "branch": self.branch,
            "payload": self.payload,
            "expected_seq": self.expected_seq,
        }

    def to_envelope(self, occurred_at: str) -> EventEnvelope:
        return EventEnvelope(
            event_id=self.command_id,
            event_type=ev.COMMAND_ACCEPTED,
            aggregate_type=ev.COMMAND_AGGREGATE,
            aggregate_id=command_aggregate(self.command_id),
            sequence_number=1,
            occurred_at=occurred_at,
            actor=self.actor,
            data=self.data(),
            metadata={
                **self.metadata,
                "kind": ev.KIND_COMMAND,
                "command_id": self.command_id,
                "command_type": self.command_type,
                "database": self.database,
                "branch": self.branch,
            },
        )

    @classmethod
    def from_envelope(cls, envelope: EventEnvelope) -> Command:
        data = envelope.data
        meta = {
            k: v
            for k, v in envelope.metadata.items()
            if k not in ("kind", "command_id", "command_type", "database", "branch")
        }
        return cls(
            command_id=envelope.event_id,
            command_type=data["command_type"],
            database=data["database"],
            branch=data["branch"],
            payload=data["payload"],
            actor=envelope.actor,
            expected_seq=data["expected_seq"],
            metadata=meta,
        )
