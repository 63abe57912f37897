"""Datasets through the API: uploads in every format and encoding, versions kept once per
content, previews and profiles, files fetched from a URL or a Google Sheets share link, and
bad files refused naming the file, row and reason with nothing kept."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from spice.adapters.web.fetcher import PublicUrlFetcher
from tests.api.support import QuietHandler, container_of, fetch_from_loopback, head, serving

DATASETS = "/api/v1/databases/demo/datasets"
SHARED = Path(__file__).resolve().parents[1] / "data" / "datasets"  # copied from the shared set
KOREAN = '이름,도시,금액\n김철수,서울,"1,200"\n이영희,부산,800\n'


def _upload(client: TestClient, name: str, filename: str, data: bytes, **headers: str) -> Any:
    return client.post(
        f"{DATASETS}/{name}/versions?wait=true&timeout=10",
        files={"file": (filename, data, "application/octet-stream")},
        headers=headers,
    )


def _rows(client: TestClient, name: str, **params: Any) -> Any:
    r = client.get(f"{DATASETS}/{name}/preview", params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_a_csv_upload_is_a_version_kept_once_per_content(demo: TestClient) -> None:
    data = (SHARED / "small" / "customers.csv").read_bytes()
    first = _upload(demo, "customers", "customers.csv", data)
    assert first.status_code == 200, first.text
    result = first.json()["data"]["result"]
    assert (result["version"], result["unchanged"]) == (1, False)
    assert result["tables"][0]["rows"] == 10 and len(result["tables"][0]["columns"]) == 10
    again = _upload(demo, "customers", "customers.csv", data).json()["data"]["result"]
    assert (again["version"], again["unchanged"]) == (1, True)
    extra = "C011,박민수,minsu@example.com,010-1111-2222,1999-01-01,2024-01-01,대전,한국,,FALSE"
    changed = _upload(demo, "customers", "customers.csv", data.rstrip() + f"\n{extra}\n".encode())
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["result"]["version"] == 2
    shown = demo.get(f"{DATASETS}/customers").json()["data"]
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert shown["versions"][0]["detected"] == {"encoding": "utf-8", "delimiter": ","}
    listed = demo.get(DATASETS).json()["data"]
    assert [(d["name"], d["versions"]) for d in listed["datasets"]] == [("customers", 2)]
    page = _rows(demo, "customers", offset=9, limit=5)
    assert page["total"] == 11 and page["next_offset"] is None
    assert page["rows"][1][:3] == ["C011", "박민수", "minsu@example.com"]
    assert page["rows"][1][8] is None  # an empty cell
    assert _rows(demo, "customers", version=1)["total"] == 10
    profile = demo.get(f"{DATASETS}/customers/profile").json()["data"]
    purchases = next(c for c in profile["columns"] if c["name"] == "total_purchases")
    assert (purchases["nulls"], purchases["numeric"], purchases["min"]) == (1, True, 45000.0)
    assert purchases["null_ratio"] == round(1 / 11, 4)
    country = next(c for c in profile["columns"] if c["name"] == "country")
    assert country["top_values"] == [{"value": "한국", "count": 11}]
    assert country["distinct_ratio"] == round(1 / 11, 4)
    # Datasets are not commits of any branch.
    commits = demo.get("/api/v1/databases/demo/commits").json()["data"]["commits"]
    assert "ADD_DATASET_VERSION" not in {c["command_type"] for c in commits}


@pytest.mark.parametrize(
    ("filename", "data", "encoding", "delimiter"),
    [
        ("k.csv", KOREAN.encode("cp949"), "cp949", ","),
        ("k.csv", KOREAN.encode("utf-8-sig"), "utf-8-sig", ","),
        (
            "k.tsv",
            KOREAN.replace(",", "\t").replace('"1\t200"', "1,200").encode("utf-16"),
            "utf-16",
            "\t",
        ),
        ("k.csv", KOREAN.replace(",", ";").replace('"1;200"', '"1,200"').encode(), "utf-8", ";"),
    ],
    ids=["cp949", "utf8-bom", "utf16-tab", "semicolon"],
)
def test_encodings_and_delimiters_are_detected(
    demo: TestClient, filename: str, data: bytes, encoding: str, delimiter: str
) -> None:
    r = _upload(demo, "korean", filename, data)
    assert r.status_code == 200, r.text
    version = demo.get(f"{DATASETS}/korean").json()["data"]["versions"][-1]
    assert version["detected"] == {"encoding": encoding, "delimiter": delimiter}
    page = _rows(demo, "korean")
    assert page["columns"] == ["이름", "도시", "금액"]
    assert page["rows"] == [["김철수", "서울", "1,200"], ["이영희", "부산", "800"]]


def test_quoted_fields_keep_their_commas_and_line_breaks(demo: TestClient) -> None:
    data = b'id,note\n1,"a, b"\n2,"two\nlines"\n\n3,plain\n'
    assert _upload(demo, "notes", "notes.csv", data).status_code == 200
    assert _rows(demo, "notes")["rows"] == [["1", "a, b"], ["2", "two\nlines"], ["3", "plain"]]


def test_every_sheet_of_a_workbook_and_json_files_are_tables(demo: TestClient) -> None:
    book = Workbook()
    first = book.active
    first.title = "주문"
    first.append(["order_id", "qty", "paid"])
    first.append(["o1", 3, True])
    first.append(["o2", None, False])
    book.create_sheet("empty")
    second = book.create_sheet("items")
    second.append(["sku"])
    second.append(["S-1"])
    raw = io.BytesIO()
    book.save(raw)
    assert _upload(demo, "book", "book.xlsx", raw.getvalue()).status_code == 200
    version = demo.get(f"{DATASETS}/book").json()["data"]["versions"][0]
    assert [t["name"] for t in version["tables"]] == ["주문", "items"]
    assert version["detected"] == {"sheets": ["주문", "items"]}
    assert _rows(demo, "book")["rows"] == [["o1", "3", "True"], ["o2", None, "False"]]
    assert _rows(demo, "book", table="items")["rows"] == [["S-1"]]
    assert demo.get(f"{DATASETS}/book/preview", params={"table": "nope"}).status_code == 404
    records = [{"id": 1, "tags": ["a"], "ok": True}, {"id": 2, "extra": "x"}]
    assert _upload(demo, "js", "r.json", json.dumps({"data": records}).encode()).status_code == 200
    assert _rows(demo, "js")["columns"] == ["id", "tags", "ok", "extra"]
    assert _rows(demo, "js")["rows"] == [["1", '["a"]', "true", None], ["2", None, None, "x"]]
    lines = "\n".join(json.dumps(r) for r in records).encode()
    assert _upload(demo, "jl", "r.jsonl", lines).status_code == 200
    assert _rows(demo, "jl")["total"] == 2


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("long.csv", b"a,b\n1,2\n1,2,3\n", "long.csv, row 3: 3 values where the header has 2"),
        ("empty.csv", b"\n\n", "empty.csv: the file is empty"),
        ("dup.csv", b"a,a\n1,2\n", "dup.csv, row 1: column 'a' appears twice"),
        ("broken.xlsx", b"PK\x03\x04not a zip", "broken.xlsx: not a readable .xlsx workbook"),
        ("bad.json", b'[{"a": 1}, ', "bad.json: not valid JSON"),
        ("bad.jsonl", b'{"a": 1}\n[1]\n', "bad.jsonl, row 2: each record must be a JSON object"),
    ],
    ids=["long-row", "empty", "duplicate-column", "corrupt-xlsx", "bad-json", "bad-jsonl"],
)
def test_a_bad_file_is_refused_naming_file_row_and_reason_and_nothing_is_kept(
    demo: TestClient, filename: str, data: bytes, message: str
) -> None:
    before = head(demo)
    r = _upload(demo, "bad", filename, data)
    assert r.status_code == 422
    assert r.json()["message"].startswith(message), r.json()["message"]
    assert r.json()["details"]["errors"][0]["value"] == filename
    assert head(demo) == before
    assert container_of(demo).blobs.list_keys("datasets/") == []
    assert demo.get(f"{DATASETS}/bad").status_code == 404


def test_a_retry_with_the_same_idempotency_key_answers_the_same_version(demo: TestClient) -> None:
    data = b"id\n1\n"
    first = _upload(demo, "ids", "ids.csv", data, **{"Idempotency-Key": "upload-1"})
    second = _upload(demo, "ids", "ids.csv", data, **{"Idempotency-Key": "upload-1"})
    assert first.json()["data"]["command_id"] == second.json()["data"]["command_id"]
    assert second.json()["data"]["result"]["version"] == 1
    assert len(demo.get(f"{DATASETS}/ids").json()["data"]["versions"]) == 1
    assert _upload(demo, "ids", "ids.csv", data, **{"Idempotency-Key": "upload-1"}).is_success
    other = _upload(demo, "ids", "ids.csv", b"id\n2\n", **{"Idempotency-Key": "upload-1"})
    assert other.status_code == 409  # the key was used for other content


class _Files(QuietHandler):
    """Serves a CSV, and a Google Sheets CSV export per tab, as Google names them."""

    def do_GET(self) -> None:  # noqa: N802 - the handler's protocol
        if self.path == "/files/stock.csv":
            self._send(b"sku,qty\nS1,3\n", None)
        elif self.path == "/moved":  # a redirect, as file hosts answer
            self.send_response(302)
            self.send_header("Location", "/files/stock.csv")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/spreadsheets/d/SHEET123/export?format=csv&gid=7"):
            self._send("지점,매출\n강남,1200\n".encode(), "재고 - 지점.csv")
        else:
            self.send_error(404)

    def _send(self, body: bytes, filename: str | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        if filename:
            quoted = filename.encode().hex("%", 1).upper()
            self.send_header("Content-Disposition", f"attachment; filename*=UTF-8''%{quoted}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def files_server() -> Iterator[str]:
    with serving(_Files) as url:
        yield url


def _from_url(client: TestClient, name: str, url: str) -> Any:
    return client.post(f"{DATASETS}/{name}/versions/from-url?wait=true", json={"url": url})


def test_files_come_from_a_url_and_from_a_google_sheets_share_link(
    demo: TestClient, files_server: str
) -> None:
    fetch_from_loopback(demo)
    r = _from_url(demo, "stock", f"{files_server}/files/stock.csv")
    assert r.status_code == 200, r.text
    assert _rows(demo, "stock")["rows"] == [["S1", "3"]]
    share = f"{files_server}/spreadsheets/d/SHEET123/edit?usp=sharing#gid=7"
    r = _from_url(demo, "sales", share)
    assert r.status_code == 200, r.text
    version = demo.get(f"{DATASETS}/sales").json()["data"]["versions"][0]
    assert (version["filename"], version["source"]) == ("재고 - 지점.csv", share)
    assert _rows(demo, "sales")["rows"] == [["강남", "1200"]]
    missing = _from_url(demo, "gone", f"{files_server}/files/none.csv")
    assert missing.status_code == 400 and "404" in missing.json()["message"]
    assert _from_url(demo, "ftp", "ftp://example.com/x.csv").status_code == 400
    assert demo.get(f"{DATASETS}/gone").status_code == 404
    container_of(demo).datasets.max_bytes = 8  # SPICE_MAX_UPLOAD_BYTES, made tiny
    too_big = _from_url(demo, "big", f"{files_server}/files/stock.csv")
    assert too_big.status_code == 413 and too_big.json()["details"]["max_bytes"] == 8


def test_a_url_on_the_servers_own_network_is_refused_unless_allowed(
    demo: TestClient, files_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server fetches a URL on a client's behalf: by default it refuses loopback,
    private and link-local addresses, whatever name they are reached by, and redirects to
    them; nothing is stored."""
    port = files_server.rsplit(":", 1)[1]
    for url in (
        f"{files_server}/files/stock.csv",
        f"http://localhost:{port}/files/stock.csv",
        "http://10.1.2.3/x.csv",
        "http://169.254.169.254/latest/meta-data",
        f"http://[::1]:{port}/files/stock.csv",
    ):
        r = _from_url(demo, "stock", url)
        assert r.status_code == 400, (url, r.text)
        assert "non-public address" in r.json()["message"], r.text
    assert _from_url(demo, "nohost", "http://no-such-host.invalid/x.csv").status_code == 400
    assert demo.get(f"{DATASETS}/stock").status_code == 404
    fetcher = container_of(demo).datasets.fetcher
    assert isinstance(fetcher, PublicUrlFetcher)
    fetcher.allow_private = True
    assert _from_url(demo, "stock", f"{files_server}/moved").status_code == 200
    fetcher.allow_private = False
    # As if the first address were public: the redirect's target is checked on its own.
    checked: list[str] = []
    real = fetcher.check_address

    def public_first(url: str) -> None:
        checked.append(url)
        if len(checked) > 1:
            real(url)

    monkeypatch.setattr(fetcher, "check_address", public_first)
    r = _from_url(demo, "again", f"{files_server}/moved")
    assert r.status_code == 400 and "non-public address" in r.json()["message"], r.text
    assert checked == [f"{files_server}/moved", f"{files_server}/files/stock.csv"]


