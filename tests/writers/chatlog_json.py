"""sjzar/chatlog JSON output (``GET /api/v1/chatlog?format=json``), FORMATS.md §2c.

An array of ``model.Message`` as Go marshals it: ``{seq, time, talker, talkerName,
isChatRoom, sender, senderName, isSelf, type, subType, content}``. ``time`` is RFC 3339 in
the server's zone: ``+08:00`` with ``TZ=Asia/Shanghai``, ``Z`` in a Docker image without it.
``seq`` is the Unix time in seconds times 1000 plus a sequence number. Gin writes the array
compact, with Go's HTML escapes (``<`` as ``\\u003c``...); a page saved through a JSON viewer
or ``jq`` is indented. Readers convert times to ``--tz`` (default Asia/Shanghai).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from tests.writers.chatlog_txt import (
    TALKER,
    TALKER_NAME,
    WXIDS,
    one_name_per_id,
    pick_nameless,
    pick_self,
    wechat_names,
)
from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    has_text,
    lines_strategy,
    message_lists,
)

FORMAT = "chatlog-json"
ENCODINGS = ("utf-8", "utf-8-sig")
"""The server answers in UTF-8; an editor re-saving the page may add a BOM."""

SERVER_ZONES = {"+08:00": timedelta(hours=8), "Z": timedelta(0)}
"""Offset as Go prints it -> offset (Asia/Shanghai has no daylight saving time)."""
READER_ZONES = {None: timedelta(hours=8), "UTC": timedelta(0), "Asia/Tokyo": timedelta(hours=9)}
"""``--tz`` given to the reader -> its offset (None: the default, Asia/Shanghai)."""


def _name_ok(name: str) -> bool:
    # An empty senderName means chatlog knows no name (the render draws that case itself).
    return bool(name)


def _body_ok(lines: list[str]) -> bool:
    # WeChat sends no blank message (a blank content is read as a media record's).
    return has_text("\n".join(lines))


def messages() -> st.SearchStrategy[list[Message]]:
    # JSON holds any text, and the kind comes from "type", so placeholders are words here.
    return message_lists(wechat_names(_name_ok), bodies_strategy(lines_strategy(), _body_ok), ids=WXIDS)


def _go_json(value: object) -> str:
    """``json.Marshal``: compact, non-ASCII as is, ``<>&`` and U+2028/U+2029 escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def render(messages: list[Message], rng: random.Random) -> Rendered:
    zone = rng.choice(sorted(SERVER_ZONES))
    reader = rng.choice([None, None, "UTC", "Asia/Tokyo"])
    me = pick_self(messages, rng)
    nameless = pick_nameless(messages, rng)
    records = []
    expected: list[Message] = []
    for k, m in enumerate(one_name_per_id(messages)):  # chatlog answers in time order
        instant = m.timestamp.replace(tzinfo=timezone(SERVER_ZONES[zone]))
        seq = int(instant.timestamp()) * 1000 + k
        name = "" if m.sender_id in nameless else m.sender
        records.append({
            "seq": seq, "time": m.timestamp.strftime("%Y-%m-%dT%H:%M:%S") + zone, "talker": TALKER,
            "talkerName": TALKER_NAME, "isChatRoom": True, "sender": m.sender_id, "senderName": name,
            "isSelf": m.sender_id == me, "type": 1, "subType": 0, "content": m.text,
        })
        wall = instant.astimezone(timezone(READER_ZONES[reader])).replace(tzinfo=None)
        expected.append(Message(datetime(*wall.timetuple()[:6]), name or m.sender_id, m.text, m.sender_id,
                                str(seq)))
    if rng.random() < 0.5:
        text = _go_json(records)  # as served
    else:
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"  # saved from a JSON viewer / jq
    options = {"tz": reader} if reader else {}
    return Rendered(text, None, expected, options, filename="chatlog.json")
