"""PyWxDump exports (xaoyaoo/PyWxDump and its forks), FORMATS.md §2b.

Two files, one module:

* ``pywxdump-csv``: ``export/<wxid>/<wxid>_<start>_<end>.csv``, UTF-8, columns
  ``id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime`` (2024-04 onwards)
  or, in early 2024 (v2.x), ``id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime``
  where ``content`` is a JSON string ``{"src": ..., "msg": ...}``.
* ``pywxdump-json``: ``<wxid>_0_<n>.json``, a list of the same records (plus ``extra``).

``talker`` is the sender's wxid in group chats, ``我`` (PyWxDump's default ``my_wxid``) for the
exporting user unless it was set, and ``系统`` for official-account messages. ``room_name`` is
the conversation id (``…@chatroom`` for groups). A ``users.json`` next to the file maps
wxid -> {nickname, remark, account, ...}; with it, ``sender`` is a readable name.

Files re-saved by Excel are read too: ``CreateTime`` like ``2024/10/4 11:42`` (slashes, no
seconds, no zero padding) and booleans written as ``TRUE``/``FALSE``.

System notices (joins by invitation or QR code, removals, recalls, red-packet receipts, pats)
are classified by :mod:`analysis.parsers._wechat`: PyWxDump keeps them as raw ``<sysmsg>`` XML,
which :func:`~analysis.parsers._wechat.render_sysmsg` turns into ``"name(wxid)"`` sentences.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import ParseError
from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers import _wechat as wechat
from analysis.parsers._common import (
    DEFAULT_TZ_CN,
    csv_records,
    inside_folder,
    link_replies,
    ns_series,
    read_json_records,
    to_ns,
    to_wall_clock,
)
from analysis.parsers._json_stream import loads
from analysis.schema import (
    ACTOR_ID,
    KIND,
    LINE,
    MESSAGE_COLUMNS,
    MSG_ID,
    REPLY_TO,
    SENDER,
    SENDER_ID,
    TEXT,
    TIMESTAMP,
    Chat,
    UnparsedLine,
    build_messages,
    empty_messages,
)
from analysis.source import LINE_BREAK, Source, count_lines

NEW_COLUMNS = ("id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime")
OLD_COLUMNS = ("id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "content", "CreateTime")
_KEY_COLUMNS = ("MsgSvrID", "type_name", "is_sender", "talker", "room_name", "CreateTime")

SELF = "我"
"""PyWxDump's default ``my_wxid``: the talker of the exporting user's own messages."""
SYSTEM_ID = wechat.SYSTEM_ID
"""sender_id of WeChat system notices that concern no particular member (from ``_wechat``)."""
SYSTEM_NAME = wechat.SYSTEM_NAME

# type_name -> kind (PyWxDump's type_converter names; forks add 微信红包 and 拍一拍 as 49/62).
TYPE_KINDS: dict[str, str] = {
    "文本": "text", "粘贴的文本": "text", "引用回复": "text", "接龙": "text",
    "图片": "image",
    "语音": "voice",
    "视频": "video",
    "动画表情": "sticker", "用户上传的GIF表情": "sticker",
    "位置": "location", "位置共享": "location",
    "文件": "file", "文件(猜)": "file",
    "卡片式链接": "link", "分享卡片式链接": "link", "(分享)卡片式链接": "link",
    "(分享)音乐": "link", "(分享)笔记": "link", "(分享)收藏夹": "link", "(分享)小说(猜)": "link",
    "(分享)视频号视频": "link", "视频号直播或直播回放": "link", "视频号直播或直播回放等": "link",
    "合并转发的聊天记录": "card", "(分享)小程序": "card", "(分享)视频号名片": "card",
    "推荐公众号": "card", "游戏相关": "card", "赠送红包封面": "card", "企业微信名片": "card",
    "微信红包": "red_packet", "红包": "red_packet",
    "转账": "transfer",
    "语音通话": "call",
    "系统通知": "system", "拍一拍": "system", "群公告": "system", "添加好友": "system",
    "邀请加群": "join",
}
"""Known ``type_name`` values and their kinds. ``消息撤回<n>`` is a recall; ``未知`` (stock PyWxDump
writes red packets 49/2001 this way, among others) and other unknown names are cards."""

# Types whose text is a system notice to classify (joins, removals, recalls, receipts, pats).
_NOTICE_TYPES = frozenset({"系统通知", "拍一拍", "邀请加群", "群公告", "添加好友"})
_ANCHOR = re.compile(r'<a\s[^>]*?href\s*=\s*["\']([^"\']*)["\'][^>]*>.*?</a>', re.S | re.I)
_TIME_PARTS = (r"^\s*(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
               r"(?::(?P<s>\d{2})(?:\.\d+)?)?)?\s*$")
_UNIX = r"^\s*\d{10}(?:\d{3})?\s*$"
_TRUE = frozenset({"1", "true", "True", "TRUE", "是"})


# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------

def sniff_csv(source: Source) -> bool:
    """A header row with PyWxDump's columns (new ``msg,src`` or old ``content`` layout)."""
    fields = wechat.header_fields(source.head())
    return fields in (NEW_COLUMNS, OLD_COLUMNS) or (
        all(c in fields for c in _KEY_COLUMNS) and ("msg" in fields or "content" in fields)
        and "talkerName" not in fields
    )


