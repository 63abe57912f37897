"""Dates, times, date-times and durations (ISO 8601)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from spice.domain.types.base import PropertyType, Spec, fail


def _zulu(text: str) -> str:
    """An offset of exactly +00:00 at the end is written Z."""
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def date(value: Any, _: Spec) -> str:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise fail("date", "expected an ISO 8601 date (YYYY-MM-DD)", value)


def datetime(value: Any, _: Spec) -> str:
    """Timezone-aware, stored in UTC with a Z."""
    if not isinstance(value, str):
        raise fail("datetime", "expected an ISO 8601 date-time", value)
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise fail("datetime", "expected an ISO 8601 date-time", value) from None
    if parsed.tzinfo is None:
        raise fail("datetime", "date-time needs a timezone (e.g. Z or +09:00)", value)
    try:
        in_utc = parsed.astimezone(dt.UTC)
    except OverflowError:
        raise fail("datetime", "date-time out of range once in UTC", value) from None
    return _zulu(in_utc.isoformat())


def time(value: Any, _: Spec) -> str:
    """A time of day, HH:MM:SS[.ffffff], with its offset if one was given."""
    if isinstance(value, str):
        try:
            parsed = dt.time.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            return _zulu(parsed.isoformat())
    raise fail("time", "expected an ISO 8601 time (HH:MM[:SS])", value)


MAX_PART = 12  # digits of one component, in what is read and in the normal form
DURATION = re.compile(
    r"P(?:(?P<years>\d{1,12})Y)?(?:(?P<months>\d{1,12})M)?(?:(?P<weeks>\d{1,12})W)?"
    r"(?:(?P<days>\d{1,12})D)?"
    r"(?:T(?:(?P<hours>\d{1,12})H)?(?:(?P<minutes>\d{1,12})M)?"
    r"(?:(?P<seconds>\d{1,12}(?:\.\d{1,6})?)S)?)?"
)


def duration(value: Any, _: Spec) -> str:
    """ISO 8601 duration. Weeks become days and the clock part is carried (90M is 1H30M);
    years, months and days are kept as given, since their length depends on the calendar."""
    match = DURATION.fullmatch(value.strip().upper()) if isinstance(value, str) else None
    if match is None or value.strip().upper() in ("P", "PT") or value.strip().endswith("T"):
        raise fail("duration", "expected an ISO 8601 duration such as P1DT2H30M", value)
    part = {k: v or "0" for k, v in match.groupdict().items()}
    days = int(part["days"]) + 7 * int(part["weeks"])
    micros = int(Decimal(part["seconds"]) * 1_000_000)  # exact: at most 6 decimals
    micros += (int(part["hours"]) * 3600 + int(part["minutes"]) * 60) * 1_000_000
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, fraction = divmod(rest, 1_000_000)
    date_part = "".join(
        f"{n}{unit}"
        for n, unit in ((int(part["years"]), "Y"), (int(part["months"]), "M"), (days, "D"))
        if n
    )
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M")) if n)
    if seconds or fraction:
        clock += f"{seconds}.{fraction:06d}".rstrip("0").rstrip(".") + "S"
    if any(n >= 10**MAX_PART for n in (int(part["years"]), int(part["months"]), days, hours)):
        raise fail("duration", f"a component beyond {MAX_PART} digits", value)
    if not date_part and not clock:
        return "PT0S"
    return "P" + date_part + (f"T{clock}" if clock else "")


TYPES = [
    PropertyType("date", "Calendar date, YYYY-MM-DD", date, "2026-11-23", family="number"),
    PropertyType(
        "datetime",
        "Date and time with a timezone, stored in UTC",
        datetime,
        "2026-11-23T09:30:00Z",
        family="number",
    ),
    PropertyType("time", "Time of day, HH:MM:SS, optional offset", time, "09:30:00"),
    PropertyType("duration", "ISO 8601 duration", duration, "P1DT2H30M"),
]
