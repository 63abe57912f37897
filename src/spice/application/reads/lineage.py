"""Lineage of an instance, read from the log: its timeline (every change with who, which
command and commit, why, and on which branch), its state replayed with the chain of
commands that made it, and per property the change that set the current value (blame) and
the chain of causes behind it (why)."""

from __future__ import annotations

from typing import Any

from spice.application.ports.event_store import EventStore
from spice.application.reads.documents import Reader
from spice.domain import names
from spice.domain.aggregates import AggregateState, apply, replay
from spice.domain.deciders.base import WriteModel
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import BadRequest, NotFound
from spice.domain.events import (
    CommandAccepted,
    InstanceCreated,
    InstanceDeleted,
    InstanceRestored,
    InstanceUpdated,
    decode,
)


def _branch_of(event: EventEnvelope) -> str:
    scope = names.branch_scope(event.aggregate_id)
    return scope[2] if scope else ""


def _cell(event: EventEnvelope, prop: str) -> dict[str, Any] | None:
    """The dataset cell an imported value came from (its column, or the columns joined
    into it), when the event that set it was an import."""
    found = event.metadata.get("provenance")
    if not isinstance(found, dict) or prop not in found.get("cells", {}):
        return None
    where = {k: found.get(k) for k in ("dataset", "version", "sha256", "table", "row")}
    return {"kind": "source", **where, "column": found["cells"][prop]}


