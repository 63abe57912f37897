"""Commands on ontology classes; those that carry a definition have it as their payload."""

from __future__ import annotations

from dataclasses import dataclass, field

from spice.domain.commands.base import Command, Payload


@dataclass(frozen=True, kw_only=True)
class _ClassDefinitionCommand(Command):
    """Its payload is the class definition as sent (checked by the decider)."""

    definition: Payload = field(default_factory=dict)

    def payload(self) -> Payload:
        return dict(self.definition)

    @classmethod
    def from_payload(
        cls, payload: Payload, database: str | None, branch: str, expected_seq: int | None
    ) -> Command:
        return cls(
            database=database, branch=branch, expected_seq=expected_seq, definition=dict(payload)
        )


@dataclass(frozen=True, kw_only=True)
class CreateClass(_ClassDefinitionCommand):
    """Create a class from its definition."""

    command_type = "CREATE_ONTOLOGY_CLASS"


@dataclass(frozen=True, kw_only=True)
class UpdateClass(_ClassDefinitionCommand):
    """Replace the whole definition (it may carry a `migration` for existing instances)."""

    command_type = "UPDATE_ONTOLOGY_CLASS"


@dataclass(frozen=True, kw_only=True)
class PatchClass(_ClassDefinitionCommand):
    """Change only the fields of the definition that are sent; the rest stays."""

    command_type = "PATCH_ONTOLOGY_CLASS"


@dataclass(frozen=True, kw_only=True)
class DeleteClass(Command):
    """Delete a class that has no instances, subclasses or relationships pointing at it."""

    command_type = "DELETE_ONTOLOGY_CLASS"
    class_id: str
