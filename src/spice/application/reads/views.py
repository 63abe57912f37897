"""What the read side answers, typed: a document's version, an instance, a class, a
database or branch, a commit, and a page of any of them. `public()` gives the JSON shape the API
sends (the response models in `entrypoints/api/responses` document it field by field)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from spice.application.ports.commits import Commit
from spice.application.ports.documents import Document
from spice.domain.envelope import EventEnvelope
from spice.domain.ontology.model import OntologyClass


@dataclass(frozen=True)
class Version:
    """Where a document stands: its sequence number, who made and last changed it and
    when, when the read model stored it, and the log position of its last event."""

    sequence_number: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    indexed_at: str
    position: int | None

    @classmethod
    def of(cls, doc: Document) -> Version:
        meta = doc.body["_meta"]
        return cls(
            sequence_number=doc.seq,
            created_at=meta["created_at"],
            created_by=meta["created_by"],
            updated_at=meta["updated_at"],
            updated_by=meta["updated_by"],
            indexed_at=meta["indexed_at"],
            position=doc.position,
        )

    def public(self) -> dict[str, Any]:
        return {
            "sequence_number": self.sequence_number,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
            "indexed_at": self.indexed_at,
            "position": self.position,
        }


@dataclass(frozen=True)
class InstanceView:
    """An instance: its values (per its class, so a mapping), where it lives, the command
    and event that last changed it, and its version."""

    class_id: str
    instance_id: str
    database: str
    branch: str
    data: dict[str, Any]
    last_command_id: str
    last_event_id: str
    version: Version

    @classmethod
    def of(cls, doc: Document) -> InstanceView:
        meta, key = doc.body["_meta"], doc.key
        return cls(
            class_id=str(key.cls),
            instance_id=str(key.id),
            database=key.db,
            branch=str(key.branch),
            data=doc.body["data"],
            last_command_id=meta["last_command_id"],
            last_event_id=meta["last_event_id"],
            version=Version.of(doc),
        )

    @property
    def ref(self) -> str:
        """`Class/id`, as links name it."""
        return f"{self.class_id}/{self.instance_id}"

    def public(self) -> dict[str, Any]:
        return {
            "id": self.instance_id,
            "instance_id": self.instance_id,
            "class_id": self.class_id,
            "database": self.database,
            "branch": self.branch,
            "data": self.data,
            "last_command_id": self.last_command_id,
            "last_event_id": self.last_event_id,
            **self.version.public(),
        }


@dataclass(frozen=True)
class ClassView:
    """A class definition as stored on a branch, with its version."""

    definition: OntologyClass
    database: str
    branch: str
    version: Version

    @classmethod
    def of(cls, doc: Document, definition: OntologyClass | None = None) -> ClassView:
        """The view of a class document (`definition`: its body, parsed already)."""
        definition = definition or OntologyClass.of(doc.body["data"])
        return cls(definition, doc.key.db, str(doc.key.branch), Version.of(doc))

    def public(self) -> dict[str, Any]:
        return {
            **self.definition.canonical(),
            "database": self.database,
            "branch": self.branch,
            **self.version.public(),
        }


@dataclass(frozen=True)
class RecordView:
    """A database or a branch: what its events recorded (name, description, the branch it
    forked from, ...), with its version."""

    data: dict[str, Any]
    version: Version

    @classmethod
    def of(cls, doc: Document) -> RecordView:
        return cls(doc.body["data"], Version.of(doc))

    def public(self) -> dict[str, Any]:
        return {**self.data, **self.version.public()}


@dataclass(frozen=True)
class CommitView:
    """A commit with its parent (the commit before it on its branch); one commit read on
    its own carries the events it wrote (`written`, the first `MAX_EVENTS_SHOWN`)."""

    commit: Commit
    parent: str | None
    written: Sequence[EventEnvelope] | None = None
    written_truncated: bool = False

    def public(self) -> dict[str, Any]:
        commit = self.commit
        first = commit.position - commit.event_count
        out: dict[str, Any] = {
            "id": commit.command_id,
            "commit_id": commit.command_id,
            "parent": self.parent,
            "database": commit.db,
            "branch": commit.branch,
            "author": commit.actor,
            "time": commit.occurred_at,
            "message": commit.message,
            "command_type": commit.command_type,
            "position": commit.position,
            "events": {
                "count": commit.event_count,
                "first_position": first if commit.event_count else None,
                "last_position": commit.position - 1 if commit.event_count else None,
            },
            "classes": list(commit.classes),
        }
        if self.written is not None:
            out["written"] = [_written(e) for e in self.written]
            out["written_truncated"] = self.written_truncated
        return out


def _written(event: EventEnvelope) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "aggregate_id": event.aggregate_id,
        "sequence_number": event.sequence_number,
        "position": event.position,
        "data": event.data,
    }


class Presentable(Protocol):
    def public(self) -> dict[str, Any]: ...


View = TypeVar("View", bound=Presentable)


@dataclass(frozen=True)
class Page(Generic[View]):
    """Some of the items a read matched, and how many it matched in all."""

    items: list[View]
    total: int

    def public(self) -> list[dict[str, Any]]:
        return [item.public() for item in self.items]
