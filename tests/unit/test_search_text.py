"""Tokenising and highlighting for search."""

from __future__ import annotations

import pytest

from spice.application.search.text import highlight, index_tokens, matches_text, query_tokens


def test_cjk_runs_become_unigrams_and_bigrams_and_words_stay_whole() -> None:
    assert index_tokens("물류센터 Seoul") == [
        "물",
        "류",
        "센",
        "터",
        "물류",
        "류센",
        "센터",
        "seoul",
    ]
    assert query_tokens("물류센터") == ["물류", "류센", "센터"]
    assert query_tokens("서울2024") == ["서울", "2024"]


@pytest.mark.parametrize(
    ("text", "query", "found"),
    [
        ("김철수 서울 강남구 물류센터", "센터", True),
        ("김철수 서울 강남구 물류센터", "물", True),
        ("Seoul warehouse", "SEOUL", True),
        ("ｓｅｏｕｌ", "seoul", True),  # full-width letters
        ("\u1109\u1165\u110b\u116e\u11af", "서울", True),  # decomposed Hangul
        ("Straße", "STRASSE", True),
        ("Seoul", "Seo", False),  # words match whole
        ("東京駅", "京都", False),
    ],
)
def test_matching(text: str, query: str, found: bool) -> None:
    assert matches_text({"name": text}, query) is found


def test_highlights_mark_words_and_cjk_runs_only() -> None:
    marked = highlight({"a": "London on Thames", "b": "물류센터", "c": "none", "n": 5}, "on 센터")
    assert marked == {"a": ["London <em>on</em> Thames"], "b": ["물류<em>센터</em>"]}
    assert highlight({"a": "Straße"}, "strasse") == {"a": ["<em>Straße</em>"]}
