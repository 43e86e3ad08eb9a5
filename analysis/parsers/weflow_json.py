"""WeFlow / EchoTrace JSON and ChatLab JSON / JSONL exports (FORMATS.md §2e).

WeFlow (``hicccc77/WeFlow``) "JSON" export::

    {"weflow": {"version": ...}, "session": {"wxid": "...@chatroom", "nickname", "remark",
     "displayName", "type": "群聊", "avatar": "<base64, can be MBs>"},
     "messages": [{"localId", "createTime" (Unix s), "formattedTime", "type": "文本消息"...,
                   "content", "isSend": 1|0|null, "senderUsername", "senderDisplayName",
                   "platformMessageId"?, "replyToMessageId"?, ...}],
     "avatars": {...}?}

Its "arkme" variant replaces ``senderUsername`` with ``senderID`` into a ``senders`` list and
adds ``groupMembers`` (read into the roster). EchoTrace (``ycccccccy/echotrace``) writes
the same shape without the ``weflow`` key.

ChatLab's interchange format (``hellodigua/ChatLab`` docs, "ChatLab 标准化格式规范" v0.0.2),
which WeFlow and other tools also write::

    JSON:  {"chatlab": {"version", "exportedAt"}, "meta": {"name", "platform", "type", ...},
            "members": [{"platformId", "accountName", "groupNickname"?, "roles"?}],
            "messages": [{"sender", "accountName", "groupNickname"?, "timestamp" (Unix s),
                          "type" (number, see CHATLAB_KINDS), "content",
                          "platformMessageId"?, "replyToMessageId"?}]}
    JSONL: line 1 {"_type": "header", "chatlab": {...}, "meta": {...}}, then
           {"_type": "member", ...} and {"_type": "message", ...} lines; ``#`` lines are comments.

JSON files are walked as a stream (:class:`~analysis.parsers._json_stream.JsonStream`),
never loaded whole. ChatLab JSONL is read with pyarrow's multithreaded JSON reader when
every line is a plain record, else line by line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from analysis.logformat import LogFormat, ParseOptions
from analysis.parsers._common import DEFAULT_TZ, DEFAULT_TZ_CN, arrow_kinds, ns_series
from analysis.parsers._json_stream import JsonStream
from analysis.parsers._jsonchat import (
    Columns,
    as_num,
    as_str,
    assemble,
    blank_to_null,
    first_present,
    kinds_by_code,
    normalise_text,
    seconds_to_utc,
    zone,
)
from analysis.parsers._jsonl import iter_jsonl, iter_lines
from analysis.parsers._wechat import body_kinds
from analysis.schema import (
    KIND,
    LINE,
    MSG_ID,
    REPLY_TO,
    ROSTER_COLUMNS,
    SENDER,
    SENDER_ID,
    TEXT,
    Chat,
    UnparsedLine,
)
from analysis.source import Source

# -- detection ------------------------------------------------------------------------

_FIRST_KEY = re.compile(r'^\ufeff?\s*\{\s*"(?P<key>[^"\\]{1,40})"\s*:\s*(?P<open>[{\["]?)')
_ECHO_SESSION = re.compile(r'^\ufeff?\s*\{\s*"session"\s*:\s*\{[^{}]*?"(?:wxid|username)"\s*:')
"""EchoTrace's session names the chat by ``wxid``; its earliest version (echotrace@09a7969e) by
``username``."""
_JSONL_HEADER = re.compile(r'"_type"\s*:\s*"header"')
_CHATLAB_KEY = re.compile(r'"chatlab"\s*:\s*\{')


def _first_key(head: str) -> tuple[str, str] | None:
    m = _FIRST_KEY.match(head)
    return (m["key"], m["open"]) if m else None


def _first_line(head: str) -> str:
    for _, text in iter_lines([head]):
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            return stripped
    return ""


def sniff_weflow(source: Source) -> bool:
    """WeFlow JSON: the object's first key is ``"weflow": {``."""
    return _first_key(source.head()) == ("weflow", "{")


