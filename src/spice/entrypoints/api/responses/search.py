"""Bodies of search: hits, facet counts, the page and which index answered."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from spice.entrypoints.api.responses.common import ReadWarning

Scalar = str | int | float | bool | None


class SearchHit(BaseModel):
    """An instance found, with its score and the matched text of each property."""

    model_config = ConfigDict(extra="allow")
    id: str
    instance_id: str
    class_id: str
    branch: str
    data: dict[str, Any]
    sequence_number: int
    position: int
    score: float | None = Field(description="None when sorted by a property")
    highlights: dict[str, list[str]] = Field(description="per property, `<em>`-marked text")


class FacetBucket(BaseModel):
    """A value of a faceted property and how many hits have it."""

    model_config = ConfigDict(extra="allow")
    value: Scalar
    count: int


class SearchPage(BaseModel):
    """The page answered; `next_cursor` is None on the last one."""

    model_config = ConfigDict(extra="allow")
    limit: int
    offset: int
    next_cursor: str | None


class SearchIndexInfo(BaseModel):
    """Which store answered and how far the index is behind the read model."""

    model_config = ConfigDict(extra="allow")
    source: Literal["search_index", "search_index_overlay", "document_store"]
    position: int | None
    read_model_position: int
    lag_events: int | None


class SearchResult(BaseModel):
    """Hits, facets, a page with its cursor, warnings, and which index answered."""

    model_config = ConfigDict(extra="allow")
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetBucket]]
    page: SearchPage
    warnings: list[ReadWarning]
    index: SearchIndexInfo
