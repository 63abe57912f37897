"""Import runs: a mapping's classes created where missing, then the rows of its datasets
written as `ImportRows` commands in batches, targets of links first. A dry run decides the
same commands against a staged write model and writes nothing; a run without
`allow_partial` does that first, so a refused row leaves the database as it was."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from spice.application.commands.executor import child_id
from spice.application.datasets.plans import SourcePlan, dependency_order, plan_source, ref_maker
from spice.application.datasets.service import Datasets, versioned
from spice.application.datasets.snapshots import delete_missing, missing
from spice.application.datasets.unchanged import drop_unchanged
from spice.application.ports.command_status import COMPLETED, CommandStatus
from spice.application.ports.event_store import EventStore
from spice.domain import commands as c
from spice.domain import names
from spice.domain.aggregates import replay
from spice.domain.deciders import decide
from spice.domain.deciders.base import Decision, Staged, WriteModel
from spice.domain.deciders.import_rows import UPDATING
from spice.domain.errors import BadRequest, Conflict, NotFound, SpiceError, ValidationFailed
from spice.domain.mapping_spec import MappingSpec
from spice.domain.ontology.classes import parse_class
from spice.domain.ontology.model import OntologyClass
from spice.domain.versions import pick

REPORTED = 1000
COUNTS = ("rows", "created", "skipped", "refused")
UPDATE_COUNTS = ("updated", "unchanged", "deleted")  # upsert and snapshot runs
MAX_MAPPINGS = 10_000
# Runs child command `index` of a parent to its outcome.
RunChild = Callable[[c.IssuedCommand, int, c.Command], CommandStatus]
Progress = Callable[[int, str], None]


class Imports:
    """Mappings as saved, dry runs of them, and the runner of import runs."""

    def __init__(self, events: EventStore, model: WriteModel, datasets: Datasets) -> None:
        self.events = events
        self.model = model
        self.datasets = datasets

    # Mappings -----------------------------------------------------------------------------

    def mappings(self, db: str) -> list[dict[str, Any]]:
        self.model.require_database(db)
        return versioned(self.events, names.mapping_prefix(db), MAX_MAPPINGS)

    def mapping(self, db: str, name: str, version: int | None = None) -> dict[str, Any]:
        """A mapping with its versions, or (`version`) one version of it."""
        self.model.require_database(db)
        names.check_name("mapping", name, names.MAPPING_NAME, "name")
        state = replay("", self.events.read_stream(names.mapping_aggregate(db, name)))
        if not state.exists:
            raise NotFound(f"mapping {name!r} not found in {db!r}", {"mapping": name})
        versions = state.body["versions"]
        if version is None:
            return {"name": name, "database": db, "versions": versions}
        return {"name": name, "database": db, **pick(versions, version, "mapping", name)}

    def spec(self, db: str, name: str, version: int) -> MappingSpec:
        """One version of a mapping, typed."""
        return MappingSpec.of(self.mapping(db, name, version)["spec"])

    # Plans and dry runs -------------------------------------------------------------------

    def plan(
        self,
        model: WriteModel,
        db: str,
        branch: str,
        spec: MappingSpec,
        datasets: list[dict[str, Any]],
        since: dict[str, Any] | None = None,
    ) -> list[SourcePlan]:
        """The rows of each source, in the order they are written; with `since`, without
        the rows as they were in those earlier versions (`unchanged.py`)."""
        made = (OntologyClass.of(parse_class(raw)) for raw in spec.classes)
        definitions: dict[str, OntologyClass] = {d.id: d for d in made}
        for source in spec.sources:
            # A class the mapping makes, or one missing (the run says so), is not there yet.
            with suppress(NotFound, ValidationFailed):
                definitions[source.class_id] = model.effective_class(db, branch, source.class_id)
        keys = {s.class_id: s.key for s in spec.sources}
        ref_of = ref_maker(definitions, keys)
        plans = []
        for i in dependency_order(spec.sources):
            source, dataset = spec.sources[i], datasets[i]
            _, table = self.datasets.table(
                db, dataset["dataset"], dataset["version"], dataset["table"]
            )
            plan = plan_source(source, dataset, table, ref_of)
            earlier = (since or {}).get(dataset["dataset"])
            if isinstance(earlier, int) and earlier != dataset["version"]:
                with suppress(NotFound):
                    found = self.datasets.table(db, dataset["dataset"], earlier, dataset["table"])
                    before = plan_source(source, {**dataset, "version": earlier}, found[1], ref_of)
                    definition = definitions.get(source.class_id)
                    plan.unchanged = drop_unchanged(plan, before, definition)
            plans.append(plan)
        return plans

    def dry_run(
        self, db: str, branch: str, name: str, version: int | None, mode: str = "create"
    ) -> dict[str, Any]:
        """What a run of the mapping in `mode` would do now, with every refused row;
        nothing is stored."""
        command = c.RunImport(
            database=db, branch=branch, mapping=name, mapping_version=version, mode=mode
        )
        planned = decide(self.model, command, "dry-run")
        spec = self.spec(db, name, planned.result["mapping_version"])
        report, _ = self._staged_run(db, branch, spec, planned.result, mode, command.since)
        return {**report.result(), "dry_run": True}

    def _staged_run(
        self,
        db: str,
        branch: str,
        spec: MappingSpec,
        planned: dict[str, Any],
        mode: str,
        since: dict[str, Any] | None = None,
    ) -> tuple[_Report, list[SourcePlan]]:
        """Every command of a run decided in turn against a staged write model: the report
        it would give, and the plans (a run that checks first then writes these)."""
        since = since if mode in UPDATING else None
        plans = self.plan(self.model, db, branch, spec, planned["datasets"], since)
        staged = Staged(self.model)
        report = _Report(planned, _stage_classes(staged, db, branch, spec), mode)

        def step(command: c.Command) -> dict[str, Any]:
            decision = decide(staged, command, "dry-run")
            staged.add(decision.changes)
            return decision.result

        for plan in plans:
            report.refuse(plan)
            for batch in plan.batches():
                report.add(plan, step(_rows_command(db, branch, plan, batch, True, mode)))
        if mode == "snapshot":
            for plan in plans:
                gone = missing(staged, db, branch, plan, report.seen(plan))
                report.deleted(plan, delete_missing(staged, db, branch, plan, gone, step))
        return report, plans

    # Runs ---------------------------------------------------------------------------------

    def _made_elsewhere(self, db: str, branch: str, class_id: str, child: str) -> bool:
        """Whether the class exists and was not made by this run's child `child` (an
        interrupted attempt of the same run)."""
        if not _class_exists(self.model, db, branch, class_id):
            return False
        stream = self.model.read_stream(names.class_aggregate(db, branch, class_id))
        return not stream or stream[0].command_id != child

    def runner(
        self, run_child: RunChild
    ) -> Callable[[c.IssuedCommand, Decision, Progress], Decision]:
        """The executor's runner of `RunImport` commands."""

        def run(issued: c.IssuedCommand, planned: Decision, progress: Progress) -> Decision:
            command = issued.command
            assert isinstance(command, c.RunImport)
            db, branch = str(command.database), command.branch
            spec = self.spec(db, command.mapping, planned.result["mapping_version"])
            plans = None
            if not command.allow_partial:
                checked, plans = self._staged_run(
                    db, branch, spec, planned.result, command.mode, command.since
                )
                refused = checked.result()
                if refused["refused"]:
                    raise ValidationFailed(
                        f"{refused['refused']} rows refused; nothing imported",
                        _field_errors(refused["refused_rows"]),
                    )
            # Children are numbered by their place in the plan, so that a run resumed after
            # a crash finds each one it ran under the same id.
            created = []
            for index, raw in enumerate(spec.classes):
                if self._made_elsewhere(db, branch, raw["id"], child_id(issued.command_id, index)):
                    continue
                make = c.CreateClass(database=db, branch=branch, definition=raw)
                require_child(run_child(issued, index, make))
                created.append(raw["id"])
            if plans is None:
                since = command.since if command.mode in UPDATING else None
                plans = self.plan(self.model, db, branch, spec, planned.result["datasets"], since)
            report = _Report(planned.result, created, command.mode)
            total = sum(len(p.rows) for p in plans) or 1
            done, index, ran = 0, len(spec.classes), len(created)

            def step(child: c.Command) -> dict[str, Any]:
                nonlocal index, ran
                result = require_child(run_child(issued, index, child))
                index, ran = index + 1, ran + 1
                return result

            for plan in plans:
                report.refuse(plan)
                for batch in plan.batches():
                    rows = _rows_command(
                        db, branch, plan, batch, command.allow_partial, command.mode
                    )
                    report.add(plan, step(rows))
                    done += len(batch)
                    progress(10 + 89 * done // total, f"{done} of {total} rows written")
            if command.mode == "snapshot":
                for plan in plans:
                    gone = missing(self.model, db, branch, plan, report.seen(plan))
                    deleted = delete_missing(self.model, db, branch, plan, gone, step)
                    report.deleted(plan, deleted)
            return Decision([], {**report.result(), "commands": ran})

        return run


def _field_errors(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Refused rows as the error shape's field errors, each naming its dataset and row."""
    return [
        {
            **e,
            "path": f"{r['dataset']}[row {r['row']}].{e['path']}",
            "dataset": r["dataset"],
            "row": r["row"],
        }
        for r in rows
        for e in r["errors"]
    ][:REPORTED]


def _class_exists(model: WriteModel, db: str, branch: str, class_id: str) -> bool:
    try:
        model.require_class(db, branch, class_id)
    except NotFound:
        return False
    return True


def _stage_classes(staged: Staged, db: str, branch: str, spec: MappingSpec) -> list[str]:
    created = []
    for raw in spec.classes:
        if _class_exists(staged, db, branch, raw["id"]):
            continue
        decision = decide(
            staged, c.CreateClass(database=db, branch=branch, definition=raw), "dry-run"
        )
        staged.add(decision.changes)
        created.append(raw["id"])
    return created


def _rows_command(
    db: str,
    branch: str,
    plan: SourcePlan,
    batch: list[dict[str, Any]],
    allow_partial: bool,
    mode: str,
) -> c.ImportRows:
    return c.ImportRows(
        database=db,
        branch=branch,
        class_id=plan.source.class_id,
        source=plan.dataset,
        rows=batch,
        key=list(plan.source.key),
        allow_partial=allow_partial,
        mode=mode,
        fields=[f.name for f in plan.source.fields],
    )


# The kinds of refusal a child's failure is raised again as (a subclass as its base: a lost
# race on a value is a conflict of the run too).
AGAIN: dict[str, type[SpiceError]] = {
    "NotFound": NotFound,
    "Conflict": Conflict,
    "ConcurrencyConflict": Conflict,
    "IdempotencyConflict": Conflict,
    "BadRequest": BadRequest,
}


def require_child(status: CommandStatus) -> dict[str, Any]:
    """A child's result; when it failed, its error raised again as the same kind of
    refusal (so the parent answers 404, 409 or 422 as the child did)."""
    if status.status == COMPLETED:
        return status.result or {}
    error = status.error or {}
    message = error.get("message", "an import step failed")
    details = error.get("details") or {}
    if error.get("kind") == "ValidationFailed":
        raise ValidationFailed(message, details.get("errors", []))
    kind = AGAIN.get(str(error.get("kind")), SpiceError)
    raise kind(message, details, code=error.get("code", "IMPORT_FAILED"))


class _Report:
    """Counts per class and the refused rows (the first thousand) of a run."""

    def __init__(self, planned: dict[str, Any], created: list[str], mode: str) -> None:
        self.planned = planned
        self.created = created
        self.mode = mode
        self.counts = COUNTS + (UPDATE_COUNTS if mode in UPDATING else ())
        self.by_class: dict[str, dict[str, int]] = {}
        self.refused_rows: list[dict[str, Any]] = []
        self._seen: dict[int, set[str]] = {}  # by plan: the ids of the rows accepted

    def _count(self, plan: SourcePlan) -> dict[str, int]:
        return self.by_class.setdefault(plan.source.class_id, dict.fromkeys(self.counts, 0))

    def seen(self, plan: SourcePlan) -> set[str]:
        return self._seen.get(id(plan), set())

    def deleted(self, plan: SourcePlan, count: int) -> None:
        self._count(plan)["deleted"] += count

    def refuse(self, plan: SourcePlan) -> None:
        """Rows the transforms refused (before any command saw them)."""
        counts = self._count(plan)
        counts["rows"] += len(plan.rows) + len(plan.refused) + len(plan.unchanged)
        counts["refused"] += len(plan.refused)
        if plan.unchanged:
            counts["unchanged"] += len(plan.unchanged)
            self._seen.setdefault(id(plan), set()).update(plan.unchanged)
        self._keep(plan, plan.refused)

    def add(self, plan: SourcePlan, result: dict[str, Any]) -> None:
        counts = self._count(plan)
        for key in self.counts[1:]:
            counts[key] += int(result.get(key, 0))
        self._seen.setdefault(id(plan), set()).update(result.get("seen", []))
        self._keep(plan, result.get("refused_rows", []))

    def _keep(self, plan: SourcePlan, rows: list[dict[str, Any]]) -> None:
        room = REPORTED - len(self.refused_rows)
        self.refused_rows += [
            {"dataset": plan.dataset["dataset"], "class_id": plan.source.class_id, **r}
            for r in rows[:room]
        ]

    def result(self) -> dict[str, Any]:
        totals = {k: sum(c[k] for c in self.by_class.values()) for k in self.counts}
        return {
            "mode": self.mode,
            "mapping": self.planned["mapping"],
            "mapping_version": self.planned["mapping_version"],
            "datasets": self.planned["datasets"],
            "classes_created": self.created,
            **totals,
            "by_class": self.by_class,
            "refused_rows": self.refused_rows,
        }
