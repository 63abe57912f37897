"""Type inference for the columns of a table, over the ontology's types.

Each column is sampled across the whole table (every k-th value, not only the first rows).
Each detector says which sampled values it accepts; the most specific type that accepts
nearly all of them wins, with `confidence` (the share it accepts), a `reason`, the
runner-up `candidates` and risk `flags`. Header names in Korean, English, Japanese and
Chinese break ties and name what values alone cannot (an address is text to a detector).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import phonenumbers

from spice.application.datasets.files import Table
from spice.application.datasets.hints import hinted
from spice.domain import mappings, numbers

SAMPLE = 2000
ACCEPT = 0.95  # share of sampled values a type must accept to be chosen
ENUM_MAX = 20
ENUM_LENGTH = 40  # an enum's values are short: on average at most this many characters
ENUM_WORDS = 5  # and words
TEXT_LENGTH = 100

TRUE = mappings.TRUE - {"1"}  # 0 and 1 are booleans only under a flag's name
FALSE = mappings.FALSE - {"0"}
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
COLOR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
PHONE = re.compile(
    r"^(\+\d{1,3}[ -]?)?\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]\d{4}$|^\+\d{8,15}$"
    r"|^\+\d{1,3}[ .-]\(?\d{1,5}\)?([ .-]\d{2,8}){1,3}$"  # international: +49 30 1234567
)
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$")
DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
COORDINATE = re.compile(r"^\(?\s*(-?\d{1,2}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)\s*\)?$")
ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\.?$")
KOREAN_DATE = re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$")
CJK_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _valid_day(year: str, month: str, day: str) -> bool:
    return 1 <= int(month) <= 12 and 1 <= int(day) <= 31 and 1000 <= int(year) <= 9999


def _date(value: str) -> bool:
    for pattern in (ISO_DATE, KOREAN_DATE, CJK_DATE):
        found = pattern.match(value)
        if found:
            return _valid_day(*found.groups())
    found = DAY_FIRST.match(value)
    if found:
        a, b, year = found.groups()
        return _valid_day(year, a, b) or _valid_day(year, b, a)
    return False


def _phone(value: str) -> bool:
    if not PHONE.match(value):
        return False
    try:
        number = phonenumbers.parse(value, "KR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number)


def _ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return "." in value or ":" in value


def _json(value: str) -> bool:
    if value[:1] not in "[{":
        return False
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _coordinate(value: str) -> bool:
    found = COORDINATE.match(value)
    if found is None:
        return False
    return abs(float(found.group(1))) <= 90 and abs(float(found.group(2))) <= 180


def _boolean(value: str) -> bool:
    return value.strip().lower() in TRUE | FALSE


def _integer(mark: str) -> Callable[[str], bool]:
    def test(value: str) -> bool:
        found = numbers.plain(value, mark)
        return found is not None and "." not in found

    return test


def _decimal(mark: str) -> Callable[[str], bool]:
    return lambda value: numbers.plain(value, mark) is not None


def _percentage(mark: str) -> Callable[[str], bool]:
    def test(value: str) -> bool:
        return value.endswith("%") and numbers.plain(value[:-1], mark) is not None

    return test


def _money(mark: str) -> Callable[[str], bool]:
    return lambda value: numbers.money(value, mark) is not None


def _detectors(mark: str) -> list[tuple[str, Callable[[str], bool]]]:
    """The detectors, most specific first (the first type that accepts nearly every value
    wins), numbers read with `mark` as the decimal mark."""
    return [
        ("boolean", _boolean),
        ("uuid", lambda v: bool(UUID.match(v))),
        ("email", lambda v: bool(EMAIL.match(v))),
        ("url", lambda v: bool(URL.match(v))),
        ("ip", _ip),
        ("color", lambda v: bool(COLOR.match(v))),
        ("datetime", lambda v: bool(DATETIME.match(v))),
        ("date", _date),
        ("time", lambda v: bool(TIME.match(v))),
        ("duration", lambda v: bool(DURATION.match(v))),
        ("coordinate", _coordinate),
        ("percentage", _percentage(mark)),
        ("money", _money(mark)),
        ("phone", _phone),
        ("integer", _integer(mark)),
        ("decimal", _decimal(mark)),
        ("json", _json),
    ]


DETECTORS = {mark: _detectors(mark) for mark in numbers.DECIMAL_MARKS}
ORDER = [kind for kind, _ in DETECTORS["."]]


def decimal_mark(values: list[str]) -> str:
    """ "," when more of the values read as numbers (plain, money or percent) only with a
    decimal comma (`5.139,52`, `12,5 %`) than only with a decimal point, else "."."""
    only = {".": 0, ",": 0}
    for v in values:
        if "," not in v:  # reads the same either way
            continue
        number = v[:-1] if v.endswith("%") else v
        read = {m for m in only if numbers.plain(number, m) or numbers.money(v, m)}
        if len(read) == 1:
            only[read.pop()] += 1
    return "," if only[","] > only["."] else "."


@dataclass
class ColumnGuess:
    name: str
    type: str
    confidence: float
    reason: str
    candidates: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    unique: bool = False
    required: bool = False

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "confidence": self.confidence,
            "reason": self.reason,
            "candidates": self.candidates,
            "flags": self.flags,
            **({"params": self.params} if self.params else {}),
            "unique": self.unique,
            "required": self.required,
        }


def sample(values: list[str]) -> list[str]:
    """At most SAMPLE values spread evenly over the column."""
    if len(values) <= SAMPLE:
        return values
    step = len(values) / SAMPLE
    return [values[int(i * step)] for i in range(SAMPLE)]


def _date_order(values: list[str]) -> tuple[str | None, bool]:
    """The order of day-first or month-first dates the data shows (None when none are),
    and whether it stays ambiguous."""
    firsts, seconds = False, False
    seen = False
    for v in values:
        found = DAY_FIRST.match(v)
        if found:
            seen = True
            a, b = int(found.group(1)), int(found.group(2))
            firsts |= a > 12
            seconds |= b > 12
    if not seen:
        return None, False
    if firsts and not seconds:
        return "DD/MM/YYYY", False
    if seconds and not firsts:
        return "MM/DD/YYYY", False
    return "DD/MM/YYYY", True


def infer_column(name: str, raw: list[str | None]) -> ColumnGuess:
    present = [v.strip() for v in raw if v is not None and v.strip()]
    total = len(raw)
    flags: list[str] = []
    if total and (total - len(present)) / total > 0.5:
        flags.append("high_null_ratio")
    unique = bool(present) and len(set(present)) == len(present)
    required = len(present) == total and total > 0
    if not present:
        return ColumnGuess(name, "string", 0.0, "no values", [], [*flags, "no_values"])
    values = sample(present)
    mark = decimal_mark(values)
    scores = [
        (kind, sum(1 for v in values if test(v)) / len(values)) for kind, test in DETECTORS[mark]
    ]
    accepted = [(kind, share) for kind, share in scores if share >= ACCEPT]
    ranked = sorted((-s, i, k) for i, (k, s) in enumerate(scores) if s > 0)[:4]
    candidates = [{"type": k, "confidence": round(-s, 4)} for s, _, k in ranked]
    kind, share, reason = _choose(name, values, accepted)
    params: dict[str, Any] = {}
    if kind == "integer" and set(values) <= {"0", "1"} and hinted(name, "boolean"):
        kind, reason = "boolean", "only 0 and 1, and the name says it is a flag"
    if kind in ("integer", "decimal") and any(
        len(v) > 1 and v.startswith("0") and v[1:2].isdigit() for v in values
    ):
        kind, share, reason = "string", 1.0, "numbers with leading zeros are codes, not amounts"
        flags.append("leading_zeros")
    if kind == "integer" and hinted(name, "code"):
        kind, reason = "string", "whole numbers named as a code (a barcode, a customs code)"
    if kind == "date":
        order, ambiguous = _date_order(values)
        if order:
            params["format"] = order
        if ambiguous:
            flags.append("ambiguous_date_format")
    if kind == "money":
        params["currency"] = _currency(values, mark)
    if mark == "," and kind in ("integer", "decimal", "percentage", "money"):
        params["decimal"] = mark
    if kind == "string":
        kind, reason, params = _textual(name, present, values, reason)
    numeric = dict(scores)["decimal"]
    if kind == "string" and 0.5 <= numeric < ACCEPT:
        flags.append("mixed_numeric_values")
    if share < 0.9:
        flags.append("low_confidence_type")
    others = [c for c in candidates if c["type"] != kind]
    return ColumnGuess(
        name, kind, round(share, 4), reason, others[:3], flags, params, unique, required
    )


def _choose(
    name: str, values: list[str], accepted: list[tuple[str, float]]
) -> tuple[str, float, str]:
    if not accepted:
        return "string", 1.0, "no narrower type accepts the values"
    kinds = dict(accepted)
    if "integer" in kinds and "phone" in kinds and not hinted(name, "phone"):
        kinds.pop("phone")
    if "decimal" in kinds and "integer" in kinds:
        kinds.pop("decimal")
    if "date" in kinds and "integer" in kinds:
        kinds.pop("date")
    for kind in ORDER:
        if kind in kinds:
            share = kinds[kind]
            return kind, share, f"{share:.0%} of {len(values)} sampled values are {kind} values"
    raise AssertionError("unreachable")


def _currency(values: list[str], mark: str) -> str | None:
    found = {numbers.currency(read[1]) for v in values if (read := numbers.money(v, mark))}
    return found.pop() if len(found) == 1 else None


def _textual(
    name: str, present: list[str], values: list[str], reason: str
) -> tuple[str, str, dict[str, Any]]:
    """string, text, enum or address for values no narrower type accepts."""
    if hinted(name, "address"):
        return "address", "text values under an address name", {}
    if any("\n" in v for v in values) or sum(len(v) for v in values) / len(values) > TEXT_LENGTH:
        return "text", "long or multi-line text", {}
    if hinted(name, "note"):
        return "text", "free text under a note or comment name, however often it repeats", {}
    counts = Counter(present)
    if (
        len(counts) <= ENUM_MAX
        and len(present) >= 10
        and len(counts) / len(present) <= 0.2
        and not hinted(name, "identifier")
        and not _free_text(counts)
    ):
        return "enum", f"{len(counts)} repeated values", {"values": sorted(counts)}
    return "string", reason, {}


def _free_text(counts: Counter[str]) -> bool:
    """Whether repeated values read as sentences people wrote rather than a vocabulary:
    long (more than ENUM_LENGTH characters or ENUM_WORDS words on average), or with a tail
    of values written once (a quarter of the distinct values, at least three)."""
    distinct = list(counts)
    length = sum(len(v) for v in distinct) / len(distinct)
    words = sum(len(v.split()) for v in distinct) / len(distinct)
    once = sum(1 for n in counts.values() if n == 1)
    return length > ENUM_LENGTH or words > ENUM_WORDS or (once >= 3 and once * 4 >= len(counts))


KEY_TYPES = ("string", "integer", "uuid", "email")


def primary_key(columns: list[ColumnGuess], table: Table) -> tuple[list[str], str]:
    """A unique, never empty column of a key-like type (an identifier by name first), else
    two or three columns that are together, else none ("generated": a key will be made).
    A first column named as an identifier that is not unique is flagged."""
    first = columns[0] if columns else None
    if first is not None and hinted(first.name, "identifier") and not first.unique:
        first.flags.append("key_candidate_not_unique")
    singles = [c for c in columns if c.unique and c.required and c.type in KEY_TYPES]
    named = [c for c in singles if hinted(c.name, "identifier")]
    if named or singles:
        return [(named or singles)[0].name], "unique and never empty"
    index = {name: i for i, name in enumerate(table.columns)}
    keyish = [c for c in columns if c.required and c.type not in ("text", "json")]
    keyish.sort(key=lambda c: not hinted(c.name, "identifier"))
    names = [c.name for c in keyish][:6]
    for size in (2, 3):
        for combo in combinations(names, size):
            at = [index[n] for n in combo]
            if len({tuple(r[i] for i in at) for r in table.rows}) == len(table.rows):
                return list(combo), f"no single column is unique; these {size} together are"
    return [], "generated: no column, pair or triple of columns is unique"


def infer_table(table: Table) -> dict[str, Any]:
    guesses = [
        infer_column(name, [row[i] for row in table.rows]) for i, name in enumerate(table.columns)
    ]
    key, why = primary_key(guesses, table)
    return {
        "table": table.name,
        "rows": len(table.rows),
        "columns": [g.public() for g in guesses],
        "primary_key": key,
        "primary_key_reason": why,
    }
