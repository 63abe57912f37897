"""Numbers as people write them: a decimal point or a decimal comma, digits grouped by
commas, dots, spaces (also no-break ones) or apostrophes, a sign or parentheses for a
negative, and money with its currency mark before or after (`€5.139,52`, `1 234,50 €`,
`-$12.00`, `($45.00)`, `12,000원`). Type inference and the `parse` transform read numbers
here, so that what inference accepts, an import reads the same way."""

from __future__ import annotations

import re

DECIMAL_MARKS = (".", ",")
GROUPS = ",. \u00a0\u202f'"  # comma, dot, space, no-break space, narrow no-break, apostrophe
CURRENCY_MARKS = {
    "₩": "KRW",
    "원": "KRW",
    "US$": "USD",
    "$": "USD",
    "달러": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "円": "JPY",
    "元": "CNY",
}
CODES = ("KRW", "USD", "EUR", "JPY", "GBP", "CNY", "CHF")
_MARK = "|".join(re.escape(m) for m in (*CURRENCY_MARKS, *CODES))
MONEY = re.compile(
    rf"^(?P<sign>[+\-−]?)\s?(?P<pre>{_MARK})\s?(?P<amount>[^\s].*?)$"
    rf"|^(?P<amount2>.*?[\d)])\s?(?P<post>{_MARK})$"
)


def _pattern(mark: str) -> re.Pattern[str]:
    groups = re.escape(GROUPS.replace(mark, ""))
    point = re.escape(mark)
    return re.compile(
        rf"^(?P<sign>[+\-−]?)(?P<whole>\d{{1,3}}(?P<g>[{groups}])\d{{3}}(?:(?P=g)\d{{3}})*|\d+)"
        rf"(?:{point}(?P<fraction>\d+))?$|^(?P<sign2>[+\-−]?){point}(?P<fraction2>\d+)$"
    )


PATTERNS = {mark: _pattern(mark) for mark in DECIMAL_MARKS}


def plain(text: str, mark: str = ".") -> str | None:
    """The number `text` writes, in plain notation ("-1234.5"), reading `mark` as the
    decimal mark; None when `text` is no number in that notation. "(12)" is -12."""
    text = text.strip()
    negative = len(text) > 2 and text[0] == "(" and text[-1] == ")"
    found = PATTERNS[mark].match(text[1:-1].strip() if negative else text)
    if found is None:
        return None
    sign = found["sign"] or found["sign2"] or ""
    if negative and sign:
        return None
    whole = (found["whole"] or "0").translate({ord(g): None for g in GROUPS})
    fraction = found["fraction"] or found["fraction2"]
    minus = "-" if negative or sign in ("-", "−") else ""
    return f"{minus}{whole}.{fraction}" if fraction is not None else f"{minus}{whole}"


def money(text: str, mark: str = ".") -> tuple[str, str] | None:
    """(plain amount, currency mark as written) of an amount of money with its currency
    mark before or after, or None."""
    text = text.strip()
    if len(text) > 2 and text[0] == "(" and text[-1] == ")":
        inner = money(text[1:-1], mark)
        if inner is None or inner[0].startswith("-"):
            return None
        return f"-{inner[0]}", inner[1]
    found = MONEY.match(text)
    if found is None:
        return None
    if found["pre"]:
        amount = plain(found["amount"], mark)
        if amount is not None and found["sign"] in ("-", "−"):
            amount = None if amount.startswith("-") else f"-{amount}"
        written = found["pre"]
    else:
        amount, written = plain(found["amount2"], mark), found["post"]
    return None if amount is None else (amount, written)


def currency(written: str) -> str:
    """The ISO 4217 code of a currency mark ("€" -> "EUR"; a code stays)."""
    return CURRENCY_MARKS.get(written, written)
