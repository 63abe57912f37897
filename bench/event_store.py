"""Event store append benchmark: ours vs plain SQLite vs the `eventsourcing` library.

Appends N aggregates x M events in two modes:

- per-event: one append call per event, aggregates interleaved round-robin;
- batched: one append call per 100 events of one aggregate.

Stores compared, each on a fresh file database in a temp dir, WAL, synchronous=NORMAL:

- ours: `SQLiteEventStore` (OCC check, position and hash chain, JSON in the transaction);
- plain SQLite: the same rows and schema inserted with `sqlite3` (JSON dumped in the loop,
  fixed hash strings, no OCC check): the floor for a Python writer on this schema;
- eventsourcing: `Application.save()` on `eventsourcing.sqlite` with equivalent events.

Only the store calls are timed; envelopes / domain events are built beforehand.

Run: .venv/bin/python -m bench.event_store [--aggregates N] [--events M] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from time import perf_counter, perf_counter_ns
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent

from spice.adapters.embedded.sqlite_event_store import SCHEMA, SQLiteEventStore
from spice.adapters.sql.event_store import COLUMNS
from spice.application.commands.ids import new_id
from spice.application.log.serialization import utc_now
from spice.domain.envelope import EventEnvelope

BATCH = 100
AIM_VS_PLAIN_BATCHED = 0.5
AIM_VS_EVENTSOURCING = 2.0
FIXED_HASH = "f" * 64
PLAIN_INSERT = f"INSERT INTO events ({COLUMNS}) VALUES ({','.join('?' * 13)})"

Calls = list[list[EventEnvelope]]


class BenchEvent(DomainEvent):
    """An `eventsourcing` domain event carrying the same fields as our envelope."""

    event_id: str
    event_type: str
    actor: str
    data: dict[str, Any]
    metadata: dict[str, Any]


@dataclass
class Result:
    """The outcome of one store run: wall time of the timed loop and per-call latencies."""

    events: int
    seconds: float
    latencies_ns: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.events / self.seconds


# --- workload ---------------------------------------------------------------------------


def make_envelope(aggregate_id: str, seq: int) -> EventEnvelope:
    """A realistic instance event: small data dict, command metadata."""
    return EventEnvelope(
        event_id=new_id(),
        event_type="InstanceCreated" if seq == 1 else "InstanceUpdated",
        aggregate_type="Instance",
        aggregate_id=aggregate_id,
        sequence_number=seq,
        occurred_at=utc_now(),
        actor="bench-user",
        data={"name": f"item-{seq}", "qty": seq, "price": "12.50"},
        metadata={"kind": "event", "command_id": new_id(), "database": "bench", "branch": "main"},
    )


def build_calls(aggregates: int, events: int, batch: int) -> Calls:
    """The append calls of one mode, with event ids minted in append order.

    batch == 1: one event per call, aggregates round-robin (seq 1 of all, then seq 2, ...).
    batch > 1: each aggregate's events in consecutive calls of up to `batch` events.
    """
    ids = [new_id() for _ in range(aggregates)]
    if batch == 1:
        return [[make_envelope(a, seq)] for seq in range(1, events + 1) for a in ids]
    calls: Calls = []
    for a in ids:
        for first in range(1, events + 1, batch):
            last = min(first + batch, events + 1)
            calls.append([make_envelope(a, seq) for seq in range(first, last)])
    return calls


# --- stores -----------------------------------------------------------------------------


def run_ours(calls: Calls, directory: Path, total: int) -> Result:
    """Appends through `SQLiteEventStore` (default synchronous=NORMAL) and checks the head."""
    store = SQLiteEventStore(directory / "ours.db")
    try:
        latencies: list[int] = []
        start = perf_counter()
        for call in calls:
            t0 = perf_counter_ns()
            store.append(call)
            latencies.append(perf_counter_ns() - t0)
        elapsed = perf_counter() - start
        head = store.head_position()
    finally:
        store.close()
    if head != total:
        raise AssertionError(f"ours: head_position {head} != {total}")
    return Result(total, elapsed, latencies)


def _plain_row(e: EventEnvelope, position: int) -> tuple:
    """The same 13 columns ours writes; JSON dumped here, hashes fixed."""
    return (
        position,
        e.event_id,
        e.event_type,
        e.aggregate_type,
        e.aggregate_id,
        e.sequence_number,
        e.occurred_at,
        e.actor,
        json.dumps(e.data),
        json.dumps(e.metadata),
        e.schema_version,
        FIXED_HASH,
        FIXED_HASH,
    )


def run_plain(calls: Calls, directory: Path, total: int) -> Result:
    """Inserts the same rows with `sqlite3`: one BEGIN IMMEDIATE..COMMIT per call."""
    conn = sqlite3.connect(directory / "plain.db", isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(SCHEMA)
        position = 0
        start = perf_counter()
        for call in calls:
            conn.execute("BEGIN IMMEDIATE")
            rows = [_plain_row(e, position + i) for i, e in enumerate(call, 1)]
            conn.executemany(PLAIN_INSERT, rows)
            conn.execute("COMMIT")
            position += len(call)
        elapsed = perf_counter() - start
        count = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        conn.close()
    if count != total:
        raise AssertionError(f"plain SQLite: {count} rows != {total}")
    return Result(total, elapsed)


def to_domain_events(calls: Calls) -> list[list[BenchEvent]]:
    """The same events as `eventsourcing` domain events (built outside the timed loop)."""
    return [
        [
            BenchEvent(
                originator_id=UUID(e.aggregate_id),
                originator_version=e.sequence_number,
                timestamp=datetime.fromisoformat(e.occurred_at),
                event_id=e.event_id,
                event_type=e.event_type,
                actor=e.actor,
                data=e.data,
                metadata=e.metadata,
            )
            for e in call
        ]
        for call in calls
    ]


def _es_pragmas(app: Application, synchronous: str | None) -> tuple[str, int]:
    """Optionally sets `synchronous` on the pooled writer; returns (journal_mode, synchronous)."""
    datastore = app.factory.datastore  # type: ignore[attr-defined]
    with datastore.get_connection(commit=True) as conn:
        cursor = conn.cursor()
        if synchronous is not None:
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        return mode, cursor.fetchone()[0]


def run_eventsourcing(
    calls: Calls, directory: Path, total: int, synchronous: str | None
) -> tuple[Result, str]:
    """`Application.save(*events)` on eventsourcing.sqlite; returns the result and its settings."""
    batches = to_domain_events(calls)
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(directory / "es.db")}
    app = Application(env=env)
    try:
        mode, before = _es_pragmas(app, synchronous)
        start = perf_counter()
        for batch in batches:
            app.save(*batch)
        elapsed = perf_counter() - start
        _, after = _es_pragmas(app, None)
        head = app.recorder.max_notification_id()
    finally:
        app.close()
    if head != total:
        raise AssertionError(f"eventsourcing: max_notification_id {head} != {total}")
    levels = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
    sync = levels[before] if before == after else f"{levels[before]}->{levels[after]}"
    return Result(total, elapsed), f"journal_mode={mode}, synchronous={sync}"


# --- reporting --------------------------------------------------------------------------


def percentile(values: Sequence[int], q: float) -> float:
    """The q-quantile (0..1) of `values`, nearest rank, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6