def sniff_json(source: Source) -> bool:
    """A JSON array whose first record has PyWxDump's keys."""
    head = source.head().lstrip("\ufeff \t\r\n")
    if not head.startswith("["):
        return False
    probe = head[:4096]
    return all(f'"{k}"' in probe for k in ("MsgSvrID", "type_name", "talker", "room_name", "CreateTime"))


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------

def parse_csv(source: Source, options: ParseOptions) -> list[Chat]:
    """Read a PyWxDump CSV page (new or old layout) into one Chat per ``room_name``."""
    text = source.text()
    header, rows, lines, bad = csv_records(text)
    if header is None:
        raise ParseError("the CSV has no header row", path=source.name, line=1,
                         hint="export the chat again from PyWxDump")
    old = "content" in header and "msg" not in header
    need = [c for c in (OLD_COLUMNS if old else NEW_COLUMNS) if c not in ("src",)]
    missing = [c for c in need if c not in header]
    if missing:
        raise ParseError(f"PyWxDump CSV is missing column(s) {missing}", path=source.name, line=1,
                         hint="give the CSV PyWxDump wrote, or use --log-format generic-csv with --columns")
    unparsed = [u for first, last, _, why in bad for u in _raw_lines(text, first, last, why)]
    table = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header)
    table["_line"] = lines
    return _build(table, source, options, unparsed, old=old, lines_total=count_lines(text))


def parse_json(source: Source, options: ParseOptions) -> list[Chat]:
    """Read a PyWxDump JSON page into one Chat per ``room_name``."""
    text = source.text()
    records = read_json_records(text, source.name)
    unparsed: list[UnparsedLine] = []
    good = [(line, r) for line, r in records if isinstance(r, dict)]
    for line, r in records:
        if not isinstance(r, dict):
            unparsed.append(UnparsedLine(line, f"not a message object: {json.dumps(r, ensure_ascii=False)[:80]}"))
    table = pd.DataFrame([r for _, r in good]) if good else pd.DataFrame(columns=list(NEW_COLUMNS))
    table["_line"] = [line for line, _ in good]
    old = "content" in table.columns and "msg" not in table.columns
    if old:
        # The early-2024 JSON keeps ``content`` as an object {src, msg}, where its CSV has that
        # object's JSON text: give both the same form.
        table["content"] = [json.dumps(c, ensure_ascii=False) if isinstance(c, dict) else c
                            for c in table["content"]]
    for col in NEW_COLUMNS:
        if col not in table.columns and not (old and col in ("msg", "src")):
            table[col] = None
    return _build(table, source, options, unparsed, old=old, lines_total=count_lines(text))


def _raw_lines(text: str, first: int, last: int, why: str) -> list[UnparsedLine]:
    """The physical lines ``first..last`` of ``text`` as unparsed, the first one annotated."""
    lines = LINE_BREAK.split(text)[first - 1:last]
    out = []
    for offset, raw in enumerate(lines):
        if raw.strip():
            label = f"{raw}  [{why}]" if not out else raw
            out.append(UnparsedLine(first + offset, label))
    return out


