"""From a mapping spec and the tables it reads to the rows an import writes: each row's
values after the transforms, its links as references to the target class's instances, and
the cells each value came from."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from spice.application.datasets.files import Table
from spice.domain.canonical import dumps
from spice.domain.errors import field_error
from spice.domain.mapping_spec import FieldMap, SourceMap
from spice.domain.mappings import CellError, cell_value, import_id
from spice.domain.ontology.model import OntologyClass
from spice.domain.types import TypeMismatch, normalise

BATCH_ROWS = 1000
BATCH_BYTES = 512 * 1024  # a batch is one stored command; brokers cap message sizes


@dataclass
class SourcePlan:
    """The rows of one source of a mapping, ready to be written as `ImportRows` batches."""

    source: SourceMap
    dataset: dict[str, Any]  # name, version, sha256, table
    rows: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    # Ids of the rows found as they were in the version imported before (see `unchanged`).
    unchanged: list[str] = field(default_factory=list)

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        batch: list[dict[str, Any]] = []
        size = 0
        for row in self.rows:
            row_size = len(dumps(row))
            if batch and (len(batch) >= BATCH_ROWS or size + row_size > BATCH_BYTES):
                yield batch
                batch, size = [], 0
            batch.append(row)
            size += row_size
        if batch:
            yield batch


# The reference to an instance of a class from a value of its key: (class, value) -> ref.
RefOf = Callable[[str, Any], str]


def ref_maker(definitions: Mapping[str, OntologyClass], keys: Mapping[str, Sequence[str]]) -> RefOf:
    """References as the import makes ids: the value in its normal form under the target
    key property's type (so `007` finds the instance whose integer key is 7)."""

    def ref_of(target: str, value: Any) -> str:
        key = keys.get(target, [])
        definition = definitions.get(target)
        prop = definition.property(key[0]) if definition is not None and len(key) == 1 else None
        if prop is not None:
            # Left as written when it is no key: the link check reports the row.
            with suppress(TypeMismatch, KeyError, TypeError, ValueError):
                value = normalise(prop.spec, value)
        return f"{target}/{import_id([value])}"

    return ref_of


def _cells(spec: FieldMap) -> str | list[str]:
    return spec.columns[0] if len(spec.columns) == 1 else list(spec.columns)


def plan_source(
    source: SourceMap, dataset: dict[str, Any], table: Table, ref_of: RefOf
) -> SourcePlan:
    """Every row of `table` under `source`: values, links and cells, or the transform
    errors that refuse it."""
    plan = SourcePlan(source, dataset)
    index = {c: i for i, c in enumerate(table.columns)}
    fields = [(f.name, [index[c] for c in f.columns], f, f.target) for f in source.fields]
    for i, cells in enumerate(table.rows):
        number = table.row_number(i)
        values: dict[str, Any] = {}
        where: dict[str, Any] = {}
        errors = []
        for name, at, spec, target in fields:
            try:
                value = cell_value(cells, at, spec)
            except CellError as exc:
                raw = cells[at[0]] if len(at) == 1 else [cells[j] for j in at]
                errors.append(
                    {**field_error(name, "transform_failed", str(exc), raw), "column": _cells(spec)}
                )
                continue
            if value is None or value == "" or value == []:
                continue
            if target is not None:
                value = (
                    [ref_of(target, v) for v in value]
                    if isinstance(value, list)
                    else ref_of(target, value)
                )
            values[name] = value
            where[name] = _cells(spec)
        if errors:
            plan.refused.append({"row": number, "errors": errors})
        else:
            plan.rows.append({"row": number, "values": values, "cells": where})
    return plan


def dependency_order(sources: Sequence[SourceMap]) -> list[int]:
    """Indexes of the sources with each link's target class loaded before the sources that
    link to it (a cycle keeps the given order; its links to rows not loaded yet are
    refused and reported)."""
    classes = {s.class_id for s in sources}
    needs = [{x.target for x in s.links} & classes - {s.class_id} for s in sources]
    done: list[int] = []
    loaded: set[str] = set()
    while len(done) < len(sources):
        pending = [i for i in range(len(sources)) if i not in done]
        ready = [i for i in pending if needs[i] <= loaded] or pending[:1]
        for i in ready:
            done.append(i)
        # A class is loaded once every source that fills it is.
        loaded = {
            s.class_id
            for s in sources
            if all(j in done for j, t in enumerate(sources) if t.class_id == s.class_id)
        }
    return done
