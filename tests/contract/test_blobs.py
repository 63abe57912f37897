"""The blob store port, on local files and on S3 (S3Proxy): write-once keys, streams,
listing in key order, and keys that nest."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from spice.adapters.distributed.s3_blobs import S3BlobStore
from spice.adapters.embedded.file_blobs import FileBlobStore
from spice.application.ports.blobs import BlobStore
from spice.domain.errors import BadRequest, Conflict, NotFound, Unavailable
from tests.services import fresh, require


@pytest.fixture(params=["files", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    store: BlobStore = (
        FileBlobStore(tmp_path / "blobs")
        if request.param == "files"
        else S3BlobStore(fresh(require("s3"), "prefix"))
    )
    try:
        yield store
    finally:
        if isinstance(store, S3BlobStore):
            for key in store.list_keys(limit=10_000):
                store.delete(key)
        store.close()


def test_a_blob_reads_back_with_its_hash_and_type(blobs: BlobStore) -> None:
    data = "창고,재고\n서울,12\n".encode()
    info = blobs.put("datasets/stock.csv", data, "text/csv")
    assert info.size == len(data) and info.sha256 == hashlib.sha256(data).hexdigest()
    assert blobs.info("datasets/stock.csv") == info
    assert blobs.read("datasets/stock.csv") == data
    assert blobs.info("datasets/nope.csv") is None
    with pytest.raises(NotFound):
        blobs.open("datasets/nope.csv")


def test_a_key_is_written_once(blobs: BlobStore) -> None:
    first = blobs.put("snap/1", b"state one")
    assert blobs.put("snap/1", b"state one") == first  # the same bytes again: nothing changes
    with pytest.raises(Conflict):
        blobs.put("snap/1", b"state two")
    assert blobs.read("snap/1") == b"state one"


def test_concurrent_writers_of_one_key_leave_one_blob(blobs: BlobStore) -> None:
    """Eight writers released together with different bytes: exactly one stores its blob,
    the others are refused, and the blob is the winner's (a last-writer-wins store fails)."""
    writers = 8
    barrier = threading.Barrier(writers)

    def write(n: int) -> str:
        barrier.wait()
        try:
            blobs.put("race", f"writer {n}".encode())
            return "stored"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(writers) as pool:
        outcomes = list(pool.map(write, range(writers)))
    assert sorted(outcomes) == ["conflict"] * (writers - 1) + ["stored"]
    content = blobs.read("race")
    assert content == f"writer {outcomes.index('stored')}".encode()
    assert blobs.info("race").sha256 == hashlib.sha256(content).hexdigest()  # type: ignore[union-attr]


def test_a_large_stream_goes_in_and_out_unchanged(blobs: BlobStore) -> None:
    data = os.urandom(9 * 1024 * 1024 + 17)  # past the in-memory spool
    info = blobs.put("archives/big.bin", io.BytesIO(data))
    assert info.size == len(data)
    with blobs.open("archives/big.bin") as stream:
        assert hashlib.sha256(stream.read()).hexdigest() == info.sha256


def test_keys_list_in_byte_order(blobs: BlobStore) -> None:
    for key in ("b", "a/2", "a/1", "a/10", "c", "d/x/y"):
        blobs.put(key, key.encode())
    assert blobs.list_keys() == ["a/1", "a/10", "a/2", "b", "c", "d/x/y"]
    assert blobs.list_keys("a/") == ["a/1", "a/10", "a/2"]
    assert blobs.list_keys(after="a/2", limit=2) == ["b", "c"]
    assert blobs.delete("a/10") is True and blobs.delete("a/10") is False
    assert blobs.list_keys("a") == ["a/1", "a/2"]
    assert blobs.health()["ok"] is True


def test_local_files_hold_a_key_and_keys_under_it(tmp_path: Path) -> None:
    """S3 has no folders; the file layout must not make `a` and `a/b` exclusive either.
    (S3Proxy's filesystem backend, the test engine here, cannot hold both.)"""
    store = FileBlobStore(tmp_path)
    for key in ("a/1/x", "a", "a/1"):
        store.put(key, key.encode())
    assert store.list_keys() == ["a", "a/1", "a/1/x"]
    assert [store.read(k) for k in store.list_keys()] == [b"a", b"a/1", b"a/1/x"]


@pytest.mark.parametrize("key", ["", "/a", "a//b", "../x", "a/../b", "a b", "a~blob", "x" * 600])
def test_bad_keys_are_refused(blobs: BlobStore, key: str) -> None:
    with pytest.raises(BadRequest):
        blobs.put(key, b"x")


def test_s3_that_cannot_be_reached_raises_unavailable() -> None:
    store = S3BlobStore("s3://k:s@bucket?endpoint=http://127.0.0.1:9")
    try:
        with pytest.raises(Unavailable):
            store.put("a", b"x")
        assert store.health()["ok"] is False
    finally:
        store.close()


def test_a_description_cut_short_by_a_crash_is_worked_out_again(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    info = store.put("d/x.csv", b"a,b\n1,2\n", "text/csv")
    (tmp_path / "data" / "d" / "x.csv~meta").write_text("")  # empty after a power loss
    again = store.info("d/x.csv")
    assert again is not None and again.sha256 == info.sha256 and again.size == info.size
    assert store.put("d/x.csv", b"a,b\n1,2\n") == again
