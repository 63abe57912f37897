"""Calls made by many threads at the same moment, for tests of what they share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def at_once(n: int, call: Callable[[int], Any], timeout: float = 30.0) -> dict[int, Any]:
    """`call(i)` for i in range(n), each in a thread of its own, released together; what
    each returned, or the exception it raised, by i."""
    answers: dict[int, Any] = {}
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = call(i)
        except Exception as exc:  # noqa: BLE001 - the answer under test
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return answers
