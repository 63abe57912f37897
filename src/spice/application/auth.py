"""Who a request is.

Users sign in with a password (stored as an argon2id hash) and get a short-lived access
token and a longer refresh token: JWTs signed with the server's secret (HS256), naming the
user and the version of their stream. Services use API keys, `spk_<key id>_<secret>`, of
which only the secret's SHA-256 is stored. Every check reads the user's or the key's
stream, so a password change (which ends the tokens issued before it) or a revoked key
takes effect at once, in every process that reads the same log.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from spice.application.oidc import OidcVerifier
from spice.application.ports.rate_limit import RateLimiter
from spice.domain import names
from spice.domain.aggregates import AggregateState
from spice.domain.deciders.base import WriteModel
from spice.domain.errors import (
    Forbidden,
    RateLimited,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
    field_error,
)

log = logging.getLogger(__name__)

MIN_PASSWORD = 12
MAX_PASSWORD = 1000
KEY_PREFIX = "spk_"
ALGORITHM = "HS256"
REFUSED = "wrong user name or password"
# Sign-in attempts are limited per user name from one address (a guess at one user's
# password), and per address over all names, which may try this many times as many (a few
# people behind one address). Never per name alone: strangers could lock its user out.
NAMES_PER_ADDRESS = 3


@dataclass(frozen=True)
class Identity:
    """An authenticated caller (`method`: token, api_key, or oidc for a token of the
    configured identity provider), the local administrator of a
    server bound to loopback (`local`: a request without credentials), or nobody (`none`:
    no credentials, on a route open to all)."""

    username: str
    admin: bool
    method: str


LOCAL = Identity("anonymous", True, "local")
NOBODY = Identity("anonymous", False, "none")  # no credentials, on a route open to all


class Authenticator:
    """Passwords, tokens and API keys over the users and keys in the log."""

    def __init__(
        self,
        model: WriteModel,
        secret: str,
        access_seconds: float,
        refresh_seconds: float,
        clock: Callable[[], float] = time.time,
        throttle: RateLimiter | None = None,
        oidc: OidcVerifier | None = None,
    ) -> None:
        self.model = model
        self.throttle = throttle
        self.oidc = oidc
        self._secret = secret
        self.access_seconds, self.refresh_seconds = access_seconds, refresh_seconds
        self.clock = clock
        self._hasher = PasswordHasher()

    def role_of(self, username: str, db: str) -> str | None:
        """A user's role on a database (None: none): granted, or owner as its creator."""
        state = self.model.load(names.database_aggregate(db))
        granted = state.body.get("roles", {}).get(username)
        if granted is None and state.exists and state.created_by == username:
            return "owner"
        return str(granted) if granted is not None else None

    def members(self, db: str) -> dict[str, Any]:
        """Who has which role on a database (its creator is an owner without a grant)."""
        state = self.model.require_database(db)
        return {
            "database": db,
            "created_by": state.created_by,
            "roles": state.body.get("roles", {}),
        }

    def key_owner(self, key_id: str) -> str | None:
        """The user a live API key belongs to (None: no such key, or revoked)."""
        state = self.model.load(names.api_key_aggregate(key_id))
        return str(state.body["username"]) if state.live else None

    @cached_property
    def _dummy(self) -> str:
        """A hash to verify against for an unknown user, so that a wrong name takes as long
        as a wrong password (made at the first need: a hash costs about 0.1 s)."""
        return self._hasher.hash(secrets.token_hex(16))

    @property
    def enabled(self) -> bool:
        return bool(self._secret)

    def hash_password(self, password: Any, path: str = "password") -> str:
        if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise ValidationFailed(
                f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                [field_error(path, "length", f"{MIN_PASSWORD}..{MAX_PASSWORD}", None)],
            )
        return self._hasher.hash(password)

    def login(self, username: str, password: str, address: str = "") -> dict[str, Any]:
        """Tokens for a user whose password matches; one refusal for every failure.
        Attempts are counted per user name from each address and per address
        (RateLimited past the limit), so guessing is slow against one user and from one
        place, while the user signs in from their own address whatever others try."""
        self._require_enabled()
        self._count_attempt(address, username)
        user = self._verified(username, password)
        if user is None:
            raise Unauthenticated(REFUSED)
        return self._tokens(user)

    def check_password(self, username: str, password: str | None, address: str = "") -> None:
        """Forbidden unless `password` is the user's current one: a signed-in user changing
        their own password proves it is them, not someone holding a stolen token. Counted
        as a sign-in attempt (guessing it here is as slow as at sign-in)."""
        if not password:
            raise Forbidden(
                "changing your own password needs your current password (current_password)"
            )
        self._require_enabled()
        self._count_attempt(address, username)
        if self._verified(username, password) is None:
            raise Forbidden("the current password is wrong; the password was not changed")

    def refresh(self, token: str) -> dict[str, Any]:
        """New tokens for a valid refresh token of a user whose password has not changed."""
        return self._tokens(self._checked(token, "refresh"))

    def identify_token(self, token: str) -> Identity:
        if self.oidc is not None and self.oidc.accepts(token):
            username, admin = self.oidc.identify(token)
            return Identity(username, admin, "oidc")
        if self.oidc is not None and not self.enabled:
            raise Unauthenticated(f"not a token of the identity provider {self.oidc.issuer}")
        user = self._checked(token, "access")
        return Identity(str(user.body["username"]), bool(user.body["admin"]), "token")

    def identify_key(self, key: str) -> Identity:
        key_id, secret = _split_key(key)
        state = self.model.load(names.api_key_aggregate(key_id))
        if not state.live or not hmac.compare_digest(state.body["secret_hash"], _digest(secret)):
            raise Unauthenticated("unknown or revoked API key")
        user = self._user(str(state.body["username"]))
        if not user.live:
            raise Unauthenticated("the key's user no longer exists")
        return Identity(str(user.body["username"]), bool(user.body["admin"]), "api_key")

    def identify_credential(self, credential: str) -> Identity:
        """The user an access token or an API key (by its prefix) names."""
        if credential.startswith(KEY_PREFIX):
            return self.identify_key(credential)
        return self.identify_token(credential)

    @staticmethod
    def new_key() -> tuple[str, str, str]:
        """(key id, the key to hand out once, the secret's hash to store)."""
        key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        return key_id, f"{KEY_PREFIX}{key_id}_{secret}", _digest(secret)

    def _verified(self, username: str, password: str) -> AggregateState | None:
        """The live user whose password `password` is; None for any mismatch (as slow for
        an unknown name as for a wrong password)."""
        user = self._user(username)
        try:
            self._hasher.verify(user.body["password_hash"] if user.live else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return None
        return user if user.live else None

    def _count_attempt(self, address: str, username: str) -> None:
        """RateLimited past the attempts allowed for this name from this address, or from
        this address over all names. The throttle holds an address's allowance (burst and
        rate); an attempt at one name costs NAMES_PER_ADDRESS of that name's bucket, so a
        name gets a share of it."""
        if self.throttle is None:
            return
        name = unicodedata.normalize("NFC", username).casefold()[:200]
        # The name's bucket first: an attempt it refuses does not spend the address's.
        keys = ((f"login:pair:{address}:{name}", NAMES_PER_ADDRESS), (f"login:addr:{address}", 1))
        for key, cost in keys:
            try:
                decision = self.throttle.hit(key, cost)
            except Unavailable as exc:  # an outage of the store must not stop sign-in
                log.warning("sign-in limiter unavailable, attempt let in: %s", exc.message)
                return
            if not decision.allowed:
                per_name = self.throttle.limit.burst // NAMES_PER_ADDRESS
                raise RateLimited(
                    f"too many sign-in attempts: {per_name} a minute per user name from one "
                    f"address, {self.throttle.limit.burst} per address; retry in "
                    f"{decision.retry_after:.0f}s",
                    {"retry_after_seconds": round(decision.retry_after, 3)},
                )

    def _require_enabled(self) -> None:
        if not self.enabled:
            raise Unauthenticated("sign-in is not configured on this server (SPICE_AUTH_SECRET)")

    def _user(self, username: str) -> AggregateState:
        if not isinstance(username, str) or not names.USERNAME.fullmatch(username):
            return AggregateState("")
        return self.model.load(names.user_aggregate(username))

    def _tokens(self, user: AggregateState) -> dict[str, Any]:
        now = int(self.clock())
        claims = {"sub": user.body["username"], "adm": bool(user.body["admin"]), "ver": user.seq}
        access = {**claims, "typ": "access", "iat": now, "exp": now + self.access_seconds}
        refresh = {**claims, "typ": "refresh", "iat": now, "exp": now + self.refresh_seconds}
        return {
            "access_token": jwt.encode(access, self._secret, ALGORITHM),
            "refresh_token": jwt.encode(refresh, self._secret, ALGORITHM),
            "token_type": "bearer",
            "expires_in": int(self.access_seconds),
        }

    def _checked(self, token: str, kind: str) -> AggregateState:
        """The user a token of `kind` names, if it verifies, is current and the user's
        stream is still at the version it was issued for."""
        self._require_enabled()
        try:
            claims = jwt.decode(
                token,
                self._secret,
                [ALGORITHM],
                # Times are checked below against this authenticator's clock.
                options={
                    "require": ["exp", "sub", "typ", "ver"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            raise Unauthenticated("invalid token") from None
        if claims["typ"] != kind:
            raise Unauthenticated(
                f"not an {kind} token" if kind == "access" else "not a refresh token"
            )
        if claims["exp"] <= self.clock():
            raise Unauthenticated("token expired")
        user = self._user(str(claims["sub"]))
        if not user.live or user.seq != claims["ver"]:
            raise Unauthenticated("token revoked (the password changed or the user is gone)")
        return user


def _digest(secret: str) -> str:
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()


def _split_key(key: str) -> tuple[str, str]:
    body = key.removeprefix(KEY_PREFIX) if key.startswith(KEY_PREFIX) else ""
    key_id, _, secret = body.partition("_")
    if not names.API_KEY_ID.fullmatch(key_id) or not secret:
        raise Unauthenticated("malformed API key")
    return key_id, secret
