"""Events of connectors: the versions of a connector's definition, and its deletion."""

from __future__ import annotations

from dataclasses import dataclass

from spice.domain.envelope import AggregateType
from spice.domain.events.base import Data, DomainEvent


@dataclass(frozen=True)
class ConnectorSaved(DomainEvent):
    """Version `version` of connector `name` (see `SaveConnector`); a save after a deletion
    brings the connector back."""

    event_type = "ConnectorSaved"
    aggregate_type = AggregateType.CONNECTOR
    database: str
    name: str
    version: int
    kind: str
    config: Data
    dataset: str
    schedule: Data | None
    then_import: Data | None


@dataclass(frozen=True)
class ConnectorDeleted(DomainEvent):
    event_type = "ConnectorDeleted"
    aggregate_type = AggregateType.CONNECTOR
    database: str
    name: str