def verdict(ratio: float, aim: float) -> str:
    return f"aim >= {aim:g}x: {'met' if ratio >= aim else 'MISSED'}"


def report_mode(title: str, results: dict[str, Result], plain_aim: float | None) -> list[str]:
    """Prints one mode's rates, ratios and our latency; returns its aim verdict lines."""
    ours, plain, es = results["ours"], results["plain SQLite"], results["eventsourcing"]
    print(f"\n{title}")
    for name, result in results.items():
        print(f"  {name:<15} {result.rate:>10,.0f} events/s  ({result.seconds:6.2f} s)")
    vs_plain, vs_es = ours.rate / plain.rate, ours.rate / es.rate
    plain_note = f"   {verdict(vs_plain, plain_aim)}" if plain_aim else "   (no aim)"
    print(f"  ours/plain SQLite   {vs_plain:5.2f}x{plain_note}")
    print(f"  ours/eventsourcing  {vs_es:5.2f}x   {verdict(vs_es, AIM_VS_EVENTSOURCING)}")
    lat = ours.latencies_ns
    print(
        f"  ours append latency per call ({ours.events // len(lat)} ev): "
        f"p50 {percentile(lat, 0.50):.3f} ms, p99 {percentile(lat, 0.99):.3f} ms"
    )
    print(f"  verified: ours head_position == {ours.events:,}")
    verdicts = [f"{title.split()[0]} vs eventsourcing: {verdict(vs_es, AIM_VS_EVENTSOURCING)}"]
    if plain_aim:
        verdicts.insert(0, f"{title.split()[0]} vs plain SQLite: {verdict(vs_plain, plain_aim)}")
    return verdicts


