"""`AsyncClient`: the API from Python under asyncio (httpx, and websockets for status
streams). The same calls as `Client`, awaited."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, Unpack

import httpx
from websockets.asyncio.client import connect

from spice.client import calls
from spice.client._transport import (
    DEFAULT_SERVER,
    Connection,
    ConnectionOptions,
    call_headers,
    outcome,
    request_timeout,
    retried,
    retry_delay,
    waiting,
    waits_again,
)
from spice.client.calls import Call, Paged
from spice.client.errors import ApiError, Unreachable

T = TypeVar("T")
P = ParamSpec("P")


def _sent(build: Callable[P, Call[T]]) -> Callable[Concatenate[AsyncClient, P], Awaitable[T]]:
    """A method that sends the call `build` makes."""

    async def method(self: AsyncClient, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self.run(build(*args, **kwargs))

    method.__name__, method.__doc__ = build.__name__, build.__doc__
    return method


def _paged(build: Callable[P, Paged[T]]) -> Callable[Concatenate[AsyncClient, P], AsyncIterator[T]]:
    """A method that yields the entries of every page of the listing `build` makes."""

    async def method(self: AsyncClient, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[T]:
        paged = build(*args, **kwargs)
        call: Call[Any] | None = paged.first
        while call is not None:
            page = await self.run(call)
            for item in paged.items(page):
                yield item
            call = paged.following(page)

    method.__name__, method.__doc__ = build.__name__, build.__doc__
    return method


class AsyncClient:
    """`Client` for asyncio: the same methods, awaited (listings are async iterators)."""

    def __init__(
        self,
        base_url: str = DEFAULT_SERVER,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Unpack[ConnectionOptions],
    ):
        """`transport`: httpx's, for proxies, mounts or fault injection."""
        self.connection = Connection(base_url=base_url, **options)
        headers = self.connection.headers()
        self._http = httpx.AsyncClient(base_url=base_url, headers=headers, transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _send(self, call: Call[Any], headers: dict[str, str]) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._http.request(
                    call.method,
                    call.path,
                    params=dict(call.params),
                    json=call.body,
                    headers=headers,
                    timeout=request_timeout(self.connection, call),
                )
            except httpx.TransportError as exc:
                if attempt >= self.connection.retries:
                    raise Unreachable(f"cannot reach {self.connection.base_url}: {exc}") from exc
                await asyncio.sleep(retry_delay(self.connection, attempt, None))
                attempt += 1
                continue
            if not retried(self.connection, attempt, response):
                return response
            await asyncio.sleep(retry_delay(self.connection, attempt, response))
            attempt += 1

    async def run(self, call: Call[T]) -> T:
        """Send a call (see `spice.client.calls`) and read its answer."""
        deadline = time.monotonic() + call.wait_timeout
        try:
            return outcome(call, await self._send(call, call_headers(call)))
        except ApiError as error:
            path = waits_again(call, error)
            if path is None:
                raise
        while True:  # accepted, not finished yet: wait again until the caller's time is up
            wait = waiting(call, path, deadline - time.monotonic())
            try:
                return outcome(wait, await self._send(wait, {}))
            except ApiError as error:
                if waits_again(call, error) is None or deadline - time.monotonic() < 1.0:
                    raise

    async def watch_commands(
        self, command_ids: list[str] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Status changes as the server sends them (`command_update` messages): of every
        command of the caller, and of `command_ids`."""
        url = self.connection.socket_url("/api/v1/ws/commands")
        async with connect(url, additional_headers=self.connection.headers()) as socket:
            for message in calls.subscriptions(command_ids):
                await socket.send(message)
            async for received in socket:
                update = json.loads(received)
                if calls.is_update(update):
                    yield update

    # One line per call of `spice.client.calls`, as in Client's: spelt out so that each
    # method is typed by its builder (tests/unit/test_client_surface.py keeps them equal).
    command_status = _sent(calls.command_status)
    wait_for = _sent(calls.wait_for)
    get_database = _sent(calls.get_database)
    iter_databases = _paged(calls.iter_databases)
    create_database = _sent(calls.create_database)
    delete_database = _sent(calls.delete_database)
    create_class = _sent(calls.create_class)
    list_classes = _sent(calls.list_classes)
    get_class = _sent(calls.get_class)
    create_instance = _sent(calls.create_instance)
    bulk_create = _sent(calls.bulk_create)
    update_instance = _sent(calls.update_instance)
    delete_instance = _sent(calls.delete_instance)
    get_instance = _sent(calls.get_instance)
    iter_instances = _paged(calls.iter_instances)
    search = _sent(calls.search)
    iter_search = _paged(calls.iter_search)
    graph_query = _sent(calls.graph_query)
    create_branch = _sent(calls.create_branch)
    list_branches = _sent(calls.list_branches)
    iter_commits = _paged(calls.iter_commits)
    diff = _sent(calls.diff)
    merge = _sent(calls.merge)
