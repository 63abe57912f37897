"""OpenSearch search read model: an index per database and branch, behind an alias.

Names, under a prefix (`opensearch://host:port?prefix=spice`):
- `<prefix>-meta`: the state (`active` generation, the generations, the next number) and one
  document per generation with its checkpoint, its branch indexes and the damaged ones;
- `<prefix>-<generation>-<digest>`: the index of one database and branch in one generation
  (the digest hashes the names, which OpenSearch would not accept as they are);
- `<prefix>-live-<digest>`: the alias readers search, moved to a new generation's indexes in
  one atomic request when a rebuild is activated.

Documents carry the event sequence as an external version, so a replayed or out-of-order
write of an older state is refused by OpenSearch itself. Property values are indexed in
fields of fixed types, whatever the ontology holds (see `opensearch_query`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from spice.adapters.distributed.opensearch_bulk import bulk_action, create_index, send_bulk
from spice.adapters.distributed.opensearch_mapping import (
    MGET_CHUNK,
    check_damaged,
    check_missing,
    failed,
)
from spice.adapters.distributed.opensearch_query import (
    STORED,
    facet_buckets,
    facet_spec,
    hit_of,
    main_query,
    sort_spec,
)
from spice.adapters.distributed.opensearch_state import (
    EMPTY_GENERATION,
    SearchState,
    call,
    parse_url,
)
from spice.application.ports.search import IndexChange, SearchIndex
from spice.application.search.query import SearchHit, SearchPage, SearchQuery
from spice.application.search.text import highlight
from spice.domain.canonical import dumps
from spice.domain.errors import Unavailable

log = logging.getLogger(__name__)


class OpenSearchSearchIndex(SearchIndex):
    """One writer (the search projector, one active process) and any number of readers.

    Nothing is contacted when the adapter is made, so a process starts while OpenSearch is
    away; every call that cannot reach it raises `Unavailable` (searches then fall back to
    the document store, and the projector retries its batch)."""

    shared = True

    def __init__(self, url: str) -> None:
        options, self.prefix = parse_url(url)
        self._client = OpenSearch(**options)
        self._state = SearchState(self._client, self.prefix)

    # --- names -------------------------------------------------------------------------------
    def _digest(self, db: str, branch: str) -> str:
        return hashlib.sha256(f"{db}\0{branch}".encode()).hexdigest()[:24]

    def _index(self, generation: str, db: str, branch: str) -> str:
        return f"{self.prefix}-{generation}-{self._digest(db, branch)}"

    def _alias(self, db: str, branch: str) -> str:
        return f"{self.prefix}-live-{self._digest(db, branch)}"

    def _aliases(self, index: str | None = None) -> dict[str, Any]:
        """{index: {"aliases": {...}}} of the live aliases (none is an empty answer)."""
        try:
            found: dict[str, Any] = call(
                "list the aliases",
                lambda: self._client.indices.get_alias(
                    index=index, name=f"{self.prefix}-live-*", ignore_unavailable=True
                ),
            )
        except NotFoundError:
            return {}
        return found

    # --- generations -------------------------------------------------------------------------
    def active_generation(self) -> str:
        return str(self._state.state()[0]["active"])

    def new_generation(self) -> str:
        made: list[str] = []

        def change(state: dict[str, Any]) -> None:
            made[:] = [f"g{state['next']}"]
            state["next"] += 1
            state["generations"].append(made[0])

        self._state.update(change)
        self._state.put_generation(made[0], dict(EMPTY_GENERATION))
        return made[0]

    def activate(self, generation: str) -> None:
        meta = self._state.generation(generation)
        retired = self.active_generation()
        current = self._aliases(f"{self.prefix}-g*")
        actions: list[dict[str, Any]] = [
            {"remove": {"index": index, "alias": alias}}
            for index, body in current.items()
            for alias in body.get("aliases", {})
        ]
        actions += [
            {
                "add": {
                    "index": self._index(generation, db, branch),
                    "alias": self._alias(db, branch),
                }
            }
            for db, branch in meta["indexes"]
        ]

        def change(state: dict[str, Any]) -> None:
            state["active"] = generation

        # The state first: until the aliases move, readers see the new generation's
        # checkpoint with the old generation's data, which is at least as far.
        self._state.update(change)
        if actions:  # one request: readers see the old indexes or the new ones, never a mix
            call(
                "move the aliases",
                lambda: self._client.indices.update_aliases(body={"actions": actions}),
            )
        if retired != generation:  # the live projector's next write sees the switch
            self._state.retire(retired, generation)

    def drop_generation(self, generation: str) -> None:
        if generation == self.active_generation():
            return
        indexes = call(
            "list a generation's indexes",
            lambda: self._client.indices.get(
                index=f"{self.prefix}-{generation}-*", ignore_unavailable=True
            ),
        )
        for name in indexes:
            self._delete_index(name)

        def change(state: dict[str, Any]) -> None:
            state["generations"] = [g for g in state["generations"] if g != generation]

        self._state.update(change)
        self._state.forget_generation(generation)

    def generations(self) -> list[str]:
        return list(self._state.state()[0]["generations"])

    def writing_position(self, generation: str | None = None) -> tuple[str, int]:
        generation = generation or str(self._state.known()["active"])
        try:
            return generation, int(self._state.written(generation)["checkpoint"])
        except KeyError:
            return generation, 0

    def checkpoint(self, generation: str | None = None) -> int:
        """The position the generation has reached (0 for an unknown one); raises
        `Unavailable` when OpenSearch cannot be asked."""
        try:
            if generation is None:
                return int(self._state.active()[1]["checkpoint"])
            return int(self._state.generation(generation)["checkpoint"])
        except KeyError:
            return 0

    def health(self) -> dict[str, object]:
        try:
            generation, meta = self._state.active()
            aliases = self._aliases()
        except Unavailable as exc:
            return {"ok": False, "reason": exc.message}
        found = {alias for body in aliases.values() for alias in body.get("aliases", {})}
        missing = [f"{db}/{b}" for db, b in meta["indexes"] if self._alias(db, b) not in found]
        damaged = [f"{db}/{b}" for db, b in meta["damaged"]]
        info = {"generation": generation, "indexes": len(meta["indexes"])}
        if missing:
            return {"ok": False, "reason": f"search index of {missing[0]} is missing", **info}
        if damaged:
            reason = f"search index of {damaged[0]} missed changes after a failed write"
            return {"ok": False, "reason": reason, **info}
        return {"ok": True, "reason": None, **info}

    # --- writing -----------------------------------------------------------------------------
    def _delete_index(self, name: str) -> None:
        with contextlib.suppress(NotFoundError):
            call("delete an index", lambda: self._client.indices.delete(index=name))

    def write(
        self,
        generation: str,
        changes: Sequence[IndexChange],
        dropped_databases: Iterable[str],
        position: int,
    ) -> None:
        active, meta = self._generation_to_write(generation)
        dropped = set(dropped_databases)
        # Drops first: the changes of a batch are the state after everything in it.
        for db, branch in [pair for pair in meta["indexes"] if pair[0] in dropped]:
            self._delete_index(self._index(generation, db, branch))
        listed = [tuple(pair) for pair in meta["indexes"] if pair[0] not in dropped]
        damaged = {tuple(pair) for pair in meta["damaged"] if pair[0] not in dropped}
        # A branch index that vanished has missed changes: it stays out of use (searches fall
        # back, health says so) until `spice rebuild --search`, and is not written to, which
        # on a cluster that creates indexes on demand would make one with the wrong mapping.
        damaged |= self._vanished(generation, {(c.db, c.branch) for c in changes} & set(listed))
        owners, actions = self._actions(generation, changes, listed, damaged, active)
        for pair, item in zip(owners, send_bulk(self._client, actions), strict=True):
            if failed(item):  # deterministic: retrying the batch would fail the same way
                log.error("search index %s/%s not updated: %s", *pair, item)
                damaged.add(pair)
        meta.update(
            checkpoint=position,
            indexes=[list(pair) for pair in listed],
            damaged=sorted(list(pair) for pair in damaged),
        )
        self._state.put_written(generation, meta)

    def _generation_to_write(self, generation: str) -> tuple[bool, dict[str, Any]]:
        """Whether `generation` is the active one, and its document, as this process knows
        them: `put_written` at the end of a write verifies that no other process changed
        them meanwhile."""
        state = self._state.known()
        if generation not in state["generations"]:
            state = self._state.state()[0]  # made by another process since
        if generation not in state["generations"]:
            raise Unavailable(f"search generation {generation} was dropped")
        try:
            meta = self._state.written(generation)
        except KeyError:
            raise Unavailable(f"search generation {generation} has no state") from None
        return generation == state["active"], meta

    def _actions(
        self,
        generation: str,
        changes: Sequence[IndexChange],
        listed: list[tuple[str, ...]],
        damaged: set[tuple[str, ...]],
        active: bool,
    ) -> tuple[list[tuple[str, str]], list[list[str]]]:
        """The branch index of each change to write and its bulk lines, skipping damaged
        indexes; a branch index not in `listed` is created first and added to it."""
        now = time.time()
        actions: list[list[str]] = []
        owners: list[tuple[str, str]] = []
        for change in changes:
            pair = (change.db, change.branch)
            if pair in damaged:
                continue
            index = self._index(generation, change.db, change.branch)
            if pair not in listed:
                if active:  # an alias must never be added to a retired generation's index
                    active = generation == self._state.state()[0]["active"]
                create_index(self._client, index, self._alias(*pair) if active else None)
                listed.append(pair)
            actions.append([dumps(part) for part in bulk_action(index, change, now)])
            owners.append(pair)
        return owners, actions

    def _vanished(self, generation: str, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those of `pairs` (listed branch indexes) whose index is not there."""
        names = {pair: self._index(generation, *pair) for pair in sorted(pairs)}
        exists = self._client.indices.exists
        if not names or call("check indexes", lambda: exists(index=list(names.values()))):
            return set()
        return {
            pair
            for pair, name in names.items()
            if not call("check an index", lambda n=name: exists(index=n))  # type: ignore[misc]
        }

    # --- reading -----------------------------------------------------------------------------
    def _mget(self, index: str, keys: Sequence[str]) -> dict[str, SearchHit]:
        found: dict[str, SearchHit] = {}
        for i in range(0, len(keys), MGET_CHUNK):
            chunk = list(keys[i : i + MGET_CHUNK])
            result = call(
                "read documents",
                lambda chunk=chunk: self._client.mget(  # type: ignore[misc]
                    body={"ids": chunk}, index=index, _source_includes=STORED
                ),
            )
            for doc in result["docs"]:
                error = doc.get("error")
                if isinstance(error, dict) and error.get("type") == "index_not_found_exception":
                    raise NotFoundError(404, "index_not_found_exception", error)
                if error:
                    raise Unavailable(f"OpenSearch failed to read documents: {error}")
                if doc.get("found"):
                    hit = hit_of(doc["_source"])
                    found[hit.key] = hit
        return found

    def lookup(
        self, generation: str, db: str, branch: str, keys: Sequence[str]
    ) -> dict[str, SearchHit]:
        if not keys:
            return {}
        try:
            return self._mget(self._index(generation, db, branch), keys)
        except NotFoundError:
            return {}  # never made, or gone: the write that follows marks it damaged

    def fetch(self, db: str, branch: str, keys: Sequence[str]) -> dict[str, SearchHit]:
        _, meta = self._state.active()
        check_damaged(meta, db, branch)
        if not keys:
            return {}
        try:
            return self._mget(self._alias(db, branch), keys)
        except NotFoundError:
            check_missing(meta, db, branch)
            return {}

    def search(self, query: SearchQuery) -> SearchPage:
        _, meta = self._state.active()
        check_damaged(meta, query.db, query.branch)
        body: dict[str, Any] = {
            "query": main_query(query),
            "sort": sort_spec(query),
            "from": query.offset,
            "size": query.limit,
            "track_total_hits": True,
            "track_scores": bool(query.text),
            "_source": {"includes": STORED},
        }
        if query.facets:
            body["aggs"] = {
                f"f{i}": facet_spec(name, query.facet_size) for i, name in enumerate(query.facets)
            }
        alias = self._alias(query.db, query.branch)
        try:
            result = call("search", lambda: self._client.search(body=body, index=alias))
        except NotFoundError:
            check_missing(meta, query.db, query.branch)
            return SearchPage([], 0, {f: [] for f in query.facets})
        hits = [
            hit_of(h["_source"], h.get("_score") if query.text else None)
            for h in result["hits"]["hits"]
        ]
        if query.text and query.highlight:
            for hit in hits:
                hit.highlights = highlight(hit.data, query.text)
        facets = {
            name: facet_buckets(name, result["aggregations"][f"f{i}"]["buckets"])
            for i, name in enumerate(query.facets)
        }
        return SearchPage(hits, int(result["hits"]["total"]["value"]), facets)

    def close(self) -> None:
        self._client.close()

    def delete_all(self) -> None:
        """Drop every index under the prefix (tests)."""
        names = call(
            "list indexes",
            lambda: self._client.indices.get(index=f"{self.prefix}-*", ignore_unavailable=True),
        )
        for name in names:
            self._delete_index(name)
        self._state.forget()
