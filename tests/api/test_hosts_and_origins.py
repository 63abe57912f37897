"""Which hosts and web pages reach the API: a loopback server answers only to loopback
names (a rebound DNS name is refused), a page of another origin can neither write nor
open a socket nor read answers (CORS closed), and allowed origins can."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from spice.entrypoints.api.origins import POLICY_VIOLATION, host_name
from tests.api.support import SECURED

CONSOLE = "https://console.example.com"
EVIL = {"Origin": "http://evil.example"}
SOCKET = "ws://127.0.0.1:8002/ws/commands"  # the test client's sockets go to testserver else


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", run_workers=False, allowed_origins=CONSOLE)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8002") as client:
        yield client


def _names(client: TestClient) -> list[str]:
    return [d["name"] for d in client.get("/api/v1/databases").json()["data"]["databases"]]


def test_a_loopback_server_answers_only_to_loopback_names(loopback: TestClient) -> None:
    for host in ("127.0.0.1:8002", "localhost:8002", "LOCALHOST", "[::1]:8002", "127.0.0.1"):
        assert loopback.get("/health", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example:8002", "127.0.0.1.evil.example", "", "[::1"):
        refused = loopback.get("/api/v1/databases", headers={"Host": host})
        assert refused.status_code == 400, host
        assert refused.json()["code"] == "INVALID_HOST"
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        loopback.websocket_connect(SOCKET, headers={"Host": "evil.example"}),
    ):
        pass
    assert closed.value.code == POLICY_VIOLATION


def test_hosts_beyond_loopback_are_any_unless_named(tmp_path: Path) -> None:
    base = Settings(data_dir=tmp_path / "data", run_workers=False, **SECURED)  # type: ignore[arg-type]
    with TestClient(create_app(base)) as client:
        assert client.get("/health", headers={"Host": "api.example.com"}).status_code == 200
    named = base.model_copy(update={"allowed_hosts": "api.example.com, [2001:db8::1]"})
    with TestClient(create_app(named)) as client:
        for host, status in (
            ("api.example.com", 200),
            ("API.example.com:443", 200),
            ("[2001:db8::1]:8002", 200),
            ("localhost", 400),
            ("other.example.com", 400),
        ):
            assert client.get("/health", headers={"Host": host}).status_code == status, host


def test_a_page_of_another_origin_cannot_write_or_open_a_socket(loopback: TestClient) -> None:
    refused = loopback.post("/api/v1/databases", json={"name": "planted"}, headers=EVIL)
    assert refused.status_code == 403 and refused.json()["code"] == "ORIGIN_NOT_ALLOWED"
    upload = {"file": ("a.csv", b"a\n1\n")}
    form = loopback.post("/api/v1/databases/x/datasets/d/versions", files=upload, headers=EVIL)
    assert form.status_code == 403  # a form post needs no CORS preflight: refused here
    read = loopback.get("/api/v1/databases", headers=EVIL)
    assert read.status_code == 200 and "access-control-allow-origin" not in read.headers
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        loopback.websocket_connect(SOCKET, headers=EVIL),
    ):
        pass
    assert closed.value.code == POLICY_VIOLATION
    own = loopback.post(
        "/api/v1/databases", json={"name": "own"}, headers={"Origin": "http://127.0.0.1:8002"}
    )
    assert own.status_code == 202, own.text
    assert "planted" not in _names(loopback)


def test_an_allowed_origin_may_call_the_api_from_a_browser(loopback: TestClient) -> None:
    preflight = loopback.options(
        "/api/v1/databases",
        headers={
            "Origin": CONSOLE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == CONSOLE
    made = loopback.post("/api/v1/databases", json={"name": "web"}, headers={"Origin": CONSOLE})
    assert made.status_code == 202
    assert made.headers["access-control-allow-origin"] == CONSOLE
    with loopback.websocket_connect(SOCKET, headers={"Origin": CONSOLE}) as ws:
        assert ws.receive_json()["type"] == "connection_established"


def test_host_names_lose_their_port() -> None:
    assert host_name("Example.COM:8002") == "example.com"
    assert host_name("[::1]:8002") == "::1"
    assert host_name("::1") == "::1"
    assert host_name("127.0.0.1") == "127.0.0.1"