def sniff_echotrace(source: Source) -> bool:
    """EchoTrace JSON: the first key is ``"session": {`` holding a ``wxid`` (or, in the earliest
    version, a ``username``)."""
    return bool(_ECHO_SESSION.match(source.head()))


def sniff_chatlab_json(source: Source) -> bool:
    """ChatLab JSON: an object whose first key is ``"chatlab": {`` (the spec's order), or one
    with a ``"chatlab": {`` member and ``"meta"`` near the top, that is not JSON Lines."""
    head = source.head()
    first = _first_key(head)
    if first is None or _JSONL_HEADER.search(_first_line(head)[:4096]):
        return False
    if first == ("chatlab", "{"):
        return True
    return first[0] in ("meta", "members") and bool(_CHATLAB_KEY.search(head[:8192]))


def sniff_chatlab_jsonl(source: Source) -> bool:
    """ChatLab JSONL: the first record line is a ``"_type": "header"`` object with ``chatlab``."""
    line = _first_line(source.head())
    return line.startswith("{") and bool(_JSONL_HEADER.search(line)) and '"chatlab"' in line


# -- WeFlow / EchoTrace -----------------------------------------------------------------

WEFLOW_KINDS: dict[str, str | None] = {
    "文本消息": "text", "引用消息": "text", "图片消息": "image", "语音消息": "voice",
    "视频消息": "video", "文件消息": "file", "动画表情": "sticker", "名片消息": "card",
    "卡片式链接": "link", "图文消息": "link", "位置消息": "location", "红包卡片": "red_packet",
    "转账卡片": "transfer", "小程序分享": "card", "视频号直播卡片": "card", "音乐卡片": "card",
    "聊天记录合并转发": "card", "通话消息": "call", "系统消息": "system", "撤回消息": "recall",
    "拍一拍消息": "system",
}
"""WeFlow/EchoTrace ``type`` names (their exporters' list of WeChat localType names) -> kind.
Types not listed (``未知类型(…)``) are judged by their body's placeholder."""

WEFLOW_NOTICES = frozenset({"系统消息", "撤回消息", "拍一拍消息"})
"""Types whose text is a notice to classify (join/leave/recall/...)."""

_WEFLOW_SCHEMA = pa.schema([
    ("msg_id", pa.string()), ("ts", pa.float64()), ("ts_text", pa.string()),
    ("type", pa.string()), ("content", pa.string()), ("is_send", pa.int64()),
    ("sender_id", pa.string()), ("sender", pa.string()), ("reply_to", pa.string()),
    ("line", pa.int64()),
])


