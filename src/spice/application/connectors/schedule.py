"""When a connector is due: its schedule (`every_seconds` or a cron expression, in UTC),
and after a failure a retry that backs off exponentially with jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from croniter import CroniterBadCronError, croniter

from spice.domain.errors import ValidationFailed, field_error

RETRY_FIRST = 30.0
RETRY_MOST = 3600.0


def check_cron(schedule: dict[str, Any] | None) -> None:
    """Refuse a cron expression croniter cannot read."""
    if not schedule or "cron" not in schedule:
        return
    expression = str(schedule["cron"])
    try:
        croniter(expression)
    except (CroniterBadCronError, ValueError, KeyError) as exc:
        raise ValidationFailed(
            f"schedule.cron is not a cron expression: {exc}",
            [field_error("schedule.cron", "invalid", "five fields: m h dom mon dow", expression)],
        ) from None


def next_run(schedule: dict[str, Any], after: float) -> float:
    """The first time after `after` (seconds since the epoch) the schedule runs."""
    if "every_seconds" in schedule:
        return after + float(schedule["every_seconds"])
    start = datetime.fromtimestamp(after, UTC)
    return float(croniter(str(schedule["cron"]), start).get_next(float))


def retry_after(attempts: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds before retrying after `attempts` failures in a row: doubling from 30 s up to
    an hour, each a random half to whole of that (so sources failing together spread)."""
    ceiling = min(RETRY_MOST, RETRY_FIRST * 2 ** max(0, attempts - 1))
    return ceiling * (0.5 + rand() / 2)
