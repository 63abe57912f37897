"""Tantivy search read model: one index per database and branch, in generations on disk.

Layout under the root: `ACTIVE` names the generation readers use; each generation `gN/`
holds `CHECKPOINT` (the log position it has reached), `INDEXES` (the branch indexes it has
created, so a vanished one is noticed) and one Tantivy index per `db/branch` directory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import tantivy

from spice.adapters.embedded.tantivy_query import (
    QueryBuilder,
    build_schema,
    encoded_numbers,
    hit_of,
    marked,
    unmarked,
)
from spice.adapters.embedded.tantivy_sort import ranked, sorted_page
from spice.application.ports.search import IndexChange, SearchIndex
from spice.application.search.query import SearchHit, SearchPage, SearchQuery
from spice.application.search.text import document_text, highlight, index_tokens
from spice.domain.canonical import dumps
from spice.domain.errors import Unavailable

log = logging.getLogger(__name__)

MAX_OPEN_WRITERS = 4
FACET_SEGMENT_SIZE = 2000  # values each index segment reports per facet
MAX_HEALTH_CHECKS = 100  # branch indexes opened by a health check
WRITER_HEAP_BYTES = 32_000_000


PROGRAM_ERRORS = (
    KeyboardInterrupt,
    SystemExit,
    GeneratorExit,
    TypeError,
    KeyError,
    AttributeError,
    AssertionError,
    IndexError,
)


def engine_failure(exc: BaseException) -> bool:
    """Whether `exc` came from Tantivy or the files under it (not from our own code, which
    must not hide behind the fallback). A Rust panic inside Tantivy surfaces as pyo3's
    PanicException, which derives from BaseException."""
    return not isinstance(exc, PROGRAM_ERRORS)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _facet_value(bucket: dict[str, Any], of_data: bool) -> Any:
    """A bucket's value; booleans come back as 0/1 with a `key_as_string`."""
    text = bucket.get("key_as_string")
    if text in ("true", "false"):
        return text == "true"
    return unmarked(bucket["key"]) if of_data else bucket["key"]


