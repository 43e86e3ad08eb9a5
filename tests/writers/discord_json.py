"""DiscordChatExporter (DCE) JSON, FORMATS.md §5 (``JsonMessageWriter.cs``).

``Utf8JsonWriter`` with ``Indented`` (two spaces, the platform's line break) and
``JavaScriptEncoder.UnsafeRelaxedJsonEscaping``: non-ASCII as is except characters outside
the Basic Multilingual Plane (emoji), which it writes as ``\\uD83D\\uDE00`` surrogate pairs,
and controls and unassigned code points as ``\\uXXXX``. Timestamps are ``DateTimeOffset``:
the exporting computer's offset (or UTC with ``--utc``), fraction trimmed, offset always
written. Messages carry their snowflake id; authors their id, user name and server nickname
(older DCE versions wrote no ``nickname``: the name is then the user name).
"""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    lines_strategy,
    message_lists,
    names_strategy,
)

FORMAT = "discord-json"
ENCODINGS = ("utf-8", "utf-8-sig")
"""DCE writes UTF-8 without a BOM; a BOM is what an editor adds when the file is saved again."""

ZONES = (None, "UTC", "Asia/Shanghai", "Europe/Berlin", "America/Los_Angeles", "Asia/Kathmandu")
"""``--tz`` given to the reader (None: UTC, with a warning)."""
MACHINE_ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Adelaide")
"""The exporting computer's zone (DCE writes local offsets unless ``--utc``)."""
DISCORD_EPOCH_MS = 1_420_070_400_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def messages() -> st.SearchStrategy[list[Message]]:
    # JSON holds any content and any non-empty nickname (names_strategy gives non-empty
    # names only; an empty nickname would fall back to the user name).
    return message_lists(names_strategy(lambda name: True), bodies_strategy(lines_strategy()))


# -- shared with discord_csv ----------------------------------------------------------------

def wall(instant: datetime, zone: str) -> datetime:
    """``instant`` (aware) as naive wall-clock time in ``zone``."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def timeline(messages: list[Message], rng: random.Random) -> list[tuple[Message, datetime]]:
    """The messages in channel order with an absolute time to the millisecond (Discord's)."""
    rows = [(m, m.timestamp.replace(tzinfo=UTC) + timedelta(milliseconds=rng.randrange(1000)))
            for m in messages]
    return sorted(rows, key=lambda r: r[1])


def snowflake(instant: datetime, rng: random.Random, used: set[str]) -> str:
    """A Discord id minted at ``instant`` (distinct from ``used``)."""
    ms = (instant - EPOCH) // timedelta(milliseconds=1)
    while True:
        value = str(((ms - DISCORD_EPOCH_MS) << 22) | rng.randrange(1 << 22))
        if value not in used:
            used.add(value)
            return value


def offset_text(local: datetime) -> str:
    """``+HH:MM`` of an aware datetime (``+00:00`` for UTC, as .NET writes it)."""
    off = local.utcoffset() or timedelta(0)
    sign = "-" if off < timedelta(0) else "+"
    minutes = abs(off) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def exported(instant: datetime, utc: bool, machine: str) -> datetime:
    """``NormalizeDate``: the instant at UTC (``--utc``) or at the exporting computer's offset."""
    return instant.astimezone(UTC if utc else ZoneInfo(machine))


def people(messages: list[Message], rng: random.Random, used: set[str]) -> dict[str, dict]:
    """One Discord account per display name: snowflake id, user name, discriminator."""
    out: dict[str, dict] = {}
    for m in messages:
        if m.sender not in out:
            created = datetime(2017, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(10 ** 8))
            out[m.sender] = {"id": snowflake(created, rng, used),
                             "name": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789_.")
                                             for _ in range(rng.randint(2, 12))),
                             "discriminator": rng.choice(("0000", f"{rng.randrange(1, 10000):04d}"))}
    return out


# -- JSON ---------------------------------------------------------------------------------------