def parse_weflow(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a WeFlow or EchoTrace JSON export into one Chat."""
    stream = JsonStream(source.iter_text(), name=source.name)
    rows = Columns(_WEFLOW_SCHEMA)
    session: dict[str, Any] = {}
    senders: dict[str, tuple[str | None, str | None]] = {}
    unparsed: list[UnparsedLine] = []
    roster = None
    known: list[tuple[Any, Any]] = []
    for key in stream.keys():
        if key == "messages" and stream.peek() == "[":
            for line, value in stream.objects():
                if isinstance(value, dict):
                    rows.append(_weflow_row(value, line, senders))
                else:
                    unparsed.append(UnparsedLine(line, f"messages entry is not an object: {str(value)[:80]}"))
        elif key in ("session", "senders", "groupMembers"):
            value = stream.value()
            if key == "session" and isinstance(value, dict):
                session = {k: v for k, v in value.items() if k != "avatar"}
            elif key == "senders" and isinstance(value, list):
                for s in value:
                    if isinstance(s, dict):
                        senders[as_str(s.get("senderID")) or ""] = (as_str(s.get("wxid")),
                                                                    as_str(s.get("displayName")))
            elif key == "groupMembers" and isinstance(value, list):
                listed = [m for m in value if isinstance(m, dict)]
                roster = _roster([(m.get("wxid"), m.get("groupNickname") or m.get("displayName"), None)
                                  for m in listed])
                known = [(as_str(m.get(k)), as_str(m.get("wxid"))) for m in listed
                         for k in ("displayName", "nickname", "groupNickname", "remark") if m.get(k)]
        else:
            stream.skip()
    lines_total = _finish_stream(stream, unparsed)
    cols = rows.arrays()
    group = str(session.get("displayName") or session.get("remark") or session.get("nickname")
                or session.get("wxid") or "")
    types = cols["type"]
    texts = normalise_text(cols["content"])
    kinds = kinds_by_code(types, WEFLOW_KINDS, texts, _wechat_body_kinds)
    notice = pc.fill_null(pc.is_in(types, value_set=pa.array(sorted(WEFLOW_NOTICES))), False)
    sent = pc.fill_null(pc.equal(cols["is_send"], 1), False)
    own = pc.drop_null(pc.filter(cols["sender_id"], sent))
    own = pc.filter(own, pc.invert(pc.ends_with(own, "@chatroom"))) if len(own) else own
    self_id = own[0].as_py() if len(own) else None
    naive = ns_series(pd.to_datetime(pd.Series(cols["ts_text"].to_pandas()), errors="coerce", format="ISO8601"))
    tz, warnings = zone(options.tz)
    chat = assemble(
        {MSG_ID: cols["msg_id"], SENDER_ID: blank_to_null(cols["sender_id"]),
         SENDER: blank_to_null(cols["sender"]), KIND: kinds, TEXT: texts,
         REPLY_TO: cols["reply_to"], LINE: cols["line"]},
        utc=seconds_to_utc(cols["ts"]), naive=naive, tz=tz,
        notice=notice.to_numpy(zero_copy_only=False), self_id=self_id, group=group,
        platform="wechat", unparsed=unparsed, warnings=warnings, roster=roster, known=known)
    chat.lines_total = lines_total
    return [chat]


def _weflow_row(value: dict[str, Any], line: int,
                senders: dict[str, tuple[str | None, str | None]]) -> tuple:
    sender_id = as_str(value.get("senderUsername"))
    sender = as_str(value.get("senderDisplayName"))
    if sender_id is None and "senderID" in value:
        sender_id, listed = senders.get(as_str(value.get("senderID")) or "", (None, None))
        sender = sender or listed
    is_send = value.get("isSend")
    return (
        as_str(value.get("platformMessageId") or value.get("localId")),
        as_num(value.get("createTime")),
        as_str(value.get("formattedTime")),
        as_str(value.get("type")),
        as_str(value.get("content")),
        int(is_send) if isinstance(is_send, (int, float)) else None,
        sender_id, sender,
        as_str(value.get("replyToMessageId")),
        line,
    )


def _finish_stream(stream: JsonStream, unparsed: list[UnparsedLine]) -> int:
    """Check nothing follows the top-level object; return the file's line count."""
    if stream.peek():
        line = stream.line()
        unparsed.append(UnparsedLine(line, "text after the end of the JSON object"))
    return stream.lines_read()


def _wechat_body_kinds(texts: pa.ChunkedArray) -> np.ndarray:
    return body_kinds(pd.Series(texts.to_pandas(), dtype=object)).to_numpy(dtype=object)


def _lines_total(source: Source) -> int:
    total = 0
    last = ""
    with source.open_binary() as fh:
        while chunk := fh.read(1 << 22):
            total += chunk.count(b"\n")
            last = chunk[-1:]
    return total + (1 if last and last != b"\n" else 0)


def _roster(entries: list[tuple[Any, Any, Any]]) -> pd.DataFrame | None:
    """Roster rows from ``(id, name, role)`` triples (entries without an id are skipped)."""
    rows = [(as_str(i), as_str(n), r) for i, n, r in entries if as_str(i)]
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=["sender_id", "sender", "role"])
    frame["sender"] = frame["sender"].fillna(frame["sender_id"])
    frame["joined"] = pd.NaT
    return frame.drop_duplicates("sender_id", keep="last")[list(ROSTER_COLUMNS)].reset_index(drop=True)


# -- ChatLab ------------------------------------------------------------------------------

