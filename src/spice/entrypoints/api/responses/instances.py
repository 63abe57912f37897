"""Bodies of instances: an instance, a page, a check, its links, and its lineage
(timeline, replay, blame)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from spice.entrypoints.api.responses.common import Page, Versioned


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


class Links(BaseModel):
    """Links out of an instance and into it."""

    model_config = ConfigDict(extra="allow")
    outgoing: list[dict[str, Any]]
    incoming: list[dict[str, Any]]


class InstanceChange(BaseModel):
    """One change of an instance: the event, who made it, its command and commit, the
    branch it was written on, and the values it set."""

    model_config = ConfigDict(extra="allow")
    sequence_number: int
    event_type: str
    time: str
    actor: str
    branch: str
    commit: str | None


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


class BlameLine(BaseModel):
    """A current value, the change that set it, and its chain of causes."""

    model_config = ConfigDict(extra="allow")
    property: str
    value: Any
    commit: str | None
    actor: str
    time: str
    causes: list[dict[str, Any]]


class Blame(BaseModel):
    class_id: str
    instance_id: str
    branch: str
    blame: list[BlameLine]
