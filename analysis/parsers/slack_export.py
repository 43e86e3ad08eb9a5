"""Slack workspace export ("Export data" ZIP, unzipped folder, or one day file), FORMATS.md §6.

Layout::

    users.json  channels.json  [groups.json mpims.json dms.json]
    <channel-name>/YYYY-MM-DD.json      one JSON array of messages per channel and day

Accepted inputs: the ZIP itself, the unzipped folder (``community-audit report export/``),
or a single ``<channel>/YYYY-MM-DD.json`` day file (then names come only from the
``user_profile`` carried by newer messages). One Chat per channel folder, named after the
folder; pick one with ``--group NAME`` (or ``ParseOptions.extra["channel"]``).

Mapping:

* ``msg_id`` = ``ts`` (a string, kept as written); ``timestamp`` from ``ts`` (absolute,
  converted to ``--tz``; UTC with a warning when not given); never from the file name.
* ``sender_id`` = ``user`` (``U…``); bot posts (``subtype: bot_message``) use ``bot_id`` (or
  ``username``), or the app's user id when users.json links it (``profile.bot_id``), and are
  listed with role ``bot`` in the roster, as are users.json bots.
  ``sender`` = the name on the message (``user_profile``: display name, else real name),
  else users.json (display name, real name, then handle), else the id.
* ``reply_to`` = ``thread_ts`` when it differs from ``ts`` (a thread reply points at the
  thread's parent); ``thread_broadcast`` replies are ordinary text.
* kinds: ``channel_join``/``group_join`` -> join (``actor_id`` = ``inviter`` when given),
  ``channel_leave``/``group_leave`` -> leave, ``file_share`` and messages with only files ->
  image/video/voice/file by the first file's MIME type (text ``[file: name]`` when there is
  no text), ``huddle_thread`` -> call, ``channel_topic``/``purpose``/``name``/``archive``,
  ``pinned_item``, ``bot_add``, ``tombstone`` and other notices -> system. Unknown subtypes
  -> system, with a warning naming them. A text that is only a URL is a link.
* text: Slack mrkdwn is made readable: ``<@U123>`` -> ``@name``, ``<#C123|general>`` ->
  ``#general``, ``<!here>`` -> ``@here``, ``<https://x|label>`` -> ``label (https://x)``,
  ``<https://x>`` (or a label that only repeats the address) -> ``https://x``,
  ``<mailto:a@b.org|a@b.org>`` -> ``a@b.org``; then HTML entities (``&lt; &gt; &amp;``) are
  unescaped.
* roster: the channel's ``members`` from channels.json/groups.json/mpims.json/dms.json
  (role ``member``, or ``bot`` for users.json bots), plus bot posters.
* ``line``: missing for folder and ZIP exports (a channel spans many files); for a single
  day file, the line where the message object starts. Unreadable messages go to
  ``Chat.unparsed`` named ``<channel>/<day>.json:<line>``.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import GroupChoiceError, ParseError
from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import inside_folder, kinds_from_bodies, to_wall_clock
from analysis.parsers._json_stream import JsonStream, target_tz
from analysis.schema import (
    ACTOR_ID,
    KIND,
    LINE,
    MSG_ID,
    REPLY_TO,
    ROSTER_COLUMNS,
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
from analysis.source import ZIP_ERRORS, Source, count_lines, damaged_zip

_DAY_FILE = re.compile(r"^(?P<chan>[^/]+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
_DAY_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].json"
_LONE_HEAD = re.compile(r'^\ufeff?\s*\[\s*\{')
_TS_VALUE = re.compile(r'"ts"\s*:\s*"\d{9,11}\.\d{1,6}"')
_TYPE_MESSAGE = re.compile(r'"type"\s*:\s*"message"')

JOIN_SUBTYPES = frozenset({"channel_join", "group_join"})
LEAVE_SUBTYPES = frozenset({"channel_leave", "group_leave"})
TEXT_SUBTYPES = frozenset({
    "bot_message", "me_message", "thread_broadcast", "reply_broadcast", "file_share",
    "file_comment", "file_mention", "slackbot_response",
})
SYSTEM_SUBTYPES = frozenset({
    "channel_topic", "channel_purpose", "channel_name", "channel_archive", "channel_unarchive",
    "group_topic", "group_purpose", "group_name", "group_archive", "group_unarchive",
    "pinned_item", "unpinned_item", "bot_add", "bot_remove", "bot_enable", "bot_disable",
    "tombstone", "reminder_add", "channel_convert_to_private", "channel_convert_to_public",
    "channel_posting_permissions", "sh_room_created", "app_conversation_leave",
})
SLACKBOT = "USLACKBOT"
CALL_SUBTYPES = frozenset({"huddle_thread", "sh_room_created_call"})

# mrkdwn: <@U123|name>, <#C123|name>, <!here>, <!subteam^S1|@team>, <url|label>, <url>
_MRKDWN = re.compile(r"<(?P<sigil>[@#!]?)(?P<body>[^<>|]*)(?:\|(?P<label>[^<>]*))?>")


SIDECARS = frozenset({"users.json", "channels.json", "groups.json", "dms.json", "mpims.json",
                      "integration_logs.json", "canvases.json"})
"""The workspace-level files of an export (beside the channel folders): not day files."""


def sniff(source: Source) -> bool:
    """A Slack export folder, a ZIP holding users.json/channels.json and day files, or a single
    day file (a JSON array of ``"type": "message"`` objects with string ``ts``)."""
    if source.is_dir:
        assert source.path is not None
        has_meta = any((source.path / name).is_file() for name in ("channels.json", "users.json"))
        return has_meta and next(source.path.glob(f"*/{_DAY_GLOB}"), None) is not None
    if source.is_zip:
        names = source.zip_names()
        has_meta = any(PurePosixPath(n).name in ("channels.json", "users.json") for n in names)
        return has_meta and any(re.search(r"/\d{4}-\d{2}-\d{2}\.json$", n) for n in names)
    head = source.head()
    return bool(_LONE_HEAD.match(head) and _TS_VALUE.search(head[:4000])
                and _TYPE_MESSAGE.search(head[:4000]))


# -- reading the tree ---------------------------------------------------------------------

@contextmanager
def _tree(source: Source) -> Iterator[tuple[list[str], Any]]:
    """(relative names, read(name) -> bytes) for a folder or ZIP export."""
    if source.is_dir:
        root = source.path
        assert root is not None
        for entry in root.iterdir():  # channel folders: a symlink must not lead out of the export
            if entry.is_symlink():
                inside_folder(root, entry.name, name=source.name, what="export entry")
        names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.json") if p.is_file())

        def read_file(name: str) -> bytes:
            # A channel folder or users.json may be a symlink: it must stay inside the export.
            return inside_folder(root, name, name=source.name, what="export file").read_bytes()

        yield names, read_file
        return
    try:
        zf = zipfile.ZipFile(source.open_binary())
    except ZIP_ERRORS as exc:
        raise damaged_zip(source.name, exc) from None

    def read(name: str) -> bytes:
        try:
            return zf.read(prefix + name)
        except ZIP_ERRORS as exc:
            raise damaged_zip(f"{source.name}:{prefix + name}", exc) from None

    with zf:
        all_names = [n for n in zf.namelist() if not n.endswith("/") and not n.startswith("__MACOSX/")]
        metas = sorted((n for n in all_names if PurePosixPath(n).name in ("channels.json", "users.json")),
                       key=lambda n: n.count("/"))
        prefix = str(PurePosixPath(metas[0]).parent) + "/" if metas and "/" in metas[0] else ""
        names = sorted(n[len(prefix):] for n in all_names if n.startswith(prefix) and n.endswith(".json"))
        # A zip says how large its members unpack: hold that (not the packed size) to the limit.
        unpacked = sum(zf.getinfo(prefix + n).file_size for n in names)
        source.check_size(source.limit, "the export's JSON files unpack to", size=unpacked)
        yield names, read


def _load_list(read: Any, names: list[str], name: str, warnings: list[Note]) -> list[dict]:
    if name not in names:
        return []
    raw = read(name)  # a file outside the export is an error, not an unreadable sidecar
    try:
        data = JsonStream([_decode(raw)], name=name).value()
    except ParseError:
        warnings.append(note("parse.sidecar_unreadable", file=name))
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8-sig", errors="replace")


# -- parsing --------------------------------------------------------------------------------

@dataclass
class _Chan:
    rows: list[tuple] = field(default_factory=list)
    unparsed: list[UnparsedLine] = field(default_factory=list)
    lines: int = 0
    bots: dict[str, str] = field(default_factory=dict)
    """bot id -> name, for bots that post in this channel."""
    unknown_subtypes: dict[str, int] = field(default_factory=dict)


@dataclass
class _Ctx:
    users: dict[str, str]
    """user id -> name from users.json (and, later, from messages' user_profile)."""
    user_bots: set[str]
    channels: dict[str, str]
    """channel id -> name."""
    bot_users: dict[str, str] = field(default_factory=dict)
    """bot id (``B…``) -> the app's user id (``U…``) from users.json ``profile.bot_id``."""


def parse(source: Source, options: ParseOptions) -> list[Chat]:
    """Read a Slack export (folder, ZIP, or one day file) into one Chat per channel."""
    tz, tz_warnings = target_tz(options.tz)
    if not source.is_dir and not source.is_zip:
        return [_parse_day_file(source, tz, tz_warnings)]
    warnings: list[Note] = []
    with _tree(source) as (names, read):
        users_list = _load_list(read, names, "users.json", warnings)
        infos: dict[str, dict] = {}
        for meta in ("channels.json", "groups.json", "mpims.json", "dms.json"):
            for info in _load_list(read, names, meta, warnings):
                key = str(info.get("name") or info.get("id") or "")
                if key:
                    infos[key] = info
        ctx = _Ctx(users=_user_names(users_list),
                   user_bots={str(u["id"]) for u in users_list if u.get("is_bot") and u.get("id")},
                   channels={str(i["id"]): str(i.get("name") or i["id"]) for i in infos.values() if i.get("id")},
                   bot_users={str(u["profile"]["bot_id"]): str(u["id"]) for u in users_list
                              if u.get("id") and isinstance(u.get("profile"), dict) and u["profile"].get("bot_id")})
        days: dict[str, list[str]] = {}
        for name in names:
            m = _DAY_FILE.match(name)
            if m:
                days.setdefault(m["chan"], []).append(name)
        if not days:
            raise ParseError("the Slack export holds no channel day files (<channel>/YYYY-MM-DD.json)",
                             path=source.name, hint="give the whole export ZIP or its unzipped folder")
        wanted = options.extra.get("channel") if options.extra else None
        if wanted is not None and wanted not in days:
            raise GroupChoiceError(f"no channel named {wanted!r}; found: {', '.join(sorted(days))}",
                                   path=source.name)
        chans = {c: _read_channel(c, files, read, ctx, with_lines=False)
                 for c, files in sorted(days.items()) if wanted is None or c == wanted}
    out = []
    for chan, acc in chans.items():
        chat = _finish(acc, ctx, tz, tz_warnings + warnings, roster_info=infos.get(chan))
        chat.group = chan
        chat.lines_total = acc.lines
        out.append(chat)
    return out


def _user_names(users: list[dict]) -> dict[str, str]:
    names = {}
    for user in users:
        if not user.get("id"):
            continue
        profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
        name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
                or user.get("name") or user["id"])
        names[str(user["id"])] = str(name)
    return names


