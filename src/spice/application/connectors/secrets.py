"""The secrets of connector configs: sealed before a definition becomes a command (so the
log never holds them in clear), and opened or looked up by reference only when a sync
reads its source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spice.application.ports.sources import SecretBox
from spice.domain.connectors import SECRETS
from spice.domain.errors import BadRequest, ValidationFailed, field_error

REF_PREFIX = "SPICE_SECRET_"


class Secrets:
    """`refs`: the secrets named by reference (SPICE_SECRET_<NAME>); `box`: the key that
    seals secrets given in clear (None: only references are taken)."""

    def __init__(self, refs: Mapping[str, str], box: SecretBox | None) -> None:
        self.refs = dict(refs)
        self.box = box

    def seal(self, kind: str, config: dict[str, Any]) -> dict[str, Any]:
        """`config` with each secret given in clear sealed; without a key such a secret is
        refused (naming the field, never echoing the value)."""
        out = dict(config)
        for key in SECRETS.get(kind, ()):
            value = out.get(key)
            if not isinstance(value, str):
                continue
            if self.box is None:
                raise ValidationFailed(
                    f'config.{key} is a secret: give it as {{"secret_ref": "NAME"}} '
                    f"(the setting {REF_PREFIX}NAME), or set SPICE_SECRETS_KEY to store it "
                    "sealed",
                    [field_error(f"config.{key}", "secret_in_clear", "a secret_ref", "***")],
                )
            out[key] = {"encrypted": self.box.seal(value)}
        return out

    def open(self, kind: str, config: dict[str, Any]) -> dict[str, Any]:
        """`config` with each secret in clear, for the source reader only."""
        out = dict(config)
        for key in SECRETS.get(kind, ()):
            value = out.get(key)
            if not isinstance(value, dict):
                continue
            if "secret_ref" in value:
                name = str(value["secret_ref"])
                if name not in self.refs:
                    raise BadRequest(
                        f"config.{key} names secret {name!r}, which is not set "
                        f"({REF_PREFIX}{name})",
                        {"secret_ref": name},
                    )
                out[key] = self.refs[name]
            else:
                if self.box is None:
                    raise BadRequest(f"config.{key} is sealed and SPICE_SECRETS_KEY is not set")
                try:
                    out[key] = self.box.open(str(value.get("encrypted")))
                except ValueError as exc:
                    raise BadRequest(f"config.{key}: {exc} (SPICE_SECRETS_KEY changed?)") from None
        return out


def refs_of(environ: Mapping[str, str]) -> dict[str, str]:
    """The secrets SPICE_SECRET_<NAME> variables set, by NAME."""
    return {k[len(REF_PREFIX) :]: v for k, v in environ.items() if k.startswith(REF_PREFIX) and v}
