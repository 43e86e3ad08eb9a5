"""MemoTrace (留痕, LC044/WeChatMsg) CSV export, v1 and v2, FORMATS.md §2a.

Both generations write with Python's ``csv.writer`` (``\\r\\n`` row ends, line breaks inside
a cell kept) in UTF-8 with a BOM:

* v1 (2023-2024, ``聊天记录/<群名>/<群名>_utf8.csv``, or ``messages.csv`` for "export all"): the
  database columns ``localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,
  StrTime,Remark,NickName,Sender`` (group member's remark, nickname and wxid). Readers show the
  remark, else the nickname; identity is the wxid; ``localId`` is the record id.
* v2 (2025, ``聊天记录/<群名>(<wxid>)/<群名>.csv``): ``消息ID,类型,发送人,时间,内容,备注,昵称,
  更多信息`` with the server id, a Chinese type name, the display name (the only identity:
  there is no wxid), and ``more`` in the last column.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta, timezone

from hypothesis import strategies as st

from tests.writers.chatlog_txt import WXIDS, one_name_per_id, pick_self, wechat_names
from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    has_text,
    lines_strategy,
    message_lists,
)

FORMAT = "memotrace-csv"
ENCODINGS = ("utf-8-sig", "utf-8")
"""Both generations open the file with ``utf-8-sig``; early v1 "export all" used plain UTF-8."""

GROUP = "夜跑团🏃"
ROOM = "20000000003@chatroom"
V1_COLUMNS = ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
              "StrTime", "Remark", "NickName", "Sender"]
V2_COLUMNS = ["消息ID", "类型", "发送人", "时间", "内容", "备注", "昵称", "更多信息"]
_LOCAL = timezone(timedelta(hours=8))
"""The exporting machine's zone (StrTime is SQLite 'localtime' of CreateTime)."""


def _name_ok(name: str) -> bool:
    # v2 readers trim 发送人 (WeChat names carry no edge spaces); a blank name is none.
    return bool(name) and name == name.strip()


def _body_ok(lines: list[str]) -> bool:
    # WeChat sends no blank message. The type column decides the kind, so placeholders are words.
    return has_text("\n".join(lines))


def _no_raw_prefix(messages: list[Message]) -> bool:
    # A v1 body opening with "<its own sender's wxid>:" and a line break reads as the raw
    # group-message prefix WeChat stores ("wxid_x:\n<content>").
    return not any(m.text.startswith(f"{m.sender_id}:\n") for m in messages)


def messages() -> st.SearchStrategy[list[Message]]:
    return message_lists(wechat_names(_name_ok), bodies_strategy(lines_strategy(), _body_ok),
                         ids=WXIDS).filter(_no_raw_prefix)


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # the excel dialect: QUOTE_MINIMAL, "\r\n"
    return out.getvalue()


def _v1(messages: list[Message], rng: random.Random) -> Rendered:
    me = pick_self(messages, rng)
    talker_id = rng.randrange(2, 500)
    local_ids = rng.sample(range(1, 10 ** 6), len(messages))
    rows: list[list] = [V1_COLUMNS]
    expected: list[Message] = []
    for m, local_id in zip(one_name_per_id(messages), sorted(local_ids), strict=True):
        how = rng.random()
        if how < 0.6:  # the member's remark (or MemoTrace's copy of the nickname in it)
            remark, nick = m.sender, rng.choice([m.sender, "昵称·" + m.sender])
        elif how < 0.9:  # no remark: the nickname is shown
            remark, nick = "", m.sender
        else:  # neither (a member who left): the wxid is shown
            remark, nick = "", ""
        unix = int(m.timestamp.replace(tzinfo=_LOCAL).timestamp())
        rows.append([local_id, talker_id, 1, 0, int(m.sender_id == me), unix, rng.choice([2, 3]), m.text,
                     f"{m.timestamp:%Y-%m-%d %H:%M:%S}", remark, nick, m.sender_id])
        expected.append(Message(m.timestamp, remark or nick or m.sender_id, m.text, m.sender_id, str(local_id)))
    name = rng.choice([f"聊天记录/{GROUP}/{GROUP}_utf8.csv", "messages.csv"])  # one chat, or "export all"
    return Rendered(_csv(rows), None, expected, filename=name)


def _v2(messages: list[Message], rng: random.Random) -> Rendered:
    svr_ids = rng.sample(range(10 ** 17, 2 ** 63), len(messages))
    rows: list[list] = [V2_COLUMNS]
    expected: list[Message] = []
    for m, svr_id in zip(one_name_per_id(messages), svr_ids, strict=True):
        known = rng.random() < 0.9  # a member still in the group: their contact's remark/nickname
        remark, nick = (rng.choice(["", m.sender]), m.sender) if known else (m.sender, m.sender)
        rows.append([str(svr_id), "文本", m.sender, f"{m.timestamp:%Y-%m-%d %H:%M:%S}", m.text, remark, nick,
                     "more"])
        expected.append(Message(m.timestamp, m.sender, m.text, m.sender, str(svr_id)))
    suffix = rng.choice(["", "", "(1)"])  # get_new_filename when the file already exists
    return Rendered(_csv(rows), None, expected, filename=f"聊天记录/{GROUP}({ROOM})/{GROUP}{suffix}.csv")


def render(messages: list[Message], rng: random.Random) -> Rendered:
    return _v1(messages, rng) if rng.random() < 0.5 else _v2(messages, rng)
