"""Deciders of onboarding: mappings saved in versions and checked against the datasets,
import runs checked against their mapping, and rows created once each, with the cells
their values came from, refused per row (reported with `allow_partial`)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from spice.domain import commands as c
from spice.domain.errors import Conflict, NotFound, ValidationFailed
from spice.domain.events import InstanceCreated, MappingSaved
from tests.unit.deciders.support import (
    CUSTOMER,
    ORDER,
    Log,
    create_class,
    customer,
    database,
    dataset_version,
    events_of,
)

SOURCE = {"dataset": "orders", "version": 1, "sha256": "ab" * 32, "table": "orders"}
SPEC: dict[str, Any] = {
    "sources": [
        {
            "dataset": "orders",
            "class_id": "Order",
            "key": ["order_id"],
            "properties": [{"property": "order_id", "column": "id"}],
        }
    ]
}


@pytest.fixture
def log() -> Log:
    log = Log()
    log.given(
        database(), create_class(CUSTOMER), create_class(ORDER), dataset_version(), customer("c1")
    )
    return log


def _rows(*rows: dict[str, Any], **changes: Any) -> c.ImportRows:
    command = c.ImportRows(
        database="shop", class_id="Order", source=SOURCE, rows=list(rows), key=["order_id"]
    )
    return dataclasses.replace(command, **changes)


def _row(number: int, oid: str | None, **values: Any) -> dict[str, Any]:
    found = {"order_id": oid, **values} if oid is not None else dict(values)
    return {"row": number, "values": found, "cells": {k: k for k in found}}


def test_mappings_are_versioned_and_the_same_spec_adds_nothing(log: Log) -> None:
    (saved,) = events_of(log.decide(c.SaveMapping(database="shop", name="m", spec=SPEC)))
    assert isinstance(saved, MappingSaved) and saved.version == 1
    log.given(c.SaveMapping(database="shop", name="m", spec=SPEC))
    same = log.decide(c.SaveMapping(database="shop", name="m", spec=SPEC))
    assert same.changes == [] and same.result["unchanged"] is True


def test_a_mapping_naming_columns_or_tables_the_dataset_lacks_is_refused(log: Log) -> None:
    wrong = {
        "sources": [
            {**SPEC["sources"][0], "properties": [{"property": "order_id", "column": "nope"}]}
        ]
    }
    with pytest.raises(ValidationFailed) as info:
        log.decide(c.SaveMapping(database="shop", name="m", spec=wrong))
    assert info.value.errors[0]["code"] == "unknown_column"
    for change in ({"table": "sheet2"}, {"version": 3}, {"dataset": "missing"}):
        spec = {"sources": [{**SPEC["sources"][0], **change}]}
        with pytest.raises(NotFound):
            log.decide(c.SaveMapping(database="shop", name="m", spec=spec))


def test_a_run_names_the_versions_it_reads(log: Log) -> None:
    with pytest.raises(NotFound):
        log.decide(c.RunImport(database="shop", mapping="m"))
    log.given(c.SaveMapping(database="shop", name="m", spec=SPEC))
    planned = log.decide(c.RunImport(database="shop", mapping="m"))
    assert planned.changes == []
    assert planned.result["datasets"] == [SOURCE]
    with pytest.raises(NotFound):
        log.decide(c.RunImport(database="shop", mapping="m", mapping_version=2))
    with pytest.raises(NotFound):
        log.decide(c.RunImport(database="shop", branch="nope", mapping="m"))


def test_rows_become_instances_carrying_the_cells_they_came_from(log: Log) -> None:
    decision = log.decide(_rows(_row(2, "o1", amount="5", placed_by="c1"), _row(3, "o2")))
    created = events_of(decision)
    assert created[0] == InstanceCreated(
        "Order", "o1", {"order_id": "o1", "amount": 5, "placed_by": "Customer/c1"}
    )
    meta = decision.changes[0].metadata
    assert meta == {
        "provenance": {
            **SOURCE,
            "row": 2,
            "cells": {"order_id": "order_id", "amount": "amount", "placed_by": "placed_by"},
        }
    }
    assert (decision.result["created"], decision.result["refused"]) == (2, 0)


def test_rows_imported_before_from_the_dataset_are_skipped_and_others_refused(log: Log) -> None:
    log.given(_rows(_row(2, "o1")))
    again = log.decide(_rows(_row(2, "o1"), _row(3, "o2")))
    assert (again.result["created"], again.result["skipped"]) == (1, 1)
    log.given(c.CreateInstance(database="shop", class_id="Order", data={"order_id": "o9"}))
    with pytest.raises(ValidationFailed) as info:
        log.decide(_rows(_row(4, "o9")))
    assert info.value.errors[0]["code"] == "instance_exists"
    assert info.value.errors[0]["path"].startswith("row 4.")


def test_allow_partial_reports_each_refused_row_with_its_column(log: Log) -> None:
    decision = log.decide(
        _rows(
            _row(2, "o1", amount="lots"),
            _row(3, "o2", placed_by="c404"),
            _row(4, None, amount="1"),
            _row(5, "o5"),
            _row(6, "o5"),
            allow_partial=True,
        )
    )
    assert decision.result["created"] == 1
    refused = {r["row"]: r["errors"][0] for r in decision.result["refused_rows"]}
    assert sorted(refused) == [2, 3, 4, 6]
    assert refused[2]["column"] == "amount" and refused[2]["value"] == "lots"
    assert refused[3]["code"] == "link_target_not_found" and refused[3]["column"] == "placed_by"
    assert refused[4]["code"] == "required"
    assert refused[6]["code"] == "duplicate_key"


def test_rows_without_a_key_get_ids_from_their_row_numbers(log: Log) -> None:
    decision = log.decide(_rows(_row(2, "o1"), _row(3, "o2"), key=[]))
    ids = [e.instance_id for e in events_of(decision) if isinstance(e, InstanceCreated)]
    assert ids == ["orders_2", "orders_3"]


def _customers(*rows: tuple[int, str, str], mode: str = "upsert") -> c.ImportRows:
    return c.ImportRows(
        database="shop",
        class_id="Customer",
        source=SOURCE,
        rows=[
            {
                "row": n,
                "values": {"customer_id": cid, "name": cid.upper(), "email": email},
                "cells": {"customer_id": "id", "name": "name", "email": "email"},
            }
            for n, cid, email in rows
        ],
        key=["customer_id"],
        mode=mode,
        fields=["customer_id", "name", "email"],
    )


def test_an_upsert_swapping_unique_values_between_rows_releases_before_it_claims(
    log: Log,
) -> None:
    log.given(_customers((2, "c7", "a@x.io"), (3, "c8", "b@x.io"), mode="create"))
    swapped = log.decide(_customers((2, "c7", "b@x.io"), (3, "c8", "a@x.io")))
    assert (swapped.result["updated"], swapped.result["created"]) == (2, 0)
    kinds = [type(e).__name__ for e in events_of(swapped)]
    assert kinds.count("UniqueValueReleased") == 2 and kinds.count("UniqueValueClaimed") == 2
    log.given(_customers((2, "c7", "b@x.io"), (3, "c8", "a@x.io")))
    with pytest.raises(Conflict):  # c8 keeps its email: c7 alone may not take it
        log.decide(_customers((2, "c7", "a@x.io")))


def test_an_unknown_mode_is_refused_before_anything_is_read(log: Log) -> None:
    with pytest.raises(ValidationFailed) as info:
        log.decide(_customers((2, "c7", "a@x.io"), mode="merge"))
    assert info.value.errors[0]["path"] == "mode"
    log.given(c.SaveMapping(database="shop", name="m", spec=SPEC))
    with pytest.raises(ValidationFailed):
        log.decide(c.RunImport(database="shop", mapping="m", mode="merge"))
