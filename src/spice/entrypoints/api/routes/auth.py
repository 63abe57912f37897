"""Sign-in, users and API keys: /api/v1/auth/..."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from spice.domain import commands as c
from spice.domain import names
from spice.domain.errors import Forbidden
from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import ERRORS, WRITE, AcceptedBody, Envelope
from spice.entrypoints.api.rules import ADMIN, OPEN, SELF, USER, needs
from spice.entrypoints.api.schemas import success
from spice.entrypoints.api.writes import submit

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], responses=ERRORS)
Username = Annotated[str, Path(max_length=100, pattern=names.USERNAME.pattern)]
KeyId = Annotated[str, Path(max_length=32, pattern=names.API_KEY_ID.pattern)]


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=100, examples=["admin"])
    password: str = Field(min_length=1, max_length=1000)


class Refresh(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=1, max_length=4000)


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds the access token is valid")


class Me(BaseModel):
    username: str
    admin: bool
    method: str = Field(description="token, api_key, or local (loopback without credentials)")


class IssuedKey(BaseModel):
    """An API key issued: the key itself (in this answer only), its id and whose it is,
    and where the log holds its issue."""

    key_id: str = Field(description="names the key to revoke")
    username: str
    name: str
    aggregate_id: str
    sequence_number: int
    event_count: int
    position: int = Field(description="the log position of the command's outcome")
    key: str = Field(description="sent as `X-API-Key` or `Authorization: ApiKey ...`")


class KeyIssuedData(BaseModel):
    """The completed command (as `CompletedData`), its result the key issued."""

    command_id: str
    status: str
    execution_time: float
    result: IssuedKey
    progress_history: list[dict[str, Any]]


class KeyIssued(BaseModel):
    """The command that stored the key, completed (as `CompletedBody`)."""

    status: Literal["success"]
    message: str
    command_id: str
    data: KeyIssuedData


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=100, examples=["kim"])
    password: str = Field(min_length=1, max_length=1000)
    admin: bool = False


class NewPassword(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=1000)
    current_password: str | None = Field(
        default=None,
        max_length=1000,
        description="the password being replaced: needed to change one's own (not for an "
        "administrator setting another user's)",
    )


class NewKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, examples=["nightly loader"])
    username: str | None = Field(default=None, description="whose key (administrators only)")


@router.post("/login", response_model=Envelope[Tokens])
@needs(OPEN)
async def login(body: Login, auth: deps.AuthDep, request: Request) -> dict[str, Any]:
    """Tokens for a user name and password: a short-lived access token for
    `Authorization: Bearer ...` and a refresh token for `/auth/refresh`. 401 for any
    wrong name or password (the same answer for both); 429 with `Retry-After` past the
    attempts allowed per minute per address and per user name."""
    address = request.client.host if request.client else ""
    tokens = await run_in_threadpool(auth.login, body.username, body.password, address)
    return success(tokens)


@router.post("/refresh", response_model=Envelope[Tokens])
@needs(OPEN)
async def refresh(body: Refresh, auth: deps.AuthDep) -> dict[str, Any]:
    """New tokens for a refresh token, unless it expired or the password changed since."""
    return success(await run_in_threadpool(auth.refresh, body.refresh_token))


@router.get("/me", response_model=Envelope[Me])
@needs(USER)
async def me(identity: deps.IdentityDep) -> dict[str, Any]:
    return success(dataclasses.asdict(identity))


@router.post("/users", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(ADMIN)
async def create_user(body: NewUser, auth: deps.AuthDep, write: deps.WriteDep) -> JSONResponse:
    """Create a user (administrators only: its rule). The password is hashed here;
    the log holds only its argon2id hash."""
    hashed = await run_in_threadpool(auth.hash_password, body.password)
    command = c.CreateUser(
        database=None, username=body.username, password_hash=hashed, admin=body.admin
    )
    return await submit(write, command, f"User creation accepted for {body.username}")


@router.put(
    "/users/{username}/password", status_code=202, response_model=AcceptedBody, responses=WRITE
)
@needs(SELF)
async def change_password(
    username: Username,
    body: NewPassword,
    identity: deps.IdentityDep,
    auth: deps.AuthDep,
    write: deps.WriteDep,
    request: Request,
) -> JSONResponse:
    """Change a password: one's own, with the current one (403 without it or with a wrong
    one, and nothing changes), or anyone's for an administrator. The user's tokens issued
    before stop working, so their other sessions end (sign in again with the new one)."""
    _own_or_admin(identity, username)
    if identity.method != "local" and identity.username == username:
        address = request.client.host if request.client else ""
        await run_in_threadpool(auth.check_password, username, body.current_password, address)
    hashed = await run_in_threadpool(auth.hash_password, body.password)
    command = c.ChangePassword(database=None, username=username, password_hash=hashed)
    return await submit(write, command, f"Password change accepted for {username}")


@router.post(
    "/keys",
    response_model=KeyIssued,
    response_description="The key issued (waited for: never 202)",
)
@needs(SELF)
async def issue_key(
    body: NewKey, identity: deps.IdentityDep, auth: deps.AuthDep, write: deps.WriteDep
) -> JSONResponse:
    """An API key for oneself (or, for an administrator, for another user): sent as
    `X-API-Key` or `Authorization: ApiKey ...`. The key is in this answer only; the log
    keeps its hash. The request waits for the key to be stored."""
    username = body.username or identity.username
    _own_or_admin(identity, username)
    key_id, key, hashed = auth.new_key()
    command = c.IssueApiKey(
        database=None, key_id=key_id, username=username, name=body.name, secret_hash=hashed
    )
    done = await submit(dataclasses.replace(write, wait=True), command, "API key issued")
    if done.status_code != 200:
        return done
    answer = json.loads(bytes(done.body))
    answer["data"]["result"] = {**answer["data"]["result"], "key": key}
    return JSONResponse(answer)


@router.delete("/keys/{key_id}", status_code=202, response_model=AcceptedBody, responses=WRITE)
@needs(SELF)
async def revoke_key(
    key_id: KeyId, identity: deps.IdentityDep, auth: deps.AuthDep, write: deps.WriteDep
) -> JSONResponse:
    """Revoke a key (one's own, or any for an administrator); it stops working at once."""
    owner = await run_in_threadpool(auth.key_owner, key_id)
    if owner is not None:
        _own_or_admin(identity, owner)
    command = c.RevokeApiKey(database=None, key_id=key_id)
    return await submit(write, command, f"Revocation accepted for key {key_id}")


def _own_or_admin(identity: Any, username: str) -> None:
    if not identity.admin and identity.username != username:
        raise Forbidden("only an administrator may act for another user", {"username": username})
