"""Bodies of datasets: their versions, a table's rows, column profiles and inferred types,
and the ontology and mapping suggested for datasets.

A dataset version is a stored document, and allows fields beyond the ones named here; so
do a suggested class (it grows with its type parameters) and a transform (its parameters
are the op's)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spice.entrypoints.api.responses.common import sometimes

# A plain string, or (not English) text per language: {"ko": "주문"}.
SuggestedLabel = str | dict[str, str]
LinkCardinality = Literal["1:1", "n:1"]


class TableSummary(BaseModel):
    """A table read from a file: a CSV, a sheet, or the records of a JSON file."""

    model_config = ConfigDict(extra="allow")
    name: str
    columns: list[str]
    rows: int


class Detected(BaseModel):
    """How a file was read."""

    model_config = ConfigDict(extra="allow")
    encoding: str | None = sometimes("text files: the encoding it was read with")
    delimiter: str | None = sometimes("CSV: the delimiter found")
    sheets: list[str] | None = sometimes("XLSX: the sheets with data, each a table")


class DatasetVersion(BaseModel):
    """A version of a dataset: the file's bytes (stored once, under their SHA-256), the
    tables read from it and how."""

    model_config = ConfigDict(extra="allow")
    version: int
    sha256: str
    blob_key: str = Field(description="where the bytes are in the blob store")
    filename: str
    format: Literal["csv", "xlsx", "json", "jsonl"]
    size: int = Field(description="bytes")
    source: str = Field(description="`upload:<file name>`, or the URL it was fetched from")
    tables: list[TableSummary]
    detected: Detected


class DatasetPublic(BaseModel):
    """A dataset with every version, oldest first."""

    model_config = ConfigDict(extra="allow")
    name: str
    database: str
    versions: list[DatasetVersion]


class DatasetSummary(BaseModel):
    """A dataset: how many versions it has, and the latest."""

    name: str
    versions: int
    latest: DatasetVersion


class DatasetList(BaseModel):
    """The datasets of a database."""

    datasets: list[DatasetSummary]
    total: int


class Preview(BaseModel):
    """A page of the rows of a table: each row a cell per column, as text (None when
    empty); `next_offset` is None on the last page."""

    dataset: str
    version: int
    table: str
    columns: list[str]
    rows: list[list[str | None]]
    total: int = Field(description="rows in the table")
    offset: int
    next_offset: int | None


class ValueCount(BaseModel):
    """A value of a column and how many rows hold it."""

    value: str
    count: int


class ColumnProfile(BaseModel):
    """How full and how varied a column is, its range, its most common values and a few
    samples spread over the whole table."""

    name: str
    count: int = Field(description="rows")
    nulls: int = Field(description="empty cells")
    null_ratio: float
    distinct: int = Field(description="distinct values")
    distinct_ratio: float = Field(description="distinct values per cell that is not empty")
    numeric: bool = Field(description="whether every value is a number")
    min: float | str | None = Field(description="a number when numeric; None when no values")
    max: float | str | None = Field(description="a number when numeric; None when no values")
    top_values: list[ValueCount]
    samples: list[str]


class Profile(BaseModel):
    """The profile of each column of a table."""

    dataset: str
    version: int
    table: str
    rows: int
    columns: list[ColumnProfile]


class TypeCandidate(BaseModel):
    """A type that also accepts some of the values: the share of sampled values it does."""

    type: str
    confidence: float


class EnumParams(BaseModel):
    values: list[str] = Field(description="the distinct values, sorted")


class DateParams(BaseModel):
    format: str = Field(
        description="the order of day and month its values show: DD/MM/YYYY or MM/DD/YYYY"
    )


class MoneyParams(BaseModel):
    currency: str | None = Field(description="ISO 4217; None when the values name several")


class InferredColumn(BaseModel):
    """The type inferred for a column, how sure (the share of sampled values it accepts)
    and why, the runner-up types and risk flags (`high_null_ratio`, `leading_zeros`,
    `ambiguous_date_format`, `mixed_numeric_values`, `low_confidence_type`, ...)."""

    name: str
    type: str
    confidence: float
    reason: str
    candidates: list[TypeCandidate]
    flags: list[str]
    params: EnumParams | DateParams | MoneyParams | None = sometimes(
        "the type's parameters, for an enum, a date or money"
    )
    unique: bool = Field(description="no value appears twice")
    required: bool = Field(description="no cell is empty")


class SuggestedProperty(BaseModel):
    """A property of a suggested class, typed from its column (labelled by its header)."""

    model_config = ConfigDict(extra="allow")
    name: str
    type: str
    label: SuggestedLabel
    values: list[str] | None = sometimes("an enum's values")
    currencies: list[str] | None = sometimes("money: the one currency its values name")
    required: bool | None = sometimes("true when no cell of the column is empty")
    primary_key: bool | None = sometimes("true for the column that is the table's key")


class SuggestedRelationship(BaseModel):
    """A relationship of a suggested class, from a link found between tables."""

    model_config = ConfigDict(extra="allow")
    predicate: str
    target: str
    cardinality: LinkCardinality


class SuggestedMetadata(BaseModel):
    model_config = ConfigDict(extra="allow")
    composite_key: list[str] = Field(description="the properties that together are the key")


class SuggestedClass(BaseModel):
    """A class definition suggested for a table, in the form a class create takes (id and
    label from the table's name)."""

    model_config = ConfigDict(extra="allow")
    id: str
    label: SuggestedLabel
    properties: list[SuggestedProperty]
    metadata: SuggestedMetadata | None = sometimes("when the key is two or three columns")
    relationships: list[SuggestedRelationship] | None = sometimes(
        "with suggest-ontology: the links found towards other tables"
    )


class Inference(BaseModel):
    """The inferred type of each column of a table, its primary key (empty: no column,
    pair or triple of columns is unique) and the class suggested for it."""

    dataset: str
    version: int
    table: str
    rows: int
    columns: list[InferredColumn]
    primary_key: list[str] = Field(description="the columns whose values are unique together")
    primary_key_reason: str
    suggested_class: SuggestedClass


class SuggestedLink(BaseModel):
    """A column of one table whose values are (nearly all) keys of another's: how sure,
    and the share of its values found among the target's keys."""

    dataset: str = Field(description="the table: its dataset (and sheet, of a workbook's)")
    column: str
    target_dataset: str = Field(description="the table whose key the column holds")
    target_column: str
    cardinality: LinkCardinality = Field(description="1:1 when the column is its table's key")
    confidence: float
    containment: float
    predicate: str = Field(description="the relationship it makes")


class Transform(BaseModel):
    """A step of reading a cell: `op` (trim, lower, upper, replace, null_if, default,
    split, parse_date, parse_datetime, cast, parse) with the op's parameters as written
    (`as`, `format`, `currency`, `timezone`, `to`, `old`, `new`, `values`, `value`,
    `separator`)."""

    model_config = ConfigDict(extra="allow")
    op: str


class SuggestedColumn(BaseModel):
    """A property of a suggested source: the column it reads and how."""

    property: str
    column: str
    transforms: list[Transform]


class SuggestedSourceLink(BaseModel):
    """A link of a suggested source: the column that holds the target's keys."""

    predicate: str
    column: str
    target: str


class SuggestedSource(BaseModel):
    """A table of a dataset version mapped onto its suggested class, in the form a
    mapping is saved in: each column its property (trimmed, then parsed in the written
    form inference accepted), and the inferred primary key as the key (empty: ids from
    row numbers)."""

    dataset: str
    version: int
    table: str
    class_id: str
    key: list[str]
    properties: list[SuggestedColumn]
    links: list[SuggestedSourceLink]


class SuggestedMapping(BaseModel):
    """A mapping spec to save (and edit first) as it is."""

    classes: list[SuggestedClass]
    sources: list[SuggestedSource]


class Suggestion(BaseModel):
    """A class per table, targets of links before the classes that link to them; the
    links found; and the mapping that imports the tables onto the classes."""

    classes: list[SuggestedClass]
    links: list[SuggestedLink]
    mapping: SuggestedMapping
