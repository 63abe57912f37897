"""WebSocket subscriptions to command updates, fed by the command tracker."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from spice.application.log.serialization import utc_now
from spice.application.ports.command_status import CommandStatus


def command_update(status: CommandStatus) -> dict[str, Any]:
    """The seed's message shape; `_order` (the number of transitions) is removed on send."""
    return {
        "type": "command_update",
        "_order": len(status.history),
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


MAX_QUEUED = 1000


@dataclass
class Client:
    """One connection. Everything sent to it goes through `queue`, in order, by one sender."""

    client_id: str
    user_id: str | None
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    commands: set[str] = field(default_factory=set)
    # How many transitions of each command the client has been sent: an older status read
    # late (the current status on subscribe) never follows a newer one.
    sent: dict[str, int] = field(default_factory=dict)
    # Set when the client reads too slowly to keep up; it is then closed, never fed a gap.
    lagging: bool = False

    def offer(self, message: dict[str, Any]) -> None:
        """Queue a message (on the event loop)."""
        if self.queue.qsize() >= MAX_QUEUED:
            self.lagging = True
        self.queue.put_nowait(message)

    def is_stale(self, message: dict[str, Any]) -> bool:
        """Whether a command update is not newer than one already sent; records it if not."""
        if message.get("type") != "command_update":
            return False
        command_id, order = message["command_id"], message.pop("_order", 0)
        if order <= self.sent.get(command_id, 0):
            return True
        self.sent[command_id] = order
        return False


class ConnectionManager:
    """Called from worker threads; hands messages to each client's queue on the event loop."""

    def __init__(self) -> None:
        self._clients: dict[str, Client] = {}
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def connect(self, user_id: str | None) -> Client:
        client = Client(f"ws-{next(self._ids)}", user_id)
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
                loop.call_soon_threadsafe(client.offer, dict(message))

    def stats(self) -> dict[str, Any]:
        return {
            "connections": len(self._clients),
            "subscriptions": sum(len(c.commands) for c in self._clients.values()),
        }
