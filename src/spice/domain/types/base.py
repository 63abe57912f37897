"""What a property type is: a name, its parameters, and a normaliser that validates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A property spec in canonical form: {"type": ..., "constraints": {...}, ...}.
Spec = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """One reason a value is refused; `path` is relative to the value (`""`, `[2]`, `.city`)."""

    path: str
    code: str
    message: str
    value: Any


class TypeMismatch(ValueError):
    """A value does not belong to a type, or breaks a constraint; carries every problem."""

    def __init__(self, message: str, code: str = "invalid_value", value: Any = None) -> None:
        super().__init__(message)
        self.problems = [Problem("", code, message, value)]

    @classmethod
    def of(cls, problems: list[Problem]) -> TypeMismatch:
        error = cls(problems[0].message, problems[0].code, problems[0].value)
        error.problems = problems
        return error


@dataclass(frozen=True)
class PropertyType:
    """A type of the ontology: `normalise(value, spec)` returns the stored form or raises.

    Normalising a normal form returns it unchanged. `params` names what a property of this
    type may set under `constraints`, with a description (listed by GET /api/v1/types).
    """

    name: str
    description: str
    normalise: Callable[[Any, Spec], Any]
    example: Any
    params: dict[str, str] = field(default_factory=dict)
    # Checks the type's own parameters in a class definition; returns problems found.
    check_params: Callable[[Spec], list[Problem]] | None = None
    # Which generic constraints apply: "number" (min/max), "length" (min/max_length,
    # pattern), "items" (min/max_items, unique_items).
    family: str = "other"


def fail(type_name: str, message: str, value: Any = None) -> TypeMismatch:
    return TypeMismatch(message, f"invalid_{type_name}", value)


def constraints(spec: Spec) -> dict[str, Any]:
    value = spec.get("constraints")
    return value if isinstance(value, dict) else {}
