"""JSON Lines as a stream: physical lines and decoded records, one at a time.

Used by the ChatLab JSONL reader (when pyarrow cannot take the file) and by the
qq-chat-exporter chunk reader. Top-level JSON objects are walked with
:class:`analysis.parsers._json_stream.JsonStream`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from analysis.parsers._json_stream import loads
from analysis.source import LINE_BREAK


def iter_lines(blocks: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for each physical line of a stream of text blocks."""
    carry = ""
    line = 1
    for block in blocks:
        text = carry + block
        tail = ""
        if text.endswith("\r"):  # a CRLF may be split between two blocks
            text, tail = text[:-1], "\r"
        parts = LINE_BREAK.split(text)
        carry = parts.pop() + tail
        for part in parts:
            yield line, part
            line += 1
    if carry:
        for part in LINE_BREAK.split(carry):
            if part:
                yield line, part
            line += 1


def iter_jsonl(blocks: Iterable[str]) -> Iterator[tuple[int, Any, str | None]]:
    """Yield ``(line, value, raw)`` for each non-blank line of a JSON Lines stream.

    ``value`` is the decoded JSON; when the line is not valid JSON it is None and ``raw``
    holds the line as it stands (for ``Chat.unparsed``), else ``raw`` is None. Lines starting
    with ``#`` (comments, which ChatLab JSONL allows) are skipped like blank lines.
    """
    for line, text in iter_lines(blocks):
        stripped = text.strip().lstrip("\ufeff")
        if not stripped or stripped.startswith("#"):
            continue
        try:
            yield line, loads(stripped)[0], None
        except json.JSONDecodeError:
            yield line, None, text
