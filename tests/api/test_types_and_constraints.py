"""Typed properties and constraints through the API: normal forms, per-field errors,
unique values, defaults, primary keys and dry runs."""

from __future__ import annotations

import unicodedata
from typing import Any

from fastapi.testclient import TestClient

from tests.api.support import container_of, head, wait_ok

BASE = "/api/v1/database/shop"
CONTACT = {
    "id": "Contact",
    "label": {"en": "Contact", "ko": "연락처"},
    "properties": [
        {"name": "code", "type": "string", "primary_key": True, "pattern": "^C-[0-9]+$"},
        {"name": "email", "type": "email", "unique": True, "label": {"ko": "이메일"}},
        {"name": "phone", "type": "phone"},
        {"name": "budget", "type": "money", "constraints": {"currencies": ["KRW", "USD"]}},
        {"name": "age", "type": "integer", "min": 0, "max": 150},
        {"name": "tier", "type": "enum", "values": ["gold", "silver"], "default": "silver"},
        {"name": "tags", "type": "array", "items": "string", "max_items": 3, "unique_items": True},
        {
            "name": "office",
            "type": "object",
            "properties": [
                {"name": "city", "type": "string", "required": True},
                {"name": "location", "type": "coordinate"},
            ],
        },
        {"name": "site", "type": "url"},
        {"name": "since", "type": "date", "min": "2000-01-01"},
    ],
}


def setup(client: TestClient) -> TestClient:
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "shop"})
    wait_ok(client, "POST", f"{BASE}/ontology", json=CONTACT)
    return client


def create(client: TestClient, data: dict[str, Any]) -> Any:
    return client.post(f"{BASE}/instances/Contact/create?wait=true", json={"data": data})


def test_types_endpoint_lists_every_type_with_parameters(client: TestClient) -> None:
    body = client.get("/api/v1/types").json()["data"]
    by_name = {t["name"]: t for t in body["types"]}
    assert body["count"] == len(by_name) == 27
    assert {"email", "phone", "money", "array", "object", "coordinate", "address"} <= set(by_name)
    assert "currencies" in by_name["money"]["parameters"]
    assert client.get("/api/v1/types/phone").json()["data"]["normal_form"] == "+821012345678"
    assert client.get("/api/v1/types/nope").status_code == 404


