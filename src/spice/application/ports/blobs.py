"""The blob store port: write-once files (datasets, snapshots, log archives) by key.

A key is written once. Writing the same bytes again is a no-op that returns the stored blob;
other bytes under a stored key are a `Conflict`, so what an audit trail points at cannot
change. Each blob carries the SHA-256 of its bytes, checked by readers that care.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import IO, BinaryIO

from spice.domain.errors import BadRequest, Conflict

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=-]*(/[A-Za-z0-9][A-Za-z0-9._=-]*)*$")
MAX_KEY = 512
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BlobInfo:
    """A stored blob: its key, size, SHA-256 and description."""

    key: str
    size: int
    sha256: str
    content_type: str


def check_key(key: str) -> str:
    if not isinstance(key, str) or len(key) > MAX_KEY or not KEY.fullmatch(key):
        raise BadRequest(
            "a blob key is names of letters, digits, '.', '_', '-' and '=' joined by '/'",
            {"key": key},
        )
    return key


def spooled(source: bytes | IO[bytes]) -> tuple[IO[bytes], int, str]:
    """The bytes of `source` in a rewound temporary file (in memory when small), with their
    size and SHA-256."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        spool.write(source)
        digest.update(source)
    else:
        while chunk := source.read(CHUNK):
            spool.write(chunk)
            digest.update(chunk)
    size = spool.tell()
    spool.seek(0)
    return spool, size, digest.hexdigest()


def same_blob(stored: BlobInfo, wanted: BlobInfo) -> BlobInfo:
    """`stored` when `wanted` is the same content, else the `Conflict` of a second write."""
    if stored.sha256 != wanted.sha256:
        raise Conflict(
            f"blob {stored.key!r} exists with other content; blobs are written once",
            {"key": stored.key, "stored_sha256": stored.sha256, "sha256": wanted.sha256},
        )
    return stored


def copy_stream(source: IO[bytes], target: IO[bytes]) -> None:
    shutil.copyfileobj(source, target, CHUNK)


class BlobStore(ABC):
    """Write-once blobs (datasets, snapshots, archives) by key: a key is stored once, with its
    SHA-256; writing it again with other content is a conflict."""

    @abstractmethod
    def put(
        self, key: str, source: bytes | BinaryIO, content_type: str = "application/octet-stream"
    ) -> BlobInfo:
        """Store `source` under `key` (see the module docstring for rewrites)."""

    @abstractmethod
    def open(self, key: str) -> IO[bytes]:
        """The blob's bytes as a stream; `NotFound` when there is none."""

    @abstractmethod
    def info(self, key: str) -> BlobInfo | None: ...

    @abstractmethod
    def list_keys(self, prefix: str = "", after: str | None = None, limit: int = 1000) -> list[str]:
        """Keys starting with `prefix`, in byte order, after `after`."""

    @abstractmethod
    def delete(self, key: str) -> bool:
        """Remove a blob (retention, tests); False when there was none."""

    @abstractmethod
    def health(self) -> dict[str, object]: ...

    def read(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
