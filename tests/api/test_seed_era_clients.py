"""Clients written for the seed-era system keep working on the seed's paths and shapes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.domain.envelope import KIND_EVENT
from tests.api.support import container_of, wait_ok

BASE = "/api/v1/database/demo"
WHY = {"reason": "신규 직원 등록", "source": "OMS-Service", "client_ip": "192.168.1.100"}


def _event_metadata(client: TestClient, event_type: str) -> list[dict[str, Any]]:
    events = container_of(client).events.read_all(0, 10_000)
    return [
        e.metadata
        for e in events
        if e.event_type == event_type and e.metadata.get("kind") == KIND_EVENT
    ]


def test_a_write_s_reason_and_source_are_recorded_with_its_events(demo: TestClient) -> None:
    body = {"data": {"customer_id": "c1", "name": "Kim"}, "metadata": WHY}
    done = wait_ok(demo, "POST", f"{BASE}/instances/Customer/create", json=body)
    (meta,) = _event_metadata(demo, "InstanceCreated")
    assert (meta["reason"], meta["source"]) == (WHY["reason"], WHY["source"])
    command = container_of(demo).events.get_event(done["command_id"])
    assert command is not None and command.metadata["client_ip"] == WHY["client_ip"]

    update = {"data": {"name": "Kim Y."}, "metadata": {"reason": "typo"}}
    wait_ok(demo, "PUT", f"{BASE}/instances/Customer/c1/update", json=update)
    (meta,) = _event_metadata(demo, "InstanceUpdated")
    assert (meta["reason"], meta["source"]) == ("typo", None)

    bulk = {"instances": [{"customer_id": "c2", "name": "Lee"}], "metadata": {"source": "csv"}}
    wait_ok(demo, "POST", f"{BASE}/instances/Customer/bulk-create", json=bulk)
    assert [m["source"] for m in _event_metadata(demo, "InstanceCreated")] == ["OMS-Service", "csv"]


@pytest.mark.parametrize(
    "metadata",
    [
        "not an object",
        {"reason": 3},
        {"reason": "x" * 1001},
        {f"k{i}": i for i in range(40)},
        {"blob": "x" * 9000},
    ],
    ids=["string", "reason-not-text", "long-reason", "many-keys", "too-big"],
)
def test_bad_metadata_is_refused_and_nothing_is_written(demo: TestClient, metadata: Any) -> None:
    before = container_of(demo).events.head_position()
    body = {"data": {"customer_id": "c1", "name": "Kim"}, "metadata": metadata}
    response = demo.post(f"{BASE}/instances/Customer/create", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_FAILED"
    assert container_of(demo).events.head_position() == before


def test_unknown_fields_are_still_refused(demo: TestClient) -> None:
    body = {"data": {"customer_id": "c1", "name": "Kim"}, "colour": "red"}
    assert demo.post(f"{BASE}/instances/Customer/create", json=body).status_code == 422


def test_seed_era_class_spellings(demo: TestClient) -> None:
    sent = {
        "id": "Employee",
        "label": {"en": "Employee", "ko": "직원"},
        "primaryKey": "employee_no",
        "titleKey": "name",
        "metadata": {"owner": "HR"},
        "properties": [
            {"name": "employee_no", "type": "string"},
            {"name": "name", "type": "string"},
        ],
    }
    wait_ok(demo, "POST", f"{BASE}/ontology", json=sent)
    cls = demo.get(f"{BASE}/ontology/Employee").json()["data"]
    assert (cls["title_key"], cls["metadata"]) == ("name", {"owner": "HR"})
    assert [p["primary_key"] for p in cls["properties"]] == [True, False]
    created = wait_ok(
        demo,
        "POST",
        f"{BASE}/instances/Employee/create",
        json={"data": {"employee_no": "e7", "name": "Park"}},
    )
    assert created["data"]["result"]["instance_id"] == "e7"


def test_a_partial_class_update_changes_only_what_is_sent(demo: TestClient) -> None:
    wait_ok(demo, "PATCH", f"{BASE}/ontology/Customer", json={"label": {"ko": "고객"}})
    cls = demo.get(f"{BASE}/ontology/Customer").json()["data"]
    assert cls["label"] == {"ko": "고객"}
    assert [p["name"] for p in cls["properties"]] == ["customer_id", "name", "age"]
    wait_ok(
        demo,
        "POST",
        f"{BASE}/instances/Customer/create",
        json={"data": {"customer_id": "c1", "name": "K"}},
    )
    stricter = {
        "properties": [
            {"name": "customer_id", "type": "string", "required": True},
            {"name": "tier", "type": "string", "required": True},
        ]
    }
    refused = demo.patch(f"{BASE}/ontology/Customer?wait=true", json=stricter)
    assert refused.status_code == 409, refused.text
    assert refused.json()["details"]["violations"][0]["instance"] == "Customer/c1"
    mismatch = demo.patch(f"{BASE}/ontology/Customer", json={"id": "Other", "label": "x"})
    assert mismatch.status_code == 422
    assert demo.patch(f"{BASE}/ontology/Ghost", json={"label": "x"}).status_code == 404


def test_database_answers_exists(demo: TestClient) -> None:
    assert demo.get("/api/v1/databases/demo").json()["data"]["exists"] is True
    missing = demo.get("/api/v1/databases/nowhere")
    assert missing.status_code == 404
    assert missing.json()["details"] == {"database": "nowhere", "exists": False}


def test_the_class_list_is_also_under_ontologies(demo: TestClient) -> None:
    data = demo.get(f"{BASE}/ontology").json()["data"]
    assert [c["id"] for c in data["ontologies"]] == ["Customer", "Product"]
    assert data["ontologies"] == data["classes"]


def test_health_answers_a_status(demo: TestClient) -> None:
    """Degraded is shown with a damaged index in test_graph_query."""
    for path in ("/health", "/api/v1/health"):
        body = demo.get(path).json()
        assert (body["status"], body["message"], body["data"]["status"]) == (
            "success",
            "healthy",
            "healthy",
        )


def test_the_graph_query_takes_include_audit(demo: TestClient) -> None:
    wait_ok(
        demo,
        "POST",
        f"{BASE}/instances/Customer/create",
        json={"data": {"customer_id": "c1", "name": "K"}},
        headers={"X-User-Id": "kim"},
    )
    done = wait_ok(
        demo,
        "PUT",
        f"{BASE}/instances/Customer/c1/update",
        json={"data": {"name": "L"}},
        headers={"X-User-Id": "lee"},
    )
    for path, body in (
        (
            "/api/v1/graph-query/demo",
            {"start_class": "Customer", "hops": [], "include_audit": True},
        ),
        ("/api/v1/graph-query/demo/simple", {"class_name": "Customer", "include_audit": True}),
    ):
        r = demo.post(path, json=body, params={"min_position": done["data"]["result"]["position"]})
        assert r.status_code == 200, r.text
        (node,) = r.json()["data"]["nodes"]
        audit = node["audit"]
        assert (audit["created_by"], audit["updated_by"]) == ("kim", "lee")
        assert audit["last_command_id"] == done["command_id"]
        assert audit["created_at"] <= audit["updated_at"]
    plain = demo.post("/api/v1/graph-query/demo", json={"start_class": "Customer", "hops": []})
    assert "audit" not in plain.json()["data"]["nodes"][0]


def test_the_seed_era_delete_by_expected_seq_is_a_deliberate_soft_delete(
    demo: TestClient,
) -> None:
    seq = demo.get("/api/v1/databases/demo/expected-seq").json()["data"]["expected_seq"]
    stale = demo.delete("/api/v1/databases/demo", params={"expected_seq": seq - 1, "wait": "true"})
    assert stale.status_code == 409, stale.text
    assert demo.get("/api/v1/databases/demo").status_code == 200
    assert demo.delete("/api/v1/databases/demo").status_code == 422  # neither: not deliberate
    gone = demo.delete("/api/v1/databases/demo", params={"expected_seq": seq, "wait": "true"})
    assert gone.status_code == 200, gone.text
    assert gone.json()["data"]["result"]["purge_after"]
    assert demo.get("/api/v1/databases/demo").status_code == 404
    restored = demo.post("/api/v1/databases/demo/restore?wait=true")
    assert restored.status_code == 200, restored.text


def test_inline_schema_suggestion_needs_no_database(client: TestClient) -> None:
    body = {"data": [["c1", "3"], ["c2", "5"]], "columns": ["customer_id", "visits"]}
    r = client.post("/api/v1/database/not_made_yet/suggest-schema-from-data", json=body)
    assert r.status_code == 200, r.text
    types = {p["name"]: p["type"] for p in r.json()["suggested_schema"]["properties"]}
    assert types["visits"] == "integer"
    assert client.get("/api/v1/databases/not_made_yet").status_code == 404
    bad = client.post("/api/v1/database/no spaces/suggest-schema-from-data", json=body)
    assert bad.status_code == 422
