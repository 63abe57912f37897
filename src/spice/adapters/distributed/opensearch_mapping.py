"""The OpenSearch mapping of a branch index, and how bulk and state answers are read."""

from __future__ import annotations

from typing import Any

from spice.adapters.distributed.opensearch_query import KEYWORD_LIMIT, MAX_SORT_VALUES, STORED
from spice.domain.errors import Unavailable

MAX_RESULT_WINDOW = 1_000_000  # graph queries page through every start node by offset
BULK_BYTES = 8_000_000
MGET_CHUNK = 1000

INDEX_BODY: dict[str, Any] = {
    "settings": {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "max_result_window": MAX_RESULT_WINDOW,
        "mapping.nested_objects.limit": MAX_SORT_VALUES,
    },
    "mappings": {
        "dynamic": "strict",
        "_source": {"includes": STORED},
        "properties": {
            "key": {"type": "keyword"},
            "cls": {"type": "keyword"},
            "iid": {"type": "keyword"},
            "seq": {"type": "long"},
            "position": {"type": "long"},
            "indexed_at": {"type": "double"},
            "text": {"type": "text", "analyzer": "whitespace", "index_options": "freqs"},
            "terms": {"type": "keyword", "ignore_above": KEYWORD_LIMIT},
            "nums": {"type": "keyword", "ignore_above": KEYWORD_LIMIT},
            "paths": {"type": "keyword", "ignore_above": KEYWORD_LIMIT},
            "sorts": {
                "type": "nested",
                "properties": {
                    "p": {"type": "keyword", "ignore_above": KEYWORD_LIMIT},
                    "n": {"type": "double"},
                    "s": {"type": "keyword", "ignore_above": KEYWORD_LIMIT},
                },
            },
            "source": {"type": "object", "enabled": False},
        },
    },
}


def check_damaged(meta: dict[str, Any], db: str, branch: str) -> None:
    if [db, branch] in meta["damaged"]:
        raise Unavailable(f"search index of {db}/{branch} missed changes after a failed write")


def check_missing(meta: dict[str, Any], db: str, branch: str) -> None:
    """Raise when a branch index that should exist is not there."""
    if [db, branch] in meta["indexes"]:
        raise Unavailable(f"search index of {db}/{branch} is missing")


def failed(item: dict[str, Any]) -> bool:
    """Whether one bulk item failed for good. A 409 is the index holding this version or a
    newer one (a replay, or a stale write): nothing to do; so is deleting what was never
    indexed. A refusal for the moment (429, 5xx) raises `Unavailable`: the whole batch is
    retried, which the versions make harmless."""
    (op, outcome), *_ = item.items()
    status = int(outcome.get("status", 500))
    if status < 300 or status == 409:
        return False
    if op == "delete" and outcome.get("result") == "not_found":
        return False
    if status == 429 or status >= 500:
        raise Unavailable(f"OpenSearch refused a write for now: {outcome.get('error')}")
    return True
