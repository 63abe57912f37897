"""When connectors are due: schedules every N seconds and by cron (UTC), and the retries
after failures, doubling with jitter up to an hour."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spice.application.connectors.schedule import check_cron, next_run, retry_after
from spice.domain.errors import ValidationFailed


def _at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_every_n_seconds_runs_n_seconds_after_the_last_poll() -> None:
    assert next_run({"every_seconds": 90}, 1000.0) == 1090.0


def test_a_cron_schedule_runs_at_its_next_time_in_utc() -> None:
    assert next_run({"cron": "*/15 * * * *"}, _at("2026-12-07T10:07:30")) == _at(
        "2026-12-07T10:15:00"
    )
    assert next_run({"cron": "0 3 * * 1"}, _at("2026-12-07T03:00:00")) == _at("2026-12-14T03:00:00")


@pytest.mark.parametrize("expression", ["61 * * * *", "every hour", "* * *"])
def test_a_cron_expression_croniter_cannot_read_is_refused(expression: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        check_cron({"cron": expression})
    assert raised.value.errors[0]["path"] == "schedule.cron"


def test_retries_double_from_thirty_seconds_to_an_hour_with_jitter() -> None:
    assert [retry_after(n, lambda: 1.0) for n in (1, 2, 3)] == [30.0, 60.0, 120.0]
    assert retry_after(20, lambda: 1.0) == 3600.0
    assert retry_after(1, lambda: 0.0) == 15.0  # half of it at least
