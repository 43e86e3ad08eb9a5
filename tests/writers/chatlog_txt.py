"""sjzar/chatlog text output (``GET /api/v1/chatlog``, no ``format``), FORMATS.md §2c.

Each message is ``Message.PlainText`` followed by a blank line::

    SenderName(sender) [TalkerName(talker)] 2006-01-02 15:04:05
    <content>
    <blank>

``sender`` is ``我`` for the exporting user; without a SenderName the header starts with the
bare sender id. The ``[TalkerName(talker)]`` part appears for multi-talker queries. The time
layout follows the query range; messages spread over several years (as the strategy draws
them) come from a range that crosses a year boundary, which chatlog prints with the full date.

The WeChat id strategy and the placeholder checks here are shared by the other chatlog writers.
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime

from hypothesis import strategies as st

from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    has_text,
    lines_strategy,
    message_lists,
    names_strategy,
)

FORMAT = "chatlog-txt"
ENCODINGS = ("utf-8", "utf-8-sig")
"""chatlog's HTTP server answers in UTF-8; a BOM is what an editor re-saving the page adds."""

SELF = "我"
"""How chatlog's text output names the exporting user's id."""

WXIDS = st.one_of(
    st.sampled_from(("wxid_fz0000000001", "wxid_fz0000000002", "wxid_fz0000000003", "fz_custom_id")),
    st.from_regex(r"wxid_[a-z0-9]{14}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9_-]{5,19}", fullmatch=True),
)
"""Synthetic WeChat user names: ``wxid_…`` or a custom WeChat id (a letter, then 5-19 more);
a small pool so that members post more than once."""

EXTRA_NAMES = (">_<", "【群主】小林", "Bob(备用)", "[新人] 小李", "\"引号\"名", "a,b", "x\"y", "😀", "陈 老师 🌿")
"""WeChat display names with the characters these layouts use: brackets, quotes, commas."""


def wechat_names(ok) -> st.SearchStrategy[str]:
    """A display name (the common samples plus :data:`EXTRA_NAMES`) that ``ok`` accepts."""
    return st.one_of(names_strategy(ok), st.sampled_from(EXTRA_NAMES).filter(ok))


TALKER = "20000000001@chatroom"
TALKER_NAME = "夜跑团 🏃 测试群"

# chatlog's content placeholders (PlainTextContent in internal/model/message.go), the way a
# reader of its text and CSV output tells media from words.
_PLACEHOLDERS = re.compile(
    r"!?\[(?:图片|视频)\](?:\([^)]*\))?\Z"
    r"|\[语音\](?:\([^)]*\))?\Z"
    r"|!?\[(?:动画表情|GIF表情)\](?:\([^)]*\))?\Z"
    r"|\[(?:位置|链接|分享|视频号|音乐|小程序|名片|红包封面)(?:\|[^\]\n]*)?\](?:\([^)\n]*\))?\Z"
    r"|\[文件\|[^\]\n]*\](?:\([^)]*\))?\Z"
    r"|\[(?:合并转发|聊天记录|红包|转账)(?:\|[^\]\n]*)?\]"
    r"|\[(?:语音通话|视频通话)\]\Z"
    r"|\[群公告\]"
    r"|Type: \d+ Content: "
    r'|"\$\{[^}]+\}" ?拍了拍|"[^"\n]+" ?拍了拍 ?"[^"\n]+"'
)
"""Contents (stripped) that are a placeholder or a 拍一拍 notice, not a member's words."""


def is_placeholder(body: str) -> bool:
    """True when chatlog's text/CSV output shows ``body`` the way it shows media or a notice."""
    return bool(_PLACEHOLDERS.match(body.strip()))


_TIME = r"(?:(?:\d{4}-)?\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}"
_HEADER_LIKE = re.compile(r"(?!> )\S[^\n]*? (?:\[[^\]\n]*\] )?" + _TIME + r"\Z")
_DATE_FIRST = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_OPEN_TALKER = re.compile(r" \[[^\]]*\Z")


def _name_ok(name: str) -> bool:
    # Readers trim names and the header cannot start with a space (WeChat names carry no
    # edge spaces); a header opening with "> " is a quote line; a name opening with a date
    # reads as a MemoTrace header, one opening with U+FEFF loses it as a byte-order mark on
    # the first line, one with an unclosed " [" opens the "[TalkerName(talker)]" part early.
    return (bool(name) and name == name.strip() and not name.startswith("> ")
            and not _DATE_FIRST.match(name) and not name.startswith("\ufeff")
            and not _OPEN_TALKER.search(name))


