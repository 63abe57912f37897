"""Connector definitions: what a source is (`kind` and its `config`), the dataset its
versions become, when it is synced (`schedule`) and the import each change runs.

A secret in a config (a password, a token) is never a value in clear here: it is
`{"secret_ref": NAME}` (read from the settings when a sync needs it) or
`{"encrypted": TOKEN}` (sealed with the settings' key before the command is made), so
neither the log nor an answer holds it.
"""

from __future__ import annotations

import re
from typing import Any

from spice.domain import names
from spice.domain.errors import ValidationFailed, field_error

KINDS = ("google_sheets", "http_file", "postgresql", "s3")
IMPORT_MODES = ("create", "append", "upsert", "snapshot")
# The keys each kind's config may have; the first group is required, `one_of` needs one.
CONFIG_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "google_sheets": {"required": ("url",), "optional": ()},
    "http_file": {"required": ("url",), "optional": ("token",)},
    "postgresql": {
        "required": ("dsn",),
        "optional": ("password", "table", "query", "watermark", "schema"),
    },
    "s3": {
        "required": ("bucket",),
        "optional": ("prefix", "endpoint_url", "region", "access_key_id", "secret_access_key"),
    },
}
SECRETS: dict[str, tuple[str, ...]] = {
    "google_sheets": (),
    "http_file": ("token",),
    "postgresql": ("password",),
    "s3": ("secret_access_key",),
}
SECRET_REF = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
SHEETS_LINK = re.compile(r"^https?://[^/]+/spreadsheets/d/[A-Za-z0-9_-]+")
# A password in a DSN: `user:secret@host` in a URL, or `password=` in key=value form.
DSN_PASSWORD = re.compile(r"(?i)(^[a-z+]+://[^/@]*:[^/@]*@)|(\bpassword\s*=)")
MAX_TEXT = 10_000
MIN_EVERY, MAX_EVERY = 1, 366 * 86400
MASK = "***"


def _refuse(path: str, code: str, expected: str, value: Any) -> ValidationFailed:
    return ValidationFailed(
        f"invalid connector: {path}", [field_error(path, code, expected, value)]
    )


def _text(config: dict[str, Any], key: str, pattern: re.Pattern[str] | None = None) -> None:
    value = config.get(key)
    if value is None:
        return
    ok = isinstance(value, str) and 0 < len(value) <= MAX_TEXT
    if not ok or (pattern is not None and not pattern.fullmatch(str(value))):
        expected = f"text matching {pattern.pattern}" if pattern else "text"
        raise _refuse(f"config.{key}", "invalid", expected, value)


