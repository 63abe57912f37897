"""Typed settings, read from SPICE_* environment variables (or passed in directly) and
checked once at start-up: a bad value stops the process with one line naming the setting.

`fields` declares every setting, `rules` what their values must be, `model` the `Settings`
a process runs with (checks and what follows from them) and `load_settings`, `table` the
table of docs/settings.md (`python -m spice.bootstrap.settings` prints it). Every name is
importable from here.
"""

from __future__ import annotations

from spice.bootstrap.settings.model import Settings, load_settings
from spice.bootstrap.settings.rules import (
    DISTRIBUTED_REQUIRED,
    ENV_PREFIX,
    KNOWN_SECRETS,
    SCHEMES,
    SECRET_QUERY,
    SECRET_QUERY_KEYS,
    STRONG,
    SettingsError,
    env_name,
    mask,
)
from spice.bootstrap.settings.table import settings_table

__all__ = [
    "DISTRIBUTED_REQUIRED",
    "ENV_PREFIX",
    "KNOWN_SECRETS",
    "SCHEMES",
    "SECRET_QUERY",
    "SECRET_QUERY_KEYS",
    "STRONG",
    "Settings",
    "SettingsError",
    "env_name",
    "load_settings",
    "mask",
    "settings_table",
]
