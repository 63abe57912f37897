"""Syncs of connectors: read a source for what changed since its cursor; each changed file
becomes the next version of the connector's dataset, and when the connector names an
import, an import run in its mode, each a child command of the `SyncConnector` command.

A scheduled poll reads the source without writing anything; only a change (or an import
that has not yet succeeded on the latest version) becomes a `SyncConnector` command, which
carries the files the poll stored, so the source is read once. The cursor of each version
is recorded in the version itself (`detected.cursor`), so the log alone says where a
source was left; the sync state only keeps it at hand.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from spice.application.commands.executor import Progress
from spice.application.connectors.schedule import retry_after
from spice.application.connectors.secrets import Secrets
from spice.application.datasets.imports import RunChild, require_child
from spice.application.datasets.service import Datasets
from spice.application.ports.sources import Reading, SourceReader, SyncState, SyncStates
from spice.domain import commands as c
from spice.domain import names
from spice.domain.deciders.base import Decision, WriteModel
from spice.domain.deciders.connectors import require_connector
from spice.domain.errors import SpiceError

HISTORY = 20
COUNTED = ("created", "updated", "unchanged", "deleted", "skipped", "refused")


class Syncs:
    """Reading sources, and the executor's runner of `SyncConnector` commands."""

    def __init__(
        self,
        model: WriteModel,
        datasets: Datasets,
        states: SyncStates,
        readers: dict[str, SourceReader],
        secrets: Secrets,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.model = model
        self.datasets = datasets
        self.states = states
        self.readers = readers
        self.secrets = secrets
        self.clock = clock

    def state(self, db: str, name: str) -> SyncState:
        return self.states.get(db, name) or SyncState(db, name)

    def cursor(self, db: str, definition: dict[str, Any], state: SyncState) -> dict[str, Any]:
        """Where the source was left: the state's cursor, else the one the dataset's
        versions recorded (every object an S3 source has seen, or the latest cursor)."""
        if state.cursor:
            return state.cursor
        stream = self.model.load(names.dataset_aggregate(db, definition["dataset"]))
        versions = stream.body.get("versions", []) if stream.exists else []
        cursors = [(v.get("detected") or {}).get("cursor") or {} for v in versions]
        if definition["kind"] == "s3":
            objects: dict[str, str] = {}
            for found in cursors:
                objects.update(found.get("objects") or {})
            return {"objects": objects}
        return dict(cursors[-1]) if cursors else {}

    def read(self, db: str, name: str, definition: dict[str, Any], state: SyncState) -> Reading:
        kind = definition["kind"]
        config = self.secrets.open(kind, definition["config"])
        cursor = self.cursor(db, definition, state)
        return self.readers[kind].read(config, cursor, self.datasets.max_bytes)

    def store(self, db: str, name: str, dataset: str, reading: Reading) -> list[dict[str, Any]]:
        """Each file read stored in the blob store; the `AddDatasetVersion` payloads that
        record them."""
        payloads = []
        for file in reading.files:
            command = self.datasets.store(db, dataset, file.filename, file.data, file.source)
            detected = {**command.detected, **file.detected, "connector": name}
            payloads.append(dataclasses.replace(command, detected=detected).payload())
        return payloads

    def import_pending(self, db: str, definition: dict[str, Any], state: SyncState) -> bool:
        """Whether the connector imports and its dataset's latest version has not been
        imported whole by one of its syncs with the mapping's latest version yet (a failed
        import is tried again, and a changed mapping imported)."""
        then = definition.get("then_import")
        if not then:
            return False
        latest = self._latest_version(db, definition["dataset"])
        mapping = self.model.load(names.mapping_aggregate(db, then["mapping"]))
        if latest is None or not mapping.exists:
            return latest is not None  # the import fails, saying the mapping is missing
        return _imported(latest["sha256"], then, mapping.body["versions"][-1]["version"]) != (
            state.imported
        )

    def _since(self, db: str, definition: dict[str, Any], state: SyncState) -> dict[str, int]:
        """The version of the dataset the last whole import read, by the mapping version it
        used: rows as they were there need not be compared again."""
        if not state.imported:
            return {}
        sha256 = state.imported.partition("@")[0]
        then = definition["then_import"]
        mapping = self.model.load(names.mapping_aggregate(db, then["mapping"]))
        if not mapping.exists:
            return {}
        if _imported(sha256, then, mapping.body["versions"][-1]["version"]) != state.imported:
            return {}  # another mapping, version, branch or mode: compare every row
        stream = self.model.load(names.dataset_aggregate(db, definition["dataset"]))
        versions = stream.body.get("versions", []) if stream.exists else []
        found = [v["version"] for v in versions if v["sha256"] == sha256]
        return {definition["dataset"]: int(found[-1])} if found else {}

    def _latest_version(self, db: str, dataset: str) -> dict[str, Any] | None:
        stream = self.model.load(names.dataset_aggregate(db, dataset))
        return dict(stream.body["versions"][-1]) if stream.exists else None

    def poll(self, db: str, name: str) -> c.SyncConnector | None:
        """Read a connector's source as a scheduled poll: None when nothing is to be done
        (the state notes the poll, or the failure with its reason), else the command that
        syncs what was read."""
        now = self.clock()
        state = self.state(db, name)
        try:
            definition = require_connector(self.model, db, name)
            reading = self.read(db, name, definition, state)
            fetched = self.store(db, name, definition["dataset"], reading)
        except SpiceError as exc:
            self.failed(db, name, exc.message, now)
            return None
        state.cursor = reading.cursor
        if not fetched and not self.import_pending(db, definition, state):

            def answered(s: SyncState) -> None:
                # Nothing changed: the source answers again, and nothing is written.
                s.last_poll = s.last_success = now
                s.failing_since, s.attempts, s.next_retry = None, 0, None
                s.cursor = reading.cursor

            self.update(db, name, answered)
            return None
        self.update(db, name, lambda s: setattr(s, "last_poll", now))
        return c.SyncConnector(
            database=db, name=name, trigger="schedule", fetched=fetched, cursor=reading.cursor
        )

    def update(self, db: str, name: str, change: Callable[[SyncState], None]) -> SyncState:
        """Change the state as stored now (the scheduler and the syncs each change their
        own fields of it)."""
        state = self.state(db, name)
        change(state)
        self.states.put(state)
        return state

    def failed(self, db: str, name: str, reason: str, now: float, command: str = "") -> None:
        def fail(state: SyncState) -> None:
            state.last_poll = now
            state.last_failure, state.last_error = now, reason
            state.failing_since = state.failing_since or now
            state.attempts += 1
            state.next_retry = now + retry_after(state.attempts)
            entry = {"at": now, "ok": False, "error": reason, "command_id": command}
            state.history = [entry, *state.history][:HISTORY]

        self.update(db, name, fail)

    def _succeeded(
        self, db: str, name: str, now: float, result: dict[str, Any], seen: SyncState
    ) -> None:
        def succeed(state: SyncState) -> None:
            state.last_poll = state.last_success = now
            if result["changed"]:
                state.last_change = now
            state.failing_since, state.attempts, state.next_retry = None, 0, None
            state.cursor, state.imported = seen.cursor, seen.imported
            entry = {"at": now, "ok": True, **_summary(result)}
            state.history = [entry, *state.history][:HISTORY]

        self.update(db, name, succeed)

    def runner(
        self, run_child: RunChild
    ) -> Callable[[c.IssuedCommand, Decision, Progress], Decision]:
        """The executor's runner of `SyncConnector` commands."""

        def run(issued: c.IssuedCommand, planned: Decision, progress: Progress) -> Decision:
            command = issued.command
            assert isinstance(command, c.SyncConnector)
            db, name = str(command.database), command.name
            definition = planned.result["definition"]
            # What the sync reads its cursor from and leaves its cursor in.
            seen = self.update(db, name, lambda s: setattr(s, "last_command", issued.command_id))
            try:
                result = self._run(issued, command, definition, seen, run_child, progress)
            except SpiceError as exc:
                self.failed(db, name, exc.message, self.clock(), issued.command_id)
                raise
            result = {**result, "command_id": issued.command_id}
            self._succeeded(db, name, self.clock(), result, seen)
            return Decision([], result)

        return run

    def _run(
        self,
        issued: c.IssuedCommand,
        command: c.SyncConnector,
        definition: dict[str, Any],
        state: SyncState,
        run_child: RunChild,
        progress: Progress,
    ) -> dict[str, Any]:
        db, name, dataset = str(command.database), command.name, definition["dataset"]
        fetched, cursor = command.fetched, dict(command.cursor or {})
        if fetched is None:
            reading = self.read(db, name, definition, state)
            fetched, cursor = self.store(db, name, dataset, reading), reading.cursor
        state.cursor = cursor
        progress(20, f"source read: {len(fetched)} changed file(s)")
        then: dict[str, Any] = definition.get("then_import") or {}
        since = self._since(db, definition, state) if then else {}
        versions, imports, index = [], [], 0
        # Children are numbered in order, so that a resumed sync finds those it ran.
        for payload in fetched:
            add = c.AddDatasetVersion(database=db, **payload)
            added = require_child(run_child(issued, index, add))
            index += 1
            versions.append({k: added.get(k) for k in ("version", "sha256", "unchanged")})
            if then and not added.get("unchanged"):
                run = _import(db, then, since)
                imports.append(require_child(run_child(issued, index, run)))
                index += 1
                whole = not imports[-1].get("refused")
                since = {dataset: int(added["version"])} if whole else {}
                progress(20 + 79 * index // (2 * len(fetched)), f"{index} steps done")
        if not imports and self.import_pending(db, definition, state):
            imports.append(require_child(run_child(issued, index, _import(db, then, since))))
        latest = self._latest_version(db, dataset)
        if imports and latest is not None:
            whole = not any(i.get("refused") for i in imports)
            done = _imported(latest["sha256"], then, imports[-1]["mapping_version"])
            state.imported = done if whole else None
        number = int(latest["version"]) if latest else None
        return _result(name, dataset, command.trigger, versions, imports, number)


def _imported(sha256: str, then: dict[str, Any], mapping_version: object) -> str:
    """What a whole import read and how: the content, mapping, its version, branch, mode."""
    return f"{sha256}@{then['mapping']}:{mapping_version}:{then['branch']}:{then['mode']}"


def _import(db: str, then: dict[str, Any], since: dict[str, int]) -> c.RunImport:
    return c.RunImport(
        database=db,
        branch=then["branch"],
        mapping=then["mapping"],
        mode=then["mode"],
        allow_partial=then["allow_partial"],
        since=since if then["mode"] in ("upsert", "snapshot") else {},
    )


def _result(
    name: str,
    dataset: str,
    trigger: str,
    versions: list[dict[str, Any]],
    imports: list[dict[str, Any]],
    latest: int | None,
) -> dict[str, Any]:
    """What a sync did: the versions it added, and per class what its imports wrote."""
    by_class: dict[str, dict[str, int]] = {}
    for report in imports:
        for class_id, counts in report.get("by_class", {}).items():
            into = by_class.setdefault(class_id, dict.fromkeys(COUNTED, 0))
            for key in COUNTED:
                into[key] += int(counts.get(key, 0))
    changed = any(not v["unchanged"] for v in versions)
    return {
        "connector": name,
        "dataset": dataset,
        "trigger": trigger,
        "changed": changed,
        "version": latest,
        "versions": versions,
        "imported": bool(imports),
        "by_class": by_class,
        "totals": {k: sum(c[k] for c in by_class.values()) for k in COUNTED},
    }


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    keys = ("command_id", "trigger", "changed", "version", "imported", "totals")
    return {k: result.get(k) for k in keys}
