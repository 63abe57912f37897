"""The state of the OpenSearch search index, kept in `<prefix>-meta`: the `state` document
(the active generation, the generations, the next number) and one `gen-<name>` document per
generation (its checkpoint, its branch indexes, the damaged ones). Also the client plumbing:
the URL, and errors turned into `Unavailable`.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConflictError, NotFoundError, TransportError
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError

from spice.domain.errors import Unavailable

# The client logs every answer that is not a success as a warning; the adapter turns them
# into its own errors (a 404 for a branch never indexed is routine), so only its errors show.
logging.getLogger("opensearch").setLevel(logging.ERROR)
T = TypeVar("T")

PREFIX = re.compile(r"^[a-z0-9][a-z0-9_]{0,40}$")
META_BODY: dict[str, Any] = {
    "settings": {"number_of_shards": 1, "number_of_replicas": 0},
    "mappings": {"dynamic": False, "properties": {}},
}
EMPTY_GENERATION: dict[str, Any] = {"checkpoint": 0, "indexes": [], "damaged": []}


def parse_url(url: str) -> tuple[dict[str, Any], str]:
    """(client options, prefix) from `opensearch://[user:pass@]host:port?prefix=...&tls=1`."""
    parts = urlsplit(url)
    if parts.scheme != "opensearch" or not parts.hostname:
        raise ValueError(f"not an OpenSearch URL: {url!r}")
    query = dict(parse_qsl(parts.query))
    prefix = query.get("prefix", "spice")
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"bad index prefix {prefix!r}: lower-case letters, digits and '_'")
    tls = query.get("tls", "") in ("1", "true")
    options: dict[str, Any] = {
        "hosts": [{"host": parts.hostname, "port": parts.port or 9200}],
        "use_ssl": tls,
        "verify_certs": tls,
        "timeout": float(query.get("timeout", "10")),
        "max_retries": 1,
        "retry_on_timeout": False,
        "pool_maxsize": 16,
    }
    if parts.username:
        options["http_auth"] = (unquote(parts.username), unquote(parts.password or ""))
    return options, prefix


def _reason(exc: Exception) -> str:
    if isinstance(exc, TransportError) and isinstance(exc.info, dict):
        error = exc.info.get("error")
        if isinstance(error, dict):
            return f"{error.get('type')}: {error.get('reason')}"
    return str(exc) or type(exc).__name__


def call(what: str, fn: Callable[[], T]) -> T:
    """`fn()`, with failures to reach or use OpenSearch raised as `Unavailable` (not found and
    version conflicts are left to the caller)."""
    try:
        return fn()
    except (NotFoundError, ConflictError):
        raise
    except (OpenSearchConnectionError, TransportError) as exc:
        raise Unavailable(f"OpenSearch failed to {what}: {_reason(exc)}") from None


class SearchState:
    """The state documents of the OpenSearch index (active generation, checkpoints, damaged
    branches), read and written with optimistic versions.

    The writer (the search projector) keeps the state and its generation's document as it
    last read or wrote them, so a step asks OpenSearch nothing about them: it writes the
    generation's document only if its version is still the one it knows. Whatever another
    process does that matters to the writer changes that document (a rebuild's activation
    touches the generation it retires, a drop deletes it), so the write fails and the
    writer reads everything again."""

    def __init__(self, client: OpenSearch, prefix: str) -> None:
        self._client = client
        self._meta = f"{prefix}-meta"
        self._lock = threading.Lock()
        self._ready = False
        self._last_active = "g1"
        self._known: dict[str, Any] | None = None  # the state document, as last seen
        # Generation -> (document, seq_no, primary term) as this process last wrote it.
        self._written: dict[str, tuple[dict[str, Any], int, int]] = {}

    def ensure(self) -> None:
        """The meta index and a first active generation, made by whoever comes first."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            client = self._client
            if call("read the search state", lambda: client.exists(index=self._meta, id="state")):
                self._ready = True
                return
            try:
                call(
                    "create the meta index",
                    lambda: client.indices.create(index=self._meta, body=META_BODY),
                )
            except Unavailable as exc:
                if "resource_already_exists" not in exc.message:
                    raise
            # The generation before the state naming it; whoever comes second changes nothing.
            first = {
                "gen-g1": EMPTY_GENERATION,
                "state": {"active": "g1", "generations": ["g1"], "next": 2},
            }
            for doc_id, body in first.items():
                with contextlib.suppress(ConflictError):
                    call(
                        "create the search state",
                        lambda i=doc_id, b=body: client.create(  # type: ignore[misc]
                            index=self._meta, id=i, body=b
                        ),
                    )
            self._ready = True

    def state(self) -> tuple[dict[str, Any], int, int]:
        self.ensure()
        try:
            got = call(
                "read the search state", lambda: self._client.get(index=self._meta, id="state")
            )
        except NotFoundError:
            raise self._lost() from None
        self._known = copy.deepcopy(got["_source"])
        return got["_source"], got["_seq_no"], got["_primary_term"]

    def known(self) -> dict[str, Any]:
        """The state document as this process last read or wrote it (read when it has not)."""
        if self._known is None:
            return self.state()[0]
        return copy.deepcopy(self._known)

    def forget(self) -> None:
        """Read the state and generations again next time they are asked for."""
        self._known = None
        self._written.clear()

    def _lost(self) -> Unavailable:
        """The state was deleted behind our back: the next call makes a fresh one (the
        projector then indexes the log again from the start, which versions make safe)."""
        self._ready = False
        self.forget()
        return Unavailable("search state is missing")

    def update(self, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Read, change and write the state, again if another process wrote it meanwhile."""
        while True:
            state, seq_no, term = self.state()
            change(state)
            try:
                call(
                    "write the search state",
                    lambda s=state, n=seq_no, t=term: self._client.index(  # type: ignore[misc]
                        index=self._meta, body=s, id="state", if_seq_no=n, if_primary_term=t
                    ),
                )
                self._known = copy.deepcopy(state)
                return state
            except ConflictError:
                continue

    def _read_generation(self, generation: str) -> tuple[dict[str, Any], int, int]:
        self.ensure()
        try:
            got = call(
                "read a generation",
                lambda: self._client.get(index=self._meta, id=f"gen-{generation}"),
            )
        except NotFoundError:
            raise KeyError(generation) from None
        return _checked(generation, got["_source"]), got["_seq_no"], got["_primary_term"]

    def generation(self, generation: str) -> dict[str, Any]:
        return self._read_generation(generation)[0]

    def written(self, generation: str) -> dict[str, Any]:
        """The generation's document as this process last wrote it (read when it has not);
        `KeyError` for a generation that has none."""
        if generation not in self._written:
            self._written[generation] = self._read_generation(generation)
        return copy.deepcopy(self._written[generation][0])

    def put_written(self, generation: str, meta: dict[str, Any]) -> None:
        """Write the generation's document if it is still the version `written` gave;
        `Unavailable` (and everything read again next time) when another process changed
        or deleted it meanwhile."""
        _, seq_no, term = self._written[generation]
        try:
            got = call(
                "write a generation",
                lambda: self._client.index(
                    index=self._meta,
                    body=meta,
                    id=f"gen-{generation}",
                    if_seq_no=seq_no,
                    if_primary_term=term,
                ),
            )
        except (ConflictError, NotFoundError):
            self.forget()
            raise Unavailable(
                f"search generation {generation} was changed by another process (activated"
                " elsewhere, dropped, or written by a second projector); the batch is"
                " written again"
            ) from None
        self._written[generation] = (copy.deepcopy(meta), got["_seq_no"], got["_primary_term"])

    def retire(self, generation: str, successor: str) -> None:
        """Mark a generation as no longer active, which a writer still holding it sees as a
        change when it next writes."""
        with contextlib.suppress(NotFoundError):
            call(
                "retire a generation",
                lambda: self._client.update(
                    index=self._meta,
                    id=f"gen-{generation}",
                    body={"doc": {"retired_for": successor, "retired_at": time.time()}},
                ),
            )
        self._written.pop(generation, None)

    def active(self) -> tuple[str, dict[str, Any]]:
        """The active generation and its document, in one request when the active generation
        is the one seen last (readers ask for both on every search)."""
        self.ensure()
        guess = self._last_active
        try:
            got = call(
                "read the search state",
                lambda: self._client.mget(
                    index=self._meta, body={"ids": ["state", f"gen-{guess}"]}
                ),
            )
        except NotFoundError:
            raise self._lost() from None
        state, meta = got["docs"]
        if not state.get("found"):
            raise self._lost()
        active = str(state["_source"]["active"])
        self._last_active = active
        if active != guess or not meta.get("found"):
            try:
                return active, self.generation(active)
            except KeyError:
                raise Unavailable(f"search generation {active} has no state") from None
        return active, _checked(active, meta["_source"])

    def forget_generation(self, generation: str) -> None:
        self._written.pop(generation, None)
        with contextlib.suppress(NotFoundError):
            call(
                "forget a generation",
                lambda: self._client.delete(index=self._meta, id=f"gen-{generation}"),
            )

    def put_generation(self, generation: str, meta: dict[str, Any]) -> None:
        got = call(
            "write a generation",
            lambda: self._client.index(index=self._meta, body=meta, id=f"gen-{generation}"),
        )
        self._written[generation] = (copy.deepcopy(meta), got["_seq_no"], got["_primary_term"])


def _checked(generation: str, meta: dict[str, Any]) -> dict[str, Any]:
    """A generation's document, or `Unavailable` when it is not one this adapter wrote."""
    if not (
        isinstance(meta.get("checkpoint"), int)
        and all(_pairs(meta.get(name)) for name in ("indexes", "damaged"))
    ):
        raise Unavailable(f"search state of generation {generation} is unreadable")
    return dict(meta)


def _pairs(value: Any) -> bool:
    """Whether `value` is a list of [database, branch] pairs (an empty list is one)."""
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in value
    )