def _read_channel(chan: str, files: list[str], read: Any, ctx: _Ctx, *, with_lines: bool) -> _Chan:
    acc = _Chan()
    for name in sorted(files):
        text = _decode(read(name))
        acc.lines += count_lines(text)
        _read_day(text, name, acc, ctx, with_lines=with_lines)
    return acc


def _read_day(text: str, name: str, acc: _Chan, ctx: _Ctx, *, with_lines: bool) -> None:
    stream = JsonStream([text], name=name)
    if stream.peek() != "[":
        acc.unparsed.append(UnparsedLine(1, f"{name}: not a JSON array of messages"))
        return
    try:
        for line, msg in stream.objects():
            if not isinstance(msg, dict) or not isinstance(msg.get("ts"), str | int | float):
                acc.unparsed.append(UnparsedLine(line, f"{name}:{line}: message without ts: {str(msg)[:120]}"))
                continue
            acc.rows.append(_row(msg, line if with_lines else None, ctx, acc))
    except ParseError as exc:
        acc.unparsed.append(UnparsedLine(exc.line or 1, f"{name}: broken JSON ({exc.message})"))


def _row(msg: dict, line: int | None, ctx: _Ctx, acc: _Chan) -> tuple:
    ts = str(msg["ts"])
    subtype = msg.get("subtype")
    uid = msg.get("user")
    profile = msg.get("user_profile") if isinstance(msg.get("user_profile"), dict) else {}
    if subtype == "bot_message" or (uid is None and msg.get("bot_id")):
        bot_profile = msg.get("bot_profile") if isinstance(msg.get("bot_profile"), dict) else {}
        sid = str(msg.get("bot_id") or msg.get("username") or "bot")
        sid = ctx.bot_users.get(sid, sid)
        name = str(msg.get("username") or bot_profile.get("name") or ctx.users.get(sid) or sid)
        acc.bots[sid] = name
    else:
        sid = str(uid or msg.get("username") or "unknown")
        name = (profile.get("display_name") or profile.get("real_name") or ctx.users.get(sid)
                or ("Slackbot" if sid == SLACKBOT else sid))
        if uid and uid not in ctx.users and (profile.get("display_name") or profile.get("real_name")):
            ctx.users[uid] = str(name)
        name = str(name)
    text = str(msg.get("text") or "")
    files = [f for f in (msg.get("files") or ([msg["file"]] if isinstance(msg.get("file"), dict) else []))
             if isinstance(f, dict)]
    actor = None
    if subtype in JOIN_SUBTYPES:
        kind = "join"
        actor = msg.get("inviter")
    elif subtype in LEAVE_SUBTYPES:
        kind = "leave"
    elif subtype in CALL_SUBTYPES:
        kind = "call"
    elif subtype in SYSTEM_SUBTYPES:
        kind = "system"
    elif subtype is None or subtype in TEXT_SUBTYPES:
        kind = "text"
        if files and (subtype == "file_share" or not text.strip()):
            kind = _file_kind(files[0])
            if not text.strip():
                text = f"[file: {files[0].get('name') or files[0].get('title') or 'file'}]"
    else:
        kind = "system"
        acc.unknown_subtypes[str(subtype)] = acc.unknown_subtypes.get(str(subtype), 0) + 1
    thread = msg.get("thread_ts")
    reply = str(thread) if thread and str(thread) != ts else None
    return (ts, sid, name, kind, text, reply, None if actor is None else str(actor), line)


