"""The web console: the static files `console/` builds (Vite), served by the server itself.

- `GET /`, `GET /ui` and every `GET /ui/...` answer the console's page (the console routes itself in
  the browser, so a link into it works as a first load);
- `GET /assets/...` answers its scripts, styles and fonts, whose names carry a hash of their
  content, so browsers may keep them (gzip-compressed when the browser accepts it);
- when the console was never built (no Node.js on the machine, say), `GET /` says how to
  build it instead, with 503.

None of these is part of the API: they are left out of `/openapi.json`, and their access rule
is `open` (the files hold no data; the console's calls to the API do).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.datastructures import Headers
from starlette.staticfiles import StaticFiles

from spice.entrypoints.api.rules import OPEN, needs

# Where `npm run build` in console/ writes (vite.config.ts names the same folder).
BUILT = Path(__file__).resolve().parent.parent / "console_dist"
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spice Harvester</title></head>
<body><h1>The web console is not built</h1>
<p>Run <code>make serve</code> (it builds the console with Node.js 20 or later), or
<code>cd console &amp;&amp; npm ci &amp;&amp; npm run build</code>. The API answers under
<a href="/docs">/docs</a> meanwhile.</p></body></html>
"""


def install(app: FastAPI, built: Path = BUILT) -> None:
    """Add the console's routes to `app`, serving the files under `built`."""
    index = built / "index.html"

    @needs(OPEN)
    async def page() -> Response:
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        # The page names the current assets: it is asked for again each time.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    @needs(OPEN)
    async def client_route(path: str) -> Response:
        return await page()

    app.add_api_route("/", page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/ui", page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/ui/{path:path}", client_route, methods=["GET"], include_in_schema=False)
    assets = needs(OPEN)(_Assets(directory=built / "assets", check_dir=False))
    app.mount("/assets", assets, name="assets")


class _Assets(StaticFiles):
    """Hashed asset files: kept by browsers for a year, never changed under one name, and
    sent as the gzip copy the build wrote beside each (`name.gz`) to a browser that accepts
    it."""

    async def get_response(self, path: str, scope: dict) -> Response:  # type: ignore[override]
        response = await super().get_response(path, scope)
        if response.status_code != 200:
            return response
        accepts = Headers(scope=scope).get("accept-encoding", "")
        packed, _ = self.lookup_path(path + ".gz")
        if "gzip" in accepts and packed and isinstance(response, FileResponse):
            response = FileResponse(
                packed,
                media_type=response.media_type,
                headers={"Content-Encoding": "gzip"},
            )
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["Vary"] = "Accept-Encoding"
        return response
