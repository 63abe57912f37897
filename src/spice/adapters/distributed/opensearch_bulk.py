"""Writing branch indexes: creating one, a change as its bulk lines (a document indexed at
the event sequence as its external version, or a delete), and the lines sent in bodies of
at most BULK_BYTES."""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from spice.adapters.distributed.opensearch_mapping import BULK_BYTES, INDEX_BODY
from spice.adapters.distributed.opensearch_query import index_fields
from spice.adapters.distributed.opensearch_state import call
from spice.application.ports.search import IndexChange
from spice.application.search.text import document_text, index_tokens
from spice.domain.errors import Unavailable


def create_index(client: OpenSearch, index: str, alias: str | None) -> None:
    """Create a branch index, with `alias` (the live alias readers search) when given. An
    index an earlier attempt made, failing before it recorded it, only gets the alias."""
    body = dict(INDEX_BODY)
    if alias:
        body["aliases"] = {alias: {}}
    try:
        call("create an index", lambda: client.indices.create(index=index, body=body))
    except Unavailable as exc:
        if "resource_already_exists" not in exc.message:
            raise
        if alias:  # made by an attempt that failed before recording it
            call("add an alias", lambda: client.indices.put_alias(index=index, name=alias))


def bulk_action(index: str, change: IndexChange, now: float) -> list[dict[str, Any]]:
    """The bulk lines of one change to `index`: an index action and its document, or a
    delete."""
    target = {
        "_index": index,
        "_id": f"{change.cls}/{change.id}",
        "version": hit.seq if (hit := change.doc) is not None else change.seq,
        "version_type": "external",
    }
    if hit is None:
        return [{"delete": target}]
    doc = {
        "key": f"{change.cls}/{change.id}",
        "cls": change.cls,
        "iid": change.id,
        "seq": hit.seq,
        "position": hit.position,
        "indexed_at": now,
        "text": " ".join(index_tokens(document_text(hit.data))),
        "source": hit.data,
        **index_fields(hit.data),
    }
    return [{"index": target}, doc]


def send_bulk(client: OpenSearch, actions: list[list[str]]) -> list[dict[str, Any]]:
    """Send the actions (each one or two bulk lines) in bodies of at most BULK_BYTES;
    the item results in order."""
    items: list[dict[str, Any]] = []
    body: list[str] = []
    size = 0

    def send() -> None:
        text = "\n".join(body) + "\n"
        result = call(
            "write a batch",
            lambda: client.bulk(body=text, refresh="true", request_timeout=120),
        )
        items.extend(result["items"])

    for action in actions:
        length = sum(len(line) for line in action)
        if body and size + length > BULK_BYTES:
            send()
            body, size = [], 0
        body.extend(action)
        size += length
    if body:
        send()
    return items
