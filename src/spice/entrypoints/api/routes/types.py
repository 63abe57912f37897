"""The property types the ontology offers: /api/v1/types."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from spice.domain.errors import NotFound
from spice.domain.types import describe
from spice.entrypoints.api.responses import ERRORS, Envelope, TypeInfo, TypeList
from spice.entrypoints.api.rules import OPEN, needs
from spice.entrypoints.api.schemas import success

router = APIRouter(prefix="/api/v1/types", tags=["types"], responses=ERRORS)


@router.get("", response_model=Envelope[TypeList])
@needs(OPEN)
def list_types() -> dict[str, Any]:
    """Every type with its parameters and constraints, an example and its normal form."""
    types = describe()
    return success({"types": types, "count": len(types)})


@router.get("/{name}", response_model=Envelope[TypeInfo])
@needs(OPEN)
def get_type(name: str) -> dict[str, Any]:
    """One type with its parameters, an example and the example's normal form."""
    for described in describe():
        if described["name"] == name:
            return success(described)
    raise NotFound(f"type {name!r} not found", {"type": name})
