"""Connectors on the distributed profile's own services as sources: a PostgreSQL table with
inserts, updates and deletes between syncs (a full read, and one past a watermark), and
objects in an S3Proxy bucket. The server under test runs on both profiles."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
import psycopg
import pytest
from fastapi.testclient import TestClient

from spice.bootstrap.settings import Settings
from spice.entrypoints.api.app import create_app
from tests.api.support import head, wait_ok
from tests.api.test_connectors import DB, _put, _sync, _values
from tests.services import require

KEY = "c" * 43 + "="
ITEM = {
    "id": "Item",
    "properties": [
        {"name": "item_id", "type": "string", "required": True},
        {"name": "name", "type": "string"},
        {"name": "qty", "type": "integer"},
    ],
}


def _spec(dataset: str) -> dict[str, Any]:
    return {
        "classes": [ITEM],
        "sources": [
            {
                "dataset": dataset,
                "class_id": "Item",
                "key": ["item_id"],
                "properties": [
                    {"property": p, "column": p, "transforms": []}
                    for p in ("item_id", "name", "qty")
                ],
                "links": [],
            }
        ],
    }


@pytest.fixture
def shop(settings: Settings) -> Iterator[TestClient]:
    update = {
        "connector_tick_seconds": 3600,
        "fetch_private_networks": True,
        "secrets_key": KEY,
        "connector_secrets": {"PG_PASSWORD": "not-checked-by-trust-auth"},
    }
    with TestClient(create_app(settings.model_copy(update=update))) as client:
        wait_ok(client, "POST", "/api/v1/databases", json={"name": "shop"})
        yield client


@pytest.fixture
def table() -> Iterator[tuple[psycopg.Connection[Any], dict[str, Any]]]:
    """A table `items` in a fresh schema of the test PostgreSQL, and the connector config
    that reads it (its password by reference)."""
    url = urlsplit(require("postgres"))
    schema = f"src_{uuid.uuid4().hex[:12]}"
    dsn = f"host={url.hostname} port={url.port} dbname={url.path.lstrip('/')} user={url.username}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(
            f"CREATE TABLE {schema}.items (item_id text PRIMARY KEY, name text, qty int, "
            "updated_at timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute(
            f"INSERT INTO {schema}.items (item_id, name, qty, updated_at) VALUES "
            "('I1', 'Apple', 3, '2026-01-01T00:00:00Z'), "
            "('I2', 'Pear', 5, '2026-01-01T00:00:01Z'), "
            "('I3', 'Fig', 7, '2026-01-01T00:00:02Z')"
        )
        config = {
            "dsn": dsn,
            "password": {"secret_ref": "PG_PASSWORD"},
            "schema": schema,
            "table": "items",
        }
        try:
            yield conn, config
        finally:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _connected(client: TestClient, name: str, body: dict[str, Any], mode: str) -> dict[str, Any]:
    """Connector `name` synced once, then the mapping of its dataset, imported in `mode` by
    the next sync; that sync's result."""
    assert _put(client, name, body).status_code == 200
    first = _sync(client, name)
    assert first["changed"] is True and first["version"] == 1
    wait_ok(client, "PUT", f"{DB}/mappings/{name}", json=_spec(body["dataset"]))
    then = {**body, "import": {"mapping": name, "mode": mode}}
    assert _put(client, name, then).status_code == 200
    return _sync(client, name)


def _counts(result: dict[str, Any]) -> tuple[int, int, int, int]:
    c = result["by_class"]["Item"]
    return c["created"], c["updated"], c["deleted"], c["unchanged"]


def test_a_postgresql_table_syncs_inserts_updates_and_deletes(
    shop: TestClient, table: tuple[psycopg.Connection[Any], dict[str, Any]]
) -> None:
    conn, config = table
    body = {"kind": "postgresql", "config": config, "dataset": "items"}
    imported = _connected(shop, "pg", body, "snapshot")
    assert _counts(imported) == (3, 0, 0, 0)
    schema = config["schema"]
    conn.execute(f"UPDATE {schema}.items SET qty = 4 WHERE item_id = 'I1'")
    conn.execute(f"DELETE FROM {schema}.items WHERE item_id = 'I2'")
    conn.execute(f"INSERT INTO {schema}.items (item_id, name, qty) VALUES ('I4', 'Plum', 1)")
    changed = _sync(shop, "pg")
    assert changed["changed"] is True and changed["version"] == 2
    assert _counts(changed) == (1, 1, 1, 1)
    assert _values(shop, "I1") == {"item_id": "I1", "name": "Apple", "qty": 4}
    assert _values(shop, "I2") == 404
    before = head(shop)
    again = _sync(shop, "pg")
    assert (again["changed"], again["imported"], again["version"]) == (False, False, 2)
    assert head(shop) == before + 2  # the sync command and its outcome, nothing else