# --- driver -----------------------------------------------------------------------------


def measure_mode(calls: Calls, total: int, es_sync: str | None) -> tuple[dict[str, Result], str]:
    """Runs the three stores on `calls`, each on a fresh database file."""
    runners: dict[str, Callable[[Path], Any]] = {
        "ours": lambda d: run_ours(calls, d, total),
        "plain SQLite": lambda d: run_plain(calls, d, total),
        "eventsourcing": lambda d: run_eventsourcing(calls, d, total, es_sync),
    }
    results: dict[str, Result] = {}
    es_settings = ""
    for name, runner in runners.items():
        with tempfile.TemporaryDirectory(prefix="spice-bench-") as tmp:
            outcome = runner(Path(tmp))
        if isinstance(outcome, tuple):
            outcome, es_settings = outcome
        results[name] = outcome
    return results, es_settings


def sqlite_default_sync() -> str:
    """This SQLite build's default `synchronous` level, by name."""
    level = sqlite3.connect(":memory:").execute("PRAGMA synchronous").fetchone()[0]
    return {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[level]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aggregates", type=int, default=None, help="default 1000")
    parser.add_argument("--events", type=int, default=None, help="events per aggregate (100)")
    parser.add_argument("--quick", action="store_true", help="100 aggregates x 20 events")
    parser.add_argument(
        "--es-synchronous",
        choices=["NORMAL", "FULL", "default"],
        default="NORMAL",
        help="synchronous for eventsourcing (default: NORMAL, like ours; "
        "'default' keeps what the library leaves, i.e. SQLite's compiled default)",
    )
    args = parser.parse_args()
    args.aggregates = args.aggregates or (100 if args.quick else 1000)
    args.events = args.events or (20 if args.quick else 100)
    return args


def main() -> None:
    args = parse_args()
    total = args.aggregates * args.events
    batch = min(BATCH, args.events)
    es_sync = None if args.es_synchronous == "default" else args.es_synchronous
    print(f"Event store appends: {args.aggregates:,} aggregates x {args.events:,} events")
    print(f"  = {total:,} events per store per mode; SQLite {sqlite3.sqlite_version}")
    modes = [
        ("per-event (1 event per append call, aggregates round-robin)", 1, None),
        (f"batched ({batch} events of one aggregate per call)", batch, AIM_VS_PLAIN_BATCHED),
    ]
    verdicts: list[str] = []
    for title, size, plain_aim in modes:
        calls = build_calls(args.aggregates, args.events, size)
        results, es_settings = measure_mode(calls, total, es_sync)
        verdicts += report_mode(title, results, plain_aim)
    print("\nSettings: ours = SQLiteEventStore, WAL, synchronous=NORMAL (its default)")
    print("          plain SQLite = sqlite3, same schema/indexes, WAL, synchronous=NORMAL")
    print(f"          eventsourcing {version('eventsourcing')} = Application.save(), {es_settings}")
    print("          (the library sets WAL itself but not synchronous; this bench sets it")
    print(
        f"          unless --es-synchronous=default, which keeps SQLite's: {sqlite_default_sync()})"
    )
    print(
        f"\nAims: batched >= {AIM_VS_PLAIN_BATCHED:g}x plain SQLite; "
        f">= {AIM_VS_EVENTSOURCING:g}x eventsourcing per-event and batched"
    )
    for line in verdicts:
        print(f"  {line}")


if __name__ == "__main__":
    main()
