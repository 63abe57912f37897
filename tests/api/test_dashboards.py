"""The Grafana dashboard in docs/dashboards asks only for metrics the API exposes (a metric
renamed or removed breaks it here, not on an operator's screen)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "dashboards" / "spice-harvester.json"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def test_every_metric_the_dashboard_asks_for_is_exposed(client: TestClient) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    asked = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bspice_[a-z_]+", target["expr"])
    }
    text = client.get("/metrics").text
    exposed = {
        family.name + suffix
        for family in text_string_to_metric_families(text)
        for suffix in SUFFIXES.get(family.type, ("",))
    }
    assert asked, "the dashboard asks for no metric"
    assert asked <= exposed, sorted(asked - exposed)
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
