"""Generations: a read model that can be rebuilt from the log while the old one serves."""

from __future__ import annotations

from abc import ABC, abstractmethod


class Generations(ABC):
    """A read model kept in generations: readers and the live projector use the active one;
    a rebuild fills a new one from the log, activates it in one step and drops the old."""

    @abstractmethod
    def active_generation(self) -> str: ...

    @abstractmethod
    def new_generation(self) -> str:
        """Create an empty generation at checkpoint 0 (not active)."""

    @abstractmethod
    def activate(self, generation: str) -> None:
        """Make `generation` the one readers and the live projector use."""

    @abstractmethod
    def drop_generation(self, generation: str) -> None: ...

    @abstractmethod
    def generations(self) -> list[str]: ...