def test_inference_and_an_ontology_suggested_from_uploaded_datasets(demo: TestClient) -> None:
    for name in ("warehouses", "orders", "clients"):
        data = (SHARED / "synthetic_3pl" / f"{name}.csv").read_bytes()
        assert _upload(demo, name, f"{name}.csv", data).status_code == 200
    r = demo.get(f"{DATASETS}/orders/inference")
    assert r.status_code == 200, r.text
    inferred = r.json()["data"]
    types = {c["name"]: c["type"] for c in inferred["columns"]}
    assert types["order_datetime"] == "datetime" and types["currency"] == "enum"
    assert inferred["primary_key"] == ["order_id"]
    assert inferred["suggested_class"]["id"] == "Order"
    before = head(demo)
    suggested = demo.post(f"{DATASETS}/suggest-ontology", json={}).json()["data"]
    assert head(demo) == before  # a suggestion writes nothing
    by_id = {cls["id"]: cls for cls in suggested["classes"]}
    assert by_id["Order"]["relationships"] == [
        {"predicate": "client", "target": "Client", "cardinality": "n:1"},
        {"predicate": "ship_from_warehouse", "target": "Warehouse", "cardinality": "n:1"},
    ]
    for cls in suggested["classes"]:  # the suggestion is an ontology the server accepts
        created = demo.post("/api/v1/database/demo/ontology?wait=true", json=cls)
        assert created.status_code == 200, created.text
    only = demo.post(f"{DATASETS}/suggest-ontology", json={"datasets": ["clients"]}).json()
    assert [c["id"] for c in only["data"]["classes"]] == ["Client"]
    assert demo.post(f"{DATASETS}/suggest-ontology", json={"datasets": ["x"]}).status_code == 404


