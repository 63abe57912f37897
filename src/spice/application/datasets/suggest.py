"""From inferred columns to an ontology: a class per table (id and label from the table's
name, properties typed and constrained, the primary key), and links between tables found
by value containment and name similarity (many-to-one, towards a table's key)."""

from __future__ import annotations

import re
from typing import Any

from spice.application.datasets.files import Table
from spice.domain import names, numbers

BASIC = {"string", "text", "integer", "decimal", "boolean", "date", "datetime"}
CONTAINED = 0.95  # share of a column's distinct values found in the target key
WORD = re.compile(r"[A-Za-z0-9]+")


# Revised Romanization of Korean, letter by letter (no sound changes across syllables): the
# letters of each initial consonant, vowel and final consonant of a Hangul syllable, in
# Unicode order; "-" spells nothing (a silent initial ㅇ, no final consonant).
INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()  # noqa: SIM905 - a table
VOWELS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()  # noqa: SIM905
FINALS = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()  # noqa: SIM905


def romanized(text: str) -> str:
    """Hangul syllables spelled in Latin letters (주문번호 -> jumunbeonho); other text as
    it is."""
    out = []
    for char in text:
        index = ord(char) - 0xAC00
        if 0 <= index < 11172:
            initial, vowel, final = index // 588, index % 588 // 28, index % 28
            spelled = INITIALS[initial] + VOWELS[vowel] + FINALS[final]
            out.append(spelled.replace("-", ""))
        else:
            out.append(char)
    return "".join(out)


def _words(text: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", romanized(text))
    return [w.lower() for w in WORD.findall(spaced)]


# English plurals a table is named with, and their singulars; otherwise a trailing "s"
# goes ("orders" -> "order"), "-ies" becomes "-y", "-sses", "-xes", "-ches", "-shes" lose
# "-es", and words that end in "ss", "is" or (past four letters: not "skus") "us" stay.
IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}
SINGULAR_AS_IS = ("ss", "is", "news", "data", "series", "species")


def singular(word: str) -> str:
    """The singular of an English plural noun, lower case ("categories" -> "category")."""
    lowered = word.lower()
    if lowered in IRREGULAR:
        return IRREGULAR[lowered]
    if len(lowered) < 4 or not lowered.endswith("s") or lowered.endswith(SINGULAR_AS_IS):
        return lowered
    if lowered.endswith("us") and len(lowered) > 4:  # status, campus
        return lowered
    if lowered.endswith("ies"):
        return f"{lowered[:-3]}y"
    if lowered.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return lowered[:-2]
    return lowered[:-1]


def class_id(name: str) -> str:
    """A class id from a table's name, its last word singular ("order_items" ->
    "OrderItem", "orders.csv" -> "Order"); Hangul romanised ("주문 내역" ->
    "JumunNaeyeok", while the label keeps the Korean); "Table" when the name has no Latin
    letters, digits or Hangul."""
    base = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = _words(base)
    if words and base.isascii():  # an English name; romanised Korean is no plural
        words[-1] = singular(words[-1])
    made = "".join(w.capitalize() for w in words)
    if not made or not made[0].isalpha():
        made = f"T{made}" if made else "Table"
    return made[:100]


def property_name(column: str, position: int) -> str:
    """A property name from a column's header ("unitPrice" -> "unit_price", "결제금액" ->
    "gyeoljegeumaek"); `field_N` when the header has no Latin letters, digits or Hangul
    (Japanese or Chinese). The header stays the property's label."""
    made = "_".join(_words(column))
    if not made:
        return f"field_{position + 1}"
    if not (made[0].isalpha() or made[0] == "_"):
        made = f"f_{made}"
    return made[:100]


def property_names(columns: list[str]) -> list[str]:
    """The property name of each column, distinct within the table."""
    out: list[str] = []
    taken: set[str] = set()
    for i, column in enumerate(columns):
        prop = property_name(column, i)
        while prop in taken:
            prop = f"{prop}_{i + 1}"
        taken.add(prop)
        out.append(prop)
    return out


def _language(text: str) -> str:
    if re.search(r"[가-힣]", text):
        return "ko"
    if re.search(r"[぀-ヿ]", text):
        return "ja"
    if re.search(r"[一-鿿]", text):
        return "zh"
    return "en"


def _label(text: str) -> str | dict[str, str]:
    language = _language(text)
    return text if language == "en" else {language: text}


