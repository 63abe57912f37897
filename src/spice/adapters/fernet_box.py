"""Secrets sealed with Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`) under the
key in the settings."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from spice.application.ports.sources import SecretBox


class FernetBox(SecretBox):
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ValueError("the secret was sealed with another key") from None
