"""Blobs as local files under a root directory (the embedded profile).

Key `a/b` is the file `a/b~blob` with its description in `a/b~meta`; `~` cannot occur in a
key, so `a` and `a/b` can both be blobs. A blob is written to a temporary file, synced, then
linked into place: the link fails when the key exists, so of two writers one wins and the
other compares. A crash between the link and the description leaves a blob whose
description is worked out again (as is one a crash cut short) when first asked for.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import IO, BinaryIO

from spice.application.ports.blobs import (
    BlobInfo,
    BlobStore,
    check_key,
    copy_stream,
    same_blob,
    spooled,
)
from spice.domain.errors import NotFound

BLOB, META = "~blob", "~meta"


class FileBlobStore(BlobStore):
    """Blobs as files under one directory, written once under their key with a SHA-256."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._data = self.root / "data"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._data.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str, suffix: str) -> Path:
        return self._data / (check_key(key) + suffix)

    def put(
        self, key: str, source: bytes | BinaryIO, content_type: str = "application/octet-stream"
    ) -> BlobInfo:
        target = self._path(key, BLOB)
        spool, size, sha256 = spooled(source)
        wanted = BlobInfo(key, size, sha256, content_type)
        tmp = self._tmp / uuid.uuid4().hex
        with spool:
            existing = self.info(key)
            if existing is not None:
                return same_blob(existing, wanted)
            try:
                with open(tmp, "wb") as f:
                    copy_stream(spool, f)
                    f.flush()
                    os.fsync(f.fileno())
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(tmp, target)
                _sync_dir(target.parent)
            except FileExistsError:  # another writer came first
                stored = self.info(key)
                assert stored is not None
                return same_blob(stored, wanted)
            finally:
                tmp.unlink(missing_ok=True)
        self._describe(wanted)
        return wanted

    def _describe(self, info: BlobInfo) -> None:
        meta = self._path(info.key, META)
        tmp = self._tmp / uuid.uuid4().hex
        body = {"size": info.size, "sha256": info.sha256, "content_type": info.content_type}
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(body))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, meta)
        _sync_dir(meta.parent)

    def open(self, key: str) -> IO[bytes]:
        try:
            return open(self._path(key, BLOB), "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            raise NotFound(f"no blob {key!r}", {"key": key}) from None

    def info(self, key: str) -> BlobInfo | None:
        try:
            body = json.loads(self._path(key, META).read_text(encoding="utf-8"))
            return BlobInfo(key, body["size"], body["sha256"], body["content_type"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no description, or one a crash cut short: work it out again
        try:
            with open(self._path(key, BLOB), "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
        except FileNotFoundError:
            return None
        info = BlobInfo(key, size, sha256, "application/octet-stream")
        self._describe(info)
        return info

    def list_keys(self, prefix: str = "", after: str | None = None, limit: int = 1000) -> list[str]:
        found = []
        for folder, _, files in os.walk(self._data):
            base = Path(folder).relative_to(self._data).as_posix()
            for name in files:
                if name.endswith(BLOB):
                    key = name[: -len(BLOB)] if base == "." else f"{base}/{name[: -len(BLOB)]}"
                    if key.startswith(prefix) and (after is None or key > after):
                        found.append(key)
        return sorted(found, key=lambda k: k.encode())[:limit]

    def delete(self, key: str) -> bool:
        path = self._path(key, BLOB)
        existed = path.exists()
        path.unlink(missing_ok=True)
        self._path(key, META).unlink(missing_ok=True)
        return existed

    def health(self) -> dict[str, object]:
        ok = os.access(self._data, os.W_OK) and os.access(self._tmp, os.W_OK)
        return {"ok": ok, "reason": None if ok else f"{self.root} is not writable"}


def _sync_dir(path: Path) -> None:
    """Make a new name in `path` survive a power loss."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
