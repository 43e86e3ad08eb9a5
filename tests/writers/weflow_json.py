"""WeFlow "详细 JSON" export and its "arkme-json" variant (WeChat), FORMATS.md §2e.

Laid out as hicccc77/WeFlow ``exportJsonWriter.ts`` writes it: ``JSON.stringify(doc, null, 2)``
(LF, no final line break), UTF-8::

    {"weflow": {"version", "exportedAt", "generator"[, "format": "arkme-json"]},
     "session": {"wxid", "nickname", "remark", "displayName", "type": "群聊", "lastTimestamp",
                 "messageCount"[, "avatar"]},
     ["senders": [{"senderID", "wxid", "displayName", "nickname"}],]          (arkme)
     "messages": [{"localId" (1..n), "createTime" (Unix s), "formattedTime" (local), "type",
                   "localType", "content", "isSend", "senderUsername", "senderDisplayName",
                   "source", "senderAvatarKey"[, "platformMessageId"][, "replyToMessageId"]}],
     ["groupMembers": [...]]                                                   (arkme)
     ["avatars": {wxid: path}]}

Messages are sorted by ``createTime``; ``msg_id`` is ``platformMessageId`` (the server id,
left out when WeChat has none) or else ``localId``. Times are Asia/Shanghai wall clock.
"""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from analysis.source import DEFAULT_BLOCK_BYTES
from tests.writers.common import (
    BASE,
    Message,
    Rendered,
    bodies_strategy,
    lines_strategy,
    names_strategy,
)

FORMAT = "weflow-json"
ENCODINGS = ("utf-8", "utf-8-sig")
"""WeFlow writes UTF-8 (``fs.writeFile(..., 'utf-8')``); a BOM is what an editor may add."""

SHANGHAI = ZoneInfo("Asia/Shanghai")
WXIDS = st.one_of(st.from_regex(r"\Awxid_[a-z0-9]{10,14}\Z"), st.from_regex(r"\A[a-zA-Z][a-zA-Z0-9_-]{5,19}\Z"))
"""wxids: ``wxid_…`` or a custom WeChat id (letters, digits, ``_`` and ``-``; no spaces)."""


_BLANK = re.compile(r"[ \t\n\f\r]*")
"""What a reader takes for "no name" (other invisible names, "\u3000" or "ㅤ", are names)."""


def wechat_name_ok(name: str) -> bool:
    # A name of spaces/tabs only reads as no name (the reader shows the wxid instead);
    # exporters never write one (they fall back to the wxid).
    return not _BLANK.fullmatch(name)


def member_messages(ids: st.SearchStrategy[str], names: st.SearchStrategy[str],
                    bodies: st.SearchStrategy[str], max_size: int = 10,
                    renamed: bool = False) -> st.SearchStrategy[list[Message]]:
    """Messages from a small group of members (two may share a name), each with one id and
    one display name: WeFlow and EchoTrace name a member from their profile, the same on
    all their messages. With ``renamed``, a message may carry another name (a format that
    keeps the name at the time of each message)."""
    members = st.lists(st.tuples(ids, names), min_size=1, max_size=5, unique_by=lambda m: m[0])
    other = st.one_of(st.none(), st.none(), st.none(), names) if renamed else st.none()

    def from_members(group: list[tuple[str, str]]) -> st.SearchStrategy[list[Message]]:
        one = st.builds(
            lambda s, k, name, body: Message(BASE + timedelta(seconds=s), name or group[k][1], body, group[k][0]),
            st.integers(0, 10 ** 8), st.integers(0, len(group) - 1), other, bodies)
        return st.lists(one, min_size=1, max_size=max_size)

    return members.flatmap(from_members)


def unix_seconds(ts: datetime, zone: ZoneInfo = SHANGHAI) -> int:
    """The Unix time of wall-clock ``ts`` in ``zone``."""
    return int(ts.replace(tzinfo=zone).timestamp())


