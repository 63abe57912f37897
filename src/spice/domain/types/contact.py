"""Addresses people and machines are reached at: email, phone, URL/URI, IP."""

from __future__ import annotations

import ipaddress
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import AnyHttpUrl, AnyUrl, TypeAdapter, ValidationError

from spice.domain.types.base import Problem, PropertyType, Spec, constraints, fail

DEFAULT_REGION = "KR"


def email(value: Any, _: Spec) -> str:
    """RFC 5322 address as email-validator normalises it (IDNA, Unicode NFC), lower-cased
    whole: mailboxes are case-insensitive in practice, and unique emails must match so."""
    if not isinstance(value, str) or len(value) > 320:
        raise fail("email", "expected an email address", value)
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise fail("email", f"not a valid email address: {exc}", value) from None


def phone(value: Any, spec: Spec) -> str:
    """E.164; numbers without a country code are read in the property's default region."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > 64:
        raise fail("phone", "expected a phone number", value)
    region = constraints(spec).get("default_region", DEFAULT_REGION)
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise fail("phone", f"not a phone number: {exc}", value) from None
    if not phonenumbers.is_valid_number(number):
        raise fail("phone", "not a valid phone number", value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _region_params(spec: Spec) -> list[Problem]:
    region = constraints(spec).get("default_region", DEFAULT_REGION)
    if not isinstance(region, str) or region not in phonenumbers.SUPPORTED_REGIONS:
        return [Problem(".default_region", "invalid_region", "an ISO 3166 region", region)]
    return []


_HTTP_URL: TypeAdapter[AnyHttpUrl] = TypeAdapter(AnyHttpUrl)
_ANY_URI: TypeAdapter[AnyUrl] = TypeAdapter(AnyUrl)


MAX_URL = 8192


def _url(adapter: TypeAdapter[Any], type_name: str, value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_URL:
        raise fail(type_name, "expected an absolute URL", value)
    try:
        text = str(adapter.validate_python(value.strip()))
    except ValidationError:
        raise fail(type_name, "not a valid absolute URL", value) from None
    if len(text) > MAX_URL:  # percent-encoding may lengthen it past what reads back
        raise fail(type_name, f"longer than {MAX_URL} characters once encoded", value)
    return text


def url(value: Any, _: Spec) -> str:
    """An http(s) URL, normalised (lower-case scheme and host, IDNA, path at least /)."""
    return _url(_HTTP_URL, "url", value)


def uri(value: Any, _: Spec) -> str:
    """An absolute URI of any scheme (RFC 3986), normalised like `url`."""
    return _url(_ANY_URI, "uri", value)


def ip(value: Any, spec: Spec) -> str:
    """IPv4 or IPv6 in its compressed form; `version` 4 or 6 restricts it."""
    if not isinstance(value, str):
        raise fail("ip", "expected an IP address", value)
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise fail("ip", "not an IP address", value) from None
    version = constraints(spec).get("version")
    if version in (4, 6) and address.version != version:
        raise fail("ip", f"expected an IPv{version} address", value)
    return address.compressed


def _version_params(spec: Spec) -> list[Problem]:
    version = constraints(spec).get("version")
    if version is None or (version in (4, 6) and not isinstance(version, bool)):
        return []
    return [Problem(".version", "invalid_constraint", "4 or 6", version)]


TYPES = [
    PropertyType(
        "email",
        "Email address (RFC 5322), normalised",
        email,
        "kim@example.com",
        {"max_length": "most characters", "pattern": "regular expression"},
        family="length",
    ),
    PropertyType(
        "phone",
        "Phone number, stored as E.164",
        phone,
        "+821012345678",
        {"default_region": f"region for numbers without +country (default {DEFAULT_REGION})"},
        check_params=_region_params,
    ),
    PropertyType(
        "url",
        "http or https URL",
        url,
        "https://example.com/",
        {"max_length": "most characters", "pattern": "regular expression"},
        family="length",
    ),
    PropertyType(
        "uri",
        "Absolute URI of any scheme",
        uri,
        "urn:isbn:0451450523",
        {"max_length": "most characters", "pattern": "regular expression"},
        family="length",
    ),
    PropertyType(
        "ip",
        "IPv4 or IPv6 address",
        ip,
        "192.0.2.1",
        {"version": "4 or 6"},
        check_params=_version_params,
    ),
]
