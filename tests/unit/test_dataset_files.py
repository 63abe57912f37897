"""Reading files into tables: the edges of each format, and the refusals (file, row and
reason named) that the API tests do not reach."""

from __future__ import annotations

import codecs
import io

import pytest
from openpyxl import Workbook

from spice.application.datasets.files import decode, format_of, read_file, table_of
from spice.domain.errors import ValidationFailed


def _refused(filename: str, data: bytes) -> str:
    with pytest.raises(ValidationFailed) as info:
        read_file(filename, data)
    return info.value.message


def test_the_format_comes_from_the_name_else_from_the_bytes() -> None:
    assert format_of("a.TSV", b"") == "csv"
    assert format_of("a.ndjson", b"") == "jsonl"
    assert format_of("export", b"PK\x03\x04...") == "xlsx"
    assert format_of("export", b"  [1]") == "json"
    assert format_of("export", b'{"a": 1}\n{"a": 2}') == "jsonl"
    assert format_of("export", b'{"rows": []}') == "json"
    assert format_of("export", b"a,b") == "csv"


def test_encodings_by_mark_then_by_trial() -> None:
    assert decode("f", codecs.BOM_UTF16_BE + "가".encode("utf-16-be")) == ("가", "utf-16")
    assert decode("f", "도시".encode("cp949"))[1] == "cp949"
    text, encoding = decode("f", "Grüße, café".encode("latin-1") * 20)
    assert "caf" in text and encoding not in ("utf-8", "cp949")
    assert "not valid utf-16" in _refused("f.csv", codecs.BOM_UTF16_LE + b"\x00\xd8")


def test_refusals_name_the_row_and_sheet() -> None:
    assert _refused("h.csv", b",\n1,2\n") == "h.csv, row 1: the first row holds no column names"
    assert _refused("h.csv", b"a,,c\n1,2,3\n") == "h.csv, row 1: column 2 has no name"
    wide = ",".join(f"c{i}" for i in range(1001)).encode()
    assert _refused("w.csv", wide + b"\n") == "w.csv, row 1: more than 1000 columns"
    book = Workbook()
    book.active.title = "목록"
    book.active.append(["id", "id"])
    raw = io.BytesIO()
    book.save(raw)
    assert (
        _refused("b.xlsx", raw.getvalue())
        == "b.xlsx, sheet '목록', row 1: column 'id' appears twice"
    )
    blank = Workbook()
    out = io.BytesIO()
    blank.save(out)
    assert _refused("e.xlsx", out.getvalue()) == "e.xlsx: the workbook has no sheet with data"
    assert _refused("j.json", b'{"a": [1], "b": [2]}').startswith("j.json: a JSON object must hold")
    assert _refused("j.json", b"[]") == "j.json: expected a non-empty array of records"
    assert _refused("j.json", b"[{}]") == "j.json: no records with fields"
    assert _refused("l.jsonl", b"\n  \n") == "l.jsonl: the file is empty"
    assert _refused("l.jsonl", b'{"a": 1}\n{oops\n').startswith("l.jsonl, row 2: not valid JSON")


def test_sheets_skip_leading_blank_rows_and_trailing_empty_cells() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append([None, None])
    sheet.append(["id", "name", None])
    sheet.append(["1", "a", None, None])
    raw = io.BytesIO()
    book.save(raw)
    (table,) = read_file("s.xlsx", raw.getvalue()).tables
    assert (table.columns, table.rows) == (["id", "name"], [["1", "a"]])


def test_a_file_of_one_column_has_no_delimiter_to_sniff() -> None:
    parsed = read_file("one.csv", b"sku\nS-1\nS-2\n")
    assert parsed.detected["delimiter"] == ","
    assert parsed.tables[0].rows == [["S-1"], ["S-2"]]


def test_inline_rows_become_a_table() -> None:
    table = table_of(["a", "b", "c"], [[1, True, None], [2.5, {"x": 1}, " "]])
    assert table.rows == [["1", "true", None], ["2.5", '{"x": 1}', None]]


def test_a_file_that_takes_too_long_to_read_is_refused() -> None:
    with pytest.raises(ValidationFailed) as info:
        read_file("slow.csv", b"id\n1\n2\n", seconds=1e-9)
    assert info.value.message == "slow.csv: reading it took longer than 1e-09 s"
    assert read_file("slow.csv", b"id\n1\n2\n", seconds=60).tables[0].rows == [["1"], ["2"]]
