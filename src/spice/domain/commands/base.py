"""The base of every command: where it applies, and its payload apart from that."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from spice.domain.names import MAIN_BRANCH

Payload = dict[str, Any]
_ROUTING = ("database", "branch", "expected_seq")


@dataclass(frozen=True, kw_only=True)
class Command:
    """Where a command applies (database, branch) and the sequence it expects, if any."""

    command_type: ClassVar[str]
    database: str | None
    branch: str = MAIN_BRANCH
    expected_seq: int | None = None

    def payload(self) -> Payload:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _ROUTING}

    @classmethod
    def from_payload(
        cls, payload: Payload, database: str | None, branch: str, expected_seq: int | None
    ) -> Command:
        # A field the stored payload lacks is None: the decider then refuses the command
        # with a recorded failure, instead of the worker stopping on it.
        own = {f.name: payload.get(f.name) for f in fields(cls) if f.name not in _ROUTING}
        return cls(database=database, branch=branch, expected_seq=expected_seq, **own)
