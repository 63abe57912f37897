"""What one client can make the HTTP server hold, and the methods it answers: a body that stops
arriving gets 408 and its connection closed, a request head past 64 KiB gets 400, HEAD
answers wherever GET does, and a 405 says in `Allow` what the path takes.

The first two need the real server (uvicorn reads heads and bodies before the app runs): one
`spice serve` process for the module, with a body read timeout of one second."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.support import wait_ok
from tests.server import ServerProcess

READ_TIMEOUT = 1.0
# How late past its bound an answer may come on a loaded 2-core CI machine.
SLACK = 4.0


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data = tmp_path_factory.mktemp("http-hardening") / "data"
    server = ServerProcess(data, env={"SPICE_BODY_READ_TIMEOUT_SECONDS": str(READ_TIMEOUT)})
    server.start()
    yield server
    server.stop()


def exchange(server: ServerProcess, data: bytes, wait: float) -> tuple[bytes, bool, float]:
    """Send `data` on a fresh connection and read until the server closes it or `wait`
    seconds pass: (what came back, whether it was closed, seconds taken)."""
    started = time.monotonic()
    received = b""
    with socket.create_connection((server.host, server.port), timeout=wait) as sock:
        # The server may close before all of it is sent; its answer is still read.
        with contextlib.suppress(OSError):
            sock.sendall(data)
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return received, False, time.monotonic() - started
            except ConnectionResetError:
                return received, True, time.monotonic() - started
            if not chunk:
                return received, True, time.monotonic() - started
            received += chunk


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def head_of(method: str, path: str, *lines: str) -> bytes:
    return "\r\n".join([f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *lines, "", ""]).encode()


def test_a_body_that_stops_arriving_gets_408_and_its_connection_closed(
    live: ServerProcess,
) -> None:
    request = head_of(
        "POST", "/api/v1/databases", "Content-Type: application/json", "Content-Length: 100"
    )
    answer, closed, seconds = exchange(live, request + b'{"name":', wait=READ_TIMEOUT + SLACK)
    assert status_of(answer) == 408, answer[:200]
    assert closed
    assert READ_TIMEOUT * 0.5 <= seconds <= READ_TIMEOUT + SLACK
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["status"] == "error" and body["code"] == "REQUEST_TIMEOUT"
    assert body["details"] == {"read_timeout_seconds": READ_TIMEOUT}


def test_a_body_that_keeps_arriving_is_read_whole(live: ServerProcess) -> None:
    """The bound is on each wait for more of the body, not on the whole body."""
    body = json.dumps({"name": "slowly"}).encode()
    request = head_of(
        "POST",
        "/api/v1/databases",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    )
    with socket.create_connection((live.host, live.port), timeout=READ_TIMEOUT + SLACK) as sock:
        sock.sendall(request + body[:5])
        for i in range(5, len(body), 5):
            time.sleep(READ_TIMEOUT * 0.4)
            sock.sendall(body[i : i + 5])
        answer = sock.recv(65536)
    assert status_of(answer) == 202, answer[:300]


def test_a_head_over_64_kib_gets_400_and_the_server_serves_on(live: ServerProcess) -> None:
    request = head_of("GET", "/health", "X-Padding: " + "a" * (1024 * 1024))
    answer, closed, seconds = exchange(live, request, wait=SLACK)
    assert status_of(answer) == 400, answer[:200]
    assert closed and seconds <= SLACK
    assert httpx.get(f"{live.url}/health", timeout=SLACK).status_code == 200


def test_a_head_under_64_kib_and_a_body_in_one_read_are_served(live: ServerProcess) -> None:
    """Only the head counts: a large header, and a body sent with its head, are not refused."""
    padded = head_of("GET", "/health", "X-Padding: " + "a" * (48 * 1024))
    assert status_of(exchange(live, padded, wait=SLACK)[0]) == 200
    body = json.dumps({"name": "big", "description": "d" * 200_000}).encode()
    request = head_of(
        "POST",
        "/api/v1/databases",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    )
    answer = exchange(live, request + body, wait=SLACK)[0]
    assert status_of(answer) not in (0, 400), answer[:300]


def test_the_live_server_answers_head_with_get_headers_and_no_body(live: ServerProcess) -> None:
    connection = http.client.HTTPConnection(live.host, live.port, timeout=SLACK)
    try:
        connection.request("GET", "/health")
        get = connection.getresponse()
        get_body = get.read()
        connection.request("HEAD", "/health")
        head = connection.getresponse()
        assert head.status == 200
        assert head.read() == b""
        assert head.getheader("content-length") == str(len(get_body))
        assert head.getheader("content-type") == get.getheader("content-type")
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    ["/health", "/api/v1/databases", "/api/v1/database/demo/instances/Customer/c1"],
)
def test_head_answers_as_get_without_a_body(demo: TestClient, path: str) -> None:
    wait_ok(
        demo,
        "POST",
        "/api/v1/database/demo/instances/Customer/create",
        json={"data": {"customer_id": "c1", "name": "Kim"}},
    )
    get = demo.get(path)
    head = demo.head(path)
    assert (get.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


def test_head_on_a_path_without_get_is_405(client: TestClient) -> None:
    answer = client.head("/api/v1/auth/login")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/health", "GET, HEAD"),
        ("PUT", "/api/v1/databases", "GET, HEAD, POST"),
        ("PATCH", "/api/v1/databases/demo", "DELETE, GET, HEAD"),
        ("POST", "/api/v1/database/demo/ontology/Customer", "DELETE, GET, HEAD, PATCH, PUT"),
    ],
)
def test_405_names_every_method_of_the_path(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    answer = client.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == allow
    body = answer.json()
    assert body["status"] == "error" and body["code"] == "METHOD_NOT_ALLOWED"
    assert set(body) == {"status", "code", "message", "details"}