def _file_kind(info: dict) -> str:
    mime = str(info.get("mimetype") or "")
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("video/"):
        return "video"
    if mime.startswith("audio/"):
        return "voice"
    return "file"


def _parse_day_file(source: Source, tz: str, tz_warnings: list[Note]) -> Chat:
    ctx = _Ctx(users={}, user_bots=set(), channels={})
    acc = _Chan()
    text = source.text()
    acc.lines = count_lines(text)
    name = Path(source.name).name if source.name != "-" else "stdin"
    _read_day(text, name, acc, ctx, with_lines=True)
    chat = _finish(acc, ctx, tz, list(tz_warnings), roster_info=None)
    if source.path is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", source.path.stem):
        chat.group = source.path.resolve().parent.name
    chat.lines_total = acc.lines
    ids = chat.messages[SENDER_ID]
    nameless = ids[(chat.messages[SENDER] == ids) & ids.str.match(r"^[UW][A-Z0-9]+$")].nunique()
    if nameless:
        chat.warnings.append(note("parse.slack_day_file_names", n=int(nameless)))
    return chat


def _finish(acc: _Chan, ctx: _Ctx, tz: str, warnings: list[Note], *, roster_info: dict | None) -> Chat:
    warnings = list(warnings)
    if acc.unknown_subtypes:
        detail = ", ".join(f"{k} ×{n}" for k, n in sorted(acc.unknown_subtypes.items()))
        warnings.append(note("parse.slack_unknown_subtypes", detail=detail))
    roster = _roster(roster_info, ctx, acc.bots)
    if not acc.rows:
        return Chat(messages=empty_messages(), platform="slack", unparsed=acc.unparsed,
                    warnings=warnings, roster=roster)
    frame = pd.DataFrame.from_records(
        acc.rows, columns=[MSG_ID, SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID, LINE])
    parts = frame[MSG_ID].str.split(".", n=1, expand=True)
    seconds = pd.to_numeric(parts[0], errors="coerce")
    frac = parts[1].fillna("0").str.ljust(6, "0").str[:6] if 1 in parts else "0"
    micros = seconds * 1_000_000 + pd.to_numeric(frac, errors="coerce").fillna(0)
    stamps = pd.to_datetime(micros, unit="us", utc=True, errors="coerce")
    frame[TIMESTAMP] = to_wall_clock(stamps, tz).astype("datetime64[ns]")
    bad = frame[TIMESTAMP].isna()
    unparsed = list(acc.unparsed)
    if bad.any():
        for ts, ln in zip(frame.loc[bad, MSG_ID], frame.loc[bad, LINE], strict=True):
            unparsed.append(UnparsedLine(0 if pd.isna(ln) else int(ln), f"unreadable ts {ts!r}"))
        frame = frame[~bad].reset_index(drop=True)
    frame[TEXT] = _readable(frame[TEXT], ctx)
    is_text = frame[KIND] == "text"
    if is_text.any():
        frame.loc[is_text, KIND] = kinds_from_bodies(frame.loc[is_text, TEXT].astype(str)).to_numpy()
    messages = build_messages({c: frame[c] for c in (
        MSG_ID, TIMESTAMP, SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID, LINE)})
    return Chat(messages=messages, platform="slack", unparsed=unparsed, warnings=warnings,
                roster=roster, encoding="utf-8")


