"""The ConsumerRegistry contract, run against every adapter."""

from __future__ import annotations

import threading

import pytest

from spice.application.ports.consumer_registry import (
    CLAIMED,
    DUPLICATE,
    IN_PROGRESS,
    STALE,
    Claim,
    ConsumerRegistry,
)
from tests.clock import ManualClock


def test_checkpoint_of_a_new_consumer_is_zero(consumer_registry: ConsumerRegistry) -> None:
    assert consumer_registry.checkpoint("projector") == 0


def test_save_and_read_checkpoint(consumer_registry: ConsumerRegistry) -> None:
    consumer_registry.save_checkpoint("projector", 7)
    assert consumer_registry.checkpoint("projector") == 7
    consumer_registry.save_checkpoint("projector", 12)
    assert consumer_registry.checkpoint("projector") == 12


def test_lower_checkpoint_never_moves_back(consumer_registry: ConsumerRegistry) -> None:
    consumer_registry.save_checkpoint("projector", 10)
    consumer_registry.save_checkpoint("projector", 3)
    consumer_registry.save_checkpoint("projector", 0)
    assert consumer_registry.checkpoint("projector") == 10


def test_mark_processed_once(consumer_registry: ConsumerRegistry) -> None:
    assert consumer_registry.is_processed("worker", "e1") is False
    assert consumer_registry.mark_processed("worker", "e1") is True
    assert consumer_registry.mark_processed("worker", "e1") is False
    assert consumer_registry.is_processed("worker", "e1") is True
    assert consumer_registry.is_processed("worker", "e2") is False


def test_consumers_are_isolated(consumer_registry: ConsumerRegistry) -> None:
    consumer_registry.save_checkpoint("one", 5)
    consumer_registry.mark_processed("one", "e1")
    assert consumer_registry.checkpoint("two") == 0
    assert consumer_registry.is_processed("two", "e1") is False
    assert consumer_registry.mark_processed("two", "e1") is True
    consumer_registry.save_checkpoint("two", 2)
    assert consumer_registry.checkpoint("one") == 5
    assert consumer_registry.checkpoint("two") == 2


def test_first_claim_wins_and_others_see_it_in_progress(
    consumer_registry: ConsumerRegistry,
) -> None:
    first = consumer_registry.claim("worker", "e1", "a", lease_seconds=30)
    assert first == Claim(CLAIMED, 1)
    assert consumer_registry.claim("worker", "e1", "b", lease_seconds=30).outcome == IN_PROGRESS
    # Another handler has its own leases.
    assert consumer_registry.claim("indexer", "e1", "b", lease_seconds=30).outcome == CLAIMED


def test_completed_event_is_a_duplicate_for_everyone(consumer_registry: ConsumerRegistry) -> None:
    consumer_registry.claim("worker", "e1", "a", lease_seconds=30)
    consumer_registry.complete("worker", "e1")
    assert consumer_registry.claim("worker", "e1", "a", lease_seconds=30).outcome == DUPLICATE
    assert consumer_registry.claim("worker", "e1", "b", lease_seconds=30).outcome == DUPLICATE
    assert consumer_registry.is_processed("worker", "e1") is True


@pytest.fixture
def clock(consumer_registry: ConsumerRegistry) -> ManualClock:
    made = ManualClock()
    consumer_registry.clock = made
    return made


def test_expired_lease_is_taken_over_and_attempts_counted(
    consumer_registry: ConsumerRegistry, clock: ManualClock
) -> None:
    consumer_registry.claim("worker", "e1", "a", lease_seconds=30)
    clock.now += 29.9
    assert consumer_registry.claim("worker", "e1", "b", lease_seconds=30).outcome == IN_PROGRESS
    clock.now += 0.1  # the lease ends now
    taken = consumer_registry.claim("worker", "e1", "b", lease_seconds=30)
    assert taken == Claim(CLAIMED, 2)
    # The first owner's heartbeat tells it the lease is gone.
    assert consumer_registry.heartbeat("worker", "a", ["e1"], 30) == {"e1"}
    assert consumer_registry.heartbeat("worker", "b", ["e1"], 30) == set()


