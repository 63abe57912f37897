"""Commands of connectors: a source's definition saved in versions, deleted, and synced."""

from __future__ import annotations

from dataclasses import dataclass, field

from spice.domain.commands.base import Command, Payload


@dataclass(frozen=True, kw_only=True)
class SaveConnector(Command):
    """Save the next version of connector `name`: its `kind` and `config` (secrets sealed
    or referenced, never in clear), the `dataset` its changes become versions of, its
    `schedule` and the import each change runs (`then_import`). The same definition as the
    latest version adds nothing."""

    command_type = "SAVE_CONNECTOR"
    name: str
    kind: str
    config: Payload
    dataset: str
    schedule: Payload | None = None
    then_import: Payload | None = None


@dataclass(frozen=True, kw_only=True)
class DeleteConnector(Command):
    """Delete connector `name`: it is no longer synced. Its dataset versions and what its
    imports made stay."""

    command_type = "DELETE_CONNECTOR"
    name: str


@dataclass(frozen=True, kw_only=True)
class SyncConnector(Command):
    """Read connector `name`'s source; when it changed, add each new file as the next
    version of its dataset and run its import on it, each a child command. `fetched` holds
    files a scheduled poll has read and stored already (the `AddDatasetVersion` payloads),
    so the source is not read twice; without it the sync reads the source itself."""

    command_type = "SYNC_CONNECTOR"
    name: str
    trigger: str = "request"
    fetched: list[Payload] | None = None
    cursor: Payload = field(default_factory=dict)
