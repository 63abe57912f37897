"""Merging a branch into the branch it forked from: a three-way merge per class and per
property, against the common ancestor (the parent as of the fork, or as of the last merge).

What the source changed since the ancestor is replayed onto the target through the same
deciders a client's commands go through (class creation and update, instance create,
update and delete), one after another on a staged write model, so the target's rules hold
for merged data as for any other write: its schema, unique values, links. A change the
target refuses, or one both sides made differently, is a conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import AggregateState, replay
from spice.domain.deciders import instances, ontology
from spice.domain.deciders.base import Change, Decision, Staged, WriteModel
from spice.domain.errors import Conflict, SpiceError, ValidationFailed, field_error
from spice.domain.events import BranchMerged, decode

STRATEGIES = ("fail", "ours", "theirs")
# The deciders a merge replays the source's changes through.
STEPS: dict[type[c.Command], Callable[[WriteModel, Any, str], Decision]] = {
    c.CreateClass: ontology.create_class,
    c.UpdateClass: ontology.update_class,
    c.DeleteClass: ontology.delete_class,
    c.CreateInstance: instances.create_instance,
    c.UpdateInstance: instances.update_instance,
    c.DeleteInstance: instances.delete_instance,
}
MAX_CONFLICTS = 1000
Conflicts = list[dict[str, Any]]


def _body(state: AggregateState) -> dict[str, Any] | None:
    """The value of an aggregate, None when it does not exist (or no longer does)."""
    return dict(state.body) if state.live else None


class Merge:
    """One merge being decided: the three sides of each aggregate, the conflicts found, how
    they are settled, and the target's changes so far."""

    def __init__(self, model: WriteModel, command: c.MergeBranch, command_id: str) -> None:
        self.db = str(model.require_database(command.database).body["name"])
        self.target = names.check_name("branch", command.branch, names.BRANCH_NAME, "branch")
        self.source = names.check_name("branch", command.source, names.BRANCH_NAME, "source")
        if command.strategy not in STRATEGIES:
            raise ValidationFailed(
                "unknown merge strategy",
                [field_error("strategy", "enum", " | ".join(STRATEGIES), command.strategy)],
            )
        resolutions = command.resolutions or {}
        if not isinstance(resolutions, dict) or any(
            v not in ("ours", "theirs") for v in resolutions.values()
        ):
            raise ValidationFailed(
                "resolutions map a conflict ('Class/id' or 'Class/id.property') to ours or theirs",
                [field_error("resolutions", "type", "{key: ours | theirs}", resolutions)],
            )
        self.model, self.command_id = model, command_id
        self.strategy, self.resolutions = command.strategy, resolutions
        model.require_branch(self.db, self.target)
        model.require_branch(self.db, self.source)
        branch = model.load(names.branch_aggregate(self.db, self.source))
        if branch.body.get("from_branch") != self.target:
            raise ValidationFailed(
                f"branch {self.source!r} forked from {branch.body.get('from_branch')!r}: a "
                "branch merges into the branch it forked from",
                [field_error("source", "not_a_child", self.target, self.source)],
            )
        self.source_branch = branch
        self.base = self._base(branch.aggregate_id, int(branch.body["fork_position"]))
        self.head = model.store.head_position()
        self.staged = Staged(model)
        self.conflicts: Conflicts = []
        self.settled: Conflicts = []
        self.commits: set[str] = set()

    def _base(self, aggregate_id: str, fork: int) -> int:
        """The common ancestor's position: the source as of its last merge here, or the
        fork."""
        base = fork
        for event in self.model.store.read_stream(aggregate_id):
            fact = decode(event)
            if isinstance(fact, BranchMerged) and fact.into == self.target:
                base = max(base, fact.source_position)
        return base

    def changed(self, kind: str) -> list[str]:
        """The source's own streams of `kind` ("class" or "inst") written since the base."""
        prefix = f"{kind}:{self.db}:{self.source}:"
        ids = self.model.store.stream_ids(prefix, "", 1_000_000)
        heads = self.model.store.heads(ids)
        return [a for a in ids if (heads[a].position or 0) > self.base]

    def choose(self, key: str, conflict: dict[str, Any], within: str | None = None) -> str | None:
        """How a conflict is settled ("ours", "theirs"), or None to fail the merge; the
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

    def apply(self, key: str, command: c.Command) -> None:
        """Decide `command` on the target as it stands with the merge's changes so far; a
        refusal is a conflict the target raises."""
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

    def sides(self, aggregate_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The value of a source aggregate at the common ancestor and now, from one read of
        its stream; the commits the source made to it since are noted."""
        stream = self.model.read_stream(aggregate_id)
        before = [e for e in stream if (e.position or 0) <= self.base]
        self.commits.update(e.command_id for e in stream[len(before) :] if e.command_id is not None)
        return _body(replay(aggregate_id, before)), _body(replay(aggregate_id, stream))


