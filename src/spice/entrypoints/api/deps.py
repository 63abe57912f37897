"""Request dependencies, in one place: each route takes the narrow service or query it
uses, never the whole container."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection

from spice.application import tracing
from spice.application.auth import KEY_PREFIX, LOCAL, NOBODY, Authenticator, Identity
from spice.application.commands.checks import ClassChecks
from spice.application.commands.service import CommandService
from spice.application.commands.status import CommandStatuses
from spice.application.connectors.service import Connectors
from spice.application.datasets.imports import Imports
from spice.application.datasets.service import Datasets
from spice.application.ports.documents import KIND_BRANCH, DocKey
from spice.application.reads.diff import Diffs
from spice.application.reads.documents import Reader
from spice.application.reads.graph.service import GraphQueries
from spice.application.reads.health import SystemHealth
from spice.application.reads.history import History
from spice.application.reads.lineage import Lineages
from spice.application.reads.proposals import Proposals
from spice.application.reads.refs import Refs
from spice.application.reads.search import SearchService
from spice.bootstrap.container import Container
from spice.domain import names
from spice.domain.errors import Unauthenticated
from spice.entrypoints.api.waiting import Waiter

# The dependencies that only pick a part of the app are coroutines: FastAPI runs a plain
# function in the thread pool, a hop that costs more than the function.


def _container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


async def get_waiter(request: Request) -> Waiter:
    waiter: Waiter = request.app.state.waiter
    return waiter


async def get_reader(request: Request) -> Reader:
    return _container(request).reader


async def get_commands(request: Request) -> CommandService:
    return _container(request).commands


async def get_class_checks(request: Request) -> ClassChecks:
    return _container(request).class_checks


async def get_statuses(request: Request) -> CommandStatuses:
    return _container(request).command_statuses


async def get_searches(request: Request) -> SearchService:
    return _container(request).searches


async def get_graph(request: Request) -> GraphQueries:
    return _container(request).graph


async def get_health(request: Request) -> SystemHealth:
    return _container(request).health


async def get_history(request: Request) -> History:
    return _container(request).history


async def get_diffs(request: Request) -> Diffs:
    return _container(request).diffs


async def get_lineages(request: Request) -> Lineages:
    return _container(request).lineages


async def get_connectors(request: Request) -> Connectors:
    return _container(request).connectors


async def get_datasets(request: Request) -> Datasets:
    return _container(request).datasets


async def get_imports(request: Request) -> Imports:
    return _container(request).imports


async def get_proposals(request: Request) -> Proposals:
    return _container(request).proposals


async def get_refs(request: Request) -> Refs:
    return _container(request).refs


def get_as_of(
    request: Request,
    refs: Annotated[Refs, Depends(get_refs)],
    as_of: Annotated[
        str | None,
        Query(
            max_length=100,
            description="read as of a log position, an ISO time or a commit id",
        ),
    ] = None,
) -> int | None:
    if as_of is None:
        return None
    db = request.path_params.get("db")
    return refs.position(as_of, db if isinstance(db, str) else None)


def identify(container: Container, headers: Headers) -> Identity:
    """Who calls: the user a bearer token (`Authorization: Bearer`) or an API key
    (`X-API-Key`, `Authorization: ApiKey`) names (Unauthenticated when it does not verify),
    else the local administrator on a server bound to loopback (without sign-in, or as
    `SPICE_LOOPBACK_ADMIN` says: `Settings.anonymous_is_local_admin`), else nobody (whom the
    access rules let through to the open routes only)."""
    auth = container.auth
    authorization = headers.get("authorization", "")
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() == "bearer" and credential:
        return auth.identify_token(credential.strip())
    # An X-API-Key that is not one of ours may be a gateway's (the rate limiter can key on
    # it): it is left alone rather than refused.
    x_api_key = headers.get("x-api-key", "")
    ours = x_api_key if x_api_key.startswith(KEY_PREFIX) else ""
    key = ours or (credential.strip() if scheme.lower() == "apikey" else "")
    if key:
        return auth.identify_key(key)
    if authorization:
        raise Unauthenticated("the Authorization header takes `Bearer <token>` or `ApiKey <key>`")
    if container.settings.anonymous_is_local_admin():
        return LOCAL
    return NOBODY


async def get_identity(connection: HTTPConnection) -> Identity:
    """The caller, as `access.AccessMiddleware` found them before the route."""
    identity: Identity = connection.scope["state"]["identity"]
    return identity


IdentityDep = Annotated[Identity, Depends(get_identity)]


async def get_actor(
    identity: IdentityDep, x_user_id: Annotated[str | None, Header()] = None
) -> str:
    """The actor of a write: the signed-in user; on a loopback server without credentials,
    whoever `X-User-Id` names (the seed-era clients and the demo rely on it)."""
    if identity.method != "local":
        return identity.username
    return x_user_id or "anonymous"


async def get_authenticator(request: Request) -> Authenticator:
    auth: Authenticator = _container(request).auth
    return auth


AuthDep = Annotated[Authenticator, Depends(get_authenticator)]


async def get_branch(
    request: Request, branch: Annotated[str, Query(max_length=100)] = names.MAIN_BRANCH
) -> str:
    """The branch a request names. A branch the read model does not know yet may be one
    whose creation the client was just told was accepted: the request then waits (within
    the drain timeout) for pending commands and the read model, so that a read right after
    the create sees the branch, as the seed's what-if demo expects."""
    names.check_branch(branch)
    db = request.path_params.get("db")
    if branch == names.MAIN_BRANCH or not isinstance(db, str):
        return branch
    container = _container(request)
    key = DocKey(KIND_BRANCH, db, branch)
    if await run_in_threadpool(container.documents.get, key, True) is None:
        commands = container.commands
        if await run_in_threadpool(commands.drain, commands.drain_timeout):
            head = await run_in_threadpool(container.events.head_position)
            await (await get_waiter(request)).position(head, commands.drain_timeout)
    return branch


