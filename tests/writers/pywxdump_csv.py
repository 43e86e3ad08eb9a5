"""PyWxDump chat export CSV (xaoyaoo/PyWxDump and forks), FORMATS.md §2b.

``export/<room>/<room>_<start>_<end>.csv``, written by Python's ``csv.writer`` (QUOTE_MINIMAL,
``\\r\\n`` row ends, line breaks inside a cell kept) in UTF-8:

* 2024-04 onwards: ``id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime``
  with a ``users.json`` next to it (wxid -> ``{wxid, nickname, remark, account, ...}``; the
  exporting user is not among the contacts). ``talker`` is the member's wxid, or ``我`` for
  the exporting user unless ``my_wxid`` was set.
* early 2024 (v2.x): ``id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime``
  with ``content`` the JSON ``{"src": ..., "msg": ...}``, ``talker`` ``我`` for the exporting
  user, and no ``users.json``.
* a 2024-04 page re-saved by Excel: ``CreateTime`` like ``2024/10/4 11:42`` (no seconds) and
  ``is_sender`` ``TRUE``/``FALSE``.

Readers show the users.json nickname as the sender (the wxid without users.json or for a
wxid it does not list); identity is the talker.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.writers.chatlog_txt import WXIDS, pick_self, wechat_names
from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    has_text,
    lines_strategy,
    message_lists,
)

FORMAT = "pywxdump-csv"
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
"""PyWxDump writes UTF-8; a page re-saved by Excel is UTF-8 with a BOM ("CSV UTF-8") or the
ANSI code page of a Chinese Windows (GBK, a subset of GB18030)."""

SELF = "我"
"""PyWxDump's default ``my_wxid``: the talker of the exporting user's messages."""
ROOM = "20000000002@chatroom"
ROOM_NAME = "读书会 📚 测试群"
NEW_COLUMNS = ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"]
OLD_COLUMNS = ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "content", "CreateTime"]


def _name_ok(name: str) -> bool:
    # users.json names are read trimmed (WeChat nicknames carry no edge spaces), and a blank
    # one falls back to the next field.
    return bool(name) and name == name.strip()


def _body_ok(lines: list[str]) -> bool:
    # WeChat sends no blank message. type_name decides the kind, so placeholders are words.
    return has_text("\n".join(lines))


def messages() -> st.SearchStrategy[list[Message]]:
    return message_lists(wechat_names(_name_ok), bodies_strategy(lines_strategy(), _body_ok), ids=WXIDS)


@dataclass
class Page:
    """What both PyWxDump files need: the records in export order and the sidecar."""

    rows: list[dict]
    expected: list[Message]
    users: dict | None


def page(messages: list[Message], rng: random.Random, *, old: bool, excel: bool = False) -> Page:
    """PyWxDump's message dicts (``get_msg_detail``) for ``messages`` in time order, the
    messages as a reader shows them, and users.json (None when not written or not kept)."""
    me = pick_self(messages, rng)
    my_wxid = SELF if old or rng.random() < 0.6 else me  # set by "my_wxid" in newer versions
    users: dict | None = None if old or rng.random() < 0.15 else {}
    gone = {m.sender_id for m in messages if rng.random() < 0.1}  # left the group: not a contact
    svr_ids = rng.sample(range(10 ** 17, 2 ** 63), len(messages))
    rows: list[dict] = []
    expected: list[Message] = []
    for i, m in enumerate(sorted(messages, key=lambda m: m.timestamp)):  # ORDER BY CreateTime
        mine = m.sender_id == me
        talker = my_wxid if mine else m.sender_id
        if users is not None and not mine and m.sender_id not in gone and m.sender_id not in users:
            users[m.sender_id] = _user(m.sender_id, m.sender, rng)
        shown = users[talker]["nickname"] if users and talker in users else talker
        ts = m.timestamp.replace(second=0) if excel else m.timestamp
        when = (f"{ts.year}/{ts.month}/{ts.day} {ts.hour}:{ts.minute:02d}" if excel
                else f"{ts:%Y-%m-%d %H:%M:%S}")
        row = {"id": i + 1, "MsgSvrID": str(svr_ids[i]), "type_name": "文本",
               "is_sender": ("TRUE" if mine else "FALSE") if excel else int(mine), "talker": talker,
               "room_name": ROOM}
        if old:
            row["content"] = {"src": "", "msg": m.text}
        else:
            row.update({"msg": m.text, "src": "", "extra": {}})
        row["CreateTime"] = when
        rows.append(row)
        expected.append(Message(ts, shown, m.text, talker, str(svr_ids[i])))
    if users is not None:
        users[ROOM] = _user(ROOM, ROOM_NAME, rng)
    return Page(rows, expected, users)


def _user(wxid: str, name: str, rng: random.Random) -> dict:
    """A users.json record (``get_user_list``); the remark, when set, is not what readers show."""
    return {"wxid": wxid, "nickname": name, "remark": rng.choice(["", "", "备注·" + name]),
            "account": "", "describe": "", "headImgUrl": "", "ExtraBuf": None, "LabelIDList": [],
            "extra": None}


def users_json(users: dict) -> str:
    """users.json as PyWxDump writes it (``indent=4``, non-ASCII as is)."""
    return json.dumps(users, ensure_ascii=False, indent=4)


def render(messages: list[Message], rng: random.Random) -> Rendered:
    layout = rng.choice(["new", "new", "old", "excel"])
    pg = page(messages, rng, old=layout == "old", excel=layout == "excel")
    columns = OLD_COLUMNS if layout == "old" else NEW_COLUMNS
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)  # lineterminator "\r\n"
    writer.writerow(columns)
    for row in pg.rows:
        if layout == "old":
            row = {**row, "content": json.dumps(row["content"], ensure_ascii=False)}
        writer.writerow([row[c] for c in columns])
    # Without users.json the page was copied on its own (a test folder may still hold the
    # users.json of an earlier page: never next to this one).
    folder = f"export/{ROOM}" if pg.users is not None else "copied"
    sidecars = {f"{folder}/users.json": users_json(pg.users)} if pg.users is not None else {}
    return Rendered(out.getvalue(), None, pg.expected, filename=f"{folder}/{ROOM}_0_{len(messages) + 1}.csv",
                    sidecars=sidecars)
