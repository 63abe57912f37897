"""Rebasing a branch onto its parent's head through the API: the parent's changes come onto
the branch three-way, the branch keeps its own, and the next merge and rebase start from
there (no conflict with what the branch already took in)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import head, wait_ok

DB = "/api/v1/databases/demo"
INSTANCES = "/api/v1/database/demo/instances/Customer"


def _create(client: TestClient, cid: str, branch: str = "main", **data: Any) -> None:
    body = {"data": {"customer_id": cid, "name": cid, **data}}
    wait_ok(client, "POST", f"{INSTANCES}/create?branch={branch}", json=body)


def _update(client: TestClient, cid: str, branch: str = "main", **data: Any) -> None:
    wait_ok(client, "PUT", f"{INSTANCES}/{cid}/update?branch={branch}", json={"data": data})


def _data(client: TestClient, cid: str, branch: str = "main") -> Any:
    r = client.get(f"{INSTANCES}/{cid}", params={"branch": branch})
    return r.json()["data"]["data"] if r.status_code == 200 else r.status_code


def _rebase(client: TestClient, **body: Any) -> Any:
    return client.post(f"{DB}/rebase?wait=true&timeout=10", json={"branch": "dev", **body})


def test_a_rebase_takes_in_the_parent_and_the_next_merge_starts_from_it(
    demo: TestClient,
) -> None:
    for cid in ("c1", "c3"):
        _create(demo, cid, age=1)
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    _update(demo, "c1", "dev", name="from dev")
    _update(demo, "c1", "main", age=2)
    _create(demo, "c2")
    wait_ok(demo, "DELETE", f"{INSTANCES}/c3/delete")
    behind = demo.get(f"{DB}/branches/dev").json()["data"]["behind"]
    assert behind == 4  # with its own creation, a commit on main
    before = head(demo)
    plan = demo.post(f"{DB}/rebase", json={"branch": "dev", "simulate": True})
    assert plan.status_code == 200 and head(demo) == before
    r = _rebase(demo, message="catch up")
    assert r.status_code == 200, r.text
    result = r.json()["data"]["result"]
    assert (result["onto"], result["events"], len(result["parent_commits"])) == ("main", 3, 3)
    assert _data(demo, "c1", "dev") == {"customer_id": "c1", "name": "from dev", "age": 2}
    assert _data(demo, "c2", "dev")["name"] == "c2"
    assert _data(demo, "c3", "dev") == 404
    branch = demo.get(f"{DB}/branches/dev").json()["data"]
    assert branch["behind"] == 0 and branch["rebased_position"] == result["onto_position"]
    assert _data(demo, "c1") == {"customer_id": "c1", "name": "c1", "age": 2}  # main untouched
    _update(demo, "c1", "main", age=50)  # main moves on after the rebase
    merged = demo.post(f"{DB}/merge?wait=true&timeout=10", json={"source": "dev"})
    assert merged.status_code == 200, merged.text  # age 2 came from main: no conflict
    assert merged.json()["data"]["result"]["rebased_position"] == result["onto_position"]
    assert _data(demo, "c1") == {"customer_id": "c1", "name": "from dev", "age": 50}
    again = _rebase(demo)
    assert again.status_code == 200
    assert _data(demo, "c1", "dev")["age"] == 50  # only what main did since the last rebase


def test_rebase_conflicts_are_settled_like_a_merges(demo: TestClient) -> None:
    _create(demo, "c1")
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    _update(demo, "c1", "dev", name="dev's")
    _update(demo, "c1", "main", name="main's")
    refused = _rebase(demo)
    assert refused.status_code == 409
    (conflict,) = refused.json()["details"]["conflicts"]
    assert (conflict["key"], conflict["ours"], conflict["theirs"]) == (
        "Customer/c1.name",
        "dev's",
        "main's",
    )
    assert _rebase(demo, strategy="ours").status_code == 200
    assert _data(demo, "c1", "dev")["name"] == "dev's"
    _update(demo, "c1", "main", name="main's again")
    assert _rebase(demo, resolutions={"Customer/c1.name": "theirs"}).status_code == 200
    assert _data(demo, "c1", "dev")["name"] == "main's again"
    main = demo.post(f"{DB}/rebase?wait=true", json={"branch": "main"})
    assert main.status_code == 422
    assert demo.post(f"{DB}/rebase?wait=true", json={"branch": "nope"}).status_code == 404


def test_a_rebase_after_a_merge_starts_from_the_merge(demo: TestClient) -> None:
    """What dev merged into main is not the parent's change to take in again: dev's later
    change to the same property is no conflict, and main's own change since comes."""
    _create(demo, "c1")
    _create(demo, "c2")
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    _update(demo, "c1", "dev", name="first")
    merged = demo.post(f"{DB}/merge?wait=true", json={"source": "dev"})
    assert merged.status_code == 200, merged.text
    _update(demo, "c1", "dev", name="second")
    _update(demo, "c2", "main", age=9)
    r = _rebase(demo)
    assert r.status_code == 200, r.text
    assert _data(demo, "c1", "dev")["name"] == "second"
    assert _data(demo, "c2", "dev")["age"] == 9
