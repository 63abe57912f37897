"""An identity provider's signing keys, from its JWKS URL or a JWKS file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jwt

from spice.application.ports.fetching import SigningKeys

CACHE_SECONDS = 300
TIMEOUT_SECONDS = 10


class JwksUrlKeys(SigningKeys):
    """Keys from a JWKS URL: fetched when a `kid` is new, kept five minutes."""

    def __init__(self, url: str) -> None:
        self.client = jwt.PyJWKClient(
            url, cache_keys=True, lifespan=CACHE_SECONDS, timeout=TIMEOUT_SECONDS
        )

    def key(self, kid: str | None) -> Any:
        try:
            if kid is None:
                raise LookupError("no kid")
            return self.client.get_signing_key(kid).key
        except jwt.PyJWKClientError as exc:
            raise LookupError(str(exc)) from None


class JwksFileKeys(SigningKeys):
    """Keys from a JWKS file, read at each lookup (a rotated file is picked up)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path.removeprefix("file://"))

    def key(self, kid: str | None) -> Any:
        try:
            keys = jwt.PyJWKSet.from_json(self.path.read_text()).keys
        except (OSError, jwt.PyJWKSetError) as exc:
            raise LookupError(f"JWKS file {self.path}: {exc}") from None
        for found in keys:
            if kid is None or found.key_id == kid:
                return found.key
        raise LookupError(f"no key {kid!r}")


def signing_keys(jwks: str) -> SigningKeys:
    """The keys a JWKS setting names: a URL (http or https) or a file."""
    if jwks.startswith(("https://", "http://")):
        return JwksUrlKeys(jwks)
    return JwksFileKeys(jwks)