def suggest_class(
    table: Table, inferred: dict[str, Any], name: str | None = None, complex_types: bool = True
) -> dict[str, Any]:
    """A class definition for a table, from its inferred columns."""
    key = inferred["primary_key"]
    properties: list[dict[str, Any]] = []
    props = property_names([column["name"] for column in inferred["columns"]])
    for prop, column in zip(props, inferred["columns"], strict=True):
        kind = column["type"]
        if not complex_types and kind not in BASIC:
            kind = "string"
        spec: dict[str, Any] = {"name": prop, "type": kind, "label": _label(column["name"])}
        params = column.get("params") or {}
        if kind == "enum":
            spec["values"] = params["values"]
        if kind == "money" and params.get("currency"):
            spec["currencies"] = [params["currency"]]
        if column["required"]:
            spec["required"] = True
        if key == [column["name"]]:
            spec["primary_key"] = True
        properties.append(spec)
    title = name or table.name
    suggestion: dict[str, Any] = {
        "id": class_id(title),
        "label": _label(title),
        "properties": properties,
    }
    if len(key) > 1:
        named = dict(zip(table.columns, props, strict=True))
        suggestion["metadata"] = {"composite_key": [named[k] for k in key]}
    return suggestion


# Words that say a column holds identifiers, not what it identifies; also as the end of a
# compound ("kundennummer", "고객번호" -> "gogaekbeonho").
KEY_WORDS = ("id", "no", "nr", "code", "key", "number", "num", "nummer", "numero")
KEY_ENDINGS = ("beonho", "kodeu", "aidi", "nummer", "number", "code", "id", "no")


def _stem(word: str) -> str:
    return word[:-3] if word.endswith("ies") else word.rstrip("s")


def _named(text: str) -> set[str]:
    """The stems of the words of a name, less the words that only say "identifier"."""
    out = set()
    for word in _words(text):
        if word in KEY_WORDS:
            continue
        for ending in KEY_ENDINGS:
            if word.endswith(ending) and len(word) > len(ending) + 1:
                word = word[: -len(ending)]
                break
        out.add(_stem(word))
    return out


def _name_score(column: str, table: str, target_column: str) -> float:
    """How much a column's name points at a table: its words name the table, or it is
    named as the table's key."""
    words = _named(column)
    table_words = _named(table) | {_stem(w) for w in _words(table)}
    if column == target_column:
        return 1.0 if words & table_words else 0.6
    return 0.8 if words & (table_words | _named(target_column)) else 0.0


def _key_values(table: Table, at: int, column: dict[str, Any]) -> set[str]:
    """A column's values as a link compares them: trimmed, and whole numbers in plain
    notation ("1,001" and "1001" are one key)."""
    values = {v.strip() for r in table.rows if (v := r[at]) is not None and v.strip()}
    if column["type"] != "integer":
        return values
    mark = (column.get("params") or {}).get("decimal", ".")
    return {numbers.plain(v, mark) or v for v in values}


def find_links(tables: dict[str, tuple[Table, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Links from columns to other tables' single-column keys, where (nearly) every value
    of the column is a key of the target: many-to-one, one target per column (one-to-one
    when the column is its own table's key and its name names the target). Whole numbers
    are contained by chance (a quantity of 1 to 9 in ids 1 to 50), so a column of them
    links only where its name points at the target."""
    keys: dict[str, tuple[str, set[str]]] = {}
    for name, (table, inferred) in tables.items():
        if len(inferred["primary_key"]) == 1:
            column = inferred["primary_key"][0]
            at = table.columns.index(column)
            keys[name] = (column, _key_values(table, at, inferred["columns"][at]))
    links: list[dict[str, Any]] = []
    for name, (table, inferred) in tables.items():
        own = inferred["primary_key"]
        for at, column in enumerate(table.columns):
            is_key = own == [column]  # its own key may still name another table's (1:1)
            guess = inferred["columns"][at]
            values = _key_values(table, at, guess)
            if not values:
                continue
            best: tuple[float, str, str, float] | None = None
            for target, (target_column, key_values) in keys.items():
                if target == name:
                    continue
                contained = len(values & key_values) / len(values)
                if contained < CONTAINED:
                    continue
                named = _name_score(column, target, target_column)
                if (is_key and named < 1.0) or (guess["type"] == "integer" and named == 0):
                    continue
                score = contained + named
                if best is None or score > best[0]:
                    best = (score, target, target_column, contained)
            if best is not None:
                links.append(
                    {
                        "dataset": name,
                        "column": column,
                        "target_dataset": best[1],
                        "target_column": best[2],
                        "cardinality": "1:1" if is_key else "n:1",
                        "confidence": round(min(1.0, best[0] / 2), 4),
                        "containment": round(best[3], 4),
                    }
                )
    return links


def link_predicate(column: str) -> str:
    """A relationship name from the linking column ("ship_from_warehouse" stays, "sku_id"
    becomes "sku")."""
    words = [w for w in _words(column) if w not in ("id",)] or _words(column)
    made = "_".join(words)
    return made if names.PROPERTY_NAME.fullmatch(made) else "links_to"