def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"
    short = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
    if ch in short:
        return short[ch]
    if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Zl", "Zp"):
        return f"\\u{code:04X}"
    return ch


def dotnet_string(value: str) -> str:
    return '"' + "".join(_escape_char(ch) for ch in value) + '"'


def dotnet_json(value, eol: str, depth: int = 0) -> str:
    """``Utf8JsonWriter`` with ``Indented``: two spaces a level, ``"key": value``, ``[]`` when empty."""
    if isinstance(value, str):
        return dotnet_string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    inner, pad = eol + "  " * (depth + 1), eol + "  " * depth
    if isinstance(value, dict):
        items = [f"{inner}{dotnet_string(k)}: {dotnet_json(v, eol, depth + 1)}" for k, v in value.items()]
        return "{" + ",".join(items) + pad + "}"
    return "[" + ",".join(f"{inner}{dotnet_json(v, eol, depth + 1)}" for v in value) + pad + "]"


def iso(moment: datetime) -> str:
    """A ``DateTimeOffset`` as ``Utf8JsonWriter`` writes it: fraction trimmed, offset always."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + offset_text(moment)


def render(messages: list[Message], rng: random.Random) -> Rendered:
    tz = rng.choice(ZONES)
    machine = rng.choice(MACHINE_ZONES)
    utc = rng.random() < 0.3
    eol = rng.choice(("\n", "\r\n"))
    old = rng.random() < 0.25  # before nickname, exportedAt and inlineEmojis
    used: set[str] = set()
    who = people(messages, rng, used)
    rows = timeline(messages, rng)
    out, expected = [], []
    ids: list[str] = []
    for m, instant in rows:
        msg_id = snowflake(instant, rng, used)
        person = who[m.sender]
        author = {"id": person["id"], "name": m.sender if old else person["name"],
                  "discriminator": person["discriminator"]}
        if not old:
            author["nickname"] = m.sender
        author.update({"color": None, "isBot": False, "roles": [],
                       "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png"})
        reply = ids and rng.random() < 0.2
        msg = {"id": msg_id, "type": "Reply" if reply else "Default",
               "timestamp": iso(exported(instant, utc, machine)), "timestampEdited": None,
               "callEndedTimestamp": None, "isPinned": rng.random() < 0.05, "content": m.text,
               "author": author, "attachments": [], "embeds": [], "stickers": [], "reactions": [],
               "mentions": []}
        if reply:
            msg["reference"] = {"messageId": rng.choice(ids), "channelId": "900000000000000010",
                                "guildId": "900000000000000001"}
        if not old:
            msg["inlineEmojis"] = []
        out.append(msg)
        ids.append(msg_id)
        expected.append(Message(wall(instant, tz or "UTC"), m.sender, m.text, person["id"], msg_id))
    dm = rng.random() < 0.2
    doc = {"guild": {"id": "0", "name": "Direct Messages", "iconUrl": "https://cdn.discordapp.com/embed/avatars/0.png"}
           if dm else {"id": "900000000000000001", "name": "星火读书会 Spark Readers",
                       "iconUrl": "https://cdn.discordapp.com/icons/900000000000000001/a.png"},
           "channel": {"id": "900000000000000010", "type": "DirectGroupTextChat" if dm else "GuildTextChat",
                       "categoryId": None if dm else "900000000000000002",
                       "category": None if dm else "Text Channels", "name": "读书 general", "topic": None},
           "dateRange": {"after": None, "before": None}}
    if not old:
        doc["exportedAt"] = iso(exported(datetime(2024, 5, 7, 1, 0, tzinfo=UTC), utc, machine))
    doc["messages"] = out
    doc["messageCount"] = len(out)
    name = ("Direct Messages - Group - 读书 general" if dm
            else "星火读书会 Spark Readers - Text Channels - 读书 general") + " [900000000000000010].json"
    options = {} if tz is None else {"tz": tz}
    return Rendered(dotnet_json(doc, eol) + eol, None, expected, options, filename=name)
