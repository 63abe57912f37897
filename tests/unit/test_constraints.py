"""Constraints: each refuses what breaks it with its own code, and accepts the rest."""

from __future__ import annotations

from typing import Any

import pytest

from spice.domain.ontology.properties import parse_property
from spice.domain.types import TypeMismatch, normalise

CASES: list[tuple[dict[str, Any], Any, Any, str]] = [
    # property definition, a value that passes, one that fails, the failure's code
    ({"type": "integer", "min": 1, "max": 10}, 10, 11, "max"),
    ({"type": "integer", "min": 1}, "1", 0, "min"),
    ({"type": "decimal", "max": "9.99"}, "9.990", "10", "max"),
    ({"type": "decimal", "scale": 2}, "1.25", "1.255", "invalid_decimal"),
    ({"type": "float", "min": -1.5}, -1.5, -1.6, "min"),
    ({"type": "percentage", "max": 100}, "100%", "100.5%", "max"),
    ({"type": "money", "min": 0}, "0 KRW", "-1 KRW", "min"),
    ({"type": "date", "max": "2030-12-31"}, "2030-12-31", "2031-01-01", "max"),
    (
        {"type": "datetime", "min": "2026-01-01T09:00:00+09:00"},
        "2026-01-01T00:00:00Z",
        "2025-12-31T23:59:59Z",
        "min",
    ),
    ({"type": "string", "min_length": 2, "max_length": 3}, "abc", "abcd", "max_length"),
    ({"type": "string", "min_length": 2}, "ab", "a", "min_length"),
    ({"type": "string", "pattern": "^[A-Z]{2}-\\d+$"}, "KR-1", "kr-1", "pattern"),
    ({"type": "email", "max_length": 20}, "a@example.com", "long.name@example.com", "max_length"),
    ({"type": "string", "enum": ["a", "b"]}, "b", "c", "enum"),
    ({"type": "integer", "enum": [1, 2]}, "2", 3, "enum"),
    ({"type": "array", "items": "integer", "min_items": 1}, [1], [], "min_items"),
    ({"type": "array", "items": "integer", "max_items": 2}, [1, 2], [1, 2, 3], "max_items"),
    (
        {"type": "array", "items": "string", "unique_items": True},
        ["a", "b"],
        ["a", "a"],
        "unique_items",
    ),
    ({"type": "array", "items": {"type": "integer", "max": 5}}, [5], [6], "max"),
    ({"type": "money", "currencies": ["KRW"]}, "1 KRW", "1 USD", "invalid_money"),
    ({"type": "money", "currencies": ["EUR"], "min": 0}, "0 EUR", "-0.01 EUR", "min"),
    (
        {"type": "decimal", "scale": 2},
        "1.10",
        "1234567890123456789012345678.001",
        "invalid_decimal",
    ),
    # RE2: linear time, where a backtracking engine would not finish
    ({"type": "string", "pattern": "^(a+)+$"}, "aaaa", "a" * 10_000 + "!", "pattern"),
    ({"type": "ip", "version": 4}, "10.0.0.1", "::1", "invalid_ip"),
]


def prop(definition: dict[str, Any]) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    parsed = parse_property({"name": "p", **definition}, "p", errors)
    assert not errors and parsed is not None, errors
    return parsed


@pytest.mark.parametrize(("definition", "good", "bad", "code"), CASES)
def test_constraint(definition: dict[str, Any], good: Any, bad: Any, code: str) -> None:
    spec = prop(definition)
    normalise(spec, good)
    with pytest.raises(TypeMismatch) as info:
        normalise(spec, bad)
    assert code in {p.code for p in info.value.problems}


def test_nested_problems_carry_their_path() -> None:
    spec = prop(
        {
            "type": "array",
            "items": {"type": "object", "properties": [{"name": "n", "type": "integer", "min": 0}]},
        }
    )
    with pytest.raises(TypeMismatch) as info:
        normalise(spec, [{"n": 1}, {"n": -1}, {"m": 1}])
    assert [(p.path, p.code) for p in info.value.problems] == [
        ("[1].n", "min"),
        ("[2].m", "unknown_property"),
    ]


def test_defaults_are_normalised_when_the_class_is_defined() -> None:
    assert prop({"type": "phone", "default": "010-1234-5678"})["default"] == "+821012345678"
    errors: list[dict[str, Any]] = []
    parse_property({"name": "p", "type": "integer", "max": 3, "default": 4}, "p", errors)
    assert [(e["path"], e["code"]) for e in errors] == [("p.default", "max")]
