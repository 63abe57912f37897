"""Jobs that keep the stores from growing without bound, run once a minute in every process
that runs commands: purging deleted databases past their grace period, forgetting finished
command statuses and the consumer registry's processed messages and expired leases past
their retention. Each job is idempotent, so processes may overlap."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)
Job = Callable[[], object]


class Housekeeping:
    def __init__(self, jobs: dict[str, Job], interval: float = 60.0) -> None:
        self.jobs, self.interval = jobs, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        for name, job in self.jobs.items():
            try:
                done = job()
            except Exception:  # noqa: BLE001 - a store away now may answer next time
                log.exception("housekeeping: %s failed", name)
                continue
            if done:
                log.info("housekeeping: %s: %s", name, done)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="housekeeping", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)
