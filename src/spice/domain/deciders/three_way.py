"""Bringing changes onto a branch three-way, per class and per property: the shared core of
merge, revert and reset.

Each changed aggregate has three sides: its value at a base, the value the change wants
("theirs"), and the target's value now ("ours"). What changed from base to theirs is
replayed onto the target through the same deciders a client's commands go through (class
creation and update, instance create, update and delete), one after another on a staged
write model, so the target's rules hold for these writes as for any other: its schema,
unique values, links. A change the target refuses, or one both sides made differently,
is a conflict: it fails the command unless a strategy or a resolution settles it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import AggregateState
from spice.domain.deciders import instances, ontology
from spice.domain.deciders.base import Decision, Staged, WriteModel
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import Conflict, SpiceError, ValidationFailed, field_error
from spice.domain.ontology.instances import validate_instance

STRATEGIES = ("fail", "ours", "theirs")
# The deciders the changes are replayed through.
STEPS: dict[type[c.Command], Callable[[WriteModel, Any, str], Decision]] = {
    c.CreateClass: ontology.create_class,
    c.UpdateClass: ontology.update_class,
    c.DeleteClass: ontology.delete_class,
    c.CreateInstance: instances.create_instance,
    c.UpdateInstance: instances.update_instance,
    c.DeleteInstance: instances.delete_instance,
    c.RestoreInstance: instances.restore_instance,
}
MAX_CONFLICTS = 1000
MAX_STREAMS = 1_000_000  # of a class or instance prefix, read for what changed
BATCH = 500  # aggregates whose streams are read together
Conflicts = list[dict[str, Any]]
# An aggregate's value on one side, None when it does not exist there.
Value = dict[str, Any] | None
Sides = tuple[Value, Value]


def body(state: AggregateState) -> dict[str, Any] | None:
    """The value of an aggregate, None when it does not exist (or no longer does)."""
    return dict(state.body) if state.live else None


class ThreeWay:
    """One command bringing changes onto its branch (the target, which must exist): how
    conflicts are settled, the conflicts found, and the target's changes so far.
    Subclasses say which aggregates changed and what their base and wanted values are
    (`sides`)."""

    def __init__(
        self,
        model: WriteModel,
        command: c.MergeBranch | c.RebaseBranch | c.RevertCommit | c.ResetBranch,
        command_id: str,
    ) -> None:
        db = str(model.require_database(command.database).body["name"])
        target = names.check_branch(command.branch, "branch")
        strategy, resolutions = command.strategy, command.resolutions
        if strategy not in STRATEGIES:
            raise ValidationFailed(
                "unknown strategy",
                [field_error("strategy", "enum", " | ".join(STRATEGIES), strategy)],
            )
        resolutions = resolutions or {}
        if not isinstance(resolutions, dict) or any(
            v not in ("ours", "theirs") for v in resolutions.values()
        ):
            raise ValidationFailed(
                "resolutions map a conflict ('Class/id' or 'Class/id.property') to ours or theirs",
                [field_error("resolutions", "type", "{key: ours | theirs}", resolutions)],
            )
        model.require_branch(db, target)
        self.model, self.db, self.target, self.command_id = model, db, target, command_id
        self.strategy, self.resolutions = strategy, resolutions
        self.staged = Staged(model)
        self.conflicts: Conflicts = []
        self.settled: Conflicts = []
        # Instances to create, by class, decided together when the batch ends.
        self.creates: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def sides(self, aggregate_id: str) -> Sides:
        """The value of an aggregate at the base and the value wanted on the target."""
        raise NotImplementedError

    def choose(self, key: str, conflict: dict[str, Any], within: str | None = None) -> str | None:
        """How a conflict is settled ("ours", "theirs"), or None to fail the command; the
        conflict of a property is also settled by a resolution of its instance (`within`)."""
        choice = self.resolutions.get(key)
        if choice is None and within is not None:
            choice = self.resolutions.get(within)
        if choice is None and self.strategy != "fail":
            choice = self.strategy
        if choice is None:
            self.conflicts.append(conflict)
        else:
            self.settled.append({**conflict, "resolution": choice})
        return choice

    def only_ours(self, key: str, conflict: dict[str, Any]) -> None:
        """A conflict only keeping the target's side settles."""
        if self.resolutions.get(key, self.strategy) == "ours":
            self.settled.append({**conflict, "resolution": "ours"})
        else:
            self.conflicts.append(conflict)

    def create(self, class_id: str, iid: str, values: dict[str, Any]) -> None:
        """Create an instance on the target: with the others of its class in this batch,
        in one decision (the common case of a branch that added many)."""
        self.creates.setdefault(class_id, []).append((iid, values))

    def flush(self) -> None:
        """Decide the creates gathered so far, a class at a time; when a class's creates
        are refused together, each is decided alone, so the conflicts name the instances."""
        creates, self.creates = self.creates, {}
        db, target = self.db, self.target
        for class_id, rows in creates.items():
            try:
                definition = self.staged.effective_class(db, target, class_id)
                checked = [(iid, validate_instance(definition, v)) for iid, v in rows]
                changes = instances.create_checked(self.staged, db, target, definition, checked)
            except SpiceError:
                for iid, values in rows:
                    command = c.CreateInstance(
                        database=db, branch=target, class_id=class_id, instance_id=iid, data=values
                    )
                    self.apply(f"{class_id}/{iid}", command)
                continue
            self.staged.add(changes)

    def apply(self, key: str, command: c.Command) -> None:
        """Decide `command` on the target as it stands with the changes so far; a refusal is
        a conflict the target raises."""
        if self.creates:
            self.flush()  # a change may need an instance created before it
        try:
            decision = STEPS[type(command)](self.staged, command, self.command_id)
        except SpiceError as exc:
            conflict = {
                "key": key,
                "kind": "refused_by_target",
                "code": exc.code,
                "message": exc.message,
                "details": exc.details,
            }
            self.only_ours(key, conflict)  # the target's rules cannot be overridden
            return
        self.staged.add(decision.changes)

    def bring(self, aggregate_ids: list[str]) -> None:
        """Bring the changes of these class and instance aggregates (of any branch) onto the
        target, classes first; their streams and the target's are read a batch at a time."""
        kinds = {a: (names.branch_scope(a) or ("",))[0] for a in aggregate_ids}
        for kind, step in (("class", _bring_class), ("inst", _bring_instance)):
            ids = [a for a in aggregate_ids if kinds[a] == kind]
            for start in range(0, len(ids), BATCH):
                part = ids[start : start + BATCH]
                self.staged.prefetch([*part, *(names.on_branch(a, self.target) for a in part)])
                for aggregate_id in part:
                    step(self, aggregate_id)
                self.flush()

    def written_after(self, branch: str, since: Callable[[str], int]) -> list[str]:
        """The class and instance streams `branch` sees (named on it) that have an event
        past `since(level)` on some level of its lineage."""
        found: set[str] = set()
        for level in self.model.lineage(self.db, branch):
            after = since(level.branch)
            if level.until is not None and level.until <= after:
                continue
            for kind in ("class", "inst"):
                prefix = f"{kind}:{self.db}:{level.branch}:"
                ids = self.model.store.stream_ids(prefix, "", MAX_STREAMS, level.until)
                heads = self.model.store.heads(ids, level.until)
                found.update(
                    names.on_branch(a, branch) for a in ids if (heads[a].position or 0) > after
                )
        return sorted(found)

    def stream(self, aggregate_id: str) -> list[EventEnvelope]:
        """An aggregate's stream as the log has it, for `sides`."""
        return self.staged.stored_stream(aggregate_id)

    def refuse_conflicts(self, what: str) -> None:
        if self.conflicts:
            raise Conflict(
                f"{len(self.conflicts)} conflicts {what}; choose a strategy (ours, theirs) or "
                "resolve them one by one",
                {"conflicts": self.conflicts[:MAX_CONFLICTS], "total": len(self.conflicts)},
            )

    def summary(self) -> dict[str, Any]:
        """What every outcome of such a command reports."""
        return {
            "database": self.db,
            "changed": any(
                names.branch_scope(ch.aggregate_id) is not None for ch in self.staged.changes
            ),
            "events": len(self.staged.changes),
            "resolved": self.settled[:MAX_CONFLICTS],
        }


