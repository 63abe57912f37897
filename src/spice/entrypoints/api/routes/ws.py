"""WebSockets: live command updates (subscribe, unsubscribe, get_subscriptions).

A connection is signed in by its handshake (`Authorization` or `X-API-Key`, as HTTP
requests are) or, since browsers cannot set headers on a WebSocket, by its first message:
`{"type": "authenticate", "token": "<access token or API key>"}`. On a loopback server
without credentials it is the local administrator. It then gets the commands it may read
only: its own (as they change), and those it subscribes to by id that are its own or of a
database it may read (or any, for administrators).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from spice.application.auth import Identity
from spice.domain.errors import Unauthenticated
from spice.entrypoints.api import access
from spice.entrypoints.api.responses import ERRORS, WebSocketStats
from spice.entrypoints.api.rules import ADMIN, SOCKET, needs
from spice.entrypoints.api.waiting import Waiter
from spice.entrypoints.api.ws_manager import Client, ConnectionManager, command_update

router = APIRouter(tags=["websockets"], responses=ERRORS)

# Close code for a client that reads too slowly: it reconnects and reads current statuses.
TRY_AGAIN_LATER = 1013
# Close code for a connection that did not sign in (as HTTP's 401).
UNAUTHENTICATED = 4401
# How long a connection without credentials has to send its `authenticate` message.
AUTHENTICATE_SECONDS = 10.0
# Commands one connection may subscribe to by id at once.
MAX_SUBSCRIPTIONS = 1000


def _may_read(ws: WebSocket, identity: Identity, command_id: str) -> bool:
    """Whether `identity` may follow a command (`access.may_follow`; administrators also
    one not known yet)."""
    if identity.admin:
        return True
    waiter: Waiter = ws.app.state.waiter
    status = waiter.tracker.get(command_id)
    return status is not None and access.may_follow(ws, identity, status)


async def _subscribe(
    ws: WebSocket, client: Client, identity: Identity, command_id: str, announce: bool = True
) -> None:
    """Follow a command if the caller may; `announce`: say so (a subscription by the
    socket's path is only answered when refused, as the seed's clients expect)."""
    if command_id not in client.commands and len(client.commands) >= MAX_SUBSCRIPTIONS:
        error = ("TOO_MANY_SUBSCRIPTIONS", f"at most {MAX_SUBSCRIPTIONS} at once; unsubscribe")
    elif not await run_in_threadpool(_may_read, ws, identity, command_id):
        error = ("NOT_FOUND", f"command {command_id} not found")
    else:
        client.commands.add(command_id)
        if announce:
            client.offer(_subscription_result("subscribe", command_id))
        waiter: Waiter = ws.app.state.waiter
        status = await run_in_threadpool(waiter.tracker.get, command_id)
        if status is not None:
            client.offer(command_update(status))
        return
    client.offer(_subscription_result("subscribe", command_id, error))


def _subscription_result(
    action: str, command_id: str, error: tuple[str, str] | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "type": "subscription_result",
        "action": action,
        "command_id": command_id,
        "success": error is None,
    }
    if error is not None:
        result["error"] = {"code": error[0], "message": error[1]}
    return result


async def _handle(ws: WebSocket, client: Client, identity: Identity, message: Any) -> None:
    kind = message.get("type") if isinstance(message, dict) else None
    command_id = message.get("command_id") if isinstance(message, dict) else None
    valid_id = isinstance(command_id, str) and 0 < len(command_id) <= 200
    if kind in ("subscribe", "unsubscribe") and valid_id:
        if kind == "subscribe":
            await _subscribe(ws, client, identity, str(command_id))
        else:
            client.commands.discard(str(command_id))
            client.offer(_subscription_result("unsubscribe", str(command_id)))
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
                "message": "expected subscribe, unsubscribe, get_subscriptions, ping "
                "(with a command_id of 1 to 200 characters to subscribe)",
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


async def _sign_in(ws: WebSocket) -> Identity | None:
    """Who the connection is: as its handshake said, or as its first message says (None,
    and the connection closed, when it does not sign in in time)."""
    identity: Identity = ws.scope["state"]["identity"]
    if identity.method != "none":
        return identity
    try:
        message = await asyncio.wait_for(ws.receive_text(), AUTHENTICATE_SECONDS)
        sent = json.loads(message)
        token = sent.get("token") if sent.get("type") == "authenticate" else None
        if not isinstance(token, str) or not 0 < len(token) <= 4000:
            raise Unauthenticated(
                'sign in first: {"type": "authenticate", "token": "<access token or API key>"}'
            )
        auth = ws.app.state.container.auth
        return await run_in_threadpool(auth.identify_credential, token)
    except (TimeoutError, ValueError, AttributeError, KeyError):  # KeyError: a binary frame
        reason = "sign in first with an authenticate message"
    except Unauthenticated as exc:
        reason = exc.message
    await ws.send_json({"type": "error", "code": "UNAUTHENTICATED", "message": reason})
    await ws.close(UNAUTHENTICATED, reason[:120])
    return None


async def _serve(ws: WebSocket, user_id: str | None, command_id: str | None) -> None:
    """`user_id`: follow that user's commands (None: the signed-in caller's, if signed in)."""
    manager: ConnectionManager = ws.app.state.ws_manager
    await ws.accept()
    try:
        identity = await _sign_in(ws)
    except (WebSocketDisconnect, RuntimeError):  # gone before (or while) signing in
        return
    if identity is None:
        return
    if identity.method != "local":
        user_id = identity.username
    client = manager.connect(user_id if command_id is None else None)
    sender = asyncio.create_task(_pump(ws, client))
    try:
        client.offer(
            {
                "type": "connection_established",
                "client_id": client.client_id,
                "user_id": client.user_id,
            }
        )
        if command_id:
            await _subscribe(ws, client, identity, command_id, announce=False)
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
            await _handle(ws, client, identity, message)
    except (WebSocketDisconnect, RuntimeError):
        pass  # closed by the client, or by the sender for lagging
    finally:
        sender.cancel()
        manager.disconnect(client)


@router.websocket("/api/v1/ws/commands/{command_id}")
@router.websocket("/ws/commands/{command_id}")
@needs(SOCKET)
async def ws_command(ws: WebSocket, command_id: str) -> None:
    """One command's updates (a caller who may not read it is told so, and gets none)."""
    await _serve(ws, None, command_id)


@router.websocket("/api/v1/ws/commands")
@router.websocket("/ws/commands")
@needs(SOCKET)
async def ws_commands(ws: WebSocket, user_id: str | None = None) -> None:
    """The commands of a user as they change: of the signed-in caller (whatever
    `user_id` says), or on a loopback server without credentials of `user_id`."""
    await _serve(ws, user_id, None)


@router.get("/api/v1/ws/stats", response_model=WebSocketStats)
@needs(ADMIN)
def ws_stats(request: Request) -> dict[str, Any]:
    """Open connections and subscriptions."""
    manager: ConnectionManager = request.app.state.ws_manager
    return manager.stats()
