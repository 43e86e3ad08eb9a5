"""DiscordChatExporter (DCE) JSON and CSV exports, FORMATS.md §5.

**JSON** (``discord-json``): ``{"guild", "channel", "dateRange", "exportedAt", "messages": [...],
"messageCount"}``, streamed message by message. ``msg_id`` = the message id, ``sender_id`` =
``author.id``, ``sender`` = ``author.nickname`` (the server display name) or ``author.name``,
``reply_to`` = ``reference.messageId`` on ordinary messages, ``line`` = the line where the
message object starts. Message types: ``RecipientAdd`` -> join (``sender_id`` = the member
added, from ``mentions``; ``actor_id`` = the author who added them), ``RecipientRemove`` ->
leave (removed by the author, or left by themselves), ``GuildMemberJoin`` -> join, ``Call``
-> call, ``ChannelPinnedMessage``, ``ChannelNameChange``, ``ChannelIconChange``,
``ThreadCreated`` and other system notifications (numeric types 1-18) -> system; ``Default``,
``Reply`` and anything else -> by content. Leaves are not recorded in server channels
(Discord does not post them), so churn cannot be read from a server export.

**CSV** (``discord-csv``): header ``AuthorID,Author,Date,Content,Attachments,Reactions``
(v2.16+, every field quoted, raw newlines inside Content) or the older semicolon layout with
a trailing ``;``. Read with the ``csv`` module; ``line`` = the physical line where the row
starts, ``msg_id`` = ``L<line>`` (the CSV has no message id). ``Date`` is ISO-8601 with an
offset (v2.42.3+, converted to ``--tz``) or, in older files, the exporting computer's short
local date and time (``1/17/2023 7:33 PM``, or the old default ``--dateformat``
``17-Jan-23 07:33 PM``): kept as wall-clock time, read month-first (the
en-US default) unless the values prove day-first or ``--dayfirst`` says so, with a warning.
System messages appear as DCE's fallback texts (``Joined the server.``, ``Added X to the
group.``...) and get the kinds above; the member named in ``Added X``/``Removed X`` is mapped
to an id through names seen elsewhere.

Both: a message without content but with attachments gets the kind of its first file by
extension (image, video, voice for audio, else file) and the file names as text; stickers
-> sticker, embeds only -> card with the embed title. Captioned files count as text. A
content that is only a URL is a link. Times with an offset are converted to ``--tz`` (UTC
with a warning when not given). Bot authors (``isBot``, JSON only) are listed in
``Chat.roster`` with role ``bot`` (the roster lists only them: it is not a member list).

Reactions and attachment counts have no column in the canonical table; read them with
:func:`discord_engagement`.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np
import pandas as pd

from analysis.errors import ParseError
from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import kinds_from_bodies, resolve_names, to_ns, to_wall_clock
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
from analysis.source import LINE_BREAK, Source

CSV_HEADER = ("AuthorID", "Author", "Date", "Content", "Attachments", "Reactions")

_JSON_HEAD = re.compile(r'^\ufeff?\s*\{\s*"guild"\s*:\s*\{')
_JSON_CHANNEL = re.compile(r'"channel"\s*:\s*\{')

_SYSTEM_TYPES = {
    "Call": "call",
    "ChannelNameChange": "system",
    "ChannelIconChange": "system",
    "ChannelPinnedMessage": "system",
    "ThreadCreated": "system",
}
_IMAGE_EXT = frozenset({"png", "jpg", "jpeg", "gif", "webp", "bmp", "heic", "heif", "avif", "svg", "tif", "tiff"})
_VIDEO_EXT = frozenset({"mp4", "mov", "webm", "mkv", "avi", "m4v", "wmv", "flv"})
_AUDIO_EXT = frozenset({"mp3", "ogg", "oga", "opus", "wav", "m4a", "flac", "aac", "wma"})

# DCE fallback texts of system notifications (PlainTextMessageExtensions / GetFallbackContent).
_CSV_EVENTS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    # kind, pattern, names another member (the author is then the actor)
    ("join", re.compile(r"^Joined the server\.$"), False),
    ("leave", re.compile(r"^Left the group\.$"), False),
    ("join", re.compile(r"^Added (?P<who>.+) to the group\.$"), True),
    ("leave", re.compile(r"^Removed (?P<who>.+) from the group\.$"), True),
    ("call", re.compile(r"^Started a call that lasted [\d,.]+ minutes?\.$"), False),
    ("system", re.compile(r"^(?:Pinned a message\.|Changed the channel icon\.|Started a thread\.|"
                          r"Changed the channel name: .*)$", re.S), False),
)
_LOCALE_DATE = re.compile(
    r"^\s*(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,4})\.?[,\s]+"
    r"(?:(?P<ap1>上午|下午|午前|午後)\s*)?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"\s*(?P<ap2>[AaPp]\.?\s?[Mm]\.?)?\s*$"
)
_PM = frozenset({"pm", "p.m.", "p.m", "下午", "午後"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAMED_MONTH = re.compile(r"^\s*(?P<d>\d{1,2})-(?P<m>[A-Za-z]{3})-(?P<y>\d{2}|\d{4})(?=\s)")
"""DCE's old default ``--dateformat`` ``dd-MMM-yy hh:mm tt`` (invariant culture): ``17-Jan-23 07:33 PM``."""
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}T")


