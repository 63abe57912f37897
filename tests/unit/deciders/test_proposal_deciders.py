"""Deciders of proposals: the author can never approve their own proposal, in whatever
order the commands run (one batch, or after the proposal was opened), and a merge counts
no approval of the author's."""

from __future__ import annotations

import pytest

from spice.application.commands.ids import new_id
from spice.application.log.serialization import utc_now
from spice.domain import commands as c
from spice.domain import names
from spice.domain.errors import Conflict, Forbidden
from spice.domain.events import ProposalApproved, ProposalOpened
from tests.unit.deciders.support import Log, database

APPROVED = ProposalApproved.event_type
PROPOSAL = names.proposal_aggregate("shop", 1)


def _issued(log: Log, actor: str, *commands: c.Command) -> list[str]:
    """Store commands as `actor` sent them and run them as one batch of the worker."""
    issued = [c.IssuedCommand(new_id(), command, actor) for command in commands]
    stored = log.store.append([i.to_envelope(utc_now()) for i in issued])
    log.executor.execute_batch(stored)
    return [i.command_id for i in issued]


def _outcome(log: Log, command_id: str) -> dict[str, object]:
    status = log.executor.tracker.get(command_id)
    assert status is not None
    return {"status": status.status, "code": (status.error or {}).get("code")}


@pytest.fixture
def log() -> Log:
    log = Log()
    log.given(database(), c.CreateBranch(database="shop", name="dev"))
    log.given(
        c.ConfigureDatabase(database="shop", protected_branches=["main"], required_approvals=1)
    )
    return log


def _open() -> c.OpenProposal:
    return c.OpenProposal(database="shop", branch="main", source="dev", title="t")


def _approve(approver: str | None) -> c.ApproveProposal:
    return c.ApproveProposal(database="shop", number=1, approver=approver)


def test_an_approval_by_the_author_fails_even_in_the_batch_that_opens_the_proposal(
    log: Log,
) -> None:
    _opened, approval = _issued(log, "alice", _open(), _approve("alice"))
    assert _outcome(log, approval) == {"status": "FAILED", "code": "FORBIDDEN"}
    types = [e.event_type for e in log.store.read_stream(PROPOSAL)]
    assert types == [ProposalOpened.event_type]


def test_an_approval_by_the_author_after_opening_is_refused_and_another_users_counts(
    log: Log,
) -> None:
    _issued(log, "alice", _open())
    with pytest.raises(Forbidden):
        log.decide(_approve("alice"))
    (approval,) = _issued(log, "bob", _approve("bob"))
    assert _outcome(log, approval)["status"] == "COMPLETED"


def test_a_merge_counts_no_approval_the_author_recorded(log: Log) -> None:
    # An approval stored without its approver (as commands were before the rule) runs,
    # but a merge does not count it.
    _issued(log, "alice", _open())
    (approval,) = _issued(log, "alice", _approve(None))
    assert _outcome(log, approval)["status"] == "COMPLETED"
    assert APPROVED in [e.event_type for e in log.store.read_stream(PROPOSAL)]
    with pytest.raises(Conflict) as refused:
        log.decide(c.MergeProposal(database="shop", number=1))
    assert refused.value.code == "APPROVALS_REQUIRED"
