"""Command handlers: each decides the events a command causes, or raises."""

from __future__ import annotations

from collections.abc import Callable

from spice.domain import commands as c
from spice.domain.commands import Command
from spice.domain.deciders import databases, instances, ontology
from spice.domain.deciders.base import Decision, WriteModel

Handler = Callable[[WriteModel, Command], Decision]

HANDLERS: dict[str, Handler] = {
    c.CREATE_DATABASE: databases.create_database,
    c.DELETE_DATABASE: databases.delete_database,
    c.CREATE_ONTOLOGY_CLASS: ontology.create_class,
    c.UPDATE_ONTOLOGY_CLASS: ontology.update_class,
    c.DELETE_ONTOLOGY_CLASS: ontology.delete_class,
    c.CREATE_INSTANCE: instances.create_instance,
    c.BULK_CREATE_INSTANCES: instances.bulk_create_instances,
    c.UPDATE_INSTANCE: instances.update_instance,
    c.DELETE_INSTANCE: instances.delete_instance,
}


def decide(model: WriteModel, command: Command) -> Decision:
    """Run the handler of `command` against the current write model."""
    return HANDLERS[command.command_type](model, command)
