"""Bodies of the ontology: classes, checks of a definition, relationships between
classes, and the property types."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from spice.domain.ontology.model import Label, OntologyClass, Property, Relationship
from spice.entrypoints.api.responses.common import Page, Versioned


class ClassPublic(Versioned):
    """A class definition in its canonical form (`domain.ontology.model.OntologyClass`)."""

    id: str
    label: Label
    description: Label
    parent_class: str | None
    properties: list[Property]
    relationships: list[Relationship]
    title_key: str | None = None
    metadata: dict[str, Any] = {}
    database: str
    branch: str


class ClassPage(Page[ClassPublic]):
    """A page of classes (also under `classes` and the seed-era `ontologies`)."""

    classes: list[ClassPublic]
    ontologies: list[ClassPublic]


class FieldError(BaseModel):
    """One entry of an error's `details.errors`: where, what, and the value refused."""

    model_config = ConfigDict(extra="allow")
    path: str
    code: str
    message: str
    value: Any


class Violation(BaseModel):
    """An existing instance (`Class/id`) a class change would break, and how."""

    model_config = ConfigDict(extra="allow")
    instance: str
    errors: list[FieldError]


class Renamed(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    from_: str = Field(alias="from")
    to: str


class SchemaChanges(BaseModel):
    """The properties and relationships a class change adds, removes, renames, changes."""

    model_config = ConfigDict(extra="allow")
    added: list[str]
    removed: list[str]
    renamed: list[Renamed]
    changed: list[str]


class Impact(BaseModel):
    """What a class change would do to existing instances: how many are checked, how many
    a migration would change, and a page of those that would violate it."""

    model_config = ConfigDict(extra="allow")
    checked: int
    would_migrate: int
    schema_changes: SchemaChanges
    violations: Page[Violation]


class ClassCheck(BaseModel):
    """A class definition as a create or update would store it, with its impact."""

    valid: bool
    exists: bool
    definition: OntologyClass
    impact: Impact | None = Field(default=None, description="None when the class is new")


class ClassImpact(BaseModel):
    """What a class change would do to existing instances."""

    definition: OntologyClass
    impact: Impact


class Cycle(BaseModel):
    """Classes linked in a ring: `classes` ends where it starts, `predicates[i]` links
    `classes[i]` to the next. All links required means its instances must be created
    together."""

    classes: list[str]
    predicates: list[str]
    all_required: bool
    length: int


class Cycles(BaseModel):
    """Cycles among the relationships of classes."""

    cycles: list[Cycle]
    count: int
    truncated: bool


class PathStep(BaseModel):
    """One relationship on a path: walked `out` (from source to target) or `in` (from
    target to source, by its inverse)."""

    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    predicate: str
    to: str
    direction: Literal["out", "in"]


class ClassPath(BaseModel):
    """The classes a path passes through, and its steps."""

    classes: list[str]
    steps: list[PathStep]
    length: int


class ClassPaths(BaseModel):
    """Paths between classes over relationships."""

    paths: list[ClassPath]
    count: int
    truncated: bool


class TypeInfo(BaseModel):
    """A property type: its parameters (with what each means), an example value and the
    example's normal form."""

    model_config = ConfigDict(extra="allow")
    name: str
    description: str
    parameters: dict[str, str]
    example: Any
    normal_form: Any


class TypeList(BaseModel):
    """The property types with their parameters."""

    types: list[TypeInfo]
    count: int
