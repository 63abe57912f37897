"""Health: healthy, degraded when a store that reads can fall back from fails, unhealthy
(503 through the API) when the log cannot be read."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from spice.adapters.embedded.file_blobs import FileBlobStore
from spice.adapters.embedded.tantivy_search import TantivySearchIndex
from spice.adapters.memory.documents import InMemoryDocumentStore
from spice.adapters.memory.event_store import InMemoryEventStore
from spice.application.projections.documents import DocumentProjector
from spice.application.projections.search import SearchProjector
from spice.application.reads.health import SystemHealth
from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import TEST_HOST, container_of


class UnreadableLog(InMemoryEventStore):
    def head_position(self) -> int:
        raise OSError("disk I/O error")


class FailingSearch(TantivySearchIndex):
    def health(self) -> dict[str, object]:
        return {"ok": False, "reason": "search index of demo/main is damaged"}


def _health(tmp_path: Path, events: InMemoryEventStore, search: TantivySearchIndex) -> SystemHealth:
    documents = InMemoryDocumentStore()
    return SystemHealth(
        events,
        documents,
        search,
        FileBlobStore(str(tmp_path / "blobs")),
        DocumentProjector(events, documents).progress,
        SearchProjector(events, search).progress,
        None,
    )


def test_healthy(tmp_path: Path) -> None:
    report = _health(
        tmp_path, InMemoryEventStore(), TantivySearchIndex(str(tmp_path / "s"))
    ).report()
    assert (report["status"], report["problems"], report["log_position"]) == ("healthy", [], 0)


def test_a_failing_search_index_degrades(tmp_path: Path) -> None:
    report = _health(tmp_path, InMemoryEventStore(), FailingSearch(str(tmp_path / "s"))).report()
    assert report["status"] == "degraded"
    assert report["problems"] == ["search index of demo/main is damaged"]


def test_an_unreadable_log_is_unhealthy(tmp_path: Path) -> None:
    report = _health(tmp_path, UnreadableLog(), FailingSearch(str(tmp_path / "s"))).report()
    assert report["status"] == "unhealthy"
    assert report["problems"][0] == "event store: disk I/O error"
    assert report["log_position"] is None


def test_the_api_answers_503_when_unhealthy(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", run_workers=False, allowed_hosts=TEST_HOST)
    with TestClient(create_app(settings)) as client:
        container_of(client).health.events = UnreadableLog()
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["code"], body["data"]["status"]) == (
        "error",
        "UNAVAILABLE",
        "unhealthy",
    )
    assert body["details"] == {"problems": ["event store: disk I/O error"]}
