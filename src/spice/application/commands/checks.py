"""Class definitions checked without writing anything: as a new class, or, when the class
exists, as a change to it with what it would do to the instances it has (the `validate`
and `analyze` routes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spice.application.commands.service import CommandService
from spice.domain import commands as c
from spice.domain import names
from spice.domain.canonical import check_storable
from spice.domain.deciders.evolution import Analysis
from spice.domain.deciders.ontology import analyse_update
from spice.domain.events import ClassCreated
from spice.domain.ontology.model import OntologyClass


@dataclass(frozen=True)
class ClassCheck:
    """A definition as it would be stored, and for an existing class the change's effect."""

    definition: OntologyClass
    analysis: Analysis | None  # None: the class is new

    @property
    def valid(self) -> bool:
        return self.analysis is None or not self.analysis.violations


class ClassChecks:
    def __init__(self, commands: CommandService) -> None:
        self.commands = commands

    def check(self, db: str, branch: str, payload: dict[str, Any]) -> ClassCheck:
        """The definition checked as a new class, or as a change when the class exists."""
        model = self.commands.model
        model.require_branch(db, branch)
        class_id = payload.get("id")
        names.check_name("class", class_id, names.CLASS_ID)
        if not model.load(names.class_aggregate(db, branch, str(class_id))).live:
            command = c.CreateClass(database=db, branch=branch, definition=payload)
            created = self.commands.dry_run(command).changes[0].event
            assert isinstance(created, ClassCreated)
            return ClassCheck(OntologyClass.of(created.definition), None)
        definition, analysis = self.analyse(db, branch, payload)
        return ClassCheck(definition, analysis)

    def analyse(
        self, db: str, branch: str, payload: dict[str, Any]
    ) -> tuple[OntologyClass, Analysis]:
        """What replacing the class with `payload` (and its `migration`) would do to the
        existing instances: how many are checked, migrated, and which violate it."""
        command = c.UpdateClass(database=db, branch=branch, definition=payload)
        check_storable(command.payload())
        _, definition, analysis = analyse_update(self.commands.model, command)
        return definition, analysis
