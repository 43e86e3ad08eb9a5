"""What every writer shares: the message record, the rendered file, and text strategies."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hypothesis import strategies as st


@dataclass(frozen=True)
class Message:
    """One message as a round trip compares it."""

    timestamp: datetime
    sender: str
    text: str
    """Lines joined with ``\\n``."""
    sender_id: str | None = None
    """The id the export writes (QQ number); None when the format has only names."""
    msg_id: str | None = None
    """The export's message id, for formats that write one (a round trip then matches
    records by it instead of by line)."""


@dataclass
class Rendered:
    """A file a writer produced."""

    text: str
    lines: list[int] | None
    """1-based line of each message's header, in ``expected`` order; None for formats
    without physical lines (JSON, CSV), whose records are matched by ``Message.msg_id``."""
    expected: list[Message]
    """The messages as the file shows them (times cut to the layout's precision)."""
    options: dict = field(default_factory=dict)
    """``ParseOptions`` keyword arguments a reader needs (e.g. the date order)."""
    filename: str = "export.txt"
    """Where the text is written (relative to a fresh folder): the extension matters to
    formats that detect by it, a path with folders to folder-shaped exports."""
    sidecars: dict[str, str] = field(default_factory=dict)
    """Other files of the export (relative path -> UTF-8 text), e.g. Slack's ``users.json``."""
    entry: str | None = None
    """What is handed to the reader when it is not ``filename`` (an export folder, a manifest)."""


CHARS = st.characters(codec="utf-8", exclude_characters="\r\n\x00", exclude_categories=("Cs",))
"""Any character a line can hold (no line breaks, NUL or lone surrogates)."""

TRICKY_LINES = (
    "", "哈哈😂", "  indented", "trailing  ", "\u2028sep", "\x0bvt\x0cff", "👨‍👩‍👧 family",
    "中文 English 日本語 한국어", "http://example.com/a?b=1", "[图片]", "[捂脸]", "tab\there",
    "「引用」“quotes” 'single'", "¥100 / €5 / $3", "Ω≈ç√∫", "\u3000全角空格",
)
"""Lines worth mixing in: empty, emoji and ZWJ sequences, odd separators, placeholders."""

NAMES = ("林小雨", "Ana García", "小王 (备用)", "🌸花花🌸", "Δημήτρης", "김민수", "O'Neil", "user_10001",
         "佐藤 美咲", "A")
"""Display names: CJK, emoji, accents, spaces, brackets."""

BASE = datetime(2021, 3, 1)


def lines_strategy(ok: Callable[[str], bool] = lambda s: True, max_size: int = 12) -> st.SearchStrategy[str]:
    """One body line: random text or a tricky sample, kept when ``ok`` says the format can hold it."""
    return st.one_of(st.text(CHARS, max_size=max_size), st.sampled_from(TRICKY_LINES)).filter(ok)


def names_strategy(ok: Callable[[str], bool]) -> st.SearchStrategy[str]:
    """A display name the format can hold."""
    return st.one_of(st.sampled_from(NAMES), st.text(CHARS, min_size=1, max_size=10)).filter(ok)


def bodies_strategy(line: st.SearchStrategy[str], ok: Callable[[list[str]], bool] = lambda ls: True,
                    max_lines: int = 4) -> st.SearchStrategy[str]:
    """A message body of one or more lines (joined with ``\\n``)."""
    return st.lists(line, min_size=1, max_size=max_lines).filter(ok).map("\n".join)


def message_lists(names: st.SearchStrategy[str], bodies: st.SearchStrategy[str], *, max_size: int = 10,
                  ids: st.SearchStrategy[str | None] = st.none()) -> st.SearchStrategy[list[Message]]:
    """Lists of messages at random times within about three years (not in time order)."""
    one = st.builds(lambda s, name, body, sid: Message(BASE + timedelta(seconds=s), name, body, sid),
                    st.integers(0, 10 ** 8), names, bodies, ids)
    return st.lists(one, min_size=1, max_size=max_size)


def has_text(line: str) -> bool:
    """True when the line holds something besides whitespace."""
    return bool(line.strip())


def no_match(pattern: str) -> Callable[[str], bool]:
    """A filter keeping strings that do not match ``pattern`` at their start."""
    rx = re.compile(pattern)
    return lambda s: not rx.match(s)


WECHAT_SYSTEM_WORDS = re.compile(r"群聊|撤回了一条|领取了|拍了拍|修改群名|群公告|新群主|系统消息|System Message")
"""Words that make a WeChat line read as a system notice (FORMATS.md §2)."""
