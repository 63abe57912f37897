"""The Python client's two faces offer the same calls: every public builder of
`spice.client.calls` (a function making a `Call` or a `Paged`) is a method of `Client` and
of `AsyncClient`, with the builder's name and documentation."""

from __future__ import annotations

import inspect

from spice.client import AsyncClient, Client, calls


def builders() -> dict[str, object]:
    found = {}
    for name, fn in vars(calls).items():
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != calls.__name__:
            continue
        returned = str(inspect.signature(fn).return_annotation)
        if returned.startswith(("Call[", "Paged[")):
            found[name] = fn
    return found


def test_both_clients_offer_every_call() -> None:
    names = set(builders())
    assert {"create_instance", "iter_instances", "merge", "wait_for"} <= names
    for client in (Client, AsyncClient):
        offered = {n for n in names if callable(getattr(client, n, None))}
        assert offered == names, (client.__name__, sorted(names - offered))


def test_each_method_carries_its_builders_name_and_documentation() -> None:
    for name, fn in builders().items():
        for client in (Client, AsyncClient):
            method = getattr(client, name)
            assert method.__name__ == name
            assert method.__doc__ == fn.__doc__  # type: ignore[attr-defined]


def test_listings_are_async_iterators_on_the_async_client() -> None:
    assert inspect.isasyncgenfunction(AsyncClient.iter_instances)
    assert inspect.iscoroutinefunction(AsyncClient.create_instance)
    assert inspect.isgeneratorfunction(Client.iter_instances)
