"""The Python client of Spice Harvester's HTTP API: `Client` (blocking) and `AsyncClient`
(asyncio), on httpx, typed by the API's own OpenAPI document (`schema`).

    from spice.client import Client

    with Client("http://127.0.0.1:8002") as spice:
        spice.create_database("shop", "가게")
        spice.create_class("shop", {"id": "Customer", "properties": [
            {"name": "customer_id", "type": "string", "required": True}]})
        done = spice.create_instance("shop", "Customer", {"customer_id": "c1"})
        print(spice.get_instance("shop", "Customer", "c1", min_position=done.position))

Writes wait for their outcome (`wait=False` to not), carry an Idempotency-Key (yours, or one
made for the call) and are retried with it; refusals raise `spice.client.errors`. It speaks
only HTTP: nothing of the server is imported.
"""

from spice.client._transport import DEFAULT_SERVER, ConnectionOptions
from spice.client.aio import AsyncClient
from spice.client.calls import Call, CommandResult, WriteOptions
from spice.client.errors import (
    ApiError,
    Conflict,
    Forbidden,
    NotFound,
    SpiceClientError,
    Timeout,
    Unauthorized,
    Unreachable,
    ValidationFailed,
)
from spice.client.sync import Client

__all__ = [
    "DEFAULT_SERVER",
    "ApiError",
    "AsyncClient",
    "Call",
    "Client",
    "CommandResult",
    "Conflict",
    "ConnectionOptions",
    "Forbidden",
    "NotFound",
    "SpiceClientError",
    "Timeout",
    "Unauthorized",
    "Unreachable",
    "ValidationFailed",
    "WriteOptions",
]
