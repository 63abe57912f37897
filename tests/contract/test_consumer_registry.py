"""The ConsumerRegistry contract, run against every adapter."""

from __future__ import annotations

from spice.application.ports.consumer_registry import ConsumerRegistry


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