# -- sniffing -----------------------------------------------------------------------------

def sniff_json(source: Source) -> bool:
    """A DCE JSON export: an object whose first key is ``guild``, with a ``channel`` object."""
    head = source.head()
    return bool(_JSON_HEAD.match(head) and _JSON_CHANNEL.search(head))


def _csv_header(line: str) -> tuple[str, bool] | None:
    """(delimiter, old layout) when ``line`` is a DCE CSV header, else None."""
    line = line.lstrip("\ufeff").strip()
    for delim, old in ((",", False), (";", True)):
        fields = [f.strip().strip('"') for f in line.split(delim)]
        if old and fields and fields[-1] == "":
            fields = fields[:-1]
        if tuple(fields) == CSV_HEADER:
            return delim, old
    return None


def sniff_csv(source: Source) -> bool:
    """A DCE CSV export: the first line is its header (comma, or the old semicolon layout)."""
    match = LINE_BREAK.search(source.head())
    first = source.head()[: match.start()] if match else source.head()
    return _csv_header(first) is not None


# -- JSON ---------------------------------------------------------------------------------

def _author(user: Any) -> tuple[str, str, bool]:
    if not isinstance(user, dict):
        return "unknown", "unknown", False
    name = user.get("nickname") or user.get("name") or str(user.get("id", "unknown"))
    return str(user.get("id") or name), str(name), bool(user.get("isBot"))


def parse_json(source: Source, options: ParseOptions) -> list[Chat]:
    """Read a DCE JSON export (one channel) into one Chat."""
    stream = JsonStream(source.iter_text(), name=source.name)
    if stream.peek() != "{":
        raise ParseError("not a DiscordChatExporter JSON export: no top-level object", path=source.name,
                         hint="export again with DiscordChatExporter, format JSON")
    meta: dict[str, Any] = {}
    rows: list[tuple] = []
    unparsed: list[UnparsedLine] = []
    bots: dict[str, str] = {}
    for key in stream.keys():
        if key == "messages" and stream.peek() == "[":
            for line, msg in stream.objects():
                if not isinstance(msg, dict) or not msg.get("timestamp"):
                    unparsed.append(UnparsedLine(line, f"message without a timestamp: {str(msg)[:120]}"))
                    continue
                try:
                    rows.append(_json_row(msg, line, bots))
                except (TypeError, ValueError, AttributeError) as exc:
                    unparsed.append(UnparsedLine(line, f"message not understood ({exc}): {str(msg)[:120]}"))
        elif key in ("guild", "channel"):
            meta[key] = stream.value()
        else:
            stream.skip()
    lines_total = stream.lines_read()
    warnings: list[Note] = []
    if stream.bad_escapes:
        warnings.append(note("parse.bad_escapes_repaired", n=stream.bad_escapes))
    frame = pd.DataFrame.from_records(
        rows, columns=[MSG_ID, "ts", SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID, LINE])
    chat = _finish(frame, options, warnings, unparsed, bots)
    chat.group = _group_name(meta)
    chat.lines_total = lines_total
    return [chat]


