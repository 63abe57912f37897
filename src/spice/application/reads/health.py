"""How the system is: the log head, how far each follower has got, and the state of the
stores that can fail on their own."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from spice.application.delivery.progress import Progress
from spice.application.ports.blobs import BlobStore
from spice.application.ports.document_projection import DocumentProjection
from spice.application.ports.event_store import EventStore
from spice.application.ports.search import SearchIndex

log = logging.getLogger(__name__)

HEALTHY, DEGRADED, UNHEALTHY = "healthy", "degraded", "unhealthy"


@dataclass
class SystemHealth:
    """`healthy`; `degraded` when the search index or the blob store fails (reads fall
    back to the document store); `unhealthy` when the log or the documents cannot be read."""

    events: EventStore
    documents: DocumentProjection
    search: SearchIndex
    blobs: BlobStore
    read_progress: Progress
    search_progress: Progress
    # None in an API process of the distributed profile: its command workers run elsewhere.
    command_worker: Progress | None

    def report(self) -> dict[str, Any]:
        problems: list[str] = []
        head = self._read("event store", self.events.head_position, problems)
        generation = self._read("document store", self.documents.active_generation, problems)
        status = UNHEALTHY if problems else HEALTHY
        search, blobs = self.search.health(), self.blobs.health()
        degraded = [str(part["reason"]) for part in (search, blobs) if not part["ok"]]
        if degraded and status == HEALTHY:
            status = DEGRADED
        return {
            "status": status,
            "problems": problems + degraded,
            "log_position": head,
            "command_worker_position": (
                self.command_worker.position if self.command_worker is not None else None
            ),
            "projection_position": self.read_progress.position,
            "read_model_generation": generation,
            "search_position": self.search_progress.position,
            "search_index": search,
            "blob_store": blobs,
        }

    @staticmethod
    def _read(what: str, read: Any, problems: list[str]) -> Any:
        try:
            return read()
        except Exception as exc:  # noqa: BLE001 - any failure here is what health reports
            log.warning("health: %s failed: %s", what, exc)
            problems.append(f"{what}: {exc}")
            return None
