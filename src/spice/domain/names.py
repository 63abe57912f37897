"""Identifier rules and aggregate ids (which embed database and branch)."""

from __future__ import annotations

import re

from spice.domain.errors import ValidationFailed, field_error

DATABASE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")
BRANCH_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,99}$")
CLASS_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
INSTANCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.~-]{0,254}$")

MAIN_BRANCH = "main"


def check_name(kind: str, value: object, pattern: re.Pattern[str], path: str | None = None) -> str:
    """Return `value` if it is a valid identifier of `kind`, else raise ValidationFailed."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValidationFailed(
            f"invalid {kind}: {value!r}",
            [
                field_error(
                    path or kind, "invalid_identifier", f"must match {pattern.pattern}", value
                )
            ],
        )
    return value


def database_aggregate(db: str) -> str:
    return f"db:{db}"


def branch_aggregate(db: str, branch: str) -> str:
    return f"branch:{db}:{branch}"


def class_aggregate(db: str, branch: str, class_id: str) -> str:
    return f"class:{db}:{branch}:{class_id}"


def instance_aggregate(db: str, branch: str, class_id: str, instance_id: str) -> str:
    return f"inst:{db}:{branch}:{class_id}:{instance_id}"


def command_aggregate(command_id: str) -> str:
    return f"cmd:{command_id}"
