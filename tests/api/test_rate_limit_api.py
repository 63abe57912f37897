"""Rate limiting at the API: in process (embedded) or shared through Redis (distributed)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app


def test_requests_over_the_burst_get_429_with_when_to_retry(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit_per_second": 0.5, "rate_limit_burst": 3})
    with TestClient(create_app(limited)) as client:
        answers = [client.get("/api/v1/databases") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        refused = answers[3]
        assert refused.json()["code"] == "RATE_LIMITED"
        assert 1 <= int(refused.headers["retry-after"]) <= 2  # one request every 2 s
        assert refused.json()["details"]["retry_after_seconds"] > 0
        # A refused request changed nothing: the database was not created.
        assert client.post("/api/v1/databases", json={"name": "x"}).status_code == 429
        assert client.get("/health").status_code == 200  # health checks are not counted
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/databases").json()["data"]["databases"] == []


def test_api_processes_share_counts_through_redis(settings: Settings) -> None:
    """Two apps stand for two `spice api` processes: with Redis (distributed) a client's
    requests count in both; in process each keeps its own."""
    limited = settings.model_copy(update={"rate_limit_per_second": 0.1, "rate_limit_burst": 2})
    with TestClient(create_app(limited)) as one, TestClient(create_app(limited)) as two:
        assert one.get("/api/v1/databases").status_code == 200
        assert one.get("/api/v1/databases").status_code == 200
        shared = bool(settings.rate_limit_url)
        assert two.get("/api/v1/databases").status_code == (429 if shared else 200)


def test_clients_are_told_apart_by_the_key_header(settings: Settings) -> None:
    limited = settings.model_copy(
        update={
            "rate_limit_per_second": 0.1,
            "rate_limit_burst": 1,
            "rate_limit_key_header": "X-Api-Key",
        }
    )
    with TestClient(create_app(limited)) as client:
        first = {"X-Api-Key": "team-a"}
        assert client.get("/api/v1/databases", headers=first).status_code == 200
        assert client.get("/api/v1/databases", headers=first).status_code == 429
        assert client.get("/api/v1/databases", headers={"X-Api-Key": "team-b"}).status_code == 200


def test_without_a_limit_nothing_is_counted(client: TestClient) -> None:
    answers = [client.get("/api/v1/databases") for _ in range(30)]
    assert all(a.status_code == 200 for a in answers)
    assert "ratelimit-limit" not in answers[0].headers
