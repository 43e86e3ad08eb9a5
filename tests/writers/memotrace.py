"""MemoTrace (留痕) TXT, v1 (names HTML/JS-escaped, ``[图片]``) and v2 (``【图片】``), FORMATS.md §2a.

``YYYY-MM-DD HH:MM:SS name``, the body, then a blank line after every record.
"""

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

FORMAT = "memotrace-txt"
_HEADER_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_V1_PLACEHOLDER = re.compile(r"^\s*\[(?:图片|语音|表情包|文件|视频|音乐分享|链接)\]")
_V2_PLACEHOLDER = re.compile(r"^【[^】]*】")
_LINK_BLOCK = re.compile(r"^[ \t]+\[链接\]:")


def _name_ok(name: str) -> bool:
    # The name is what follows the time on the header line, trimmed; an empty one is a v2
    # system header, and a name that reads as a notice is a v1 system line.
    return name == name.strip() and bool(name) and not WECHAT_SYSTEM_WORDS.search(name)


def _body_ok(lines: list[str]) -> bool:
    # Records start at a header-like line after a blank one; bodies end with text (trailing
    # blank lines are the record separator); no placeholder of either generation, so the
    # generation is decided by the writer, not by chance; no 拍一拍 (a v2 notice).
    body = "\n".join(lines)
    after_blank = any(not lines[i - 1].strip() and _HEADER_LIKE.match(lines[i]) for i in range(1, len(lines)))
    return (has_text(lines[-1]) and not after_blank and not _V1_PLACEHOLDER.match(body)
            and not _V2_PLACEHOLDER.match(body) and not _LINK_BLOCK.match(body) and "拍了拍" not in body)


def messages() -> st.SearchStrategy[list[Message]]:
    bodies = st.lists(lines_strategy(), min_size=1, max_size=4).filter(_body_ok).map("\n".join)
    return message_lists(names_strategy(_name_ok), bodies)


def _escape_v1(name: str) -> str:
    """MemoTrace v1 writes names HTML-escaped, then JS-escaped."""
    name = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return name.replace("\\", "\\\\")


def render(messages: list[Message], rng: random.Random) -> Rendered:
    version = rng.choice(["v1", "v2"])
    eol = rng.choice(["\n", "\r\n"])
    out: list[str] = []
    lines: list[int] = []
    for i, m in enumerate(messages):
        lines.append(len(out) + 1)
        name = _escape_v1(m.sender) if version == "v1" else m.sender
        out.append(f"{m.timestamp:%Y-%m-%d %H:%M:%S} {name}")
        out.extend(m.text.split("\n"))
        out.append("")
        if i and rng.random() < 0.1:
            out.append("")  # an extra blank line between records
    # One image of the writer's generation: the evidence a reader tells v1 from v2 by (a v2
    # file without any reads as v1, whose names are unescaped).
    placeholder = "[图片]" if version == "v1" else "【图片】"
    expected = list(messages)
    if messages:
        first = messages[0]
        lines.append(len(out) + 1)
        out += [f"{first.timestamp:%Y-%m-%d %H:%M:%S} {_escape_v1(first.sender) if version == 'v1' else first.sender}",
                placeholder, ""]
        expected.append(Message(first.timestamp, first.sender, placeholder))
    return Rendered(eol.join(out) + eol, lines, expected)
