"""Bearer tokens from an external identity provider (OpenID Connect), so teams sign in with
the login they already have.

A token is accepted when its signature verifies with a key of the provider's JWKS (by its
`kid`; asymmetric algorithms only, so a token can never be checked with a shared secret),
its issuer and audience are the configured ones, and it has not expired. The user is the
token's `username_claim` (lower-cased; it must be a valid user name, which database roles
are granted to), an administrator when `admin_group` is among its `groups_claim`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt

from spice.application.ports.fetching import SigningKeys
from spice.domain import names
from spice.domain.errors import Unauthenticated

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
LEEWAY = 30  # seconds of clock difference with the provider


@dataclass
class OidcVerifier:
    issuer: str
    audience: str
    keys: SigningKeys
    username_claim: str = "preferred_username"
    groups_claim: str = "groups"
    admin_group: str = ""
    clock: Callable[[], float] = time.time

    def accepts(self, token: str) -> bool:
        """Whether a token is the provider's to verify (its issuer, unverified)."""
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return False
        return isinstance(claims, dict) and claims.get("iss") == self.issuer

    def identify(self, token: str) -> tuple[str, bool]:
        """(user name, administrator) of a token that verifies; Unauthenticated otherwise."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALGORITHMS:
                raise Unauthenticated("the identity provider's tokens are signed asymmetrically")
            key = self.keys.key(header.get("kid"))
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iss", "aud"], "verify_iat": False},
            )
        except LookupError:
            raise Unauthenticated("the identity provider has no such signing key") from None
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token expired") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token from the identity provider: {exc}") from None
        name = claims.get(self.username_claim)
        username = name.strip().lower() if isinstance(name, str) else ""
        if not names.USERNAME.fullmatch(username):
            raise Unauthenticated(
                f"the token's {self.username_claim!r} claim is not a usable user name "
                "(letters, digits, _ . @ -, up to 100)"
            )
        groups = claims.get(self.groups_claim)
        admin = bool(self.admin_group) and isinstance(groups, list) and self.admin_group in groups
        return username, admin
