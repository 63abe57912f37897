"""Log lines carry the ids of the work they are about, as text or as JSON objects."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from spice.application.context import bound, current
from spice.bootstrap.logs import configure
from spice.bootstrap.settings import Settings


@pytest.fixture
def restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_ids_are_bound_for_a_block_and_nest() -> None:
    assert current() == {}
    with bound(request_id="r1", correlation_id="r1"):
        with bound(command_id="c1", request_id=None):
            assert current() == {"request_id": "r1", "command_id": "c1", "correlation_id": "r1"}
        assert current() == {"request_id": "r1", "correlation_id": "r1"}
    assert current() == {}


def test_json_lines_carry_the_ids_and_extra_fields(
    restored: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(Settings(log_format="json", log_level="INFO"))
    with bound(request_id="r1", command_id="c1", correlation_id="r1"):
        logging.getLogger("spice.test").info("hello %s", "world", extra={"status": 201})
    logging.getLogger("spice.test").debug("below the level")
    (line,) = capsys.readouterr().err.strip().splitlines()
    record = json.loads(line)
    assert {k: record[k] for k in ("level", "logger", "message", "status")} == {
        "level": "INFO",
        "logger": "spice.test",
        "message": "hello world",
        "status": 201,
    }
    assert (record["request_id"], record["command_id"], record["correlation_id"]) == (
        "r1",
        "c1",
        "r1",
    )
    assert record["time"].startswith("20") and "T" in record["time"]


def test_text_lines_end_with_the_ids(restored: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure(Settings(log_level="WARNING"))
    logging.getLogger("spice.test").info("not written")
    with bound(command_id="c9"):
        logging.getLogger("spice.test").warning("resuming")
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.endswith("WARNING spice.test resuming command_id=c9")
