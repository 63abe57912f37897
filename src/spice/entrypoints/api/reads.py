"""Read-your-writes: a read may name the log position it must include."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from spice.bootstrap.container import Container
from spice.domain.errors import Timeout


async def reach(container: Container, min_position: int | None, timeout: float = 10.0) -> None:
    if not min_position:
        return
    ok = await run_in_threadpool(container.projector.wait_position, min_position, timeout)
    if not ok:
        raise Timeout(
            f"read model has not reached position {min_position} within {timeout:g}s",
            {"min_position": min_position, "read_position": container.projector.position},
        )
