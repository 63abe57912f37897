"""Merging a branch into the branch it forked from, and rebasing a branch onto its parent's
head (the same merge the other way): three-way per class and per property (`three_way`),
against the common ancestor (the parent as of the fork, of the last merge, or of the last
rebase). A merge's events on the target name the source's commits."""

from __future__ import annotations

from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import replay
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.deciders.three_way import Sides, ThreeWay, body
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.events import BranchMerged, BranchRebased, decode


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
        self.base, self.rebased = self._points(
            branch.aggregate_id, int(branch.body["fork_position"])
        )
        self.head = model.store.head_position()
        self.commits: set[str] = set()

    def _points(self, aggregate_id: str, fork: int) -> tuple[int, int | None]:
        """(since, rebased): the source's changes are those after `since` (the fork, or its
        last merge here); `rebased` is its last rebase onto the target after that, if any:
        the target as of then is the common ancestor."""
        since, rebased = fork, None
        for event in self.model.store.read_stream(aggregate_id):
            fact = decode(event)
            if isinstance(fact, BranchMerged) and fact.into == self.target:
                since = max(since, fact.source_position)
            elif isinstance(fact, BranchRebased) and fact.onto == self.target:
                rebased = fact.position
        return since, rebased if rebased is not None and rebased > since else None

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
        """The value of a source aggregate at the common ancestor and now; the commits the
        source made to it since are noted."""
        stream = self.stream(aggregate_id)
        before = [e for e in stream if (e.position or 0) <= self.base]
        self.commits.update(e.command_id for e in stream[len(before) :] if e.command_id is not None)
        if self.rebased is not None:  # the ancestor is the target as of the rebase
            target = self.stream(names.on_branch(aggregate_id, self.target))
            before = [e for e in target if (e.position or 0) <= self.rebased]
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
            "rebased_position": merge.rebased,
            "source_position": merge.head,
            "fast_forward": not merge.settled and not _target_moved(merge),
            "changed": summary["changed"],
            "events": summary["events"],
            "source_commits": commits[:1000],
            "resolved": summary["resolved"],
        },
    )


class Rebase(Merge):
    """The parent's changes since the fork (or the last rebase), brought onto the branch:
    a merge the other way, after which the branch's next merge starts from here."""

    def __init__(self, model: WriteModel, command: c.RebaseBranch, command_id: str) -> None:
        ThreeWay.__init__(self, model, command, command_id)
        if self.target == names.MAIN_BRANCH:
            raise ValidationFailed(
                "main has no parent to rebase onto",
                [field_error("branch", "no_parent", "a branch off main", self.target)],
            )
        branch = model.load(names.branch_aggregate(self.db, self.target))
        self.source = str(branch.body["from_branch"])
        model.require_branch(self.db, self.source)
        self.source_branch = branch
        since = int(branch.body["fork_position"])
        for event in model.store.read_stream(branch.aggregate_id):
            fact = decode(event)
            if isinstance(fact, BranchRebased) and fact.onto == self.source:
                since = max(since, fact.position)
        self.base, self.rebased = since, None
        self.head = model.store.head_position()
        self.commits = set()


def rebase_branch(model: WriteModel, command: c.RebaseBranch, command_id: str) -> Decision:
    rebase = Rebase(model, command, command_id)
    rebase.bring(rebase.changed())
    rebase.refuse_conflicts(f"rebasing {rebase.target!r} onto {rebase.source!r}")
    branch = rebase.source_branch
    rebased = BranchRebased(rebase.db, rebase.target, rebase.source, rebase.head)
    summary = rebase.summary()
    return Decision(
        [*rebase.staged.changes, Change(branch.aggregate_id, branch.seq + 1, rebased)],
        {
            **summary,
            "branch": rebase.target,
            "onto": rebase.source,
            "base_position": rebase.base,
            "onto_position": rebase.head,
            "parent_commits": sorted(rebase.commits)[:1000],
        },
    )


def _target_moved(merge: Merge) -> bool:
    """Whether the target wrote anything the merge touches since the base."""
    heads = merge.model.store.heads(
        names.on_branch(ch.aggregate_id, merge.target) for ch in merge.staged.changes
    )
    return any((h.position or 0) > merge.base for h in heads.values())
