"""ChatLab standard JSON (spec "ChatLab 标准化格式规范" v0.0.2), as WeFlow and other tools write it.

::

    {"chatlab": {"version", "exportedAt"[, "generator"][, "description"]},
     "meta": {"name", "platform", "type": "group"[, "groupId"][, "groupAvatar"][, "ownerId"]},
     "members": [{"platformId", "accountName"[, "groupNickname"][, "roles"]}],
     "messages": [{"sender", "accountName"[, "groupNickname"], "timestamp" (Unix s),
                   "type" (0 text, 25 reply), "content"[, "platformMessageId"]
                   [, "replyToMessageId"]}]}

WeFlow (``exportChatLabWriter.ts``) writes ``JSON.stringify(doc, null, 2)`` with
``platform: "wechat"`` and ``platformMessageId`` (the server id) when WeChat has one; the
spec's own examples use other platforms and key orders, and v0.0.1 had no message ids.
Without ``platformMessageId`` a reader names a message ``L<line of its {>``. Times are shown
in Asia/Shanghai for QQ and WeChat, in UTC (with a warning) for other platforms.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from tests.writers.common import Message, Rendered, bodies_strategy, lines_strategy, names_strategy
from tests.writers.weflow_json import (
    avatar_size,
    data_url,
    member_messages,
    server_ids,
    unix_seconds,
    wechat_name_ok,
)

FORMAT = "chatlab-json"
ENCODINGS = ("utf-8", "utf-8-sig")
"""ChatLab files are UTF-8 (WeFlow: ``fs.writeFile(..., 'utf-8')``); a BOM is what an editor
or a Windows converter may add."""

PLATFORMS = {"wechat": "Asia/Shanghai", "weixin": "Asia/Shanghai", "qq": "Asia/Shanghai", "QQ": "Asia/Shanghai",
             "discord": "UTC", "telegram": "UTC", "whatsapp": "UTC", "line": "UTC", "instagram": "UTC"}
"""``meta.platform`` values and the zone a reader shows their times in."""

IDS = st.one_of(
    st.from_regex(r"\Awxid_[a-z0-9]{10,14}\Z"),  # WeChat
    st.from_regex(r"\A[1-9][0-9]{4,10}\Z"),  # QQ number
    st.from_regex(r"\A[1-9][0-9]{16,18}\Z"),  # Discord snowflake
    st.from_regex(r"\Auser[0-9]{5,10}\Z"),  # Telegram
    st.from_regex(r"\Au_[0-9a-f]{8}\Z"),  # a converter's own ids
)
"""``platformId`` / ``sender`` values of the platforms ChatLab files come from."""


def name_ok(name: str) -> bool:
    # The spec requires an accountName; one of spaces/tabs only reads as no name (the reader
    # then shows the platformId).
    return wechat_name_ok(name)


def messages() -> st.SearchStrategy[list[Message]]:
    # ``Message.sender`` is the name a reader shows: the render writes it as the accountName or,
    # for some members, as a group nickname over another account name.
    # JSON holds any text: blank lines, edge whitespace and placeholder-like bodies survive
    # (a type-0 message's kind comes from its type, not its body).
    # Names may change between messages: a record keeps the name "at the time of sending".
    return member_messages(IDS, names_strategy(name_ok), bodies_strategy(lines_strategy()), renamed=True)


def build(messages: list[Message], rng: random.Random) -> tuple[dict, list[dict], list[dict], list[Message], str]:
    """The header (``chatlab`` and ``meta``), members, message records, the messages as a reader
    should give them (``msg_id`` None where the record has no ``platformMessageId``), and the
    platform."""
    platform = rng.choice(sorted(PLATFORMS))
    zone = ZoneInfo(PLATFORMS[platform])
    ordered = sorted(messages, key=lambda m: m.timestamp)  # the spec asks for time order
    version = rng.choice(["0.0.1", "0.0.2", "0.0.2"])
    v1 = version == "0.0.1"  # before roles, ownerId, platformMessageId and replyToMessageId
    ids_mode = "none" if v1 else rng.choice(["all", "all", "none", "some"])
    server = server_ids(rng, len(ordered))
    senders = list(dict.fromkeys(m.sender_id for m in ordered))
    names = {m.sender_id: m.sender for m in ordered}
    # A member's name is their accountName or, for some, a group nickname over another
    # account name.
    nick = {w: rng.random() < 0.3 for w in senders}
    weflow_order = rng.random() < 0.5
    records: list[dict] = []
    expected: list[Message] = []
    for i, m in enumerate(ordered):
        ts = unix_seconds(m.timestamp, zone)
        reply = bool(records) and rng.random() < 0.15
        account = f"{m.sender}的账号" if nick[m.sender_id] else m.sender
        rec: dict = {"sender": m.sender_id, "accountName": account}
        if nick[m.sender_id]:
            rec["groupNickname"] = m.sender
        rec |= {"timestamp": ts, "type": 25 if reply else 0, "content": m.text}
        msg_id = None
        if ids_mode == "all" or (ids_mode == "some" and rng.random() < 0.5):
            msg_id = server[i]
            rec["platformMessageId"] = msg_id
            if not weflow_order:  # the spec's examples put the id first
                rec = {"platformMessageId": msg_id, **{k: v for k, v in rec.items() if k != "platformMessageId"}}
        if reply:
            target = rng.choice(records)
            if "platformMessageId" in target:
                rec["replyToMessageId"] = target["platformMessageId"]
        records.append(rec)
        expected.append(Message(m.timestamp, m.sender, m.text, m.sender_id, msg_id))

    members: list[dict] = []
    owner = rng.choice(senders)
    for w in senders:
        member: dict = {"platformId": w, "accountName": f"{names[w]}的账号" if nick[w] else names[w]}
        if nick[w]:
            member["groupNickname"] = names[w]
        if w == owner and not v1:
            member["roles"] = [{"id": "owner"}]
        members.append(member)
    members.append({"platformId": "u_silent01", "accountName": "潜水员"})  # never speaks
    chatlab: dict = {"version": version,
                     "exportedAt": int(datetime(2025, 6, 1).timestamp()) + rng.randrange(10 ** 6)}
    if rng.random() < 0.7:
        chatlab["generator"] = rng.choice(["WeFlow", "qq-chat-exporter", "My Converter Tool"])
    if rng.random() < 0.2:
        chatlab["description"] = "2024年技术交流群聊天记录备份"
    meta: dict = {"name": rng.choice(["测试群🌸", "Weekend hikers", "读书会 (2群)", "A"]), "platform": platform,
                  "type": "group", "groupId": f"{rng.randrange(10 ** 10, 10 ** 11)}@chatroom"}
    if rng.random() < 0.2:
        meta["groupAvatar"] = data_url(rng, avatar_size(rng))
    if not v1 and rng.random() < 0.5:
        meta["ownerId"] = rng.choice(senders)
    if rng.random() < 0.1:
        # Some converters write numeric ids (QQ numbers, server ids) as JSON numbers, though
        # the spec says string; a reader gives them back as the same digits.
        for rec in [*records, *members]:
            for key in ("sender", "platformId", "platformMessageId", "replyToMessageId"):
                if isinstance(rec.get(key), str) and rec[key].isdigit():
                    rec[key] = int(rec[key])
    return {"chatlab": chatlab, "meta": meta}, members, records, expected, platform


def render(messages: list[Message], rng: random.Random) -> Rendered:
    header, members, records, expected, _ = build(messages, rng)
    doc = {**header, "members": members, "messages": records}
    if any(m.msg_id is None for m in expected):
        # Records without an id are named by their line, so each must start a line: the
        # pretty-printed layout WeFlow and the spec use.
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        lines = text.split("\n")
        first = lines.index('  "messages": [')
        starts = [n for n, line in enumerate(lines[first:], start=first + 1) if line == "    {"]
        expected = [m if m.msg_id else Message(m.timestamp, m.sender, m.text, m.sender_id, f"L{line}")
                    for m, line in zip(expected, starts, strict=True)]
    else:
        compact = rng.random() < 0.5  # JSON.stringify without indent, as some converters write it
        text = json.dumps(doc, ensure_ascii=False, indent=None if compact else 2,
                          separators=(",", ":") if compact else None)
    return Rendered(text, None, expected, filename="export.json")
