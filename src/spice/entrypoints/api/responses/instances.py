"""Bodies of instances: an instance, a page, a check, its links, and its lineage
(timeline, replay, blame)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from spice.entrypoints.api.responses.common import Page, Versioned, sometimes


class InstancePublic(Versioned):
    """An instance with its values under `data`."""

    id: str
    instance_id: str
    class_id: str
    database: str
    branch: str
    data: dict[str, Any]
    last_command_id: str
    last_event_id: str


class InstancePage(Page[InstancePublic]):
    """A page of instances (also under `instances`)."""

    instances: list[InstancePublic]


class InstanceCheck(BaseModel):
    """An instance as a create would store it."""

    valid: bool
    instance_id: str
    values: dict[str, Any]


class OutgoingLink(BaseModel):
    """A link out of an instance: the predicate and the `Class/id` it points to."""

    model_config = ConfigDict(extra="allow")
    predicate: str
    target: str


class IncomingLink(BaseModel):
    """A link into an instance, named by the relationship's inverse (or `^predicate`),
    `via` the source's predicate."""

    model_config = ConfigDict(extra="allow")
    predicate: str
    via: str
    source: str


class Links(BaseModel):
    """Links out of an instance and into it."""

    model_config = ConfigDict(extra="allow")
    outgoing: list[OutgoingLink]
    incoming: list[IncomingLink]


class InstanceChange(BaseModel):
    """One change of an instance: the event, who made it, its command and commit, the
    branch it was written on, and the values it set."""

    model_config = ConfigDict(extra="allow")
    sequence_number: int
    event_type: str
    event_id: str
    position: int
    time: str
    actor: str
    branch: str
    command_id: str | None
    commit: str | None
    command_type: str | None
    message: str | None
    reason: str | None
    source: str | None
    values: dict[str, Any] | None = sometimes("the values a create or restore set")
    changes: dict[str, Any] | None = sometimes("the values an update set")
    provenance: dict[str, Any] | None = sometimes("the dataset rows an import read")


class Timeline(Page[InstanceChange]):
    """An instance's changes, oldest first (also under `changes`)."""

    changes: list[InstanceChange]


class Replayed(BaseModel):
    """An instance's state rebuilt from the log, with `_metadata.command_history`."""

    model_config = ConfigDict(extra="allow")
    class_id: str
    instance_id: str
    sequence_number: int
    deleted: bool
    data: dict[str, Any]


class DatasetCell(BaseModel):
    """The dataset cell an imported value came from (`column`, or the columns joined)."""

    model_config = ConfigDict(extra="allow")
    dataset: str | None
    version: int | None
    sha256: str | None
    table: str | None
    row: int | None
    column: str | list[str]


class EventCause(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: Literal["event"]
    event_id: str
    event_type: str
    position: int


class SourceCause(DatasetCell):
    kind: Literal["source"]


class CommandCause(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: Literal["command"]
    command_id: str
    command_type: str | None
    actor: str
    accepted_at: str
    request_id: str | None
    reason: str | None
    source: str | None
    message: str | None


class CommitCause(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: Literal["commit"]
    commit: str | None
    branch: str
    inherited: bool = Field(description="written on a parent branch before the fork")


Cause = Annotated[
    EventCause | SourceCause | CommandCause | CommitCause, Field(discriminator="kind")
]


class BlameLine(BaseModel):
    """A current value, the change that set it, and its chain of causes."""

    model_config = ConfigDict(extra="allow")
    property: str
    value: Any
    sequence_number: int
    event_id: str
    command_id: str | None
    commit: str | None
    actor: str
    time: str
    branch: str
    message: str | None
    cell: DatasetCell | None = sometimes("the dataset cell, for an imported value")
    causes: list[Cause]


class Blame(BaseModel):
    """Each current value of an instance (or one property) with why it is there."""

    class_id: str
    instance_id: str
    branch: str
    blame: list[BlameLine]
