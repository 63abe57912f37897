"""Bringing back a deleted instance: the restore endpoint, and revert, reset and merge that
restore what they would bring back. The instance keeps its id and history; its values are
checked as a create's are (schema, links, unique values as they are now)."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import container_of, head, wait_ok

DB = "/api/v1/databases/demo"
MEMBERS = "/api/v1/database/demo/instances/Member"
MEMBER = {
    "id": "Member",
    "properties": [
        {"name": "member_id", "type": "string", "primary_key": True},
        {"name": "name", "type": "string"},
        {"name": "email", "type": "email", "unique": True},
    ],
    "relationships": [{"predicate": "referred_by", "target": "Member", "cardinality": "n:1"}],
}


def _member(client: TestClient, mid: str, branch: str = "main", **data: Any) -> str:
    body = {"data": {"member_id": mid, "name": mid, "email": f"{mid}@example.com", **data}}
    done = wait_ok(client, "POST", f"{MEMBERS}/create?branch={branch}", json=body)
    return str(done["data"]["command_id"])


def _delete(client: TestClient, mid: str, branch: str = "main") -> str:
    done = wait_ok(client, "DELETE", f"{MEMBERS}/{mid}/delete?branch={branch}")
    return str(done["data"]["command_id"])


def _restore(client: TestClient, mid: str, branch: str = "main", **body: Any) -> Any:
    url = f"{MEMBERS}/{mid}/restore?branch={branch}&wait=true&timeout=10"
    return client.post(url, json=body or None)


def _data(client: TestClient, mid: str, branch: str = "main", **params: Any) -> Any:
    r = client.get(f"{MEMBERS}/{mid}", params={"branch": branch, **params})
    return r.json()["data"]["data"] if r.status_code == 200 else r.status_code


def _found(client: TestClient, text: str) -> list[str]:
    container = container_of(client)
    deadline = time.monotonic() + 30
    while container.search.checkpoint() < head(client):
        assert time.monotonic() < deadline, "the search index did not catch up"
        time.sleep(0.05)
    r = client.post("/api/v1/database/demo/search", json={"query": text, "class_id": "Member"})
    return [h["id"] for h in r.json()["data"]["hits"]]


def test_a_restore_brings_an_instance_back_with_its_values_links_and_history(
    demo: TestClient,
) -> None:
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology", json=MEMBER)
    _member(demo, "m1")
    _member(demo, "m2", referred_by="Member/m1")
    _delete(demo, "m2")
    deleted_at = head(demo)
    assert _found(demo, "m2") == []
    r = _restore(demo, "m2", message="deleted by mistake")
    assert r.status_code == 200, r.text
    assert _data(demo, "m2") == {
        "member_id": "m2",
        "name": "m2",
        "email": "m2@example.com",
        "referred_by": "Member/m1",
    }
    assert _data(demo, "m2", as_of=deleted_at) == 404  # history holds the deletion
    assert _found(demo, "m2") == ["m2"]
    links = demo.get(f"{MEMBERS}/m2/links").json()["data"]
    assert "Member/m1" in str(links)
    timeline = demo.get(f"{MEMBERS}/m2/history").json()["data"]["changes"]
    assert [c["event_type"] for c in timeline] == [
        "InstanceCreated",
        "InstanceDeleted",
        "InstanceRestored",
    ]
    assert timeline[-1]["message"] == "deleted by mistake"
    restored = timeline[-1]["commit"]
    blame = demo.get(f"{MEMBERS}/m2/blame", params={"property": "name"}).json()["data"]
    assert blame["blame"][0]["commit"] == restored
    again = demo.post(f"{MEMBERS}/create?wait=true", json={"data": {"member_id": "m2"}})
    assert again.status_code == 409  # the id stays the restored instance's


def test_a_restore_checks_its_values_as_a_create_does_and_refuses_what_is_not_deleted(
    demo: TestClient,
) -> None:
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology", json=MEMBER)
    _member(demo, "m1")
    _member(demo, "m2", referred_by="Member/m1")
    _delete(demo, "m2")
    _member(demo, "m3", email="m2@example.com")  # m2's email, free since its deletion
    taken = _restore(demo, "m2")
    assert taken.status_code == 409, taken.text  # the email is m3's now
    assert taken.json()["details"]["conflicts"][0]["held_by"] == "Member/m3"
    _delete(demo, "m1")
    linked = {"member_id": "m2", "email": "new@example.com", "referred_by": "Member/m1"}
    dangling = _restore(demo, "m2", data=linked)
    assert dangling.status_code == 422  # m1 is deleted now
    assert dangling.json()["details"]["errors"][0]["code"] == "link_target_not_found"
    assert _restore(demo, "m2", data={"member_id": "other"}).status_code == 422  # its key
    bad_email = _restore(demo, "m2", data={"member_id": "m2", "email": "not an email"})
    assert bad_email.status_code == 422
    assert _restore(demo, "m3").status_code == 409  # not deleted
    assert _restore(demo, "ghost").status_code == 404
    assert _data(demo, "m2") == 404
    events = container_of(demo).events.read_all(0, 10_000)
    assert "InstanceRestored" not in {e.event_type for e in events}  # nothing written
    ok = _restore(demo, "m2", data={"member_id": "m2", "email": "m2@new.example.com"})
    assert ok.status_code == 200, ok.text
    assert _data(demo, "m2") == {"member_id": "m2", "email": "m2@new.example.com"}


def test_a_branch_restores_what_it_inherited_deleted_and_its_parent_keeps_it_deleted(
    demo: TestClient,
) -> None:
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology", json=MEMBER)
    _member(demo, "m1")
    _delete(demo, "m1")
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    assert _restore(demo, "m1", "dev").status_code == 200
    assert _data(demo, "m1", "dev")["name"] == "m1"
    assert _data(demo, "m1") == 404


def test_revert_reset_and_merge_bring_a_deleted_instance_back(demo: TestClient) -> None:
    wait_ok(demo, "POST", "/api/v1/database/demo/ontology", json=MEMBER)
    _member(demo, "m1", name="first")
    deleted = _delete(demo, "m1")
    r = demo.post(f"{DB}/revert?wait=true", json={"commit": deleted})
    assert r.status_code == 200, r.text
    assert _data(demo, "m1")["name"] == "first"
    point = head(demo)
    _delete(demo, "m1")
    r = demo.post(f"{DB}/reset?wait=true", json={"branch": "main", "to": str(point)})
    assert r.status_code == 200, r.text
    assert _data(demo, "m1")["name"] == "first"
    # A merge: the source changed what the target deleted since the fork.
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    wait_ok(demo, "PUT", f"{MEMBERS}/m1/update?branch=dev", json={"data": {"name": "dev's"}})
    _delete(demo, "m1")
    failed = demo.post(f"{DB}/merge?wait=true", json={"source": "dev"})
    assert failed.status_code == 409
    conflict = failed.json()["details"]["conflicts"][0]
    assert conflict["kind"] == "changed_on_source_deleted_on_target"
    ok = demo.post(f"{DB}/merge?wait=true", json={"source": "dev", "strategy": "theirs"})
    assert ok.status_code == 200, ok.text
    assert _data(demo, "m1")["name"] == "dev's"
