"""Bad input: one error shape, an honest status, and nothing written to the log."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import head

CREATE = "/api/v1/database/demo/instances/Product/create"


CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    (
        "POST",
        "/api/v1/database/nope/instances/Product/create",
        {"json": {"data": {"product_id": "p", "name": "n"}}},
        404,
        "NOT_FOUND",
    ),
    (
        "POST",
        "/api/v1/database/demo/instances/Nope/create",
        {"json": {"data": {"product_id": "p"}}},
        404,
        "NOT_FOUND",
    ),
    ("POST", CREATE, {"json": {"data": {"product_id": "p", "name": 5}}}, 422, "VALIDATION_FAILED"),
    ("POST", CREATE, {"json": {"data": {"product_id": "p"}}}, 422, "VALIDATION_FAILED"),
    (
        "POST",
        CREATE,
        {"json": {"data": {"product_id": "p", "name": "n", "x": 1}}},
        422,
        "VALIDATION_FAILED",
    ),
    (
        "POST",
        CREATE,
        {"json": {"data": {"product_id": "p", "name": "n", "price": "abc"}}},
        422,
        "VALIDATION_FAILED",
    ),
    (
        "POST",
        CREATE,
        {"json": {"data": {"product_id": "p", "name": "n", "owned_by": "Customer/ghost"}}},
        422,
        "VALIDATION_FAILED",
    ),
    (
        "POST",
        CREATE,
        {"json": {"data": {"product_id": "bad id!", "name": "n"}}},
        422,
        "VALIDATION_FAILED",
    ),
    (
        "POST",
        CREATE,
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
        400,
        "MALFORMED_JSON",
    ),
    ("POST", CREATE, {"json": [1, 2]}, 400, "MALFORMED_JSON"),
    ("POST", CREATE, {"json": {"nodata": 1}}, 422, "VALIDATION_FAILED"),
    (
        "POST",
        "/api/v1/database/demo/instances/Customer/create",
        {"json": {"data": {"customer_id": "c", "name": "n", "age": 2**63}}},
        422,
        "VALIDATION_FAILED",
    ),
    (
        "POST",
        "/api/v1/database/demo/ontology",
        {"json": {"id": "Z", "extra": 2**70}},
        422,
        "VALIDATION_FAILED",
    ),
    (
        "POST",
        CREATE,
        {"content": b"x" * 70_000, "headers": {"content-type": "application/json"}},
        413,
        "PAYLOAD_TOO_LARGE",
    ),
    ("POST", "/api/v1/databases", {"json": {"name": "bad name!"}}, 422, "VALIDATION_FAILED"),
    ("POST", "/api/v1/databases", {"json": {"name": "demo"}}, 409, "CONFLICT"),
    (
        "POST",
        "/api/v1/database/demo/ontology",
        {"json": {"id": "X", "properties": [{"name": "a", "type": "nosuchtype"}]}},
        422,
        "VALIDATION_FAILED",
    ),
    ("POST", "/api/v1/database/demo/ontology", {"json": {"id": "Customer"}}, 409, "CONFLICT"),
    (
        "POST",
        "/api/v1/database/demo/ontology",
        {
            "json": {
                "id": "Y",
                "relationships": [{"predicate": "p", "target": "Ghost", "cardinality": "n:1"}],
            }
        },
        422,
        "VALIDATION_FAILED",
    ),
    (
        "PUT",
        "/api/v1/database/demo/instances/Product/ghost/update",
        {"json": {"data": {}}},
        404,
        "NOT_FOUND",
    ),
    ("DELETE", "/api/v1/database/demo/instances/Product/ghost/delete", {}, 404, "NOT_FOUND"),
    ("GET", "/api/v1/database/demo/instances/Product/ghost", {}, 404, "NOT_FOUND"),
    ("GET", "/api/v1/databases/nope", {}, 404, "NOT_FOUND"),
    ("GET", "/api/v1/commands/00000000-0000-0000-0000-000000000000/status", {}, 404, "NOT_FOUND"),
    ("GET", "/api/v1/database/demo/instances/Product?limit=0", {}, 422, "VALIDATION_FAILED"),
    (
        "GET",
        f"/api/v1/database/demo/instances/Product?offset={2**64}",
        {},
        422,
        "VALIDATION_FAILED",
    ),
    (
        "GET",
        "/api/v1/database/demo/instances/Product?min_position=4000000000",
        {},
        400,
        "BAD_REQUEST",
    ),
    (
        "POST",
        CREATE,
        {"json": {"data": {"product_id": "p", "name": "n", "price": "1e1000000"}}},
        422,
        "VALIDATION_FAILED",
    ),
    (
        "POST",
        CREATE,
        {
            "content": b'{"data": {"product_id": "p", "name": "n", "price": NaN}}',
            "headers": {"content-type": "application/json"},
        },
        422,
        "VALIDATION_FAILED",
    ),
    (
        "POST",
        "/api/v1/database/demo/ontology",
        {
            "content": b'{"id": "Z", "label": Infinity}',
            "headers": {"content-type": "application/json"},
        },
        422,
        "VALIDATION_FAILED",
    ),
    ("POST", "/api/v1/databases", {"json": {"name": "trailing\n"}}, 422, "VALIDATION_FAILED"),
    (
        "POST",
        CREATE,
        {
            # a list becomes a generator per run: sent chunked, with no Content-Length
            "content": [b'{"data": "', b"x" * 40_000, b"x" * 40_000, b'"}'],
            "headers": {"content-type": "application/json"},
        },
        413,
        "PAYLOAD_TOO_LARGE",
    ),
    ("GET", "/api/v1/database/demo/instances/Product?branch=..%2Fx", {}, 422, "VALIDATION_FAILED"),
    (  # found by Schemathesis: an integer beyond 64 bits inside a write's metadata
        "POST",
        CREATE,
        {"json": {"data": {"product_id": "p", "name": "n"}, "metadata": {"x": [2**70]}}},
        422,
        "VALIDATION_FAILED",
    ),
]


@pytest.mark.parametrize(("method", "url", "kwargs", "status", "code"), CASES)
def test_bad_input_is_refused_and_writes_nothing(
    demo: TestClient, method: str, url: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    if isinstance(kwargs.get("content"), list):
        kwargs = {**kwargs, "content": iter(kwargs["content"])}
    before = head(demo)
    response = demo.request(method, url, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "error"
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    assert head(demo) == before


def test_field_errors_name_each_field(demo: TestClient) -> None:
    response = demo.post(CREATE, json={"data": {"name": 5, "price": "x", "ghost": 1}})
    errors = {e["path"]: e for e in response.json()["details"]["errors"]}
    assert set(errors) == {"name", "price", "ghost", "product_id"}
    assert errors["name"]["value"] == 5
    assert errors["ghost"]["code"] == "unknown_property"
    assert errors["product_id"]["code"] == "required"


def test_datetime_out_of_range_in_utc_is_refused(demo: TestClient) -> None:
    event = {"id": "Event", "properties": [{"name": "at", "type": "datetime"}]}
    assert demo.post("/api/v1/database/demo/ontology?wait=true", json=event).status_code == 200
    before = head(demo)
    response = demo.post(
        "/api/v1/database/demo/instances/Event/create",
        json={"data": {"at": "0001-01-01T00:00:00+01:00"}},
    )
    assert response.status_code == 422, response.text
    assert response.json()["details"]["errors"][0]["path"] == "at"
    assert head(demo) == before
