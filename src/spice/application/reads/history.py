"""History: commits (completed commands) as each branch sees them, branch heads with how far
they are ahead of and behind their parent, and the common ancestor of two refs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from spice.application.ports.commits import Commit, CommitFilter, DocumentHistory
from spice.application.ports.event_store import EventStore
from spice.application.reads.documents import Reader
from spice.application.reads.refs import Refs, parse_time
from spice.application.reads.views import CommitView, Page
from spice.domain import names
from spice.domain.branching import Level, Lineage, at, earlier
from spice.domain.deciders.base import WriteModel
from spice.domain.errors import BadRequest, NotFound

MAX_EVENTS_SHOWN = 1000
View = tuple[str, int | None]  # (branch, as_of) a ref reads


def _stamp(text: str | None, name: str) -> str | None:
    """An ISO time in the log's own format (so that times compare as text)."""
    if text is None:
        return None
    stamp = parse_time(text)
    if stamp is None:
        raise BadRequest(f"{name} must be an ISO time", {name: text})
    return stamp.isoformat(timespec="microseconds").replace("+00:00", "Z")


class History:
    """Reads of the commit history kept by the document read model, with the log for what
    a commit wrote and which commits touched an instance."""

    def __init__(
        self,
        documents: DocumentHistory,
        events: EventStore,
        model: WriteModel,
        refs: Refs,
        reader: Reader,
    ) -> None:
        self.documents = documents
        self.events = events
        self.model = model
        self.refs = refs
        self.reader = reader

    def present(self, db: str, commit: Commit, parent: Commit | None = None) -> CommitView:
        """The commit with its parent: `parent` when known, else looked up."""
        parent = parent or self.parent(db, commit)
        return CommitView(commit, parent.command_id if parent is not None else None)

    def _lineage(self, db: str, branch: str) -> Lineage:
        self.reader.branch(db, branch)
        return self.documents.lineage(db, branch)

    def parent(self, db: str, commit: Commit) -> Commit | None:
        """The commit before `commit` on its branch (or, for a branch's first, the last one
        its parent had at the fork)."""
        return self.head(db, at(self.documents.lineage(db, commit.branch), commit.position - 1))

    def log(
        self,
        db: str,
        branch: str,
        offset: int,
        limit: int,
        *,
        author: str | None = None,
        since: str | None = None,
        until: str | None = None,
        class_id: str | None = None,
        instance_id: str | None = None,
    ) -> Page[CommitView]:
        """The commits a branch sees, newest first, filtered; each with its parent."""
        lineage = self._lineage(db, branch)
        command_ids = None
        if instance_id is not None:
            if class_id is None:
                raise BadRequest("instance_id needs class_id", {"instance_id": instance_id})
            command_ids = self._commands_of(db, branch, class_id, instance_id)
        where = CommitFilter(
            author, _stamp(since, "since"), _stamp(until, "until"), class_id, command_ids
        )
        found, total = self.documents.commits(db, lineage, where, offset, limit)
        filtered = where != CommitFilter()
        out = []
        for i, commit in enumerate(found):
            nxt = found[i + 1] if i + 1 < len(found) and not filtered else None
            out.append(self.present(db, commit, nxt))
        return Page(out, total)

    def _commands_of(self, db: str, branch: str, class_id: str, instance_id: str) -> frozenset[str]:
        names.check_name("class", class_id, names.CLASS_ID)
        names.check_name("instance id", instance_id, names.INSTANCE_ID)
        aggregate = names.instance_aggregate(db, branch, class_id, instance_id)
        stream = self.model.read_stream(aggregate)
        return frozenset(str(e.command_id) for e in stream if e.command_id)

    def commit(self, db: str, commit_id: str) -> CommitView:
        """One commit with the events it wrote."""
        self.reader.database(db)
        commit = self.documents.commit(db, commit_id)
        if commit is None:
            raise NotFound(f"commit {commit_id!r} not found in {db!r}", {"commit": commit_id})
        shown = min(commit.event_count, MAX_EVENTS_SHOWN)
        events = self.events.read_all(commit.position - commit.event_count - 1, shown)
        return replace(
            self.present(db, commit), written=events, written_truncated=commit.event_count > shown
        )

    def head(self, db: str, lineage: Lineage) -> Commit | None:
        """The newest commit `lineage` sees."""
        found, _ = self.documents.commits(db, lineage, CommitFilter(), 0, 1)
        return found[0] if found else None

    def _count(self, db: str, lineage: Lineage) -> int:
        return self.documents.commits(db, lineage, CommitFilter(), 0, 0)[1]

    def branch(self, db: str, branch: str) -> dict[str, Any]:
        """A branch with its head commit and, off main, how many commits it has that its
        parent lacks (`ahead`) and the parent has made since the fork or its last rebase
        (`behind`)."""
        found = self.reader.branch(db, branch)
        lineage = self.documents.lineage(db, branch)
        head = self.head(db, lineage)
        info: dict[str, Any] = {**found.public(), "head": head.command_id if head else None}
        parent, fork = found.data.get("from_branch"), found.data.get("fork_position")
        if parent is None or fork is None:
            return {**info, "ahead": None, "behind": None}
        parents = self.documents.lineage(db, parent)
        ahead = self._count(db, (Level(branch, None),))
        since = max(fork, found.data.get("rebased_position") or 0)  # a rebase took them in
        behind = self._count(db, parents) - self._count(db, at(parents, since))
        return {**info, "ahead": ahead, "behind": behind}

    def view(self, db: str, ref: str) -> View:
        """(branch, as_of) of a ref: a branch, a commit id (its branch as of the commit), or
        `branch@point` (a log position, an ISO time or a commit id)."""
        branch, sep, point = ref.partition("@")
        if sep:
            self.reader.branch(db, branch)
            return branch, self.refs.position(point, db)
        if names.is_branch_name(ref):
            try:
                self.reader.branch(db, ref)
                return ref, None
            except NotFound:
                pass
        commit = self.documents.commit(db, ref)
        if commit is None:
            raise BadRequest(
                f"{ref!r} is neither a branch, a commit of {db!r} nor branch@point", {"ref": ref}
            )
        return commit.branch, commit.position

    def ref(self, db: str, ref: str) -> Lineage:
        """What a ref sees: the levels it overlays, each with its cut."""
        branch, as_of = self.view(db, ref)
        return self.documents.lineage(db, branch, as_of)

    def merge_base(self, db: str, first: str, second: str) -> dict[str, Any]:
        """The newest commit both refs see: their common ancestor."""
        self.reader.database(db)
        a, b = self.ref(db, first), self.ref(db, second)
        cuts_b = {level.branch: level.until for level in b}
        shared: list[Level] = []
        for level in a:
            if level.branch in cuts_b:
                shared.append(Level(level.branch, earlier(level.until, cuts_b[level.branch])))
        base = max(
            (c for level in shared if (c := self.head(db, (level,))) is not None),
            key=lambda c: c.position,
            default=None,
        )
        return {
            "a": first,
            "b": second,
            "merge_base": self.present(db, base).public() if base else None,
        }