def test_the_seed_era_inline_suggestion(demo: TestClient) -> None:
    body = {
        "data": [
            ["P-1", "사과", 1200, True, "2024-03-05", "kim@example.com"],
            ["P-2", "배", 800.5, False, "2024-03-06", "lee@example.com"],
            ["P-3", "감", None, True, "2024-03-07", "park@example.com"],
        ],
        "columns": ["product_id", "이름", "price", "active", "released", "contact"],
        "class_name": "Product",
        "include_complex_types": True,
    }
    r = demo.post("/api/v1/database/demo/suggest-schema-from-data", json=body)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["status"] == "success"
    schema = answer["suggested_schema"]
    assert schema["id"] == "Product" and schema["label"] == "Product"
    props = {p["name"]: p for p in schema["properties"]}
    assert props["product_id"]["primary_key"] is True
    assert props["ireum"]["label"] == {"ko": "이름"}
    assert [props[n]["type"] for n in ("price", "active", "released", "contact")] == [
        "decimal",
        "boolean",
        "date",
        "email",
    ]
    assert "required" not in props["price"]  # one row has no price
    basic = demo.post(
        "/api/v1/database/demo/suggest-schema-from-data",
        json={**body, "include_complex_types": False},
    ).json()["suggested_schema"]
    assert {p["name"]: p["type"] for p in basic["properties"]}["contact"] == "string"
    # Inference needs no database: a client may infer before creating it.
    before = demo.post("/api/v1/database/nodb/suggest-schema-from-data", json=body)
    assert before.status_code == 200, before.text
    ragged = demo.post(
        "/api/v1/database/demo/suggest-schema-from-data",
        json={"data": [["a", "b", "c"]], "columns": ["x", "y"]},
    )
    assert ragged.status_code == 422


