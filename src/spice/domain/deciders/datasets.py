"""Deciders of datasets: each upload is a version of a named dataset, pointing at the bytes
stored once in the blob store under their SHA-256."""

from __future__ import annotations

import re
from typing import Any

from spice.domain import names
from spice.domain.commands import AddDatasetVersion
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.events import DatasetVersionAdded

SHA256 = re.compile(r"^[0-9a-f]{64}$")
FORMATS = ("csv", "xlsx", "json", "jsonl")
MAX_TABLES = 1000


def _check(ok: bool, path: str, expected: str, value: Any) -> None:
    if not ok:
        raise ValidationFailed(
            f"invalid dataset version: {path}", [field_error(path, "type", expected, value)]
        )


def _check_version(command: AddDatasetVersion) -> None:
    """Refuse a version whose file is described wrongly: hash, blob key, format, size,
    tables, file name or source."""
    _check(
        isinstance(command.sha256, str) and bool(SHA256.fullmatch(command.sha256)),
        "sha256",
        "64 hex digits",
        command.sha256,
    )
    _check(
        isinstance(command.blob_key, str) and command.blob_key.endswith(str(command.sha256)),
        "blob_key",
        "the key of the blob of these bytes",
        command.blob_key,
    )
    _check(command.format in FORMATS, "format", " | ".join(FORMATS), command.format)
    _check(isinstance(command.size, int) and command.size > 0, "size", "bytes > 0", command.size)
    tables = command.tables
    _check(
        isinstance(tables, list)
        and 0 < len(tables) <= MAX_TABLES
        and all(isinstance(t, dict) and {"name", "columns", "rows"} <= set(t) for t in tables),
        "tables",
        "the tables read from the file",
        tables,
    )
    for path in ("filename", "source"):
        value = getattr(command, path)
        _check(isinstance(value, str) and 0 < len(value) <= 2000, path, "text", value)


def add_dataset_version(
    model: WriteModel, command: AddDatasetVersion, _command_id: str
) -> Decision:
    db = str(model.require_database(command.database).body["name"])
    name = names.check_name("dataset", command.name, names.DATASET_NAME, "name")
    _check_version(command)
    aggregate_id = names.dataset_aggregate(db, name)
    state = model.load(aggregate_id)
    versions = state.body.get("versions", []) if state.exists else []
    if versions and versions[-1]["sha256"] == command.sha256:
        latest = versions[-1]
        return Decision(
            [], {"database": db, "dataset": name, "version": latest["version"], "unchanged": True}
        )
    event = DatasetVersionAdded(
        db,
        name,
        len(versions) + 1,
        command.sha256,
        command.blob_key,
        command.filename,
        command.format,
        command.size,
        command.source,
        command.tables,
        dict(command.detected or {}),
    )
    return Decision(
        [Change(aggregate_id, state.seq + 1, event)],
        {
            "database": db,
            "dataset": name,
            "version": event.version,
            "sha256": event.sha256,
            "tables": command.tables,
            "unchanged": False,
        },
    )
