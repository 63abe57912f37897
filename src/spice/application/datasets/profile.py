"""Column profiles of a table: how full and how varied each column is, its range, its most
common values and a few samples spread over the whole table."""

from __future__ import annotations

from collections import Counter
from typing import Any

from spice.application.datasets.files import Table

TOP = 5
SAMPLES = 5


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def profile_column(name: str, values: list[str | None]) -> dict[str, Any]:
    present = [v for v in values if v is not None]
    counts = Counter(present)
    numbers = [_number(v) for v in present]
    numeric = bool(present) and all(n is not None for n in numbers)
    low: Any = None
    high: Any = None
    if numeric:
        found = [n for n in numbers if n is not None]
        low, high = min(found), max(found)
    elif present:
        low, high = min(present), max(present)
    step = max(1, len(present) // SAMPLES)
    samples = list(dict.fromkeys(present[::step]))[:SAMPLES]
    total = len(values)
    return {
        "name": name,
        "count": total,
        "nulls": total - len(present),
        "null_ratio": round((total - len(present)) / total, 4) if total else 0.0,
        "distinct": len(counts),
        "distinct_ratio": round(len(counts) / len(present), 4) if present else 0.0,
        "numeric": numeric,
        "min": low,
        "max": high,
        "top_values": [{"value": v, "count": n} for v, n in counts.most_common(TOP)],
        "samples": samples,
    }


def profile(table: Table) -> list[dict[str, Any]]:
    return [
        profile_column(name, [row[i] for row in table.rows]) for i, name in enumerate(table.columns)
    ]
