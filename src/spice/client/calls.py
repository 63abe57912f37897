"""Every call the client makes, as data: method, path, query, body, whether it is a write,
and how to read its answer. `Client` and `AsyncClient` send the same calls; only how they
wait differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypedDict, TypeVar, Unpack, cast
from urllib.parse import quote

from spice.client.schema import (
    BranchPublic,
    ClassPublic,
    CommandStatusPublic,
    CommitPage,
    CommitPublic,
    DatabasePage,
    DatabasePublic,
    Diff,
    GraphResult,
    InstancePage,
    InstancePublic,
    SearchResult,
)

T = TypeVar("T")
MAIN = "main"


class WriteOptions(TypedDict, total=False):
    """What every write may say besides its body."""

    branch: str
    wait: bool  # answer once the command finished and its write is readable (default True)
    wait_timeout: float  # seconds, in all (the server waits at most 300 s per request)
    idempotency_key: str  # the same key maps a retry to the same command; made when absent
    commit_message: str


@dataclass(frozen=True)
class CommandResult:
    """A write's outcome: its command, the status it had when answered (COMPLETED when
    waited for, PENDING otherwise), and what it wrote (`position` is where reads see it:
    pass it as `min_position`)."""

    command_id: str
    status: str
    result: dict[str, Any] | None = None

    @property
    def position(self) -> int | None:
        found = (self.result or {}).get("position")
        return found if isinstance(found, int) else None


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request and how to read its answer. A write carries an Idempotency-Key, so it
    is retried safely; a waited write that times out is waited for again through
    `wait_path` until `wait_timeout` is spent."""

    method: str
    path: str
    decode: Callable[[Any], T]
    params: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    write: bool = False
    idempotency_key: str | None = None
    commit_message: str | None = None
    wait_timeout: float = 60.0
    wait_path: str | None = None


def _p(value: str) -> str:
    return quote(value, safe="")


def _data(body: Any) -> Any:
    return body["data"]


def _result(body: Any) -> CommandResult:
    data = body.get("data") or {}
    return CommandResult(
        command_id=str(data.get("command_id") or body.get("command_id")),
        status=str(data.get("status", "PENDING")),
        result=data.get("result"),
    )


def _write(
    method: str, path: str, db: str, body: Any, options: WriteOptions, **params: Any
) -> Call[CommandResult]:
    wait = options.get("wait", True)
    timeout = float(options.get("wait_timeout", 60.0))
    query = {k: v for k, v in params.items() if v is not None}
    if "branch" in options:
        query["branch"] = options["branch"]
    if wait:
        query |= {"wait": "true", "timeout": max(1.0, min(timeout, 300.0))}
    return Call(
        method,
        path,
        _result,
        query,
        body,
        write=True,
        idempotency_key=options.get("idempotency_key"),
        commit_message=options.get("commit_message"),
        wait_timeout=timeout,
        wait_path=f"/api/v1/ontology/{_p(db)}/sync/command/{{command_id}}/wait" if wait else None,
    )


def wait_for(db: str, command_id: str, timeout: float = 60.0) -> Call[CommandResult]:
    """Wait for an accepted command to finish and its write to be readable."""
    path = f"/api/v1/ontology/{_p(db)}/sync/command/{_p(command_id)}/wait"
    return Call("GET", path, _result, {"timeout": max(1.0, min(timeout, 300.0))})


def command_status(command_id: str) -> Call[CommandStatusPublic]:
    path = f"/api/v1/commands/{_p(command_id)}/status"
    return Call("GET", path, lambda body: cast(CommandStatusPublic, body))


# --- databases -----------------------------------------------------------------------------
def _databases(offset: int, limit: int) -> Call[DatabasePage]:
    return Call("GET", "/api/v1/databases", _data, {"offset": offset, "limit": limit})


def get_database(name: str) -> Call[DatabasePublic]:
    return Call("GET", f"/api/v1/databases/{_p(name)}", _data)


