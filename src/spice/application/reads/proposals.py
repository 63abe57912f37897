"""Proposals (pull requests) and database settings, read from the log: a proposal's stream
is its conversation, each event with its actor and time. A proposal is shown with what
merging it would change (the diff of its source against its target) and the conflicts the
merge would meet now."""

from __future__ import annotations

from typing import Any

from spice.application.ports.event_store import EventStore
from spice.application.reads.diff import Diffs
from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import replay
from spice.domain.deciders import merges, proposals
from spice.domain.deciders.base import WriteModel
from spice.domain.envelope import EventEnvelope
from spice.domain.errors import Conflict, NotFound, SpiceError
from spice.domain.events import (
    ProposalApproved,
    ProposalClosed,
    ProposalCommented,
    ProposalMerged,
)


def _said(event: EventEnvelope) -> dict[str, Any]:
    return {"by": event.actor, "at": event.occurred_at}


class Proposals:
    def __init__(self, events: EventStore, model: WriteModel, diffs: Diffs) -> None:
        self.events = events
        self.model = model
        self.diffs = diffs

    def settings(self, db: str) -> dict[str, Any]:
        return {"database": db, **proposals.settings(self.model, db)}

    def _present(self, stream: list[EventEnvelope]) -> dict[str, Any]:
        opened, state = stream[0], replay(stream[0].aggregate_id, stream)
        body = state.body
        view: dict[str, Any] = {
            "number": body["number"],
            "source": body["source"],
            "target": body["target"],
            "title": body["title"],
            "description": body["description"],
            "status": body["status"],
            "author": opened.actor,
            "opened_at": opened.occurred_at,
            "updated_at": state.updated_at,
            "comments": [],
            "approvals": [],
            "merged": None,
            "closed": None,
        }
        for e in stream[1:]:
            if e.event_type == ProposalCommented.event_type:
                view["comments"].append({**_said(e), "comment": e.data["comment"]})
            elif e.event_type == ProposalApproved.event_type:
                # An author's approval can no longer be given; one recorded before that
                # rule is shown, marked, and counts for nothing.
                by_author = e.actor == opened.actor
                approval = {**_said(e), "comment": e.data["comment"], "by_author": by_author}
                view["approvals"].append(approval)
            elif e.event_type == ProposalMerged.event_type:
                view["merged"] = {**_said(e), "commit": e.command_id}
            elif e.event_type == ProposalClosed.event_type:
                view["closed"] = {**_said(e), "comment": e.data["comment"]}
        return view

    def _stream(self, db: str, number: int) -> list[EventEnvelope]:
        stream = list(self.events.read_stream(names.proposal_aggregate(db, number)))
        if not stream:
            raise NotFound(f"proposal {number} not found in {db!r}", {"number": number})
        return stream

    def list(
        self, db: str, status: str | None, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """The proposals of a database, newest first, optionally of one status."""
        proposals.settings(self.model, db)  # NotFound for an unknown database
        ids = self.events.stream_ids(names.proposal_prefix(db), "", proposals.MAX_PROPOSALS)
        found = [self._present(list(self.events.read_stream(a))) for a in reversed(ids)]
        if status is not None:
            found = [p for p in found if p["status"] == status]
        return found[offset : offset + limit], len(found)

    def get(self, db: str, number: int, offset: int, limit: int) -> dict[str, Any]:
        """A proposal with its conversation, what merging it would change now (the diff
        from its target to its source) and the conflicts the merge would meet."""
        view = self._present(self._stream(db, number))
        model = self.model
        needed = int(proposals.settings(model, db)["required_approvals"])
        approvers = {a["by"] for a in view["approvals"] if not a["by_author"]}
        view["approvals_required"] = needed
        if view["status"] != "open":
            return view
        preview = c.MergeBranch(database=db, branch=view["target"], source=view["source"])
        view["conflicts"], view["blocked"] = [], None
        try:
            merges.merge_branch(model, preview, "proposal-preview")
        except Conflict as exc:
            view["conflicts"] = list(exc.details.get("conflicts", []))
        except SpiceError as exc:  # a branch deleted since, say: no merge, no diff
            view["blocked"] = {"code": exc.code, "message": exc.message}
            view["mergeable"], view["diff"] = False, None
            return view
        view["mergeable"] = not view["conflicts"] and len(approvers) >= needed
        view["diff"] = self.diffs.diff(db, view["target"], view["source"], offset, limit)
        return view
