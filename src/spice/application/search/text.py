"""Tokenising for search: words for alphabetic scripts, character n-grams for CJK.

Korean, Chinese and Japanese text has no reliable word boundaries for a simple tokenizer,
so runs of CJK characters are indexed as unigrams and bigrams; a query run of two or more
characters must contain all of its bigrams, which finds it as a substring in practice.
Text is NFKC-normalised and case-folded, so `Seoul`, `SEOUL`, `ｓｅｏｕｌ` and `seoul` match
each other, as do composed and decomposed Hangul.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

WORD = re.compile(r"\w+")
CJK_CHARS = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f"
)
CJK = re.compile(f"[{CJK_CHARS}]+")
SCRIPT_RUN = re.compile(f"[{CJK_CHARS}]+|[^{CJK_CHARS}]+")


def _segments(text: str) -> Iterator[tuple[bool, str]]:
    """(is_cjk, run) for each run of one script inside each word of `text`."""
    for word in WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        start = 0
        for match in CJK.finditer(word):
            if match.start() > start:
                yield False, word[start : match.start()]
            yield True, match.group()
            start = match.end()
        if start < len(word):
            yield False, word[start:]


def index_tokens(text: str) -> list[str]:
    """Tokens stored for `text`: words, and CJK unigrams plus bigrams."""
    out: list[str] = []
    for cjk, run in _segments(text):
        if not cjk:
            out.append(run)
            continue
        out.extend(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def query_tokens(text: str) -> list[str]:
    """Tokens a document must all contain to match `text` (deduplicated, in order)."""
    out: list[str] = []
    for cjk, run in _segments(text):
        grams = [run[i : i + 2] for i in range(len(run) - 1)] if cjk and len(run) > 1 else [run]
        out.extend(g for g in grams if g not in out)
    return out


def strings(value: Any) -> Iterator[str]:
    """Every string inside a value (nested objects and arrays included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def document_text(data: dict[str, Any]) -> str:
    """The searchable text of an instance: all its string values."""
    return "\n".join(strings(data))


def matches_text(data: dict[str, Any], text: str) -> bool:
    """Whether an instance matches a full-text query (the scan fallback's rule)."""
    wanted = query_tokens(text)
    if not wanted:
        return True
    have = set(index_tokens(document_text(data)))
    return all(token in have for token in wanted)


def _marks(text: str, words: set[str], runs: list[str]) -> list[tuple[int, int]]:
    """Spans of `text` that match the query: whole words (case-folded) and CJK runs."""
    spans: list[tuple[int, int]] = []
    for word in WORD.finditer(text):
        start = word.start()
        for match in SCRIPT_RUN.finditer(word.group()):
            part, at = match.group(), start + match.start()
            if CJK.fullmatch(part):
                for run in runs:
                    spans.extend(
                        (at + m.start(), at + m.start() + len(run))
                        for m in re.finditer(re.escape(run), part)
                    )
            elif part.casefold() in words:
                spans.append((at, at + len(part)))
    return sorted(spans)


def highlight(
    data: dict[str, Any], text: str, pre: str = "<em>", post: str = "</em>"
) -> dict[str, list[str]]:
    """For each top-level property with a string holding a query word (or CJK run), the
    strings with those words marked."""
    terms = [(cjk, run) for cjk, run in _segments(text)]
    words = {run for cjk, run in terms if not cjk}
    runs = sorted({run for cjk, run in terms if cjk}, key=len, reverse=True)
    if not terms:
        return {}
    found: dict[str, list[str]] = {}
    for name, value in data.items():
        marked = []
        for s in strings(value):
            spans, out, last = _marks(s, words, runs), [], 0
            for begin, finish in spans:
                if begin < last:
                    continue  # overlapping runs: the longest, first one wins
                out += [s[last:begin], pre, s[begin:finish], post]
                last = finish
            if spans:
                marked.append("".join([*out, s[last:]]))
        if marked:
            found[name] = marked
    return found
