"""One active instance of a follower among several processes, by a lease in the registry.

The relay and the document projector follow the whole log in order, so one of each runs at
a time; more processes wait as standbys and take over when the lease of the active one runs
out (it died) or is given back (it stopped).
"""

from __future__ import annotations

import logging
import threading

from spice.application.delivery.follower import LogFollower
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
    """Run `follower` while this process holds the lease on `role`, until `stopped`. When the
    registry cannot be reached, the follower stops (another process may take the lease once
    it runs out) and this process tries again."""
    while not stopped.is_set():
        try:
            _lead_once(registry, role, owner, follower, stopped, lease_seconds)
        except Exception:  # noqa: BLE001 - the registry is away: stand by, then try again
            log.exception("%s: leadership failed; standing by", role)
            stopped.wait(lease_seconds / 3)
    try:
        registry.release(LEADERS, role, owner, forget=True)
    except Exception:  # noqa: BLE001 - the lease runs out by itself
        log.warning("%s: could not give back the lease", role)


def _lead_once(
    registry: ConsumerRegistry,
    role: str,
    owner: str,
    follower: LogFollower,
    stopped: threading.Event,
    lease_seconds: float,
) -> None:
    """Take the lease and run the follower until the lease is lost or `stopped`."""
    if registry.claim(LEADERS, role, owner, lease_seconds).outcome != CLAIMED:
        stopped.wait(lease_seconds / 3)
        return
    log.warning("%s: %s is now active", role, owner)
    follower.start()
    try:
        while not stopped.wait(lease_seconds / 3):
            if registry.heartbeat(LEADERS, owner, [role], lease_seconds):
                log.error("%s: lease lost; standing by", role)
                return
    finally:
        follower.stop()