CHATLAB_KINDS: dict[int, str | None] = {
    0: "text", 1: "image", 2: "voice", 3: "video", 4: "file", 5: "sticker", 7: "link",
    8: "location", 20: "red_packet", 21: "transfer", 22: "system", 23: "call", 24: "card",
    25: "text", 26: "card", 27: "card", 80: "system", 81: "recall", 99: None,
}
"""ChatLab ``MessageType`` numbers (spec v0.0.2 table) -> kind. 22 POKE (拍一拍) is a system
event; 24 SHARE, 26 FORWARD and 27 CONTACT are cards; 25 REPLY is text; 99 OTHER and unknown
numbers are judged by their body's placeholder."""

CHATLAB_NOTICES = (22, 80, 81)
"""Types whose text is a notice to classify."""

CHATLAB_PLATFORMS = {"qq": "qq", "weixin": "wechat", "wechat": "wechat", "telegram": "telegram",
                     "whatsapp": "whatsapp", "discord": "discord", "slack": "slack", "line": "line"}
"""ChatLab ``meta.platform`` values -> our platform names (others: generic)."""

_CN_PLATFORMS = frozenset({"qq", "wechat"})

_CHATLAB_SCHEMA = pa.schema([
    ("msg_id", pa.string()), ("ts", pa.float64()), ("type", pa.int64()), ("content", pa.string()),
    ("sender_id", pa.string()), ("account", pa.string()), ("nickname", pa.string()),
    ("reply_to", pa.string()), ("line", pa.int64()),
])

_ARROW_SCHEMA = pa.schema([
    ("_type", pa.string()), ("platformMessageId", pa.string()), ("sender", pa.string()),
    ("accountName", pa.string()), ("groupNickname", pa.string()), ("timestamp", pa.float64()),
    ("type", pa.int64()), ("content", pa.string()), ("replyToMessageId", pa.string()),
    ("platformId", pa.string()),
    ("roles", pa.list_(pa.struct([("id", pa.string())]))),
])
"""Columns pyarrow reads from ChatLab JSONL lines (other keys are ignored)."""

ARROW_BLOCK_BYTES = 32 << 20
"""pyarrow JSON block size: a single line (a member with a big avatar) must fit in one block."""


def _as_int(value: Any) -> int | None:
    num = as_num(value)
    return int(num) if num is not None and num.is_integer() else None


def _chatlab_row(value: dict[str, Any], line: int) -> tuple:
    return (
        as_str(value.get("platformMessageId")), as_num(value.get("timestamp")),
        _as_int(value.get("type")), as_str(value.get("content")),
        as_str(value.get("sender")), as_str(value.get("accountName")),
        as_str(value.get("groupNickname")), as_str(value.get("replyToMessageId")), line,
    )


