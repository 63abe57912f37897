"""WebSockets: live command updates (subscribe, unsubscribe, get_subscriptions)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from spice.entrypoints.api import deps
from spice.entrypoints.api.responses import ERRORS, WebSocketStats
from spice.entrypoints.api.waiting import Waiter
from spice.entrypoints.api.ws_manager import Client, ConnectionManager, command_update

router = APIRouter(tags=["websockets"], responses=ERRORS)

# Close code for a client that reads too slowly: it reconnects and reads current statuses.
TRY_AGAIN_LATER = 1013


async def _offer_current(ws: WebSocket, client: Client, command_id: str) -> None:
    waiter: Waiter = ws.app.state.waiter
    status = await run_in_threadpool(waiter.tracker.get, command_id)
    if status is not None:
        client.offer(command_update(status))


def _subscription_result(action: str, command_id: str) -> dict[str, Any]:
    return {
        "type": "subscription_result",
        "action": action,
        "command_id": command_id,
        "success": True,
    }


async def _handle(ws: WebSocket, client: Client, message: Any) -> None:
    kind = message.get("type") if isinstance(message, dict) else None
    command_id = message.get("command_id") if isinstance(message, dict) else None
    if kind in ("subscribe", "unsubscribe") and isinstance(command_id, str) and command_id:
        if kind == "subscribe":
            client.commands.add(command_id)
            client.offer(_subscription_result("subscribe", command_id))
            await _offer_current(ws, client, command_id)
        else:
            client.commands.discard(command_id)
            client.offer(_subscription_result("unsubscribe", command_id))
    elif kind == "get_subscriptions":
        client.offer(
            {
                "type": "subscriptions",
                "client_id": client.client_id,
                "command_ids": sorted(client.commands),
            }
        )
    elif kind == "ping":
        client.offer({"type": "pong"})
    else:
        client.offer(
            {
                "type": "error",
                "code": "BAD_MESSAGE",
                "message": "expected subscribe, unsubscribe, get_subscriptions, ping",
            }
        )


async def _pump(ws: WebSocket, client: Client) -> None:
    """The connection's only sender: messages leave in the order they were queued."""
    while True:
        message = await client.queue.get()
        if client.lagging:
            await ws.close(TRY_AGAIN_LATER, "too many unread updates; reconnect")
            return
        if not client.is_stale(message):
            await ws.send_json(message)


async def _serve(ws: WebSocket, user_id: str | None, command_id: str | None) -> None:
    manager: ConnectionManager = ws.app.state.ws_manager
    await ws.accept()
    client = manager.connect(user_id)
    sender = asyncio.create_task(_pump(ws, client))
    try:
        client.offer(
            {"type": "connection_established", "client_id": client.client_id, "user_id": user_id}
        )
        if command_id:
            client.commands.add(command_id)
            await _offer_current(ws, client, command_id)
        while not sender.done():
            try:
                message = await ws.receive_json()
            except ValueError:
                client.offer(
                    {
                        "type": "error",
                        "code": "MALFORMED_JSON",
                        "message": "messages are JSON objects",
                    }
                )
                continue
            await _handle(ws, client, message)
    except (WebSocketDisconnect, RuntimeError):
        pass  # closed by the client, or by the sender for lagging
    finally:
        sender.cancel()
        manager.disconnect(client)


@router.websocket("/api/v1/ws/commands/{command_id}")
@router.websocket("/ws/commands/{command_id}")
async def ws_command(ws: WebSocket, command_id: str) -> None:
    await _serve(ws, None, command_id)


@router.websocket("/api/v1/ws/commands")
@router.websocket("/ws/commands")
async def ws_commands(
    ws: WebSocket, identity: deps.IdentityDep, user_id: str | None = None
) -> None:
    """The commands of a user as they change: of the signed-in caller (whatever
    `user_id` says), or on a loopback server without credentials of `user_id`."""
    await _serve(ws, user_id if identity.method == "local" else identity.username, None)


@router.get("/api/v1/ws/stats", response_model=WebSocketStats)
def ws_stats(request: Request) -> dict[str, Any]:
    """Open connections and subscriptions."""
    manager: ConnectionManager = request.app.state.ws_manager
    return manager.stats()