def _build(table: pd.DataFrame, source: Source, options: ParseOptions, unparsed: list[UnparsedLine],
           *, old: bool, lines_total: int) -> list[Chat]:
    warnings: list[Note] = []
    n = len(table)
    if not n:
        chat = Chat(messages=empty_messages(), unparsed=unparsed, lines_total=lines_total, platform="wechat")
        return [chat]
    table = table.reset_index(drop=True)
    as_str = {c: table[c].astype("string").fillna("") for c in table.columns if c != "_line"}

    if old:
        msg, bad = _split_content(as_str["content"])
        if bad:
            warnings.append(note("parse.pywxdump_content_not_json", n=int(bad)))
    else:
        msg = as_str["msg"]
    msg = msg.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)

    # Time: ISO, Excel-damaged (2024/10/4 11:42) or Unix seconds.
    ts, excel = _timestamps(as_str["CreateTime"], options.tz or DEFAULT_TZ_CN)
    if excel:
        warnings.append(note("parse.times_without_seconds", n=int(excel)))
    bad_time = ts.isna().to_numpy()
    line_col = pd.array(table["_line"], dtype="Int64")
    for i in np.flatnonzero(bad_time):
        unparsed.append(UnparsedLine(int(line_col[i]) if pd.notna(line_col[i]) else 0,
                                     f"invalid CreateTime {as_str['CreateTime'].iat[i]!r}"))

    type_name = as_str["type_name"].str.strip()
    is_sender = as_str["is_sender"].str.strip().isin(_TRUE)
    talker = as_str["talker"].str.strip()
    room = as_str["room_name"].str.strip()
    msg_id = as_str["MsgSvrID"].str.strip()
    msg_id = msg_id.where(msg_id != "", "L" + pd.Series(line_col, dtype="string").fillna("?"))

    # Kinds from type_name; unknown names from the body.
    kinds = type_name.map(TYPE_KINDS).astype(object)
    kinds = kinds.where(~type_name.str.startswith("消息撤回"), "recall")
    unknown = kinds.isna() & (type_name != "") & ~type_name.str.startswith("未知")
    kinds = kinds.where(~type_name.str.startswith("未知"), "card")
    if unknown.any():
        names = sorted(type_name[unknown].unique())
        warnings.append(note("parse.unknown_type_names", names=[str(n) for n in names[:5]]))
    guess = kinds.isna().to_numpy()
    if guess.any():
        kinds = kinds.copy()
        kinds[guess] = wechat.body_kinds(msg[guess]).to_numpy()

    # Links: PyWxDump writes HTML (<a href="url">点击查看详情</a>); keep the URL.
    is_link = (kinds == "link").to_numpy()
    if is_link.any():
        msg = msg.copy()
        msg[is_link] = msg[is_link].str.replace(_ANCHOR, r"\1", regex=True)
    notice = type_name.isin(_NOTICE_TYPES) | (kinds == "recall")
    if notice.any():
        msg = msg.copy()
        msg[notice.to_numpy()] = wechat.render_sysmsg(msg[notice.to_numpy()])

    # Identity: users.json names where present.
    users = _load_users(source)
    self_ids = talker[is_sender & (talker != "")]
    self_id = self_ids.mode().iat[0] if len(self_ids) else SELF
    if (talker == SELF).any():
        warnings.append(note("parse.pywxdump_self_talker"))
    if users is None:
        names = talker
        warnings.append(note("parse.no_users_json"))
    else:
        shown = {wxid: _display_name(record) for wxid, record in users.items()}
        names = talker.map(shown).astype("string")
        names = names.where(names.notna() & (names != ""), talker)
    names = names.where(talker != SELF, _display_name(users.get(self_id)) if users and self_id != SELF else SELF)
    no_talker = talker.isin(("", "未知")) & notice
    sender_id = talker.where(~no_talker, SYSTEM_ID)
    names = names.where(~no_talker, SYSTEM_NAME)

    frame = pd.DataFrame({
        MSG_ID: msg_id, TIMESTAMP: ts, SENDER_ID: sender_id, SENDER: names, KIND: kinds.astype(object),
        TEXT: msg, REPLY_TO: None, ACTOR_ID: None, LINE: line_col, "_room": room,
    })
    frame = frame[~bad_time].reset_index(drop=True)

    lookup = _user_name_lookup(users) if users else {}
    self_name = names[talker == self_id].iloc[0] if (talker == self_id).any() else SELF
    chats = []
    for room_id, part in frame.groupby("_room", sort=False):
        part = part.drop(columns="_room").reset_index(drop=True)
        notice_mask = part[KIND].isin(("system", "recall", "join")).to_numpy()
        part, warns = wechat.apply_wxid_system_events(part, notice_mask, self_id=self_id, self_name=self_name,
                                                      names=lookup)
        part = _link_pywxdump_quotes(part)
        group = _display_name(users.get(room_id)) if users and users.get(room_id) else room_id
        chat = Chat(messages=build_messages({c: part[c] for c in MESSAGE_COLUMNS}), group=group or "",
                    platform="wechat", warnings=warnings + warns, lines_total=lines_total)
        chats.append(chat)
    if not chats:
        chats = [Chat(messages=empty_messages(), platform="wechat", warnings=warnings, lines_total=lines_total)]
    chats[0].unparsed = sorted(unparsed, key=lambda u: u.line)
    return chats


def _split_content(content: pd.Series) -> tuple[pd.Series, int]:
    """Old layout: ``content`` is JSON ``{"src": ..., "msg": ...}`` (one json.loads per row);
    returns the ``msg`` texts and how many cells were not such JSON."""
    msgs, bad = [], 0
    for cell in content.tolist():
        try:
            obj = loads(cell)[0] if cell else {}
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, dict):
            msgs.append("" if obj.get("msg") is None else str(obj.get("msg")))
        else:
            bad += 1
            msgs.append(cell)
    return pd.Series(msgs, dtype="string"), bad


