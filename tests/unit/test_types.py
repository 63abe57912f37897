"""Primitive types: normal forms, stability and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from spice.domain.types import NORMALISERS, TypeMismatch, canonical_type, normalise

VALID = [
    ("string", "hello", "hello"),
    ("string", "", ""),
    ("string", " spaced ", " spaced "),
    ("integer", 42, 42),
    ("integer", -7, -7),
    ("integer", 5.0, 5),
    ("integer", " 12 ", 12),
    ("integer", "-3", -3),
    ("decimal", "1.50", "1.5"),
    ("decimal", 2, "2"),
    ("decimal", 0.1, "0.1"),
    ("decimal", "100", "100"),
    ("decimal", "1e3", "1000"),
    ("decimal", " -0.250 ", "-0.25"),
    ("decimal", "0.000", "0"),
    ("decimal", "-0", "0"),
    ("decimal", "12345678901234567890.123456789", "12345678901234567890.123456789"),
    ("boolean", True, True),
    ("boolean", False, False),
    ("boolean", "true", True),
    ("boolean", " FALSE ", False),
    ("date", "2024-02-29", "2024-02-29"),
    ("date", " 2024-01-05 ", "2024-01-05"),
    ("datetime", "2024-01-05T10:00:00Z", "2024-01-05T10:00:00Z"),
    ("datetime", "2024-01-05T19:30:00+09:00", "2024-01-05T10:30:00Z"),
    ("datetime", "2024-01-05T10:00:00.250+00:00", "2024-01-05T10:00:00.250000Z"),
]

INVALID = [
    ("string", 1),
    ("string", None),
    ("string", ["a"]),
    ("integer", True),
    ("integer", 5.5),
    ("integer", "4.0"),
    ("integer", "abc"),
    ("integer", None),
    ("decimal", True),
    ("decimal", "abc"),
    ("decimal", "NaN"),
    ("decimal", "Infinity"),
    ("decimal", float("inf")),
    ("decimal", None),
    ("decimal", [1]),
    ("boolean", 1),
    ("boolean", 0),
    ("boolean", "yes"),
    ("boolean", None),
    ("date", "2023-02-29"),
    ("date", "2024-13-01"),
    ("date", "05/01/2024"),
    ("date", 20240105),
    ("datetime", "2024-01-05T10:00:00"),
    ("datetime", "2024-01-05"),
    ("datetime", "yesterday"),
    ("datetime", 1704448800),
]


@pytest.mark.parametrize(("type_name", "value", "expected"), VALID)
def test_valid_values_are_normalised(type_name: str, value: Any, expected: Any) -> None:
    result = normalise(type_name, value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(("type_name", "value", "expected"), VALID)
def test_normalising_twice_is_stable(type_name: str, value: Any, expected: Any) -> None:
    once = normalise(type_name, value)
    assert normalise(type_name, once) == once


@pytest.mark.parametrize(("type_name", "value"), INVALID)
def test_invalid_values_raise_type_mismatch(type_name: str, value: Any) -> None:
    with pytest.raises(TypeMismatch) as info:
        normalise(type_name, value)
    assert str(info.value)


def test_every_type_is_covered() -> None:
    assert {t for t, _, _ in VALID} == set(NORMALISERS)
    assert {t for t, _ in INVALID} == set(NORMALISERS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("string", "string"),
        ("xsd:integer", "integer"),
        ("int", "integer"),
        ("xsd:int", "integer"),
        ("bool", "boolean"),
        ("str", "string"),
        ("dateTime", "datetime"),
        ("xsd:dateTime", "datetime"),
        ("float", None),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_canonical_type(name: Any, expected: str | None) -> None:
    assert canonical_type(name) == expected
