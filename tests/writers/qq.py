"""QQ classic TXT, through the writer in ``tests/qq_writer.py`` (CRLF records, lone LF/CR inside bodies)."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from tests.qq_writer import HEADER_LIKE, Msg
from tests.qq_writer import render as qq_render
from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    lines_strategy,
    message_lists,
    names_strategy,
)

FORMAT = "qq-txt"


def _name_ok(name: str) -> bool:
    # A leading 【…】 is a title tag (群主, 管理员) and 系统消息 is QQ's own system sender.
    return not name.startswith("【") and name != "系统消息"


def _line_ok(line: str) -> bool:
    # 64 "=" open a 消息分组/消息对象 section block.
    return "=" * 64 not in line


def messages() -> st.SearchStrategy[list[Message]]:
    # A header-like FIRST body line follows the header's own CRLF: no reader can tell it from
    # a header (in real exports too), so it is left out.
    bodies = bodies_strategy(lines_strategy(_line_ok), lambda ls: not HEADER_LIKE.match(ls[0]), max_lines=5)
    uins = st.integers(10001, 99999999).map(str)
    return message_lists(names_strategy(_name_ok), bodies, ids=uins)


def render(messages: list[Message], rng: random.Random) -> Rendered:
    msgs = [Msg(m.timestamp, m.sender_id or "10001", m.sender, m.text) for m in messages]
    text, lines = qq_render(msgs, structure="\r\n", rng=rng)
    return Rendered(text, lines, list(messages))
