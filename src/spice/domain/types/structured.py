"""Values with parts: money, coordinates, addresses and references to stored files."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pycountry

from spice.domain.types.base import Problem, PropertyType, Spec, constraints, fail
from spice.domain.types.contact import uri
from spice.domain.types.scalars import decimal_text, parse_decimal

MONEY_TEXT = re.compile(
    r"^\s*(?:([A-Za-z]{3})\s*([-+]?[\d.,eE+-]+)|([-+]?[\d.,eE+-]+)\s*([A-Za-z]{3}))\s*$"
)


def currency_code(value: Any) -> str | None:
    return _currency(value.strip().upper()) if isinstance(value, str) else None


@lru_cache(maxsize=512)
def _currency(code: str) -> str | None:
    found = pycountry.currencies.get(alpha_3=code)
    return found.alpha_3 if found else None


def money(value: Any, spec: Spec) -> dict[str, str]:
    """{"amount": exact decimal string, "currency": ISO 4217}; also "12.50 USD"/"KRW 5000"."""
    if isinstance(value, str):
        match = MONEY_TEXT.match(value)
        if match is None:
            raise fail("money", "expected {amount, currency} or '12.50 USD'", value)
        code, amount = (match[1], match[2]) if match[1] else (match[4], match[3])
        value = {"amount": amount.replace(",", ""), "currency": code}
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        raise fail("money", "expected {amount, currency}", value)
    currency = currency_code(value["currency"])
    if currency is None:
        raise fail("money", "currency is not an ISO 4217 code", value)
    allowed = constraints(spec).get("currencies")
    if allowed and currency not in allowed:
        raise fail("money", f"currency must be one of {allowed}", value)
    amount = parse_decimal(value["amount"], "money")
    return {"amount": decimal_text(amount, "money"), "currency": currency}


def coordinate(value: Any, _: Spec) -> dict[str, float]:
    """{"lat", "lon"} in degrees (WGS 84); also "37.56,126.97"."""
    if isinstance(value, str) and value.count(",") == 1:
        lat_text, lon_text = value.split(",")
        value = {"lat": lat_text, "lon": lon_text}
    if isinstance(value, dict) and set(value) == {"lat", "lng"}:
        value = {"lat": value["lat"], "lon": value["lng"]}
    if not isinstance(value, dict) or set(value) != {"lat", "lon"}:
        raise fail("coordinate", "expected {lat, lon} or 'lat,lon'", value)
    try:
        lat, lon = (float(str(value[k]).strip()) for k in ("lat", "lon"))
    except ValueError:
        raise fail("coordinate", "lat and lon are numbers", value) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise fail("coordinate", "lat in [-90, 90], lon in [-180, 180]", value)
    return {"lat": lat + 0.0, "lon": lon + 0.0}


ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")


def country_code(value: Any) -> str | None:
    """ISO 3166-1 alpha-2 from an alpha-2, alpha-3 or English name."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _country(value.strip())


@lru_cache(maxsize=1024)
def _country(text: str) -> str | None:
    found = (
        pycountry.countries.get(alpha_2=text.upper())
        if len(text) == 2
        else pycountry.countries.get(alpha_3=text.upper())
        if len(text) == 3
        else pycountry.countries.get(name=text)
    )
    return found.alpha_2 if found else None


def address(value: Any, _: Spec) -> dict[str, str]:
    """A postal address: street, city, region, postal_code, country (ISO 3166 alpha-2)."""
    if not isinstance(value, dict) or not value or set(value) - set(ADDRESS_FIELDS):
        raise fail("address", f"expected an object with fields from {ADDRESS_FIELDS}", value)
    out: dict[str, str] = {}
    for key in ADDRESS_FIELDS:
        part = value.get(key)
        if part is None:
            continue
        if not isinstance(part, str) or not part.strip():
            raise fail("address", f"{key} is a non-empty string", value)
        out[key] = part.strip()
    if "country" in out:
        code = country_code(out["country"])
        if code is None:
            raise fail("address", "country is not an ISO 3166 country", value)
        out["country"] = code
    if not out:
        raise fail("address", "an address needs at least one field", value)
    return out


def _file(value: Any, type_name: str) -> dict[str, Any]:
    """A reference to a stored blob: {"uri", "content_type"?, "size"?, "sha256"?}."""
    if isinstance(value, str):
        value = {"uri": value}
    allowed = {"uri", "content_type", "size", "sha256", "name"}
    if not isinstance(value, dict) or "uri" not in value or set(value) - allowed:
        raise fail(type_name, "expected {uri, content_type?, size?, sha256?, name?}", value)
    try:
        out: dict[str, Any] = {"uri": uri(value["uri"], {})}
    except ValueError:
        raise fail(type_name, "uri is not an absolute URI", value) from None
    content_type = value.get("content_type")
    if content_type is not None:
        if not isinstance(content_type, str) or not re.fullmatch(
            r"[\w.+-]+/[\w.+-]+", content_type
        ):
            raise fail(type_name, "content_type is a MIME type", value)
        out["content_type"] = content_type.lower()
    size = value.get("size")
    if size is not None:
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise fail(type_name, "size is a byte count", value)
        out["size"] = size
    sha = value.get("sha256")
    if sha is not None:
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha):
            raise fail(type_name, "sha256 is 64 hex digits", value)
        out["sha256"] = sha.lower()
    if value.get("name") is not None:
        if not isinstance(value["name"], str):
            raise fail(type_name, "name is a string", value)
        out["name"] = value["name"]
    return out


def file(value: Any, _: Spec) -> dict[str, Any]:
    return _file(value, "file")


def image(value: Any, _: Spec) -> dict[str, Any]:
    out = _file(value, "image")
    if not out.get("content_type", "image/").startswith("image/"):
        raise fail("image", "content_type of an image is image/*", value)
    return out


def _money_params(spec: Spec) -> list[Problem]:
    allowed = constraints(spec).get("currencies")
    if allowed is None:
        return []
    if not isinstance(allowed, list) or not all(
        isinstance(c, str) and currency_code(c) == c for c in allowed
    ):
        return [Problem(".currencies", "invalid_currency", "ISO 4217 codes", allowed)]
    return []


TYPES = [
    PropertyType(
        "money",
        "Amount (exact) and ISO 4217 currency",
        money,
        {"amount": "12500", "currency": "KRW"},
        {"currencies": "allowed currency codes", "min": "smallest amount", "max": "largest amount"},
        check_params=_money_params,
        family="number",
    ),
    PropertyType(
        "coordinate", "Geographic point, WGS 84", coordinate, {"lat": 37.5665, "lon": 126.978}
    ),
    PropertyType(
        "address",
        "Postal address; country as ISO 3166 alpha-2",
        address,
        {"street": "Sejong-daero 110", "city": "Seoul", "postal_code": "04524", "country": "KR"},
    ),
    PropertyType(
        "file",
        "Reference to a stored file",
        file,
        {"uri": "s3://spice/blobs/report.pdf", "content_type": "application/pdf"},
    ),
    PropertyType(
        "image",
        "Reference to a stored image",
        image,
        {"uri": "s3://spice/blobs/logo.png", "content_type": "image/png"},
    ),
]