def _class_key(aggregate_id: str) -> str:
    return aggregate_id.rsplit(":", 1)[1]


def _bring_class(run: ThreeWay, aggregate_id: str) -> None:
    on_target = names.on_branch(aggregate_id, run.target)
    base, theirs = run.sides(aggregate_id)
    ours = body(run.staged.load(on_target))
    if theirs in (base, ours):
        return
    key = _class_key(aggregate_id)
    if ours != base:
        conflict = {"key": key, "kind": "class", "base": base, "ours": ours, "theirs": theirs}
        if run.choose(key, conflict) != "theirs":
            return
    db, target = run.db, run.target
    if theirs is None:
        run.apply(key, c.DeleteClass(database=db, branch=target, class_id=key))
    elif ours is None:
        run.apply(key, c.CreateClass(database=db, branch=target, definition=theirs))
    else:
        run.apply(key, c.UpdateClass(database=db, branch=target, definition=theirs))


def _bring_instance(run: ThreeWay, aggregate_id: str) -> None:
    on_target = names.on_branch(aggregate_id, run.target)
    _, _, _, rest = names.branch_scope(aggregate_id) or ("", "", "", "")
    class_id, iid = rest.split(":", 1)
    base, theirs = run.sides(aggregate_id)
    target_state = run.staged.load(on_target)
    ours = body(target_state)
    if theirs in (base, ours):
        return
    if theirs is None:  # deleted on the side brought in
        _bring_deletion(run, class_id, iid, base, ours)
    elif ours is None:
        _bring_to_missing(run, class_id, iid, base, theirs, target_state.deleted)
    else:
        _bring_values(run, class_id, iid, base, ours, theirs)


