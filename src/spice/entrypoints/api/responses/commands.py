"""Bodies of writes and of commands: accepted (202), completed (200 with `?wait=true`),
simulated (a plan), and a command's status."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from spice.entrypoints.api.responses.common import ERRORS, Envelope, sometimes


class AcceptedData(BaseModel):
    """The accepted command and where to follow it."""

    command_id: str
    status: str
    command_type: str
    status_url: str


class AcceptedBody(BaseModel):
    """202: the command is stored; follow it at `data.status_url`."""

    status: Literal["accepted"]
    message: str
    command_id: str
    data: AcceptedData


Status = Literal["PENDING", "PROCESSING", "RETRYING", "COMPLETED", "FAILED"]


class ProgressPoint(BaseModel):
    """A status the command passed through, seconds after it was accepted."""

    timestamp: str
    elapsed_time: float
    status: Status
    progress: int


class CompletedData(BaseModel):
    """The completed command's result and its history of progress."""

    command_id: str
    status: str
    execution_time: float
    result: dict[str, Any] | None
    progress_history: list[ProgressPoint]


class CompletedBody(BaseModel):
    """200 with `?wait=true`: the command completed (a failure answers with its error)."""

    status: Literal["success"]
    message: str
    command_id: str
    data: CompletedData


WRITE: dict[int | str, dict[str, Any]] = {
    200: {"model": CompletedBody, "description": "With ?wait=true: the command completed"},
    **ERRORS,
}


class MergePlan(BaseModel):
    """What a merge would do (`simulate`): its result and the events it would write."""

    model_config = ConfigDict(extra="allow")
    result: dict[str, Any]
    events: list[dict[str, Any]]


# A write that may be simulated: 200 is then its plan, else (with ?wait=true) the completed
# command.
SIMULATED: dict[int | str, dict[str, Any]] = {
    **WRITE,
    200: {
        "model": Envelope[MergePlan] | CompletedBody,
        "description": "simulated: what it would write; or, with ?wait=true, completed",
    },
}


class Transition(BaseModel):
    """A change of a command's status: when, to what, with its message and progress."""

    status: Status
    timestamp: str
    message: str | None = sometimes("what happened, in words")
    progress: int | None = sometimes("percent done")


class CommandError(BaseModel):
    """Why a command failed: the error's code, message and details as a refusal answers
    them, and its kind (`ValidationFailed`, `Conflict`, `NotFound`, ...)."""

    code: str
    message: str
    details: dict[str, Any] | None = sometimes("what the refusal names: fields, ids, ...")
    kind: str | None = sometimes("the kind of refusal")


class CommandStatusPublic(BaseModel):
    """A command's status with its history of transitions and its result or error."""

    command_id: str
    command_type: str
    status: Status
    aggregate_id: str
    actor: str
    database: str | None
    created_at: str
    updated_at: str
    message: str
    progress: int
    history: list[Transition]
    result: dict[str, Any] | None
    error: CommandError | None


class SeedStatus(BaseModel):
    """The seed's async status shape: GET /api/v1/ontology/{db}/async/command/{id}/status."""

    command_id: str
    status: str
    result: dict[str, Any]
