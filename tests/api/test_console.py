"""The web console's files as the server serves them: its page at `/` and at every client
route under `/ui/`, its hashed assets kept by browsers, a page saying how to build it when
it was not, and none of it in the API's schema or in the way of the API's own 404s."""

from __future__ import annotations

import gzip
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from spice.entrypoints.api import console

PAGE = "<!doctype html><title>Spice Harvester</title><div id=root></div>"


def built(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    packed = gzip.compress(b"console.log(1)")
    (root / "assets" / "index-abc123.js.gz").write_bytes(packed)
    return root


def served(root: Path) -> TestClient:
    app = FastAPI()
    console.install(app, root)
    return TestClient(app)


def test_the_page_answers_at_the_root_and_at_every_client_route(tmp_path: Path) -> None:
    client = served(built(tmp_path))
    for path in ("/", "/ui", "/ui/databases", "/ui/db/shop/instances/Customer?branch=feature%2Fx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.text == PAGE
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"


def test_assets_are_kept_by_browsers_and_a_missing_one_is_404(tmp_path: Path) -> None:
    client = served(built(tmp_path))
    plain = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.text == "console.log(1)"
    assert "content-encoding" not in plain.headers
    asset = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip, br"})
    assert asset.status_code == 200 and asset.text == "console.log(1)"  # decoded by httpx
    assert asset.headers["content-encoding"] == "gzip"
    assert asset.headers["content-type"].startswith("text/javascript")
    assert int(asset.headers["content-length"]) == len(gzip.compress(b"console.log(1)"))
    for answer in (plain, asset):
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["vary"] == "Accept-Encoding"
    missing = client.get("/assets/index-gone.js")
    assert missing.status_code == 404
    assert "immutable" not in missing.headers.get("cache-control", "")
    assert client.get("/assets/../index.html").status_code == 404


def test_a_console_never_built_says_how_to_build_it(tmp_path: Path) -> None:
    client = served(tmp_path / "never-built")
    response = client.get("/")
    assert response.status_code == 503
    assert "make serve" in response.text and "/docs" in response.text
    assert client.get("/ui/databases").status_code == 503


def test_the_console_is_not_part_of_the_api(demo: TestClient) -> None:
    paths = demo.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert not [p for p in paths if p.startswith(("/ui", "/assets"))]
    # A path of the API that does not exist is still the API's 404, not the console's page.
    missing = demo.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json()["status"] == "error"
