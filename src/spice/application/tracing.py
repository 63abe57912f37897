"""Traces across API -> command -> worker -> projection (OpenTelemetry).

A request's span (the API's, which FastAPI makes when a tracer provider is set, continuing
a `traceparent` the client sent) puts its trace context in the metadata of the command it
issues; the log keeps it with the command and with every event the command
writes, so the worker that runs the command (in this process or another, after the relay
and Kafka) continues the same trace, and a projection step links to the traces of the
events it projects. Without an exporter configured the API's tracer does nothing and costs
next to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context

from spice.domain.envelope import EventEnvelope

tracer = trace.get_tracer("spice")
KEY = "trace"  # the metadata key of a command's or event's trace context
MAX_LINKS = 32  # traces a projection step links to


def enabled() -> bool:
    """Whether spans are recorded (a tracer provider was configured)."""
    provider = trace.get_tracer_provider()
    return not isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider)


def flush() -> None:
    """Export the spans held so far (a server that is stopping: uvicorn ends the process
    by re-raising the signal, so exit hooks do not run)."""
    force_flush = getattr(trace.get_tracer_provider(), "force_flush", None)
    if force_flush is not None:
        force_flush()


def carried() -> dict[str, str]:
    """The current trace context as a carrier (empty outside a recording span)."""
    carrier: dict[str, str] = {}
    if trace.get_current_span().get_span_context().is_valid:
        propagate.inject(carrier)
    return carrier


def context_of(metadata: Mapping[str, Any]) -> Context | None:
    """The trace context kept in a command's or event's metadata, if any."""
    carrier = metadata.get(KEY)
    if not isinstance(carrier, dict) or not carrier:
        return None
    return propagate.extract({str(k): str(v) for k, v in carrier.items()})


@contextmanager
def traced_step(name: str, batch: Sequence[EventEnvelope]) -> Iterator[None]:
    """A span for one step of a follower over `batch`, linked to the traces of its events
    (nothing when tracing is off or the batch is empty)."""
    if not batch or not enabled():
        yield
        return
    links = links_of(e.metadata for e in batch)
    with tracer.start_as_current_span(name, links=links) as span:
        span.set_attribute("spice.events", len(batch))
        span.set_attribute("spice.last_position", batch[-1].position or 0)
        yield


def links_of(metadatas: Iterable[Mapping[str, Any]]) -> list[trace.Link]:
    """Links to the distinct traces kept in these metadata (at most MAX_LINKS)."""
    links: dict[int, trace.Link] = {}
    for metadata in metadatas:
        context = context_of(metadata)
        if context is None:
            continue
        span = trace.get_current_span(context).get_span_context()
        if span.is_valid and span.trace_id not in links:
            links[span.trace_id] = trace.Link(span)
            if len(links) == MAX_LINKS:
                break
    return list(links.values())