def test_claims_and_completions_of_a_batch_answer_as_one_at_a_time_would(
    consumer_registry: ConsumerRegistry, clock: ManualClock
) -> None:
    r = consumer_registry
    r.claim("worker", "theirs", "b", lease_seconds=30)
    r.claim("worker", "expired", "b", lease_seconds=10)
    r.claim("worker", "mine", "a", lease_seconds=30)
    r.claim("worker", "done", "b", lease_seconds=30)
    r.complete("worker", "done")
    clock.now += 10
    ids = ["new", "theirs", "expired", "mine", "done", "new"]
    claims = r.claim_many("worker", ids, "a", lease_seconds=30)
    assert claims == {
        "new": Claim(CLAIMED, 1),
        "theirs": Claim(IN_PROGRESS),
        "expired": Claim(CLAIMED, 2),
        "mine": Claim(CLAIMED, 2),
        "done": Claim(DUPLICATE, 1),
    }
    r.complete_many("worker", ["new", "expired", "mine"])
    assert all(r.is_processed("worker", e) for e in ("new", "expired", "mine"))
    again = r.claim_many("worker", ["new", "expired", "mine", "theirs"], "b", lease_seconds=30)
    assert {e: c.outcome for e, c in again.items()} == {
        "new": DUPLICATE,
        "expired": DUPLICATE,
        "mine": DUPLICATE,
        "theirs": CLAIMED,
    }
    assert r.heartbeat("worker", "a", ["new"], 30) == {"new"}  # completed: no lease left


def test_heartbeat_keeps_a_lease_alive(
    consumer_registry: ConsumerRegistry, clock: ManualClock
) -> None:
    consumer_registry.claim("worker", "e1", "a", lease_seconds=10)
    for _ in range(3):
        clock.now += 8  # past the first lease's end by the third beat
        assert consumer_registry.heartbeat("worker", "a", ["e1", "e9"], 10) == {"e9"}
    assert consumer_registry.claim("worker", "e1", "b", lease_seconds=30).outcome == IN_PROGRESS
    clock.now += 10
    assert consumer_registry.claim("worker", "e1", "b", lease_seconds=30).outcome == CLAIMED


def test_released_event_can_be_claimed_again_at_once(consumer_registry: ConsumerRegistry) -> None:
    consumer_registry.claim("worker", "e1", "a", lease_seconds=30)
    consumer_registry.release("worker", "e1", "b")  # not the owner: nothing happens
    assert consumer_registry.claim("worker", "e1", "b", lease_seconds=30).outcome == IN_PROGRESS
    consumer_registry.release("worker", "e1", "a")
    assert consumer_registry.claim("worker", "e1", "b", lease_seconds=30) == Claim(CLAIMED, 2)
    consumer_registry.release("worker", "e1", "b", forget=True)  # dead-lettered
    assert consumer_registry.claim("worker", "e1", "c", lease_seconds=30) == Claim(CLAIMED, 1)


def test_older_event_of_an_aggregate_is_stale(consumer_registry: ConsumerRegistry) -> None:
    consumer_registry.claim("projector", "e5", "a", 30, aggregate_id="agg", seq=5)
    consumer_registry.complete("projector", "e5", aggregate_id="agg", seq=5)
    assert consumer_registry.aggregate_version("projector", "agg") == 5
    for event_id, seq in (("e3", 3), ("e5b", 5)):
        claim = consumer_registry.claim("projector", event_id, "a", 30, aggregate_id="agg", seq=seq)
        assert claim.outcome == STALE
    newer = consumer_registry.claim("projector", "e6", "a", 30, aggregate_id="agg", seq=6)
    assert newer.outcome == CLAIMED
    # A stale claim leaves no lease behind, and versions never move back.
    consumer_registry.complete("projector", "e3", aggregate_id="agg", seq=3)
    assert consumer_registry.aggregate_version("projector", "agg") == 5
    assert consumer_registry.aggregate_version("projector", "other") == 0
    assert consumer_registry.aggregate_version("indexer", "agg") == 0


def test_concurrent_claims_give_one_owner(consumer_registry: ConsumerRegistry) -> None:
    outcomes: list[str] = []

    def claim(owner: str) -> None:
        outcomes.append(consumer_registry.claim("worker", "e1", owner, 30).outcome)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [CLAIMED] + [IN_PROGRESS] * 5


def test_processed_messages_and_expired_leases_are_pruned_by_age(
    consumer_registry: ConsumerRegistry, clock: ManualClock
) -> None:
    consumer_registry.mark_processed("relay", "old")
    consumer_registry.claim("worker", "done-long-ago", "a", lease_seconds=30)
    consumer_registry.complete("worker", "done-long-ago")
    consumer_registry.claim("worker", "abandoned", "a", lease_seconds=30)
    day = 86_400.0
    clock.now += 8 * day
    consumer_registry.mark_processed("relay", "recent")
    consumer_registry.claim("worker", "running", "b", lease_seconds=30)
    assert consumer_registry.prune(clock.now - 7 * day) == 3  # two processed, one lease
    assert not consumer_registry.is_processed("relay", "old")
    assert consumer_registry.is_processed("relay", "recent")
    assert consumer_registry.claim("worker", "running", "c", lease_seconds=30).outcome == (
        IN_PROGRESS
    )
    assert consumer_registry.claim("worker", "abandoned", "c", lease_seconds=30).outcome == (
        CLAIMED
    )
    assert consumer_registry.prune(clock.now - 7 * day) == 0
