"""Bodies of history: commits, diffs between refs, and merge bases."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from spice.domain.ontology.model import OntologyClass, Property, Relationship
from spice.entrypoints.api.responses.common import Page


class CommitEvents(BaseModel):
    """Where a commit's events are in the log."""

    count: int
    first_position: int | None
    last_position: int | None


class CommitPublic(BaseModel):
    """A commit: a completed command, with who made it, when, why, and what it wrote."""

    model_config = ConfigDict(extra="allow")
    id: str
    commit_id: str
    parent: str | None
    database: str
    branch: str
    author: str
    time: str
    message: str | None
    command_type: str
    position: int
    events: CommitEvents
    classes: list[str]


class CommitPage(Page[CommitPublic]):
    """A page of commits, newest first (also under `commits`)."""

    commits: list[CommitPublic]


class DiffCounts(BaseModel):
    added: int
    removed: int
    changed: int


class ValueChange(BaseModel):
    """A key whose value differs, with both values (None when absent on that side)."""

    model_config = ConfigDict(extra="allow")
    property: str
    old: Any
    new: Any


class PropertyChanged(BaseModel):
    """A property in both refs that differs, key by key of its definition."""

    name: str
    changes: list[ValueChange]


class PropertyChanges(BaseModel):
    """Properties added and removed (their definitions), and changed."""

    added: list[Property]
    removed: list[Property]
    changed: list[PropertyChanged]


class RelationshipChanged(BaseModel):
    """A relationship in both refs that differs, key by key of its definition."""

    predicate: str
    changes: list[ValueChange]


class RelationshipChanges(BaseModel):
    """Relationships added and removed (their definitions), and changed."""

    added: list[Relationship]
    removed: list[Relationship]
    changed: list[RelationshipChanged]


class ClassChange(BaseModel):
    """A class in both refs that differs: its own keys, its properties and relationships."""

    class_id: str
    changes: list[ValueChange]
    properties: PropertyChanges
    relationships: RelationshipChanges


class SchemaDiff(BaseModel):
    """Classes added and removed (their definitions), and changed (what changed)."""

    counts: DiffCounts
    added: list[OntologyClass]
    removed: list[OntologyClass]
    changed: list[ClassChange]


class InstanceChanged(BaseModel):
    """An instance in both refs whose values differ."""

    model_config = ConfigDict(extra="allow")
    class_id: str
    instance_id: str
    change: Literal["changed"]
    properties: list[ValueChange]
    old_sequence: int
    new_sequence: int


class InstanceAdded(BaseModel):
    """An instance only the `to` ref has, with its values."""

    model_config = ConfigDict(extra="allow")
    class_id: str
    instance_id: str
    change: Literal["added"]
    values: dict[str, Any]
    new_sequence: int


class InstanceRemoved(BaseModel):
    """An instance only the `from` ref has, with its values."""

    model_config = ConfigDict(extra="allow")
    class_id: str
    instance_id: str
    change: Literal["removed"]
    values: dict[str, Any]
    old_sequence: int


DiffItem = Annotated[
    InstanceChanged | InstanceAdded | InstanceRemoved, Field(discriminator="change")
]


class DataDiff(BaseModel):
    """Instances added, removed and changed, counted, then a page of them by (class, id)."""

    counts: DiffCounts
    total: int
    items: list[DiffItem]
    offset: int
    limit: int
    next_offset: int | None


class DiffEnd(BaseModel):
    """One side of a diff: the ref asked for, and the branch and log position it names
    (None: the branch's head)."""

    model_config = ConfigDict(extra="allow")
    ref: str
    branch: str
    position: int | None


class Diff(BaseModel):
    """What changed from one ref (`from`) to another (`to`)."""

    model_config = ConfigDict(populate_by_name=True)
    from_: DiffEnd = Field(alias="from")
    to: DiffEnd
    schema_: SchemaDiff = Field(alias="schema")
    data: DataDiff


class MergeBase(BaseModel):
    """The newest commit two refs both see (None when they share none)."""

    a: str
    b: str
    merge_base: CommitPublic | None
