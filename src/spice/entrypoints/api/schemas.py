"""Request bodies (shape only; the domain checks the rules and reports each field)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class DatabaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=63)
    description: str | None = Field(default=None, max_length=10_000)


class ClassDefinition(BaseModel):
    """An ontology class; see the type list for property types."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=100)
    label: Any = None  # a string or {language: text}; checked with the rest of the class
    description: Any = None
    parent_class: Any = None
    properties: list[dict[str, Any]] = Field(default_factory=list)
    relationships: list[dict[str, Any]] = Field(default_factory=list)


class InstanceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    data: dict[str, Any]
    instance_id: str | None = Field(default=None, max_length=255)


class InstanceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    data: dict[str, Any]


class BulkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instances: list[dict[str, Any]] = Field(min_length=1, max_length=100_000)


def page(items: list[Any], total: int, offset: int, limit: int) -> dict[str, Any]:
    next_offset = offset + len(items) if offset + len(items) < total else None
    return {
        "items": items,
        "count": len(items),
        "total": total,
        "offset": offset,
        "limit": limit,
        "next_offset": next_offset,
    }


def success(data: Any, message: str = "OK") -> dict[str, Any]:
    return {"status": "success", "message": message, "data": data}
