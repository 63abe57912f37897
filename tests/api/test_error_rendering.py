"""The error shape on paths the product's own routes rarely take: an error the API has no
status for, details JSON cannot hold, and an unexpected exception (500 without internals)."""

from __future__ import annotations

import math

from fastapi import FastAPI
from fastapi.testclient import TestClient

from spice.domain import errors as e
from spice.entrypoints.api.errors import install, status_of_failure


class _Odd(e.SpiceError):
    code = "ODD"


def _app() -> TestClient:
    app = FastAPI()
    install(app)

    @app.get("/odd")
    def odd() -> None:
        raise _Odd("no status is mapped for this one")

    @app.get("/nan")
    def nan() -> None:
        raise e.Conflict("bad number", {"value": math.nan, "big": [math.inf], 3: {"obj": object}})

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    return TestClient(app, raise_server_exceptions=False)


def test_an_error_without_a_mapped_status_is_a_500_in_the_error_shape() -> None:
    r = _app().get("/odd")
    assert r.status_code == 500
    assert r.json() == {
        "status": "error",
        "code": "ODD",
        "message": "no status is mapped for this one",
        "details": {},
    }


def test_details_json_cannot_hold_are_rendered_as_text() -> None:
    r = _app().get("/nan")
    assert r.status_code == 409
    details = r.json()["details"]
    assert details["value"] == "nan" and details["big"] == ["inf"]
    assert details["3"]["obj"] == str(object)


def test_an_unexpected_exception_says_nothing_of_its_internals() -> None:
    r = _app().get("/boom")
    assert r.status_code == 500
    assert r.json()["code"] == "INTERNAL_ERROR"
    assert "secret" not in r.text


def test_a_recorded_failure_maps_to_its_status_by_kind() -> None:
    assert status_of_failure({"kind": "ConcurrencyConflict"}) == 409
    assert status_of_failure({"kind": "NotFound"}) == 404
    assert status_of_failure({"kind": "SomethingNew"}) == 500