def test_values_are_stored_in_normal_form_with_defaults(client: TestClient) -> None:
    setup(client)
    r = create(
        client,
        {
            "code": "C-1",
            "email": "Kim@Example.COM",
            "phone": "010-1234-5678",
            "budget": "5,000 krw",
            "age": "42",
            "tags": ["vip"],
            "office": {"city": "Seoul", "location": "37.5665,126.978"},
            "site": "HTTPS://Example.com",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["result"]["instance_id"] == "C-1"  # from the primary key
    stored = client.get(f"{BASE}/instances/Contact/C-1").json()["data"]["data"]
    assert stored["email"] == "kim@example.com"
    assert stored["phone"] == "+821012345678"
    assert stored["budget"] == {"amount": "5000", "currency": "KRW"}
    assert stored["age"] == 42
    assert stored["tier"] == "silver"
    assert stored["office"] == {"city": "Seoul", "location": {"lat": 37.5665, "lon": 126.978}}
    assert stored["site"] == "https://example.com/"


def test_each_bad_field_is_reported_and_nothing_is_written(client: TestClient) -> None:
    setup(client)
    before = head(client)
    r = create(
        client,
        {
            "code": "X-1",
            "email": "not-an-email",
            "phone": "12",
            "budget": "10 EUR",
            "age": 200,
            "tier": "bronze",
            "tags": ["a", "a"],
            "office": {"location": {"lat": 95, "lon": 0}},
            "since": "1999-12-31",
        },
    )
    assert r.status_code == 422, r.text
    errors = {(e["path"], e["code"]) for e in r.json()["details"]["errors"]}
    assert errors == {
        ("code", "pattern"),
        ("email", "invalid_email"),
        ("phone", "invalid_phone"),
        ("budget", "invalid_money"),
        ("age", "max"),
        ("tier", "invalid_enum"),
        ("tags", "unique_items"),
        ("office.location", "invalid_coordinate"),
        ("office.city", "required"),
        ("since", "min"),
    }
    values = {e["path"]: e["value"] for e in r.json()["details"]["errors"]}
    assert values["age"] == 200 and values["phone"] == "12"
    assert head(client) == before


def test_bad_constraints_in_a_class_definition_are_422(client: TestClient) -> None:
    setup(client)
    bad = {
        "id": "Bad",
        "properties": [
            {"name": "a", "type": "integer", "min": 5, "max": 1},
            {"name": "b", "type": "string", "pattern": "("},
            {"name": "c", "type": "enum"},
            {"name": "d", "type": "integer", "default": "x"},
            {"name": "e", "type": "boolean", "max_length": 3},
            {"name": "f", "type": "phone", "default_region": "XX"},
        ],
        "label": {"en": 5},
    }
    r = client.post(f"{BASE}/ontology", json=bad)
    assert r.status_code == 422, r.text
    paths = {e["path"] for e in r.json()["details"]["errors"]}
    assert paths == {
        "properties[0].constraints.min",
        "properties[1].constraints.pattern",
        "properties[2].constraints.values",
        "properties[3].default",
        "properties[4].constraints.max_length",
        "properties[5].constraints.default_region",
        "label",
    }


def test_unique_values_are_held_by_one_instance(client: TestClient) -> None:
    setup(client)
    assert create(client, {"code": "C-1", "email": "a@example.com"}).status_code == 200
    taken = create(client, {"code": "C-2", "email": "A@example.com"})
    assert taken.status_code == 409
    assert taken.json()["details"]["conflicts"][0]["held_by"] == "Contact/C-1"
    assert create(client, {"code": "C-2", "email": "b@example.com"}).status_code == 200
    update = client.put(
        f"{BASE}/instances/Contact/C-2/update?wait=true", json={"data": {"email": "a@example.com"}}
    )
    assert update.status_code == 409
    # Changing a value frees the old one; deleting frees the held ones.
    wait_ok(
        client,
        "PUT",
        f"{BASE}/instances/Contact/C-1/update",
        json={"data": {"email": "c@example.com"}},
    )
    assert create(client, {"code": "C-3", "email": "a@example.com"}).status_code == 200
    wait_ok(client, "DELETE", f"{BASE}/instances/Contact/C-3/delete")
    assert create(client, {"code": "C-4", "email": "a@example.com"}).status_code == 200


def test_unique_text_is_compared_in_nfc(client: TestClient) -> None:
    """The same text precomposed (NFC) and with combining marks (NFD) is one value."""
    wait_ok(client, "POST", "/api/v1/databases", json={"name": "shop"})
    tag = {
        "id": "Tag",
        "properties": [
            {"name": "tag_id", "type": "string", "primary_key": True},
            {"name": "name", "type": "string", "unique": True},
        ],
    }
    wait_ok(client, "POST", f"{BASE}/ontology", json=tag)
    tags = f"{BASE}/instances/Tag/create?wait=true"
    composed = "caf\u00e9 \ud55c\uae00"  # café 한글
    decomposed = "cafe\u0301 \u1112\u1161\u11ab\u1100\u1173\u11af"
    assert unicodedata.normalize("NFC", decomposed) == composed != decomposed
    assert client.post(tags, json={"data": {"tag_id": "t1", "name": composed}}).status_code == 200
    taken = client.post(tags, json={"data": {"tag_id": "t2", "name": decomposed}})
    assert taken.status_code == 409, taken.text
    assert taken.json()["details"]["conflicts"][0]["held_by"] == "Tag/t1"


def test_unique_values_in_one_bulk_and_in_a_race(client: TestClient) -> None:
    setup(client)
    rows = [{"code": "C-1", "email": "x@example.com"}, {"code": "C-2", "email": "x@example.com"}]
    r = client.post(f"{BASE}/instances/Contact/bulk-create?wait=true", json={"instances": rows})
    assert r.status_code == 409
    container = container_of(client)
    container.worker.stop()
    ids = [
        client.post(
            f"{BASE}/instances/Contact/create",
            json={"data": {"code": f"C-{i}", "email": "r@example.com"}},
        ).json()["command_id"]
        for i in (5, 6)
    ]
    container.worker.run_until_caught_up()
    statuses = [container.tracker.get(i) for i in ids]
    assert [s.status for s in statuses] == ["COMPLETED", "FAILED"]
    assert statuses[1].error["details"]["conflicts"][0]["held_by"] == "Contact/C-5"


def test_dry_runs_write_nothing(client: TestClient) -> None:
    setup(client)
    before = head(client)
    ok = client.post(
        f"{BASE}/instances/Contact/validate",
        json={"data": {"code": "C-9", "phone": "02-2100-2114"}},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["data"]["instance_id"] == "C-9"
    assert ok.json()["data"]["values"]["phone"] == "+82221002114"
    bad = client.post(
        f"{BASE}/instances/Contact/validate", json={"data": {"code": "C-9", "age": -1}}
    )
    assert bad.status_code == 422
    assert bad.json()["details"]["errors"][0]["code"] == "min"
    new_class = client.post(
        f"{BASE}/ontology/validate",
        json={"id": "Note", "properties": [{"name": "t", "type": "text"}]},
    )
    assert new_class.status_code == 200
    assert new_class.json()["data"]["exists"] is False
    assert (
        client.post(
            f"{BASE}/ontology/validate",
            json={"id": "Note", "properties": [{"name": "t", "type": "nope"}]},
        ).status_code
        == 422
    )
    assert head(client) == before
    assert client.get(f"{BASE}/ontology/Note").status_code == 404
