"""/openapi.json documents the real bodies: every route its success body and the one error
shape, so clients and contract fuzzers can rely on it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import TEST_HOST

ERROR_CODES = ("400", "404", "409", "422")


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("openapi"), run_workers=False, allowed_hosts=TEST_HOST
    )
    with TestClient(create_app(settings)) as client:
        body: dict[str, Any] = client.get("/openapi.json").json()
    return body


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _schema_ref(response: dict[str, Any]) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", ""))


def test_every_route_documents_its_success_body(spec: dict[str, Any]) -> None:
    missing = []
    for path, method, op in _operations(spec):
        success = next(code for code in op["responses"] if code.startswith("2"))
        if not _schema_ref(op["responses"][success]):
            missing.append(f"{method.upper()} {path} {success}")
    assert missing == []


def test_every_route_documents_the_error_shape(spec: dict[str, Any]) -> None:
    for path, method, op in _operations(spec):
        for code in ERROR_CODES:
            ref = _schema_ref(op["responses"].get(code, {}))
            assert ref.endswith("/ErrorBody"), f"{method.upper()} {path} {code}: {ref}"
    error = spec["components"]["schemas"]["ErrorBody"]
    assert set(error["required"]) == {"status", "code", "message", "details"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_writes_document_both_answers(spec: dict[str, Any]) -> None:
    create = spec["paths"]["/api/v1/database/{db}/instances/{class_id}/create"]["post"]
    assert _schema_ref(create["responses"]["202"]).endswith("/AcceptedBody")
    assert _schema_ref(create["responses"]["200"]).endswith("/CompletedBody")
    body = spec["components"]["schemas"]["InstanceCreate"]
    assert "metadata" in body["properties"]


def test_the_partial_class_update_is_documented(spec: dict[str, Any]) -> None:
    assert "patch" in spec["paths"]["/api/v1/database/{db}/ontology/{class_id}"]