def _timestamps(values: pd.Series, tz: str) -> tuple[pd.Series, int]:
    """Parse CreateTime tolerantly; return (naive wall-clock times, count without seconds)."""
    parts = wechat.arrow_extract(values, _TIME_PARTS)
    frame = pd.DataFrame({
        "year": pd.to_numeric(parts["y"]), "month": pd.to_numeric(parts["mo"]),
        "day": pd.to_numeric(parts["d"]), "hour": pd.to_numeric(parts["h"]).fillna(0),
        "minute": pd.to_numeric(parts["mi"]).fillna(0), "second": pd.to_numeric(parts["s"]).fillna(0),
    })
    ok = parts["y"].notna()
    ts = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if ok.any():
        ts[ok] = to_ns(pd.to_datetime(frame[ok], errors="coerce"))
    unix = wechat.arrow_match(values, _UNIX)
    if unix.any():
        num = pd.to_numeric(values[unix])
        secs = num.where(num < 10**11, num // 1000)
        secs = secs.where(secs.abs() < 9.2e9)  # beyond that, no nanosecond time can hold it
        ts[unix] = to_wall_clock(pd.to_datetime(secs, unit="s", utc=True, errors="coerce"), tz).to_numpy()
    no_seconds = int((ok & parts["h"].notna() & parts["s"].isna()).sum())
    return ts.astype("datetime64[ns]"), no_seconds


def _load_users(source: Source) -> dict[str, Any] | None:
    """``users.json`` next to the export: wxid -> record (a dict of dicts, or a list with wxid keys)."""
    if source.path is None:
        return None
    path = Path(source.path).parent / "users.json"
    if not path.is_file():
        return None
    path = inside_folder(path.parent, "users.json", name=source.name, what="sidecar")
    try:
        data = loads(path.read_text(encoding="utf-8-sig"))[0]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(data, list):
        data = {str(d.get("wxid") or d.get("username") or d.get("UserName")): d
                for d in data if isinstance(d, dict)}
    if not isinstance(data, dict):
        return None
    return {str(k): v for k, v in data.items()}


def _display_name(record: Any) -> str | None:
    """The name to show for a users.json record: its nickname, else remark, else account."""
    if isinstance(record, str):
        return record or None
    if not isinstance(record, dict):
        return None
    for key in ("nickname", "NickName", "roomNickname", "remark", "Remark", "account", "Alias"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _user_name_lookup(users: Mapping[str, Any]) -> dict[str, str]:
    """Every name a users.json record is known by (nickname, remark, group nickname, account)
    -> wxid, for names that belong to exactly one wxid."""
    owners: dict[str, set[str]] = {}
    for wxid, record in users.items():
        if not isinstance(record, dict):
            continue
        for key in ("nickname", "NickName", "remark", "Remark", "roomNickname", "account", "Alias"):
            value = record.get(key)
            if isinstance(value, str) and value.strip():
                owners.setdefault(value.strip(), set()).add(wxid)
    return {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}


_PYWX_QUOTE = re.compile(r"\n\n\[引用\]\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\)([^:\n]*):(.*)\Z", re.S)


def _link_pywxdump_quotes(frame: pd.DataFrame) -> pd.DataFrame:
    """``title\\n\\n[引用](time)name:content``: reply_to = the one message at that time by that
    display name, or else with that exact text."""
    quoting = frame[TEXT].str.contains("[引用](", regex=False).fillna(False).to_numpy(bool)
    if not quoting.any():
        return frame
    found = frame.loc[quoting, TEXT].str.extract(_PYWX_QUOTE).reindex(frame.index)
    when = ns_series(pd.to_datetime(found[0], errors="coerce"))
    frame = link_replies(frame, when, found[1].str.strip(), by=SENDER)
    todo = frame[REPLY_TO].isna()
    return link_replies(frame, when.where(todo), found[2].where(todo), by=TEXT)


FORMATS = (
    LogFormat(
        name="pywxdump-csv",
        platform="wechat",
        title="PyWxDump chat export CSV (new msg/src and old JSON-in-content layouts)",
        how_to_export="PyWxDump (wxdump ui) → 聊天记录 → choose the group → 导出 → CSV; keep users.json next to the CSV",
        sniff=sniff_csv,
        parse=parse_csv,
        extensions=(".csv",),
        sidecars=frozenset({"users.json"}),
    ),
    LogFormat(
        name="pywxdump-json",
        platform="wechat",
        title="PyWxDump chat export JSON",
        how_to_export="PyWxDump (wxdump ui) → 聊天记录 → choose the group → 导出 → JSON; keep users.json next to the file",
        sniff=sniff_json,
        parse=parse_json,
        extensions=(".json",),
        sidecars=frozenset({"users.json"}),
    ),
)
