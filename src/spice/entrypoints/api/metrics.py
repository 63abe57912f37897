"""Prometheus metrics of an API process (official client library, one registry per app):
requests by route and status, their latency, commands by type and outcome with their
latency, and at each scrape the log head and how far the read model, the search index and
the command worker are behind it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spice.application.ports.command_status import CommandStatus
from spice.application.ports.sources import SyncStates
from spice.application.reads.backlog import Backlog
from spice.application.reads.readiness import Readiness

LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """What one app counts; `registry` is what `/metrics` renders."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "spice_http_requests",
            "HTTP requests by route template, method and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "spice_http_request_duration_seconds",
            "HTTP request latency by route template and method",
            ["method", "route"],
            buckets=LATENCY,
            registry=self.registry,
        )
        self.commands = Counter(
            "spice_commands",
            "Commands that reached a final status, by type and outcome",
            ["command_type", "outcome"],
            registry=self.registry,
        )
        self.command_latency = Histogram(
            "spice_command_duration_seconds",
            "From acceptance to a final status, by command type and outcome",
            ["command_type", "outcome"],
            buckets=LATENCY,
            registry=self.registry,
        )
        self._counted: set[str] = set()  # commands already counted (a status repeats)

    def watch(self, readiness: Readiness, backlog: Backlog) -> None:
        """Report at every scrape the log head, the lag of each follower, the commands
        waiting, and where there is Kafka, the command workers' lag and the dead letters."""
        self.registry.register(_Lag(readiness))
        self.registry.register(_Backlog(backlog))
        if readiness.connectors is not None:
            self.registry.register(_Connectors(readiness.connectors))

    def on_status(self, status: CommandStatus) -> None:
        if not status.is_final or status.command_id in self._counted:
            return
        self._counted.add(status.command_id)
        if len(self._counted) > 100_000:
            self._counted.clear()  # bounded; a repeat after this counts again, rarely
        self.commands.labels(status.command_type, status.status).inc()
        took = _seconds(status.created_at, status.updated_at)
        if took is not None:
            self.command_latency.labels(status.command_type, status.status).observe(took)


class MetricsMiddleware:
    """Times every HTTP request and counts it under its route template (so that ids in
    paths do not make a series each)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)


class _Lag(Collector):
    def __init__(self, readiness: Readiness) -> None:
        self.readiness = readiness

    def collect(self) -> Iterator[GaugeMetricFamily]:
        head = self.readiness.events.head_position()
        yield GaugeMetricFamily("spice_log_head_position", "Position of the log's last event", head)
        events = GaugeMetricFamily(
            "spice_follower_lag_events",
            "Events of the log a follower has not handled",
            labels=["follower"],
        )
        seconds = GaugeMetricFamily(
            "spice_follower_lag_seconds",
            "How long the oldest event a follower has not handled has waited",
            labels=["follower"],
        )
        for name, behind, waited in self.readiness.lags():
            events.add_metric([name], behind)
            seconds.add_metric([name], waited)
        yield events
        yield seconds


class _Backlog(Collector):
    def __init__(self, backlog: Backlog) -> None:
        self.backlog = backlog

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "spice_commands_waiting",
            "Commands accepted and not run yet (the queue of the command workers)",
            self.backlog.commands_waiting(),
        )
        for name, text, counts in (
            (
                "spice_kafka_consumer_lag_messages",
                "Messages of a commands topic the command workers have not committed",
                self.backlog.consumer_lag(),
            ),
            (
                "spice_dead_letters",
                "Messages of a dead-letter topic not replayed yet",
                self.backlog.dead_letters(),
            ),
        ):
            family = GaugeMetricFamily(name, text, labels=["topic"])
            for topic, count in counts.items():
                family.add_metric([topic], count)
            yield family


class _Connectors(Collector):
    """Where each connector's syncs stand (times in seconds since the epoch)."""

    GAUGES = (
        ("last_poll", "spice_connector_last_poll_timestamp_seconds", "Last poll of the source"),
        ("last_change", "spice_connector_last_change_timestamp_seconds", "Last change synced"),
        ("last_success", "spice_connector_last_success_timestamp_seconds", "Last success"),
        ("last_failure", "spice_connector_last_failure_timestamp_seconds", "Last failure"),
        ("attempts", "spice_connector_failures", "Syncs or polls failed in a row"),
        ("next_retry", "spice_connector_next_retry_timestamp_seconds", "Next retry"),
    )

    def __init__(self, states: SyncStates) -> None:
        self.states = states

    def collect(self) -> Iterator[GaugeMetricFamily]:
        found = self.states.all()
        for field, name, text in self.GAUGES:
            family = GaugeMetricFamily(name, text, labels=["database", "connector"])
            for state in found:
                value = getattr(state, field)
                if value is not None:
                    family.add_metric([state.database, state.connector], float(value))
            yield family


def _seconds(start: str, end: str) -> float | None:
    try:
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except (TypeError, ValueError):
        return None