def _group_name(meta: dict[str, Any]) -> str:
    guild = meta.get("guild") if isinstance(meta.get("guild"), dict) else {}
    channel = meta.get("channel") if isinstance(meta.get("channel"), dict) else {}
    parts = [str(p) for p in (guild.get("name"), channel.get("name")) if p]
    return " / ".join(parts)


def _json_row(msg: dict, line: int, bots: dict[str, str]) -> tuple:
    mid = str(msg.get("id") or f"L{line}")
    sid, name, is_bot = _author(msg.get("author"))
    if is_bot:
        bots[sid] = name
    mtype = str(msg.get("type") or "Default")
    content = str(msg.get("content") or "")
    mentions = [m for m in (msg.get("mentions") or []) if isinstance(m, dict)]
    if mtype in ("RecipientAdd", "RecipientRemove"):
        kind = "join" if mtype == "RecipientAdd" else "leave"
        if mentions and str(mentions[0].get("id")) != sid:
            who_id, who_name, _ = _author(mentions[0])
            return (mid, msg["timestamp"], who_id, who_name, kind, content, None, sid, line)
        return (mid, msg["timestamp"], sid, name, kind, content, None, None, line)
    if mtype == "GuildMemberJoin":
        return (mid, msg["timestamp"], sid, name, "join", content, None, None, line)
    if mtype in _SYSTEM_TYPES or (mtype.isdigit() and 1 <= int(mtype) <= 18):
        return (mid, msg["timestamp"], sid, name, _SYSTEM_TYPES.get(mtype, "system"), content, None, None, line)
    ref = msg.get("reference")
    reply = str(ref["messageId"]) if isinstance(ref, dict) and ref.get("messageId") else None
    kind, text = "text", content
    if not content.strip():
        files = [a for a in (msg.get("attachments") or []) if isinstance(a, dict)]
        stickers = [s for s in (msg.get("stickers") or []) if isinstance(s, dict)]
        embeds = [e for e in (msg.get("embeds") or []) if isinstance(e, dict)]
        if files:
            names = [str(a.get("fileName") or _url_name(str(a.get("url") or ""))) for a in files]
            kind, text = _file_kind(names[0]), ", ".join(names)
        elif stickers:
            kind, text = "sticker", "[sticker: " + ", ".join(str(s.get("name", "")) for s in stickers) + "]"
        elif embeds:
            first = embeds[0]
            label = "\n".join(str(first[k]) for k in ("title", "description") if first.get(k))
            kind, text = "card", label or str(first.get("url") or "[embed]")
    return (mid, msg["timestamp"], sid, name, kind, text, reply, None, line)


def _url_name(url: str) -> str:
    try:
        path = urlsplit(url.strip()).path
    except ValueError:  # a damaged URL ("http://[x/a.png": an unclosed IPv6 bracket)
        return url.strip()
    return unquote(PurePosixPath(path).name) or url.strip()


