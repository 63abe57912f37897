"""Aggregate state: one fold over a stream's events, used by the write side and projections."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spice.domain import events as ev
from spice.domain.events import EventEnvelope


@dataclass
class AggregateState:
    """The state of one stream after its events up to `seq`."""

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


def _apply_body(body: dict[str, Any], event: EventEnvelope) -> dict[str, Any]:
    data = event.data
    kind = event.event_type
    if kind in (ev.DATABASE_CREATED, ev.BRANCH_CREATED):
        return dict(data)
    if kind in (ev.CLASS_CREATED, ev.CLASS_UPDATED):
        return dict(data["definition"])
    if kind == ev.INSTANCE_CREATED:
        return dict(data["values"])
    if kind == ev.INSTANCE_UPDATED:
        merged = {**body, **data["changes"]}
        return {k: v for k, v in merged.items() if v is not None}
    return body


def apply(state: AggregateState, event: EventEnvelope) -> AggregateState:
    """Fold one event into `state` (in place) and return it."""
    state.aggregate_type = event.aggregate_type
    state.body = _apply_body(state.body, event)
    if not state.exists:
        state.exists = True
        state.created_at = event.occurred_at
        state.created_by = event.actor
    if event.event_type in ev.DELETION_EVENTS:
        state.deleted = True
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
