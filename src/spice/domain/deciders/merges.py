"""Merging a branch into the branch it forked from: three-way per class and per property
(`three_way`), against the common ancestor (the parent as of the fork, or as of the last
merge). Its events on the target name the source's commits."""

from __future__ import annotations

from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import replay
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.deciders.three_way import Sides, ThreeWay, body
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.events import BranchMerged, decode


class Merge(ThreeWay):
    """The source's changes since the common ancestor, brought onto the target."""

    def __init__(self, model: WriteModel, command: c.MergeBranch, command_id: str) -> None:
        super().__init__(model, command, command_id)
        self.source = names.check_name("branch", command.source, names.BRANCH_NAME, "source")
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

    def changed(self) -> list[str]:
        """The source's own class and instance streams written since the base."""
        found: list[str] = []
        for kind in ("class", "inst"):
            prefix = f"{kind}:{self.db}:{self.source}:"
            ids = self.model.store.stream_ids(prefix, "", 1_000_000)
            heads = self.model.store.heads(ids)
            found += [a for a in ids if (heads[a].position or 0) > self.base]
        return found

    def sides(self, aggregate_id: str) -> Sides:
        """The value of a source aggregate at the common ancestor and now, from one read of
        its stream; the commits the source made to it since are noted."""
        stream = self.stream(aggregate_id)
        before = [e for e in stream if (e.position or 0) <= self.base]
        self.commits.update(e.command_id for e in stream[len(before) :] if e.command_id is not None)
        return body(replay(aggregate_id, before)), body(replay(aggregate_id, stream))


def merge_branch(model: WriteModel, command: c.MergeBranch, command_id: str) -> Decision:
    merge = Merge(model, command, command_id)
    merge.bring(merge.changed())
    merge.refuse_conflicts(f"merging {merge.source!r} into {merge.target!r}")
    source = merge.source_branch
    commits = sorted(merge.commits)
    merged = BranchMerged(merge.db, merge.source, merge.target, merge.head, commits[:1000])
    summary = merge.summary()
    return Decision(
        [*merge.staged.changes, Change(source.aggregate_id, source.seq + 1, merged)],
        {
            "database": merge.db,
            "source": merge.source,
            "target": merge.target,
            "base_position": merge.base,
            "source_position": merge.head,
            "fast_forward": not merge.settled and not _target_moved(merge),
            "changed": summary["changed"],
            "events": summary["events"],
            "source_commits": commits[:1000],
            "resolved": summary["resolved"],
        },
    )


def _target_moved(merge: Merge) -> bool:
    """Whether the target wrote anything the merge touches since the base."""
    heads = merge.model.store.heads(
        names.on_branch(ch.aggregate_id, merge.target) for ch in merge.staged.changes
    )
    return any((h.position or 0) > merge.base for h in heads.values())