def _file_kind(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in _IMAGE_EXT:
        return "image"
    if ext in _VIDEO_EXT:
        return "video"
    if ext in _AUDIO_EXT:
        return "voice"
    return "file"


def _finish(frame: pd.DataFrame, options: ParseOptions, warnings: list[Note],
            unparsed: list[UnparsedLine], bots: dict[str, str], *,
            local: pd.Series | None = None) -> Chat:
    """Times, link kinds, duplicate check and the bot roster; returns the Chat."""
    if not len(frame):
        return Chat(messages=empty_messages(), platform="discord", warnings=warnings, unparsed=unparsed)
    if local is None:
        tz, tz_warn = target_tz(options.tz)
        stamps = pd.to_datetime(frame["ts"], format="ISO8601", utc=True, errors="coerce")
        frame[TIMESTAMP] = to_wall_clock(stamps, tz).astype("datetime64[ns]")
        warnings = tz_warn + warnings
    else:
        frame[TIMESTAMP] = local
    bad = frame[TIMESTAMP].isna()
    if bad.any():
        for ln, ts in zip(frame.loc[bad, LINE], frame.loc[bad, "ts"], strict=True):
            unparsed.append(UnparsedLine(int(ln), f"unreadable date {ts!r}"))
        frame = frame[~bad].reset_index(drop=True)
    is_text = frame[KIND] == "text"
    if is_text.any():
        frame.loc[is_text, KIND] = kinds_from_bodies(frame.loc[is_text, TEXT].astype(str)).to_numpy()
    dup = frame[MSG_ID].duplicated(keep="first") & ~frame[MSG_ID].str.startswith("L")
    if dup.any():
        warnings.append(note("parse.duplicate_ids", n=int(dup.sum())))
    roster = None
    if bots:
        roster = pd.DataFrame({"sender_id": list(bots), "sender": list(bots.values()), "role": "bot",
                               "joined": pd.NaT})[list(ROSTER_COLUMNS)]
        roster["sender_id"] = roster["sender_id"].astype(STRING)
        roster["sender"] = roster["sender"].astype(STRING)
        warnings.append(note("parse.discord_bots", n=len(bots), names=[str(b) for b in list(bots.values())[:5]]))
    messages = build_messages({c: frame[c] for c in (
        MSG_ID, TIMESTAMP, SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID, LINE)})
    return Chat(messages=messages, platform="discord", warnings=warnings, unparsed=unparsed,
                roster=roster)


# -- CSV ----------------------------------------------------------------------------------

def _csv_rows(source: Source) -> tuple[list[tuple[int, list[str]]], list[UnparsedLine], int, bool]:
    """Every data row with the physical line where it starts; bad rows; lines; old layout."""
    text = source.text()
    lines_total = len(LINE_BREAK.findall(text)) + (0 if not text or text[-1] in "\r\n" else 1)
    first_break = LINE_BREAK.search(text)
    header = _csv_header(text[: first_break.start()] if first_break else text)
    if header is None:
        raise ParseError("not a DiscordChatExporter CSV: the first line is not its header", path=source.name,
                         line=1, hint=f"expected {','.join(CSV_HEADER)}")
    delim, old = header
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    next(reader)
    rows: list[tuple[int, list[str]]] = []
    bad: list[UnparsedLine] = []
    width = len(CSV_HEADER)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            bad.append(UnparsedLine(start, f"CSV row not readable ({exc})"))
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) == width + 1 and row[-1] == "" and (old or delim == ";"):
            row = row[:-1]
        if len(row) != width:
            bad.append(UnparsedLine(start, delim.join(row)[:200]))
            continue
        rows.append((start, row))
    return rows, bad, lines_total, old


def parse_csv(source: Source, options: ParseOptions) -> list[Chat]:
    """Read a DCE CSV export (one channel) into one Chat."""
    rows, unparsed, lines_total, _old = _csv_rows(source)
    warnings: list[Note] = []
    lines = [ln for ln, _ in rows]
    cols = list(zip(*[r for _, r in rows], strict=True)) if rows else [()] * len(CSV_HEADER)
    author_id, author, date, content, attachments, _reactions = (
        pd.Series(c, dtype=object) for c in cols)
    content = content.str.replace(r"\r\n|\r", "\n", regex=True) if len(rows) else content
    frame = pd.DataFrame({
        MSG_ID: [f"L{ln}" for ln in lines],
        "ts": date,
        SENDER_ID: author_id,
        SENDER: author,
        KIND: "text",
        TEXT: content,
        REPLY_TO: None,
        ACTOR_ID: None,
        LINE: lines,
    })
    if not len(frame):
        chat = Chat(messages=empty_messages(), platform="discord", unparsed=unparsed)
        chat.lines_total = lines_total
        return [chat]
    frame = _csv_kinds(frame, attachments)
    local, date_warnings = _csv_dates(frame["ts"], options)
    warnings += date_warnings
    iso = frame["ts"].str.match(_ISO)
    if iso.any():
        tz, tz_warn = target_tz(options.tz)
        stamps = pd.to_datetime(frame["ts"].where(iso), format="ISO8601", utc=True, errors="coerce")
        local = to_wall_clock(stamps, tz).astype("datetime64[ns]").where(iso, local)
        warnings = tz_warn + warnings
    # Who was added/removed: a display name, mapped to an id where the name is known.
    named = frame.pop("who")
    if named.notna().any():
        ids, warns = resolve_names(frame.assign(**{KIND: frame[KIND].astype(object)}), named)
        has = named.notna()
        frame.loc[has, SENDER_ID] = ids[has].to_numpy()
        frame.loc[has, SENDER] = named[has].to_numpy()
        warnings += warns
    chat = _finish(frame, options, warnings, unparsed, {}, local=local.astype("datetime64[ns]"))
    chat.lines_total = lines_total
    if source.name != "-":
        chat.group = re.sub(r"(?:\s*\[(?:\d+|part \d+)\])+$", "", Path(source.name).stem)
    return [chat]


