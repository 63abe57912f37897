"""Bearer tokens of an external identity provider: accepted when they verify against its
JWKS, name its issuer and our audience and have not expired; the user is a claim, an
administrator by group. A server may rely on the provider alone (no signing secret)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from spice.adapters.web.jwks import signing_keys
from spice.application.oidc import OidcVerifier
from spice.bootstrap.settings import Settings, SettingsError
from spice.domain.errors import Unauthenticated
from spice.entrypoints.api.app import create_app
from tests.api.support import QuietHandler, final_status, serving

ISSUER = "https://login.example.com/realms/ops"
AUDIENCE = "spice-harvester"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


PROVIDER, STRANGER = _key(), _key()


def _token(key: rsa.RSAPrivateKey = PROVIDER, kid: str = "k1", **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now + 300,
        "iat": now,
        "sub": "0f9c",
        "preferred_username": "Kim@Example.com",
        "groups": ["analysts"],
        **changes,
    }
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None}, key, "RS256", {"kid": kid}
    )


@pytest.fixture
def provider(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    public = jwt.algorithms.RSAAlgorithm.to_jwk(PROVIDER.public_key(), as_dict=True)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig"}]}))
    secured = settings.model_copy(
        update={
            "host": "0.0.0.0",
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks": str(jwks),
            "oidc_admin_group": "spice-admins",
        }
    )
    secured.require_safe_binding()  # the provider alone is enough to serve beyond loopback
    with TestClient(create_app(secured)) as client:
        yield client


def _me(client: TestClient, token: str) -> Any:
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_a_providers_token_signs_in_its_user(provider: TestClient) -> None:
    me = _me(provider, _token())
    assert me.status_code == 200, me.text
    assert me.json()["data"] == {"username": "kim@example.com", "admin": False, "method": "oidc"}
    admin = _me(provider, _token(groups=["analysts", "spice-admins"])).json()["data"]
    assert admin["admin"] is True
    kim = {"Authorization": f"Bearer {_token()}"}
    made = provider.post("/api/v1/databases", json={"name": "kims"}, headers=kim).json()
    assert final_status(provider, made["command_id"], kim)["actor"] == "kim@example.com"
    roles = provider.get("/api/v1/databases/kims/roles", headers=kim).json()["data"]
    assert roles["created_by"] == "kim@example.com"  # its owner, as the creator


# Made when each test runs (collection may be long before): a token of the provider but
# for another audience, expired, signed by a stranger, with a key the JWKS no longer has,
# naming no usable user, of another issuer, signed with a shared secret, or no JWT at all.
REFUSED: list[tuple[Callable[[], str], str]] = [
    (lambda: _token(aud="another-app"), "Audience doesn't match"),
    (lambda: _token(exp=int(time.time()) - 120), "token expired"),
    (lambda: _token(key=STRANGER), "Signature verification failed"),
    (lambda: _token(kid="rotated-away"), "no such signing key"),
    (lambda: _token(preferred_username="has space"), "not a usable user name"),
    (lambda: _token(preferred_username=None), "not a usable user name"),
    (lambda: _token(iss="https://elsewhere.example.com"), "not a token of the identity"),
    (
        lambda: jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "exp": 2**40}, "k" * 32, "HS256"),
        "signed asymmetrically",
    ),
    (lambda: "not.a.token", "not a token of the identity provider"),
]


@pytest.mark.parametrize(("token", "says"), REFUSED)
def test_tokens_that_do_not_verify_are_refused(
    provider: TestClient, token: Callable[[], str], says: str
) -> None:
    refused = _me(provider, token())
    assert refused.status_code == 401, refused.text
    assert says in refused.json()["message"]


def test_an_issuer_needs_its_audience_and_keys() -> None:
    with pytest.raises(SettingsError, match="SPICE_OIDC_AUDIENCE and SPICE_OIDC_JWKS"):
        Settings(host="0.0.0.0", oidc_issuer=ISSUER).require_safe_binding()


def test_keys_come_from_a_jwks_url_too(tmp_path: Path) -> None:
    public = jwt.algorithms.RSAAlgorithm.to_jwk(PROVIDER.public_key(), as_dict=True)
    body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig"}]}).encode()
    served: list[str] = []

    class Certs(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the server's name for it
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

    with serving(Certs) as base:
        url = f"{base}/realms/ops/certs"
        verifier = OidcVerifier(ISSUER, AUDIENCE, signing_keys(url))
        assert verifier.identify(_token()) == ("kim@example.com", False)
        assert verifier.identify(_token()) == ("kim@example.com", False)
        assert served == ["/realms/ops/certs"]  # fetched once, then cached
        with pytest.raises(Unauthenticated, match="no such signing key"):
            verifier.identify(_token(kid="unknown"))
