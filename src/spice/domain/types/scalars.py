"""Text, numbers, booleans, identifiers and free JSON."""

from __future__ import annotations

import math
import uuid
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from pydantic_extra_types.color import Color

from spice.domain.canonical import dumps, non_finite_path
from spice.domain.types.base import Problem, PropertyType, Spec, constraints, fail

INT64 = range(-(2**63), 2**63)
MAX_DECIMAL_DIGITS = 1000


def string(value: Any, _: Spec) -> str:
    if not isinstance(value, str):
        raise fail("string", "expected a string", value)
    if "\x00" in value:
        raise fail("string", "NUL characters are not allowed", value)
    return value


def text(value: Any, spec: Spec) -> str:
    try:
        return string(value, spec)
    except ValueError:
        raise fail("text", "expected a string", value) from None


def integer(value: Any, _: Spec) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and "_" not in value and len(value) <= 25:
        try:
            number = int(value.strip())
        except ValueError:
            number = None
    if number is None:
        raise fail("integer", "expected an integer", value)
    if number not in INT64:
        raise fail("integer", "integer out of the 64-bit range", value)
    return number


def parse_decimal(value: Any, type_name: str) -> Decimal:
    """A finite Decimal from a number or numeric string; no floats' binary noise kept."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise fail(type_name, "expected a decimal number", value)
    text_value = str(value).strip()
    if "_" in text_value or len(text_value) > 2 * MAX_DECIMAL_DIGITS:
        raise fail(type_name, "expected a decimal number", value)
    try:
        number = Decimal(text_value)
    except InvalidOperation:
        raise fail(type_name, "expected a decimal number", value) from None
    if not number.is_finite():
        raise fail(type_name, "expected a finite number", value)
    digits = len(number.as_tuple().digits)
    if digits > MAX_DECIMAL_DIGITS or abs(number.adjusted()) > MAX_DECIMAL_DIGITS:
        raise fail(type_name, f"number beyond {MAX_DECIMAL_DIGITS} digits", value)
    return number


def exact(number: Decimal) -> Decimal:
    """The number without trailing zeros, never rounded."""
    return number.normalize(Context(prec=max(28, len(number.as_tuple().digits))))


def decimal_text(number: Decimal, type_name: str = "decimal") -> str:
    """Plain notation, no trailing zeros, never rounded; at most MAX_DECIMAL_DIGITS digits,
    so that the text reads back as the same number."""
    if number == 0:
        return "0"
    text = format(exact(number), "f")
    if sum(ch.isdigit() for ch in text) > MAX_DECIMAL_DIGITS:
        raise fail(type_name, f"number beyond {MAX_DECIMAL_DIGITS} digits written out", str(number))
    return text


def decimal(value: Any, spec: Spec) -> str:
    number = parse_decimal(value, "decimal")
    scale = constraints(spec).get("scale")
    places = -int(exact(number).as_tuple().exponent) if number != 0 else 0
    if isinstance(scale, int) and places > scale:
        raise fail("decimal", f"more than {scale} decimal places", value)
    return decimal_text(number)


def float_(value: Any, _: Spec) -> float:
    if isinstance(value, bool):
        raise fail("float", "expected a number, got a boolean", value)
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise fail("float", "expected a number", value) from None
    if not math.isfinite(number):
        raise fail("float", "expected a finite number", value)
    return number + 0.0  # -0.0 -> 0.0


def boolean(value: Any, _: Spec) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise fail("boolean", "expected true or false", value)


def percentage(value: Any, _: Spec) -> str:
    """A percent value as an exact decimal string: "12.5%" and 12.5 both give "12.5"."""
    raw = value.strip().removesuffix("%").strip() if isinstance(value, str) else value
    return decimal_text(parse_decimal(raw, "percentage"), "percentage")


def uuid_(value: Any, _: Spec) -> str:
    if not isinstance(value, str):
        raise fail("uuid", "expected a UUID string", value)
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise fail("uuid", "expected a UUID", value) from None


def enum(value: Any, spec: Spec) -> Any:
    allowed = constraints(spec).get("values") or []
    if not any(type(a) is type(value) and a == value for a in allowed):
        raise fail("enum", f"expected one of {allowed}", value)
    return value


def json_(value: Any, _: Spec) -> Any:
    """Any JSON value JSON can hold exactly: no NaN or infinity, integers within 64 bits."""
    try:
        dumps(value)
    except TypeError:
        raise fail("json", "not storable as JSON (integers must fit in 64 bits)", value) from None
    if non_finite_path(value) is not None:
        raise fail("json", "NaN and Infinity are not JSON", value)
    return value


def color(value: Any, _: Spec) -> str:
    if not isinstance(value, str):
        raise fail("color", "expected a color (#rrggbb, rgb(), or a CSS name)", value)
    try:
        red, green, blue, *alpha = Color(value.strip()).as_rgb_tuple()
    except ValueError:
        raise fail("color", "expected a color (#rrggbb, rgb(), or a CSS name)", value) from None
    opacity = round(float(alpha[0]) * 255) if alpha else 255
    text = f"#{red:02x}{green:02x}{blue:02x}"
    # Opacity is kept in the 256 steps of #rrggbbaa, so the normal form reads back the same.
    return text if opacity == 255 else f"{text}{opacity:02x}"


def _scale_params(spec: Spec) -> list[Problem]:
    scale = constraints(spec).get("scale")
    if scale is None or (
        isinstance(scale, int) and not isinstance(scale, bool) and 0 <= scale <= 1000
    ):
        return []
    return [Problem(".scale", "invalid_constraint", "an integer from 0 to 1000", scale)]


def _enum_params(spec: Spec) -> list[Problem]:
    values = constraints(spec).get("values")
    if not isinstance(values, list) or not values:
        return [Problem(".values", "invalid_enum", "an enum needs a non-empty list", values)]
    distinct = len({(type(v), v) for v in values if isinstance(v, str | int)}) == len(values)
    if not distinct:
        return [Problem(".values", "invalid_enum", "distinct strings or integers", values)]
    return []


NUMBER_PARAMS = {"min": "smallest value allowed", "max": "largest value allowed"}
LENGTH_PARAMS = {
    "min_length": "fewest characters",
    "max_length": "most characters",
    "pattern": "regular expression the value must contain a match of",
}

TYPES = [
    PropertyType("string", "Text on one value", string, "Seoul", LENGTH_PARAMS, family="length"),
    PropertyType("text", "Long text", text, "A long note.", LENGTH_PARAMS, family="length"),
    PropertyType("integer", "Whole number, 64-bit", integer, 42, NUMBER_PARAMS, family="number"),
    PropertyType(
        "decimal",
        "Exact decimal number, stored as a string",
        decimal,
        "19.99",
        {**NUMBER_PARAMS, "scale": "most digits after the point"},
        check_params=_scale_params,
        family="number",
    ),
    PropertyType("float", "Binary floating point", float_, 3.14, NUMBER_PARAMS, family="number"),
    PropertyType("boolean", "true or false", boolean, True),
    PropertyType(
        "percentage",
        "Percent value, exact; '12.5%' is 12.5",
        percentage,
        "12.5",
        NUMBER_PARAMS,
        family="number",
    ),
    PropertyType(
        "uuid", "UUID, lower-case hyphenated", uuid_, "0b7e7f7c-3d0a-4c1e-9b7a-1f2e3d4c5b6a"
    ),
    PropertyType(
        "enum",
        "One of a fixed list of values",
        enum,
        "active",
        {"values": "the allowed values (required)"},
        check_params=_enum_params,
    ),
    PropertyType("json", "Any JSON value", json_, {"any": ["json"]}),
    PropertyType("color", "Color, as #rrggbb (or #rrggbbaa)", color, "#ff8800"),
]
