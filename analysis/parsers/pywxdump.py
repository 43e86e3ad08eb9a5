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
are classified by :mod:`analysis.parsers._wechat`; the second half of this module prepares
them (PyWxDump keeps raw ``<sysmsg>`` XML; chatlog writes ``"name(wxid)"``) and holds helpers
shared with :mod:`analysis.parsers.chatlog` (quote linking, JSON records with line numbers).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import ParseError
from analysis.parsers import LogFormat, ParseOptions
from analysis.parsers import _wechat as wechat
from analysis.parsers._common import DEFAULT_TZ_CN, to_wall_clock
from analysis.schema import (
    ACTOR_ID,
    EVENT_KINDS,
    KIND,
    LINE,
    MESSAGE_COLUMNS,
    MSG_ID,
    REPLY_TO,
    SENDER,
    SENDER_ID,
    STRING,
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
_EXCEL_TIME = re.compile(r"^\s*\d{4}/\d{1,2}/\d{1,2}\s+\d{1,2}:\d{2}\s*$")
_TIME_PARTS = (r"^\s*(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
               r"(?::(?P<s>\d{2})(?:\.\d+)?)?)?\s*$")
_UNIX = r"^\s*\d{10}(?:\d{3})?\s*$"
_TRUE = frozenset({"1", "true", "True", "TRUE", "是"})


# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------

def _header_fields(head: str) -> list[str]:
    first = LINE_BREAK.split(head.lstrip("\ufeff"), maxsplit=1)[0]
    try:
        return [f.strip() for f in next(csv.reader([first]))]
    except (StopIteration, csv.Error):
        return []


def sniff_csv(source: Source) -> bool:
    """A header row with PyWxDump's columns (new ``msg,src`` or old ``content`` layout)."""
    fields = _header_fields(source.head())
    return tuple(fields) in (NEW_COLUMNS, OLD_COLUMNS) or (
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
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ParseError("the CSV has no header row", path=source.name, line=1,
                         hint="export the chat again from PyWxDump") from None
    old = "content" in header and "msg" not in header
    need = [c for c in (OLD_COLUMNS if old else NEW_COLUMNS) if c not in ("src",)]
    missing = [c for c in need if c not in header]
    if missing:
        raise ParseError(f"PyWxDump CSV is missing column(s) {missing}", path=source.name, line=1,
                         hint="give the CSV PyWxDump wrote, or use --log-format generic-csv with --columns")
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    unparsed: list[UnparsedLine] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                start = reader.line_num + 1
                continue
            if len(row) != width:
                unparsed.extend(_raw_lines(text, start, reader.line_num,
                                           f"{len(row)} fields where the header has {width}"))
            else:
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        unparsed.extend(_raw_lines(text, start, count_lines(text), f"CSV error: {exc}"))
    table = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header)
    table["_line"] = lines
    return _build(table, source, options, unparsed, old=old, lines_total=count_lines(text))


def parse_json(source: Source, options: ParseOptions) -> list[Chat]:
    """Read a PyWxDump JSON page into one Chat per ``room_name``."""
    text = source.text()
    records, unparsed = read_json_records(text, source.name)
    good = [(line, r) for line, r in records if isinstance(r, dict)]
    for line, r in records:
        if not isinstance(r, dict):
            unparsed.append(UnparsedLine(line, f"not a message object: {json.dumps(r, ensure_ascii=False)[:80]}"))
    table = pd.DataFrame([r for _, r in good]) if good else pd.DataFrame(columns=list(NEW_COLUMNS))
    table["_line"] = [line for line, _ in good]
    old = "content" in table.columns and "msg" not in table.columns
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
    warnings: list[str] = []
    n = len(table)
    if not n:
        chat = Chat(messages=empty_messages(), unparsed=unparsed, lines_total=lines_total, platform="wechat")
        return [chat]
    table = table.reset_index(drop=True)
    as_str = {c: table[c].astype("string").fillna("") for c in table.columns if c != "_line"}

    if old:
        msg, bad = _split_content(as_str["content"])
        if bad:
            warnings.append(f"{bad} 'content' cell(s) were not JSON {{src, msg}}; their text is kept as it stands")
    else:
        msg = as_str["msg"]
    msg = msg.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)

    # Time: ISO, Excel-damaged (2024/10/4 11:42) or Unix seconds.
    ts, excel = _timestamps(as_str["CreateTime"], options.tz or DEFAULT_TZ_CN)
    if excel:
        warnings.append(f"{excel} CreateTime value(s) have no seconds (the CSV was re-saved by a spreadsheet);"
                        " those times are to the minute")
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
        warnings.append(f"unknown type_name value(s) {names[:5]}: kind guessed from the text")
    guess = kinds.isna().to_numpy()
    if guess.any():
        kinds = kinds.copy()
        kinds[guess] = wechat.body_kinds(pd.Series(msg[guess].astype(object).tolist(), dtype=object)).to_numpy()

    # Links: PyWxDump writes HTML (<a href="url">点击查看详情</a>); keep the URL.
    is_link = (kinds == "link").to_numpy()
    if is_link.any():
        msg = msg.copy()
        msg[is_link] = msg[is_link].str.replace(_ANCHOR, r"\1", regex=True)
    notice = type_name.isin(_NOTICE_TYPES) | (kinds == "recall")
    if notice.any():
        msg = msg.copy()
        msg[notice.to_numpy()] = clean_system_text(msg[notice.to_numpy()])

    # Identity: users.json names where present.
    users = _load_users(source)
    self_ids = talker[is_sender & (talker != "")]
    self_id = self_ids.mode().iat[0] if len(self_ids) else SELF
    if (talker == SELF).any():
        warnings.append("your own messages carry the talker '我' (PyWxDump's default my_wxid), kept as that id")
    if users is None:
        names = talker
        warnings.append("no users.json next to the file: sender names are the wxids")
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
        part, warns = system_events(part, notice_mask, self_id=self_id, self_name=self_name, names=lookup)
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
            obj = json.loads(cell) if cell else {}
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
    parts = arrow_extract(values, _TIME_PARTS)
    frame = pd.DataFrame({
        "year": pd.to_numeric(parts["y"]), "month": pd.to_numeric(parts["mo"]),
        "day": pd.to_numeric(parts["d"]), "hour": pd.to_numeric(parts["h"]).fillna(0),
        "minute": pd.to_numeric(parts["mi"]).fillna(0), "second": pd.to_numeric(parts["s"]).fillna(0),
    })
    ok = parts["y"].notna()
    ts = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if ok.any():
        ts[ok] = pd.to_datetime(frame[ok], errors="coerce")
    unix = arrow_match(values, _UNIX)
    if unix.any():
        num = pd.to_numeric(values[unix])
        secs = num.where(num < 10**11, num // 1000)
        ts[unix] = to_wall_clock(pd.to_datetime(secs, unit="s", utc=True), tz).to_numpy()
    no_seconds = int((ok & parts["h"].notna() & parts["s"].isna()).sum())
    return ts.astype("datetime64[ns]"), no_seconds


def _load_users(source: Source) -> dict[str, Any] | None:
    """``users.json`` next to the export: wxid -> record (a dict of dicts, or a list with wxid keys)."""
    if source.path is None:
        return None
    path = Path(source.path).parent / "users.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
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
    when = pd.to_datetime(found[0], errors="coerce")
    frame = link_replies(frame, when, found[1].str.strip(), by=SENDER)
    todo = frame[REPLY_TO].isna()
    return link_replies(frame, when.where(todo), found[2].where(todo), by=TEXT)


# ---------------------------------------------------------------------------------------------
# WeChat system notices (shared with chatlog; to be merged with _wechat.py)
# ---------------------------------------------------------------------------------------------

WXID = r"(?:wxid_[A-Za-z0-9_-]+|[A-Za-z][-_A-Za-z0-9]{5,19})"
"""A WeChat user name: ``wxid_…``, or a custom WeChat id (a letter, then 6-20 letters, digits, _ or -)."""

_TAG = re.compile(r"<[^<>]+>")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_REPLACEMSG = re.compile(r"<replacemsg>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</replacemsg>", re.S)
_TEMPLATE = re.compile(r"<template>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</template>", re.S)
_LINK = re.compile(r'<link\s+name="([^"]+)"[^>]*>(.*?)</link>', re.S)
_MEMBER = re.compile(r"<member>(.*?)</member>", re.S)
_FIELD = r"<{0}>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</{0}>"
_REEDIT = re.compile(r"\s*<a\s[^>]*weixin://revoke_edit[^>]*>.*?</a>", re.S)


def clean_system_text(texts: pd.Series) -> pd.Series:
    """System-notice bodies as the app shows them.

    ``<sysmsg>`` XML becomes its ``replacemsg`` (recalls) or its rendered ``template``
    (``$names$`` replaced by ``nickname(wxid)``, the way chatlog renders them); the "重新编辑"
    link after a recall is dropped; any other tags are removed, keeping their text
    (``<_wc_custom_link_ …>红包</_wc_custom_link_>`` -> ``红包``).
    """
    out = texts.astype("string").fillna("")
    xml = out.str.contains("<", regex=False).fillna(False)
    if not xml.any():
        return out
    out = out.copy()
    out[xml] = out[xml].map(_render_sysmsg).astype("string")
    return out


def _render_sysmsg(text: str) -> str:
    text = _REEDIT.sub("", text)
    m = _REPLACEMSG.search(text)
    if m:
        return _strip_tags(m.group(1))
    m = _TEMPLATE.search(text)
    if m:
        values = {}
        for name, body in _LINK.findall(text):
            members = []
            for member in _MEMBER.findall(body):
                nick = re.search(_FIELD.format("nickname"), member, re.S)
                user = re.search(_FIELD.format("username"), member, re.S)
                nick_s, user_s = (nick.group(1).strip() if nick else ""), (user.group(1).strip() if user else "")
                if nick_s:
                    members.append(f"{nick_s}({user_s})" if user_s else nick_s)
            title = re.search(_FIELD.format("title"), body, re.S)
            values[name] = "、".join(members) if members else (title.group(1).strip() if title else "")
        return re.sub(r"\$([^$]+)\$", lambda k: values.get(k.group(1), k.group(0)), _strip_tags(m.group(1)))
    return _strip_tags(text)


def _strip_tags(text: str) -> str:
    text = _CDATA.sub(r"\1", text)
    return _TAG.sub("", text).strip()


_NAME_ID_TOKEN = re.compile(rf'(?P<name>[^"“”、\n]*?)\((?P<id>{WXID})\)(?=["”、])')
_ID_TOKEN = re.compile(r'\$\{(?P<id>[^}"“”\n]+)\}')


def system_events(frame: pd.DataFrame, notices: np.ndarray, *, self_id: str, self_name: str,
                  names: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """:func:`analysis.parsers._wechat.apply_system_events` for PyWxDump and chatlog.

    Before classifying, names that carry their wxid are read off the notice: chatlog (and
    our XML rendering) write ``"赵晴(wxid_demo_erin)"``, pats write ``"${wxid_demo_bob}"``.
    Those ids, plus ``names`` (e.g. users.json), are the known ids; the notice keeps its
    text as exported.
    """
    if not notices.any():
        return frame, []
    frame = frame.copy()
    original = frame[TEXT].astype(object)
    spoke = frame.loc[~notices & ~frame[KIND].isin(EVENT_KINDS).to_numpy(), [SENDER_ID, SENDER]]
    spoke = spoke.drop_duplicates()
    last = spoke.drop_duplicates(SENDER_ID, keep="last")
    id_names = dict(zip(last[SENDER_ID].astype(str), last[SENDER].astype(str), strict=True))
    known: dict[str, set[str]] = {}
    for name, wxid in (names or {}).items():
        known.setdefault(name, set()).add(wxid)

    def bare(match: re.Match[str]) -> str:
        name = match["name"].strip() or match["id"]
        known.setdefault(name, set()).add(match["id"])
        return name

    def named(match: re.Match[str]) -> str:
        wxid = match["id"]
        name = id_names.get(wxid, wxid)
        known.setdefault(name, set()).add(wxid)
        return name

    sub = original[notices].astype(str)
    sub = sub.str.replace(_NAME_ID_TOKEN, bare, regex=True).str.replace(_ID_TOKEN, named, regex=True)
    frame.loc[notices, TEXT] = sub.to_numpy()
    frame["_exported"] = original
    frame["_notice"] = notices
    frame[KIND] = frame[KIND].astype(object)
    unique = {name: next(iter(ids)) for name, ids in known.items() if len(ids) == 1}
    # Every name in the notices gets an id here (users.json / name(wxid), else the one id that
    # used that name on its own messages, else the name itself), so _wechat resolves nothing.
    per_name = spoke.groupby(SENDER)[SENDER_ID].nunique()
    own = spoke[spoke[SENDER].isin(per_name[per_name == 1].index)].drop_duplicates(SENDER)
    spoken = dict(zip(own[SENDER].astype(str), own[SENDER_ID].astype(str), strict=True))
    found = wechat.system_events(sub)
    mentioned = {n for names in found["who"] for n in names} | set(found["actor"].dropna())
    unresolved = 0
    for name in sorted(mentioned - {wechat.SELF, "我"}):
        if name not in unique:
            unique[name] = spoken.get(name, name)
            unresolved += name not in spoken
    unique[self_name] = self_id
    frame, warnings = wechat.apply_system_events(frame, notices, self_id=self_id, self_name=self_name,
                                                 known_ids=unique)
    if unresolved:
        warnings.append(f"{unresolved} member(s) in join/leave/recall notices are known by display name only")
    flagged = frame["_notice"].astype(bool).to_numpy()
    texts = frame["_exported"].astype(object).to_numpy(copy=True)
    texts[flagged] = [wechat.clean_system_text(str(t)) for t in texts[flagged]]
    frame[TEXT] = texts
    return frame.drop(columns=["_exported", "_notice"]), warnings


def arrow_extract(values: pd.Series, pattern: str) -> pd.DataFrame:
    """``str.extract`` computed by Arrow (RE2, no Python per row): one string column per
    named group of ``pattern``, missing where the row does not match or the group is empty."""
    names = list(re.compile(pattern).groupindex)
    arr = pa.array(values.astype(STRING).reset_index(drop=True))
    found = pc.extract_regex(arr, pattern)
    valid = pc.is_valid(found)
    out = {}
    for name in names:
        col = pc.if_else(valid, pc.struct_field(found, name), pa.scalar(None, arr.type))
        series = pd.Series(col, dtype=STRING)
        out[name] = series.where(series != "").set_axis(values.index)
    return pd.DataFrame(out, index=values.index)


def arrow_match(values: pd.Series, pattern: str) -> np.ndarray:
    """Boolean array: where ``pattern`` (RE2) matches somewhere in the value (False for missing)."""
    arr = pa.array(values.astype(STRING).reset_index(drop=True))
    return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)


def link_replies(frame: pd.DataFrame, when: pd.Series, who: pd.Series, *, by: str) -> pd.DataFrame:
    """Set ``reply_to`` where a quote names (time, sender) of exactly one earlier message.

    ``when``/``who`` are aligned with ``frame`` (missing where a row quotes nothing); ``by`` is
    the column ``who`` is compared with (``sender_id`` or ``sender``). When either side has
    no seconds (an Excel-damaged export) the match is to the minute.
    """
    has = when.notna() & who.notna() & (who != "")
    if not has.any():
        return frame
    frame = frame.copy()
    minute = bool((frame[TIMESTAMP].dt.second == 0).all()) or bool((when[has].dt.second == 0).all())
    unit = "min" if minute else "s"
    cand = frame[~frame[KIND].isin(EVENT_KINDS)]
    keys = pd.DataFrame({"t": cand[TIMESTAMP].dt.floor(unit), "w": cand[by].astype(str),
                         "target": cand[MSG_ID].astype(str)})
    keys = keys.drop_duplicates(["t", "w", "target"])
    counts = keys.groupby(["t", "w"])["target"].transform("size")
    keys = keys[counts == 1]
    ask = pd.DataFrame({"t": when[has].dt.floor(unit), "w": who[has].astype(str), "_i": frame.index[has]})
    hit = ask.merge(keys, on=["t", "w"], how="inner")
    hit = hit[hit["target"].to_numpy() != frame.loc[hit["_i"], MSG_ID].astype(str).to_numpy()]
    frame[REPLY_TO] = frame[REPLY_TO].astype(object)
    frame.loc[hit["_i"].to_numpy(), REPLY_TO] = hit["target"].to_numpy()
    return frame


def _element_lines(body: str, pos: int, items: list[Any]) -> list[int]:
    """1-based line where each element of the array opening at ``pos`` starts.

    Pretty-printed exports put every element's ``{`` on its own line at one indentation: those
    lines are found with one regex. A compact file (all on one line) gives line 1 for all.
    Anything else is scanned element by element.
    """
    if not items:
        return []
    first = re.compile(r"[\s,]*").match(body, pos).end()
    line_start = body.rfind("\n", 0, first) + 1
    indent = body[line_start:first]
    codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
    breaks = np.flatnonzero(codes == 10)
    if len(breaks) == 0 or (len(breaks) == 1 and breaks[0] == len(body) - 1):
        return [1] * len(items)
    if not indent.strip() and body[first] in "{[":
        starts = [m.end() - 1 for m in re.finditer(rf"^{re.escape(indent)}[{{\[]", body[line_start:], re.M)]
        if len(starts) == len(items):
            return (np.searchsorted(breaks, np.array(starts) + line_start, side="left") + 1).tolist()
    decoder = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    starts = []
    for _ in items:
        pos = ws.match(body, pos).end()
        starts.append(pos)
        _, pos = decoder.raw_decode(body, pos)
    return (np.searchsorted(breaks, np.array(starts), side="left") + 1).tolist()


def read_json_records(text: str, name: str) -> tuple[list[tuple[int, Any]], list[UnparsedLine]]:
    """The elements of a top-level JSON array (or of the first array value of a top-level
    object, e.g. ``{"items": [...]}``), each with the 1-based line where it starts.

    Raises:
        ParseError: the text is not JSON, with the line of the first error.
    """
    body = text.lstrip("\ufeff")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ParseError(f"not valid JSON: {exc.msg}", path=name, line=exc.lineno,
                         hint="the export may be cut short; export it again") from None
    if isinstance(data, dict):
        arrays = [k for k, v in data.items() if isinstance(v, list)]
        if not arrays:
            raise ParseError("a JSON object without a list of messages", path=name, line=1,
                             hint="give the file the exporter wrote")
        key = "items" if "items" in arrays else arrays[0]
        items = data[key]
        start = re.search(rf'"{re.escape(key)}"\s*:\s*\[', body)
        pos = start.end() if start else 0
    elif isinstance(data, list):
        items = data
        pos = body.index("[") + 1
    elif data is None:
        return [], []
    else:
        raise ParseError("JSON is not a list of messages", path=name, line=1, hint="give the file the exporter wrote")
    lines = _element_lines(body, pos, items)
    return list(zip(lines, items, strict=True)), []


FORMATS = (
    LogFormat(
        name="pywxdump-csv",
        platform="wechat",
        title="PyWxDump chat export CSV (new msg/src and old JSON-in-content layouts)",
        how_to_export="PyWxDump (wxdump ui) → 聊天记录 → choose the group → 导出 → CSV; keep users.json next to the CSV",
        sniff=sniff_csv,
        parse=parse_csv,
    ),
    LogFormat(
        name="pywxdump-json",
        platform="wechat",
        title="PyWxDump chat export JSON",
        how_to_export="PyWxDump (wxdump ui) → 聊天记录 → choose the group → 导出 → JSON; keep users.json next to the file",
        sniff=sniff_json,
        parse=parse_json,
    ),
)