def _bring_deletion(run: ThreeWay, class_id: str, iid: str, base: Value, ours: Value) -> None:
    """The side brought in deleted the instance: delete it on the target too, unless the
    target changed it since the base and the conflict is not settled for the side."""
    key = f"{class_id}/{iid}"
    if ours is not None and ours != base:
        conflict = {
            "key": key,
            "kind": "deleted_on_source_changed_on_target",
            "base": base,
            "ours": ours,
            "theirs": None,
        }
        if run.choose(key, conflict) != "theirs":
            return
    if ours is not None:
        run.apply(
            key,
            c.DeleteInstance(
                database=run.db, branch=run.target, class_id=class_id, instance_id=iid
            ),
        )


def _bring_to_missing(
    run: ThreeWay,
    class_id: str,
    iid: str,
    base: Value,
    theirs: dict[str, Any],
    deleted: bool,
) -> None:
    """The target has no live instance: create it, or restore the one it deleted (unless
    the side changed what the target deleted and the conflict is not settled for it)."""
    if not deleted:
        run.create(class_id, iid, theirs)
        return
    key = f"{class_id}/{iid}"
    if base is not None:  # the target deleted what the side brought in changed
        conflict = {
            "key": key,
            "kind": "changed_on_source_deleted_on_target",
            "base": base,
            "ours": None,
            "theirs": theirs,
        }
        if run.choose(key, conflict) != "theirs":
            return
    run.apply(
        key,
        c.RestoreInstance(
            database=run.db, branch=run.target, class_id=class_id, instance_id=iid, data=theirs
        ),
    )


def _bring_values(
    run: ThreeWay,
    class_id: str,
    iid: str,
    base: Value,
    ours: dict[str, Any],
    theirs: dict[str, Any],
) -> None:
    """Both sides have the instance: bring the properties the side changed, each one the
    target changed too a conflict of its own."""
    key = f"{class_id}/{iid}"
    changes: dict[str, Any] = {}
    before = base or {}
    for prop in sorted({*before, *ours, *theirs}):
        was, mine, new = before.get(prop), ours.get(prop), theirs.get(prop)
        if new in (was, mine):
            continue
        if mine != was:
            conflict = {
                "key": f"{key}.{prop}",
                "kind": "property",
                "property": prop,
                "base": was,
                "ours": mine,
                "theirs": new,
            }
            if run.choose(f"{key}.{prop}", conflict, key) != "theirs":
                continue
        changes[prop] = new
    if changes:
        run.apply(
            key,
            c.UpdateInstance(
                database=run.db, branch=run.target, class_id=class_id, instance_id=iid, data=changes
            ),
        )
