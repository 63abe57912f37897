"""Sources read over HTTP: a file by URL (conditional requests with its ETag and
Last-Modified, then its content hash) and a Google Sheets tab (its CSV export, by the hash
of the export)."""

from __future__ import annotations

import hashlib
from typing import Any

from spice.application.datasets.service import sheets_export
from spice.application.ports.fetching import UrlFetcher
from spice.application.ports.sources import Reading, SourceFile, SourceReader

TIMEOUT = 60.0


class HttpSource(SourceReader):
    """`sheets`: the URL is a share link, read as its tab's CSV export."""

    def __init__(self, fetcher: UrlFetcher, sheets: bool = False) -> None:
        self.fetcher = fetcher
        self.sheets = sheets

    def read(self, config: dict[str, Any], cursor: dict[str, Any], max_bytes: int) -> Reading:
        url = str(config["url"])
        target = (sheets_export(url) or url) if self.sheets else url
        headers = {}
        if cursor.get("etag"):
            headers["If-None-Match"] = str(cursor["etag"])
        if cursor.get("last_modified"):
            headers["If-Modified-Since"] = str(cursor["last_modified"])
        if config.get("token"):
            headers["Authorization"] = f"Bearer {config['token']}"
        fetched = self.fetcher.get(target, max_bytes, TIMEOUT, headers or None)
        if fetched.not_modified:
            return Reading([], cursor)
        sha256 = hashlib.sha256(fetched.data).hexdigest()
        after = {"sha256": sha256, "etag": fetched.etag, "last_modified": fetched.last_modified}
        after = {k: v for k, v in after.items() if v}
        if sha256 == cursor.get("sha256"):
            return Reading([], after)
        name = fetched.filename
        if self.sheets and not name.lower().endswith(".csv"):
            name = f"{name}.csv"
        return Reading([SourceFile(name, fetched.data, url, {"cursor": after})], after)