def _csv_kinds(frame: pd.DataFrame, attachments: pd.Series) -> pd.DataFrame:
    """System fallback texts and attachment-only rows (a short loop over the few that qualify)."""
    content = frame[TEXT].fillna("")
    empty = content.str.strip() == ""
    no_files = attachments.fillna("").str.strip() == ""
    kinds = frame[KIND].to_numpy(dtype=object, copy=True)
    texts = content.to_numpy(dtype=object, copy=True)
    who = np.full(len(frame), None, dtype=object)
    actors = np.full(len(frame), None, dtype=object)
    # Candidates for fallback texts: one line, short, no attachment.
    candidates = no_files & ~empty & (content.str.len() < 300) & content.str.match(
        r"^(?:Joined|Left|Added|Removed|Started|Pinned|Changed) ")
    for i in np.flatnonzero(candidates.to_numpy()):
        for kind, pattern, names_other in _CSV_EVENTS:
            m = pattern.match(texts[i])
            if m:
                kinds[i] = kind
                if names_other:
                    who[i] = m["who"]
                    actors[i] = frame.at[i, SENDER_ID]
                break
    for i in np.flatnonzero((empty & ~no_files).to_numpy()):
        names = [_url_name(u) for u in _split_urls(attachments.iat[i])]
        kinds[i] = _file_kind(names[0]) if names else "file"
        texts[i] = ", ".join(names)
    frame[KIND] = kinds
    frame[TEXT] = texts
    frame[ACTOR_ID] = actors
    frame["who"] = pd.Series(who, index=frame.index, dtype=object)
    return frame


def _split_urls(field: str) -> list[str]:
    """The attachment URLs of one CSV cell (comma-joined; URLs themselves rarely hold commas)."""
    parts = re.split(r",(?=\s*(?:https?://|[A-Za-z]:\\|/|\.{0,2}[\w-]+/))", field.strip())
    return [p.strip() for p in parts if p.strip()]


def _named_month_to_ymd(text: str) -> str:
    m = _NAMED_MONTH.match(text)
    month = _MONTHS.index(m["m"].lower()) + 1 if m and m["m"].lower() in _MONTHS else 0
    if not month:
        return text
    year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
    return f"{year:04d}-{month:02d}-{int(m['d']):02d}{text[m.end():]}"


def _csv_dates(dates: pd.Series, options: ParseOptions) -> tuple[pd.Series, list[Note]]:
    """Old locale dates (``1/17/2023 7:33 PM``) as naive wall-clock times, and the assumption made."""
    dates = dates.astype(str)
    named = dates.str.match(_NAMED_MONTH)
    if named.any():  # 17-Jan-23 -> 2023-01-17 (year first: no date order to guess)
        dates = dates.where(~named, dates[named].map(_named_month_to_ymd))
    parts = dates.str.extract(_LOCALE_DATE)
    found = parts["a"].notna()
    out = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    if not found.any():
        return out, []
    p = parts[found]
    a, b, c = (pd.to_numeric(p[k]).astype(int) for k in ("a", "b", "c"))
    warnings: list[Note] = []
    ymd = p["a"].str.len() == 4
    if ymd.all():
        year, month, day = a, b, c
    else:
        if options.dayfirst is not None:
            dayfirst = options.dayfirst
        elif (a[~ymd] > 12).any() and not (b[~ymd] > 12).any():
            dayfirst = True
        elif (b[~ymd] > 12).any() and not (a[~ymd] > 12).any():
            dayfirst = False
        else:
            dayfirst = False
            warnings.append(note("parse.discord_csv_monthfirst"))
        day = (a if dayfirst else b).where(~ymd, c)
        month = (b if dayfirst else a).where(~ymd, b)
        year = c.where(~ymd, a)
        year = year.where(year >= 100, year + 2000)
    hour = pd.to_numeric(p["h"]).astype(int)
    marker = p["ap1"].fillna(p["ap2"]).fillna("").str.lower().str.replace(" ", "")
    twelve = marker != ""
    hour = hour.where(~twelve, hour % 12 + np.where(marker.isin(_PM), 12, 0))
    stamps = pd.to_datetime(pd.DataFrame({
        "year": year, "month": month, "day": day, "hour": hour,
        "minute": pd.to_numeric(p["mi"]).astype(int),
        "second": pd.to_numeric(p["s"].fillna("0")).astype(int),
    }), errors="coerce")
    out[found] = to_ns(stamps)
    warnings.append(note("parse.discord_csv_local_time"))
    return out, warnings


