"""Merging a branch into its parent through the API: three-way per property, conflicts and
their strategies and resolutions, simulate, the target's rules, and a second merge that
starts from the first."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import head, wait_ok

INSTANCES = "/api/v1/database/demo/instances/Customer"


def _create(client: TestClient, cid: str, branch: str = "main", **data: Any) -> None:
    body = {"data": {"customer_id": cid, "name": cid, **data}}
    wait_ok(client, "POST", f"{INSTANCES}/create?branch={branch}", json=body)


def _update(client: TestClient, cid: str, branch: str, **data: Any) -> None:
    wait_ok(client, "PUT", f"{INSTANCES}/{cid}/update?branch={branch}", json={"data": data})


def _merge(client: TestClient, **body: Any) -> Any:
    return client.post("/api/v1/databases/demo/merge?wait=true", json={"source": "dev", **body})


def _data(client: TestClient, cid: str, branch: str = "main") -> Any:
    r = client.get(f"{INSTANCES}/{cid}", params={"branch": branch})
    return r.json()["data"]["data"] if r.status_code == 200 else r.status_code


def _fork(client: TestClient) -> None:
    wait_ok(client, "POST", "/api/v1/databases/demo/branches", json={"name": "dev"})


def test_a_merge_brings_the_branch_changes_and_keeps_the_targets(demo: TestClient) -> None:
    for cid in ("c1", "c2", "c3"):
        _create(demo, cid)
    _fork(demo)
    _update(demo, "c1", "dev", name="from dev")
    _update(demo, "c2", "main", age=40)  # the target's own change, kept
    _update(demo, "c2", "dev", name="also dev")  # another property of the same instance
    wait_ok(demo, "DELETE", f"{INSTANCES}/c3/delete?branch=dev")
    _create(demo, "c4", "dev")
    plan = demo.post(
        "/api/v1/databases/demo/merge", json={"source": "dev", "simulate": True}
    ).json()["data"]
    before = head(demo)
    assert head(demo) == before  # a simulation writes nothing
    kinds = sorted(e["event_type"] for e in plan["events"])
    assert kinds == [
        "BranchMerged",
        "InstanceCreated",
        "InstanceDeleted",
        "InstanceUpdated",
        "InstanceUpdated",
    ]
    r = demo.post(
        "/api/v1/databases/demo/merge?wait=true",
        json={"source": "dev", "message": "bring dev in"},
    )
    assert r.status_code == 200, r.text
    result = r.json()["data"]["result"]
    assert result["events"] == 4 and len(result["source_commits"]) == 4
    assert _data(demo, "c1")["name"] == "from dev"
    assert _data(demo, "c2") == {"customer_id": "c2", "name": "also dev", "age": 40}
    assert _data(demo, "c3") == 404
    assert _data(demo, "c4")["name"] == "c4"
    commit = demo.get("/api/v1/databases/demo/commits", params={"limit": 1}).json()
    assert commit["data"]["commits"][0]["message"] == "bring dev in"
    assert commit["data"]["commits"][0]["command_type"] == "MERGE_BRANCH"
    diff = demo.get("/api/v1/databases/demo/diff", params={"from": "main", "to": "dev"})
    assert diff.json()["data"]["data"]["counts"]["changed"] == 1  # c2's age, main's own


def test_conflicts_fail_the_merge_unless_settled(demo: TestClient) -> None:
    _create(demo, "c1")
    _create(demo, "c2")
    _fork(demo)
    _update(demo, "c1", "dev", name="dev name")
    _update(demo, "c1", "main", name="main name")
    _update(demo, "c2", "dev", age=1)
    wait_ok(demo, "DELETE", f"{INSTANCES}/c2/delete")
    failed = _merge(demo)
    assert failed.status_code == 409, failed.text
    conflicts = {c["key"]: c for c in failed.json()["details"]["conflicts"]}
    assert conflicts["Customer/c1.name"] == {
        "key": "Customer/c1.name",
        "kind": "property",
        "property": "name",
        "base": "c1",
        "ours": "main name",
        "theirs": "dev name",
    }
    assert conflicts["Customer/c2"]["kind"] == "changed_on_source_deleted_on_target"
    assert _data(demo, "c1")["name"] == "main name"  # nothing written
    ok = _merge(demo, resolutions={"Customer/c1.name": "theirs", "Customer/c2": "ours"})
    assert ok.status_code == 200, ok.text
    assert _data(demo, "c1")["name"] == "dev name"
    settled = ok.json()["data"]["result"]["resolved"]
    assert sorted(s["resolution"] for s in settled) == ["ours", "theirs"]


def test_strategy_ours_keeps_the_target_and_a_second_merge_starts_from_the_first(
    demo: TestClient,
) -> None:
    _create(demo, "c1")
    _fork(demo)
    _update(demo, "c1", "dev", name="dev")
    _update(demo, "c1", "main", name="main")
    assert _merge(demo, strategy="ours").status_code == 200
    assert _data(demo, "c1")["name"] == "main"
    _update(demo, "c1", "dev", age=5)  # after the first merge: no conflict on name again
    second = _merge(demo)
    assert second.status_code == 200, second.text
    assert _data(demo, "c1") == {"customer_id": "c1", "name": "main", "age": 5}
    empty = _merge(demo)
    assert empty.status_code == 200
    assert empty.json()["data"]["result"]["events"] == 0


def test_the_targets_rules_hold_for_merged_data(demo: TestClient) -> None:
    _fork(demo)
    order = {
        "id": "Order",
        "properties": [
            {"name": "order_id", "type": "string", "primary_key": True},
            {"name": "code", "type": "string", "unique": True},
        ],
    }
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology?branch=dev", json=order)
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology", json=order)
    orders = "/api/v1/database/demo/instances/Order"
    wait_ok(demo, "POST", f"{orders}/create", json={"data": {"order_id": "o1", "code": "X"}})
    wait_ok(
        demo,
        "POST",
        f"{orders}/create?branch=dev",
        json={"data": {"order_id": "o2", "code": "X"}},
    )
    refused = _merge(demo)
    assert refused.status_code == 409
    (conflict,) = refused.json()["details"]["conflicts"]
    assert (conflict["key"], conflict["kind"], conflict["code"]) == (
        "Order/o2",
        "refused_by_target",
        "CONFLICT",
    )
    theirs = _merge(demo, strategy="theirs")  # the target's rules cannot be overridden
    assert theirs.status_code == 409
    assert _merge(demo, resolutions={"Order/o2": "ours"}).status_code == 200
    assert demo.get(f"{orders}/o2").status_code == 404


def test_a_new_class_merges_with_its_instances_and_bad_requests_are_refused(
    demo: TestClient,
) -> None:
    _fork(demo)
    note = {
        "id": "Note",
        "properties": [{"name": "note_id", "type": "string", "primary_key": True}],
    }
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology?branch=dev", json=note)
    wait_ok(
        demo,
        "POST",
        "/api/v1/database/demo/instances/Note/create?branch=dev",
        json={"data": {"note_id": "n1"}},
    )
    assert _merge(demo).status_code == 200
    assert demo.get("/api/v1/database/demo/instances/Note/n1").status_code == 200
    assert _merge(demo, target="dev", source="dev").status_code == 422  # into itself
    assert _merge(demo, source="ghost").status_code == 404
    assert _merge(demo, strategy="maybe").status_code == 422


def test_instances_a_branch_added_merge_together_and_a_refused_one_is_named(
    demo: TestClient,
) -> None:
    """Creates are decided a class at a time; when the target refuses one of them (its
    email was taken on main since the fork), the conflict names that instance alone and
    `ours` still brings the others, with their links among themselves."""
    member = {
        "id": "Member",
        "properties": [
            {"name": "member_id", "type": "string", "primary_key": True},
            {"name": "email", "type": "email", "unique": True},
        ],
        "relationships": [{"predicate": "referred_by", "target": "Member", "cardinality": "n:1"}],
    }
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology", json=member)
    _fork(demo)
    members = "/api/v1/database/demo/instances/Member"
    rows = [
        {"member_id": f"n{i}", "email": f"n{i}@example.com", **({"referred_by": "n0"} if i else {})}
        for i in range(5)
    ]
    wait_ok(demo, "POST", f"{members}/bulk-create?branch=dev", json={"instances": rows})
    taken = {"data": {"member_id": "m1", "email": "n3@example.com"}}
    wait_ok(demo, "POST", f"{members}/create", json=taken)
    refused = _merge(demo)
    assert refused.status_code == 409, refused.text
    conflicts = refused.json()["details"]["conflicts"]
    assert [(c["key"], c["kind"]) for c in conflicts] == [("Member/n3", "refused_by_target")]
    assert _merge(demo, strategy="ours").status_code == 200
    found = [demo.get(f"{members}/n{i}").status_code for i in range(5)]
    assert found == [200, 200, 200, 404, 200]
    assert demo.get(f"{members}/n4").json()["data"]["data"]["referred_by"] == "Member/n0"


def test_sibling_branches_merge_against_the_fork_they_share(demo: TestClient) -> None:
    """`a` and `b` forked from main at different points: merging `a` into `b` brings only
    what `a` changed since the older fork (not main as `a` saw it, which would undo main's
    change that only `b` sees), and merging back brings `b`'s own change and that one."""
    _create(demo, "c1")
    _create(demo, "c2")
    wait_ok(demo, "POST", "/api/v1/databases/demo/branches", json={"name": "a"})
    _update(demo, "c2", "main", age=30)  # after a's fork, before b's
    wait_ok(demo, "POST", "/api/v1/databases/demo/branches", json={"name": "b"})
    _update(demo, "c1", "a", name="from a")
    _create(demo, "c5", "a")
    _update(demo, "c1", "b", age=50)
    into_b = _merge(demo, source="a", target="b")
    assert into_b.status_code == 200, into_b.text
    assert into_b.json()["data"]["result"]["events"] == 2  # c1's name and c5
    assert _data(demo, "c1", "b") == {"customer_id": "c1", "name": "from a", "age": 50}
    assert _data(demo, "c2", "b")["age"] == 30
    assert _data(demo, "c5", "b")["name"] == "c5"
    into_a = _merge(demo, source="b", target="a")
    assert into_a.status_code == 200, into_a.text
    assert _data(demo, "c1", "a") == {"customer_id": "c1", "name": "from a", "age": 50}
    assert _data(demo, "c2", "a")["age"] == 30
    assert _data(demo, "c2") == {"customer_id": "c2", "name": "c2", "age": 30}
    assert _data(demo, "c1") == {"customer_id": "c1", "name": "c1"}  # main untouched
    again = _merge(demo, source="a", target="b")  # each holds the other now
    assert again.json()["data"]["result"]["events"] == 0, again.text


def test_a_branch_merges_into_its_grandparent_and_conflicts_hold(demo: TestClient) -> None:
    """dev2 forked from dev: it merges straight into main with what it sees of dev, and
    a change main made to the same property since is a conflict."""
    _create(demo, "c1")
    _create(demo, "c2")
    _fork(demo)
    _update(demo, "c1", "dev", name="dev")
    wait_ok(
        demo, "POST", "/api/v1/databases/demo/branches", json={"name": "dev2", "from_branch": "dev"}
    )
    _update(demo, "c1", "dev", age=7)  # after dev2's fork: dev2 does not see it
    _update(demo, "c2", "dev2", name="dev2")
    _update(demo, "c2", "main", name="main")
    failed = _merge(demo, source="dev2")
    assert failed.status_code == 409
    keys = [c["key"] for c in failed.json()["details"]["conflicts"]]
    assert keys == ["Customer/c2.name"]
    ok = _merge(demo, source="dev2", strategy="theirs")
    assert ok.status_code == 200, ok.text
    assert _data(demo, "c1") == {"customer_id": "c1", "name": "dev"}
    assert _data(demo, "c2")["name"] == "dev2"
