"""Bodies of the ontology: classes, checks of a definition, relationships between
classes, and the property types."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

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


class ClassCheck(BaseModel):
    """A class definition as a create or update would store it, with its impact."""

    valid: bool
    exists: bool
    definition: OntologyClass
    impact: dict[str, Any] | None = None


class ClassImpact(BaseModel):
    """What a class change would do to existing instances."""

    definition: OntologyClass
    impact: dict[str, Any]


class Cycles(BaseModel):
    """Cycles among the relationships of classes."""

    cycles: list[dict[str, Any]]
    count: int
    truncated: bool


class ClassPaths(BaseModel):
    """Paths between classes over relationships."""

    paths: list[dict[str, Any]]
    count: int
    truncated: bool


class TypeList(BaseModel):
    """The property types with their parameters."""

    types: list[dict[str, Any]]
    count: int