def _body_ok(lines: list[str]) -> bool:
    # WeChat sends no blank message; a trailing empty line merges with the blank line that
    # ends every record; a header-like line after an empty one starts a record of its own
    # (docs/exports.md, "Known limits"); placeholders and 拍一拍 notices are not words.
    body = "\n".join(lines)
    header_after_blank = any(lines[i - 1] == "" and _HEADER_LIKE.match(lines[i])
                             and not _DATE_FIRST.match(lines[i]) for i in range(1, len(lines)))
    return (has_text(body) and lines[-1] != "" and not header_after_blank and not is_placeholder(body))


def messages() -> st.SearchStrategy[list[Message]]:
    return message_lists(wechat_names(_name_ok), bodies_strategy(lines_strategy(), _body_ok), ids=WXIDS)


def pick_self(messages: list[Message], rng: random.Random) -> str | None:
    """The wxid of the exporting user (one of the senders), or None."""
    ids = sorted({m.sender_id for m in messages if m.sender_id})
    return rng.choice(ids) if ids and rng.random() < 0.5 else None


def pick_nameless(messages: list[Message], rng: random.Random) -> set[str]:
    """Senders chatlog knows no name for (a member who left the group): SenderName is empty."""
    ids = sorted({m.sender_id for m in messages if m.sender_id})
    return {i for i in ids if rng.random() < 0.15}


def one_name_per_id(messages: list[Message]) -> list[Message]:
    """The messages in time order, each sender under the name of their first message: these
    exporters look a member's name up once (the contact), not per message."""
    ordered = sorted(messages, key=lambda m: m.timestamp)
    first: dict[str | None, str] = {}
    for m in ordered:
        first.setdefault(m.sender_id, m.sender)
    return [Message(m.timestamp, first[m.sender_id], m.text, m.sender_id, m.msg_id) for m in ordered]


def render(messages: list[Message], rng: random.Random) -> Rendered:
    eol = rng.choice(["\n", "\n", "\r\n"])  # as served; CRLF when re-saved by a Windows editor
    talker = f"[{TALKER_NAME}({TALKER})] " if rng.random() < 0.3 else ""  # multi-talker query
    me = pick_self(messages, rng)
    nameless = pick_nameless(messages, rng)
    # chatlog shortens the time to what the query leaves open: a one-day query shows times
    # only, a query within one year month-day and time; the reader is then told the day
    # (--date). Here the messages are moved into one day or one year to render those.
    layout = rng.choice(["full", "full", "month-day", "time"])
    messages = _squeeze(messages, layout)
    stamp = {"full": "%Y-%m-%d %H:%M:%S", "month-day": "%m-%d %H:%M:%S", "time": "%H:%M:%S"}[layout]
    out: list[str] = []
    lines: list[int] = []
    expected: list[Message] = []
    for m in one_name_per_id(messages):  # chatlog answers in time order
        sid = SELF if m.sender_id == me else m.sender_id
        name = "" if m.sender_id in nameless else m.sender
        who = f"{name}({sid})" if name else sid
        lines.append(len(out) + 1)
        out.append(f"{who} {talker}{m.timestamp:{stamp}}")
        out.extend(m.text.split("\n"))
        out.append("")
        expected.append(Message(m.timestamp, name or sid, m.text, sid))
    options = {} if layout == "full" else {"date": _QUERY_DAY}
    return Rendered(eol.join(out) + eol, lines, expected, options, filename="chatlog.txt")


_QUERY_DAY = date(2025, 3, 1)


def _squeeze(messages: list[Message], layout: str) -> list[Message]:
    """The messages moved onto ``_QUERY_DAY`` (time layout) or into its year (month-day)."""
    if layout == "full":
        return messages
    out = []
    for m in messages:
        ts = m.timestamp
        if layout == "time":
            ts = datetime.combine(_QUERY_DAY, ts.time())
        else:
            ts = ts.replace(year=_QUERY_DAY.year, day=min(ts.day, 28))
        out.append(Message(ts, m.sender, m.text, m.sender_id, m.msg_id))
    return out
