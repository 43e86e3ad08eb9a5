"""qq-chat-exporter (QCE) JSON and chunked JSONL exports for QQNT groups (FORMATS.md §1b).

Single-file JSON (``json_templates.rs`` / ``JsonExporter.ts``)::

    {"metadata": {"name": "QQChatExporter", "version": "5.x"},
     "chatInfo": {"name", "type": "group", "selfUid", "selfUin", "selfName", ...},
     "statistics": {...},
     "messages": [{"id", "seq", "timestamp" (ms), "time",
                   "sender": {"uid", "uin", "name", "nickname", "groupCard", "remark", "title"},
                   "type", "content": {"text", "elements": [{"type", "data"}], "resources",
                   "mentions"}, "recalled", "system", "rawMessage"?}],
     "avatars": {...}?, "exportOptions": {...}?}

Older exports (V4 and before, as downstream analysers read them) use other keys: ``chatName``,
``messageId``, ``isSystemMessage``, ``isRecalled``, a ``timestamp`` in seconds or as an ISO
string, and ``rawMessage.{senderUin, senderUid, sendMemberName, sendNickName, elements}``.
Every variant is accepted.

Chunked JSONL: ``manifest.json`` holds ``metadata``, ``chatInfo``, ``statistics`` and
``chunked: {format: "jsonl", chunksDir: "chunks", chunks: [{fileName, relativePath, ...}]}``;
each ``chunks/c000001.jsonl`` holds one message per line. Pass the manifest (or, once the
folder is accepted as an input, the export folder). Chunks are read one line at a time; the
``line`` column then counts lines through the chunks in manifest order, and unparsed lines
name their chunk.

Identity is ``sender.uin`` (the QQ number), else ``rawMessage.senderUin``, else the NT
``uid``. Timestamps are absolute (ms or s since the epoch, or ISO with offset) and are shown
in ``--tz`` (default Asia/Shanghai). Gray tips (``system``) become join/leave/recall/system
records naming the member concerned (:mod:`analysis.parsers._cn_notices`); a message the
export flags as ``recalled`` is kept with kind ``recall`` and its text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.errors import ParseError
from analysis.logformat import LogFormat, ParseOptions
from analysis.parsers._common import arrow_kinds, inside_folder, ns_series
from analysis.parsers._json_stream import JsonStream
from analysis.parsers._jsonchat import (
    Columns,
    as_num,
    as_str,
    assemble,
    blank_to_null,
    normalise_text,
    seconds_to_utc,
    zone,
)
from analysis.parsers._jsonl import iter_jsonl
from analysis.schema import (
    KIND,
    LINE,
    MSG_ID,
    REPLY_TO,
    SENDER,
    SENDER_ID,
    TEXT,
    Chat,
    UnparsedLine,
)
from analysis.source import EncodingRetry, Source

# -- detection ------------------------------------------------------------------------

_SIGNATURE = re.compile(r"QQChatExporter")
_QCE_KEYS = re.compile(r'"(?:chatInfo|chatName)"\s*:')
_QQ_SENDER = re.compile(r'"(?:uin|senderUin|sendMemberName|sendNickName)"\s*:')
_CHUNKED = re.compile(r'"chunked"\s*:\s*\{')
_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_OBJECT_START = re.compile(r"^\ufeff?\s*\{")
_CHUNK_LINE = re.compile(r'^\ufeff?\{.*"sender"\s*:\s*\{.*"(?:uin|uid)"\s*:.*"content"\s*:\s*\{')


def _is_qce(head: str) -> bool:
    if not _OBJECT_START.match(head):
        return False
    if _SIGNATURE.search(head[:4096]):
        return True
    return bool(_QCE_KEYS.search(head) and _QQ_SENDER.search(head))


def _is_manifest(source: Source, head: str) -> bool:
    if _CHUNKED.search(head):
        return True
    # statistics can be long enough to push "chunked" past the head: a QCE file with no
    # messages array in its head that is named manifest.json is a manifest.
    return not _MESSAGES.search(head) and Path(source.name).name.lower() == "manifest.json"


def sniff_json(source: Source) -> bool:
    """QCE single-file JSON: QCE's signature (or ``chatInfo``/``chatName`` and QQ sender keys),
    and not a chunked-export manifest."""
    if source.is_dir:
        return False
    head = source.head()
    return _is_qce(head) and not _is_manifest(source, head)


def sniff_jsonl(source: Source) -> bool:
    """QCE chunked JSONL: a manifest with ``chunked``, an export folder holding
    ``manifest.json``, or a bare chunk file (lines of QCE messages)."""
    if source.is_dir:
        return source.path is not None and (source.path / "manifest.json").is_file()
    head = source.head()
    if _is_qce(head):
        return _is_manifest(source, head)
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return bool(_CHUNK_LINE.match(first)) and not _MESSAGES.search(first)


# -- one message -------------------------------------------------------------------------

_ROW_SCHEMA = pa.schema([
    ("msg_id", pa.string()), ("ts", pa.float64()), ("ts_text", pa.string()),
    ("sender_id", pa.string()), ("sender", pa.string()), ("kind", pa.string()),
    ("text", pa.string()), ("reply_to", pa.string()), ("notice", pa.bool_()),
    ("line", pa.int64()),
])

ELEMENT_KINDS = {
    "image": "image", "video": "video", "audio": "voice", "ptt": "voice", "voice": "voice",
    "file": "file", "face": "sticker", "market_face": "sticker", "forward": "card",
    "json": "card", "ark": "card", "location": "location",
}
"""QCE element types (``SimpleMessageParser``) -> kind, for messages made of one such element."""

_IGNORED_ELEMENTS = frozenset({"reply", "at", "text"})

PLACEHOLDER_KINDS = {
    "图片": "image", "视频": "video", "语音": "voice", "文件": "file", "表情": "sticker",
    "表情包": "sticker", "动画表情": "sticker", "表情气泡": "sticker", "合并转发": "card",
    "转发消息": "card", "聊天记录": "card", "JSON消息": "card", "卡片消息": "card",
    "小程序": "card", "名片": "card", "位置": "location", "位置消息": "location",
    "链接": "link", "QQ红包": "red_packet", "红包": "red_packet", "转账": "transfer",
}
"""Placeholders in QCE ``content.text`` (FORMATS.md §1b: ``[图片]``, ``[文件:name]``,
``[语音:3秒]``, ``[表情12]``...) -> kind, when the body is only that placeholder
(red packets may carry their title after it)."""

_PLACEHOLDER = re.compile(
    r"^\[(?P<w>" + "|".join(sorted(map(re.escape, PLACEHOLDER_KINDS), key=len, reverse=True))
    + r")(?:\d+|[:：][^\]\n]*)?\](?P<rest>.*)$", re.S)
_REPLY_PREFIX = re.compile(r"^\s*\[回复[^\]\n]*\]\s*")


def _kind(text: str, elements: Any, system: bool, recalled: bool) -> str | None:
    if recalled:
        return "recall"
    if system:
        return "system"
    if isinstance(elements, list) and elements:
        types = set()
        has_words = False
        for el in elements:
            if not isinstance(el, dict):
                continue
            etype = el.get("type")
            if etype == "text":
                data = el.get("data") if isinstance(el.get("data"), dict) else {}
                has_words = has_words or bool(str(data.get("text") or "").strip())
            elif etype not in _IGNORED_ELEMENTS:
                types.add(etype)
        if not has_words and len(types) == 1:
            kind = ELEMENT_KINDS.get(next(iter(types)))
            if kind:
                return kind
        if has_words:
            return _text_kind(text, default="text")
    return _text_kind(text)


def _text_kind(text: str, default: str | None = None) -> str | None:
    """Kind from a QCE placeholder body; ``default`` (None: decide later from the body with
    :func:`analysis.parsers._common.arrow_kinds`) otherwise."""
    body = _REPLY_PREFIX.sub("", text or "", count=1).strip()
    m = _PLACEHOLDER.match(body)
    if m:
        kind = PLACEHOLDER_KINDS[m["w"]]
        if not m["rest"].strip() or kind in ("red_packet", "transfer"):
            return kind
    return default


def _reply_to(content: dict[str, Any], raw: dict[str, Any]) -> str | None:
    for el in content.get("elements") or ():
        if isinstance(el, dict) and el.get("type") == "reply" and isinstance(el.get("data"), dict):
            ref = as_str(el["data"].get("messageId") or el["data"].get("msgId"))
            if ref and ref != "0":
                return ref
    for el in raw.get("elements") or ():
        reply = el.get("replyElement") if isinstance(el, dict) else None
        if isinstance(reply, dict):
            ref = as_str(reply.get("sourceMsgIdInRecords") or reply.get("replayMsgId"))
            if ref and ref != "0":
                return ref
    return None


def _nonzero(value: Any) -> str | None:
    text = as_str(value)
    return None if text is None or text.strip() in ("", "0") else text


def _row(msg: dict[str, Any], line: int) -> tuple:
    sender = msg.get("sender") if isinstance(msg.get("sender"), dict) else {}
    raw = msg.get("rawMessage") if isinstance(msg.get("rawMessage"), dict) else {}
    content = msg.get("content")
    if isinstance(content, str):
        content = {"text": content}
    elif not isinstance(content, dict):
        content = {}
    text = as_str(content.get("text")) or ""
    system = bool(msg.get("system") or msg.get("isSystemMessage") or msg.get("type") == "system")
    recalled = bool(msg.get("recalled") or msg.get("isRecalled"))
    ident = (_nonzero(sender.get("uin")) or _nonzero(raw.get("senderUin"))
             or _nonzero(sender.get("uid")) or _nonzero(raw.get("senderUid")))
    name = (as_str(raw.get("sendMemberName")) or as_str(sender.get("name"))
            or as_str(sender.get("groupCard")) or as_str(raw.get("sendNickName"))
            or as_str(sender.get("nickname")))
    stamp = msg.get("timestamp")
    num = as_num(stamp)
    ts_text = None
    if num is None:
        ts_text = as_str(stamp) if isinstance(stamp, str) else as_str(msg.get("time"))
    return (
        _nonzero(msg.get("id") or msg.get("messageId") or raw.get("msgId")),
        num, ts_text, ident, name,
        _kind(text, content.get("elements"), system, recalled),
        text, _reply_to(content, raw), system, line,
    )


# -- files --------------------------------------------------------------------------------


def parse_json(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a QCE single-file JSON export (messages streamed)."""
    stream = JsonStream(source.iter_text(), name=source.name)
    rows = Columns(_ROW_SCHEMA)
    info: dict[str, Any] = {}
    unparsed: list[UnparsedLine] = []
    for key in stream.keys():
        if key == "messages" and stream.peek() == "[":
            for line, value in stream.objects():
                if isinstance(value, dict):
                    rows.append(_row(value, line))
                else:
                    unparsed.append(UnparsedLine(line, f"messages entry is not an object: {str(value)[:80]}"))
        elif key in ("chatInfo", "chatName", "metadata"):
            info[key] = stream.value()
        else:
            stream.skip()
    if stream.peek():
        unparsed.append(UnparsedLine(stream.line(), "text after the end of the JSON object"))
    lines_total = stream.lines_read()
    chat = _chat(rows, info, options, unparsed)
    chat.lines_total = lines_total
    return [chat]


