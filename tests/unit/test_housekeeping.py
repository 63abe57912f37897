"""Housekeeping runs every job each round; one that fails is logged and the others run."""

from __future__ import annotations

import logging
import threading

import pytest

from spice.application.housekeeping import Housekeeping


def test_a_failing_job_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise OSError("store away")

    keeping = Housekeeping({"broken": broken, "fine": lambda: ran.append("fine") or 3})
    with caplog.at_level(logging.INFO, logger="spice.application.housekeeping"):
        keeping.run_once()
    assert ran == ["fine"]
    messages = [r.getMessage() for r in caplog.records]
    assert "housekeeping: broken failed" in messages
    assert "housekeeping: fine: 3" in messages


def test_it_runs_at_start_then_each_interval_until_stopped() -> None:
    rounds: list[int] = []
    first = threading.Event()

    def count() -> None:
        rounds.append(1)
        first.set()

    keeping = Housekeeping({"count": count}, interval=60)
    keeping.start()
    assert first.wait(5)
    keeping.stop()
    assert rounds == [1]  # the next round was a minute away
