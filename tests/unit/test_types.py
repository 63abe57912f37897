"""Every property type: normal forms, stability and refusals, by example."""

from __future__ import annotations

from typing import Any

import pytest

from spice.domain.types import TYPES, TypeMismatch, canonical_type, describe, normalise

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
    ("text", "two\nlines", "two\nlines"),
    ("float", "2.5", 2.5),
    ("float", 3, 3.0),
    ("float", -0.0, 0.0),
    ("percentage", "12.50%", "12.5"),
    ("percentage", 7, "7"),
    ("uuid", "0B7E7F7C3D0A4C1E9B7A1F2E3D4C5B6A", "0b7e7f7c-3d0a-4c1e-9b7a-1f2e3d4c5b6a"),
    ("enum", "active", "active"),
    ("json", {"a": [1, None, "x"]}, {"a": [1, None, "x"]}),
    ("color", "red", "#ff0000"),
    ("color", "rgb(0, 128, 255)", "#0080ff"),
    ("color", "rgba(123, 50, 200, 0.9988)", "#7b32c8"),  # opacity rounds to full
    ("color", "rgba(123, 50, 200, 0.5)", "#7b32c880"),
    ("duration", "PT999999999H60M", "PT1000000000H"),
    ("duration", "P999999999W", "P6999999993D"),
    ("decimal", "1e998", "1" + "0" * 998),
    ("time", "09:30", "09:30:00"),
    ("time", "23:59:59.5+09:00", "23:59:59.500000+09:00"),
    ("time", "12:00:00+00:00", "12:00:00Z"),
    ("time", "12:00:00+00:00:30", "12:00:00+00:00:30"),  # not mistaken for UTC
    ("duration", "PT90M", "PT1H30M"),
    ("duration", "P2W", "P14D"),
    ("duration", "P1Y2M3DT4H5M6.5S", "P1Y2M3DT4H5M6.5S"),
    ("duration", "PT0S", "PT0S"),
    ("email", "Kim.Minsu@EXAMPLE.co.kr", "kim.minsu@example.co.kr"),
    ("phone", "010-1234-5678", "+821012345678"),
    ("phone", "+82 2-2100-2114", "+82221002114"),
    ("url", "HTTPS://Example.COM/a?b=1", "https://example.com/a?b=1"),
    ("uri", "urn:isbn:0451450523", "urn:isbn:0451450523"),
    ("ip", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
    ("ip", "192.0.2.1", "192.0.2.1"),
    ("money", "12,500 krw", {"amount": "12500", "currency": "KRW"}),
    ("money", {"amount": 19.90, "currency": "usd"}, {"amount": "19.9", "currency": "USD"}),
    ("coordinate", "37.5665, 126.978", {"lat": 37.5665, "lon": 126.978}),
    ("coordinate", {"lat": 0, "lng": -1}, {"lat": 0.0, "lon": -1.0}),
    ("address", {"city": " Seoul ", "country": "KOR"}, {"city": "Seoul", "country": "KR"}),
    ("file", "s3://bucket/a.pdf", {"uri": "s3://bucket/a.pdf"}),
    (
        "image",
        {"uri": "https://cdn.example.com/logo.png", "content_type": "IMAGE/PNG"},
        {"uri": "https://cdn.example.com/logo.png", "content_type": "image/png"},
    ),
    ("array", ["a", "b"], ["a", "b"]),
    ("object", {"sku": "A-1", "qty": "2"}, {"sku": "A-1", "qty": 2}),
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
    ("datetime", "0001-01-01T00:00:00+01:00"),
    ("text", 5),
    ("float", "NaN"),
    ("float", True),
    ("percentage", "ten%"),
    ("uuid", "not-a-uuid"),
    ("enum", "archived"),
    ("json", float("nan")),
    ("json", 2**70),
    ("color", "#ggg"),
    ("time", "25:00"),
    ("duration", "P"),
    ("duration", "PT999999999999H60M"),  # 13 digits once carried
    ("decimal", "1e1000"),  # 1001 digits written out
    ("url", "https://example.com/" + "é" * 1500),  # longer than allowed once encoded
    ("duration", "1 hour"),
    ("email", "kim.example.com"),
    ("phone", "12"),
    ("phone", "call me"),
    ("url", "example.com"),
    ("url", "ftp://example.com/file"),
    ("uri", "relative/path"),
    ("ip", "999.1.1.1"),
    ("money", {"amount": "1", "currency": "ZZZ"}),
    ("money", "twelve USD"),
    ("coordinate", {"lat": 91, "lon": 0}),
    ("address", {"city": "Seoul", "planet": "Earth"}),
    ("address", {"country": "Atlantis"}),
    ("file", {"name": "a.pdf"}),
    ("image", {"uri": "s3://b/a.pdf", "content_type": "application/pdf"}),
    ("array", "a,b"),
    ("object", {"colour": "red"}),
]

SPECS: dict[str, dict[str, Any]] = {
    "enum": {"values": ["active", "inactive"]},
    "object": {
        "properties": [
            {"name": "sku", "type": "string", "required": True},
            {"name": "qty", "type": "integer"},
        ]
    },
}


def spec(type_name: str) -> dict[str, Any]:
    return {"type": type_name, "constraints": SPECS.get(type_name, {})}


@pytest.mark.parametrize(("type_name", "value", "expected"), VALID)
def test_valid_values_are_normalised(type_name: str, value: Any, expected: Any) -> None:
    result = normalise(spec(type_name), value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(("type_name", "value", "expected"), VALID)
def test_normalising_twice_is_stable(type_name: str, value: Any, expected: Any) -> None:
    once = normalise(spec(type_name), value)
    assert normalise(spec(type_name), once) == once


@pytest.mark.parametrize(("type_name", "value"), INVALID)
def test_invalid_values_raise_type_mismatch(type_name: str, value: Any) -> None:
    with pytest.raises(TypeMismatch) as info:
        normalise(spec(type_name), value)
    assert str(info.value)
    assert info.value.problems[0].code in (f"invalid_{type_name}", "unknown_property")


THE_27 = {
    "string", "text", "integer", "decimal", "float", "boolean", "percentage", "uuid", "enum",
    "json", "color", "date", "datetime", "time", "duration", "email", "phone", "url", "uri",
    "ip", "money", "coordinate", "address", "file", "image", "array", "object",
}  # fmt: skip


def test_every_type_is_covered() -> None:
    assert set(TYPES) == THE_27  # the README's list
    assert {t for t, _, _ in VALID} == set(TYPES)
    assert {t for t, _ in INVALID} == set(TYPES)


def test_every_type_is_described_with_a_valid_example() -> None:
    listed = {t["name"]: t for t in describe()}
    assert set(listed) == set(TYPES)
    assert listed["phone"]["normal_form"] == "+821012345678"
    assert "default_region" in listed["phone"]["parameters"]
    assert {"min", "max", "enum"} <= set(listed["integer"]["parameters"])


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
        ("custom:email", "email"),
        ("geopoint", "coordinate"),
        ("float", "float"),
        ("nosuchtype", None),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_canonical_type(name: Any, expected: str | None) -> None:
    assert canonical_type(name) == expected
