"""Seed 004 section 7, steps 1 to 4, through the API with the same paths and bodies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import wait_command


def test_seed_demo_steps_1_to_4(client: TestClient) -> None:
    db = "demo_db_1700000000"
    r = client.post("/api/v1/databases", json={"name": db, "description": "demo"})
    assert r.status_code == 202
    db_cmd = r.json()["data"]["command_id"]
    assert client.get(f"/api/v1/commands/{db_cmd}/status").status_code == 200

    customer = {
        "id": "Customer",
        "label": "Customer",
        "properties": [
            {"name": "customer_id", "type": "string", "required": True},
            {"name": "name", "type": "string", "required": True},
        ],
        "relationships": [],
    }
    product = {
        "id": "Product",
        "label": "Product",
        "properties": [
            {"name": "product_id", "type": "string", "required": True},
            {"name": "name", "type": "string", "required": True},
        ],
        "relationships": [
            {
                "predicate": "owned_by",
                "target": "Customer",
                "label": "Owned By",
                "cardinality": "n:1",
            }
        ],
    }
    r1 = client.post(f"/api/v1/database/{db}/ontology", json=customer)
    r2 = client.post(f"/api/v1/database/{db}/ontology", json=product)
    assert (r1.status_code, r2.status_code) == (202, 202)
    onto_cmds = [r1.json()["data"]["command_id"], r2.json()["data"]["command_id"]]

    r3 = client.post(
        f"/api/v1/database/{db}/instances/Customer/create",
        json={"data": {"customer_id": "cust_001", "name": "Alice"}},
    )
    r4 = client.post(
        f"/api/v1/database/{db}/instances/Product/create",
        json={"data": {"product_id": "prod_001", "name": "Shirt", "owned_by": "Customer/cust_001"}},
    )
    assert (r3.status_code, r4.status_code) == (202, 202)
    cust_cmd, prod_cmd = r3.json()["command_id"], r4.json()["command_id"]

    for cmd in [db_cmd, *onto_cmds, cust_cmd, prod_cmd]:
        assert wait_command(client, cmd)["status"] == "COMPLETED"
        body = client.get(f"/api/v1/commands/{cmd}/status").json()
        assert body["status"] == "COMPLETED"
        assert [h["status"] for h in body["history"]][0] == "PENDING"
        assert body["history"][-1]["status"] == "COMPLETED"
        assert {"aggregate_id", "sequence_number", "position"} <= set(body["result"])

    position = client.get(f"/api/v1/commands/{prod_cmd}/status").json()["result"]["position"]
    doc = client.get(
        f"/api/v1/database/{db}/instances/Product/prod_001", params={"min_position": position}
    ).json()["data"]
    assert doc["data"] == {
        "product_id": "prod_001",
        "name": "Shirt",
        "owned_by": "Customer/cust_001",
    }
    assert doc["sequence_number"] == 1
    assert doc["last_command_id"] == prod_cmd
