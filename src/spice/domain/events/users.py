"""Events of users and their API keys: the log is where credentials live too, so every
change to who may do what is an event with its actor and time. Only hashes are stored."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.envelope import AggregateType
from spice.domain.events.base import DomainEvent


@dataclass(frozen=True)
class UserCreated(DomainEvent):
    """A user who signs in with a password (`password_hash`: argon2id)."""

    event_type = "UserCreated"
    aggregate_type = AggregateType.USER
    username: str
    password_hash: str
    admin: bool


@dataclass(frozen=True)
class UserPasswordChanged(DomainEvent):
    """The user's password changed; tokens issued before it no longer refresh."""

    event_type = "UserPasswordChanged"
    aggregate_type = AggregateType.USER
    username: str
    password_hash: str


@dataclass(frozen=True)
class ApiKeyIssued(DomainEvent):
    """A key a service uses in place of a user's password (`secret_hash`: SHA-256 of the
    random secret, which is shown once)."""

    event_type = "ApiKeyIssued"
    aggregate_type = AggregateType.API_KEY
    key_id: str
    username: str
    name: str
    secret_hash: str


@dataclass(frozen=True)
class ApiKeyRevoked(DomainEvent):
    """The key no longer authenticates anyone (final)."""

    event_type = "ApiKeyRevoked"
    aggregate_type = AggregateType.API_KEY
    key_id: str
