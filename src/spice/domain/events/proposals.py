"""Events of a proposal's stream: who did what is the envelope's actor and time."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.envelope import AggregateType
from spice.domain.events.base import DomainEvent


@dataclass(frozen=True)
class ProposalOpened(DomainEvent):
    """Proposal `number` asks to merge `source` into `target`."""

    event_type = "ProposalOpened"
    aggregate_type = AggregateType.PROPOSAL
    database: str
    number: int
    source: str
    target: str
    title: str
    description: str | None


@dataclass(frozen=True)
class ProposalCommented(DomainEvent):
    event_type = "ProposalCommented"
    aggregate_type = AggregateType.PROPOSAL
    comment: str


@dataclass(frozen=True)
class ProposalApproved(DomainEvent):
    event_type = "ProposalApproved"
    aggregate_type = AggregateType.PROPOSAL
    comment: str | None


@dataclass(frozen=True)
class ProposalMerged(DomainEvent):
    """The proposal's source was merged into its target by the same command."""

    event_type = "ProposalMerged"
    aggregate_type = AggregateType.PROPOSAL
    source_position: int


@dataclass(frozen=True)
class ProposalClosed(DomainEvent):
    """Closed without merging."""

    event_type = "ProposalClosed"
    aggregate_type = AggregateType.PROPOSAL
    comment: str | None
