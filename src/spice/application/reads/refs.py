"""Points in history: a log position, a time, or a commit (the id of a completed command),
each resolved to the log position a read is made as of."""

from __future__ import annotations

import datetime as dt

from spice.application.ports.event_store import EventStore
from spice.domain import names
from spice.domain.errors import BadRequest
from spice.domain.events import CommandCompleted

MAX_REF = 100


def parse_time(text: str) -> dt.datetime | None:
    """An ISO 8601 time (UTC when it names no zone), or None if `text` is not one."""
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


class Refs:
    """Resolves what a client names as a point in history; BadRequest for one the log
    cannot answer (never a silent read of the present)."""

    def __init__(self, events: EventStore) -> None:
        self.events = events

    def position(self, ref: str, db: str | None) -> int:
        """The log position `ref` names; a commit id only if it is a commit of `db` (any
        database's when `db` is None)."""
        ref = ref.strip()
        if not ref or len(ref) > MAX_REF:
            raise BadRequest("as_of must be a log position, an ISO time or a commit id")
        head = self.events.head_position()
        if ref.isdigit():
            position = int(ref)
            if position > head:
                raise BadRequest(
                    f"as_of position {position} is beyond the head of the log ({head})",
                    {"as_of": ref, "head_position": head},
                )
            return position
        stamp = parse_time(ref)
        if stamp is not None:
            return self._at_time(stamp, head, ref)
        return self.commit_position(ref, db)

    def commit_position(self, commit: str, db: str | None) -> int:
        """The position of a commit of `db`: the last event its command wrote (its
        completion). Another database's commit is refused as one that does not exist."""
        if ":" in commit or len(commit) > MAX_REF:
            raise BadRequest(f"{commit!r} is not a position, a time or a commit id")
        outcome = self.events.head(names.command_aggregate(commit))
        if (
            outcome is None
            or outcome.event_type != CommandCompleted.event_type
            or (db is not None and outcome.metadata.get("database") != db)
        ):
            where = "" if db is None else f" of {db!r}"
            raise BadRequest(
                f"{commit!r} is not a position, an ISO time or a completed commit{where}",
                {"as_of": commit},
            )
        return outcome.position or 0

    def _at_time(self, stamp: dt.datetime, head: int, ref: str) -> int:
        """The last position whose event occurred at or before `stamp` (events are
        appended in the order they occur, so a binary search over positions finds it)."""
        if stamp > dt.datetime.now(dt.UTC):
            raise BadRequest(f"as_of {ref!r} is in the future", {"as_of": ref})
        low, high = 0, head  # the answer is in [low, high]
        while low < high:
            middle = (low + high + 1) // 2
            (event,) = self.events.read_all(middle - 1, 1)
            if _occurred(event.occurred_at) <= stamp:
                low = middle
            else:
                high = middle - 1
        return low


def _occurred(text: str) -> dt.datetime:
    stamp = parse_time(text)
    if stamp is None:  # every stored event has an ISO time
        raise ValueError(f"bad occurred_at {text!r}")
    return stamp
