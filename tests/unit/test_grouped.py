"""Grouped writes: callers at the same moment share one write, each gets its own answer."""

from __future__ import annotations

import time

import pytest

from spice.application.log.group_commit import Grouped
from tests.at_once import at_once


def run_callers(grouped: Grouped[int, str], n: int) -> dict[int, str | Exception]:
    return at_once(n, grouped.call)


def test_each_caller_gets_its_own_answer_and_writes_are_shared() -> None:
    writes: list[list[int]] = []

    def write(items: list[int]) -> list[str | Exception]:
        writes.append(items)
        time.sleep(0.02)  # long enough for the other callers to queue behind it
        return [ValueError(f"odd {i}") if i % 2 else f"stored {i}" for i in items]

    answers = run_callers(Grouped(write), 16)
    assert sorted(i for w in writes for i in w) == list(range(16))  # each written once
    assert len(writes) < 16  # some callers shared a write
    for i, answer in answers.items():
        if i % 2:
            assert isinstance(answer, ValueError) and str(answer) == f"odd {i}"
        else:
            assert answer == f"stored {i}"


def test_a_write_that_raises_fails_its_callers_only() -> None:
    writes: list[list[int]] = []

    def write(items: list[int]) -> list[str | Exception]:
        writes.append(items)
        if len(writes) == 1:
            raise OSError("disk full")
        return [f"stored {i}" for i in items]

    grouped: Grouped[int, str] = Grouped(write)
    with pytest.raises(OSError, match="disk full"):
        grouped.call(1)
    assert grouped.call(2) == "stored 2"  # the lead was given back after the failure


def test_a_write_carries_at_most_the_bound() -> None:
    sizes: list[int] = []

    def write(items: list[int]) -> list[str | Exception]:
        sizes.append(len(items))
        time.sleep(0.02)
        return [str(i) for i in items]

    answers = run_callers(Grouped(write, max_items=3), 12)
    assert answers == {i: str(i) for i in range(12)}
    assert max(sizes) <= 3 and sum(sizes) == 12
