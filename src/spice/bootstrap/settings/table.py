"""The settings as the Markdown table of docs/settings.md."""

from __future__ import annotations

from pathlib import Path

from spice.bootstrap.settings.model import Settings
from spice.bootstrap.settings.rules import env_name


def settings_table() -> str:
    """Every setting as a Markdown table: variable, default, profile, meaning."""
    rows = ["| variable | default | profile | meaning |", "| --- | --- | --- | --- |"]
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        default = info.default
        if isinstance(default, Path) and not default.is_absolute():
            default = f"./{default}"
        shown = f"`{default}`" if default not in ("", None) else "(empty)"
        profile = str(extra.get("profile", "both"))
        rows.append(f"| `{env_name(name)}` | {shown} | {profile} | {info.description} |")
    return "\n".join(rows) + "\n"