def is_secret(value: Any) -> bool:
    """Whether `value` is a secret as a config holds one (a reference or sealed)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    ref, sealed = value.get("secret_ref"), value.get("encrypted")
    if ref is not None:
        return isinstance(ref, str) and bool(SECRET_REF.fullmatch(ref))
    return isinstance(sealed, str) and 0 < len(sealed) <= MAX_TEXT


def check_config(kind: Any, config: Any) -> dict[str, Any]:
    """The config of a connector of `kind`, refused with the key at fault when its keys or
    values are wrong, or when a secret is in clear."""
    if kind not in KINDS:
        raise _refuse("kind", "unknown_kind", " | ".join(KINDS), kind)
    if not isinstance(config, dict):
        raise _refuse("config", "type", "an object", config)
    keys = CONFIG_KEYS[kind]
    for key in keys["required"]:
        if config.get(key) is None:
            raise _refuse(f"config.{key}", "missing", f"required for {kind}", None)
    allowed = set(keys["required"]) | set(keys["optional"])
    for key in config:
        if key not in allowed:
            raise _refuse(f"config.{key}", "unknown_key", " | ".join(sorted(allowed)), key)
    for key in SECRETS[kind]:
        if key in config and not is_secret(config[key]):
            raise _refuse(
                f"config.{key}",
                "secret_in_clear",
                '{"secret_ref": "NAME"} (the setting SPICE_SECRET_NAME) or a value the '
                "server seals with SPICE_SECRETS_KEY",
                MASK,
            )
    _check_kind(kind, config)
    return dict(config)


def _check_kind(kind: str, config: dict[str, Any]) -> None:
    if kind in ("google_sheets", "http_file"):
        _text(config, "url", re.compile(r"https?://\S+"))
        if kind == "google_sheets" and not SHEETS_LINK.match(config["url"]):
            expected = "a Google Sheets share link (https://.../spreadsheets/d/ID/...)"
            raise _refuse("config.url", "invalid", expected, config["url"])
    elif kind == "postgresql":
        _text(config, "dsn")
        if DSN_PASSWORD.search(config["dsn"]):
            raise _refuse(
                "config.dsn",
                "secret_in_clear",
                "a DSN without its password: give it as config.password",
                MASK,
            )
        for key in ("table", "watermark", "schema"):
            _text(config, key, IDENTIFIER)
        _text(config, "query")
        if ("table" in config) == ("query" in config):
            raise _refuse("config", "table_or_query", "either `table` or `query`", None)
    else:
        for key in ("bucket", "prefix", "endpoint_url", "region", "access_key_id"):
            _text(config, key)


def check_schedule(schedule: Any) -> dict[str, Any] | None:
    """None (synced on request only), `{"every_seconds": N}` or `{"cron": "..."}` (the
    expression itself is checked where cron is read)."""
    if schedule is None:
        return None
    if not isinstance(schedule, dict) or len(schedule) != 1:
        raise _refuse("schedule", "type", '{"every_seconds": N} or {"cron": "..."}', schedule)
    every, cron = schedule.get("every_seconds"), schedule.get("cron")
    if "every_seconds" in schedule:
        ok = isinstance(every, int) and not isinstance(every, bool)
        if not ok or not MIN_EVERY <= int(every or 0) <= MAX_EVERY:
            raise _refuse(
                "schedule.every_seconds", "range", f"{MIN_EVERY} to {MAX_EVERY} seconds", every
            )
    elif not (isinstance(cron, str) and 0 < len(cron) <= 200):
        raise _refuse("schedule.cron", "type", "a cron expression", cron)
    return dict(schedule)


def check_import(then_import: Any, kind: str, config: dict[str, Any]) -> dict[str, Any] | None:
    """None (a change only adds a dataset version), or the import each change runs:
    `mapping`, `mode`, and optionally `branch` and `allow_partial`."""
    if then_import is None:
        return None
    if not isinstance(then_import, dict):
        raise _refuse("import", "type", "an object", then_import)
    known = {"mapping", "mode", "branch", "allow_partial"}
    for key in then_import:
        if key not in known:
            raise _refuse(f"import.{key}", "unknown_key", " | ".join(sorted(known)), key)
    names.check_name("mapping", then_import.get("mapping"), names.MAPPING_NAME, "import.mapping")
    mode = then_import.get("mode", "upsert")
    if mode not in IMPORT_MODES:
        raise _refuse("import.mode", "unknown_mode", " | ".join(IMPORT_MODES), mode)
    if mode == "snapshot" and kind == "postgresql" and "watermark" in config:
        raise _refuse(
            "import.mode",
            "snapshot_of_increments",
            "upsert or append: a sync past a watermark reads only the rows that changed, so "
            "a snapshot of it would delete the others",
            mode,
        )
    branch = names.check_branch(then_import.get("branch", names.MAIN_BRANCH), "import.branch")
    partial = then_import.get("allow_partial", False)
    if not isinstance(partial, bool):
        raise _refuse("import.allow_partial", "type", "true or false", partial)
    return {
        "mapping": then_import["mapping"],
        "mode": mode,
        "branch": branch,
        "allow_partial": partial,
    }


def masked(config: dict[str, Any]) -> dict[str, Any]:
    """A config as answers show it: a sealed secret is `***`, a reference keeps its name."""
    return {k: (MASK if isinstance(v, dict) and "encrypted" in v else v) for k, v in config.items()}