WaiterDep = Annotated[Waiter, Depends(get_waiter)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
CommandsDep = Annotated[CommandService, Depends(get_commands)]
ClassChecksDep = Annotated[ClassChecks, Depends(get_class_checks)]
StatusesDep = Annotated[CommandStatuses, Depends(get_statuses)]
SearchDep = Annotated[SearchService, Depends(get_searches)]
GraphDep = Annotated[GraphQueries, Depends(get_graph)]
HealthDep = Annotated[SystemHealth, Depends(get_health)]
ActorDep = Annotated[str, Depends(get_actor)]
BranchDep = Annotated[str, Depends(get_branch)]
RefsDep = Annotated[Refs, Depends(get_refs)]
ProposalsDep = Annotated[Proposals, Depends(get_proposals)]
DatasetsDep = Annotated[Datasets, Depends(get_datasets)]
ConnectorsDep = Annotated[Connectors, Depends(get_connectors)]
ImportsDep = Annotated[Imports, Depends(get_imports)]
HistoryDep = Annotated[History, Depends(get_history)]
DiffsDep = Annotated[Diffs, Depends(get_diffs)]
LineagesDep = Annotated[Lineages, Depends(get_lineages)]
AsOfDep = Annotated[int | None, Depends(get_as_of)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
ExpectedSeq = Annotated[int | None, Query(ge=0, le=2**62)]
Offset = Annotated[int, Query(ge=0, le=2**62)]
Limit = Annotated[int, Query(ge=1, le=1000)]
MinPosition = Annotated[
    int | None, Query(ge=0, le=2**62, description="wait until the read model has it")
]
ReadTimeout = Annotated[
    float, Query(ge=0.1, le=300, description="seconds to wait for min_position")
]
Wait = Annotated[bool, Query(description="answer when the command has finished")]
Timeout = Annotated[float, Query(ge=1, le=300)]
PollInterval = Annotated[float, Query(ge=0.1, le=5)]


@dataclass(frozen=True)
class WriteOptions:
    """What every write route takes besides its own path and body."""

    commands: CommandService
    waiter: Waiter
    actor: str
    idempotency_key: str | None
    wait: bool
    timeout: float
    request_id: str | None
    commit_message: str | None = None
    poll_interval: float = 0.25
    # Where the request came from and how its caller signed in, for the audit trail.
    client: dict[str, str] = field(default_factory=dict)

    def metadata(self, sent: dict[str, Any] | None = None) -> dict[str, Any]:
        """The command's metadata: what the body sent (reason, source, message, ...), the
        request id, the commit message of the `X-Commit-Message` header (a `message` in
        the body wins), and the caller's address and way of signing in."""
        out = dict(sent or {})
        out["client"] = self.client
        if trace := tracing.carried():
            out[tracing.KEY] = trace  # the worker and projections continue this trace
        if self.request_id:
            out["request_id"] = self.request_id
        if self.commit_message and not out.get("message"):
            out["message"] = self.commit_message
        return out


async def get_write_options(
    request: Request,
    commands: CommandsDep,
    waiter: WaiterDep,
    identity: IdentityDep,
    actor: ActorDep,
    idempotency_key: IdempotencyKey = None,
    wait: Wait = False,
    timeout: Timeout = 30,
    x_request_id: Annotated[str | None, Header(max_length=200)] = None,
    x_commit_message: Annotated[
        str | None, Header(max_length=2000, description="the commit message of this write")
    ] = None,
) -> WriteOptions:
    client = {"address": request.client.host if request.client else "", "via": identity.method}
    # The id the request log gave the request: its X-Request-ID, or a new one.
    request_id = getattr(request.state, "request_id", None) or x_request_id
    return WriteOptions(
        commands,
        waiter,
        actor,
        idempotency_key,
        wait,
        timeout,
        request_id,
        x_commit_message,
        client=client,
    )


WriteDep = Annotated[WriteOptions, Depends(get_write_options)]
