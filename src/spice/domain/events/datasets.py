"""Events of onboarding: the versions of a dataset and of a mapping."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.envelope import AggregateType
from spice.domain.events.base import Data, DomainEvent


@dataclass(frozen=True)
class DatasetVersionAdded(DomainEvent):
    """Version `version` of dataset `name`: the file's bytes are the blob `blob_key`
    (content-addressed by `sha256`); `tables` are what was read from it (name, columns,
    row count), `detected` how (encoding, delimiter, sheets), `source` where it came from."""

    event_type = "DatasetVersionAdded"
    aggregate_type = AggregateType.DATASET
    database: str
    name: str
    version: int
    sha256: str
    blob_key: str
    filename: str
    format: str
    size: int
    source: str
    tables: list[Data]
    detected: Data


@dataclass(frozen=True)
class MappingSaved(DomainEvent):
    """Version `version` of mapping `name`: `spec` says how dataset columns become classes,
    properties and links."""

    event_type = "MappingSaved"
    aggregate_type = AggregateType.MAPPING
    database: str
    name: str
    version: int
    spec: Data
