"""Rate limiting at the API, on by default: per signed-in user wherever they call from,
else per address, or per the key header a gateway sets; the local administrator of a
loopback server is not limited. In process (embedded) or shared through Redis
(distributed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import ADMIN_PASSWORD, SECURED, bearer, signed_in


@pytest.fixture
def admin_app(settings: Settings) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """A server beyond loopback limited to 0.5 requests a second after a burst of 3, and
    its administrator's credentials."""
    limited = settings.model_copy(
        update={**SECURED, "rate_limit_per_second": 0.5, "rate_limit_burst": 3}
    )
    app = create_app(limited)
    with TestClient(app) as client:
        yield app, bearer(signed_in(client, "admin", ADMIN_PASSWORD))


def test_the_defaults_limit_every_client() -> None:
    defaults = Settings()
    assert (defaults.rate_limit_per_second, defaults.rate_limit_burst) == (100, 200)


def test_requests_over_the_burst_get_429_with_when_to_retry(
    admin_app: tuple[FastAPI, dict[str, str]],
) -> None:
    app, admin = admin_app
    client = TestClient(app)
    answers = [client.get("/api/v1/databases", headers=admin) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    refused = answers[3]
    assert refused.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["retry-after"]) <= 2  # one request every 2 s
    assert refused.json()["details"]["retry_after_seconds"] > 0
    # A refused request changed nothing: the database was not created.
    made = client.post("/api/v1/databases", json={"name": "x"}, headers=admin)
    assert made.status_code == 429
    assert client.get("/health").status_code == 200  # health checks are not counted
    assert client.get("/ready").status_code in (200, 503)


def test_a_user_is_one_client_wherever_they_call_from_and_addresses_are_others(
    admin_app: tuple[FastAPI, dict[str, str]],
) -> None:
    app, admin = admin_app
    here, there = (TestClient(app, client=(ip, 5000)) for ip in ("10.0.0.1", "10.0.0.2"))
    statuses = [c.get("/api/v1/databases", headers=admin).status_code for c in (here, there)]
    statuses += [here.get("/api/v1/databases", headers=admin).status_code for _ in range(2)]
    assert statuses == [200, 200, 200, 429]  # one bucket for the user, from both places
    for client in (here, there):  # without credentials: a bucket per address
        assert [client.get("/api/v1/types").status_code for _ in range(4)] == [200] * 3 + [429]


def test_api_processes_share_counts_through_redis(settings: Settings) -> None:
    """Two apps stand for two `spice api` processes: with Redis (distributed) a client's
    requests count in both; in process each keeps its own."""
    limited = settings.model_copy(
        update={**SECURED, "rate_limit_per_second": 0.1, "rate_limit_burst": 2}
    )
    with TestClient(create_app(limited)) as one, TestClient(create_app(limited)) as two:
        assert one.get("/api/v1/types").status_code == 200
        assert one.get("/api/v1/types").status_code == 200
        shared = bool(settings.rate_limit_url)
        assert two.get("/api/v1/types").status_code == (429 if shared else 200)


def test_clients_are_told_apart_by_the_key_header(settings: Settings) -> None:
    limited = settings.model_copy(
        update={
            **SECURED,
            "rate_limit_per_second": 0.1,
            "rate_limit_burst": 1,
            "rate_limit_key_header": "X-Api-Key",
        }
    )
    with TestClient(create_app(limited)) as client:
        first = {"X-Api-Key": "team-a"}
        assert client.get("/api/v1/types", headers=first).status_code == 200
        assert client.get("/api/v1/types", headers=first).status_code == 429
        assert client.get("/api/v1/types", headers={"X-Api-Key": "team-b"}).status_code == 200


@pytest.mark.parametrize("limit", [{"rate_limit_per_second": 0.5, "rate_limit_burst": 1}, {}])
def test_the_local_administrator_of_a_loopback_server_is_not_limited(
    settings: Settings, limit: dict[str, Any]
) -> None:
    with TestClient(create_app(settings.model_copy(update=limit))) as client:
        answers = [client.get("/api/v1/databases") for _ in range(30)]
    assert all(a.status_code == 200 for a in answers)
    assert "ratelimit-limit" not in answers[0].headers


def test_without_a_limit_nothing_is_counted(settings: Settings) -> None:
    off = settings.model_copy(update={**SECURED, "rate_limit_per_second": 0})
    with TestClient(create_app(off)) as client:
        answers = [client.get("/api/v1/types") for _ in range(30)]
    assert all(a.status_code == 200 for a in answers)
    assert "ratelimit-limit" not in answers[0].headers
