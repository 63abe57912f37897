"""Blobs in S3-compatible object storage (the distributed profile).

URL: `s3://[access_key:secret@]bucket?endpoint=http://host:port&region=...&prefix=...`;
without credentials in the URL, boto3 finds them as usual (environment, profile, role).
Keys live under `prefix/` in the bucket, which is made on first use if it is missing.
Writes are conditional (`If-None-Match: *`), so of two writers of one key one wins and the
other compares; each object carries its SHA-256 in its metadata.
"""

from __future__ import annotations

import re
import threading
import time
from typing import IO, Any, BinaryIO, cast
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from spice.application.ports.blobs import BlobInfo, BlobStore, check_key, same_blob, spooled
from spice.domain.errors import NotFound, Unavailable

PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}
RACED = {"412", "PreconditionFailed", "409", "ConditionalRequestConflict"}
DENIED = {"403", "AccessDenied", "Forbidden"}
OWNED = {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}
HEALTHY_FOR = 30.0  # seconds a successful call counts as a health check


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def parse_url(url: str) -> tuple[dict[str, Any], str, str]:
    """(boto3 client options, bucket, key prefix)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ValueError(f"not an S3 URL: {url!r} (s3://[key:secret@]bucket?endpoint=...)")
    query = dict(parse_qsl(parts.query))
    prefix = query.get("prefix", "")
    if prefix and not PREFIX.fullmatch(prefix):
        raise ValueError(f"bad key prefix {prefix!r}")
    options: dict[str, Any] = {
        "region_name": query.get("region", "us-east-1"),
        "config": Config(
            s3={"addressing_style": "path"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
        ),
    }
    if "endpoint" in query:
        options["endpoint_url"] = query["endpoint"]
    if parts.username:
        options["aws_access_key_id"] = unquote(parts.username)
        options["aws_secret_access_key"] = unquote(parts.password or "")
    return options, parts.hostname, prefix


class S3BlobStore(BlobStore):
    """Raises `Unavailable` when the storage cannot be reached."""

    def __init__(self, url: str) -> None:
        options, self.bucket, self.prefix = parse_url(url)
        self._s3 = boto3.client("s3", **options)
        self._ready = False
        self._lock = threading.Lock()
        self._worked_at = 0.0

    def _object(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, what: str, fn: Any, **kwargs: Any) -> Any:
        self._ensure_bucket()
        return self._raw(what, fn, **kwargs)

    def _raw(self, what: str, fn: Any, **kwargs: Any) -> Any:
        """`fn(**kwargs)`; a missing object, a lost race or a refusal is left to the caller
        as `ClientError`, anything else is `Unavailable`."""
        try:
            result = fn(**kwargs)
        except ClientError as exc:
            if _code(exc) in MISSING | RACED | DENIED | OWNED:
                raise
            raise Unavailable(f"S3 failed to {what}: {exc}") from None
        except BotoCoreError as exc:
            raise Unavailable(f"S3 failed to {what}: {exc}") from None
        self._worked_at = time.monotonic()
        return result

    def _ensure_bucket(self) -> None:
        if self._ready:
            return
        with self._lock:
            try:
                self._raw("find the bucket", self._s3.head_bucket, Bucket=self.bucket)
            except ClientError as exc:
                if _code(exc) not in MISSING:
                    raise Unavailable(f"S3 refused the bucket {self.bucket}: {exc}") from None
                try:
                    self._raw("make the bucket", self._s3.create_bucket, Bucket=self.bucket)
                except ClientError as made:
                    if _code(made) not in OWNED:  # made meanwhile by another process
                        raise Unavailable(f"S3 failed to make the bucket: {made}") from None
            self._ready = True

    def put(
        self, key: str, source: bytes | BinaryIO, content_type: str = "application/octet-stream"
    ) -> BlobInfo:
        name = self._object(key)
        spool, size, sha256 = spooled(source)
        wanted = BlobInfo(key, size, sha256, content_type)
        with spool:
            try:
                existing = self.info(key)
            except Unavailable:
                existing = None  # may not describe what it may not list: the write decides
            if existing is not None:
                return same_blob(existing, wanted)
            try:
                self._call(
                    "write a blob",
                    self._s3.put_object,
                    Bucket=self.bucket,
                    Key=name,
                    Body=spool,
                    ContentLength=size,
                    ContentType=content_type,
                    Metadata={"sha256": sha256},
                    IfNoneMatch="*",
                )
            except ClientError as exc:
                if _code(exc) not in RACED:
                    raise Unavailable(f"S3 failed to write a blob: {exc}") from None
                stored = self.info(key)
                if stored is None:
                    raise Unavailable(f"S3 refused to write {key!r}: {exc}") from None
                return same_blob(stored, wanted)
        return wanted

    def open(self, key: str) -> IO[bytes]:
        try:
            got = self._call(
                "read a blob", self._s3.get_object, Bucket=self.bucket, Key=self._object(key)
            )
        except ClientError as exc:
            if _code(exc) in MISSING:
                raise NotFound(f"no blob {key!r}", {"key": key}) from None
            raise Unavailable(f"S3 refused to read {key!r}: {exc}") from None
        return cast(IO[bytes], got["Body"])

    def info(self, key: str) -> BlobInfo | None:
        try:
            head = self._call(
                "describe a blob", self._s3.head_object, Bucket=self.bucket, Key=self._object(key)
            )
        except ClientError as exc:
            if _code(exc) in MISSING:
                return None
            raise Unavailable(f"S3 refused to describe {key!r}: {exc}") from None
        sha256 = head.get("Metadata", {}).get("sha256", "")
        content_type = head.get("ContentType", "application/octet-stream")
        return BlobInfo(key, int(head["ContentLength"]), sha256, content_type)

    def list_keys(self, prefix: str = "", after: str | None = None, limit: int = 1000) -> list[str]:
        base = f"{self.prefix}/" if self.prefix else ""
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": base + prefix}
        if after is not None:
            kwargs["StartAfter"] = base + after
        found: list[str] = []
        while len(found) < limit:
            page = self._call("list blobs", self._s3.list_objects_v2, MaxKeys=limit, **kwargs)
            found += [item["Key"][len(base) :] for item in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                break
            kwargs["ContinuationToken"] = page["NextContinuationToken"]
        return found[:limit]

    def delete(self, key: str) -> bool:
        if self.info(key) is None:
            return False
        self._call(
            "delete a blob", self._s3.delete_object, Bucket=self.bucket, Key=self._object(key)
        )
        return True

    def health(self) -> dict[str, object]:
        """Asks S3 only when nothing has worked for HEALTHY_FOR seconds."""
        if time.monotonic() - self._worked_at < HEALTHY_FOR:
            return {"ok": True, "reason": None}
        try:
            self._ready = False
            self._ensure_bucket()
        except Unavailable as exc:
            return {"ok": False, "reason": exc.message}
        return {"ok": True, "reason": None}

    def close(self) -> None:
        self._s3.close()
