"""Merging one branch into another, and rebasing a branch onto its parent's head (a merge
of the parent into it): three-way per class and per property (`three_way`), against their
common ancestor. A merge's events on the target name the source's commits.

The common ancestor is the newest state both sides hold: the fork they share (the
lineage levels both see, each cut where the earlier of the two sees it), or the source as
of its last merge into the target, or the target as of its last merge into the source (a
rebase is one), whichever is newest."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import replay
from spice.domain.branching import Lineage, at
from spice.domain.deciders.base import Change, Decision, WriteModel
from spice.domain.deciders.three_way import Sides, ThreeWay, body
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.events import BranchMerged, BranchRebased, decode


@dataclass(frozen=True)
class Base:
    """A common ancestor: the streams of branch `view`, each level of its lineage cut at
    the last position `cuts` gives (a branch `cuts` lacks is not seen at all)."""

    view: str
    cuts: dict[str, int]

    @property
    def position(self) -> int:
        return max(self.cuts.values(), default=0)

    def holds(self, event: EventEnvelope) -> bool:
        scope = names.branch_scope(event.aggregate_id)
        cut = self.cuts.get(scope[2]) if scope is not None else None
        return cut is not None and (event.position or 0) <= cut


def _cuts(lineage: Lineage) -> dict[str, int]:
    return {level.branch: level.until for level in lineage if level.until is not None}


def absorbed(model: WriteModel, db: str, into: str, source: str) -> int | None:
    """The last log position as of which branch `into` took in `source` (a merge of
    `source` into it, or its rebase onto `source`); None if it never did."""
    found: list[int] = []
    for event in model.store.read_stream(names.branch_aggregate(db, source)):
        fact = decode(event)
        if isinstance(fact, BranchMerged) and fact.into == into:
            found.append(fact.source_position)
    for event in model.store.read_stream(names.branch_aggregate(db, into)):
        fact = decode(event)
        if isinstance(fact, BranchRebased) and fact.onto == source:
            found.append(fact.position)
    return max(found, default=None)


def common_ancestor(model: WriteModel, db: str, source: str, target: str) -> Base:
    """The newest state both branches hold (see the module's doc)."""
    ours, theirs = model.lineage(db, target), model.lineage(db, source)
    seen = {level.branch: level.until for level in ours}
    shared = {
        level.branch: min(u for u in (level.until, seen[level.branch]) if u is not None)
        for level in theirs
        if level.branch in seen and (level.until, seen[level.branch]) != (None, None)
    }
    candidates = [Base(source, shared)]
    merged = absorbed(model, db, target, source)
    if merged is not None:  # the target holds the source as of then
        candidates.append(Base(source, _cuts(at(theirs, merged))))
    took = absorbed(model, db, source, target)
    if took is not None:  # the source holds the target as of then
        candidates.append(Base(target, _cuts(at(ours, took))))
    return max(candidates, key=lambda b: b.position)


class Merge(ThreeWay):
    """The source's changes since the common ancestor, brought onto the target."""

    def __init__(self, model: WriteModel, command: c.MergeBranch, command_id: str) -> None:
        super().__init__(model, command, command_id)
        self.source = names.check_branch(command.source, "source")
        self._start(model)

    def _start(self, model: WriteModel) -> None:
        if self.source == self.target:
            raise ValidationFailed(
                f"branch {self.source!r} cannot be merged into itself",
                [field_error("source", "same_branch", "another branch", self.source)],
            )
        model.require_branch(self.db, self.source)
        self.source_branch = model.load(names.branch_aggregate(self.db, self.source))
        self.base = common_ancestor(model, self.db, self.source, self.target)
        self.head = model.store.head_position()
        self.commits: set[str] = set()

    def changed(self) -> list[str]:
        """The class and instance streams the source sees changed since the base: on each
        level of its lineage, those with an event the base does not see."""
        return self.written_after(self.source, lambda branch: self.base.cuts.get(branch, 0))

    def sides(self, aggregate_id: str) -> Sides:
        """The value of a source aggregate at the common ancestor and now; the commits the
        source made to it since are noted."""
        stream = self.stream(aggregate_id)
        self.commits.update(
            e.command_id for e in stream if e.command_id is not None and not self.base.holds(e)
        )
        if self.base.view != self.source:
            viewed = self.stream(names.on_branch(aggregate_id, self.base.view))
        else:
            viewed = stream
        before = [e for e in viewed if self.base.holds(e)]
        return body(replay(aggregate_id, before)), body(replay(aggregate_id, stream))

    def target_moved(self) -> bool:
        """Whether the target wrote anything the merge touches since the base."""
        heads = self.model.heads(
            names.on_branch(ch.aggregate_id, self.target) for ch in self.staged.changes
        )
        return any(not self.base.holds(h) for h in heads.values())


def merge_branch(model: WriteModel, command: c.MergeBranch, command_id: str) -> Decision:
    """Bring the source's changes since the common ancestor onto the target. A source with
    nothing the target lacks is "up to date": the merge writes nothing (no commit), as a
    second of two merges sent at once finds."""
    merge = Merge(model, command, command_id)
    changed = merge.changed()
    if not changed:
        return Decision([], _up_to_date(merge))
    merge.bring(changed)
    merge.refuse_conflicts(f"merging {merge.source!r} into {merge.target!r}")
    source = merge.source_branch
    commits = sorted(merge.commits)
    merged = BranchMerged(merge.db, merge.source, merge.target, merge.head, commits[:1000])
    summary = merge.summary()
    base = merge.base
    return Decision(
        [*merge.staged.changes, Change(source.aggregate_id, source.seq + 1, merged)],
        {
            "database": merge.db,
            "source": merge.source,
            "target": merge.target,
            "base_position": base.position,
            "rebased_position": base.position if base.view == merge.target else None,
            "source_position": merge.head,
            "up_to_date": False,
            "fast_forward": not merge.settled and not merge.target_moved(),
            "changed": summary["changed"],
            "events": summary["events"],
            "source_commits": commits[:1000],
            "resolved": summary["resolved"],
        },
    )


def _up_to_date(merge: Merge) -> dict[str, object]:
    return {
        "database": merge.db,
        "source": merge.source,
        "target": merge.target,
        "up_to_date": True,
        "base_position": merge.base.position,
        "rebased_position": None,
        "source_position": merge.head,
        "fast_forward": False,
        "changed": False,
        "events": 0,
        "source_commits": [],
        "resolved": [],
    }


class Rebase(Merge):
    """The parent's changes since the common ancestor, brought onto the branch: a merge of
    the parent into it, after which the branch's next merge starts from here."""

    def __init__(self, model: WriteModel, command: c.RebaseBranch, command_id: str) -> None:
        ThreeWay.__init__(self, model, command, command_id)
        if self.target == names.MAIN_BRANCH:
            raise ValidationFailed(
                "main has no parent to rebase onto",
                [field_error("branch", "no_parent", "a branch off main", self.target)],
            )
        branch = model.load(names.branch_aggregate(self.db, self.target))
        self.source = str(branch.body["from_branch"])
        self._start(model)
        self.rebased_branch = branch


def rebase_branch(model: WriteModel, command: c.RebaseBranch, command_id: str) -> Decision:
    rebase = Rebase(model, command, command_id)
    rebase.bring(rebase.changed())
    rebase.refuse_conflicts(f"rebasing {rebase.target!r} onto {rebase.source!r}")
    branch = rebase.rebased_branch
    rebased = BranchRebased(rebase.db, rebase.target, rebase.source, rebase.head)
    summary = rebase.summary()
    return Decision(
        [*rebase.staged.changes, Change(branch.aggregate_id, branch.seq + 1, rebased)],
        {
            **summary,
            "branch": rebase.target,
            "onto": rebase.source,
            "base_position": rebase.base.position,
            "onto_position": rebase.head,
            "parent_commits": sorted(rebase.commits)[:1000],
        },
    )
