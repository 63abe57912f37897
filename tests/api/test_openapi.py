"""/openapi.json documents the real bodies: every route its success body and the one error
shape, so clients and contract fuzzers can rely on it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.domain import names
from spice.entrypoints.api.app import create_app
from tests.api.support import TEST_HOST


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
        errors = [code for code in op["responses"] if code[0] in "45"]
        assert "400" in errors and "503" in errors, f"{method.upper()} {path}"
        for code in errors:
            if (path, code) in (("/ready", "503"), ("/api/v1/ready", "503")):
                continue  # not ready: the readiness body, with the reason
            ref = _schema_ref(op["responses"][code])
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


def test_each_operation_names_only_the_errors_it_can_give(spec: dict[str, Any]) -> None:
    def errors(path: str, method: str) -> set[str]:
        return {c for c in spec["paths"][path][method]["responses"] if c[0] in "45"}

    assert errors("/health", "get") == {"400", "401", "429", "503"}
    assert errors("/api/v1/types", "get") == {"400", "401", "429", "503"}
    read = errors("/api/v1/database/{db}/instances/{class_id}/{instance_id}", "get")
    assert {"404", "422", "403"} <= read and not {"409", "413"} & read
    write = errors("/api/v1/database/{db}/instances/{class_id}/create", "post")
    assert {"404", "408", "409", "413", "422"} <= write


def test_ids_carry_the_pattern_the_server_checks_them_against(spec: dict[str, Any]) -> None:
    op = spec["paths"]["/api/v1/database/{db}/instances/{class_id}/{instance_id}"]["get"]
    patterns = {p["name"]: p["schema"].get("pattern") for p in op["parameters"]}
    assert patterns["db"] == names.DATABASE_NAME.pattern
    assert patterns["class_id"] == names.CLASS_ID.pattern
    assert patterns["instance_id"] == names.INSTANCE_ID.pattern
    assert patterns["branch"] == names.BRANCH_NAME.pattern


def test_each_operation_says_who_may_call_it(spec: dict[str, Any]) -> None:
    ops = {(m, p): op for p, item in spec["paths"].items() for m, op in item.items()}
    assert all("x-spice-access" in op for op in ops.values())
    assert ops[("get", "/api/v1/health")]["x-spice-access"] == "open"
    assert ops[("delete", "/api/v1/databases/{db}")]["x-spice-access"] == "owner"
    assert ops[("post", "/api/v1/database/{db}/search")]["x-spice-access"] == "viewer"


def _resolved(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _bare(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Whether a schema is (or may be) an object that names none of its fields, as
    `dict[str, Any]` documents it; a map to a documented value is not."""
    schema = _resolved(spec, schema)
    options = [o for o in schema.get("anyOf", schema.get("oneOf", [])) if o.get("type") != "null"]
    if options:
        return any(_bare(spec, o) for o in options)
    values = schema.get("additionalProperties", True)
    untyped = values is True or values == {}
    return schema.get("type") == "object" and not schema.get("properties") and untyped


def test_no_success_body_is_an_untyped_object(spec: dict[str, Any]) -> None:
    """Every 200 and 202 body, and its `data`, names its fields."""
    bare = []
    for path, method, op in _operations(spec):
        for code in ("200", "202"):
            schema = op["responses"].get(code, {}).get("content", {}).get("application/json")
            if schema is None:
                continue
            body = _resolved(spec, schema["schema"])
            data = body.get("properties", {}).get("data")
            if _bare(spec, body) or (data is not None and _bare(spec, data)):
                bare.append(f"{method.upper()} {path} {code}")
    assert bare == []


def test_an_issued_key_is_documented_with_the_key(spec: dict[str, Any]) -> None:
    issued = spec["paths"]["/api/v1/auth/keys"]["post"]["responses"]["200"]
    data = _resolved(spec, _resolved(spec, issued["content"]["application/json"]["schema"]))
    result = _resolved(spec, _resolved(spec, data["properties"]["data"])["properties"]["result"])
    assert {"key", "key_id", "username", "name"} <= set(result.get("properties", {}))
