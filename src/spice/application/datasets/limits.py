"""Bounds on reading an uploaded file, so that no file can make the reader run for minutes
or fail in a way it does not explain: a time limit per file, and a check of a workbook's
XML before openpyxl reads it.

openpyxl reads XML 16 KiB at a time, and expat (before 2.6) scans an unfinished token again
on every read, so one long comment, tag or processing instruction costs the square of its
length: 32 MiB of comment, packed into 34 KB, took a minute. The check reads every XML part
once, in chunks, and refuses a part with a DTD (entities: "billion laughs", external files),
nesting deeper than any workbook has, or a token longer than any workbook has; within those
bounds openpyxl's reading stays close to linear. `defusedxml`, which openpyxl uses when it
is installed, refuses DTDs in whatever the check did not read.
"""

from __future__ import annotations

import codecs
import io
import time
import zipfile
from typing import IO, Any
from xml.parsers import expat

READ_SECONDS = 120.0
MAX_UNPACKED = 1024 * 1024 * 1024  # a workbook's parts, unpacked
MAX_XML_DEPTH = 128  # a sheet nests about 6 deep, a chart about 20
MAX_XML_TOKEN = 128 * 1024  # a comment, tag (with its attributes) or instruction
CHUNK = 128 * 1024
XML_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Unreadable(Exception):
    """A file the reader refuses; the message is the reason (the caller names the file)."""


class Deadline:
    """The time one file may take to read."""

    def __init__(self, seconds: float = READ_SECONDS) -> None:
        self.seconds = seconds
        self.until = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise Unreadable(f"reading it took longer than {self.seconds:g} s")


def check_workbook(data: bytes, deadline: Deadline) -> None:
    """Refuse a workbook that unpacks too large, or whose XML has a DTD, nests too deep or
    holds a token too long (`Unreadable`); a broken archive is left for openpyxl to name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
        if unpacked > MAX_UNPACKED:
            raise Unreadable(f"it unpacks to {unpacked} bytes, more than {MAX_UNPACKED}")
        for part in parts:
            with archive.open(part) as source:
                _check_xml(part.filename, source, deadline)


def _looks_like_xml(head: bytes) -> bool:
    """Whether openpyxl could read a part as XML (anything else fails at its first byte)."""
    if head.startswith(XML_BOMS) or head[:2] in (b"<\x00", b"\x00<"):
        return True
    text = head.lstrip(b" \t\r\n")
    return not text or text.startswith(b"<")


def _check_xml(name: str, source: IO[bytes], deadline: Deadline) -> None:
    chunk = source.read(CHUNK)
    if not _looks_like_xml(chunk):
        return  # an image, a VBA project, printer settings: not parsed as XML
    check = _XmlCheck(name)
    fed = 0
    try:
        while chunk:
            check.parser.Parse(chunk, False)
            fed += len(chunk)
            # No event for longer than a token may be: expat is inside one token.
            if fed - check.seen > MAX_XML_TOKEN + CHUNK:
                raise Unreadable(
                    f"{name} holds an XML comment, tag or instruction longer than "
                    f"{MAX_XML_TOKEN // 1024} KiB"
                )
            deadline.check()
            chunk = source.read(CHUNK)
        check.parser.Parse(b"", True)
    except expat.ExpatError:
        return  # not well-formed: openpyxl names the error if it reads this part


class _XmlCheck:
    """An expat parser that notes where the last event started and how deep it is."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen = 0
        self.depth = 0
        # The namespace separator ElementTree uses, so that the same documents fail.
        self.parser = parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        for handler in (
            "CharacterDataHandler",
            "CommentHandler",
            "ProcessingInstructionHandler",
            "StartCdataSectionHandler",
            "EndCdataSectionHandler",
        ):
            setattr(parser, handler, self._mark)
        parser.StartDoctypeDeclHandler = self._doctype

    def _mark(self, *_: Any) -> None:
        self.seen = self.parser.CurrentByteIndex

    def _start(self, *_: Any) -> None:
        self.seen = self.parser.CurrentByteIndex
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise Unreadable(f"{self.name} nests elements more than {MAX_XML_DEPTH} deep")

    def _end(self, *_: Any) -> None:
        self.seen = self.parser.CurrentByteIndex
        self.depth -= 1

    def _doctype(self, *_: Any) -> None:
        raise Unreadable(
            f"{self.name} has a DTD (<!DOCTYPE ...>): no workbook needs one, and its "
            "entities are refused"
        )
