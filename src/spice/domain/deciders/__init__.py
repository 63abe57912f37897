"""Deciders: for each command type, the pure function that decides its events or raises.

A decider reads the write model (the log as it is now) and never writes; the application
runs it once as a precheck when the command is submitted and once in the worker, which
appends what it decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spice.domain import commands as c
from spice.domain.deciders import (
    branches,
    connectors,
    databases,
    datasets,
    import_rows,
    imports,
    instances,
    merges,
    ontology,
    proposals,
    reverts,
    users,
)
from spice.domain.deciders.base import Decision, WriteModel

Decider = Callable[[WriteModel, Any, str], Decision]

DECIDERS: dict[type[c.Command], Decider] = {
    c.CreateDatabase: databases.create_database,
    c.DeleteDatabase: databases.delete_database,
    c.RestoreDatabase: databases.restore_database,
    c.PurgeDatabase: databases.purge_database,
    c.CreateBranch: branches.create_branch,
    c.DeleteBranch: branches.delete_branch,
    c.MergeBranch: merges.merge_branch,
    c.RebaseBranch: merges.rebase_branch,
    c.RevertCommit: reverts.revert_commit,
    c.ResetBranch: reverts.reset_branch,
    c.ConfigureDatabase: proposals.configure_database,
    c.AddDatasetVersion: datasets.add_dataset_version,
    c.SaveMapping: imports.save_mapping,
    c.RunImport: imports.run_import,
    c.ImportRows: import_rows.import_rows,
    c.DeleteImported: import_rows.delete_imported,
    c.SaveConnector: connectors.save_connector,
    c.DeleteConnector: connectors.delete_connector,
    c.SyncConnector: connectors.sync_connector,
    c.OpenProposal: proposals.open_proposal,
    c.CommentProposal: proposals.comment_proposal,
    c.ApproveProposal: proposals.approve_proposal,
    c.MergeProposal: proposals.merge_proposal,
    c.CloseProposal: proposals.close_proposal,
    c.CreateClass: ontology.create_class,
    c.UpdateClass: ontology.update_class,
    c.PatchClass: ontology.patch_class,
    c.DeleteClass: ontology.delete_class,
    c.CreateInstance: instances.create_instance,
    c.BulkCreateInstances: instances.bulk_create_instances,
    c.UpdateInstance: instances.update_instance,
    c.DeleteInstance: instances.delete_instance,
    c.RestoreInstance: instances.restore_instance,
    c.CreateUser: users.create_user,
    c.ChangePassword: users.change_password,
    c.IssueApiKey: users.issue_api_key,
    c.RevokeApiKey: users.revoke_api_key,
    c.GrantRole: users.grant_role,
    c.RevokeRole: users.revoke_role,
}


def decide(model: WriteModel, command: c.Command, command_id: str) -> Decision:
    """Run the decider of `command` against the write model; `command_id` fixes the ids the
    command derives (instances without a key), so a re-run decides the same events."""
    proposals.guard(model, command)
    return DECIDERS[type(command)](model, command, command_id)
