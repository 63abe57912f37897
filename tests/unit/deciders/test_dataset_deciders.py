"""The dataset decider: versions numbered in order, the same bytes twice add nothing, and
a version that does not describe a stored file is refused."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from spice.domain import commands as c
from spice.domain.errors import NotFound, ValidationFailed
from spice.domain.events import DatasetVersionAdded
from tests.unit.deciders.support import Log, database, events_of


def _version(sha: str = "ab" * 32, **changes: Any) -> c.AddDatasetVersion:
    command = c.AddDatasetVersion(
        database="shop",
        name="orders",
        sha256=sha,
        blob_key=f"datasets/sha256/{sha}",
        filename="orders.csv",
        format="csv",
        size=10,
        source="upload:orders.csv",
        tables=[{"name": "orders", "columns": ["id"], "rows": 1}],
        detected={"encoding": "utf-8"},
    )
    return dataclasses.replace(command, **changes)


def test_versions_are_numbered_and_the_same_bytes_add_nothing() -> None:
    log = Log()
    log.given(database(), _version())
    same = log.decide(_version())
    assert same.changes == [] and same.result["version"] == 1 and same.result["unchanged"]
    (event,) = events_of(log.decide(_version("cd" * 32)))
    assert isinstance(event, DatasetVersionAdded) and event.version == 2


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"sha256": "xyz"}, "sha256"),
        ({"blob_key": "elsewhere"}, "blob_key"),
        ({"format": "pdf"}, "format"),
        ({"size": 0}, "size"),
        ({"tables": []}, "tables"),
        ({"tables": [{"name": "x"}]}, "tables"),
        ({"filename": ""}, "filename"),
        ({"name": "../x"}, "name"),
    ],
)
def test_a_version_that_does_not_describe_a_stored_file_is_refused(
    changes: dict[str, Any], path: str
) -> None:
    log = Log()
    log.given(database())
    with pytest.raises(ValidationFailed) as info:
        log.decide(_version(**changes))
    assert info.value.errors[0]["path"] == path


def test_a_dataset_needs_its_database() -> None:
    with pytest.raises(NotFound):
        Log().decide(_version())