class Lineages:
    """Reads the lineage of instances from the log (exact, whatever the read model)."""

    def __init__(self, events: EventStore, model: WriteModel, reader: Reader) -> None:
        self.events = events
        self.model = model
        self.reader = reader

    def _stream(
        self, db: str, branch: str, class_id: str, instance_id: str, as_of: int | None
    ) -> list[EventEnvelope]:
        self.reader.ontology_class(db, branch, class_id)
        names.check_name("instance id", instance_id, names.INSTANCE_ID)
        aggregate = names.instance_aggregate(db, branch, class_id, instance_id)
        stream = self.model.read_stream(aggregate)
        if as_of is not None:
            stream = [e for e in stream if (e.position or 0) <= as_of]
        if not stream:
            raise NotFound(
                f"instance {class_id}/{instance_id} has no history here",
                {"class_id": class_id, "instance_id": instance_id},
            )
        return stream

    def _commands(self, events: list[EventEnvelope]) -> dict[str, dict[str, Any]]:
        """What each command of `events` was: type, actor, time and request metadata."""
        out: dict[str, dict[str, Any]] = {}
        for command_id in dict.fromkeys(e.command_id for e in events if e.command_id):
            assert command_id is not None
            stream = self.events.read_stream(names.command_aggregate(command_id), 1, 1)
            if not stream:
                continue
            accepted = decode(stream[0])
            meta = stream[0].metadata
            out[command_id] = {
                "command_id": command_id,
                "command_type": accepted.command_type
                if isinstance(accepted, CommandAccepted)
                else None,
                "actor": stream[0].actor,
                "accepted_at": stream[0].occurred_at,
                "request_id": meta.get("request_id"),
                "reason": meta.get("reason"),
                "source": meta.get("source"),
                "message": meta.get("message"),
            }
        return out

    @staticmethod
    def _change(event: EventEnvelope, command: dict[str, Any] | None) -> dict[str, Any]:
        fact = decode(event)
        change: dict[str, Any] = {
            "sequence_number": event.sequence_number,
            "event_type": event.event_type,
            "event_id": event.event_id,
            "position": event.position,
            "time": event.occurred_at,
            "actor": event.actor,
            "branch": _branch_of(event),
            "command_id": event.command_id,
            "commit": event.command_id,
            "command_type": command["command_type"] if command else None,
            "message": command["message"] if command else None,
            "reason": event.metadata.get("reason"),
            "source": event.metadata.get("source"),
        }
        if event.metadata.get("provenance"):
            change["provenance"] = event.metadata["provenance"]
        if isinstance(fact, InstanceCreated | InstanceRestored):
            change["values"] = fact.values
        elif isinstance(fact, InstanceUpdated):
            change["changes"] = fact.changes
            change["migration"] = fact.migration
        return change

    def timeline(
        self,
        db: str,
        branch: str,
        class_id: str,
        instance_id: str,
        offset: int,
        limit: int,
        as_of: int | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Every change of the instance as the branch sees it, oldest first."""
        stream = self._stream(db, branch, class_id, instance_id, as_of)
        page = stream[offset : offset + limit]
        commands = self._commands(page)
        return [self._change(e, commands.get(e.command_id or "")) for e in page], len(stream)

    def replay(
        self, db: str, branch: str, class_id: str, instance_id: str, as_of: int | None = None
    ) -> dict[str, Any]:
        """The state rebuilt from the log, with the chain of commands that made it."""
        stream = self._stream(db, branch, class_id, instance_id, as_of)
        state = replay(stream[-1].aggregate_id, stream)
        commands = self._commands(stream)
        history = [
            {
                **commands.get(e.command_id or "", {"command_id": e.command_id}),
                "sequence_number": e.sequence_number,
                "event_type": e.event_type,
                "position": e.position,
                "timestamp": e.occurred_at,
                "branch": _branch_of(e),
            }
            for e in stream
        ]
        return {
            "class_id": class_id,
            "instance_id": instance_id,
            "branch": branch,
            "as_of": as_of,
            "deleted": state.deleted,
            "sequence_number": state.seq,
            "data": state.body,
            "_metadata": {
                "created_at": state.created_at,
                "created_by": state.created_by,
                "updated_at": state.updated_at,
                "updated_by": state.updated_by,
                "command_history": history,
            },
        }

    def _blamed(
        self,
        name: str,
        value: Any,
        event: EventEnvelope,
        commands: dict[str, dict[str, Any]],
        branch: str,
    ) -> dict[str, Any]:
        """One value's line of blame: the change that set it and each of its causes (the
        event, the dataset cell it came from, the command, the commit)."""
        command = commands.get(event.command_id or "")
        change = self._change(event, command)
        causes: list[dict[str, Any]] = [
            {"kind": "event", **{k: change[k] for k in ("event_id", "event_type", "position")}},
        ]
        cell = _cell(event, name)
        if cell is not None:
            causes.append(cell)
        if command is not None:
            causes.append({"kind": "command", **command})
        causes.append(
            {
                "kind": "commit",
                "commit": event.command_id,
                "branch": change["branch"],
                "inherited": change["branch"] != branch,
            }
        )
        return {
            "property": name,
            "value": value,
            "sequence_number": event.sequence_number,
            "event_id": event.event_id,
            "command_id": event.command_id,
            "commit": event.command_id,
            "actor": event.actor,
            "time": event.occurred_at,
            "branch": change["branch"],
            "message": change["message"],
            **({"cell": {k: v for k, v in cell.items() if k != "kind"}} if cell else {}),
            "causes": causes,
        }

    def blame(
        self,
        db: str,
        branch: str,
        class_id: str,
        instance_id: str,
        as_of: int | None = None,
        prop: str | None = None,
    ) -> dict[str, Any]:
        """For each current value (or one property): the change that set it, and why."""
        stream = self._stream(db, branch, class_id, instance_id, as_of)
        state, setter = _setters(stream)
        if state.deleted:
            raise NotFound(
                f"instance {class_id}/{instance_id} is deleted here",
                {"class_id": class_id, "instance_id": instance_id, "deleted": True},
            )
        wanted = sorted(state.body) if prop is None else [prop]
        if prop is not None and prop not in state.body:
            raise BadRequest(
                f"{class_id}/{instance_id} has no value for {prop!r}", {"property": prop}
            )
        commands = self._commands([setter[p] for p in wanted])
        out = [
            self._blamed(name, state.body[name], setter[name], commands, branch) for name in wanted
        ]
        return {"class_id": class_id, "instance_id": instance_id, "branch": branch, "blame": out}


def _setters(stream: list[EventEnvelope]) -> tuple[AggregateState, dict[str, EventEnvelope]]:
    """The instance's state at the end of `stream`, and for each of its values the event
    that set it."""
    state = AggregateState(stream[-1].aggregate_id)
    setter: dict[str, EventEnvelope] = {}
    for event in stream:
        fact = decode(event)
        apply(state, event, fact)
        if isinstance(fact, InstanceCreated | InstanceRestored):
            setter = dict.fromkeys(fact.values, event)
        elif isinstance(fact, InstanceUpdated):
            setter.update(dict.fromkeys(fact.changes, event))
        elif isinstance(fact, InstanceDeleted):
            setter = {}
    return state, setter
