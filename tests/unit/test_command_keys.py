"""The partition key of an accepted command: the commands on one instance share it (their
order is kept); the many instances of one class spread over the partitions."""

from __future__ import annotations

from spice.application.commands.ids import new_id
from spice.application.delivery.relay import command_key
from spice.domain import commands as c


def key(command: c.Command) -> str:
    return command_key(c.IssuedCommand(new_id(), command, "tester").to_envelope("2026-01-01"))


def test_the_commands_on_one_instance_share_a_key() -> None:
    update = c.UpdateInstance(
        database="shop", class_id="Customer", instance_id="k", data={"name": "Kim"}
    )
    delete = c.DeleteInstance(database="shop", class_id="Customer", instance_id="k")
    named = c.CreateInstance(database="shop", class_id="Customer", data={}, instance_id="k")
    assert key(update) == key(delete) == key(named) == "shop/main/Customer/k"


def test_creates_that_name_no_instance_spread_and_other_commands_keep_their_scope() -> None:
    creates = {
        key(c.CreateInstance(database="shop", class_id="Customer", data={"customer_id": "k"}))
        for _ in range(20)
    }
    assert len(creates) == 20 and all(k.startswith("shop/main/Customer/cmd:") for k in creates)
    bulk = c.BulkCreateInstances(database="shop", class_id="Customer", instances=[{}])
    assert key(bulk) == "shop/main/Customer"
    assert key(c.CreateClass(database="shop", branch="b", definition={"id": "C"})) == "shop/b"
    assert key(c.CreateUser(database=None, username="kim", password_hash="x")) == "main"
