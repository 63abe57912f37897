"""Objects under a prefix of an S3-compatible bucket as a connector's source: each object
that is new or whose ETag changed since the last sync is a file of its own (a dataset
version), in key order. The cursor is the ETag of every object seen."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from spice.application.addresses import check_host
from spice.application.ports.sources import Reading, SourceFile, SourceReader
from spice.domain.errors import BadRequest, PayloadTooLarge

FORMATS = (".csv", ".xlsx", ".json", ".jsonl", ".ndjson")
MAX_OBJECTS = 10_000


class S3Source(SourceReader):
    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private

    def read(self, config: dict[str, Any], cursor: dict[str, Any], max_bytes: int) -> Reading:
        bucket, prefix = str(config["bucket"]), str(config.get("prefix") or "")
        endpoint = config.get("endpoint_url")
        if endpoint:
            parts = urlsplit(str(endpoint))
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise BadRequest("config.endpoint_url must be an http(s) URL")
            port = parts.port or (443 if parts.scheme == "https" else 80)
            check_host(parts.hostname, port, self.allow_private, "s3")
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=config.get("region") or "us-east-1",
            aws_access_key_id=config.get("access_key_id"),
            aws_secret_access_key=config.get("secret_access_key"),
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 2, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )
        seen: dict[str, str] = dict(cursor.get("objects") or {})
        try:
            listed = self._list(client, bucket, prefix)
            files = []
            for key, etag, size in listed:
                if seen.get(key) == etag:
                    continue
                if size > max_bytes:
                    raise PayloadTooLarge(f"s3://{bucket}/{key} is larger than {max_bytes} bytes")
                data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
                seen[key] = etag
                source = f"s3://{bucket}/{key}"
                detected = {"cursor": {"objects": {key: etag}}}
                files.append(SourceFile(key.rsplit("/", 1)[-1], data, source, detected))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            message = f"{error.get('Code', '')} {error.get('Message', '')}".strip()
            raise BadRequest(f"s3 source: {message}", {"bucket": bucket}) from None
        except BotoCoreError as exc:
            raise BadRequest(f"s3 source: {exc}", {"bucket": bucket}) from None
        return Reading(files, {"objects": seen})

    def _list(self, client: Any, bucket: str, prefix: str) -> list[tuple[str, str, int]]:
        """(key, ETag, size) of each file of a dataset format under the prefix, by key."""
        found = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = str(item["Key"])
                if key.lower().endswith(FORMATS):
                    found.append((key, str(item["ETag"]).strip('"'), int(item["Size"])))
                if len(found) > MAX_OBJECTS:
                    raise BadRequest(f"more than {MAX_OBJECTS} objects under the prefix")
        return sorted(found)
