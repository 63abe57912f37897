"""Datasets: files uploaded, or fetched from a URL or a Google Sheets share link, kept
whole and once in the blob store under their SHA-256, each upload a version of a named
dataset (an `AddDatasetVersion` command). Previews and column profiles read the stored
bytes again; the log says which versions exist."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from spice.application.datasets.files import ParsedFile, Table, read_file, table_of
from spice.application.datasets.inference import infer_table
from spice.application.datasets.limits import READ_SECONDS
from spice.application.datasets.profile import profile
from spice.application.datasets.suggest import (
    find_links,
    link_predicate,
    property_names,
    suggest_class,
)
from spice.application.ports.blobs import BlobStore
from spice.application.ports.event_store import EventStore
from spice.application.ports.fetching import UrlFetcher
from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import replay
from spice.domain.deciders.base import WriteModel
from spice.domain.errors import BadRequest, NotFound
from spice.domain.mappings import PARSED
from spice.domain.versions import pick

CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
}
SHEETS = re.compile(r"^/spreadsheets/d/([A-Za-z0-9_-]+)")
GID = re.compile(r"gid=(\d+)")
MAX_DATASETS = 100_000
CACHED_FILES = 32  # parsed files kept: an import reads every dataset of its mapping


def blob_key(sha256: str) -> str:
    """Datasets are content-addressed: the same bytes are stored once."""
    return f"datasets/sha256/{sha256}"


def sheets_export(url: str) -> str | None:
    """The CSV export of a Google Sheets share link (its tab's `gid`, else the first), or
    None when `url` is not one."""
    parts = urlsplit(url)
    found = SHEETS.match(parts.path)
    if found is None:
        return None
    gid = GID.search(f"{parts.query}&{parts.fragment}")
    tab = gid.group(1) if gid else "0"
    return f"{parts.scheme}://{parts.netloc}/spreadsheets/d/{found.group(1)}/export?format=csv&gid={tab}"


class Datasets:
    """Storing and reading dataset versions."""

    def __init__(
        self,
        events: EventStore,
        model: WriteModel,
        blobs: BlobStore,
        fetcher: UrlFetcher,
        max_bytes: int,
        read_seconds: float = READ_SECONDS,
    ) -> None:
        self.events = events
        self.model = model
        self.blobs = blobs
        self.fetcher = fetcher
        self.max_bytes = max_bytes
        self.read_seconds = read_seconds
        self._files: OrderedDict[str, ParsedFile] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, url: str, timeout: float = 60.0) -> tuple[str, bytes, str]:
        """(filename, bytes, source) of an http(s) URL; a Google Sheets share link is read
        as its tab's CSV export."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadRequest("url must be an http(s) URL", {"url": url})
        export = sheets_export(url)
        fetched = self.fetcher.get(export or url, self.max_bytes, timeout)
        name = fetched.filename
        if export is not None and not name.lower().endswith(".csv"):
            name = f"{name}.csv"
        return name, fetched.data, url

    def store(
        self, db: str, name: str, filename: str, data: bytes, source: str
    ) -> c.AddDatasetVersion:
        """Read the file (refused with the file, row and reason if it cannot be), keep its
        bytes in the blob store, and answer the command that records the version."""
        names.check_name("dataset", name, names.DATASET_NAME, "name")
        self.model.require_database(db)
        parsed = read_file(filename, data, self.read_seconds)
        sha256 = hashlib.sha256(data).hexdigest()
        info = self.blobs.put(blob_key(sha256), data, CONTENT_TYPES[parsed.format])
        self._remember(sha256, parsed)
        return c.AddDatasetVersion(
            database=db,
            name=name,
            sha256=sha256,
            blob_key=info.key,
            filename=filename,
            format=parsed.format,
            size=info.size,
            source=source,
            tables=[t.summary() for t in parsed.tables],
            detected=parsed.detected,
        )

    def _remember(self, sha256: str, parsed: ParsedFile) -> None:
        with self._lock:
            self._files[sha256] = parsed
            self._files.move_to_end(sha256)
            while len(self._files) > CACHED_FILES:
                self._files.popitem(last=False)

    def _state(self, db: str, name: str) -> dict[str, Any]:
        self.model.require_database(db)
        state = replay("", self.events.read_stream(names.dataset_aggregate(db, name)))
        if not state.exists:
            raise NotFound(f"dataset {name!r} not found in {db!r}", {"dataset": name})
        return state.body

    def list_datasets(self, db: str) -> list[dict[str, Any]]:
        """Every dataset of a database with its latest version."""
        self.model.require_database(db)
        return versioned(self.events, names.dataset_prefix(db))

    def get(self, db: str, name: str) -> dict[str, Any]:
        body = self._state(db, name)
        return {"name": name, "database": db, "versions": body["versions"]}

    def version(self, db: str, name: str, version: int | None) -> dict[str, Any]:
        return dict(pick(self._state(db, name)["versions"], version, "dataset", name))

    def _parsed(self, found: dict[str, Any]) -> ParsedFile:
        """The tables of a version, read again from its stored bytes unless cached."""
        with self._lock:
            parsed = self._files.get(found["sha256"])
        if parsed is None:
            data = self.blobs.read(found["blob_key"])
            parsed = read_file(found["filename"], data, self.read_seconds)
            self._remember(found["sha256"], parsed)
        return parsed

    def table(
        self, db: str, name: str, version: int | None, table: str | None
    ) -> tuple[dict[str, Any], Table]:
        """A version and one of its tables (the first unless named)."""
        found = self.version(db, name, version)
        parsed = self._parsed(found)
        tables = {t.name: t for t in parsed.tables}
        chosen = parsed.tables[0] if table is None else tables.get(table)
        if chosen is None:
            raise NotFound(
                f"version {found['version']} of {name!r} has no table {table!r}",
                {"table": table, "tables": list(tables)},
            )
        return found, chosen

    def preview(
        self, db: str, name: str, version: int | None, table: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        found, chosen = self.table(db, name, version, table)
        rows = chosen.rows[offset : offset + limit]
        return {
            "dataset": name,
            "version": found["version"],
            "table": chosen.name,
            "columns": chosen.columns,
            "rows": rows,
            "total": len(chosen.rows),
            "offset": offset,
            "next_offset": offset + len(rows) if offset + len(rows) < len(chosen.rows) else None,
        }

    def profile(self, db: str, name: str, version: int | None, table: str | None) -> dict[str, Any]:
        found, chosen = self.table(db, name, version, table)
        return {
            "dataset": name,
            "version": found["version"],
            "table": chosen.name,
            "rows": len(chosen.rows),
            "columns": profile(chosen),
        }

    def inference(
        self, db: str, name: str, version: int | None, table: str | None
    ) -> dict[str, Any]:
        """The inferred type of each column of a table, its primary key, and the class
        suggested for it."""
        found, chosen = self.table(db, name, version, table)
        inferred = infer_table(chosen)
        title = _table_title(name, len(found["tables"]), chosen)
        return {
            "dataset": name,
            "version": found["version"],
            **inferred,
            "suggested_class": suggest_class(chosen, inferred, title),
        }

    def suggest_ontology(self, db: str, wanted: list[str] | None) -> dict[str, Any]:
        """A class per table of the latest version of each dataset (or of those named),
        with relationships where one table's column holds another's keys; targets come
        before the classes that link to them."""
        chosen = wanted or [d["name"] for d in self.list_datasets(db)]
        tables: dict[str, tuple[Table, dict[str, Any]]] = {}
        sources: dict[str, dict[str, Any]] = {}
        for name in chosen:
            found = self.version(db, name, None)
            parsed = self._parsed(found)
            for table in parsed.tables:
                key = _table_title(name, len(parsed.tables), table)
                tables[key] = (table, infer_table(table))
                sources[key] = {"dataset": name, "version": found["version"], "table": table.name}
        classes = {key: suggest_class(t, inferred, key) for key, (t, inferred) in tables.items()}
        _distinct_ids(list(classes.values()))
        for key, (table, inferred) in tables.items():
            sources[key].update(_source(classes[key]["id"], table, inferred))
        links = find_links(tables)
        for link in links:
            _link(link, classes, sources, tables[link["dataset"]][1])
        order = _dependencies_first(
            list(classes), [(x["dataset"], x["target_dataset"]) for x in links]
        )
        return {
            "classes": [classes[k] for k in order],
            "links": links,
            "mapping": {
                "classes": [classes[k] for k in order],
                "sources": [sources[k] for k in order],
            },
        }

    def suggest_inline(
        self,
        db: str,
        columns: list[str],
        data: list[list[Any]],
        class_name: str | None,
        complex_types: bool,
    ) -> dict[str, Any]:
        """The seed-era inline suggestion: rows sent in the request, nothing stored; the
        database need not exist yet (a client may infer before creating it)."""
        names.check_name("database", db, names.DATABASE_NAME, "db")
        table = table_of(columns, data)
        inferred = infer_table(table)
        schema = suggest_class(table, inferred, class_name or "Suggested", complex_types)
        return {
            "status": "success",
            "message": f"suggested class {schema['id']!r} from {len(table.rows)} rows",
            "suggested_schema": schema,
            "analysis": inferred,
        }


def versioned(events: EventStore, prefix: str, limit: int = MAX_DATASETS) -> list[dict[str, Any]]:
    """Each stream of numbered versions under `prefix`: its name, how many versions, and
    the latest."""
    found = []
    for aggregate_id in events.stream_ids(prefix, "", limit):
        body = replay(aggregate_id, events.read_stream(aggregate_id)).body
        versions = body["versions"]
        found.append({"name": body["name"], "versions": len(versions), "latest": versions[-1]})
    return found


def _source(class_id: str, table: Table, inferred: dict[str, Any]) -> dict[str, Any]:
    """How a table's columns map onto the class suggested for it: each column its
    property, trimmed; the inferred primary key as the key (none: ids from row numbers)."""
    props = property_names(table.columns)
    named = dict(zip(table.columns, props, strict=True))
    return {
        "class_id": class_id,
        "key": [named[k] for k in inferred["primary_key"]],
        "properties": [
            {"property": prop, "column": column["name"], "transforms": _transforms(column)}
            for prop, column in zip(props, inferred["columns"], strict=True)
        ],
        "links": [],
    }


def _transforms(column: dict[str, Any]) -> list[dict[str, Any]]:
    """Trim, then read the value in the written form inference accepted (`1,200원`,
    `€5.139,52` with its decimal comma, `2024년 3월 5일`, `예`); date-times without a
    zone are read as UTC (change `timezone` in the mapping when they are local times)."""
    out: list[dict[str, Any]] = [{"op": "trim"}]
    kind = column["type"]
    if kind in PARSED:
        parse: dict[str, Any] = {"op": "parse", "as": kind}
        params = column.get("params") or {}
        if kind == "date" and params.get("format"):
            parse["format"] = params["format"]
        if kind == "money" and params.get("currency"):
            parse["currency"] = params["currency"]
        if kind == "datetime":
            parse["timezone"] = "Z"
        if params.get("decimal"):
            parse["decimal"] = params["decimal"]
        out.append(parse)
    return out


def _distinct_ids(classes: list[dict[str, Any]]) -> None:
    """Number the second and later classes whose ids would be the same (`orders` and
    `order` both suggest `Order`): `Order2`, ..."""
    taken: set[str] = set()
    for cls in classes:
        made, n = cls["id"], 1
        while made in taken:
            n += 1
            made = f"{cls['id'][:98]}{n}"
        cls["id"] = made
        taken.add(made)


def _link(
    link: dict[str, Any],
    classes: dict[str, dict[str, Any]],
    sources: dict[str, dict[str, Any]],
    inferred: dict[str, Any],
) -> None:
    """A link found between two tables, made a relationship of the suggested class and a
    link of its mapping: the linking column becomes the relationship (a key's column keeps
    its property)."""
    source = classes[link["dataset"]]
    mapped = sources[link["dataset"]]
    link["predicate"] = link_predicate(link["column"])
    target = classes[link["target_dataset"]]["id"]
    if link["cardinality"] == "n:1" and link["column"] not in inferred["primary_key"]:
        named = next(p["property"] for p in mapped["properties"] if p["column"] == link["column"])
        source["properties"] = [p for p in source["properties"] if p["name"] != named]
        mapped["properties"] = [p for p in mapped["properties"] if p["property"] != named]
    source.setdefault("relationships", []).append(
        {"predicate": link["predicate"], "target": target, "cardinality": link["cardinality"]}
    )
    mapped["links"].append(
        {"predicate": link["predicate"], "column": link["column"], "target": target}
    )


def _table_title(dataset: str, tables: int, table: Table) -> str:
    """What a table of a dataset is called in suggestions: the dataset's name, with the
    sheet's when the file has several."""
    return dataset if tables == 1 else f"{dataset}_{table.name}"


def _dependencies_first(names: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """`names` with each link's target before its source (a cycle keeps the given order),
    so that the classes can be created one after another."""
    needs = {n: {t for s, t in edges if s == n and t != n} for n in names}
    done: list[str] = []
    while len(done) < len(names):
        ready = [n for n in names if n not in done and needs[n] <= set(done)]
        done.append(ready[0] if ready else next(n for n in names if n not in done))
    return done
