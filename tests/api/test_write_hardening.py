"""Writes that an outside probe got through or got wrong: branch names git refuses, commit
ids of another database, properties without a type, OCC losers accepted before they
fail, and merges with nothing to bring that still wrote a commit."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import head, wait_ok
from tests.at_once import at_once

DB = "/api/v1/databases/demo"
INSTANCES = "/api/v1/database/demo/instances/Customer"
GIT_REFUSES = ["a..b", "x/", "a//b", "x/../main", "a.lock", "x/.", "HEAD", ".x", "x/y.lock/z", "x."]


@pytest.mark.parametrize("name", GIT_REFUSES)
def test_a_branch_name_git_refuses_is_422_and_writes_nothing(demo: TestClient, name: str) -> None:
    before = head(demo)
    made = demo.post(f"{DB}/branches", json={"name": name})
    assert made.status_code == 422, made.text
    assert made.json()["details"]["errors"][0]["path"] == "name"
    read = demo.get(f"{INSTANCES}/c1", params={"branch": name})
    assert read.status_code == 422
    assert head(demo) == before


def test_branch_names_git_takes_are_taken(demo: TestClient) -> None:
    for name in ("feature/whatif", "release/2026.12", "v1.2-rc_1"):
        wait_ok(demo, "POST", f"{DB}/branches", json={"name": name})
        assert demo.get(f"{DB}/branches/{name}").json()["data"]["name"] == name


def test_a_commit_of_another_database_is_refused_wherever_a_commit_is_named(
    demo: TestClient,
) -> None:
    wait_ok(demo, "POST", "/api/v1/databases", json={"name": "other"})
    foreign = wait_ok(demo, "POST", "/api/v1/databases/other/branches", json={"name": "b"})
    commit = foreign["command_id"]
    own = wait_ok(
        demo, "POST", f"{INSTANCES}/create", json={"data": {"customer_id": "c1", "name": "A"}}
    )
    asked: list[Any] = [
        demo.get(f"{INSTANCES}/c1", params={"as_of": commit}),
        demo.get("/api/v1/database/demo/ontology", params={"as_of": commit}),
        demo.post(f"{DB}/branches", json={"name": "at", "at": commit}),
        demo.post(f"{DB}/reset", json={"branch": "main", "to": commit}),
        demo.get(f"{DB}/diff", params={"from": f"main@{commit}", "to": "main"}),
    ]
    assert [r.status_code for r in asked] == [400] * len(asked), [r.text for r in asked]
    assert all("other" not in r.text or "demo" in r.text for r in asked)
    # Its own commits still work.
    assert demo.get(f"{INSTANCES}/c1", params={"as_of": own["command_id"]}).status_code == 200


def test_a_property_without_a_type_is_refused(demo: TestClient) -> None:
    untyped = {"id": "Untyped", "properties": [{"name": "x"}]}
    refused = demo.post("/api/v1/database/demo/ontology", json=untyped)
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["errors"][0]["path"] == "properties[0].type"
    assert demo.get("/api/v1/database/demo/ontology/Untyped").status_code == 404


def test_of_writes_expecting_one_sequence_the_losers_are_refused_at_submission(
    demo: TestClient,
) -> None:
    wait_ok(demo, "POST", f"{INSTANCES}/create", json={"data": {"customer_id": "c1", "name": "A"}})
    seq = demo.get(f"{INSTANCES}/c1").json()["data"]["sequence_number"]

    def update(i: int) -> Any:
        body = {"data": {"age": i}}
        return demo.put(f"{INSTANCES}/c1/update", params={"expected_seq": seq}, json=body)

    answers = at_once(6, update)
    codes = sorted(a.status_code for a in answers.values())
    assert codes == [202] + [409] * 5, codes
    conflict = next(a for a in answers.values() if a.status_code == 409).json()
    assert conflict["details"]["expected_seq"] == seq


def test_a_second_merge_with_nothing_to_bring_is_up_to_date_and_no_commit(
    demo: TestClient,
) -> None:
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    body = {"data": {"customer_id": "c9", "name": "Z"}}
    wait_ok(demo, "POST", f"{INSTANCES}/create?branch=dev", json=body)

    def merge(_: int) -> Any:
        return demo.post(f"{DB}/merge?wait=true", json={"source": "dev"})

    answers = at_once(2, merge)
    results = sorted(
        (a.json()["data"]["result"] for a in answers.values()), key=lambda r: r["up_to_date"]
    )
    assert [r["up_to_date"] for r in results] == [False, True], results
    assert results[1]["events"] == 0
    commits = demo.get(f"{DB}/commits", params={"limit": 5}).json()["data"]["commits"]
    assert [c["command_type"] for c in commits].count("MERGE_BRANCH") == 1
    again = wait_ok(demo, "POST", f"{DB}/merge", json={"source": "dev"})
    assert again["data"]["result"]["up_to_date"] is True
