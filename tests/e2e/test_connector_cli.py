"""`spice connector add|sync|list|show` against a server process: a file served by a local
HTTP server becomes a dataset, synced again when it changes, and a schedule set from the
command line reaches the definition."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.support import QuietHandler, serving
from tests.e2e.test_cli import spice
from tests.server import ServerProcess


class Served(QuietHandler):
    body = b"item_id,name\nI1,Apple\n"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(Served.body)))
        self.end_headers()
        self.wfile.write(Served.body)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "data", env={"SPICE_FETCH_PRIVATE_NETWORKS": "true"})
    proc.start()
    r = httpx.post(f"{proc.url}/api/v1/databases?wait=true", json={"name": "cli"}, timeout=60)
    assert r.status_code == 200, r.text
    yield proc
    proc.stop()


def test_a_connector_is_added_synced_listed_and_shown(server: ServerProcess) -> None:
    Served.body = b"item_id,name\nI1,Apple\n"
    env = {"SPICE_SERVER": server.url}
    with serving(Served) as files:
        url = f"{files}/items.csv"
        added = spice("connector", "add", "cli", "items", "--kind", "http_file", "--url", url,
                      "--dataset", "items", "--every", "3600", env=env)  # fmt: skip
        assert added.returncode == 0, added.stdout + added.stderr
        assert "connector items saved (version 1)" in added.stdout
        synced = spice("connector", "sync", "cli", "items", env=env)
        assert synced.returncode == 0, synced.stdout + synced.stderr
        assert "dataset items at version 1" in synced.stdout
        again = spice("connector", "sync", "cli", "items", env=env)
        assert "unchanged (dataset version 1)" in again.stdout
        Served.body = b"item_id,name\nI1,Apple\nI2,Pear\n"
        assert "at version 2" in spice("connector", "sync", "cli", "items", env=env).stdout
    listed = spice("connector", "list", "cli", env=env)
    assert listed.stdout.startswith("items\thttp_file\titems\t"), listed.stdout
    shown = spice("connector", "show", "cli", "items", env=env)
    assert '"every_seconds": 3600' in shown.stdout and "last_success: 20" in shown.stdout
    missing = spice("connector", "sync", "cli", "nope", env=env)
    assert missing.returncode == 1 and "404 NOT_FOUND" in missing.stderr