def _member(value: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """``(id, display name, role, account name)`` of a ChatLab member."""
    roles = value.get("roles") or []
    ids = {r.get("id") for r in roles if isinstance(r, dict)}
    role = "owner" if "owner" in ids else "admin" if "admin" in ids else None
    return (as_str(value.get("platformId")), as_str(value.get("groupNickname") or value.get("accountName")), role,
            as_str(value.get("accountName")))


def _known(members: list[tuple[Any, Any, Any, Any]]) -> list[tuple[Any, Any]]:
    """``(name, id)`` pairs from a member list: display names and account names."""
    return [(name, m[0]) for m in members for name in (m[1], m[3]) if name and m[0]]


def parse_chatlab_json(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a ChatLab JSON file into one Chat (messages and members streamed)."""
    stream = JsonStream(source.iter_text(), name=source.name)
    rows = Columns(_CHATLAB_SCHEMA)
    meta: dict[str, Any] = {}
    members: list[tuple[Any, Any, Any, Any]] = []
    unparsed: list[UnparsedLine] = []
    for key in stream.keys():
        if key in ("messages", "members") and stream.peek() == "[":
            for line, value in stream.objects():
                if not isinstance(value, dict):
                    unparsed.append(UnparsedLine(line, f"{key} entry is not an object: {str(value)[:80]}"))
                elif key == "messages":
                    rows.append(_chatlab_row(value, line))
                else:
                    members.append(_member(value))
        elif key == "meta":
            value = stream.value()
            meta = value if isinstance(value, dict) else {}
        else:
            stream.skip()
    lines_total = _finish_stream(stream, unparsed)
    chat = _chatlab_chat(rows.arrays(), meta, members, options, unparsed)
    chat.lines_total = lines_total
    return [chat]


def parse_chatlab_jsonl(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a ChatLab JSONL file: pyarrow's reader when possible, else line by line."""
    fast = _read_jsonl_arrow(source)
    if fast is not None:
        return [fast(options)]
    rows = Columns(_CHATLAB_SCHEMA)
    meta: dict[str, Any] = {}
    members: list[tuple[Any, Any, Any, Any]] = []
    unparsed: list[UnparsedLine] = []
    last = 0
    for line, value, raw in iter_jsonl(source.iter_text()):
        last = line
        kind = value.get("_type") if isinstance(value, dict) else None
        if kind == "message":
            rows.append(_chatlab_row(value, line))
        elif kind == "member":
            members.append(_member(value))
        elif kind == "header" and not meta:
            meta = value.get("meta") if isinstance(value.get("meta"), dict) else {"name": None}
        else:
            unparsed.append(UnparsedLine(line, raw if raw is not None else str(value)[:200]))
    chat = _chatlab_chat(rows.arrays(), meta, members, options, unparsed)
    chat.lines_total = max(last, _lines_total(source))
    return [chat]


def _read_jsonl_arrow(source: Source) -> Callable[[ParseOptions], Chat] | None:
    """Read ChatLab JSONL with pyarrow; None when the file needs the line-by-line reader
    (not plain UTF-8, comment or blank lines, ids that are numbers, broken lines).

    Returns a function that builds the Chat from the table read."""
    if source.encoding != "utf-8" or source.path is None:
        return None
    first = iter_jsonl(source.iter_text())
    meta_line = next(first, (0, None, None))[1]
    first.close()
    if not isinstance(meta_line, dict) or meta_line.get("_type") != "header":
        return None
    try:
        with source.open_binary() as fh:
            table = pj.read_json(
                fh,
                read_options=pj.ReadOptions(block_size=ARROW_BLOCK_BYTES),
                parse_options=pj.ParseOptions(explicit_schema=_ARROW_SCHEMA,
                                              unexpected_field_behavior="ignore"))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    lines_total = _lines_total(source)
    if table.num_rows != lines_total:
        return None  # blank lines: row numbers would not be line numbers
    meta = meta_line.get("meta") if isinstance(meta_line.get("meta"), dict) else {}

    def build(options: ParseOptions) -> Chat:
        return _chatlab_from_table(table, meta, lines_total, options)

    return build


def _chatlab_from_table(table: pa.Table, meta: dict[str, Any], lines_total: int,
                        options: ParseOptions) -> Chat:
    rtype = table.column("_type")
    is_msg = pc.fill_null(pc.equal(rtype, "message"), False)
    is_member = pc.fill_null(pc.equal(rtype, "member"), False)
    line_no = pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))
    unparsed: list[UnparsedLine] = []
    other = pc.invert(pc.or_(is_msg, is_member)).to_numpy(zero_copy_only=False)
    other[0] = False  # the header
    for i in np.flatnonzero(other):
        unparsed.append(UnparsedLine(int(i) + 1, f"record with _type {rtype[int(i)].as_py()!r} not understood"))
    members = []
    if pc.any(is_member).as_py():
        mem = table.filter(is_member).select(["platformId", "accountName", "groupNickname", "roles"])
        members = [_member(m) for m in mem.to_pylist()]
    # Header and member lines come first: the messages are then one zero-copy slice.
    first = int(np.argmax(is_msg.to_numpy(zero_copy_only=False))) if table.num_rows else 0
    if pc.sum(is_msg).as_py() == table.num_rows - first:
        msgs = table.slice(first)
        line_no = line_no[first:]
    else:
        msgs = table.filter(is_msg)
        line_no = pc.filter(line_no, is_msg)
    cols = {
        "msg_id": msgs.column("platformMessageId"), "ts": msgs.column("timestamp"),
        "type": msgs.column("type"), "content": msgs.column("content"),
        "sender_id": msgs.column("sender"), "account": msgs.column("accountName"),
        "nickname": msgs.column("groupNickname"), "reply_to": msgs.column("replyToMessageId"),
        "line": line_no,
    }
    del table, msgs
    chat = _chatlab_chat(cols, meta, members, options, unparsed)
    chat.lines_total = lines_total
    return chat


