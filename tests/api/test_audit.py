"""The audit trail: every write with who, when, from where, signed in how and how it
ended, filtered and paged, for administrators only."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from spice.application.log.serialization import utc_now
from tests.api.support import ADMIN_PASSWORD, bearer, container_of, final_status, signed_in


def _audit(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/audit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()["data"]
    return page


def test_the_audit_trail_says_who_did_what_from_where_and_how_it_ended(
    secured: TestClient,
) -> None:
    admin = bearer(signed_in(secured, "admin", ADMIN_PASSWORD))
    body = {"username": "kim", "password": "kim's password"}
    made = secured.post("/api/v1/auth/users?wait=true", headers=admin, json=body)
    assert made.status_code == 200, made.text
    kim = bearer(signed_in(secured, "kim", "kim's password"))
    assert secured.get("/api/v1/audit", headers=kim).status_code == 403
    before_kim = utc_now()
    time.sleep(0.01)

    container = container_of(secured)
    container.worker.stop()  # both pass the check at acceptance; the second fails when run
    first = secured.post("/api/v1/databases", headers=kim, json={"name": "kims"}).json()
    twice = secured.post(
        "/api/v1/databases",
        headers={**kim, "X-Request-ID": "req-7", "X-Commit-Message": "again"},
        json={"name": "kims"},
    ).json()
    container.worker.start()
    assert final_status(secured, twice["command_id"], kim)["status"] == "FAILED"

    everything = _audit(secured, admin)
    assert everything["complete"] is True
    kinds = [(e["actor"], e["command_type"]) for e in everything["entries"]]
    assert kinds[:2] == [("system", "CREATE_USER"), ("admin", "CREATE_USER")]
    kims = _audit(secured, admin, actor="kim")["entries"]
    assert [e["command_id"] for e in kims] == [first["command_id"], twice["command_id"]]
    done, failed = kims
    assert (done["outcome"], done["database"], done["address"], done["via"]) == (
        "COMPLETED",
        "kims",
        "testclient",
        "token",
    )
    assert done["finished_at"] >= done["at"] >= before_kim
    assert (failed["outcome"], failed["error_code"]) == ("FAILED", "CONFLICT")
    assert (failed["request_id"], failed["message"]) == ("req-7", "again")
    assert _audit(secured, admin, outcome="FAILED")["entries"] == [failed]
    assert _audit(secured, admin, since=before_kim)["entries"] == kims
    earlier = _audit(secured, admin, until=before_kim, actor="kim")
    assert (earlier["entries"], earlier["complete"]) == ([], True)

    paged, after = [], 0
    while True:
        page = _audit(secured, admin, after=after, limit=1)
        paged += page["entries"]
        after = page["next_after"]
        if page["complete"]:
            break
    assert paged == everything["entries"]
    bad = secured.get("/api/v1/audit", params={"until": "yesterday"}, headers=admin)
    assert bad.status_code == 422
