"""Reading an uploaded file into tables: CSV (delimiter, quoting and encoding detected),
Excel .xlsx (every sheet a table), JSON (an array of objects, or an object holding one) and
JSON Lines. Every cell is kept as text (None when empty); types are inferred later.

A file that cannot be read is refused with `ValidationFailed` naming the file, the row (and
sheet) and the reason; nothing of it is kept. Reading is bounded (`limits`): in time, in a
workbook's XML, in JSON's nesting and number length; text must be storable as UTF-8, and a
CSV's quoting must be closed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from charset_normalizer import from_bytes

from spice.application.datasets.limits import READ_SECONDS, Deadline, Unreadable, check_workbook
from spice.domain.errors import ValidationFailed, field_error

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
MAX_COLUMNS = 1000
MAX_NUMBER_CHARS = 1000  # a JSON number; Python's int refuses past 4300 digits
# What openpyxl raises on a damaged workbook (a broken archive, bad XML, missing parts).
WORKBOOK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    OSError,
    SyntaxError,  # xml.etree's ParseError
    RuntimeError,  # an encrypted part; RecursionError
    NotImplementedError,  # a compression zipfile lacks
)
UNSTORABLE = "holds text that is not valid Unicode (a lone surrogate) and cannot be stored as UTF-8"
# Encodings tried, in order, when a file has no byte-order mark and is not UTF-8, each
# taken only when the text it gives reads as that language's script (bytes of one often
# decode without error in another); what charset-normalizer finds comes after these.
# Korean spreadsheets are mostly CP949, Western European and US ones cp1252 (Latin-1's
# superset, with the euro sign).
LEGACY = ("cp949", "cp1252")
PLAUSIBLE = 0.9  # share of non-ASCII characters that must look like the encoding's script
WESTERN_SYMBOLS = set("€£¥°§©®±µ·«»–—‘’‚“”„…•™¿¡ªº²³¼½¾×÷\u00a0\u202f")
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

Cell = str | None


@dataclass
class Table:
    """One table of a file: a CSV, a sheet, or the records of a JSON file."""

    name: str
    columns: list[str]
    rows: list[list[Cell]]
    # Where each row is in the file (a CSV's or sheet's header is row 1, a JSON file's
    # first record is 1); empty when rows are numbered from 1 as they come.
    numbers: list[int] = field(default_factory=list)

    def row_number(self, index: int) -> int:
        return self.numbers[index] if self.numbers else index + 1

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "columns": self.columns, "rows": len(self.rows)}


@dataclass
class ParsedFile:
    """What was read and how: the format, and for text files the encoding and delimiter."""

    filename: str
    format: str
    tables: list[Table]
    detected: dict[str, Any] = field(default_factory=dict)


def _refuse(
    filename: str, reason: str, row: int | None = None, sheet: str | None = None
) -> NoReturn:
    where = "".join(
        [f", sheet {sheet!r}" if sheet is not None else "", f", row {row}" if row else ""]
    )
    error = {**field_error("file", "unreadable", reason, filename), "row": row, "sheet": sheet}
    raise ValidationFailed(f"{filename}{where}: {reason}", [error])


def format_of(filename: str, data: bytes) -> str:
    """The format a file's name says, else what its first bytes look like."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix == "json":
        return "json"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data.lstrip()[:1]
    if head == b"[":
        return "json"
    if head == b"{":
        return "jsonl" if b"\n{" in data.strip() else "json"
    return "csv"


def decode(filename: str, data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read with."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                _refuse(filename, f"not valid {encoding} text at byte {exc.start}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text, encoding):
            return text, encoding
    best = from_bytes(data[:SNIFF_BYTES]).best()
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except UnicodeDecodeError:
            pass
    _refuse(filename, "the text encoding could not be recognised (UTF-8, UTF-16, CP949, ...)")


def _plausible(text: str, encoding: str) -> bool:
    """Whether text decoded as `encoding` reads as its script: Hangul syllables for CP949;
    for cp1252, accented letters among ASCII ones (`Müller`, `Núñez`, `à`; not `Ïðèâåò`,
    which is Cyrillic read wrongly) and the usual symbols."""
    odd = [(i, ch) for i, ch in enumerate(text[:SNIFF_BYTES]) if not ch.isascii()]
    if not odd:
        return True
    if encoding == "cp949":
        fitting = sum(1 for _, ch in odd if "가" <= ch <= "힣")
    else:
        fitting = sum(
            1 for i, ch in odd if ch in WESTERN_SYMBOLS or (ch.isalpha() and _alone(text, i))
        )
    return fitting >= PLAUSIBLE * len(odd)


