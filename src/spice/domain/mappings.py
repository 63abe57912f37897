"""Mapping specs: how the columns of datasets become classes, properties and links.

A spec is `{"classes": [definition, ...], "sources": [source, ...]}`. The classes are
created when an import runs, if they do not exist yet. Each source maps one table of a
dataset onto one class:

    {"dataset": "orders", "version": 2, "table": "orders", "class_id": "Orders",
     "key": ["order_id"],
     "properties": [{"property": "order_id", "column": "order_id",
                     "transforms": [{"op": "trim"}]},
                    {"property": "line", "columns": ["order_id", "line_no"],
                     "separator": "-"}],
     "links": [{"predicate": "warehouse", "column": "ship_from_warehouse",
                "target": "Warehouses"}]}

`version` and `table` are optional (the latest version, its first table). `key` names the
properties whose values make each row's instance id; an empty key makes ids from the row
numbers. A link's column holds the key of an instance of the target class.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from spice.domain import names, numbers
from spice.domain.errors import ValidationFailed, field_error
from spice.domain.mapping_spec import FieldMap

MAX_SOURCES = 1000
MAX_COLUMNS = 10_000
Errors = list[dict[str, Any]]

CASTS = ("string", "integer", "decimal", "float", "boolean")
# Yes and no as files write them (English, Korean, Japanese, Chinese, German, French,
# Spanish); type inference takes the same words.
TRUE = {"true", "t", "yes", "y", "1", "예", "네", "참", "o", "はい", "是", "ja", "oui", "sí", "si"}
TRUE |= {"wahr", "vrai"}
FALSE = {
    "false",
    "f",
    "no",
    "n",
    "0",
    "아니오",
    "아니요",
    "거짓",
    "x",
    "いいえ",
    "否",
    "nein",
    "non",
}
FALSE |= {"falsch", "faux"}


class CellError(ValueError):
    """A cell that a transform cannot turn into a value."""


def _trim(value: Any, _t: dict[str, Any]) -> Any:
    return value.strip() if isinstance(value, str) else value


def _lower(value: Any, _t: dict[str, Any]) -> Any:
    return value.lower() if isinstance(value, str) else value


def _upper(value: Any, _t: dict[str, Any]) -> Any:
    return value.upper() if isinstance(value, str) else value


def _replace(value: Any, t: dict[str, Any]) -> Any:
    return value.replace(t["old"], t.get("new", "")) if isinstance(value, str) else value


def _null_if(value: Any, t: dict[str, Any]) -> Any:
    return None if value in t["values"] else value


def _default(value: Any, t: dict[str, Any]) -> Any:
    return t["value"] if value is None or value == "" else value


def _split(value: Any, t: dict[str, Any]) -> Any:
    if not isinstance(value, str):
        return value
    return [part.strip() for part in value.split(t.get("separator", ",")) if part.strip()]


def _parse(value: Any, t: dict[str, Any], date_only: bool) -> Any:
    if not isinstance(value, str) or not value:
        return value
    try:
        parsed = datetime.strptime(value.strip(), t["format"])  # noqa: DTZ007 - zone in format
    except ValueError:
        raise CellError(f"does not match the format {t['format']!r}") from None
    return parsed.date().isoformat() if date_only else parsed.isoformat()


def _cast(value: Any, t: dict[str, Any]) -> Any:
    if value is None or value == "":
        return None
    text = str(value).strip()
    to = t["to"]
    try:
        if to == "string":
            return text
        if to == "integer":
            return int(text.replace(",", ""))
        if to == "float":
            return float(text.replace(",", ""))
        if to == "decimal":
            float(text.replace(",", ""))
            return text.replace(",", "")
    except ValueError:
        raise CellError(f"is not a {to}") from None
    if text.lower() in TRUE:
        return True
    if text.lower() in FALSE:
        return False
    raise CellError("is not a boolean")


# `parse`: the written forms that type inference accepts, turned into the forms the types
# take (the types themselves stay strict: ISO dates, unseparated numbers, and so on).
PARSED = (
    "integer",
    "decimal",
    "float",
    "percentage",
    "money",
    "boolean",
    "date",
    "datetime",
    "coordinate",
)
CURRENCY_MARKS = numbers.CURRENCY_MARKS
DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\.?$"),
    re.compile(r"^(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$"),
)
DAY_FIRST = re.compile(r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})$")
NUMBER_MARKS = re.compile(r"[₩$€£¥]|KRW|USD|EUR|JPY|GBP|CNY|원|달러|円|元")


def _number(text: str, mark: str | None = None) -> str:
    """A number in plain notation: read with the column's decimal mark (`decimal`) when the
    mapping names one, else with a point, else the older reading (a lone decimal comma)."""
    found = numbers.plain(text, mark or ".")
    if found is not None:
        return found
    text = text.strip()
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").replace(" ", "")
    if re.fullmatch(r"[+-]?\d+,\d{1,2}", text):
        text = text.replace(",", ".")  # a decimal comma
    text = text.replace(",", "")
    return f"-{text}" if negative else text


def _date_text(text: str, order: str | None) -> str:
    for form in DATE_FORMS:
        found = form.match(text)
        if found:
            return f"{found['y']}-{int(found['m']):02d}-{int(found['d']):02d}"
    found = DAY_FIRST.match(text)
    if found:
        day, month = (found["b"], found["a"]) if order == "MM/DD/YYYY" else (found["a"], found["b"])
        return f"{found['y']}-{int(month):02d}-{int(day):02d}"
    return text


def _parse_as(value: Any, t: dict[str, Any]) -> Any:
    if not isinstance(value, str) or not value.strip():
        return value
    text, kind = value.strip(), t["as"]
    mark = t.get("decimal")
    if kind in ("integer", "decimal", "float"):
        return _number(text, mark)
    if kind == "percentage":
        return _number(text.removesuffix("%").strip(), mark)
    if kind == "money":
        read = numbers.money(text, mark or ".")
        if read is not None:
            return f"{read[0]} {numbers.currency(read[1])}"
        marks = [m for m in CURRENCY_MARKS if m in text] + NUMBER_MARKS.findall(text)
        currency = next((CURRENCY_MARKS.get(m, m) for m in marks), t.get("currency"))
        amount = _number(NUMBER_MARKS.sub("", text))
        return f"{amount} {currency}" if currency else amount
    if kind == "boolean":
        lowered = text.lower()
        return True if lowered in TRUE else False if lowered in FALSE else text
    if kind == "date":
        return _date_text(text, t.get("format"))
    if kind == "datetime":
        text = re.sub(r"^(\d{4}-\d{2}-\d{2}) ", r"\1T", text)
        zoned = re.search(r"(Z|[+-]\d{2}:?\d{2})$", text)
        return text if zoned else f"{text}{t.get('timezone', 'Z')}"
    return text.strip("()")  # a coordinate


TRANSFORMS: dict[str, tuple[Callable[[Any, dict[str, Any]], Any], dict[str, type | tuple]]] = {
    "trim": (_trim, {}),
    "lower": (_lower, {}),
    "upper": (_upper, {}),
    "replace": (_replace, {"old": str}),
    "null_if": (_null_if, {"values": list}),
    "default": (_default, {"value": (str, int, float, bool)}),
    "split": (_split, {}),
    "parse_date": (lambda v, t: _parse(v, t, True), {"format": str}),
    "parse_datetime": (lambda v, t: _parse(v, t, False), {"format": str}),
    "cast": (_cast, {"to": str}),
    "parse": (_parse_as, {"as": str}),
}


def apply_transforms(value: Any, transforms: Sequence[dict[str, Any]]) -> Any:
    """The value after each transform in turn; CellError when one cannot apply."""
    for t in transforms:
        value = TRANSFORMS[t["op"]][0](value, t)
    return value


def cell_value(row: list[Any], at: list[int], spec: FieldMap) -> Any:
    """The value a property or link takes from a row: its column, or its columns joined
    (a composite key), then transformed."""
    if len(at) == 1:
        value = row[at[0]]
    else:
        parts = [row[i] for i in at]
        value = (
            None
            if all(p is None for p in parts)
            else (spec.separator or "_").join("" if p is None else str(p) for p in parts)
        )
    return apply_transforms(value, spec.transforms)


def _transforms(raw: Any, path: str, errors: Errors) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.append(field_error(path, "type", "a list of transforms", raw))
        return []
    out = []
    for i, t in enumerate(raw):
        where = f"{path}[{i}]"
        if isinstance(t, str):
            t = {"op": t}
        if not isinstance(t, dict) or t.get("op") not in TRANSFORMS:
            errors.append(field_error(where, "unknown_transform", " | ".join(TRANSFORMS), t))
            continue
        needed = TRANSFORMS[t["op"]][1]
        bad = [k for k, kind in needed.items() if not isinstance(t.get(k), kind)]
        if t["op"] == "cast" and t.get("to") not in CASTS:
            bad.append("to")
        if t["op"] == "parse" and t.get("as") not in PARSED:
            bad.append("as")
        if t["op"] == "parse" and t.get("decimal", ".") not in numbers.DECIMAL_MARKS:
            bad.append("decimal")
        if t["op"] == "replace" and not t.get("old"):
            bad.append("old")
        if bad:
            errors.append(field_error(f"{where}.{bad[0]}", "invalid_transform", t["op"], t))
            continue
        out.append(dict(t))
    return out


def _columns(raw: dict[str, Any], path: str, errors: Errors) -> list[str]:
    columns = raw.get("columns", [raw["column"]] if "column" in raw else None)
    if (
        not isinstance(columns, list)
        or not 0 < len(columns) <= 10
        or not all(isinstance(c, str) and c for c in columns)
    ):
        errors.append(field_error(path, "invalid_columns", "`column` or `columns`", columns))
        return []
    return list(columns)


def _field(raw: Any, name_key: str, path: str, errors: Errors) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.append(field_error(path, "type", "an object", raw))
        return None
    name = raw.get(name_key)
    if not isinstance(name, str) or not names.PROPERTY_NAME.fullmatch(name):
        errors.append(field_error(f"{path}.{name_key}", "invalid_identifier", "a name", name))
        return None
    out: dict[str, Any] = {
        name_key: name,
        "columns": _columns(raw, path, errors),
        "transforms": _transforms(raw.get("transforms"), f"{path}.transforms", errors),
    }
    if isinstance(raw.get("separator"), str):
        out["separator"] = raw["separator"]
    return out


def _source(raw: Any, path: str, errors: Errors) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.append(field_error(path, "type", "an object", raw))
        return None
    before = len(errors)
    dataset, class_id = raw.get("dataset"), raw.get("class_id")
    if not isinstance(dataset, str) or not names.DATASET_NAME.fullmatch(dataset):
        errors.append(field_error(f"{path}.dataset", "invalid_identifier", "a dataset", dataset))
    if not isinstance(class_id, str) or not names.CLASS_ID.fullmatch(class_id):
        errors.append(field_error(f"{path}.class_id", "invalid_identifier", "a class", class_id))
    version, table = raw.get("version"), raw.get("table")
    if version is not None and (not isinstance(version, int) or version < 1):
        errors.append(field_error(f"{path}.version", "type", "a version number", version))
    if table is not None and not isinstance(table, str):
        errors.append(field_error(f"{path}.table", "type", "a table name", table))
    props = [
        _field(p, "property", f"{path}.properties[{i}]", errors)
        for i, p in enumerate(_list(raw, "properties", path, errors))
    ]
    links = [
        _field(x, "predicate", f"{path}.links[{i}]", errors)
        for i, x in enumerate(_list(raw, "links", path, errors))
    ]
    for i, (link, x) in enumerate(zip(links, _list(raw, "links", path, []), strict=True)):
        target = x.get("target") if isinstance(x, dict) else None
        if link is not None and isinstance(target, str) and names.CLASS_ID.fullmatch(target):
            link["target"] = target
        elif link is not None:
            errors.append(
                field_error(f"{path}.links[{i}].target", "invalid_identifier", "a class", target)
            )
    key = raw.get("key", [])
    mapped = {p["property"] for p in props if p}
    if not isinstance(key, list) or not all(isinstance(k, str) and k in mapped for k in key):
        errors.append(field_error(f"{path}.key", "invalid_key", "mapped property names", key))
    if len(errors) > before:
        return None
    out = {
        "dataset": dataset,
        "class_id": class_id,
        "key": list(key),
        "properties": props,
        "links": links,
    }
    out.update({k: v for k, v in (("version", version), ("table", table)) if v is not None})
    return out


def _list(raw: dict[str, Any], key: str, path: str, errors: Errors) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list) or len(value) > MAX_COLUMNS:
        errors.append(field_error(f"{path}.{key}", "type", "a list", value))
        return []
    return value


def parse_spec(raw: Any, parse_class: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """The spec in its stored form, or ValidationFailed naming every bad field; class
    definitions are checked with `parse_class` and kept as written."""
    if not isinstance(raw, dict):
        raise ValidationFailed("a mapping is an object", [field_error("spec", "type", "", raw)])
    errors: Errors = []
    unknown = sorted(set(raw) - {"classes", "sources", "description"})
    errors += [
        field_error(k, "unknown_field", "classes | sources | description", None) for k in unknown
    ]
    classes = []
    for i, definition in enumerate(_list(raw, "classes", "spec", errors)):
        try:
            parse_class(definition)
            classes.append(definition)  # as written: the import creates it as sent
        except ValidationFailed as exc:
            errors += [{**e, "path": f"classes[{i}].{e['path']}"} for e in exc.errors] or [
                field_error(f"classes[{i}]", "type", exc.message, definition)
            ]
    sources_raw = _list(raw, "sources", "spec", errors)
    if not sources_raw or len(sources_raw) > MAX_SOURCES:
        errors.append(field_error("sources", "required", "one source or more", sources_raw))
    sources = [_source(s, f"sources[{i}]", errors) for i, s in enumerate(sources_raw)]
    if errors:
        raise ValidationFailed("invalid mapping", errors[:1000])
    spec: dict[str, Any] = {"classes": classes, "sources": sources}
    if isinstance(raw.get("description"), str):
        spec["description"] = raw["description"]
    return spec


ID_SAFE = re.compile(r"[^A-Za-z0-9_.~-]")


def import_id(parts: list[Any]) -> str:
    """The instance id of an imported row from its key values: joined with `_` as a
    created instance's would be, with characters an id cannot hold spelled as `~XX` hex
    escapes (so that `서울` and `부산` stay apart and readable ids stay as they are)."""
    joined = "_".join(str(p) for p in parts)
    escaped = ID_SAFE.sub(lambda m: "".join(f"~{b:02X}" for b in m.group().encode()), joined)
    if not escaped or not escaped[0].isalnum():
        escaped = f"k{escaped}"
    return escaped[:255]
