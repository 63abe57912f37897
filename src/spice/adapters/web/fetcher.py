"""Files fetched by URL with httpx, from public addresses only unless allowed: each
address a request (or a redirect) goes to is resolved and checked first, so a public URL
cannot lead the server into its own network."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from urllib.parse import urlsplit

import httpx

from spice.application.addresses import check_host
from spice.application.ports.fetching import Fetched, UrlFetcher
from spice.domain.errors import BadRequest, PayloadTooLarge

MAX_REDIRECTS = 5


def _filename(response: httpx.Response, url: str) -> str:
    """The name a file is served under: its Content-Disposition, else the URL's last part."""
    disposition = response.headers.get("content-disposition")
    if disposition:
        message = Message()
        message["content-disposition"] = disposition
        name = message.get_filename()
        if name:
            return name.rsplit("/", 1)[-1]
    tail = urlsplit(url).path.rsplit("/", 1)[-1]
    return tail or "download"


class PublicUrlFetcher(UrlFetcher):
    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private

    def get(
        self, url: str, max_bytes: int, timeout: float, headers: dict[str, str] | None = None
    ) -> Fetched:
        try:
            with self._get(url, timeout, headers or {}) as response:
                etag = response.headers.get("etag")
                modified = response.headers.get("last-modified")
                if response.status_code == 304 and headers:
                    return Fetched(_filename(response, url), b"", etag, modified, True)
                if response.status_code != 200:
                    raise BadRequest(
                        f"{url} answered {response.status_code}",
                        {"url": url, "status": response.status_code},
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise PayloadTooLarge(
                            f"{url} is larger than {max_bytes} bytes",
                            {"url": url, "max_bytes": max_bytes},
                        )
                    chunks.append(chunk)
                return Fetched(_filename(response, url), b"".join(chunks), etag, modified)
        except httpx.HTTPError as exc:
            raise BadRequest(f"could not fetch {url}: {exc}", {"url": url}) from None

    @contextmanager
    def _get(self, url: str, timeout: float, headers: dict[str, str]) -> Iterator[httpx.Response]:
        """A streamed GET that follows redirects itself, checking every address it is sent
        to; credentials go only to the host they were given for."""
        origin = urlsplit(url).netloc
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                self.check_address(url)
                if urlsplit(url).netloc != origin:
                    headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
                with client.stream("GET", url, headers=headers) as response:
                    if not response.has_redirect_location:
                        yield response
                        return
                    url = str(response.next_request.url) if response.next_request else url
            raise BadRequest(f"{url}: more than {MAX_REDIRECTS} redirects", {"url": url})

    def check_address(self, url: str) -> None:
        """Refuse a URL whose host resolves to a non-public address, unless allowed."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadRequest("url must be an http(s) URL", {"url": url})
        try:
            check_host(parts.hostname, parts.port or 443, self.allow_private, url)
        except BadRequest as exc:
            raise BadRequest(exc.message, {"url": url, **exc.details}) from None
