"""What the SQL adapters need of a database, whatever the driver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
Placeholders = Callable[[str], str]


class SQLDatabase(Protocol):
    """A DB-API style database: connections whose `execute` takes `mark` placeholders."""

    mark: str

    def query(self) -> AbstractContextManager[Any]:
        """A connection for single statements."""
        ...

    def read(self) -> AbstractContextManager[Any]:
        """A connection inside a consistent snapshot."""
        ...

    def write(self) -> AbstractContextManager[Any]:
        """A connection inside a transaction that commits on success."""
        ...

    def close(self) -> None: ...


def chunks(items: list[T], size: int = 500) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def placeholders(mark: str) -> Placeholders:
    """A function that rewrites the `?` placeholders of a statement to the driver's `mark`.
    The shared statements are written with `?` and hold no literal `?` or `%`."""
    if mark == "?":
        return lambda text: text
    return lambda text: text.replace("?", mark)