def server_ids(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct WeChat server message ids (unsigned 64-bit, as decimal text)."""
    out: set[str] = set()
    while len(out) < n:
        out.add(str(rng.randrange(10 ** 18, 2 ** 64)))
    return rng.sample(sorted(out), n)


def data_url(rng: random.Random, size: int) -> str:
    """A base64 avatar of about ``size`` characters."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    if size > 100_000:
        return "data:image/jpeg;base64,/9j/" + "".join(rng.choice(alphabet) for _ in range(64)) * (size // 64)
    return "data:image/jpeg;base64,/9j/" + "".join(rng.choice(alphabet) for _ in range(size))


def avatar_size(rng: random.Random) -> int:
    """Mostly small; sometimes (a real multi-MB avatar) just under the 8 MiB block a streaming
    reader decodes at a time, so the block boundary falls in the messages after it."""
    if rng.random() < 0.04:
        return DEFAULT_BLOCK_BYTES - rng.randrange(0, 3000)
    return rng.choice([200, 5000, 80000])


def messages() -> st.SearchStrategy[list[Message]]:
    # JSON holds any text: blank lines, edge whitespace and placeholder-like bodies survive
    # (a 文本消息's kind comes from its type, not its body).
    return member_messages(WXIDS, names_strategy(wechat_name_ok), bodies_strategy(lines_strategy()))


def render(messages: list[Message], rng: random.Random) -> Rendered:
    arkme = rng.random() < 0.3
    ordered = sorted(messages, key=lambda m: m.timestamp)  # WeFlow sorts by createTime
    room = f"{rng.randrange(10 ** 10, 10 ** 11)}@chatroom"
    senders = list(dict.fromkeys(m.sender_id for m in ordered))
    me = rng.choice([*senders, None])  # the exporting account, when it spoke
    ids_mode = rng.choice(["all", "none", "some"])
    server = server_ids(rng, len(ordered))
    records: list[dict] = []
    expected: list[Message] = []
    for i, m in enumerate(ordered):
        created = unix_seconds(m.timestamp)
        quote = bool(records) and rng.random() < 0.15
        record = {
            "localId": i + 1,
            "createTime": created,
            "formattedTime": f"{m.timestamp:%Y-%m-%d %H:%M:%S}",
            "type": "引用消息" if quote else "文本消息",
            "localType": 244813135921 if quote else 1,
            "content": m.text,
            "isSend": 1 if m.sender_id == me else 0,
            "senderUsername": m.sender_id,
            "senderDisplayName": m.sender,
            "source": "" if rng.random() < 0.8 else "<msgsource><silence>0</silence><membercount>9</membercount></msgsource>",
            "senderAvatarKey": m.sender_id,
        }
        has_server_id = ids_mode == "all" or (ids_mode == "some" and rng.random() < 0.5)
        if has_server_id:
            record["platformMessageId"] = server[i]
        if quote:
            target = rng.choice(records)
            if "platformMessageId" in target:
                record["replyToMessageId"] = target["platformMessageId"]
            record["quotedSender"] = target["senderDisplayName"]
            record["quotedContent"] = target["content"][:30]
        records.append(record)
        expected.append(Message(m.timestamp, m.sender, m.text, m.sender_id,
                                server[i] if has_server_id else str(i + 1)))

    header = {"version": rng.choice(["1.4.2", "2.0.1", "2.1.0"]), "exportedAt": 1735689600 + rng.randrange(10 ** 7),
              "generator": "WeFlow"}
    group = rng.choice(["测试群🌸", "Weekend hikers", "读书会 (2群)", "A"])
    session: dict = {"wxid": room, "nickname": group, "remark": rng.choice(["", "备注名"]),
                     "displayName": group, "type": "群聊",
                     "lastTimestamp": records[-1]["createTime"] if records else 0,
                     "messageCount": len(records)}
    avatars = rng.random() < 0.3
    if avatars:
        # The base64 avatar can be large: the messages then start past the sniffer's window.
        session["avatar"] = data_url(rng, avatar_size(rng))
    if arkme:
        header["format"] = "arkme-json"
        sender_no = {wxid: n for n, wxid in enumerate(senders, start=1)}
        names = {m.sender_id: m.sender for m in ordered}
        listed = [{"senderID": sender_no[w], "wxid": w, "displayName": names[w], "nickname": names[w]}
                  for w in senders]
        compact = []
        for r in records:
            c = {k: r[k] for k in ("localId", "createTime", "formattedTime", "type", "localType", "content", "isSend")}
            c["senderID"] = sender_no[r["senderUsername"]]
            c["source"] = r["source"]
            for k in ("platformMessageId", "replyToMessageId", "quotedContent", "quotedSender"):
                if k in r:
                    c[k] = r[k]
            compact.append(c)
        members = [{"wxid": w, "displayName": names[w], "nickname": names[w], "remark": "", "alias": "",
                    "isFriend": rng.random() < 0.5, "messageCount": sum(r["senderUsername"] == w for r in records)}
                   for w in senders]
        members.append({"wxid": "wxid_silent000001", "displayName": "潜水员", "nickname": "潜水员", "remark": "",
                        "alias": "", "isFriend": False, "messageCount": 0})
        doc = {"weflow": header, "session": session, "senders": listed, "messages": compact,
               "groupMembers": members}
    else:
        doc = {"weflow": header, "session": session, "messages": records}
        if avatars:
            doc["avatars"] = {w: f"avatars/{w}.jpg" for w in [room, *senders]}
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return Rendered(text, None, expected, filename="export.json")
