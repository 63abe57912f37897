"""Commands of onboarding: dataset versions, mappings and import runs with their batches."""

from __future__ import annotations

from dataclasses import dataclass, field

from spice.domain.commands.base import Command, Payload


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
    # create | append | upsert | snapshot (see `domain/deciders/import_rows.py`).
    mode: str = "create"
    # Dataset -> the version an earlier run imported with this mapping version: in an
    # updating mode, rows as they were there are counted unchanged without being compared.
    since: Payload = field(default_factory=dict)


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
    mode: str = "create"
    # The properties and links the source fills: what an upsert compares and updates.
    fields: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class DeleteImported(Command):
    """Delete the named instances of `class_id` that an import of the source's dataset
    table made and that are live: the rows a snapshot import no longer has."""

    command_type = "DELETE_IMPORTED"
    class_id: str
    source: Payload
    instance_ids: list[str]
