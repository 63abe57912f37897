"""The one registry of commands (the names stored in the log mapped to classes), and a
command as issued, to and from its `CommandAccepted` envelope."""

from __future__ import annotations

from dataclasses import dataclass, field

from spice.domain.commands.base import Command, Payload
from spice.domain.commands.branches import (
    CreateBranch,
    DeleteBranch,
    MergeBranch,
    RebaseBranch,
    ResetBranch,
    RevertCommit,
)
from spice.domain.commands.connectors import DeleteConnector, SaveConnector, SyncConnector
from spice.domain.commands.databases import (
    ConfigureDatabase,
    CreateDatabase,
    DeleteDatabase,
    GrantRole,
    PurgeDatabase,
    RestoreDatabase,
    RevokeRole,
)
from spice.domain.commands.datasets import (
    AddDatasetVersion,
    DeleteImported,
    ImportRows,
    RunImport,
    SaveMapping,
)
from spice.domain.commands.instances import (
    BulkCreateInstances,
    CreateInstance,
    DeleteInstance,
    RestoreInstance,
    UpdateInstance,
)
from spice.domain.commands.ontology import CreateClass, DeleteClass, PatchClass, UpdateClass
from spice.domain.commands.proposals import (
    ApproveProposal,
    CloseProposal,
    CommentProposal,
    MergeProposal,
    OpenProposal,
)
from spice.domain.commands.users import ChangePassword, CreateUser, IssueApiKey, RevokeApiKey
from spice.domain.envelope import KIND_COMMAND, AggregateType, EventEnvelope
from spice.domain.events import CommandAccepted
from spice.domain.names import command_aggregate

COMMAND_TYPES: dict[str, type[Command]] = {
    cls.command_type: cls
    for cls in (
        CreateDatabase,
        DeleteDatabase,
        RestoreDatabase,
        PurgeDatabase,
        CreateBranch,
        DeleteBranch,
        MergeBranch,
        RebaseBranch,
        RevertCommit,
        ResetBranch,
        ConfigureDatabase,
        AddDatasetVersion,
        SaveMapping,
        RunImport,
        ImportRows,
        DeleteImported,
        SaveConnector,
        DeleteConnector,
        SyncConnector,
        OpenProposal,
        CommentProposal,
        ApproveProposal,
        MergeProposal,
        CloseProposal,
        CreateClass,
        UpdateClass,
        PatchClass,
        DeleteClass,
        CreateInstance,
        BulkCreateInstances,
        UpdateInstance,
        DeleteInstance,
        RestoreInstance,
        CreateUser,
        ChangePassword,
        IssueApiKey,
        RevokeApiKey,
        GrantRole,
        RevokeRole,
    )
}


@dataclass(frozen=True)
class IssuedCommand:
    """A command as issued: its id, who issued it, and request metadata (request id,
    reason, source) that its events carry along."""

    command_id: str
    command: Command
    actor: str
    metadata: Payload = field(default_factory=dict)

    @property
    def command_type(self) -> str:
        return self.command.command_type

    def accepted(self) -> CommandAccepted:
        c = self.command
        return CommandAccepted(c.command_type, c.database, c.branch, c.payload(), c.expected_seq)

    def data(self) -> Payload:
        """The stored data of its `CommandAccepted` envelope."""
        return self.accepted().to_data()

    def to_envelope(self, occurred_at: str) -> EventEnvelope:
        c = self.command
        return EventEnvelope(
            event_id=self.command_id,
            event_type=CommandAccepted.event_type,
            aggregate_type=AggregateType.COMMAND.value,
            aggregate_id=command_aggregate(self.command_id),
            sequence_number=1,
            occurred_at=occurred_at,
            actor=self.actor,
            data=self.data(),
            metadata={
                **self.metadata,
                "kind": KIND_COMMAND,
                "command_id": self.command_id,
                "command_type": c.command_type,
                "database": c.database,
                "branch": c.branch,
            },
        )

    @classmethod
    def from_envelope(cls, envelope: EventEnvelope) -> IssuedCommand:
        """The command an accepted envelope stores; LookupError for an unknown type."""
        data = envelope.data
        kind = COMMAND_TYPES.get(data["command_type"])
        if kind is None:
            raise LookupError(f"unknown command type {data['command_type']!r}")
        command = kind.from_payload(
            data["payload"], data["database"], data["branch"], data["expected_seq"]
        )
        meta = {
            k: v
            for k, v in envelope.metadata.items()
            if k not in ("kind", "command_id", "command_type", "database", "branch")
        }
        return cls(envelope.event_id, command, envelope.actor, meta)
