"""Proposals and protected branches through the API: a protected branch refuses direct
writes and takes a proposal's merge once it has its approvals; the conversation is kept
with who said what, and is not a commit of any branch."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import head, wait_command, wait_ok

DB = "/api/v1/databases/demo"
INSTANCES = "/api/v1/database/demo/instances/Customer"


def _customer(cid: str, **data: Any) -> dict[str, Any]:
    return {"data": {"customer_id": cid, "name": cid, **data}}


def _post(client: TestClient, path: str, user: str = "kim", **body: Any) -> Any:
    return client.post(f"{DB}{path}?wait=true&timeout=10", json=body, headers={"X-User-Id": user})


def _protect(client: TestClient, approvals: int = 1) -> None:
    r = client.put(f"{DB}/settings?wait=true", json={"required_approvals": approvals})
    assert r.status_code == 200, r.text


def test_a_protected_branch_takes_changes_only_through_an_approved_proposal(
    demo: TestClient,
) -> None:
    wait_ok(demo, "POST", f"{INSTANCES}/create", json=_customer("c1"))
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    assert demo.get(f"{DB}/settings").json()["data"]["protected_branches"] == []
    _protect(demo)
    assert demo.get(f"{DB}/settings").json()["data"] == {
        "database": "demo",
        "protected_branches": ["main"],
        "required_approvals": 1,
    }
    before = head(demo)
    refused = [
        demo.post(f"{INSTANCES}/create", json=_customer("c2")),
        demo.put(f"{INSTANCES}/c1/update", json={"data": {"age": 3}}),
        demo.delete(f"{INSTANCES}/c1/delete"),
        demo.post(f"{DB}/merge", json={"source": "dev"}),
        demo.post("/api/v1/database/demo/ontology", json={"id": "X", "properties": []}),
    ]
    assert [r.status_code for r in refused] == [409] * 5
    assert {r.json()["code"] for r in refused} == {"PROTECTED_BRANCH"}
    assert head(demo) == before  # refused at submission: nothing written
    wait_ok(demo, "PUT", f"{INSTANCES}/c1/update?branch=dev", json={"data": {"age": 41}})
    wait_ok(demo, "POST", f"{INSTANCES}/create?branch=dev", json=_customer("c2"))
    opened = _post(demo, "/proposals", source="dev", title="Ages", description="fix c1")
    assert opened.status_code == 200, opened.text
    number = opened.json()["data"]["result"]["number"]
    assert number == 1
    shown = demo.get(f"{DB}/proposals/{number}").json()["data"]
    assert shown["status"] == "open" and shown["author"] == "kim"
    assert shown["conflicts"] == [] and shown["mergeable"] is False  # no approval yet
    assert shown["diff"]["data"]["counts"] == {"added": 1, "removed": 0, "changed": 1}
    early = _post(demo, f"/proposals/{number}/merge")
    assert early.status_code == 409 and early.json()["code"] == "APPROVALS_REQUIRED"
    assert _post(demo, f"/proposals/{number}/comments", "lee", comment="looks right").is_success
    assert _post(demo, f"/proposals/{number}/approve", "lee").status_code == 200
    ready = demo.get(f"{DB}/proposals/{number}").json()["data"]
    assert ready["mergeable"] is True
    assert [(c["by"], c["comment"]) for c in ready["comments"]] == [("lee", "looks right")]
    assert [(a["by"], a["by_author"]) for a in ready["approvals"]] == [("lee", False)]
    merged = _post(demo, f"/proposals/{number}/merge", "kim", message="ages from dev")
    assert merged.status_code == 200, merged.text
    assert merged.json()["data"]["result"]["approvals"] == ["lee"]
    c1 = demo.get(f"{INSTANCES}/c1").json()["data"]["data"]
    assert c1["age"] == 41
    assert demo.get(f"{INSTANCES}/c2").status_code == 200
    done = demo.get(f"{DB}/proposals/{number}").json()["data"]
    assert done["status"] == "merged" and done["merged"]["by"] == "kim"
    assert done["merged"]["commit"] == merged.json()["data"]["command_id"]
    again = _post(demo, f"/proposals/{number}/merge")
    assert again.status_code == 409 and "merged" in again.json()["message"]
    commits = demo.get(f"{DB}/commits", params={"limit": 3}).json()["data"]["commits"]
    kinds = [c["command_type"] for c in commits]
    assert kinds[0] == "MERGE_PROPOSAL" and "COMMENT_PROPOSAL" not in kinds
    assert commits[0]["message"] == "ages from dev"


def test_proposals_are_listed_closed_and_refused_when_bad(demo: TestClient) -> None:
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev2", "from_branch": "dev"})
    for title in ("one", "two"):
        assert _post(demo, "/proposals", source="dev", title=title).status_code == 200
    closed = _post(demo, "/proposals/1/close", comment="not needed")
    assert closed.status_code == 200
    listed = demo.get(f"{DB}/proposals").json()["data"]
    assert [(p["number"], p["status"]) for p in listed["proposals"]] == [(2, "open"), (1, "closed")]
    only_open = demo.get(f"{DB}/proposals", params={"status": "open"}).json()["data"]
    assert only_open["total"] == 1
    assert _post(demo, "/proposals/1/comments", comment="late").status_code == 409
    skips_a_level = _post(demo, "/proposals", source="dev2", title="dev2 into main")
    assert skips_a_level.status_code == 200
    assert skips_a_level.json()["data"]["result"]["number"] == 3
    into_itself = _post(demo, "/proposals", source="main", title="main into main")
    assert into_itself.status_code == 422
    assert into_itself.json()["details"]["errors"][0]["code"] == "same_branch"
    assert _post(demo, "/proposals", source="nope", title="x").status_code == 404
    assert _post(demo, "/proposals", source="dev", title="").status_code == 422
    assert _post(demo, "/proposals/2/comments", comment="").status_code == 422
    assert demo.get(f"{DB}/proposals/9").status_code == 404
    assert demo.get("/api/v1/databases/nodb/proposals").status_code == 404
    assert demo.put(f"{DB}/settings", json={"required_approvals": 11}).status_code == 422
    bad_name = demo.put(f"{DB}/settings", json={"protected_branches": ["../x"]})
    assert bad_name.status_code == 422


def test_protection_keeps_a_branch_from_deletion_and_lifts_when_unset(demo: TestClient) -> None:
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "release"})
    r = demo.put(f"{DB}/settings?wait=true", json={"protected_branches": ["main", "release"]})
    assert r.status_code == 200
    gone = demo.delete(f"{DB}/branches/release")
    assert gone.status_code == 409 and gone.json()["code"] == "PROTECTED_BRANCH"
    writes_on = demo.post(f"{INSTANCES}/create?branch=release", json=_customer("r1"))
    assert writes_on.status_code == 409
    assert demo.put(f"{DB}/settings?wait=true", json={"protected_branches": []}).is_success
    wait_ok(demo, "POST", f"{INSTANCES}/create?branch=release", json=_customer("r1"))
    wait_ok(demo, "DELETE", f"{DB}/branches/release")


def test_the_author_cannot_approve_in_any_order_and_a_merge_then_needs_another_reviewer(
    demo: TestClient,
) -> None:
    wait_ok(demo, "POST", f"{DB}/branches", json={"name": "dev"})
    _protect(demo)
    kim = {"X-User-Id": "kim"}
    # The approval is sent while the opening is still queued (no wait): it must fail too.
    opening = demo.post(f"{DB}/proposals", json={"source": "dev", "title": "t"}, headers=kim)
    assert opening.status_code == 202
    early = demo.post(f"{DB}/proposals/1/approve", json={}, headers=kim)
    if early.status_code == 202:
        early_status = wait_command(demo, early.json()["command_id"])
        assert early_status["status"] == "FAILED" and early_status["error"]["code"] == "FORBIDDEN"
    else:
        assert early.status_code == 403, early.text
    wait_command(demo, opening.json()["command_id"])
    late = _post(demo, "/proposals/1/approve", "kim")
    assert late.status_code == 403 and "author" in late.json()["message"]
    shown = demo.get(f"{DB}/proposals/1").json()["data"]
    assert shown["approvals"] == [] and shown["mergeable"] is False
    refused = _post(demo, "/proposals/1/merge", "kim")
    assert refused.status_code == 409 and refused.json()["code"] == "APPROVALS_REQUIRED"
    assert _post(demo, "/proposals/1/approve", "lee").status_code == 200
    assert _post(demo, "/proposals/1/merge", "kim").status_code == 200