def create_database(
    name: str, description: str = "", **options: Unpack[WriteOptions]
) -> Call[CommandResult]:
    body = {"name": name, "description": description}
    return _write("POST", "/api/v1/databases", name, body, options)


def delete_database(name: str, **options: Unpack[WriteOptions]) -> Call[CommandResult]:
    """Delete a database (the API's confirmation, its name again, is sent for you)."""
    path = f"/api/v1/databases/{_p(name)}"
    return _write("DELETE", path, name, None, options, confirm=name)


# --- ontology ------------------------------------------------------------------------------
def create_class(
    db: str, definition: dict[str, Any], **options: Unpack[WriteOptions]
) -> Call[CommandResult]:
    return _write("POST", f"/api/v1/database/{_p(db)}/ontology", db, definition, options)


def list_classes(db: str, branch: str = MAIN) -> Call[list[ClassPublic]]:
    path = f"/api/v1/database/{_p(db)}/ontology"
    return Call("GET", path, lambda body: body["data"]["items"], {"branch": branch, "limit": 1000})


def get_class(db: str, class_id: str, branch: str = MAIN) -> Call[ClassPublic]:
    path = f"/api/v1/database/{_p(db)}/ontology/{_p(class_id)}"
    return Call("GET", path, _data, {"branch": branch})


# --- instances -----------------------------------------------------------------------------
def _instances(db: str, class_id: str) -> str:
    return f"/api/v1/database/{_p(db)}/instances/{_p(class_id)}"


def create_instance(
    db: str,
    class_id: str,
    data: dict[str, Any],
    metadata: dict[str, Any] | None = None,
    **options: Unpack[WriteOptions],
) -> Call[CommandResult]:
    body: dict[str, Any] = {"data": data}
    if metadata:
        body["metadata"] = metadata
    return _write("POST", f"{_instances(db, class_id)}/create", db, body, options)


def bulk_create(
    db: str, class_id: str, rows: list[dict[str, Any]], **options: Unpack[WriteOptions]
) -> Call[CommandResult]:
    path = f"{_instances(db, class_id)}/bulk-create"
    return _write("POST", path, db, {"instances": rows}, options)


def update_instance(
    db: str,
    class_id: str,
    instance_id: str,
    changes: dict[str, Any],
    expected_seq: int | None = None,
    **options: Unpack[WriteOptions],
) -> Call[CommandResult]:
    path = f"{_instances(db, class_id)}/{_p(instance_id)}/update"
    return _write("PUT", path, db, {"data": changes}, options, expected_seq=expected_seq)


def delete_instance(
    db: str,
    class_id: str,
    instance_id: str,
    expected_seq: int | None = None,
    **options: Unpack[WriteOptions],
) -> Call[CommandResult]:
    path = f"{_instances(db, class_id)}/{_p(instance_id)}/delete"
    return _write("DELETE", path, db, None, options, expected_seq=expected_seq)


def get_instance(
    db: str,
    class_id: str,
    instance_id: str,
    branch: str = MAIN,
    min_position: int | None = None,
) -> Call[InstancePublic]:
    params: dict[str, Any] = {"branch": branch}
    if min_position is not None:
        params["min_position"] = min_position
    return Call("GET", f"{_instances(db, class_id)}/{_p(instance_id)}", _data, params)


def _instance_page(
    db: str, class_id: str, branch: str, offset: int, limit: int
) -> Call[InstancePage]:
    params = {"branch": branch, "offset": offset, "limit": limit}
    return Call("GET", _instances(db, class_id), _data, params)


# --- search and graph ----------------------------------------------------------------------
def search(
    db: str, query: str = "", branch: str = MAIN, min_position: int | None = None, **body: Any
) -> Call[SearchResult]:
    """One page of a search (`class_id`, `filter`, `sort`, `facets`, `limit`, `cursor`... as
    the API takes them); `min_position` waits until the index has that write."""
    params: dict[str, Any] = {"branch": branch}
    if min_position is not None:
        params["min_position"] = min_position
    path = f"/api/v1/database/{_p(db)}/search"
    return Call("POST", path, _data, params, {"query": query, **body})


