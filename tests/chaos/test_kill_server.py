"""SIGKILL the server while accepted commands are being processed, start it again, and check
that every accepted command completed exactly once and read models equal a fresh rebuild.

Runs on the embedded profile and on the distributed stores (PostgreSQL, Redis, OpenSearch)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.chaos.support import (
    BULK_SIZE,
    BULKS,
    SINGLES,
    check_log_and_read_models,
    request_specs,
    send_all,
    set_up_chaos_database,
    wait_all,
)
from tests.server import ServerProcess
from tests.services import distributed_urls


@pytest.fixture(params=["embedded", "distributed"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    with ExitStack() as stack:
        urls = stack.enter_context(distributed_urls()) if request.param == "distributed" else {}
        env = {f"SPICE_{name.upper()}": url for name, url in urls.items()}
        proc = ServerProcess(tmp_path / "data", env=env)
        proc.start()
        yield proc
        proc.stop()


def test_sigkill_loses_and_doubles_nothing(server: ServerProcess) -> None:
    set_up_chaos_database(server)
    specs = request_specs()
    first = send_all(server, specs, kill_after=len(specs) // 3)
    server.start()
    # A client retries whatever got no answer, with the same Idempotency-Key.
    retried = send_all(server, specs, kill_after=None)
    for key, command_id in first.items():
        assert retried[key] == command_id, "a retry must land on the accepted command"
    assert set(retried) == {s[0] for s in specs}
    assert wait_all(server, list(retried.values())) == ["COMPLETED"] * len(specs)
    total = httpx.get(f"{server.url}/api/v1/database/chaos/instances/Item?limit=1").json()
    assert total["data"]["total"] == SINGLES + BULKS * BULK_SIZE
    server.stop()
    check_log_and_read_models(server, len(specs))
