"""Read-your-writes: a read may name the log position it must include."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from spice.domain import names
from spice.domain.errors import BadRequest, Timeout
from spice.entrypoints.api.waiting import Waiter

T = TypeVar("T")


async def reach(
    waiter: Waiter, min_position: int | None, timeout: float = 10.0, search: bool = False
) -> None:
    """Wait until the read model (and, with `search`, the search index) includes
    `min_position`; 400 for a position not yet written, 408 when time runs out."""
    followers = [waiter.reads, *([waiter.searches] if search else [])]
    if not min_position or all(f.position >= min_position for f in followers):
        return
    head = await run_in_threadpool(waiter.head_position)
    if min_position > head:
        raise BadRequest(
            f"min_position {min_position} is past the end of the log ({head})",
            {"min_position": min_position, "log_position": head},
        )
    if not await waiter.position(min_position, timeout, search):
        raise Timeout(
            f"read model has not reached position {min_position} within {timeout:g}s",
            {
                "min_position": min_position,
                "read_position": waiter.reads.position,
                **({"search_position": waiter.searches.position} if search else {}),
            },
        )


async def read_indexed(
    waiter: Waiter, db: str, min_position: int | None, timeout: float, read: Callable[[], T]
) -> T:
    """A read of the search side (search, graph queries) of database `db`: once documents
    and the search index include `min_position`, `read` runs on a worker thread."""
    names.check_name("database", db, names.DATABASE_NAME)
    await reach(waiter, min_position, timeout, search=True)
    return await run_in_threadpool(read)
