"""WebSockets: live command updates (subscribe, unsubscribe, get_subscriptions)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from spice.entrypoints.api.ws_manager import Client, ConnectionManager, command_update

router = APIRouter(tags=["websockets"])


async def _send_current(ws: WebSocket, command_id: str) -> None:
    tracker = ws.app.state.container.tracker
    status = await run_in_threadpool(tracker.get, command_id)
    if status is not None:
        await ws.send_json(command_update(status))


async def _handle(ws: WebSocket, client: Client, message: Any) -> None:
    kind = message.get("type") if isinstance(message, dict) else None
    command_id = message.get("command_id") if isinstance(message, dict) else None
    if kind in ("subscribe", "unsubscribe") and isinstance(command_id, str) and command_id:
        if kind == "subscribe":
            client.commands.add(command_id)
            await ws.send_json(
                {
                    "type": "subscription_result",
                    "action": "subscribe",
                    "command_id": command_id,
                    "success": True,
                }
            )
            await _send_current(ws, command_id)
        else:
            client.commands.discard(command_id)
            await ws.send_json(
                {
                    "type": "subscription_result",
                    "action": "unsubscribe",
                    "command_id": command_id,
                    "success": True,
                }
            )
    elif kind == "get_subscriptions":
        await ws.send_json(
            {
                "type": "subscriptions",
                "client_id": client.client_id,
                "command_ids": sorted(client.commands),
            }
        )
    elif kind == "ping":
        await ws.send_json({"type": "pong"})
    else:
        await ws.send_json(
            {
                "type": "error",
                "code": "BAD_MESSAGE",
                "message": "expected subscribe, unsubscribe, get_subscriptions, ping",
            }
        )


async def _serve(ws: WebSocket, user_id: str | None, command_id: str | None) -> None:
    manager: ConnectionManager = ws.app.state.ws_manager
    await ws.accept()
    client = manager.connect(user_id)
    await ws.send_json(
        {"type": "connection_established", "client_id": client.client_id, "user_id": user_id}
    )
    if command_id:
        client.commands.add(command_id)
        await _send_current(ws, command_id)

    async def pump() -> None:
        while True:
            await ws.send_json(await client.queue.get())

    sender = asyncio.create_task(pump())
    try:
        while True:
            try:
                message = await ws.receive_json()
            except ValueError:
                await ws.send_json(
                    {
                        "type": "error",
                        "code": "MALFORMED_JSON",
                        "message": "messages are JSON objects",
                    }
                )
                continue
            await _handle(ws, client, message)
    except WebSocketDisconnect:
        pass
    finally:
        sender.cancel()
        manager.disconnect(client)


@router.websocket("/api/v1/ws/commands/{command_id}")
@router.websocket("/ws/commands/{command_id}")
async def ws_command(ws: WebSocket, command_id: str) -> None:
    await _serve(ws, None, command_id)


@router.websocket("/api/v1/ws/commands")
@router.websocket("/ws/commands")
async def ws_commands(ws: WebSocket, user_id: str | None = None) -> None:
    await _serve(ws, user_id, None)


@router.get("/api/v1/ws/stats")
def ws_stats(request: Request) -> dict[str, Any]:
    """Open connections and subscriptions."""
    manager: ConnectionManager = request.app.state.ws_manager
    return manager.stats()