def _chatlab_chat(cols: dict[str, Any], meta: dict[str, Any],
                  members: list[tuple[Any, Any, Any, Any]], options: ParseOptions,
                  unparsed: list[UnparsedLine]) -> Chat:
    platform = CHATLAB_PLATFORMS.get(str(meta.get("platform") or "").lower(), "generic")
    tz, warnings = zone(options.tz, DEFAULT_TZ_CN if platform in _CN_PLATFORMS else DEFAULT_TZ)
    texts = normalise_text(cols["content"])
    types = cols["type"]
    kinds = kinds_by_code(types, CHATLAB_KINDS, texts,
                          _wechat_body_kinds if platform == "wechat" else arrow_kinds)
    notice = pc.fill_null(pc.is_in(types, value_set=pa.array(CHATLAB_NOTICES, pa.int64())), False)
    nickname = blank_to_null(cols["nickname"])
    account = blank_to_null(cols["account"])
    sender_id = first_present(blank_to_null(cols["sender_id"]), account)
    del cols["content"], cols["nickname"], cols["account"], cols["sender_id"]
    pa.default_memory_pool().release_unused()
    chat = assemble(
        {MSG_ID: blank_to_null(cols["msg_id"]), SENDER_ID: sender_id,
         SENDER: first_present(nickname, account, sender_id), KIND: kinds, TEXT: texts,
         REPLY_TO: blank_to_null(cols["reply_to"]), LINE: cols["line"]},
        utc=seconds_to_utc(cols["ts"]), tz=tz,
        notice=notice.to_numpy(zero_copy_only=False),
        self_id=as_str(meta.get("ownerId")), group=str(meta.get("name") or ""),
        platform=platform, unparsed=unparsed, warnings=warnings,
        roster=_roster([m[:3] for m in members]), aliases=account, known=_known(members))
    return chat


# -- registry ------------------------------------------------------------------------------

FORMATS = (
    LogFormat(
        name="weflow-json",
        platform="wechat",
        title="WeFlow JSON export (WeChat)",
        how_to_export="WeFlow → 导出 → pick the group → format JSON (详细 JSON) → 导出",
        sniff=sniff_weflow,
        parse=parse_weflow,
        streams=True,
        extensions=(".json",),
    ),
    LogFormat(
        name="echotrace-json",
        platform="wechat",
        title="EchoTrace JSON export (WeChat)",
        how_to_export="EchoTrace → 导出聊天记录 → pick the group → JSON",
        sniff=sniff_echotrace,
        parse=parse_weflow,
        streams=True,
        extensions=(".json",),
    ),
    LogFormat(
        name="chatlab-json",
        platform="generic",
        title="ChatLab standard JSON (written by WeFlow and other exporters)",
        how_to_export="WeFlow → 导出 → format ChatLab; or any tool that writes the ChatLab format",
        sniff=sniff_chatlab_json,
        parse=parse_chatlab_json,
        streams=True,
        extensions=(".json",),
    ),
    LogFormat(
        name="chatlab-jsonl",
        platform="generic",
        title="ChatLab standard JSONL (one record per line, for very large logs)",
        how_to_export="WeFlow → 导出 → format ChatLab JSONL; or any tool that writes ChatLab JSONL",
        sniff=sniff_chatlab_jsonl,
        parse=parse_chatlab_jsonl,
        streams=True,
        extensions=(".jsonl",),
    ),
)
