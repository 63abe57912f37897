"""Commands: one frozen dataclass per thing a client may ask for, named as an imperative.

A command is stored in the log before anything else happens, as a `CommandAccepted`
envelope whose data is `{command_type, database, branch, payload, expected_seq}`; the
fields of a command other than those three are its `payload`. The stored names
(`CREATE_INSTANCE`, ...) are the seed's and never change.

The commands live in one module per thing they act on (`databases` with settings and
roles, `branches` with merges, rebases, reverts and resets, `datasets` with mappings and
imports, `proposals`, `ontology`, `instances`, `users` with API keys); `registry` holds
`COMMAND_TYPES` and `IssuedCommand`. Every name is importable from here.
"""

from __future__ import annotations

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
from spice.domain.commands.registry import COMMAND_TYPES, IssuedCommand
from spice.domain.commands.users import ChangePassword, CreateUser, IssueApiKey, RevokeApiKey

__all__ = [
    "AddDatasetVersion",
    "ApproveProposal",
    "BulkCreateInstances",
    "COMMAND_TYPES",
    "ChangePassword",
    "CloseProposal",
    "Command",
    "CommentProposal",
    "ConfigureDatabase",
    "CreateBranch",
    "CreateClass",
    "CreateDatabase",
    "CreateInstance",
    "CreateUser",
    "DeleteBranch",
    "DeleteClass",
    "DeleteDatabase",
    "DeleteInstance",
    "GrantRole",
    "DeleteConnector",
    "DeleteImported",
    "ImportRows",
    "IssueApiKey",
    "IssuedCommand",
    "MergeBranch",
    "MergeProposal",
    "OpenProposal",
    "PatchClass",
    "Payload",
    "PurgeDatabase",
    "RebaseBranch",
    "ResetBranch",
    "RestoreDatabase",
    "RestoreInstance",
    "RevertCommit",
    "RevokeApiKey",
    "RevokeRole",
    "RunImport",
    "SaveConnector",
    "SyncConnector",
    "SaveMapping",
    "UpdateClass",
    "UpdateInstance",
]
