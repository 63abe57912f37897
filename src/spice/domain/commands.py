"""Commands: one frozen dataclass per thing a client may ask for, named as an imperative.

A command is stored in the log before anything else happens, as a `CommandAccepted`
envelope whose data is `{command_type, database, branch, payload, expected_seq}`; the
fields of a command other than those three are its `payload`. The stored names
(`CREATE_INSTANCE`, ...) are the seed's and never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from spice.domain.envelope import KIND_COMMAND, AggregateType, EventEnvelope
from spice.domain.events import CommandAccepted
from spice.domain.names import MAIN_BRANCH, command_aggregate

Payload = dict[str, Any]
_ROUTING = ("database", "branch", "expected_seq")


@dataclass(frozen=True, kw_only=True)
class Command:
    """Where a command applies (database, branch) and the sequence it expects, if any."""

    command_type: ClassVar[str]
    database: str | None
    branch: str = MAIN_BRANCH
    expected_seq: int | None = None

    def payload(self) -> Payload:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _ROUTING}

    @classmethod
    def from_payload(
        cls, payload: Payload, database: str | None, branch: str, expected_seq: int | None
    ) -> Command:
        # A field the stored payload lacks is None: the decider then refuses the command
        # with a recorded failure, instead of the worker stopping on it.
        own = {f.name: payload.get(f.name) for f in fields(cls) if f.name not in _ROUTING}
        return cls(database=database, branch=branch, expected_seq=expected_seq, **own)


@dataclass(frozen=True, kw_only=True)
class CreateDatabase(Command):
    """Create a database with its `main` branch."""

    command_type = "CREATE_DATABASE"
    name: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class DeleteDatabase(Command):
    """Delete a database: hidden at once, restorable until `purge_after` (ISO time), then
    purged; its name cannot be used again."""

    command_type = "DELETE_DATABASE"
    name: str
    purge_after: str


@dataclass(frozen=True, kw_only=True)
class RestoreDatabase(Command):
    """Bring back a deleted database that was not purged yet."""

    command_type = "RESTORE_DATABASE"
    name: str


@dataclass(frozen=True, kw_only=True)
class PurgeDatabase(Command):
    """Drop a deleted database's read models for good (before its grace period ends, or
    when it has: the purger's)."""

    command_type = "PURGE_DATABASE"
    name: str


@dataclass(frozen=True, kw_only=True)
class CreateBranch(Command):
    """Create branch `name` from branch `from_branch` (the command's `branch`), at its head
    or as of log position `at_position`; nothing is copied."""

    command_type = "CREATE_BRANCH"
    name: str
    at_position: int | None = None


@dataclass(frozen=True, kw_only=True)
class DeleteBranch(Command):
    """Delete branch `name` (never `main`, nor a branch another branch forked from)."""

    command_type = "DELETE_BRANCH"
    name: str


@dataclass(frozen=True, kw_only=True)
class MergeBranch(Command):
    """Merge branch `source` into the command's branch (any other), three way against
    their common ancestor. Conflicts fail the merge (`strategy` "fail"), or
    are settled for the target ("ours"), the source ("theirs"), or one by one in
    `resolutions` ({"Class/id" or "Class/id.property": "ours" | "theirs"})."""

    command_type = "MERGE_BRANCH"
    source: str
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RebaseBranch(Command):
    """Bring the changes the command's branch's parent made since the fork (or the last
    rebase) onto the branch, three-way, so that it differs from its parent's head only by
    its own changes. Conflicts are settled as for a merge: "ours" keeps the branch's value,
    "theirs" takes the parent's."""

    command_type = "REBASE_BRANCH"
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RevertCommit(Command):
    """Undo what commit `commit` changed, on the command's branch (which must see it), as
    new events. A later change to what the commit changed is a conflict, settled as for a
    merge: "ours" keeps the branch's value, "theirs" the value before the commit."""

    command_type = "REVERT_COMMIT"
    commit: str
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ResetBranch(Command):
    """Bring the classes and instances of the command's branch back to what they were at
    log position `to_position`, as new events (history is kept)."""

    command_type = "RESET_BRANCH"
    to_position: int
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AddDatasetVersion(Command):
    """Record a file stored in the blob store as the next version of dataset `name` (the
    first makes the dataset). The same bytes as the latest version add nothing."""

    command_type = "ADD_DATASET_VERSION"
    name: str
    sha256: str
    blob_key: str
    filename: str
    format: str
    size: int
    source: str
    tables: list[Payload] = field(default_factory=list)
    detected: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SaveMapping(Command):
    """Save `spec` (how dataset columns become classes, properties and links) as the next
    version of mapping `name`; the same spec as the latest version adds nothing."""

    command_type = "SAVE_MAPPING"
    name: str
    spec: Payload


@dataclass(frozen=True, kw_only=True)
class RunImport(Command):
    """Import the datasets a mapping names: the classes it defines that do not exist yet,
    then their rows, each batch an `ImportRows` command of its own. Without `allow_partial`
    nothing is written when a row is refused."""

    command_type = "RUN_IMPORT"
    mapping: str
    mapping_version: int | None = None
    allow_partial: bool = False


@dataclass(frozen=True, kw_only=True)
class ImportRows(Command):
    """Create instances of `class_id` from rows of one dataset version. `source` names the
    dataset, version, content hash and table; each row carries its number, its values, the
    cells each value came from and its key. A row whose instance this dataset made already
    is skipped; with `allow_partial` refused rows are reported and the others created."""

    command_type = "IMPORT_ROWS"
    class_id: str
    source: Payload
    rows: list[Payload]
    key: list[str] = field(default_factory=list)
    allow_partial: bool = False


