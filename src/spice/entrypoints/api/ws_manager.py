"""WebSocket subscriptions to command updates, fed by the command tracker."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from spice.application.ports.command_status import CommandStatus
from spice.application.serialization import utc_now


def command_update(status: CommandStatus) -> dict[str, Any]:
    return {
        "type": "command_update",
        "command_id": status.command_id,
        "timestamp": utc_now(),
        "data": {
            "status": status.status,
            "progress": status.progress,
            "message": status.message,
            "updated_at": status.updated_at,
            "command_type": status.command_type,
            "result": status.result,
            "error": status.error,
        },
    }


@dataclass
class Client:
    client_id: str
    user_id: str | None
    queue: asyncio.Queue[dict[str, Any]]
    commands: set[str] = field(default_factory=set)


class ConnectionManager:
    """Called from worker threads; hands messages to each client's queue on the event loop."""

    def __init__(self) -> None:
        self._clients: dict[str, Client] = {}
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def connect(self, user_id: str | None) -> Client:
        client = Client(f"ws-{next(self._ids)}", user_id, asyncio.Queue(maxsize=1000))
        self._clients[client.client_id] = client
        return client

    def disconnect(self, client: Client) -> None:
        self._clients.pop(client.client_id, None)

    def on_status(self, status: CommandStatus) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        message = command_update(status)
        for client in list(self._clients.values()):
            wanted = status.command_id in client.commands or (
                client.user_id is not None and client.user_id == status.actor
            )
            if wanted:
                loop.call_soon_threadsafe(_offer, client.queue, message)

    def stats(self) -> dict[str, Any]:
        return {
            "connections": len(self._clients),
            "subscriptions": sum(len(c.commands) for c in self._clients.values()),
        }


def _offer(queue: asyncio.Queue[dict[str, Any]], message: dict[str, Any]) -> None:
    if not queue.full():
        queue.put_nowait(message)
