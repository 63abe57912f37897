"""Where a process sends its traces (`SPICE_TRACE_EXPORTER`): nowhere (the default: the
tracer does nothing), to standard error (`console`), or to an OpenTelemetry collector
(`otlp`, over HTTP; the endpoint and headers come from the standard `OTEL_EXPORTER_OTLP_*`
variables, and the exporter from the `otlp` extra)."""

from __future__ import annotations

import sys

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from spice.bootstrap.settings import Settings, SettingsError


def configure(settings: Settings, process: str) -> None:
    """Install a tracer provider for this process, unless traces go nowhere."""
    if settings.trace_exporter == "none":
        return
    exporter: SpanExporter
    if settings.trace_exporter == "console":
        exporter = ConsoleSpanExporter(out=sys.stderr)
    else:
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            raise SettingsError(
                "SPICE_TRACE_EXPORTER: otlp needs the otlp extra (pip install "
                "'spice-harvester[otlp]')"
            ) from None
        exporter = OTLPSpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": f"spice-{process}"}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
