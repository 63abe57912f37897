"""Aggregate state: one fold over a stream's events, used by the write side and projections."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spice.domain.envelope import EventEnvelope
from spice.domain.events import (
    ApiKeyIssued,
    BranchCreated,
    BranchRebased,
    ClassCreated,
    ClassUpdated,
    ConnectorSaved,
    DatabaseCreated,
    DatabaseDeleted,
    DatabasePurged,
    DatabaseRestored,
    DatabaseRoleGranted,
    DatabaseRoleRevoked,
    DatabaseSettingsChanged,
    DatasetVersionAdded,
    DomainEvent,
    InstanceCreated,
    InstanceRestored,
    InstanceUpdated,
    MappingSaved,
    ProposalClosed,
    ProposalMerged,
    ProposalOpened,
    UserCreated,
    UserPasswordChanged,
    decode,
    is_deletion,
)


@dataclass
class AggregateState:
    """The state of one stream after its events up to `seq`: `body` is the current
    value of the aggregate (a definition, an instance's values), the rest its history."""

    aggregate_id: str
    aggregate_type: str = ""
    seq: int = 0
    exists: bool = False
    deleted: bool = False
    body: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    updated_by: str = ""
    last_event_id: str = ""
    last_command_id: str = ""

    @property
    def live(self) -> bool:
        return self.exists and not self.deleted


def _apply_body(body: dict[str, Any], event: DomainEvent) -> dict[str, Any]:
    # Instances first: most of the log is theirs.
    if isinstance(event, InstanceCreated | InstanceRestored):
        return dict(event.values)
    if isinstance(event, InstanceUpdated):
        merged = {**body, **event.changes}
        return {k: v for k, v in merged.items() if v is not None}
    if isinstance(event, ClassCreated | ClassUpdated):
        return dict(event.definition)
    if isinstance(event, DatabaseCreated | BranchCreated | UserCreated | ApiKeyIssued):
        return event.to_data()
    if isinstance(event, UserPasswordChanged):
        return {**body, "password_hash": event.password_hash}
    if isinstance(event, BranchRebased):
        return {**body, "rebased_position": event.position}
    if isinstance(event, DatasetVersionAdded | MappingSaved | ConnectorSaved):
        version = {k: v for k, v in event.to_data().items() if k not in ("database", "name")}
        versions = [*body.get("versions", []), version]
        return {"database": event.database, "name": event.name, "versions": versions}
    if isinstance(event, DatabaseDeleted):
        return {**body, "purge_after": event.purge_after}
    if isinstance(event, DatabaseRestored):
        return {k: v for k, v in body.items() if k != "purge_after"}
    if isinstance(event, DatabasePurged):
        return {**{k: v for k, v in body.items() if k != "purge_after"}, "purged": True}
    if isinstance(event, DatabaseRoleGranted):
        return {**body, "roles": {**body.get("roles", {}), event.username: event.role}}
    if isinstance(event, DatabaseRoleRevoked):
        roles = {k: v for k, v in body.get("roles", {}).items() if k != event.username}
        return {**body, "roles": roles}
    if isinstance(event, DatabaseSettingsChanged):
        settings = {k: v for k, v in event.to_data().items() if k != "database"}
        return {**body, "settings": settings}
    if isinstance(event, ProposalOpened):
        return {**event.to_data(), "status": "open"}
    if isinstance(event, ProposalMerged | ProposalClosed):
        return {**body, "status": "merged" if isinstance(event, ProposalMerged) else "closed"}
    return body


def apply(
    state: AggregateState, event: EventEnvelope, fact: DomainEvent | None = None
) -> AggregateState:
    """Fold one event into `state` (in place) and return it; `fact` is the event decoded
    already, if the caller has it."""
    state.aggregate_type = event.aggregate_type
    fact = fact if fact is not None else decode(event)
    state.body = _apply_body(state.body, fact)
    if not state.exists:
        state.exists = True
        state.created_at = event.occurred_at
        state.created_by = event.actor
    if is_deletion(event):
        state.deleted = True
    elif isinstance(fact, InstanceRestored | DatabaseRestored | ConnectorSaved):
        state.deleted = False
    state.seq = event.sequence_number
    state.updated_at = event.occurred_at
    state.updated_by = event.actor
    state.last_event_id = event.event_id
    state.last_command_id = event.command_id or ""
    return state


def replay(aggregate_id: str, events: Iterable[EventEnvelope]) -> AggregateState:
    state = AggregateState(aggregate_id)
    for event in events:
        apply(state, event)
    return state
