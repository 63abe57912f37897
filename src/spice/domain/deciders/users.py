"""Deciders of users, API keys and roles on databases. The commands carry hashes only;
who may issue them is the API's check (administrators; a user for their own password and
keys; a database's owners for its roles)."""

from __future__ import annotations

from typing import Any

from spice.domain import commands as c
from spice.domain import names
from spice.domain.deciders.base import Change, Decision, WriteModel, require_absent
from spice.domain.errors import Conflict, NotFound, ValidationFailed, field_error
from spice.domain.events import (
    ApiKeyIssued,
    ApiKeyRevoked,
    DatabaseRoleGranted,
    DatabaseRoleRevoked,
    UserCreated,
    UserPasswordChanged,
)

HASH_PREFIXES = ("$argon2id$",)
MAX_KEY_NAME = 100


def _hash(value: Any, path: str, prefixes: tuple[str, ...] = HASH_PREFIXES) -> str:
    if not isinstance(value, str) or not value.startswith(prefixes) or len(value) > 500:
        raise ValidationFailed(
            "a password arrives hashed", [field_error(path, "type", "an argon2id hash", None)]
        )
    return value


def require_user(model: WriteModel, username: Any) -> str:
    name = names.check_name("username", username, names.USERNAME, "username")
    if not model.load(names.user_aggregate(name)).live:
        raise NotFound(f"user {name!r} not found", {"username": name})
    return name


def create_user(model: WriteModel, command: c.CreateUser, _command_id: str) -> Decision:
    name = names.check_name("username", command.username, names.USERNAME, "username")
    if not isinstance(command.admin, bool):
        raise ValidationFailed(
            "admin is true or false", [field_error("admin", "type", "bool", None)]
        )
    state = model.load(names.user_aggregate(name))
    require_absent(state, f"user {name!r}")
    event = UserCreated(name, _hash(command.password_hash, "password"), command.admin)
    return Decision(
        [Change(state.aggregate_id, 1, event)], {"username": name, "admin": command.admin}
    )


def change_password(model: WriteModel, command: c.ChangePassword, _command_id: str) -> Decision:
    name = require_user(model, command.username)
    state = model.load(names.user_aggregate(name))
    event = UserPasswordChanged(name, _hash(command.password_hash, "password"))
    return Decision([Change(state.aggregate_id, state.seq + 1, event)], {"username": name})


def issue_api_key(model: WriteModel, command: c.IssueApiKey, _command_id: str) -> Decision:
    user = require_user(model, command.username)
    key_id = names.check_name("key id", command.key_id, names.API_KEY_ID, "key_id")
    label = command.name
    if not isinstance(label, str) or not label.strip() or len(label) > MAX_KEY_NAME:
        raise ValidationFailed(
            f"a key's name is text of 1 to {MAX_KEY_NAME} characters",
            [field_error("name", "type", f"text up to {MAX_KEY_NAME}", label)],
        )
    secret = _hash(command.secret_hash, "secret", ("sha256:",))
    state = model.load(names.api_key_aggregate(key_id))
    require_absent(state, f"API key {key_id!r}")
    event = ApiKeyIssued(key_id, user, label, secret)
    return Decision(
        [Change(state.aggregate_id, 1, event)], {"key_id": key_id, "username": user, "name": label}
    )


def revoke_api_key(model: WriteModel, command: c.RevokeApiKey, _command_id: str) -> Decision:
    key_id = names.check_name("key id", command.key_id, names.API_KEY_ID, "key_id")
    state = model.load(names.api_key_aggregate(key_id))
    if not state.live:
        raise NotFound(f"API key {key_id!r} not found (or revoked)", {"key_id": key_id})
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, ApiKeyRevoked(key_id))], {"key_id": key_id}
    )


ROLES = ("viewer", "editor", "owner")  # each may do what the ones before it may


def grant_role(model: WriteModel, command: c.GrantRole, _command_id: str) -> Decision:
    state = model.require_database(command.database)
    user = require_user(model, command.username)
    if command.role not in ROLES:
        raise ValidationFailed(
            "unknown role", [field_error("role", "enum", " | ".join(ROLES), command.role)]
        )
    if user == state.created_by and command.role != "owner":
        raise Conflict(
            f"{user!r} created {command.database!r} and stays its owner: no other owner can"
            " demote them",
            {"username": user, "role": command.role},
            code="CREATOR_IS_OWNER",
        )
    event = DatabaseRoleGranted(str(command.database), user, command.role)
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, event)],
        {"database": command.database, "username": user, "role": command.role},
    )


def revoke_role(model: WriteModel, command: c.RevokeRole, _command_id: str) -> Decision:
    state = model.require_database(command.database)
    name = names.check_name("username", command.username, names.USERNAME, "username")
    if name not in state.body.get("roles", {}):
        raise NotFound(f"{name!r} has no role on {command.database!r}", {"username": name})
    event = DatabaseRoleRevoked(str(command.database), name)
    return Decision(
        [Change(state.aggregate_id, state.seq + 1, event)],
        {"database": command.database, "username": name},
    )