# -- engagement ---------------------------------------------------------------------------

def discord_engagement(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Reactions and attachments per message of a DCE export (JSON or CSV).

    The canonical table has no column for them, so this reads the file again.

    Returns:
        One row per message the parser keeps, in file order, columns ``msg_id`` (as in the
        parsed table: the Discord id for JSON, ``L<line>`` for CSV), ``reactions`` (the sum
        of all reaction counts on the message) and ``attachments`` (number of attached files).

    Raises:
        UnknownFormatError: the file is neither DCE JSON nor DCE CSV.
    """
    from analysis.errors import UnknownFormatError

    source = Source.open(path)
    if sniff_json(source):
        ids, reactions, files = [], [], []
        stream = JsonStream(source.iter_text(), name=source.name)
        for key in stream.keys():
            if key != "messages":
                stream.skip()
                continue
            for line, msg in stream.objects():
                if not isinstance(msg, dict) or not msg.get("timestamp"):
                    continue
                ids.append(str(msg.get("id") or f"L{line}"))
                reactions.append(sum(int(r.get("count") or 0) for r in (msg.get("reactions") or [])
                                     if isinstance(r, dict)))
                files.append(len(msg.get("attachments") or []))
        return pd.DataFrame({"msg_id": pd.array(ids, dtype=STRING),
                             "reactions": np.array(reactions, dtype=np.int64),
                             "attachments": np.array(files, dtype=np.int64)})
    if sniff_csv(source):
        rows, _bad, _total, _old = _csv_rows(source)
        lines = [ln for ln, _ in rows]
        att = pd.Series([r[4] for _, r in rows], dtype=object)
        rea = pd.Series([r[5] for _, r in rows], dtype=object)
        counts = rea.str.findall(r"\((\d+)\)(?=,|$)").map(lambda found: sum(int(x) for x in found))
        files = att.map(lambda cell: len(_split_urls(cell)))
        return pd.DataFrame({"msg_id": pd.array([f"L{ln}" for ln in lines], dtype=STRING),
                             "reactions": counts.to_numpy(dtype=np.int64),
                             "attachments": files.to_numpy(dtype=np.int64)})
    raise UnknownFormatError("not a DiscordChatExporter JSON or CSV export", path=source.name,
                             hint="export the channel with DiscordChatExporter as JSON or CSV")


FORMATS = (
    LogFormat(
        name="discord-json",
        platform="discord",
        title="DiscordChatExporter JSON",
        how_to_export="DiscordChatExporter (GUI or CLI) → pick the channel → Export format: JSON",
        sniff=sniff_json,
        parse=parse_json,
        streams=True,
        extensions=(".json",),
    ),
    LogFormat(
        name="discord-csv",
        platform="discord",
        title="DiscordChatExporter CSV",
        how_to_export="DiscordChatExporter (GUI or CLI) → pick the channel → Export format: CSV "
                      "(JSON keeps more: message ids, replies, joins, bots)",
        sniff=sniff_csv,
        parse=parse_csv,
        extensions=(".csv",),
    ),
)
