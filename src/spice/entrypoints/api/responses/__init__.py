"""Response bodies, as `/openapi.json` documents them: every route names its success body
and the error body, so clients and contract fuzzers know the real shapes.

Documents allow fields beyond the ones named here (a class definition grows with its
type parameters; a database carries what it was created with).

One module per resource (`databases`, `ontology`, `instances`, `history`, `proposals`,
`search`, `graph`, `health`, `datasets`, `imports`), `commands` for the bodies of writes,
`common` for what they share.
Every name is importable from here."""

from __future__ import annotations

from spice.entrypoints.api.responses.commands import (
    SIMULATED,
    WRITE,
    AcceptedBody,
    AcceptedData,
    CommandStatusPublic,
    CompletedBody,
    CompletedData,
    MergePlan,
    SeedStatus,
)
from spice.entrypoints.api.responses.common import ERRORS, Envelope, ErrorBody, Page, Versioned
from spice.entrypoints.api.responses.connectors import (
    ConnectorList,
    ConnectorPublic,
    ConnectorRequest,
)
from spice.entrypoints.api.responses.databases import (
    BranchList,
    BranchPublic,
    DatabaseFound,
    DatabasePage,
    DatabasePublic,
    DatabaseSettings,
    ExpectedSeq,
    Roles,
)
from spice.entrypoints.api.responses.datasets import (
    DatasetList,
    DatasetPublic,
    DatasetVersion,
    Inference,
    Preview,
    Profile,
    Suggestion,
)
from spice.entrypoints.api.responses.graph import GraphBody, GraphResult
from spice.entrypoints.api.responses.health import HealthData, ReadyCheck, ReadyData, WebSocketStats
from spice.entrypoints.api.responses.history import (
    CommitEvents,
    CommitPage,
    CommitPublic,
    DataDiff,
    Diff,
    DiffCounts,
    MergeBase,
    SchemaDiff,
)
from spice.entrypoints.api.responses.imports import (
    ImportReport,
    MappingAt,
    MappingList,
    MappingPublic,
)
from spice.entrypoints.api.responses.instances import (
    Blame,
    BlameLine,
    InstanceChange,
    InstanceCheck,
    InstancePage,
    InstancePublic,
    Links,
    Replayed,
    Timeline,
)
from spice.entrypoints.api.responses.ontology import (
    ClassCheck,
    ClassImpact,
    ClassPage,
    ClassPaths,
    ClassPublic,
    Cycles,
    Impact,
    TypeInfo,
    TypeList,
)
from spice.entrypoints.api.responses.proposals import ProposalPage, ProposalPublic
from spice.entrypoints.api.responses.search import SearchResult

__all__ = [
    "ConnectorList",
    "ConnectorPublic",
    "ConnectorRequest",
    "AcceptedBody",
    "AcceptedData",
    "Blame",
    "BlameLine",
    "BranchList",
    "BranchPublic",
    "ClassCheck",
    "ClassImpact",
    "ClassPage",
    "ClassPaths",
    "ClassPublic",
    "CommandStatusPublic",
    "CommitEvents",
    "CommitPage",
    "CommitPublic",
    "CompletedBody",
    "CompletedData",
    "Cycles",
    "DataDiff",
    "DatabaseFound",
    "DatabasePage",
    "DatabasePublic",
    "DatabaseSettings",
    "DatasetList",
    "DatasetPublic",
    "DatasetVersion",
    "Diff",
    "DiffCounts",
    "ERRORS",
    "Envelope",
    "ErrorBody",
    "ExpectedSeq",
    "GraphBody",
    "GraphResult",
    "HealthData",
    "Impact",
    "ImportReport",
    "Inference",
    "InstanceChange",
    "InstanceCheck",
    "InstancePage",
    "InstancePublic",
    "Links",
    "MappingAt",
    "MappingList",
    "MappingPublic",
    "MergeBase",
    "MergePlan",
    "Page",
    "Preview",
    "Profile",
    "ProposalPage",
    "ProposalPublic",
    "ReadyCheck",
    "ReadyData",
    "Replayed",
    "Roles",
    "SIMULATED",
    "SchemaDiff",
    "SearchResult",
    "SeedStatus",
    "Suggestion",
    "Timeline",
    "TypeInfo",
    "TypeList",
    "Versioned",
    "WRITE",
    "WebSocketStats",
]
