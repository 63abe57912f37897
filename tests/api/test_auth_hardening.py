"""What an outside probe found and what stops it now: the seed-era status routes show only
commands of the database in their path; changing one's own password takes the current one
and ends one's other sessions; wrong passwords from one address do not lock the user out
from theirs; a loopback server that signs people in has no anonymous administrator."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import (
    ADMIN_PASSWORD,
    CUSTOMER,
    SECURED,
    bearer,
    final_status,
    head,
    signed_in,
)

ALICE, BOB = "alice's password", "bob's password"


def _wait(client: TestClient, method: str, url: str, headers: dict[str, str], **kw: Any) -> Any:
    sep = "&" if "?" in url else "?"
    return client.request(method, f"{url}{sep}wait=true&timeout=10", headers=headers, **kw)


def _user(client: TestClient, username: str, password: str) -> dict[str, str]:
    """The headers of a new user, made by the administrator."""
    admin = bearer(signed_in(client, "admin", ADMIN_PASSWORD))
    body = {"username": username, "password": password}
    made = _wait(client, "POST", "/api/v1/auth/users", admin, json=body)
    assert made.status_code == 200, made.text
    return bearer(signed_in(client, username, password))


def test_a_seed_era_status_route_answers_only_for_a_command_of_its_database(
    secured: TestClient,
) -> None:
    alice, bob = _user(secured, "alice", ALICE), _user(secured, "bob", BOB)
    for headers, db in ((alice, "alices"), (bob, "bobs")):
        made = _wait(secured, "POST", "/api/v1/databases", headers, json={"name": db})
        assert made.status_code == 200, made.text
    accepted = secured.post("/api/v1/ontology/alices/async/create", json=CUSTOMER, headers=alice)
    assert accepted.status_code == 202, accepted.text
    cid = accepted.json()["command_id"]
    assert final_status(secured, cid, alice)["status"] == "COMPLETED"
    for url in (
        f"/api/v1/ontology/bobs/async/command/{cid}/status",
        f"/api/v1/ontology/bobs/sync/command/{cid}/wait?timeout=2",
    ):
        leaked = secured.get(url, headers=bob)  # bob may read bobs, not alice's command
        assert leaked.status_code == 404, leaked.text
        assert leaked.json()["message"] == f"command {cid} not found"
        assert "Customer" not in leaked.text
        elsewhere = secured.get(url.replace("/bobs/", "/alices/"), headers=bob)
        assert elsewhere.status_code == 403  # no role on the command's database
        assert secured.get(url.replace("/bobs/", "/alices/"), headers=alice).status_code == 200
    # A command of no database (a user's) is not under any database's path either.
    admin = bearer(signed_in(secured, "admin", ADMIN_PASSWORD))
    body = {"username": "carol", "password": "carol's password"}
    user_made = secured.post("/api/v1/auth/users", json=body, headers=admin).json()["command_id"]
    other = secured.get(f"/api/v1/ontology/bobs/async/command/{user_made}/status", headers=bob)
    assert other.status_code == 404


def test_changing_ones_own_password_takes_the_current_one_and_ends_other_sessions(
    secured: TestClient,
) -> None:
    kim = _user(secured, "kim", "kim's password")
    other_device = signed_in(secured, "kim", "kim's password")
    url = "/api/v1/auth/users/kim/password"
    before = head(secured)
    for body, message in (
        ({"password": "a stolen token's choice"}, "needs your current password"),
        (
            {"password": "a stolen token's choice", "current_password": "a guess at it!"},
            "the current password is wrong",
        ),
    ):
        refused = _wait(secured, "PUT", url, kim, json=body)
        assert refused.status_code == 403, refused.text
        assert message in refused.json()["message"]
    assert head(secured) == before  # nothing changed
    signed_in(secured, "kim", "kim's password")
    body = {"password": "kim's new password", "current_password": "kim's password"}
    changed = _wait(secured, "PUT", url, kim, json=body)
    assert changed.status_code == 200, changed.text
    stale = secured.post(
        "/api/v1/auth/refresh", json={"refresh_token": other_device["refresh_token"]}
    )
    assert stale.status_code == 401  # the other session ends
    assert secured.get("/api/v1/auth/me", headers=bearer(other_device)).status_code == 401
    signed_in(secured, "kim", "kim's new password")
    # An administrator sets another user's password without knowing it.
    admin = bearer(signed_in(secured, "admin", ADMIN_PASSWORD))
    reset = _wait(secured, "PUT", url, admin, json={"password": "kim's third password"})
    assert reset.status_code == 200, reset.text
    signed_in(secured, "kim", "kim's third password")


def test_wrong_passwords_from_one_address_do_not_lock_the_user_out_of_theirs(
    settings: Settings,
) -> None:
    limited = settings.model_copy(update={**SECURED, "login_attempts_per_minute": 10})
    app = create_app(limited)

    def attempt(client: TestClient, username: str, password: str) -> int:
        body = {"username": username, "password": password}
        return client.post("/api/v1/auth/login", json=body).status_code

    with TestClient(app, client=("203.0.113.66", 1000)) as attacker:
        users = TestClient(app, client=("10.0.0.2", 1000))
        answers = [attempt(attacker, "admin", "a wrong guess!") for _ in range(12)]
        assert answers == [401] * 10 + [429] * 2
        assert attempt(attacker, "admin", ADMIN_PASSWORD) == 429  # this address, this name
        assert attempt(users, "admin", ADMIN_PASSWORD) == 200  # the user's own address
        # The attacker's address is limited over every name as well.
        spread = [attempt(attacker, f"user{i}", "a wrong guess!") for i in range(30)]
        assert spread[:20] == [401] * 20 and spread[-1] == 429


def test_a_loopback_server_that_signs_people_in_has_no_anonymous_administrator(
    settings: Settings,
) -> None:
    loopback = settings.model_copy(update={**SECURED, "host": "127.0.0.1"})
    with TestClient(create_app(loopback)) as client:
        refused = client.get("/api/v1/databases")
        assert refused.status_code == 401, refused.text
        assert refused.json()["code"] == "UNAUTHENTICATED"
        assert client.get("/api/v1/auth/me").status_code == 401
        admin = bearer(signed_in(client, "admin", ADMIN_PASSWORD))
        assert client.get("/api/v1/databases", headers=admin).status_code == 200
    chosen = loopback.model_copy(update={"loopback_admin": True})
    with TestClient(create_app(chosen)) as client:
        me = client.get("/api/v1/auth/me").json()["data"]
        assert me == {"username": "anonymous", "admin": True, "method": "local"}
    plain = settings.model_copy(update={"loopback_admin": False})
    with TestClient(create_app(plain)) as client:
        assert client.get("/api/v1/databases").status_code == 401


def test_loopback_admin_defaults_to_on_only_without_sign_in() -> None:
    assert Settings(host="127.0.0.1").anonymous_is_local_admin()
    secret = "a-long-enough-signing-secret-0123456789"
    assert not Settings(host="127.0.0.1", auth_secret=secret).anonymous_is_local_admin()
    oidc = Settings(host="127.0.0.1", oidc_issuer="https://login.example.com")
    assert not oidc.anonymous_is_local_admin()
    chosen = Settings(host="127.0.0.1", auth_secret=secret, loopback_admin=True)
    assert chosen.anonymous_is_local_admin()
    assert not chosen.model_copy(update={"host": "0.0.0.0"}).anonymous_is_local_admin()
    assert not chosen.model_copy(update={"process": "api"}).anonymous_is_local_admin()
    assert not Settings(host="127.0.0.1", loopback_admin=False).anonymous_is_local_admin()
