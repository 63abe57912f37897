"""Validation of instances of a class that uses every property type.

Figures: instances validated per second (100,000 by default) for a class with one property
of each of the 27 types, against the same number of instances of a class with plain string
properties (measured in the same run); then the share validation takes of the end-to-end
create path: a bulk create of the every-type class through HTTP against a real server, until
the instances are readable, compared with validating the same rows alone.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from spice.domain.ontology.classes import parse_class
from spice.domain.ontology.instances import validate_instance
from spice.domain.ontology.model import OntologyClass
from spice.domain.types import TYPES
from tests.server import ServerProcess

PARAMS: dict[str, dict[str, Any]] = {
    "enum": {"values": ["gold", "silver", "bronze"]},
    "array": {"items": "integer", "max_items": 10},
    "object": {
        "properties": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "integer"}]
    },
    "integer": {"min": 0},
    "string": {"max_length": 200},
}
EVERY_TYPE = {
    "id": "Everything",
    "properties": [
        {"name": "everything_id", "type": "string", "required": True},
        *({"name": f"p_{name}", "type": name, **PARAMS.get(name, {})} for name in TYPES),
    ],
}


def row(i: int) -> dict[str, Any]:
    values: dict[str, Any] = {
        "p_string": f"name {i}",
        "p_text": f"a longer note about row {i}\nwith two lines",
        "p_integer": i,
        "p_decimal": f"{i}.25",
        "p_float": i / 3,
        "p_boolean": i % 2 == 0,
        "p_percentage": f"{i % 100}.5%",
        "p_uuid": f"0b7e7f7c-3d0a-4c1e-9b7a-{i:012d}",
        "p_enum": ["gold", "silver", "bronze"][i % 3],
        "p_json": {"row": i, "tags": ["a", "b"]},
        "p_color": "#ff8800",
        "p_date": "2026-11-23",
        "p_datetime": "2026-11-23T09:30:00+09:00",
        "p_time": "09:30:00",
        "p_duration": "PT90M",
        "p_email": f"user{i}@example.com",
        "p_phone": f"010-{2000 + i % 1000}-{i % 10000:04d}",
        "p_url": f"https://example.com/items/{i}",
        "p_uri": f"urn:item:{i}",
        "p_ip": f"10.0.{i % 256}.{(i // 256) % 256}",
        "p_money": {"amount": f"{i}.50", "currency": "KRW"},
        "p_coordinate": {"lat": 37.5, "lon": 127.0},
        "p_address": {"street": "Sejong-daero 110", "city": "Seoul", "country": "KR"},
        "p_file": {"uri": f"s3://bench/{i}.pdf", "content_type": "application/pdf"},
        "p_image": {"uri": f"s3://bench/{i}.png", "content_type": "image/png"},
        "p_array": [i, i + 1, i + 2],
        "p_object": {"sku": f"S-{i}", "qty": i % 7},
    }
    assert set(values) == {f"p_{name}" for name in TYPES}, "a type has no bench value"
    return {"everything_id": f"e{i}", **values}


def string_class_and_rows(
    rows: list[dict[str, Any]],
) -> tuple[OntologyClass, list[dict[str, Any]]]:
    """The same field names and count, every one a plain string."""
    definition = {
        "id": "Strings",
        "properties": [{"name": k, "type": "string"} for k in rows[0]],
    }
    return OntologyClass.of(parse_class(definition)), [
        {k: str(v) for k, v in r.items()} for r in rows
    ]


def seconds_to_validate(definition: OntologyClass, rows: list[dict[str, Any]]) -> float:
    t = time.perf_counter()
    for r in rows:
        validate_instance(definition, r)
    return time.perf_counter() - t


def end_to_end_seconds(rows: list[dict[str, Any]]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "data")
        server.start()
        try:
            with httpx.Client(base_url=server.url, timeout=300) as client:
                client.post("/api/v1/databases?wait=true", json={"name": "bench"})
                r = client.post("/api/v1/database/bench/ontology?wait=true", json=EVERY_TYPE)
                assert r.status_code == 200, r.text
                t = time.perf_counter()
                r = client.post(
                    "/api/v1/database/bench/instances/Everything/bulk-create?wait=true&timeout=300",
                    json={"instances": rows},
                )
                assert r.status_code == 200, r.text
                position = r.json()["data"]["result"]["position"]
                listed = client.get(
                    "/api/v1/database/bench/instances/Everything",
                    params={"limit": 1, "min_position": position},
                ).json()
                elapsed = time.perf_counter() - t
                assert listed["data"]["total"] == len(rows)
        finally:
            server.stop()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--end-to-end", type=int, default=10_000)
    args = parser.parse_args()
    definition = OntologyClass.of(parse_class(EVERY_TYPE))
    rows = [row(i) for i in range(args.instances)]
    every = seconds_to_validate(definition, rows)
    plain_def, plain_rows = string_class_and_rows(rows)
    plain = seconds_to_validate(plain_def, plain_rows)
    n = args.instances
    print(f"validation of {n} instances, {len(TYPES)} types + id in one class:")
    print(f"  every type:   {n / every:,.0f} instances/s ({every * 1e6 / n:.1f} us each)")
    print(f"  all strings:  {n / plain:,.0f} instances/s (baseline, same field count)")
    print(f"  -> every-type validation costs {every / plain:.1f}x the all-string baseline")
    e2e_rows = rows[: args.end_to_end]
    e2e = end_to_end_seconds(e2e_rows)
    alone = seconds_to_validate(definition, e2e_rows)
    print(f"bulk create of {len(e2e_rows)} every-type instances through HTTP until readable:")
    print(f"  {e2e:.2f} s = {len(e2e_rows) / e2e:,.0f} instances/s")
    print(
        f"  validation alone {alone:.2f} s -> {alone / e2e:.0%} of the end-to-end path "
        "(rows are validated twice there: precheck and worker)"
    )


if __name__ == "__main__":
    main()