def graph_query(db: str, body: dict[str, Any], branch: str = MAIN) -> Call[GraphResult]:
    return Call("POST", f"/api/v1/graph-query/{_p(db)}", _data, {"branch": branch}, body)


# --- branches and history ------------------------------------------------------------------
def create_branch(
    db: str, name: str, from_branch: str = MAIN, **options: Unpack[WriteOptions]
) -> Call[CommandResult]:
    body = {"name": name, "from_branch": from_branch}
    return _write("POST", f"/api/v1/databases/{_p(db)}/branches", db, body, options)


def list_branches(db: str) -> Call[list[BranchPublic]]:
    path = f"/api/v1/databases/{_p(db)}/branches"
    return Call("GET", path, lambda body: body["data"]["branches"])


def _commit_page(db: str, branch: str, offset: int, limit: int) -> Call[CommitPage]:
    params = {"branch": branch, "offset": offset, "limit": limit}
    return Call("GET", f"/api/v1/databases/{_p(db)}/commits", _data, params)


def diff(db: str, source: str, target: str, limit: int = 100) -> Call[Diff]:
    params = {"from": source, "to": target, "limit": limit}
    return Call("GET", f"/api/v1/databases/{_p(db)}/diff", _data, params)


def merge(
    db: str,
    source: str,
    target: str = MAIN,
    strategy: str = "fail",
    resolutions: dict[str, str] | None = None,
    **options: Unpack[WriteOptions],
) -> Call[CommandResult]:
    body: dict[str, Any] = {"source": source, "target": target, "strategy": strategy}
    body["resolutions"] = resolutions or {}
    if "commit_message" in options:
        body["message"] = options["commit_message"]
    return _write("POST", f"/api/v1/databases/{_p(db)}/merge", db, body, options)


# --- paging --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Paged(Generic[T]):
    """The calls of a listing, page after page: `first`, then `following(page)` until it
    gives None; `items(page)` are a page's entries."""

    first: Call[Any]
    items: Callable[[Any], list[T]]
    following: Callable[[Any], Call[Any] | None]


def _by_offset(page_call: Callable[[int], Call[Any]]) -> Paged[Any]:
    def following(page: Any) -> Call[Any] | None:
        offset = page.get("next_offset")
        return None if offset is None else page_call(int(offset))

    return Paged(page_call(0), lambda page: list(page["items"]), following)


def iter_databases(page_size: int = 100) -> Paged[DatabasePublic]:
    return _by_offset(lambda offset: _databases(offset, page_size))


def iter_instances(
    db: str, class_id: str, branch: str = MAIN, page_size: int = 500
) -> Paged[InstancePublic]:
    """Every instance of a class, page by page (in id order)."""
    return _by_offset(lambda offset: _instance_page(db, class_id, branch, offset, page_size))


def iter_commits(db: str, branch: str = MAIN, page_size: int = 100) -> Paged[CommitPublic]:
    """The commits a branch sees, newest first."""
    return _by_offset(lambda offset: _commit_page(db, branch, offset, page_size))


def iter_search(
    db: str, query: str = "", branch: str = MAIN, min_position: int | None = None, **body: Any
) -> Paged[dict[str, Any]]:
    """Every hit of a search, following its cursor."""

    def following(page: Any) -> Call[Any] | None:
        cursor = (page.get("page") or {}).get("next_cursor")
        return search(db, query, branch, None, **{**body, "cursor": cursor}) if cursor else None

    first = search(db, query, branch, min_position, **body)
    return Paged(first, lambda page: list(page["hits"]), following)


# --- waiting and watching ------------------------------------------------------------------
def subscriptions(command_ids: list[str] | None) -> list[str]:
    """The messages that follow commands by id on the commands WebSocket."""
    return [json.dumps({"type": "subscribe", "command_id": c}) for c in command_ids or []]


def is_update(message: Any) -> bool:
    return isinstance(message, dict) and message.get("type") == "command_update"
