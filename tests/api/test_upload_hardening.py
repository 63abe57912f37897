"""Uploads built to hurt the reader (from a security probe): a workbook whose XML holds a
huge comment or a DTD, JSON nested too deeply or holding a number too long for Python's
int, text that is not valid Unicode, and a CSV quote never closed. Each is refused at once
with 422 naming the file and the reason, and nothing is kept; a file fetched from a URL or
a Google Sheets share link is read the same way."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.support import QuietHandler, container_of, fetch_from_loopback, head, serving

DATASETS = "/api/v1/databases/demo/datasets"
SHEET_PATH = "xl/worksheets/sheet1.xml"
SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{before}'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>{cell}</t></is></c></row></sheetData>'
    "</worksheet>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
PACKAGE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
# "Billion laughs": each entity ten of the one before, 10**9 characters from a few hundred.
LAUGHS = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
ENTITIES = f'<!DOCTYPE x [<!ENTITY l0 "lol">{LAUGHS}]>\n'
UNCLOSED = b'id,note\n1,"never closed\n2,two\n3,three\n'


def _workbook(sheet: str | bytes, workbook: str = WORKBOOK.format(prolog="")) -> bytes:
    """An .xlsx package written part by part, so a test can put anything in its XML."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for path, text in PACKAGE.items():
            package.writestr(path, text)
        package.writestr("xl/workbook.xml", workbook)
        package.writestr(SHEET_PATH, sheet)
    return raw.getvalue()


def _sheet(prolog: str = "", before: str = "", cell: str = "1") -> str:
    return SHEET.format(prolog=prolog, before=before, cell=cell)


def _upload(client: TestClient, filename: str, data: bytes) -> Any:
    return client.post(
        f"{DATASETS}/bad/versions?wait=true&timeout=10",
        files={"file": (filename, data, "application/octet-stream")},
    )


def _rows(client: TestClient, name: str) -> list[list[Any]]:
    r = client.get(f"{DATASETS}/{name}/preview")
    assert r.status_code == 200, r.text
    rows: list[list[Any]] = r.json()["data"]["rows"]
    return rows


def _refused(client: TestClient, r: Any, filename: str) -> str:
    """The message of a 422 naming `filename`, after checking that nothing was kept."""
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["details"]["errors"][0]["value"] == filename, body
    assert container_of(client).blobs.list_keys("datasets/") == []
    assert client.get(f"{DATASETS}/bad").status_code == 404
    message: str = body["message"]
    return message


def test_the_hand_built_workbook_is_read(demo: TestClient) -> None:
    """The package the other tests bend is a workbook as Excel reads it."""
    r = _upload(demo, "ok.xlsx", _workbook(_sheet(before="<!-- a short comment -->")))
    assert r.status_code == 200, r.text
    assert _rows(demo, "bad") == [["1"]]


def test_a_workbook_whose_sheet_holds_a_huge_comment_is_refused_at_once(
    demo: TestClient,
) -> None:
    # 32 MiB of comment packs into about 34 KB; read 16 KiB at a time it took ~58 s.
    data = _workbook(_sheet(before=f"<!--{'x' * (32 * 1024 * 1024)}-->"))
    assert len(data) < 64 * 1024
    before = head(demo)
    started = time.monotonic()
    r = _upload(demo, "comment.xlsx", data)
    assert time.monotonic() - started < 10
    message = _refused(demo, r, "comment.xlsx")
    assert message.startswith(f"comment.xlsx: {SHEET_PATH} holds an XML comment, tag"), message
    assert head(demo) == before


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        (
            _sheet(before="<extLst>" * 200 + "</extLst>" * 200),
            f"x.xlsx: {SHEET_PATH} nests elements more than 128 deep",
        ),
        (
            _sheet().replace('t="inlineStr"><is><t>1</t></is>', f"><v>{'9' * 5000}</v>"),
            "x.xlsx: not a readable .xlsx workbook: Exceeds the limit (4300 digits)",
        ),
    ],
    ids=["nested-too-deep", "long-number"],
)
def test_a_workbook_too_deep_or_with_a_number_too_long_is_refused(
    demo: TestClient, sheet: str, message: str
) -> None:
    assert _refused(demo, _upload(demo, "x.xlsx", _workbook(sheet)), "x.xlsx").startswith(message)


