"""The fetching ports: what the server reads from other servers on a user's behalf.

- `UrlFetcher`: a file at an http(s) URL (a dataset fetched by link). Only public
  addresses unless the settings allow private ones; every address a redirect leads to is
  checked the same way.
- `SigningKeys`: the keys an identity provider signs its tokens with (its JWKS), by `kid`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fetched:
    """A file read from a URL: the name it is served under, its bytes, and the validators
    it was served with. `not_modified`: a conditional request found it as it was (no
    bytes)."""

    filename: str
    data: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class UrlFetcher(ABC):
    @abstractmethod
    def get(
        self, url: str, max_bytes: int, timeout: float, headers: dict[str, str] | None = None
    ) -> Fetched:
        """The file at `url`; `headers` may make the request conditional (`If-None-Match`,
        `If-Modified-Since`), and a 304 is then a `not_modified` answer. BadRequest when it
        cannot be read (no http(s) URL, a non-public address, an answer other than 200,
        too many redirects, a network error); PayloadTooLarge past `max_bytes`."""


class SigningKeys(ABC):
    @abstractmethod
    def key(self, kid: str | None) -> Any:
        """The key of a `kid` (None: the token names none); LookupError when there is
        none."""
