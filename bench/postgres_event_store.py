"""PostgreSQL event store append benchmark: ours against plain `executemany` and `COPY`.

The same append calls as bench.event_store (per-event: one event per call, aggregates
round-robin; batched: 100 events of one aggregate per call), each call one transaction, on a
fresh schema of the PostgreSQL that `scripts/services start postgres` runs:

- ours: `PostgresEventStore.append` (advisory lock on the head of the log, OCC check of each
  stream, hash chain, JSON, NOTIFY);
- executemany: the same 13 columns inserted by psycopg's `executemany` (JSON dumped in the
  loop, fixed hashes, no lock, no OCC): the floor for a Python writer with this driver;
- COPY: the same rows through `COPY ... FROM STDIN`, the fastest bulk path PostgreSQL has.

A last run has 4 threads appending per-event calls at once (ours against executemany), where
our appends queue on the head of the log.

Run: .venv/bin/python -m bench.postgres_event_store [--aggregates N] [--events M] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import threading
from collections.abc import Callable
from time import perf_counter, perf_counter_ns

import psycopg

from bench.event_store import BATCH, Calls, _plain_row, build_calls
from spice.adapters.distributed.postgres import PostgresDatabase
from spice.adapters.distributed.postgres_event_store import SCHEMA, PostgresEventStore
from spice.adapters.sql.event_store import COLUMNS
from spice.domain.envelope import EventEnvelope
from tests.services import drop_postgres_schema, fresh, service_url

INSERT = f"INSERT INTO events ({COLUMNS}) VALUES ({','.join(['%s'] * 13)})"
COPY = f"COPY events ({COLUMNS}) FROM STDIN"


class Counter:
    """Positions for the plain writers (they take no lock, so they share a counter)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0

    def take(self, n: int) -> int:
        with self._lock:
            first = self._next + 1
            self._next += n
            return first


Writer = Callable[[list[EventEnvelope]], None]


def ours(url: str) -> tuple[Writer, Callable[[], int], Callable[[], None]]:
    db = PostgresDatabase(url, max_size=16)
    store = PostgresEventStore(db)

    def close() -> None:
        store.close()
        db.close()

    return store.append, store.head_position, close


def plain(url: str, copy: bool) -> tuple[Writer, Callable[[], int], Callable[[], None]]:
    db = PostgresDatabase(url, max_size=8)
    with db.migration("events") as conn:
        conn.execute(SCHEMA)
    counter = Counter()

    def write(call: list[EventEnvelope]) -> None:
        first = counter.take(len(call))
        rows = [_plain_row(e, first + i) for i, e in enumerate(call)]
        with db.connection() as conn, conn.transaction():
            if copy:
                with conn.cursor().copy(COPY) as out:
                    for row in rows:
                        out.write_row(row)
            else:
                conn.cursor().executemany(INSERT, rows)

    def count() -> int:
        with db.query() as conn:
            row = conn.execute("SELECT COUNT(*) FROM events").fetchone()
        return int(row[0]) if row else 0

    return write, count, db.close


def run(
    make: Callable[[str], tuple[Writer, Callable[[], int], Callable[[], None]]],
    base: str,
    calls: Calls,
    threads: int = 1,
) -> tuple[float, list[int]]:
    """Events per second and per-call latencies (ns) of `calls` split over `threads`."""
    url = fresh(base, "schema", tag="bench")
    write, count, close = make(url)
    latencies: list[int] = []
    lock = threading.Lock()
    total = sum(len(c) for c in calls)
    shares = [calls[i::threads] for i in range(threads)]

    errors: list[BaseException] = []

    def work(share: Calls) -> None:
        mine = []
        try:
            for call in share:
                t0 = perf_counter_ns()
                write(call)
                mine.append(perf_counter_ns() - t0)
        except BaseException as exc:  # raised again by the main thread
            errors.append(exc)
        with lock:
            latencies.extend(mine)

    try:
        start = perf_counter()
        workers = [threading.Thread(target=work, args=(s,)) for s in shares]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = perf_counter() - start
        if errors:
            raise errors[0]
        stored = count()
    finally:
        close()
        drop_postgres_schema(url)
    if stored != total:
        raise AssertionError(f"{stored} events stored, {total} appended")
    return total / elapsed, latencies


def _ms(latencies: list[int], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aggregates", type=int, default=200)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="50 x 10, for a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.aggregates, args.events = 50, 10
    base = service_url("postgres")
    if not base:
        raise SystemExit("PostgreSQL is not running: scripts/services start postgres")
    with psycopg.connect(base) as conn:
        version = conn.execute("SHOW server_version").fetchone()
    print(f"PostgreSQL {version[0] if version else '?'}, {args.aggregates} x {args.events} events")
    modes = [("per-event", 1, 1), ("batched", BATCH, 1), ("per-event, 4 threads", 1, 4)]
    for name, batch, threads in modes:
        calls = build_calls(args.aggregates, args.events, batch)
        rows = [("ours", *run(ours, base, calls, threads))]
        rows.append(("executemany", *run(lambda u: plain(u, False), base, calls, threads)))
        if threads == 1:
            rows.append(("COPY", *run(lambda u: plain(u, True), base, calls, threads)))
        print(f"\n{name}: {len(calls)} calls")
        ours_rate = rows[0][1]
        for label, rate, lat in rows:
            print(
                f"  {label:<12} {rate:>9,.0f} events/s  call p50 {_ms(lat, 0.5):6.2f} ms  "
                f"p99 {_ms(lat, 0.99):6.2f} ms  ours/this {ours_rate / rate:5.2f}x"
            )
        mean = statistics.mean(lat for lat in rows[0][2]) / 1e6
        print(f"  ours mean call {mean:.2f} ms")


if __name__ == "__main__":
    main()
