"""EchoTrace JSON export (WeChat), FORMATS.md §2e: WeFlow's shape without the ``weflow`` key.

Laid out as ycccccccy/echotrace ``chat_export_service.dart`` (``exportToJson``) writes it:
``JsonEncoder.withIndent('  ')`` (LF, no final line break), UTF-8::

    {"session": {"wxid", "nickname", "remark", "displayName", "type", "lastTimestamp",
                 "messageCount"},
     "messages": [{"localId", "createTime" (Unix s), "formattedTime", "type", "localType",
                   "content", "isSend", "senderUsername", "senderDisplayName",
                   ["senderAvatarKey",] "source"}],
     ["avatars": {wxid: {"displayName", "base64"}},]
     "exportTime": "<ISO>"}

Versions: the first (``ycccccccy/echotrace@09a7969e``: ``session.username`` instead of
``wxid``/``nickname``/``remark``, no ``senderDisplayName``, so a reader names senders by their
wxid); then without avatars; with ``senderAvatarKey`` on every message and an ``avatars``
index; and the latest, where both are optional (``exportAvatars``) and ``mediaBase`` may
follow. ``localId`` is the database's local id (not 1..n); there is no
server id, so ``msg_id`` is ``localId``. Times are Asia/Shanghai wall clock.
"""

from __future__ import annotations

import json
import random

from hypothesis import strategies as st

from tests.writers.common import Message, Rendered, bodies_strategy, lines_strategy, names_strategy
from tests.writers.weflow_json import WXIDS, data_url, member_messages, unix_seconds, wechat_name_ok

FORMAT = "echotrace-json"
ENCODINGS = ("utf-8", "utf-8-sig")
"""Dart's ``writeAsString`` writes UTF-8; a BOM is what an editor may add."""


def messages() -> st.SearchStrategy[list[Message]]:
    # JSON holds any text: blank lines, edge whitespace and placeholder-like bodies survive
    # (a 文本消息's kind comes from its type, not its body).
    return member_messages(WXIDS, names_strategy(wechat_name_ok), bodies_strategy(lines_strategy()))


def render(messages: list[Message], rng: random.Random) -> Rendered:
    version = rng.choice(["first", "plain", "avatars", "latest"])
    avatars = version == "avatars" or (version == "latest" and rng.random() < 0.5)
    ordered = sorted(messages, key=lambda m: m.timestamp)
    senders = list(dict.fromkeys(m.sender_id for m in ordered))
    me = rng.choice([*senders, None])
    start = rng.randrange(1, 10 ** 6)
    local_ids = sorted(rng.sample(range(start, start + 50 * len(ordered) + 50), len(ordered)))
    items: list[dict] = []
    expected: list[Message] = []
    for local_id, m in zip(local_ids, ordered, strict=True):
        item: dict = {
            "localId": local_id,
            "createTime": unix_seconds(m.timestamp),
            "formattedTime": f"{m.timestamp:%Y-%m-%d %H:%M:%S}",
            "type": "文本消息",
            "localType": 1,
            "content": m.text,
            "isSend": 1 if m.sender_id == me else rng.choice([0, None]),
            "senderUsername": m.sender_id,
            "senderDisplayName": m.sender,
        }
        if version == "first":
            del item["senderDisplayName"]
        if version == "avatars":
            item["senderAvatarKey"] = m.sender_id
        item["source"] = ""
        if version == "latest" and avatars:
            item["senderAvatarKey"] = m.sender_id
        items.append(item)
        shown = m.sender_id if version == "first" else m.sender
        expected.append(Message(m.timestamp, shown, m.text, m.sender_id, str(local_id)))

    room = f"{rng.randrange(10 ** 10, 10 ** 11)}@chatroom"
    group = rng.choice(["测试群🌸", "Weekend hikers", "读书会 (2群)", "A"])
    doc: dict = {
        "session": {"wxid": room, "nickname": group, "remark": rng.choice(["", group]), "displayName": group,
                    "type": "群聊", "lastTimestamp": items[-1]["createTime"] if items else 0,
                    "messageCount": len(items)},
        "messages": items,
    }
    if version == "first":
        doc["session"] = {"username": room, "displayName": group, "type": "群聊",
                          "lastTimestamp": doc["session"]["lastTimestamp"], "messageCount": len(items)}
    if avatars:
        names = {m.sender_id: m.sender for m in ordered}
        doc["avatars"] = {w: {"displayName": names.get(w, w), "base64": data_url(rng, rng.choice([100, 3000]))[23:]}
                          for w in [*senders, room]}
    doc["exportTime"] = f"2025-0{rng.randrange(1, 10)}-1{rng.randrange(10)}T10:20:30.{rng.randrange(10 ** 6):06d}"
    if version == "latest" and rng.random() < 0.3:
        doc["mediaBase"] = "media"
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return Rendered(text, None, expected, filename="export.json")
