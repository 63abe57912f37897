"""The dataset decider: versions numbered in order, the same bytes twice add nothing, and
a version that does not describe a stored file is refused."""

from __future__ import annotations

from typing import Any

import pytest

from spice.domain.errors import NotFound, ValidationFailed
from spice.domain.events import DatasetVersionAdded
from tests.unit.deciders.support import Log, database, dataset_version, events_of


def test_versions_are_numbered_and_the_same_bytes_add_nothing() -> None:
    log = Log()
    log.given(database(), dataset_version())
    same = log.decide(dataset_version())
    assert same.changes == [] and same.result["version"] == 1 and same.result["unchanged"]
    (event,) = events_of(log.decide(dataset_version("cd" * 32)))
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
        log.decide(dataset_version(**changes))
    assert info.value.errors[0]["path"] == path


def test_a_dataset_needs_its_database() -> None:
    with pytest.raises(NotFound):
        Log().decide(dataset_version())