@pytest.mark.parametrize(
    ("sheet", "workbook"),
    [
        (_sheet(prolog=ENTITIES, cell="&l9;"), WORKBOOK.format(prolog="")),
        (_sheet(), WORKBOOK.format(prolog=ENTITIES)),
    ],
    ids=["in-a-sheet", "in-the-workbook"],
)
def test_a_workbook_with_a_dtd_is_refused(demo: TestClient, sheet: str, workbook: str) -> None:
    message = _refused(demo, _upload(demo, "dtd.xlsx", _workbook(sheet, workbook)), "dtd.xlsx")
    assert message.startswith("dtd.xlsx: ") and "DTD" in message, message


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "deep.json: values nested too deeply"),
        (
            "deep.jsonl",
            b'{"a": 1}\n{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
            "deep.jsonl, row 2: values nested too deeply",
        ),
        (
            "big.json",
            b'[{"n": ' + b"7" * 5000 + b"}]",
            "big.json: a number of 5000 characters (at most 1000)",
        ),
        (
            "big.jsonl",
            b'{"n": 1}\n{"n": ' + b"7" * 5000 + b"}\n",
            "big.jsonl, row 2: a number of 5000 characters (at most 1000)",
        ),
        (
            "float.json",
            b'[{"n": 1.' + b"7" * 5000 + b"}]",
            "float.json: a number of 5002 characters (at most 1000)",
        ),
    ],
    ids=["deep-json", "deep-jsonl", "long-integer", "long-integer-jsonl", "long-float"],
)
def test_json_too_deep_or_with_a_number_too_long_is_refused(
    demo: TestClient, filename: str, data: bytes, message: str
) -> None:
    assert _refused(demo, _upload(demo, filename, data), filename) == message


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        (
            "lone.json",
            b'[{"name": "ok"}, {"name": "a\\ud800b"}]',
            "lone.json, row 2: column 'name' holds text that is not valid Unicode "
            "(a lone surrogate) and cannot be stored as UTF-8",
        ),
        (
            "key.jsonl",
            b'{"\\udfff": 1}\n',
            "key.jsonl: a column name holds text that is not valid Unicode "
            "(a lone surrogate) and cannot be stored as UTF-8",
        ),
    ],
    ids=["in-a-value", "in-a-column-name"],
)
def test_text_that_cannot_be_stored_as_utf8_is_refused(
    demo: TestClient, filename: str, data: bytes, message: str
) -> None:
    assert _refused(demo, _upload(demo, filename, data), filename) == message


def test_a_surrogate_pair_is_one_character_and_kept(demo: TestClient) -> None:
    r = _upload(demo, "emoji.json", b'[{"name": "\\ud83d\\ude00"}]')
    assert r.status_code == 200, r.text
    assert _rows(demo, "bad") == [["\U0001f600"]]
    assert demo.get(f"{DATASETS}/bad/profile").status_code == 200


def test_a_csv_quote_never_closed_is_refused_naming_its_line(demo: TestClient) -> None:
    message = _refused(demo, _upload(demo, "open.csv", UNCLOSED), "open.csv")
    assert message == "open.csv: a quote opened in the row on line 2 is never closed"
    stray = b'id,note\n1,ok\n2,"closed" then more\n'
    message = _refused(demo, _upload(demo, "stray.csv", stray), "stray.csv")
    assert message.startswith("stray.csv: line 3: "), message


class _BadFiles(QuietHandler):
    """Serves the bad files as a file host and as a Google Sheets CSV export would."""

    FILES = {
        "/files/open.csv": UNCLOSED,
        "/files/deep.json": b"[" * 100_000 + b"]" * 100_000,
        "/spreadsheets/d/BAD/export?format=csv&gid=0": UNCLOSED,
    }

    def do_GET(self) -> None:  # noqa: N802 - the handler's protocol
        body = self.FILES.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def bad_files() -> Iterator[str]:
    with serving(_BadFiles) as url:
        yield url


@pytest.mark.parametrize(
    ("path", "filename", "message"),
    [
        (
            "/files/open.csv",
            "open.csv",
            "open.csv: a quote opened in the row on line 2 is never closed",
        ),
        ("/files/deep.json", "deep.json", "deep.json: values nested too deeply"),
        (
            "/spreadsheets/d/BAD/edit#gid=0",
            "export.csv",
            "export.csv: a quote opened in the row on line 2 is never closed",
        ),
    ],
    ids=["csv", "json", "google-sheets"],
)
def test_a_fetched_file_is_read_as_an_upload_is(
    demo: TestClient, bad_files: str, path: str, filename: str, message: str
) -> None:
    fetch_from_loopback(demo)
    r = demo.post(f"{DATASETS}/bad/versions/from-url?wait=true", json={"url": bad_files + path})
    assert _refused(demo, r, filename) == message