def _alone(text: str, at: int) -> bool:
    """Whether the character at `at` has an ASCII letter, or no other letter, beside it."""
    beside = text[max(at - 1, 0) : at] + text[at + 1 : at + 2]
    ascii_letter = any(c.isascii() and c.isalpha() for c in beside)
    return ascii_letter or not any(c.isalpha() for c in beside)


def _cell(value: Any) -> Cell:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else None


def _columns(filename: str, header: list[Any], sheet: str | None = None) -> list[str]:
    names = [str(h).strip() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        _refuse(filename, "the first row holds no column names", 1, sheet)
    if len(names) > MAX_COLUMNS:
        _refuse(filename, f"more than {MAX_COLUMNS} columns", 1, sheet)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            _refuse(filename, f"column {i + 1} has no name", 1, sheet)
        if name in seen:
            _refuse(filename, f"column {name!r} appears twice", 1, sheet)
        seen[name] = i
    return names


def _table(
    filename: str,
    name: str,
    columns: list[str],
    rows: list[list[Any]],
    sheet: str | None = None,
    header_row: int = 1,
) -> Table:
    """Rows as cells, one per column; an empty row is skipped, a longer one refused, a
    shorter one filled with empty cells. Row numbers count the header as row 1."""
    out: list[list[Cell]] = []
    numbers: list[int] = []
    width = len(columns)
    for number, raw in enumerate(rows, start=header_row + 1):
        cells = [_cell(v) for v in raw]
        while len(cells) > width and cells[-1] is None:
            cells.pop()
        if not any(c is not None for c in cells):
            continue
        if len(cells) > width:
            _refuse(
                filename, f"{len(cells)} values where the header has {width} columns", number, sheet
            )
        out.append(cells + [None] * (width - len(cells)))
        numbers.append(number)
    return Table(name, columns, out, numbers)


def _csv(filename: str, data: bytes, deadline: Deadline) -> ParsedFile:
    text, encoding = decode(filename, data)
    sample = text[:SNIFF_BYTES]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if "\t" in sample.split("\n", 1)[0] else ","
    records = _csv_records(filename, text, delimiter, deadline)
    if not records:
        _refuse(filename, "the file is empty")
    columns = _columns(filename, records[0])
    table = _table(filename, filename.rsplit(".", 1)[0] or filename, columns, records[1:])
    return ParsedFile(filename, "csv", [table], {"encoding": encoding, "delimiter": delimiter})


def _csv_records(filename: str, text: str, delimiter: str, deadline: Deadline) -> list[list[str]]:
    """The records of a CSV, read strictly: a quote never closed, or text after a closing
    quote, is refused with its line rather than read as one long field."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    while True:
        start = reader.line_num + 1
        try:
            records.append(next(reader))
        except StopIteration:
            return records
        except csv.Error as exc:
            if str(exc) == "unexpected end of data":
                _refuse(filename, f"a quote opened in the row on line {start} is never closed")
            _refuse(filename, f"line {reader.line_num}: not a readable CSV: {exc}")
        deadline.check()


def _xlsx(filename: str, data: bytes, deadline: Deadline) -> ParsedFile:
    from openpyxl import load_workbook

    try:
        check_workbook(data, deadline)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            tables = [t for sheet in book.worksheets if (t := _sheet(filename, sheet, deadline))]
        finally:
            book.close()
    except WORKBOOK_ERRORS as exc:
        _refuse(filename, f"not a readable .xlsx workbook: {exc}")
    if not tables:
        _refuse(filename, "the workbook has no sheet with data")
    return ParsedFile(filename, "xlsx", tables, {"sheets": [t.name for t in tables]})


def _sheet(filename: str, sheet: Any, deadline: Deadline) -> Table | None:
    """A sheet's table, or None when it is empty."""
    values: list[list[Any]] = []
    for row in sheet.iter_rows(values_only=True):
        values.append(list(row))
        deadline.check()
    header = 1
    while values and not any(_cell(v) is not None for v in values[0]):
        values.pop(0)  # leading blank rows
        header += 1
    if not values:
        return None
    columns = _columns(filename, values[0], sheet.title)
    return _table(filename, sheet.title, columns, values[1:], sheet.title, header)


def _records(filename: str, records: list[Any], first_row: int = 1) -> Table:
    columns: dict[str, None] = {}
    for number, record in enumerate(records, start=first_row):
        if not isinstance(record, dict):
            _refuse(filename, "each record must be a JSON object", number)
        columns.update(dict.fromkeys(str(k) for k in record))
    names = list(columns)
    if not names:
        _refuse(filename, "no records with fields")
    try:
        rows = [[_json_cell(record.get(name)) for name in names] for record in records]
    except RecursionError:  # json.dumps of a value nested nearly as deep as loads allows
        _refuse(filename, "values nested too deeply")
    return Table(filename.rsplit(".", 1)[0] or filename, names, rows)


def _json_cell(value: Any) -> Cell:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _cell(value)


class _NumberTooLong(Exception):
    def __init__(self, length: int) -> None:
        self.length = length


def _bounded(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def number(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise _NumberTooLong(len(text))
        return parse(text)

    return number


INT, FLOAT = _bounded(int), _bounded(float)


def _loads(filename: str, text: str, row: int | None = None) -> Any:
    """A JSON value, refused (naming the file and row) when it is not valid, nests deeper
    than Python's recursion allows, or holds a number longer than `MAX_NUMBER_CHARS`."""
    try:
        return json.loads(text, parse_int=INT, parse_float=FLOAT)
    except json.JSONDecodeError as exc:
        where = "" if row else f" (line {exc.lineno}, column {exc.colno})"
        _refuse(filename, f"not valid JSON: {exc.msg}{where}", row)
    except RecursionError:
        _refuse(filename, "values nested too deeply", row)
    except _NumberTooLong as exc:
        _refuse(filename, f"a number of {exc.length} characters (at most {MAX_NUMBER_CHARS})", row)


def _json(filename: str, data: bytes, deadline: Deadline) -> ParsedFile:
    text, encoding = decode(filename, data)
    found = _loads(filename, text)
    if isinstance(found, dict):
        lists = [v for v in found.values() if isinstance(v, list)]
        if len(lists) != 1:
            _refuse(filename, "a JSON object must hold exactly one array of records")
        found = lists[0]
    if not isinstance(found, list) or not found:
        _refuse(filename, "expected a non-empty array of records")
    return ParsedFile(filename, "json", [_records(filename, found)], {"encoding": encoding})


def _jsonl(filename: str, data: bytes, deadline: Deadline) -> ParsedFile:
    text, encoding = decode(filename, data)
    records: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            records.append(_loads(filename, line, number))
            deadline.check()
    if not records:
        _refuse(filename, "the file is empty")
    return ParsedFile(filename, "jsonl", [_records(filename, records)], {"encoding": encoding})


def table_of(columns: list[str], data: list[list[Any]], name: str = "data") -> Table:
    """A table from rows sent inline (numbers, booleans and nulls as a file would have
    them: text, or empty)."""
    names = _columns(name, list(columns))
    rows = [[_json_cell(v) for v in row] for row in data]
    return _table(name, name, names, rows)


def _storable(filename: str, parsed: ParsedFile) -> None:
    """Refuse text that UTF-8 cannot hold: a lone surrogate, which JSON's `\\ud800` escape
    (and nothing else a file holds) makes; the stores would fail on it later."""
    for table in parsed.tables:
        sheet = table.name if parsed.format == "xlsx" else None
        if not _utf8("".join(table.columns)):
            _refuse(filename, f"a column name {UNSTORABLE}", None, sheet)
        for index, row in enumerate(table.rows):
            if not _utf8("".join(c for c in row if c)):
                column = next(n for n, c in zip(table.columns, row, strict=True) if not _utf8(c))
                _refuse(filename, f"column {column!r} {UNSTORABLE}", table.row_number(index), sheet)


def _utf8(text: str | None) -> bool:
    if not text or text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


READERS: dict[str, Callable[[str, bytes, Deadline], ParsedFile]] = {
    "csv": _csv,
    "xlsx": _xlsx,
    "json": _json,
    "jsonl": _jsonl,
}


def read_file(filename: str, data: bytes, seconds: float = READ_SECONDS) -> ParsedFile:
    """The tables of a file; `ValidationFailed` (naming file, row and reason) when it cannot
    be read, or reading it takes longer than `seconds`."""
    if not data.strip():
        _refuse(filename, "the file is empty")
    try:
        parsed = READERS[format_of(filename, data)](filename, data, Deadline(seconds))
    except Unreadable as exc:
        _refuse(filename, str(exc))
    _storable(filename, parsed)
    return parsed
