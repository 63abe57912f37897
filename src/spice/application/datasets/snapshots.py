"""The last step of a snapshot import: the instances an import of a source's table made
that the table's rows no longer have are deleted, a batch per `DeleteImported` command.

The candidates are read once from the write model (live instances of the source's class
whose first event came from the same dataset table, and whose id no row of the run had).
After each batch the candidates still live are the ones left, so a run resumed after a
crash (whose first batches answer with the outcome they had) goes on until none is left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spice.application.datasets.plans import SourcePlan
from spice.domain import commands as c
from spice.domain import names
from spice.domain.deciders.base import WriteModel
from spice.domain.deciders.import_rows import imported_from

DELETE_BATCH = 1000
MAX_ROUNDS = 10_000  # batches at most: a guard against instances that keep coming back


def missing(model: WriteModel, db: str, branch: str, plan: SourcePlan, seen: set[str]) -> list[str]:
    """The ids of the live instances of the plan's class that an import of its dataset
    table made, and that no row of this run has."""
    prefix = names.instance_aggregate(db, branch, plan.source.class_id, "")
    found: list[str] = []
    after = ""
    while ids := model.stream_ids(prefix, after, 1000):
        # Heads only of the instances no row had (in a sync, a few of many).
        unseen = [a for a in ids if a[len(prefix) :] not in seen]
        live = model.live_heads(unseen) if unseen else {}
        gone = [a for a in unseen if a in live]
        streams = model.read_streams(gone)
        found += [
            a[len(prefix) :]
            for a in gone
            if imported_from(streams.get(a, []), plan.dataset, same_table=True)
        ]
        after = ids[-1]
    return found


def delete_missing(
    model: WriteModel,
    db: str,
    branch: str,
    plan: SourcePlan,
    candidates: list[str],
    step: Callable[[c.DeleteImported], dict[str, Any]],
) -> int:
    """Delete the candidates a batch at a time through `step` (which decides or runs the
    command); the number of instances deleted."""
    prefix = names.instance_aggregate(db, branch, plan.source.class_id, "")
    deleted = 0
    for _ in range(MAX_ROUNDS):
        if not candidates:
            break
        command = c.DeleteImported(
            database=db,
            branch=branch,
            class_id=plan.source.class_id,
            source=plan.dataset,
            instance_ids=candidates[:DELETE_BATCH],
        )
        deleted += int(step(command).get("deleted", 0))
        live = model.live_heads(prefix + iid for iid in candidates)
        candidates = [iid for iid in candidates if prefix + iid in live]
    return deleted
