"""Acceptance of onboarding through the API on both profiles: the import that `spice import
--yes` runs (the CLI's own code, over this app), of the synthetic 3PL dataset; every row
becomes an instance and a four-hop graph query joins them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spice.entrypoints.cli.importer import Api, run_import
from tests.onboarding import SYNTHETIC_3PL, check_imported


@pytest.mark.timeout(600)
def test_the_3pl_dataset_onboards_in_one_import(client: TestClient, tmp_path: Path) -> None:
    args = argparse.Namespace(
        path=str(SYNTHETIC_3PL),
        database="logi",
        url=str(client.base_url),
        yes=True,
        mapping=str(tmp_path / "mapping.json"),
        mapping_name="import",
        branch="main",
        allow_partial=False,
        timeout=300.0,
    )
    assert run_import(args, Api(args.url, args.timeout, client)) == 0
    check_imported(client, "logi")
