"""Commands on users and their API keys; a secret arrives hashed (the log never holds it)."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.commands.base import Command


@dataclass(frozen=True, kw_only=True)
class CreateUser(Command):
    """Create user `username`; the password arrives hashed (the log never holds it)."""

    command_type = "CREATE_USER"
    username: str
    password_hash: str
    admin: bool = False


@dataclass(frozen=True, kw_only=True)
class ChangePassword(Command):
    command_type = "CHANGE_PASSWORD"
    username: str
    password_hash: str


@dataclass(frozen=True, kw_only=True)
class IssueApiKey(Command):
    """A key for user `username`, named `name`; only the secret's hash is stored."""

    command_type = "ISSUE_API_KEY"
    key_id: str
    username: str
    name: str
    secret_hash: str


@dataclass(frozen=True, kw_only=True)
class RevokeApiKey(Command):
    command_type = "REVOKE_API_KEY"
    key_id: str
