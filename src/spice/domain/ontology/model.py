"""The ontology as typed values: a class definition, its properties and relationships.

`classes.parse_class` checks what a client sends and answers the canonical form that
events store (a JSON object); `OntologyClass.of` reads that form (or a stored one, after
the upcasters) into these frozen values, and `canonical()` gives the same object back, key
for key, so nothing in the log changes shape. Every field is always there (no defaults):
the canonical form has every key. The API's class bodies are these types, so
`/openapi.json` documents every field a client reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_args

# A plain string, or text per language: {"en": "Customer", "ko": "고객"}.
Label = str | dict[str, str] | None
Cardinality = Literal["1:1", "n:1", "1:n", "n:n"]
CARDINALITIES: tuple[Cardinality, ...] = get_args(Cardinality)
SINGLE_CARDINALITIES: frozenset[Cardinality] = frozenset({"1:1", "n:1"})  # one target at most


@dataclass(frozen=True)
class Property:
    """A typed property: one of the 27 types, with that type's parameters and constraints
    (`constraints`: for an array its `items`, for an object its `properties`, for an enum
    its `values`, bounds, patterns, currencies, ...), flags, a default and labels."""

    name: str
    type: str
    constraints: dict[str, Any]
    required: bool
    unique: bool
    primary_key: bool
    default: Any
    label: Label
    description: Label

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> Property:
        return cls(
            name=raw["name"],
            type=raw["type"],
            constraints=dict(raw.get("constraints") or {}),
            required=bool(raw.get("required", False)),
            unique=bool(raw.get("unique", False)),
            primary_key=bool(raw.get("primary_key", False)),
            default=raw.get("default"),
            label=raw.get("label"),
            description=raw.get("description"),
        )

    @cached_property
    def spec(self) -> dict[str, Any]:
        """Its type and constraints, as the type system reads a spec (nested specs, an
        array's items or an object's fields, are in that form too)."""
        return {"type": self.type, "constraints": self.constraints}

    def canonical(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "constraints": dict(self.constraints),
            "required": self.required,
            "unique": self.unique,
            "primary_key": self.primary_key,
            "default": self.default,
            "label": self.label,
            "description": self.description,
        }


@dataclass(frozen=True)
class Relationship:
    """A link to instances of `target`, named by `predicate`, with its cardinality
    (`n:1`: many of this class link to one target) and the predicate of its inverse."""

    predicate: str
    target: str
    cardinality: Cardinality
    required: bool
    inverse: str | None
    label: Label
    description: Label

    @property
    def single(self) -> bool:
        """Whether an instance links to at most one target."""
        return self.cardinality in SINGLE_CARDINALITIES

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> Relationship:
        return cls(
            predicate=raw["predicate"],
            target=raw["target"],
            cardinality=raw.get("cardinality", "n:1"),
            required=bool(raw.get("required", False)),
            inverse=raw.get("inverse"),
            label=raw.get("label"),
            description=raw.get("description"),
        )

    def canonical(self) -> dict[str, Any]:
        return {
            "predicate": self.predicate,
            "target": self.target,
            "cardinality": self.cardinality,
            "required": self.required,
            "inverse": self.inverse,
            "label": self.label,
            "description": self.description,
        }


@dataclass(frozen=True)
class OntologyClass:
    """A class definition: its own properties and relationships (a subclass inherits its
    parent's as well), the property that titles an instance, and free-form metadata."""

    id: str
    label: Label
    description: Label
    parent_class: str | None
    properties: tuple[Property, ...]
    relationships: tuple[Relationship, ...]
    title_key: str | None
    metadata: dict[str, Any]

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> OntologyClass:
        return cls(
            id=raw["id"],
            label=raw.get("label"),
            description=raw.get("description"),
            parent_class=raw.get("parent_class"),
            properties=tuple(Property.of(p) for p in raw.get("properties") or ()),
            relationships=tuple(Relationship.of(r) for r in raw.get("relationships") or ()),
            title_key=raw.get("title_key"),
            metadata=dict(raw.get("metadata") or {}),
        )

    def canonical(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "description": self.description,
            "parent_class": self.parent_class,
            "properties": [p.canonical() for p in self.properties],
            "relationships": [r.canonical() for r in self.relationships],
            "title_key": self.title_key,
            "metadata": dict(self.metadata),
        }

    @property
    def key(self) -> tuple[str, ...]:
        """The names of the properties that make an instance's key, in order."""
        return tuple(p.name for p in self.properties if p.primary_key)

    @property
    def field_names(self) -> tuple[str, ...]:
        """The names of its properties, then of its relationships."""
        return tuple(p.name for p in self.properties) + tuple(
            r.predicate for r in self.relationships
        )

    @cached_property
    def properties_by_name(self) -> dict[str, Property]:
        return {p.name: p for p in self.properties}

    @cached_property
    def relationships_by_predicate(self) -> dict[str, Relationship]:
        return {r.predicate: r for r in self.relationships}

    def property(self, name: str) -> Property | None:
        return self.properties_by_name.get(name)

    def relationship(self, predicate: str) -> Relationship | None:
        return self.relationships_by_predicate.get(predicate)

    def referenced_classes(self) -> set[str]:
        """The other classes it names: its relationships' targets and its parent."""
        targets = {r.target for r in self.relationships}
        if self.parent_class:
            targets.add(self.parent_class)
        targets.discard(self.id)
        return targets


@dataclass(frozen=True)
class EffectiveClass(OntologyClass):
    """A class as its instances see it: its properties and relationships after those of
    its ancestors (the farthest first), the ancestors themselves (the parent first), and
    for every field the class that declares it. What validates, keys and links an
    instance reads this."""

    own: OntologyClass
    ancestors: tuple[str, ...]
    declared_in: Mapping[str, str]

    @classmethod
    def of_chain(cls, chain: list[OntologyClass]) -> EffectiveClass:
        """The class `chain[0]` extended by `chain[1:]` (its parent, the parent's, ...)."""
        own = chain[0]
        declared_in: dict[str, str] = {}
        properties: list[Property] = []
        relationships: list[Relationship] = []
        for ancestor in reversed(chain):
            properties += ancestor.properties
            relationships += ancestor.relationships
            for name in ancestor.field_names:
                declared_in.setdefault(name, ancestor.id)  # the first declaration holds
        return cls(
            id=own.id,
            label=own.label,
            description=own.description,
            parent_class=own.parent_class,
            properties=tuple(properties),
            relationships=tuple(relationships),
            title_key=own.title_key,
            metadata=own.metadata,
            own=own,
            ancestors=tuple(c.id for c in chain[1:]),
            declared_in=declared_in,
        )

    def inherited_fields(self) -> set[str]:
        """The fields an ancestor declares."""
        return {name for name, owner in self.declared_in.items() if owner != self.id}