def _readable(texts: pd.Series, ctx: _Ctx) -> pd.Series:
    """Slack mrkdwn -> plain text (see the module docstring); only texts with ``<`` or ``&`` change."""
    def repl(m: re.Match[str]) -> str:
        sigil, body, label = m["sigil"], m["body"], m["label"]
        if sigil == "@":
            return "@" + (label or ctx.users.get(body) or body)
        if sigil == "#":
            return "#" + (label or ctx.channels.get(body) or body)
        if sigil == "!":
            if label:
                return label
            word = body.split("^", 1)[0]
            return "@" + word
        if label and label != body:
            bare = re.sub(r"^(?:mailto:|tel:|https?://)", "", body)
            if label == bare:
                return label if body.startswith(("mailto:", "tel:")) else body
            return f"{label} ({body})"
        return body
    out = texts.astype(object).fillna("")
    marked = out.str.contains("<", regex=False) | out.str.contains("&", regex=False)
    if marked.any():
        sub = out[marked].str.replace(_MRKDWN, repl, regex=True)
        out.loc[marked] = sub.map(lambda t: html.unescape(t) if "&" in t else t)
    return out


def _roster(info: dict | None, ctx: _Ctx, bots: dict[str, str]) -> pd.DataFrame | None:
    ids: list[str] = []
    roles: list[str] = []
    members = info.get("members") if isinstance(info, dict) else None
    if isinstance(members, list):
        for uid in members:
            ids.append(str(uid))
            roles.append("bot" if str(uid) in ctx.user_bots else "member")
    for bot in bots:
        if bot not in ids:
            ids.append(bot)
            roles.append("bot")
    if not ids:
        return None
    names = [ctx.users.get(i) or bots.get(i) or i for i in ids]
    roster = pd.DataFrame({"sender_id": pd.array(ids, dtype=STRING), "sender": pd.array(names, dtype=STRING),
                           "role": roles, "joined": pd.Series(pd.NaT, index=np.arange(len(ids)),
                                                              dtype="datetime64[ns]")})
    return roster[list(ROSTER_COLUMNS)]


FORMAT = LogFormat(
    name="slack-export",
    platform="slack",
    title="Slack workspace export (ZIP, unzipped folder, or one day file)",
    how_to_export="Slack workspace admin → Tools & settings → Workspace settings → Import/Export Data "
                  "→ Export → download the ZIP (give the ZIP or its unzipped folder)",
    sniff=sniff,
    parse=parse,
    streams=True,
    extensions=(".json", ".zip"),
    sidecars=SIDECARS,
    folder=True,
)
