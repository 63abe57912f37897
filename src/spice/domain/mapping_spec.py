"""A mapping as typed values: the classes it makes, and per source which dataset table
fills which class, the key, and the column (or columns) behind each property and link.

`mappings.parse_spec` checks what a client sends and answers the stored form (a JSON
object in `MappingSaved`); `MappingSpec.of` reads that form into these frozen values and
`canonical()` gives the same object back, key for key, so nothing in the log changes
shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldMap:
    """Where a property (or a link, with its `target` class) takes its value from: one
    column, or several joined by `separator` (a composite key), then each transform in
    turn (`{"op": "trim"}`, `{"op": "cast", "to": "integer"}`, ...)."""

    name: str
    columns: tuple[str, ...]
    transforms: tuple[dict[str, Any], ...]
    separator: str | None = None
    target: str | None = None

    @classmethod
    def of(cls, raw: Mapping[str, Any], name_key: str) -> FieldMap:
        return cls(
            name=raw[name_key],
            columns=tuple(raw["columns"]),
            transforms=tuple(dict(t) for t in raw.get("transforms") or ()),
            separator=raw.get("separator"),
            target=raw.get("target"),
        )

    def canonical(self, name_key: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            name_key: self.name,
            "columns": list(self.columns),
            "transforms": [dict(t) for t in self.transforms],
        }
        if self.separator is not None:
            out["separator"] = self.separator
        if self.target is not None:
            out["target"] = self.target
        return out


@dataclass(frozen=True)
class SourceMap:
    """One table of a dataset (its first when `table` is not named; its newest version
    unless `version` pins one) filling instances of `class_id`, identified by `key`."""

    dataset: str
    class_id: str
    key: tuple[str, ...]
    properties: tuple[FieldMap, ...]
    links: tuple[FieldMap, ...]
    version: int | None = None
    table: str | None = None

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> SourceMap:
        return cls(
            dataset=raw["dataset"],
            class_id=raw["class_id"],
            key=tuple(raw.get("key") or ()),
            properties=tuple(FieldMap.of(p, "property") for p in raw.get("properties") or ()),
            links=tuple(FieldMap.of(x, "predicate") for x in raw.get("links") or ()),
            version=raw.get("version"),
            table=raw.get("table"),
        )

    def canonical(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "class_id": self.class_id,
            "key": list(self.key),
            "properties": [p.canonical("property") for p in self.properties],
            "links": [x.canonical("predicate") for x in self.links],
        }
        if self.version is not None:
            out["version"] = self.version
        if self.table is not None:
            out["table"] = self.table
        return out

    @property
    def fields(self) -> tuple[FieldMap, ...]:
        """Its properties, then its links."""
        return self.properties + self.links


@dataclass(frozen=True)
class MappingSpec:
    """The classes a run creates first (as written: each is created as it was sent), then
    the sources it reads."""

    classes: tuple[dict[str, Any], ...]  # as a client would send each
    sources: tuple[SourceMap, ...]
    description: str | None = None

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> MappingSpec:
        return cls(
            classes=tuple(dict(c) for c in raw.get("classes") or ()),
            sources=tuple(SourceMap.of(s) for s in raw["sources"]),
            description=raw.get("description"),
        )

    def canonical(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "classes": [dict(c) for c in self.classes],
            "sources": [s.canonical() for s in self.sources],
        }
        if self.description is not None:
            out["description"] = self.description
        return out
