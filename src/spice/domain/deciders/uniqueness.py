"""Unique values: claimed by an instance in the same append as its write, released on
change or delete. A claim is the head of a stream per (class, property, value)."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from typing import Any

from spice.domain.canonical import dumps
from spice.domain.deciders.base import Change, WriteModel
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import Conflict
from spice.domain.events import UniqueValueClaimed, UniqueValueReleased, decode
from spice.domain.ontology.model import EffectiveClass, OntologyClass

# (aggregate id, declaring class, property, value)
Claim = tuple[str, str, str, Any]


def claim_id(db: str, branch: str, cls: str, prop: str, value: Any) -> str:
    """The stream of one unique value. Text is compared in NFC: `café` typed precomposed
    and with a combining accent (as some systems send it) is one value."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
    digest = hashlib.sha256(dumps(value).encode()).hexdigest()[:40]
    return f"uniq:{db}:{branch}:{cls}:{prop}:{digest}"


def claims_of(
    db: str, branch: str, definition: OntologyClass, values: dict[str, Any]
) -> list[Claim]:
    """The values of `values` that must be unique: unique properties, and 1:1 link targets
    (one source per target). A value is claimed in the class that declares its field, so
    a subclass's instances and its parent's share one set of values."""
    declared_in = definition.declared_in if isinstance(definition, EffectiveClass) else {}
    fields = [
        *(p.name for p in definition.properties if p.unique),
        *(r.predicate for r in definition.relationships if r.cardinality == "1:1"),
    ]
    out: list[Claim] = []
    for name in fields:
        value = values.get(name)
        if value is not None:
            cls = declared_in.get(name, definition.id)
            out.append((claim_id(db, branch, cls, name, value), cls, name, value))
    return out


def claim(
    model: WriteModel,
    claims: Iterable[tuple[Claim, str]],
    path: str = "data",
    released: Iterable[Change] = (),
) -> list[Change]:
    """Changes that claim each value for its instance ref ("Class/id"); 409 naming the
    holder when another live instance has it, or two in this command want it. Values the
    same command releases (`released`) are free, and claimed after their release."""
    wanted = list(claims)
    freed = {c.aggregate_id: c.seq for c in released}
    heads = model.heads({c[0] for c, _ in wanted} - set(freed))
    taken: dict[str, str] = {}
    changes: list[Change] = []
    conflicts = []
    for (aggregate_id, cls, prop, value), owner in wanted:
        head = heads.get(aggregate_id)
        holder = taken.get(aggregate_id) or _holder(head)
        if holder is not None and holder != owner:
            conflicts.append(
                {"property": prop, "value": value, "held_by": holder, "instance": owner}
            )
            continue
        if holder == owner:
            continue
        taken[aggregate_id] = owner
        seq = freed.get(aggregate_id, head.sequence_number if head is not None else 0) + 1
        changes.append(Change(aggregate_id, seq, UniqueValueClaimed(cls, prop, value, owner)))
    if conflicts:
        first = conflicts[0]
        raise Conflict(
            f"{first['property']}={first['value']!r} is already used by {first['held_by']}",
            {"path": path, "conflicts": conflicts[:100]},
        )
    return changes


def release(model: WriteModel, claims: Iterable[Claim], owner: str) -> list[Change]:
    """Changes that release the values `owner` holds."""
    return release_all(model, [(c, owner) for c in claims])


def release_all(model: WriteModel, held: Iterable[tuple[Claim, str]]) -> list[Change]:
    """Changes that release each value its owner holds (values held by others are left)."""
    wanted = list(held)
    heads = model.heads({c[0] for c, _ in wanted})
    changes = []
    for (aggregate_id, cls, prop, value), owner in wanted:
        head = heads.get(aggregate_id)
        if head is None or _holder(head) != owner:
            continue
        released = UniqueValueReleased(cls, prop, value, owner)
        changes.append(Change(aggregate_id, head.sequence_number + 1, released))
    return changes


def _holder(head: EventEnvelope | None) -> str | None:
    """The instance ref that holds a value, from the head of its stream."""
    if head is None:
        return None
    event = decode(head)
    return event.instance if isinstance(event, UniqueValueClaimed) else None
