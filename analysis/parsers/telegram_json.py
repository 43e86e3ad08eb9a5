"""Telegram Desktop "Export chat history" JSON (``result.json``), FORMATS.md §3.

Two shapes:

* a single chat (``{"name", "type", "id", "messages": [...]}``): one Chat;
* "Export Telegram data" (``{"about", ..., "chats": {"list": [...]}, "left_chats": {...}}``):
  one Chat per group or channel in ``chats.list`` and ``left_chats.list``. Personal chats
  (``personal_chat``, ``bot_chat``, ``saved_messages``, ``replies``) are skipped and every
  returned Chat carries a warning saying how many. Pick one group with ``--group NAME``.

The file is streamed (:class:`~analysis.parsers._json_stream.JsonStream`): memory stays near
one block of text plus the rows built, not the whole decoded document.

Mapping to the canonical table:

* ``msg_id`` = ``id`` (``L<line>`` if missing); ``line`` = the line where the message
  object starts.
* identity: ``sender_id`` = ``from_id`` (``user123``, ``channel123``); older exports without
  it fall back to the display name ``from`` (a warning says how many senders). ``from: null``
  (deleted account) is shown as ``Deleted Account``.
* time: ``date_unixtime`` (absolute) converted to ``--tz`` (UTC, with a warning, when not
  given); exports without it use ``date`` as the wall-clock time it already is.
* ``text``: a string, or a list of strings and ``{"type", "text"}`` parts that are joined
  (a ``text_link`` part keeps its hidden target: ``label (https://...)``, as links matter
  for spam checks).
  Captioned media count as text; media without a caption get a placeholder text
  (``[photo]``, ``[sticker 😀]``, ``[voice message]``, ``[file: a.pdf]``, ``[poll: ...]``) and
  their kind: photo -> image, sticker and animation (GIF) -> sticker, voice_message -> voice,
  video_message and video_file -> video, audio_file and other files -> file, location/venue
  -> location, poll -> poll, contact -> card. A text that is only a URL is a link.
* ``reply_to`` = ``reply_to_message_id``.
* service messages (``type: service``): ``invite_members`` -> one ``join`` record per member
  in ``members`` (several members: ``msg_id`` gets ``#1``, ``#2``, ... and all share the
  line), ``join_group_by_link`` / ``join_group_by_request`` -> join, ``remove_members`` ->
  ``leave`` (one per member); ``sender_id`` is the member concerned and ``actor_id`` who
  invited or removed them (missing when members joined or left by themselves; for links,
  the ``inviter``). Members are named, not identified, in the export: names are mapped to
  ids through the names seen with ``from_id``/``actor_id`` elsewhere in the chat; the rest
  keep their name as id and a warning says how many. ``phone_call``/``group_call`` ->
  call; every other action (pin_message, create_group, migrate_from_group, edit_group_title,
  a custom ``information_text``...) -> system, sent by the actor. ``unsupported`` -> system.
* ``\\xNN`` escapes (invalid JSON that Telegram writes for control characters) are read as
  the character and counted in a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from analysis.errors import ParseError
from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import kinds_from_bodies, ns_series, resolve_names, to_wall_clock
from analysis.parsers._json_stream import JsonStream, target_tz
from analysis.schema import (
    ACTOR_ID,
    KIND,
    LINE,
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
from analysis.source import Source

CHAT_TYPES = frozenset({
    "personal_chat", "bot_chat", "private_group", "private_supergroup", "public_supergroup",
    "private_channel", "public_channel", "saved_messages", "replies",
})
PERSONAL_TYPES = frozenset({"personal_chat", "bot_chat", "saved_messages", "replies"})
"""Chat types that are not a community; skipped in an "export all data" file."""

_TYPE_RE = re.compile(r'"type"\s*:\s*"(' + "|".join(sorted(CHAT_TYPES)) + r')"')
_SINGLE_RE = re.compile(r'^\ufeff?\s*\{\s*"(?:name|type|id|messages)"\s*:')
_FULL_RE = re.compile(r'"chats"\s*:\s*\{\s*"(?:about|list)"\s*:')
_MESSAGES_RE = re.compile(r'"messages"\s*:\s*\[')
_MESSAGE_KEYS_RE = re.compile(r'"(?:date_unixtime|from_id|text_entities)"\s*:')
_ABOUT_RE = re.compile(r'^\ufeff?\s*\{\s*"about"\s*:')

DELETED = "Deleted Account"
SYSTEM_ID = "system"

_JOIN_ACTIONS = frozenset({"join_group_by_link", "join_group_by_request"})
_CALL_ACTIONS = frozenset({"phone_call", "group_call"})
_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "sticker": ("sticker", "[sticker]"),
    "animation": ("sticker", "[GIF]"),
    "voice_message": ("voice", "[voice message]"),
    "video_message": ("video", "[video message]"),
    "video_file": ("video", "[video]"),
}


def sniff(source: Source) -> bool:
    """A Telegram result.json: a chat object with a Telegram chat type or Telegram message
    keys before its messages, or an "export all data" file with ``"chats": {"about"/"list"``."""
    head = source.head()
    if _FULL_RE.search(head) and head.lstrip("\ufeff \t\r\n").startswith("{"):
        return True
    if _ABOUT_RE.match(head) and '"personal_information"' in head:
        return True
    if not _SINGLE_RE.match(head):
        return False
    if _TYPE_RE.search(head[:2000]) and _MESSAGES_RE.search(head):
        return True
    return bool(_MESSAGES_RE.search(head) and _MESSAGE_KEYS_RE.search(head))


@dataclass
class _Acc:
    """One conversation while it is read."""

    meta: dict[str, Any] = field(default_factory=dict)
    rows: list[tuple] = field(default_factory=list)
    frames: list[pd.DataFrame] = field(default_factory=list)
    """Rows already moved into Arrow-backed frames (see :data:`CHUNK_ROWS`)."""
    unparsed: list[UnparsedLine] = field(default_factory=list)
    known: dict[str, set[str]] = field(default_factory=dict)  # display name -> ids seen with it
    no_from_id: set[str] = field(default_factory=set)


# row: msg_id, unix, date, sender_id, sender, kind, text, reply_to, actor_id, line, actor_name
_ROW_FIELDS = (MSG_ID, "unix", "date", SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID, LINE,
               "actor_name")
_STRING_FIELDS = (MSG_ID, "date", SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID, "actor_name")
CHUNK_ROWS = 50_000
"""Rows kept as Python tuples before they move into an Arrow-backed frame: bounds the memory
of big exports (Python tuples of strings cost several times their Arrow form)."""


def _chunk(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=list(_ROW_FIELDS))
    for col in _STRING_FIELDS:
        frame[col] = frame[col].astype(STRING)
    frame["unix"] = pd.to_numeric(frame["unix"], errors="coerce")
    frame[LINE] = frame[LINE].astype("Int64")
    return frame


def parse(source: Source, options: ParseOptions) -> list[Chat]:
    """Read a single-chat or an "export all data" result.json into Chats (one per group)."""
    stream = JsonStream(source.iter_text(), name=source.name)
    if stream.peek() != "{":
        raise ParseError("not a Telegram export: the file does not hold a JSON object", path=source.name,
                         hint="export again with Telegram Desktop, format 'Machine-readable JSON'")
    top = _Acc()
    chats: list[_Acc] = []
    export_all = False
    skipped: dict[str, int] = {}
    for key in stream.keys():
        if key == "messages" and stream.peek() == "[":
            _read_messages(stream, top)
        elif key in ("chats", "left_chats") and stream.peek() == "{":
            export_all = True
            for sub in stream.keys():
                if sub == "list" and stream.peek() == "[":
                    for _line in stream.items():
                        acc = _read_chat(stream)
                        kind = acc.meta.get("type")
                        if kind in PERSONAL_TYPES:
                            skipped[kind] = skipped.get(kind, 0) + 1
                        else:
                            chats.append(acc)
                else:
                    stream.skip()
        elif key in ("name", "type", "id"):
            top.meta[key] = stream.value()
        else:
            stream.skip()
    lines_total = stream.lines_read()

    file_warnings: list[Note] = []
    if stream.bad_escapes:
        file_warnings.append(note("parse.telegram_bad_escapes", n=stream.bad_escapes))
    if export_all:
        if skipped:
            detail = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items()))
            file_warnings.append(note("parse.personal_chats_skipped", n=sum(skipped.values()), detail=detail))
        if not chats:
            raise ParseError("the export holds no group or channel"
                             + (f" ({sum(skipped.values())} personal chats skipped)" if skipped else ""),
                             path=source.name,
                             hint="export the group itself: open it in Telegram Desktop → ⋮ → Export chat history")
    else:
        chats = [top]
    tz, tz_warnings = target_tz(options.tz)
    out = []
    for i, acc in enumerate(chats):
        chat = _finish(acc, tz, tz_warnings, single=not export_all, index=i)
        chat.warnings += file_warnings
        chat.lines_total = lines_total
        out.append(chat)
    return out


def _read_chat(stream: JsonStream) -> _Acc:
    acc = _Acc()
    for key in stream.keys():
        if key == "messages" and stream.peek() == "[":
            if acc.meta.get("type") in PERSONAL_TYPES:
                for _line in stream.items():
                    stream.skip()
            else:
                _read_messages(stream, acc)
        elif key in ("name", "type", "id"):
            acc.meta[key] = stream.value()
        else:
            stream.skip()
    return acc


def _read_messages(stream: JsonStream, acc: _Acc) -> None:
    for line, msg in stream.objects():
        if not isinstance(msg, dict):
            acc.unparsed.append(UnparsedLine(line, f"not a message object: {str(msg)[:80]}"))
            continue
        if msg.get("date_unixtime") is None and msg.get("date") is None:
            acc.unparsed.append(UnparsedLine(line, f"message without a date: {_brief(msg)}"))
            continue
        try:
            if msg.get("type") == "service":
                _service(msg, line, acc)
            else:
                _message(msg, line, acc)
        except (TypeError, ValueError, AttributeError) as exc:
            acc.unparsed.append(UnparsedLine(line, f"message not understood ({exc}): {_brief(msg)}"))
        if len(acc.rows) >= CHUNK_ROWS:
            acc.frames.append(_chunk(acc.rows))
            acc.rows = []


def _brief(msg: dict) -> str:
    return str({k: msg[k] for k in list(msg)[:6]})[:160]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(_part(part) for part in value)
    return str(value)


def _part(part: Any) -> str:
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return str(part)
    text = str(part.get("text", ""))
    href = part.get("href")
    if part.get("type") == "text_link" and href and href != text:
        return f"{text} ({href})"
    return text


def _learn(acc: _Acc, name: Any, ident: Any) -> None:
    if isinstance(name, str) and name and ident is not None:
        acc.known.setdefault(name, set()).add(str(ident))


def _message(msg: dict, line: int, acc: _Acc) -> None:
    mid = str(msg["id"]) if msg.get("id") is not None else f"L{line}"
    name = msg.get("from")
    ident = msg.get("from_id")
    if name is None:
        name = DELETED if ("from" in msg or ident is not None) else "unknown"
    name = str(name)
    if ident is None:
        acc.no_from_id.add(name)
        ident = name
    else:
        ident = str(ident)
        _learn(acc, name, ident)
    text = _text(msg.get("text"))
    if msg.get("type") == "unsupported":
        kind, text = "system", text or "(unsupported message)"
    else:
        kind = "text"
        if not text.strip():
            media_kind, placeholder = _media(msg)
            if media_kind:
                kind, text = media_kind, placeholder
    reply = msg.get("reply_to_message_id")
    acc.rows.append((mid, msg.get("date_unixtime"), msg.get("date"), ident, name, kind, text,
                     None if reply is None else str(reply), None, line, None))


def _media(msg: dict) -> tuple[str | None, str]:
    """Kind and placeholder text of a media message without caption."""
    if "photo" in msg:
        return "image", "[photo]"
    media_type = msg.get("media_type")
    if media_type in _MEDIA_TYPES:
        kind, text = _MEDIA_TYPES[media_type]
        if media_type == "sticker" and msg.get("sticker_emoji"):
            text = f"[sticker {msg['sticker_emoji']}]"
        return kind, text
    if media_type == "audio_file":
        label = " - ".join(str(msg[k]) for k in ("performer", "title") if msg.get(k))
        return "file", f"[audio: {label}]" if label else "[audio]"
    if "file" in msg or media_type:
        name = msg.get("file_name")
        path = msg.get("file")
        if not name and isinstance(path, str) and not path.startswith("("):
            name = PurePosixPath(path).name
        return "file", f"[file: {name}]" if name else "[file]"
    if "location_information" in msg or "place_name" in msg:
        place = msg.get("place_name") or msg.get("address")
        return "location", f"[location: {place}]" if place else "[location]"
    if isinstance(msg.get("poll"), dict):
        return "poll", f"[poll: {msg['poll'].get('question', '')}]"
    if isinstance(msg.get("contact_information"), dict):
        info = msg["contact_information"]
        who = " ".join(str(info[k]) for k in ("first_name", "last_name") if info.get(k))
        return "card", f"[contact: {who}]" if who else "[contact]"
    if msg.get("game_title"):
        return "card", f"[game: {msg['game_title']}]"
    if isinstance(msg.get("invoice_information"), dict):
        return "card", f"[invoice: {msg['invoice_information'].get('title', '')}]"
    return None, ""


def _member(entry: Any) -> tuple[str, str | None]:
    """A ``members`` entry: a display name, or (newer/other writers) an object with name and id."""
    if isinstance(entry, dict):
        ident = entry.get("id", entry.get("user_id"))
        return str(entry.get("name") or ident or DELETED), (None if ident is None else str(ident))
    return (DELETED if entry is None else str(entry)), None


def _service(msg: dict, line: int, acc: _Acc) -> None:
    mid = str(msg["id"]) if msg.get("id") is not None else f"L{line}"
    unix, date = msg.get("date_unixtime"), msg.get("date")
    action = msg.get("action")
    actor = msg.get("actor")
    actor_id = msg.get("actor_id")
    if actor is None and ("actor" in msg or actor_id is not None):
        actor = DELETED
    if actor_id is not None:
        actor_id = str(actor_id)
        _learn(acc, actor, actor_id)
    sender = str(actor) if actor is not None else SYSTEM_ID
    sender_id = actor_id or (str(actor) if actor is not None else SYSTEM_ID)
    if actor is not None and actor_id is None:
        acc.no_from_id.add(str(actor))

    def add(kind: str, text: str, *, rid: str = mid, sid: str | None = sender_id,
            name: str = sender, actor_ref: str | None = None, actor_name: str | None = None) -> None:
        # sid None: resolve `name` to an id later.
        acc.rows.append((rid, unix, date, sid, name, kind, text, None, actor_ref, line, actor_name))

    if action is None:
        add("system", str(msg.get("information_text") or _text(msg.get("text")) or "(service message)"))
        return
    action = str(action)
    members = [_member(m) for m in (msg.get("members") or [])]
    if action in ("invite_members", "remove_members") and members:
        kind = "join" if action == "invite_members" else "leave"
        several = len(members) > 1
        for n, (name, ident) in enumerate(members, start=1):
            self_act = (ident is not None and ident == actor_id) or (ident is None and name == actor)
            add(kind, f"{action}: {name}",
                rid=f"{mid}#{n}" if several else mid,
                sid=actor_id if self_act and actor_id else ident,
                name=name,
                actor_ref=None if self_act else actor_id,
                actor_name=None if self_act or actor_id else (str(actor) if actor is not None else None))
        return
    if action in ("invite_members", "remove_members") or action in _JOIN_ACTIONS:
        kind = "leave" if action == "remove_members" else "join"
        inviter = msg.get("inviter")
        text = action + (f" (inviter: {inviter})" if inviter else "")
        add(kind, text, actor_name=str(inviter) if inviter else None)
        return
    kind = "call" if action in _CALL_ACTIONS else "system"
    add(kind, _service_text(action, msg, members))


def _service_text(action: str, msg: dict, members: list[tuple[str, str | None]]) -> str:
    parts = []
    if msg.get("title"):
        parts.append(str(msg["title"]))
    if members:
        parts.append("members: " + ", ".join(name for name, _ in members))
    if msg.get("message_id") is not None:
        parts.append(f"message {msg['message_id']}")
    if msg.get("duration_seconds") is not None:
        parts.append(f"{msg['duration_seconds']} s")
    if msg.get("discard_reason"):
        parts.append(str(msg["discard_reason"]))
    text = _text(msg.get("text"))
    if text:
        parts.append(text)
    return action + (": " + "; ".join(parts) if parts else "")


def _finish(acc: _Acc, tz: str, tz_warnings: list[Note], *, single: bool, index: int) -> Chat:
    meta = acc.meta
    group = meta.get("name")
    if not group and not single:
        group = f"{meta.get('type', 'chat')} {meta.get('id', index + 1)}"
    group = str(group) if group else ""
    if acc.rows or not acc.frames:
        acc.frames.append(_chunk(acc.rows))
        acc.rows = []
    frame = pd.concat(acc.frames, ignore_index=True) if len(acc.frames) > 1 else acc.frames[0]
    acc.frames = []
    if not len(frame):
        return Chat(messages=empty_messages(), group=group, platform="telegram",
                    unparsed=acc.unparsed)
    warnings: list[Note] = []

    # Time: date_unixtime is authoritative; `date` (local wall clock) for older exports.
    unix = pd.to_numeric(frame["unix"], errors="coerce")
    unix = unix.where(unix.abs() < 9.2e9)  # beyond that, no nanosecond time can hold it
    absolute = to_wall_clock(pd.to_datetime(unix, unit="s", utc=True, errors="coerce"), tz)
    local = ns_series(pd.to_datetime(frame["date"], format="ISO8601", errors="coerce"))
    has_unix = unix.notna()
    frame[TIMESTAMP] = absolute.where(has_unix, local).astype("datetime64[ns]")
    if has_unix.any():
        warnings += tz_warnings
    if (~has_unix).any():
        warnings.append(note("parse.telegram_no_unixtime", n=int((~has_unix).sum())))
    bad = frame[TIMESTAMP].isna()
    unparsed = list(acc.unparsed)
    if bad.any():
        for _, row in frame[bad].iterrows():
            unparsed.append(UnparsedLine(int(row[LINE]),
                                         f"message {row[MSG_ID]} has an unreadable date {row['date']!r}"))
        frame = frame[~bad].reset_index(drop=True)

    # Names -> ids for members of service messages (and inviters).
    lookup = pd.DataFrame(
        [(name, ident) for name, ids in acc.known.items() for ident in ids],
        columns=[SENDER, SENDER_ID],
    )
    lookup[KIND] = "text"
    need = frame[SENDER_ID].isna()
    if need.any() or frame["actor_name"].notna().any():
        names = frame[SENDER].where(need)
        ids, warns = resolve_names(lookup, names)
        warnings += warns
        frame[SENDER_ID] = frame[SENDER_ID].where(~need, ids)
        has_actor_name = frame["actor_name"].notna()
        if has_actor_name.any():
            actor_ids, _ = resolve_names(lookup, frame["actor_name"])
            frame[ACTOR_ID] = frame[ACTOR_ID].where(~has_actor_name, actor_ids)
    if acc.no_from_id:
        warnings.append(note("parse.telegram_no_from_id", n=len(acc.no_from_id)))

    is_text = frame[KIND] == "text"
    if is_text.any():
        frame.loc[is_text, KIND] = kinds_from_bodies(frame.loc[is_text, TEXT].astype(str)).to_numpy()
    messages = build_messages({c: frame[c] for c in (
        MSG_ID, TIMESTAMP, SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID, LINE)})
    return Chat(messages=messages, group=group, platform="telegram", unparsed=unparsed,
                warnings=warnings)


FORMAT = LogFormat(
    name="telegram-json",
    platform="telegram",
    title="Telegram Desktop chat export (result.json)",
    how_to_export="Telegram Desktop → open the group → ⋮ → Export chat history → Format: "
                  "Machine-readable JSON (or Settings → Advanced → Export Telegram data, JSON, for all chats)",
    sniff=sniff,
    parse=parse,
    streams=True,
    extensions=(".json",),
)
