"""Property-based tests of every type: valid values are accepted and normalise to a fixed
point; invalid values are refused with the type's own error code."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import phonenumbers
import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spice.domain.types import TYPES, TypeMismatch, normalise

ENUM_VALUES = ["gold", "silver", "bronze"]
OBJECT_FIELDS = [
    {"name": "sku", "type": "string", "required": True},
    {"name": "qty", "type": "integer", "constraints": {}},
]
SPECS: dict[str, dict[str, Any]] = {
    "enum": {"values": ENUM_VALUES},
    "array": {"items": {"type": "integer", "constraints": {}}},
    "object": {"properties": OBJECT_FIELDS},
}

labels = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)
domains = st.builds(lambda a, b: f"{a}.{b}", labels, st.sampled_from(["com", "kr", "org", "io"]))
finite_decimals = st.decimals(
    allow_nan=False, allow_infinity=False, places=6, min_value=-(10**12), max_value=10**12
)
currencies = st.sampled_from(sorted(c.alpha_3 for c in pycountry.currencies))
countries = st.sampled_from(sorted(c.alpha_2 for c in pycountry.countries))
regions = st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS - {"001"}))
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=10,
)


def _phone(region: str) -> str | None:
    number = phonenumbers.example_number(region)
    return (
        None
        if number is None
        else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    )


VALID: dict[str, st.SearchStrategy[Any]] = {
    "string": st.text().filter(lambda s: "\x00" not in s),
    "text": st.text().filter(lambda s: "\x00" not in s),
    "integer": st.integers(-(2**63), 2**63 - 1) | st.integers(-(10**9), 10**9).map(str),
    "decimal": finite_decimals.map(str) | st.integers(-(10**15), 10**15),
    "float": st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6),
    "boolean": st.booleans() | st.sampled_from(["true", "FALSE", " True "]),
    "percentage": finite_decimals.map(lambda d: f"{d}%"),
    "uuid": st.uuids().map(str) | st.uuids().map(lambda u: u.hex.upper()),
    "enum": st.sampled_from(ENUM_VALUES),
    "json": json_values,
    "color": st.tuples(*[st.integers(0, 255)] * 3).map(lambda c: "#{:02x}{:02x}{:02x}".format(*c))
    | st.tuples(*[st.integers(0, 255)] * 3).map(lambda c: "rgb({}, {}, {})".format(*c))
    | st.tuples(*[st.integers(0, 255)] * 3, st.floats(0, 1)).map(
        lambda c: "rgba({}, {}, {}, {:.4f})".format(*c)
    ),
    "date": st.dates().map(dt.date.isoformat),
    "datetime": st.datetimes(
        min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=offsets
    ).map(dt.datetime.isoformat),
    "time": st.times().map(dt.time.isoformat),
    "duration": st.tuples(*[st.integers(0, 10**11)] * 6).map(
        lambda p: "P{}Y{}M{}DT{}H{}M{}S".format(*p)
    ),
    "email": st.builds(lambda local, domain: f"{local}@{domain}", labels, domains),
    "phone": regions.map(_phone).filter(lambda p: p is not None),
    "url": st.builds(lambda d, p: f"https://{d}/{p}", domains, labels),
    "uri": st.builds(lambda n: f"urn:isbn:{n}", st.integers(10**9, 10**10))
    | st.builds(lambda d, k: f"s3://{d}/{k}", labels, labels),
    "ip": st.ip_addresses().map(str),
    "money": st.builds(
        lambda a, c: {"amount": str(a), "currency": c.lower()}, finite_decimals, currencies
    ),
    "coordinate": st.builds(
        lambda lat, lon: {"lat": lat, "lon": lon}, st.floats(-90, 90), st.floats(-180, 180)
    ),
    "address": st.fixed_dictionaries(
        {"city": labels}, optional={"street": labels, "postal_code": labels, "country": countries}
    ),
    "file": st.builds(
        lambda k: {"uri": f"s3://bucket/{k}", "content_type": "application/pdf", "size": 10}, labels
    ),
    "image": st.builds(
        lambda k: {"uri": f"s3://bucket/{k}.png", "content_type": "image/png"}, labels
    ),
    "array": st.lists(st.integers(-1000, 1000) | st.integers(0, 99).map(str), max_size=10),
    "object": st.fixed_dictionaries({"sku": labels}, optional={"qty": st.integers(0, 10**6)}),
}

letters = st.text(string.ascii_letters, min_size=1, max_size=10)
not_string = st.integers() | st.booleans() | st.lists(st.integers(), max_size=2)
INVALID: dict[str, st.SearchStrategy[Any]] = {
    "string": not_string,
    "text": not_string,
    "integer": letters
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())
    | st.just(True)
    | st.integers(2**63, 2**70),
    "decimal": letters.filter(lambda s: s.lower() not in ("e", "inf", "infinity", "nan", "snan"))
    | st.just(True)
    | st.just("NaN"),
    "float": letters.filter(lambda s: s.lower() not in ("inf", "infinity", "nan"))
    | st.just(True)
    | st.just(float("inf")),
    "boolean": st.integers() | letters.filter(lambda s: s.lower() not in ("true", "false")),
    "percentage": letters.map(lambda s: s + "%"),
    "uuid": letters | st.integers(),
    "enum": letters.filter(lambda s: s not in ENUM_VALUES) | st.integers(),
    "json": st.just(float("nan"))
    | st.integers(2**64, 2**80)
    | st.lists(st.just(float("inf")), min_size=1, max_size=2),
    "color": st.text("ghijklmnopqrstuvwxyz", min_size=7, max_size=9).map(lambda s: "#" + s)
    | st.integers(),
    "date": st.builds(lambda y, m: f"{y:04d}-{m:02d}-32", st.integers(1, 9999), st.integers(1, 12))
    | st.integers(),
    "datetime": st.datetimes().map(dt.datetime.isoformat) | st.integers(),  # naive: no timezone
    "time": st.builds(lambda h: f"{h}:00", st.integers(24, 99)) | st.integers(),
    "duration": letters.filter(lambda s: s.upper() != "P") | st.integers(),
    "email": letters | st.builds(lambda a, b: f"{a}@@{b}", labels, domains),
    "phone": st.text(string.digits, min_size=1, max_size=3)
    | letters.filter(lambda s: not s.isdigit()),
    "url": letters | st.builds(lambda d: f"ftp://{d}/x", domains),
    "uri": letters.map(lambda s: f"relative/{s}") | st.integers(),
    "ip": st.builds(lambda a: f"{a}.1.1.1", st.integers(256, 999)) | letters,
    "money": st.builds(lambda a: {"amount": str(a), "currency": "ZZZ"}, finite_decimals) | letters,
    "coordinate": st.builds(lambda lat: {"lat": lat, "lon": 0}, st.floats(90.001, 1e6)) | letters,
    "address": st.fixed_dictionaries({"planet": labels})
    | st.just({"country": "Atlantis"})
    | st.just({}),
    "file": st.fixed_dictionaries({"name": labels}) | st.integers(),
    "image": st.builds(lambda k: {"uri": f"s3://b/{k}", "content_type": "application/pdf"}, labels),
    "array": letters | st.lists(letters, min_size=1, max_size=3),
    "object": st.fixed_dictionaries({"colour": labels}) | st.just({"qty": 1}) | letters,
}


def spec(type_name: str) -> dict[str, Any]:
    return {"type": type_name, "constraints": SPECS.get(type_name, {})}


def test_every_type_has_both_strategies() -> None:
    assert set(VALID) == set(TYPES) == set(INVALID)


@pytest.mark.parametrize("type_name", sorted(VALID))
@given(data=st.data())
def test_valid_values_normalise_to_a_fixed_point(type_name: str, data: st.DataObject) -> None:
    value = data.draw(VALID[type_name])
    once = normalise(spec(type_name), value)
    assert normalise(spec(type_name), once) == once


@pytest.mark.parametrize("type_name", sorted(INVALID))
@given(data=st.data())
def test_invalid_values_are_refused_with_the_types_code(
    type_name: str, data: st.DataObject
) -> None:
    value = data.draw(INVALID[type_name])
    with pytest.raises(TypeMismatch) as info:
        normalise(spec(type_name), value)
    codes = {p.code for p in info.value.problems}
    assert codes and codes <= EXPECTED_CODES.get(type_name, {f"invalid_{type_name}"})


# Composite types report the problems of their parts with the parts' codes.
EXPECTED_CODES = {
    "array": {"invalid_array", "invalid_integer"},
    "object": {"invalid_object", "unknown_property", "required"},
}
