"""Rows a sync need not compare again: in an updating import (upsert, snapshot) whose
connector imported an earlier version of the same dataset with the same mapping, a row
whose key and values are as they were in that version is unchanged, and is counted so
without reading its instance. Only the rows that differ are decided and written.

What this leaves alone: an instance edited by hand since that import keeps its edit until
its row changes in the source (a full `upsert` import puts the source's values back)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from contextlib import suppress

from spice.application.datasets.plans import SourcePlan
from spice.domain.canonical import dumps
from spice.domain.mappings import import_id
from spice.domain.ontology.model import OntologyClass
from spice.domain.types import TypeMismatch, normalise


def key_id(definition: OntologyClass | None, key: list[str], values: Mapping[str, object]) -> str:
    """The instance id of a row's key values, as the row decider makes it (each part in the
    normal form of its property's type)."""
    parts = []
    for name in key:
        value = values.get(name)
        prop = definition.property(name) if definition is not None else None
        if prop is not None:
            with suppress(TypeMismatch, KeyError, TypeError, ValueError):
                value = normalise(prop.spec, value)
        parts.append(value)
    return import_id(parts)


def drop_unchanged(
    plan: SourcePlan, earlier: SourcePlan, definition: OntologyClass | None
) -> list[str]:
    """Take from `plan` its rows whose values are those of the same key in `earlier`;
    answers their instance ids (rows of this run all the same, for a snapshot's deletes)."""
    key = list(plan.source.key)
    if not key or earlier.refused:
        return []
    before = {key_id(definition, key, r["values"]): dumps(r["values"]) for r in earlier.rows}
    ids = [key_id(definition, key, row["values"]) for row in plan.rows]
    # A key on several rows (in either version) is left to the decider, which refuses it.
    twice = {i for i, n in Counter(ids).items() if n > 1}
    twice |= {
        i
        for i, n in Counter(key_id(definition, key, r["values"]) for r in earlier.rows).items()
        if n > 1
    }
    kept, same = [], []
    for row, iid in zip(plan.rows, ids, strict=True):
        if iid not in twice and before.get(iid) == dumps(row["values"]):
            same.append(iid)
        else:
            kept.append(row)
    plan.rows = kept
    return same
