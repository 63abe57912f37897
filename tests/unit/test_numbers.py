"""Numbers as files write them (`spice.domain.numbers`), and the `parse` transform that
reads them with a column's decimal mark."""

from __future__ import annotations

import pytest

from spice.domain import names, numbers
from spice.domain.errors import ValidationFailed
from spice.domain.mappings import apply_transforms


@pytest.mark.parametrize(
    ("text", "mark", "plain"),
    [
        ("1,234.56", ".", "1234.56"),
        ("1.234,56", ",", "1234.56"),
        ("1 234,56", ",", "1234.56"),
        ("1\u00a0234,56", ",", "1234.56"),
        ("1'234.50", ".", "1234.50"),
        ("1.234.567", ",", "1234567"),
        ("1.234", ",", "1234"),
        ("1.234", ".", "1.234"),
        ("(1,200)", ".", "-1200"),
        ("-.5", ".", "-0.5"),
        ("12,5", ".", None),
        ("1,23", ".", None),
        ("1.2.3", ",", None),
        ("abc", ".", None),
    ],
)
def test_a_number_reads_with_its_decimal_mark(text: str, mark: str, plain: str | None) -> None:
    assert numbers.plain(text, mark) == plain


@pytest.mark.parametrize(
    ("text", "mark", "read"),
    [
        ("€5.139,52", ",", ("5139.52", "€")),
        ("5.139,52 €", ",", ("5139.52", "€")),
        ("-€12,00", ",", ("-12.00", "€")),
        ("EUR 1.234,56", ",", ("1234.56", "EUR")),
        ("($45.00)", ".", ("-45.00", "$")),
        ("12,000원", ".", ("12000", "원")),
        ("€", ".", None),
        ("12 apples", ".", None),
    ],
)
def test_money_has_its_mark_before_or_after(
    text: str, mark: str, read: tuple[str, str] | None
) -> None:
    assert numbers.money(text, mark) == read


def test_the_parse_transform_reads_a_decimal_comma_where_the_mapping_names_it() -> None:
    def parse(value: str, **t: str) -> object:
        return apply_transforms(value, [{"op": "parse", **t}])

    assert parse("€5.139,52", **{"as": "money", "decimal": ","}) == "5139.52 EUR"
    assert parse("1.200", **{"as": "integer", "decimal": ","}) == "1200"
    assert parse("12,5 %", **{"as": "percentage", "decimal": ","}) == "12.5"
    assert parse("1.200", **{"as": "decimal"}) == "1.200"  # a point without the mark
    assert parse("12,5", **{"as": "decimal"}) == "12.5"  # the older reading stays
    assert parse("nein", **{"as": "boolean"}) is False


def test_a_dataset_is_named_in_its_files_language() -> None:
    assert names.dataset_name_for("재고.csv") == "재고"
    assert names.dataset_name_for("Stock List.xlsx") == "Stock_List"
    assert names.dataset_name_for("\u1109\u1161\u11bc\u1111\u116e\u11b7.csv") == "상품"  # NFC
    for good in ("재고", "commandes_été", "orders", "2024.v1"):
        assert names.check_name("dataset", good, names.DATASET_NAME) == good
    for bad in ("재 고", "_x", "a/b", "a:b", ""):
        with pytest.raises(ValidationFailed):
            names.check_name("dataset", bad, names.DATASET_NAME)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("이름,금액\n김철수,1200\n", "cp949"),
        ("Name;Stadt\nÄrger Müller;Köln\n", "cp1252"),  # charset-normalizer alone says cp1250
        ("nom;prix\nVis à bois;12,50 €\nNúñez;3\n", "cp1252"),
        ("имя,город\nИван,Москва\n", "cp1251"),  # Cyrillic is not read as cp1252
    ],
)
def test_a_legacy_encoding_is_taken_only_where_its_text_reads(text: str, encoding: str) -> None:
    from spice.application.datasets.files import read_file

    parsed = read_file("x.csv", text.encode(encoding))
    assert parsed.detected["encoding"] == encoding
    assert parsed.tables[0].columns == text.split("\n")[0].replace(";", ",").split(",")