class TantivySearchIndex(SearchIndex):
    """A Tantivy index per database and branch under one directory, in generations; CJK text
    as character unigrams and bigrams. Private to the process that opens it."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._indexes: dict[tuple[str, str, str], tantivy.Index] = {}
        self._writers: OrderedDict[tuple[str, str, str], tantivy.IndexWriter] = OrderedDict()
        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.root / "ACTIVE").exists():
            self.activate(self.new_generation())

    # --- generations -------------------------------------------------------------------
    def active_generation(self) -> str:
        try:
            return (self.root / "ACTIVE").read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise Unavailable(f"search index has no active generation: {exc}") from None

    def new_generation(self) -> str:
        with self._lock:
            counter = self.root / "NEXT_GENERATION"
            number = int(counter.read_text()) if counter.exists() else 1
            _write_atomically(counter, str(number + 1))
            name = f"g{number}"
            (self.root / name).mkdir()
            _write_atomically(self.root / name / "CHECKPOINT", "0")
            _write_atomically(self.root / name / "INDEXES", "[]")
            return name

    def activate(self, generation: str) -> None:
        if not (self.root / generation / "CHECKPOINT").exists():
            raise KeyError(generation)
        _write_atomically(self.root / "ACTIVE", generation)

    def drop_generation(self, generation: str) -> None:
        if generation == self.active_generation():
            return
        self._forget(lambda key: key[0] == generation)
        shutil.rmtree(self.root / generation, ignore_errors=True)

    def generations(self) -> list[str]:
        found = [p.name for p in self.root.iterdir() if p.is_dir() and p.name[1:].isdigit()]
        return sorted(found, key=lambda name: int(name[1:]))

    def checkpoint(self, generation: str | None = None) -> int:
        try:
            path = self.root / (generation or self.active_generation()) / "CHECKPOINT"
            return int(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, Unavailable):
            return 0

    def health(self) -> dict[str, object]:
        try:
            generation = self.active_generation()
            listed = self._listed(generation)
        except Unavailable as exc:
            return {"ok": False, "reason": exc.message}
        for db, branch in listed[:MAX_HEALTH_CHECKS]:
            try:
                self._open(generation, db, branch, create=False)
            except Unavailable as exc:
                return {"ok": False, "reason": exc.message, "generation": generation}
        return {"ok": True, "reason": None, "generation": generation, "indexes": len(listed)}

    # --- files and handles -------------------------------------------------------------
    def _path(self, generation: str, db: str, branch: str) -> Path:
        return self.root / generation / quote(db, safe="") / quote(branch, safe="")

    def _listed(self, generation: str) -> list[tuple[str, str]]:
        try:
            raw = (self.root / generation / "INDEXES").read_text(encoding="utf-8")
            return [(db, branch) for db, branch in json.loads(raw)]
        except (OSError, ValueError, TypeError) as exc:
            raise Unavailable(f"search index list of {generation} is unreadable: {exc}") from None

    def _open(self, generation: str, db: str, branch: str, create: bool) -> tantivy.Index | None:
        key = (generation, db, branch)
        cached = self._indexes.get(key)
        if cached is not None:
            return cached
        with self._lock:
            if key in self._indexes:
                return self._indexes[key]
            if (db, branch) in self._damaged(generation):
                raise Unavailable(
                    f"search index of {db}/{branch} missed changes after a failed write"
                )
            path = self._path(generation, db, branch)
            listed = (db, branch) in self._listed(generation)
            if listed and not path.exists():
                raise Unavailable(f"search index of {db}/{branch} is missing")
            if not path.exists():
                if not create:
                    return None
                path.mkdir(parents=True)
                _write_atomically(
                    self.root / generation / "INDEXES",
                    json.dumps([*self._listed(generation), [db, branch]]),
                )
            try:
                index = tantivy.Index(self.schema, path=str(path))
            except BaseException as exc:
                if not engine_failure(exc):
                    raise
                raise Unavailable(f"search index of {db}/{branch} is damaged: {exc}") from None
            self._indexes[key] = index
            return index

    def _writer(self, key: tuple[str, str, str], index: tantivy.Index) -> tantivy.IndexWriter:
        if key in self._writers:
            self._writers.move_to_end(key)
            return self._writers[key]
        while len(self._writers) >= MAX_OPEN_WRITERS:
            (generation, _, _), old = self._writers.popitem(last=False)
            if not (self.root / generation).exists():
                continue  # its generation was dropped (a rebuild replaced it)
            old.commit()
            old.wait_merging_threads()
        writer = index.writer(WRITER_HEAP_BYTES, 1)
        self._writers[key] = writer
        return writer

    def _forget(self, match: Any) -> None:
        with self._lock:
            for key in [k for k in self._writers if match(k)]:
                writer = self._writers.pop(key)
                with contextlib.suppress(Exception):
                    writer.rollback()
                    writer.wait_merging_threads()
            for key in [k for k in self._indexes if match(k)]:
                del self._indexes[key]

    # --- writing -------------------------------------------------------------------------
    def _document(self, change: IndexChange, now: float) -> tantivy.Document:
        hit = change.doc
        assert hit is not None
        doc = tantivy.Document()
        doc.add_text("key", f"{change.cls}/{change.id}")
        doc.add_text("cls", change.cls)
        doc.add_text("iid", change.id)
        doc.add_integer("seq", hit.seq)
        doc.add_integer("position", hit.position)
        doc.add_float("indexed_at", now)
        doc.add_text("text", " ".join(index_tokens(document_text(hit.data))))
        doc.add_json("data", dumps(marked(hit.data)))
        doc.add_json("num", dumps(encoded_numbers(hit.data) or {}))
        doc.add_text("source", dumps(hit.data))
        return doc

    def write(
        self,
        generation: str,
        changes: Sequence[IndexChange],
        dropped_databases: Iterable[str],
        position: int,
    ) -> None:
        now = time.time()
        groups: dict[tuple[str, str], list[IndexChange]] = {}
        for change in changes:  # log order is kept inside each branch index
            groups.setdefault((change.db, change.branch), []).append(change)
        with self._lock:
            for (db, branch), group in groups.items():
                try:
                    self._write_group(generation, db, branch, group, now)
                except Unavailable as exc:
                    # One damaged branch index must not stop the others. It has now missed
                    # changes, so it is marked and stays out of use (searches fall back,
                    # health says so) until `spice rebuild --search`, even if it opens again.
                    log.error("search index %s/%s not updated: %s", db, branch, exc.message)
                    self._mark_damaged(generation, db, branch)
            for db in dropped_databases:
                self._drop_database(generation, db)
            _write_atomically(self.root / generation / "CHECKPOINT", str(position))

    def _write_group(
        self, generation: str, db: str, branch: str, group: list[IndexChange], now: float
    ) -> None:
        index = self._open(generation, db, branch, create=True)
        assert index is not None
        writer = self._writer((generation, db, branch), index)
        try:
            for change in group:
                writer.delete_documents_by_term("key", f"{change.cls}/{change.id}")
                if change.doc is not None:
                    writer.add_document(self._document(change, now))
            writer.commit()
        except BaseException as exc:
            if not engine_failure(exc):
                raise
            self._forget(lambda key: key == (generation, db, branch))
            raise Unavailable(f"search index of {db}/{branch} cannot be written: {exc}") from None
        index.reload()

    def _damaged(self, generation: str) -> list[tuple[str, str]]:
        path = self.root / generation / "DAMAGED"
        try:
            return [(db, branch) for db, branch in json.loads(path.read_text(encoding="utf-8"))]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError) as exc:
            raise Unavailable(f"damage list of {generation} is unreadable: {exc}") from None

    def _mark_damaged(self, generation: str, db: str, branch: str) -> None:
        damaged = sorted({*self._damaged(generation), (db, branch)})
        _write_atomically(self.root / generation / "DAMAGED", json.dumps(damaged))

    def _drop_database(self, generation: str, db: str) -> None:
        self._forget(lambda key: key[0] == generation and key[1] == db)
        listed = [item for item in self._listed(generation) if item[0] != db]
        _write_atomically(self.root / generation / "INDEXES", json.dumps(listed))
        shutil.rmtree(self.root / generation / quote(db, safe=""), ignore_errors=True)

    # --- reading -------------------------------------------------------------------------
    def lookup(
        self, generation: str, db: str, branch: str, keys: Sequence[str]
    ) -> dict[str, SearchHit]:
        index = self._open(generation, db, branch, create=False)
        if index is None or not keys:
            return {}
        builder = QueryBuilder(index, self.schema)
        found: dict[str, SearchHit] = {}
        try:
            searcher = index.searcher()
            for i in range(0, len(keys), 1000):
                chunk = list(keys[i : i + 1000])
                result = searcher.search(builder.keys(chunk), len(chunk), count=False)
                for _, address in result.hits:
                    hit = hit_of(searcher.doc(address))
                    found[hit.key] = hit
        except BaseException as exc:
            if not engine_failure(exc):
                raise
            raise Unavailable(f"search index of {db}/{branch} cannot be read: {exc}") from None
        return found

    def fetch(self, db: str, branch: str, keys: Sequence[str]) -> dict[str, SearchHit]:
        return self.lookup(self.active_generation(), db, branch, keys)

    def search(self, query: SearchQuery) -> SearchPage:
        index = self._open(self.active_generation(), query.db, query.branch, create=False)
        if index is None:
            return SearchPage([], 0, {f: [] for f in query.facets})
        try:
            page = self._search(index, query)
        except Unavailable:
            raise
        except BaseException as exc:
            if not engine_failure(exc):
                raise
            raise Unavailable(
                f"search index of {query.db}/{query.branch} cannot be read: {exc}"
            ) from None
        if query.text and query.highlight:
            for hit in page.hits:
                hit.highlights = highlight(hit.data, query.text)
        return page

    def _search(self, index: tantivy.Index, q: SearchQuery) -> SearchPage:
        builder = QueryBuilder(index, self.schema)
        searcher = index.searcher()
        main = builder.main(q.text, q.classes, q.filter)
        if q.exclude:
            main = builder.minus(main, builder.keys(sorted(q.exclude)))
        if q.sort is not None:
            hits, total = sorted_page(searcher, builder, main, q)
        else:
            hits, total = ranked(searcher, main, q)
        facets, warnings = self._facets(searcher, main, q)
        return SearchPage(hits, total, facets, warnings)

    def _facets(
        self, searcher: tantivy.Searcher, main: tantivy.Query, q: SearchQuery
    ) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
        """Counts per value, most frequent first. Each segment reports its top values; with
        many distinct values a count can fall short, which a warning then says."""
        if not q.facets:
            return {}, []
        spec = {
            f"f{i}": {
                "terms": {
                    "field": "cls" if name == "class" else f"data.{name}",
                    "size": q.facet_size,
                    "segment_size": max(q.facet_size * 10, FACET_SEGMENT_SIZE),
                }
            }
            for i, name in enumerate(q.facets)
        }
        result = searcher.aggregate(main, spec)
        facets = {
            name: [
                {"value": _facet_value(b, name != "class"), "count": b["doc_count"]}
                for b in result[f"f{i}"]["buckets"]
            ]
            for i, name in enumerate(q.facets)
        }
        inexact = [
            name
            for i, name in enumerate(q.facets)
            if result[f"f{i}"].get("doc_count_error_upper_bound", 0)
        ]
        warnings = (
            [
                {
                    "code": "facet_counts_approximate",
                    "message": f"counts of {', '.join(inexact)} may be short: too many values",
                }
            ]
            if inexact
            else []
        )
        return facets, warnings

    def close(self) -> None:
        self._forget(lambda key: True)