def parse_jsonl(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a QCE chunked export from its manifest or folder (or one bare chunk file)."""
    rows = Columns(_ROW_SCHEMA)
    unparsed: list[UnparsedLine] = []
    if source.is_dir:
        assert source.path is not None
        manifest_path = source.path / "manifest.json"
        manifest = Source.open(manifest_path)
    else:
        manifest_path = Path(source.name)
        manifest = source
    head = manifest.head()
    if not _is_qce(head) or not _is_manifest(manifest, head):
        # A bare chunk file: its own lines.
        total = _read_chunk(manifest, rows, unparsed, offset=0, label=None)
        chat = _chat(rows, {}, options, unparsed)
        chat.lines_total = total
        return [chat]
    stream = JsonStream(manifest.iter_text(), name=manifest.name)
    info: dict[str, Any] = {}
    for key in stream.keys():
        if key in ("chatInfo", "chatName", "metadata", "chunked"):
            info[key] = stream.value()
        else:
            stream.skip()
    chunked = info.get("chunked") if isinstance(info.get("chunked"), dict) else {}
    folder = manifest_path.parent if manifest_path.name else Path(".")
    chunks = [(Source.open(path), label) for path, label in _chunk_paths(chunked, folder, manifest.name)]
    while True:
        try:
            offset = 0
            for chunk, label in chunks:
                offset += _read_chunk(chunk, rows, unparsed, offset=offset, label=label)
            break
        except EncodingRetry:
            # A chunk is not UTF-8: its Source now holds the fallback encoding (each retry
            # moves one chunk on: UTF-8, GB18030, then invalid bytes replaced). Start again.
            rows, unparsed = Columns(_ROW_SCHEMA), []
    chat = _chat(rows, info, options, unparsed)
    chat.lines_total = offset
    return [chat]


def _chunk_paths(chunked: dict[str, Any], folder: Path, name: str) -> list[tuple[Path, str]]:
    """The chunk files the manifest lists, in order; else every ``*.jsonl`` in ``chunksDir``."""
    if chunked.get("format", "jsonl") != "jsonl":
        raise ParseError(f"chunked format {chunked.get('format')!r} is not supported", path=name,
                         hint="export the chat again as JSON or chunked JSONL")
    chunks_dir = str(chunked.get("chunksDir") or "chunks")
    listed = []
    for i, entry in enumerate(chunked.get("chunks") or ()):
        if isinstance(entry, dict):
            rel = entry.get("relativePath") or (
                f"{chunks_dir}/{entry['fileName']}" if entry.get("fileName") else None)
        else:
            rel = as_str(entry)
        if not rel:
            raise ParseError(f"manifest chunk {i + 1} names no file", path=name)
        listed.append(rel)
    if not listed:
        where = inside_folder(folder, chunks_dir, name=name, what="chunksDir")
        listed = sorted(f"{chunks_dir}/{p.name}" for p in where.glob("*.jsonl"))
    if not listed:
        raise ParseError("the manifest lists no chunk files and none were found", path=name,
                         hint=f"keep the '{chunks_dir}' folder next to manifest.json")
    out = []
    for rel in listed:
        # relativePath comes from the manifest: /etc/passwd or ../../x must not be read.
        path = inside_folder(folder, rel, name=name, what="chunk file")
        if not path.is_file():
            raise ParseError(f"chunk file {rel} is missing", path=name,
                             hint=f"keep the '{chunks_dir}' folder next to manifest.json")
        out.append((path, rel))
    return out


def _read_chunk(chunk: Source, rows: Columns, unparsed: list[UnparsedLine], *, offset: int,
                label: str | None) -> int:
    """Read one chunk's lines into ``rows``; return its number of lines."""
    last = 0
    for line, value, raw in iter_jsonl(chunk.iter_text()):
        last = line
        if isinstance(value, dict):
            rows.append(_row(value, offset + line))
        else:
            text = raw if raw is not None else str(value)[:200]
            where = f"{label}:{line}: " if label else ""
            unparsed.append(UnparsedLine(offset + line, where + text))
    return max(last, _physical_lines(chunk))


def _physical_lines(source: Source) -> int:
    total, last = 0, b""
    with source.open_binary() as fh:
        while chunk := fh.read(1 << 22):
            total += chunk.count(b"\n")
            last = chunk[-1:]
    return total + (1 if last and last != b"\n" else 0)


def _chat(rows: Columns, info: dict[str, Any], options: ParseOptions,
          unparsed: list[UnparsedLine]) -> Chat:
    chat_info = info.get("chatInfo") if isinstance(info.get("chatInfo"), dict) else {}
    group = as_str(chat_info.get("name")) or as_str(info.get("chatName")) or ""
    self_id = _nonzero(chat_info.get("selfUin")) or _nonzero(chat_info.get("selfUid"))
    cols = rows.arrays()
    tz, warnings = zone(options.tz)
    utc = seconds_to_utc(cols["ts"])
    # ISO strings: with an offset (or Z) they are absolute; without, wall-clock as written.
    text_ts = pd.Series(cols["ts_text"].to_pandas(), dtype=object)
    naive = None
    if text_ts.notna().any():
        has_zone = text_ts.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True, na=False)
        absolute = pd.to_datetime(text_ts.where(has_zone), errors="coerce", utc=True, format="ISO8601")
        absolute = ns_series(absolute).dt.tz_localize("UTC")  # a damaged year 9999 -> NaT
        utc = utc.where(utc.notna(), absolute)
        naive = ns_series(pd.to_datetime(text_ts.where(~has_zone), errors="coerce", format="ISO8601"))
    texts = normalise_text(cols["text"])
    kinds = cols["kind"].to_numpy(zero_copy_only=False).astype(object)
    undecided = pd.isna(kinds)
    if undecided.any():
        kinds[undecided] = np.asarray(arrow_kinds(texts), dtype=object)[undecided]
    chat = assemble(
        {MSG_ID: cols["msg_id"], SENDER_ID: blank_to_null(cols["sender_id"]),
         SENDER: blank_to_null(cols["sender"]), KIND: kinds,
         TEXT: texts, REPLY_TO: cols["reply_to"], LINE: cols["line"]},
        utc=utc, naive=naive, tz=tz,
        notice=np.asarray(cols["notice"].to_numpy(zero_copy_only=False), bool),
        self_id=self_id, group=group, platform="qq", unparsed=unparsed, warnings=warnings)
    return chat


FORMATS = (
    LogFormat(
        name="qce-json",
        platform="qq",
        title="qq-chat-exporter JSON (QQNT)",
        how_to_export="qq-chat-exporter (QCE) web UI → pick the group → format JSON → 导出",
        sniff=sniff_json,
        parse=parse_json,
        streams=True,
        extensions=(".json",),
    ),
    LogFormat(
        name="qce-jsonl",
        platform="qq",
        title="qq-chat-exporter chunked JSONL (QQNT; manifest.json + chunks/)",
        how_to_export="qq-chat-exporter (QCE) → format JSON, chunked (分块 JSONL) → give manifest.json",
        sniff=sniff_jsonl,
        parse=parse_jsonl,
        streams=True,
        extensions=(".json", ".jsonl"),
        sidecars=frozenset({"manifest.json"}),
        folder=True,
    ),
)