def test_a_watermark_reads_only_the_rows_past_it(
    shop: TestClient, table: tuple[psycopg.Connection[Any], dict[str, Any]]
) -> None:
    conn, config = table
    body = {"kind": "postgresql", "config": {**config, "watermark": "updated_at"}}
    body["dataset"] = "items"
    imported = _connected(shop, "inc", body, "upsert")
    assert _counts(imported) == (3, 0, 0, 0)
    schema = config["schema"]
    conn.execute(
        f"UPDATE {schema}.items SET qty = 9, updated_at = '2026-02-01T00:00:00Z' "
        "WHERE item_id = 'I3'"
    )
    changed = _sync(shop, "inc")
    assert changed["changed"] is True
    assert _counts(changed) == (0, 1, 0, 0)  # only the row past the watermark was read
    state = shop.get(f"{DB}/connectors/inc").json()["data"]["state"]
    assert state["cursor"]["watermark"].startswith("2026-02-01T00:00:00")
    assert _values(shop, "I3")["qty"] == 9
    unchanged = _sync(shop, "inc")
    assert unchanged["changed"] is False and unchanged["versions"] == []
    snapshot = {**body, "import": {"mapping": "inc", "mode": "snapshot"}}
    r = _put(shop, "inc", snapshot)
    assert r.status_code == 422 and "watermark" in r.text, r.text


def test_an_unreachable_database_is_a_recorded_failure(shop: TestClient) -> None:
    config = {"dsn": "host=127.0.0.1 port=1 dbname=x user=x", "table": "items"}
    assert (
        _put(shop, "down", {"kind": "postgresql", "config": config, "dataset": "d"}).status_code
        == 200
    )
    r = shop.post(f"{DB}/connectors/down/sync?wait=true&timeout=30")
    assert r.status_code == 400, r.text
    assert "postgresql source" in r.json()["message"]
    state = shop.get(f"{DB}/connectors/down").json()["data"]["state"]
    assert state["attempts"] == 1 and "refused" in state["last_error"].lower()


def _bucket() -> tuple[Any, dict[str, Any]]:
    """A fresh bucket on the test S3Proxy, and the connector config that reads its
    `exports/` prefix (its secret key given in clear, sealed by the server)."""
    url = urlsplit(require("s3"))
    endpoint = dict(parse_qsl(url.query))["endpoint"]
    access, secret = unquote(url.username or ""), unquote(url.password or "")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access,
        aws_secret_access_key=secret,
        region_name="us-east-1",
    )
    bucket = f"src-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    config = {
        "bucket": bucket,
        "prefix": "exports/",
        "endpoint_url": endpoint,
        "access_key_id": access,
        "secret_access_key": secret,
    }
    return client, config


def test_objects_in_a_bucket_each_become_a_version_when_new_or_changed(
    shop: TestClient,
) -> None:
    s3, config = _bucket()
    s3.put_object(
        Bucket=config["bucket"], Key="exports/a.csv", Body=b"item_id,name,qty\nI1,Apple,3\n"
    )
    s3.put_object(Bucket=config["bucket"], Key="other/skip.csv", Body=b"x\n1\n")
    body = {"kind": "s3", "config": config, "dataset": "items"}
    imported = _connected(shop, "bucket", body, "upsert")
    assert _counts(imported) == (1, 0, 0, 0)
    shown = shop.get(f"{DB}/connectors/bucket").json()["data"]
    assert shown["config"]["secret_access_key"] == "***"
    s3.put_object(
        Bucket=config["bucket"], Key="exports/b.csv", Body=b"item_id,name,qty\nI2,Pear,5\n"
    )
    added = _sync(shop, "bucket")
    assert [v["version"] for v in added["versions"]] == [2]
    assert _counts(added) == (1, 0, 0, 0)
    s3.put_object(
        Bucket=config["bucket"], Key="exports/a.csv", Body=b"item_id,name,qty\nI1,Apple,4\n"
    )
    changed = _sync(shop, "bucket")
    assert [v["version"] for v in changed["versions"]] == [3]
    assert _values(shop, "I1")["qty"] == 4
    assert _sync(shop, "bucket")["versions"] == []
    dataset = shop.get(f"{DB}/datasets/items").json()["data"]
    assert [v["source"] for v in dataset["versions"]][-2:] == [
        f"s3://{config['bucket']}/exports/b.csv",
        f"s3://{config['bucket']}/exports/a.csv",
    ]