def test_a_korean_file_is_a_dataset_and_a_class_named_in_korean(demo: TestClient) -> None:
    """`재고.csv` (CP949, Korean headers) is the dataset `재고` at its percent-encoded path;
    its class is labelled `재고` with a readable id, and its link to `거래처.csv` (UTF-8) is
    found through the Korean headers."""
    stock = "재고번호,거래처코드,수량,비고\n1,V-1,5,정상\n2,V-2,7,파손\n3,V-1,2,정상\n"
    vendors = "거래처코드,거래처명\nV-1,한빛상사\nV-2,대성물산\n"
    assert _upload(demo, quote("재고"), "재고.csv", stock.encode("cp949")).status_code == 200
    assert _upload(demo, quote("거래처"), "거래처.csv", vendors.encode()).status_code == 200
    listed = demo.get(DATASETS).json()["data"]["datasets"]
    assert {d["name"] for d in listed} >= {"재고", "거래처"}
    found = demo.get(f"{DATASETS}/{quote('재고')}").json()["data"]
    assert found["name"] == "재고" and found["versions"][0]["detected"]["encoding"] == "cp949"
    inferred = demo.get(f"{DATASETS}/{quote('재고')}/inference").json()["data"]
    assert inferred["suggested_class"]["id"] == "Jaego"
    assert inferred["suggested_class"]["label"] == {"ko": "재고"}
    assert {c["name"]: c["type"] for c in inferred["columns"]}["재고번호"] == "integer"
    suggested = demo.post(f"{DATASETS}/suggest-ontology", json={"datasets": ["재고", "거래처"]})
    links = suggested.json()["data"]["links"]
    assert [(x["dataset"], x["column"], x["target_dataset"]) for x in links] == [
        ("재고", "거래처코드", "거래처")
    ]
    refused = _upload(demo, quote("재 고"), "x.csv", stock.encode())  # a space: no name
    assert refused.status_code == 422
