"""Bodies of health, readiness and the WebSocket statistics."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from spice.entrypoints.api.responses.common import sometimes


class StoreHealth(BaseModel):
    """A store that can fail alone: whether it works now, and why not in words."""

    ok: bool
    reason: str | None


class SearchIndexHealth(StoreHealth):
    """The search index: also the generation it serves and how many indexes it holds (when
    they could be read)."""

    generation: str | None = sometimes("the index generation reads are served from")
    indexes: int | None = sometimes("the indexes of that generation (one per branch)")


class HealthData(BaseModel):
    """The log head, how far each follower has got, and the stores that can fail alone."""

    status: Literal["healthy", "degraded", "unhealthy"]
    problems: list[str]
    log_position: int | None
    command_worker_position: int | None
    projection_position: int
    read_model_generation: str | None
    search_position: int
    search_index: SearchIndexHealth
    blob_store: StoreHealth


class ReadyCheck(BaseModel):
    """One check of readiness: a store (timed) or what carries writes on (with its lag)."""

    name: str
    ok: bool
    required: bool = Field(description="whether the process is not ready when it fails")
    took_ms: float
    reason: str = Field(default="", description="why it is not ok, in words")
    lag_events: int | None = Field(default=None, description="events of the log not handled")
    lag_seconds: float | None = Field(
        default=None, description="how long the oldest of them has waited"
    )


class ReadyData(BaseModel):
    """Whether this process can do its work now, and each check behind the answer."""

    ready: bool
    status: Literal["ready", "degraded", "not ready"]
    message: str
    log_position: int | None
    checks: list[ReadyCheck]


class WebSocketStats(BaseModel):
    """Open WebSocket connections and their command subscriptions."""

    connections: int
    subscriptions: int
