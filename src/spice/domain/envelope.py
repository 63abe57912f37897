"""The event envelope (DESIGN section 4): how every fact, command or event, is stored.

The envelope carries `data` as the stored dict; `spice.domain.events.decode` turns it into
the typed event (upcasting older shapes on the way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

KIND_COMMAND = "command"
KIND_EVENT = "event"


class AggregateType(StrEnum):
    """The kinds of stream in the log; the value is what the log stores."""

    DATABASE = "Database"
    BRANCH = "Branch"
    ONTOLOGY_CLASS = "OntologyClass"
    INSTANCE = "Instance"
    # A unique value (or the target of a 1:1 link) is held by one instance at a time: its
    # stream is the reservation, and OCC on it makes two claims in a race impossible.
    UNIQUE_VALUE = "UniqueValue"
    # An uploaded file (a dataset) and its versions, each stored whole in the blob store.
    DATASET = "Dataset"
    # How the columns of datasets become classes, properties and links, in versions.
    MAPPING = "Mapping"
    # A source that stays connected (a sheet, a file by URL, a table, a bucket), in versions.
    CONNECTOR = "Connector"
    # A proposal (pull request) to merge one branch into another, with its conversation.
    PROPOSAL = "Proposal"
    # A user of the system (name, password hash, whether an administrator), and an API key
    # of a user (its secret's hash; revoked is final).
    USER = "User"
    API_KEY = "ApiKey"
    # Commands are stored in the log as envelopes of this aggregate type.
    COMMAND = "Command"


@dataclass(frozen=True)
class EventEnvelope:
    """An immutable fact; `position`, `prev_hash` and `hash` are set by the store."""

    event_id: str
    event_type: str
    aggregate_type: str
    aggregate_id: str
    sequence_number: int
    occurred_at: str
    actor: str
    data: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    schema_version: int = 1
    position: int = 0
    prev_hash: str = ""
    hash: str = ""

    @property
    def kind(self) -> str:
        return str(self.metadata.get("kind", KIND_EVENT))

    @property
    def command_id(self) -> str | None:
        value = self.metadata.get("command_id")
        return str(value) if value else None

    def stored(self, position: int, prev_hash: str, hash_: str) -> EventEnvelope:
        # Built directly: dataclasses.replace costs twice as much on the append path.
        return EventEnvelope(
            self.event_id,
            self.event_type,
            self.aggregate_type,
            self.aggregate_id,
            self.sequence_number,
            self.occurred_at,
            self.actor,
            self.data,
            self.metadata,
            self.schema_version,
            position,
            prev_hash,
            hash_,
        )

    def same_fact(self, other: EventEnvelope) -> bool:
        """True when two envelopes describe the same event, ignoring store-set fields."""
        return (
            self.event_id == other.event_id
            and self.event_type == other.event_type
            and self.aggregate_id == other.aggregate_id
            and self.sequence_number == other.sequence_number
            and self.data == other.data
        )
