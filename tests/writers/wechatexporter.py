"""WechatExporter (iOS backup) TXT, FORMATS.md §2d: a title line, then
``NAME (YYYY-MM-DD HH:MM:SS):MESSAGE`` with further lines of a message on raw lines."""

from __future__ import annotations

import random
import re

from hypothesis import strategies as st

from tests.writers.common import (
    WECHAT_SYSTEM_WORDS,
    Message,
    Rendered,
    has_text,
    lines_strategy,
    message_lists,
    names_strategy,
)

FORMAT = "wechatexporter-txt"
_HEADER_LIKE = re.compile(r"^.+? \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\):")


def _name_ok(name: str) -> bool:
    # " (" could end the name early; a name is never empty in this layout.
    return bool(name) and " (" not in name


def _line_ok(line: str) -> bool:
    # A raw line that is a header, or a WeChat notice, starts a record of its own.
    return not _HEADER_LIKE.match(line) and not WECHAT_SYSTEM_WORDS.search(line)


def _body_ok(lines: list[str]) -> bool:
    # Trailing blank (space/tab) lines are spacing between messages.
    return len(lines) == 1 or has_text(lines[-1].strip(" \t"))


def messages() -> st.SearchStrategy[list[Message]]:
    first = lines_strategy()  # on the header line: anything goes
    rest = lines_strategy(_line_ok)
    bodies = st.tuples(first, st.lists(rest, max_size=3)).map(lambda t: [t[0], *t[1]]).filter(_body_ok)
    return message_lists(names_strategy(_name_ok), bodies.map("\n".join))


def render(messages: list[Message], rng: random.Random) -> Rendered:
    eol = rng.choice(["\n", "\r\n"])
    out = ["读书会 📚 - 微信聊天记录", ""]
    lines: list[int] = []
    for m in messages:
        lines.append(len(out) + 1)
        body = m.text.split("\n")
        out.append(f"{m.sender} ({m.timestamp:%Y-%m-%d %H:%M:%S}):{body[0]}")
        out.extend(body[1:])
        if rng.random() < 0.2:
            out.append("")
    return Rendered(eol.join(out) + eol, lines, list(messages))
