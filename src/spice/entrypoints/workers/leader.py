"""One active instance of a follower among several processes, by a lease in the registry.

The relay and the document projector follow the whole log in order, so one of each runs at
a time; more processes wait as standbys and take over when the lease of the active one runs
out (it died) or is given back (it stopped).
"""

from __future__ import annotations

import logging
import threading

from spice.application.log_follower import LogFollower
from spice.application.ports.consumer_registry import CLAIMED, ConsumerRegistry

log = logging.getLogger(__name__)
LEADERS = "leader"


def run_as_leader(
    registry: ConsumerRegistry,
    role: str,
    owner: str,
    follower: LogFollower,
    stopped: threading.Event,
    lease_seconds: float = 15.0,
) -> None:
    """Run `follower` while this process holds the lease on `role`, until `stopped`."""
    while not stopped.is_set():
        if registry.claim(LEADERS, role, owner, lease_seconds).outcome != CLAIMED:
            stopped.wait(lease_seconds / 3)
            continue
        log.warning("%s: %s is now active", role, owner)
        follower.start()
        try:
            while not stopped.wait(lease_seconds / 3):
                if registry.heartbeat(LEADERS, owner, [role], lease_seconds):
                    log.error("%s: lease lost; standing by", role)
                    break
        finally:
            follower.stop()
        if stopped.is_set():
            registry.release(LEADERS, role, owner, forget=True)
            return
