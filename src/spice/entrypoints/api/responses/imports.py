"""Bodies of mappings and imports: mappings as saved, in versions, and the report of an
import (what a dry run answers, and an import's result).

A mapping is a stored document, and allows fields beyond the ones named here; its classes
are definitions as they were written, in any form a class create takes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from spice.entrypoints.api.responses.common import sometimes
from spice.entrypoints.api.responses.datasets import Transform
from spice.entrypoints.api.responses.ontology import FieldError


class MappedProperty(BaseModel):
    """A property of a source: the columns it reads (one, or several joined by
    `separator`), then the transforms."""

    model_config = ConfigDict(extra="allow")
    property: str
    columns: list[str]
    transforms: list[Transform]
    separator: str | None = sometimes("with several columns: what joins them (default `_`)")


class MappedLink(BaseModel):
    """A link of a source: the columns (as a property's) that hold the key of an instance
    of `target`."""

    model_config = ConfigDict(extra="allow")
    predicate: str
    columns: list[str]
    transforms: list[Transform]
    separator: str | None = sometimes("with several columns: what joins them (default `_`)")
    target: str


class MappingSource(BaseModel):
    """A table of a dataset mapped onto a class; `key` names the properties whose values
    make each row's instance id (empty: ids from row numbers)."""

    model_config = ConfigDict(extra="allow")
    dataset: str
    class_id: str
    key: list[str]
    properties: list[MappedProperty]
    links: list[MappedLink]
    version: int | None = sometimes("the dataset version it reads (absent: the latest)")
    table: str | None = sometimes("the table it reads (absent: the first)")


class MappingSpec(BaseModel):
    """A mapping as saved: the classes to create when missing, and the sources."""

    model_config = ConfigDict(extra="allow")
    classes: list[dict[str, Any]] = Field(description="class definitions, as written")
    sources: list[MappingSource]
    description: str | None = sometimes("what the mapping is for, as written")


class MappingVersion(BaseModel):
    """A version of a mapping, and its spec."""

    model_config = ConfigDict(extra="allow")
    version: int
    spec: MappingSpec


class MappingSummary(BaseModel):
    """A mapping: how many versions it has, and the latest."""

    name: str
    versions: int
    latest: MappingVersion


class MappingList(BaseModel):
    """The mappings of a database."""

    mappings: list[MappingSummary]
    total: int


class MappingPublic(BaseModel):
    """A mapping with every version, oldest first."""

    name: str
    database: str
    versions: list[MappingVersion]


class MappingAt(BaseModel):
    """One version of a mapping, with its spec."""

    name: str
    database: str
    version: int
    spec: MappingSpec


class DatasetRead(BaseModel):
    """A dataset version and table an import reads (a source's, in the spec's order)."""

    dataset: str
    version: int
    sha256: str
    table: str


class UpdateCounts(BaseModel):
    """What the modes that update count besides: `upsert` and `snapshot`."""

    updated: int | None = sometimes("upsert and snapshot: instances updated")
    unchanged: int | None = sometimes("upsert and snapshot: rows whose instance is as they are")
    deleted: int | None = sometimes("snapshot: instances whose rows are gone, deleted")


class ClassCounts(UpdateCounts):
    """The rows of a class's sources, and how many are (or would be) created, skipped
    (imported before from the same dataset) and refused."""

    rows: int
    created: int
    skipped: int
    refused: int


class RowError(FieldError):
    """Why a row is refused: where (`path`: a property, or `key`), and the column (or
    columns) the value came from (None when no column of the row gave it)."""

    column: str | list[str] | None


class RefusedRow(BaseModel):
    """A row refused, with its errors."""

    dataset: str
    class_id: str
    row: int | None = Field(description="its row in the file (a CSV's or sheet's header is 1)")
    errors: list[RowError]


class ImportReport(UpdateCounts):
    """What an import does (in a dry run, would do): the mapping version and dataset
    versions it reads, the classes it creates, rows counted in all and per class, and the
    refused rows (the first thousand) with their errors. An import's result (its command's)
    is this report without `dry_run`, with the number of `commands` it ran."""

    mode: Literal["create", "append", "upsert", "snapshot"]
    mapping: str
    mapping_version: int
    datasets: list[DatasetRead]
    classes_created: list[str]
    rows: int
    created: int
    skipped: int
    refused: int
    by_class: dict[str, ClassCounts] = Field(description="by class id")
    refused_rows: list[RefusedRow]
    dry_run: bool | None = sometimes("true in a dry run (nothing was written)")