def _class_key(aggregate_id: str) -> str:
    return aggregate_id.rsplit(":", 1)[1]


def _merge_class(merge: Merge, aggregate_id: str) -> None:
    on_target = names.on_branch(aggregate_id, merge.target)
    base, theirs = merge.sides(aggregate_id)
    ours = _body(merge.staged.load(on_target))
    if theirs in (base, ours):
        return
    key = _class_key(aggregate_id)
    if ours != base:
        conflict = {"key": key, "kind": "class", "base": base, "ours": ours, "theirs": theirs}
        if merge.choose(key, conflict) != "theirs":
            return
    db, target = merge.db, merge.target
    if theirs is None:
        merge.apply(key, c.DeleteClass(database=db, branch=target, class_id=key))
    elif ours is None:
        merge.apply(key, c.CreateClass(database=db, branch=target, definition=theirs))
    else:
        merge.apply(key, c.UpdateClass(database=db, branch=target, definition=theirs))


def _merge_instance(merge: Merge, aggregate_id: str) -> None:
    on_target = names.on_branch(aggregate_id, merge.target)
    _, _, _, rest = names.branch_scope(aggregate_id) or ("", "", "", "")
    class_id, iid = rest.split(":", 1)
    key = f"{class_id}/{iid}"
    base, theirs = merge.sides(aggregate_id)
    target_state = merge.staged.load(on_target)
    ours = _body(target_state)
    if theirs in (base, ours):
        return
    db, target = merge.db, merge.target
    if theirs is None:  # deleted on the source
        if ours is not None and ours != base:
            conflict = {
                "key": key,
                "kind": "deleted_on_source_changed_on_target",
                "base": base,
                "ours": ours,
                "theirs": None,
            }
            if merge.choose(key, conflict) != "theirs":
                return
        if ours is not None:
            merge.apply(
                key,
                c.DeleteInstance(database=db, branch=target, class_id=class_id, instance_id=iid),
            )
        return
    if ours is None:
        if target_state.deleted:
            conflict = {
                "key": key,
                "kind": "changed_on_source_deleted_on_target",
                "base": base,
                "ours": None,
                "theirs": theirs,
                "message": "a deletion is final on its branch: only ours settles this",
            }
            merge.only_ours(key, conflict)
            return
        merge.apply(
            key,
            c.CreateInstance(
                database=db, branch=target, class_id=class_id, instance_id=iid, data=theirs
            ),
        )
        return
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
            if merge.choose(f"{key}.{prop}", conflict, key) != "theirs":
                continue
        changes[prop] = new
    if changes:
        merge.apply(
            key,
            c.UpdateInstance(
                database=db, branch=target, class_id=class_id, instance_id=iid, data=changes
            ),
        )


def merge_branch(model: WriteModel, command: c.MergeBranch, command_id: str) -> Decision:
    merge = Merge(model, command, command_id)
    classes, instances_changed = merge.changed("class"), merge.changed("inst")
    for aggregate_id in classes:
        _merge_class(merge, aggregate_id)
    for aggregate_id in instances_changed:
        _merge_instance(merge, aggregate_id)
    if merge.conflicts:
        raise Conflict(
            f"{len(merge.conflicts)} conflicts merging {merge.source!r} into {merge.target!r}; "
            "choose a strategy (ours, theirs) or resolve them one by one",
            {"conflicts": merge.conflicts[:MAX_CONFLICTS], "total": len(merge.conflicts)},
        )
    source = merge.source_branch
    commits = sorted(merge.commits)
    merged = BranchMerged(merge.db, merge.source, merge.target, merge.head, commits[:1000])
    target_changed = any(
        names.branch_scope(ch.aggregate_id) is not None for ch in merge.staged.changes
    )
    return Decision(
        [*merge.staged.changes, Change(source.aggregate_id, source.seq + 1, merged)],
        {
            "database": merge.db,
            "source": merge.source,
            "target": merge.target,
            "base_position": merge.base,
            "source_position": merge.head,
            "fast_forward": not merge.settled and not _target_moved(merge),
            "changed": target_changed,
            "events": len(merge.staged.changes),
            "source_commits": commits[:1000],
            "resolved": merge.settled[:MAX_CONFLICTS],
        },
    )


def _target_moved(merge: Merge) -> bool:
    """Whether the target wrote anything the merge touches since the base."""
    heads = merge.model.store.heads(
        names.on_branch(ch.aggregate_id, merge.target) for ch in merge.staged.changes
    )
    return any((h.position or 0) > merge.base for h in heads.values())