@dataclass(frozen=True, kw_only=True)
class ConfigureDatabase(Command):
    """Set the database's settings: the branches written only through proposals, and how
    many approvals a proposal into one needs."""

    command_type = "CONFIGURE_DATABASE"
    protected_branches: list[str] = field(default_factory=list)
    required_approvals: int = 0


@dataclass(frozen=True, kw_only=True)
class GrantRole(Command):
    """Give `username` a role on the database: owner, editor or viewer."""

    command_type = "GRANT_ROLE"
    username: str
    role: str


@dataclass(frozen=True, kw_only=True)
class RevokeRole(Command):
    command_type = "REVOKE_ROLE"
    username: str


@dataclass(frozen=True, kw_only=True)
class OpenProposal(Command):
    """Propose merging `source` into the command's branch (the branch it forked from)."""

    command_type = "OPEN_PROPOSAL"
    source: str
    title: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class CommentProposal(Command):
    command_type = "COMMENT_PROPOSAL"
    number: int
    comment: str


@dataclass(frozen=True, kw_only=True)
class ApproveProposal(Command):
    command_type = "APPROVE_PROPOSAL"
    number: int
    comment: str | None = None
    # Who approves, as the API identified them (never taken from a request body): the
    # decider refuses the proposal's author. None in commands stored before it was kept.
    approver: str | None = None


@dataclass(frozen=True, kw_only=True)
class MergeProposal(Command):
    """Merge an open proposal (as `MergeBranch` does), once it has the approvals its target
    needs; the one way to write to a protected branch."""

    command_type = "MERGE_PROPOSAL"
    number: int
    strategy: str = "fail"
    resolutions: Payload = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CloseProposal(Command):
    command_type = "CLOSE_PROPOSAL"
    number: int
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class _ClassDefinitionCommand(Command):
    """Its payload is the class definition as sent (checked by the decider)."""

    definition: Payload = field(default_factory=dict)

    def payload(self) -> Payload:
        return dict(self.definition)

    @classmethod
    def from_payload(
        cls, payload: Payload, database: str | None, branch: str, expected_seq: int | None
    ) -> Command:
        return cls(
            database=database, branch=branch, expected_seq=expected_seq, definition=dict(payload)
        )


@dataclass(frozen=True, kw_only=True)
class CreateClass(_ClassDefinitionCommand):
    """Create a class from its definition."""

    command_type = "CREATE_ONTOLOGY_CLASS"


@dataclass(frozen=True, kw_only=True)
class UpdateClass(_ClassDefinitionCommand):
    """Replace the whole definition (it may carry a `migration` for existing instances)."""

    command_type = "UPDATE_ONTOLOGY_CLASS"


@dataclass(frozen=True, kw_only=True)
class PatchClass(_ClassDefinitionCommand):
    """Change only the fields of the definition that are sent; the rest stays."""

    command_type = "PATCH_ONTOLOGY_CLASS"


@dataclass(frozen=True, kw_only=True)
class DeleteClass(Command):
    """Delete a class that has no instances, subclasses or relationships pointing at it."""

    command_type = "DELETE_ONTOLOGY_CLASS"
    class_id: str


@dataclass(frozen=True, kw_only=True)
class CreateInstance(Command):
    """Create an instance; its id comes from `instance_id`, the primary key, or the command."""

    command_type = "CREATE_INSTANCE"
    class_id: str
    data: Payload
    instance_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class BulkCreateInstances(Command):
    """Create many instances of one class at once, all or none."""

    command_type = "BULK_CREATE_INSTANCES"
    class_id: str
    instances: list[Payload]


@dataclass(frozen=True, kw_only=True)
class UpdateInstance(Command):
    """Change some values of an instance (None removes one)."""

    command_type = "UPDATE_INSTANCE"
    class_id: str
    instance_id: str
    data: Payload


@dataclass(frozen=True, kw_only=True)
class DeleteInstance(Command):
    """Delete an instance; its id is not used again on its branch (a restore brings the
    same instance back)."""

    command_type = "DELETE_INSTANCE"
    class_id: str
    instance_id: str


@dataclass(frozen=True, kw_only=True)
class RestoreInstance(Command):
    """Bring back an instance deleted on the command's branch (or inherited deleted), with
    the values it had when deleted or with `data` (checked as for a create against the
    class as it is now: its schema, links and unique values)."""

    command_type = "RESTORE_INSTANCE"
    class_id: str
    instance_id: str
    data: Payload | None = None


@dataclass(frozen=True, kw_only=True)
class CreateUser(Command):
    """Create user `username`; the password arrives hashed (the log never holds it)."""

    command_type = "CREATE_USER"
    username: str
    password_hash: str
    admin: bool = False


@dataclass(frozen=True, kw_only=True)
class ChangePassword(Command):
    command_type = "CHANGE_PASSWORD"
    username: str
    password_hash: str


@dataclass(frozen=True, kw_only=True)
class IssueApiKey(Command):
    """A key for user `username`, named `name`; only the secret's hash is stored."""

    command_type = "ISSUE_API_KEY"
    key_id: str
    username: str
    name: str
    secret_hash: str


@dataclass(frozen=True, kw_only=True)
class RevokeApiKey(Command):
    command_type = "REVOKE_API_KEY"
    key_id: str


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
