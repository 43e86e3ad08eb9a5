"""Telegram Desktop "Export chat history" JSON (``result.json``), FORMATS.md §3.

Written the way ``export_output_json.cpp`` does it: one space of indent per level, ``": "``,
keys left out when empty, ``text`` a string when it is one plain part and otherwise an array
of strings and ``{"type", "text"}`` parts, ``text_entities`` always objects, and
``SerializeString``'s escapes (``\\xNN`` for control characters, which is not valid JSON;
``\\u2028``/``\\u2029``; everything else raw UTF-8). Layouts, picked with ``rng``:

* ``single``: one chat (``{"name", "type", "id", "messages"}``);
* ``full``: "Export Telegram data" (``about``, ``personal_information``, ``chats.list``
  with a personal chat the reader skips, ``left_chats``);
* ``old``: an export from before ``date_unixtime`` (about 2021): ``date`` only, the
  exporting computer's wall-clock time, and a numeric ``from_id``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
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

FORMAT = "telegram-json"
ENCODINGS = ("utf-8", "utf-8-sig")
"""Telegram Desktop writes UTF-8 without a BOM; a BOM is what an editor adds on saving again."""

ZONES = (None, "UTC", "Asia/Shanghai", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata")
"""``--tz`` given to the reader (None: UTC, with a warning)."""
MACHINE_ZONES = ("Asia/Shanghai", "Europe/Moscow", "America/Los_Angeles", "UTC", "Asia/Tehran")
"""The exporting computer's zone (the ``date`` string)."""
PART_TYPES = ("bold", "italic", "code", "underline", "strikethrough", "spoiler", "hashtag", "mention",
              "bot_command", "email", "phone", "cashtag", "link", "pre", "blockquote", "unknown")
"""Entity types whose part shows its text as is (``text_link`` adds its hidden target)."""


def messages() -> st.SearchStrategy[list[Message]]:
    # JSON holds any text and any non-empty name (an empty name is written as null, which
    # reads as "Deleted Account"; names_strategy gives non-empty names only).
    return message_lists(names_strategy(lambda name: True), bodies_strategy(lines_strategy()))


class Raw(str):
    """Already serialised JSON."""


def tg_string(value: str) -> str:
    """``SerializeString``: \\n \\r \\t \\" \\\\ escaped, other bytes below 0x20 as ``\\xNN``,
    U+2028/U+2029 as ``\\u2028``/``\\u2029``, everything else as is."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '\n\r\t"\\':
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}[ch])
        elif code < 0x20:
            out.append(f"\\x{code:02X}")
        elif ch in "\u2028\u2029":
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def serialize(value, depth: int = 0) -> str:
    """``SerializeObject``/``SerializeArray``: items on their own lines, ``depth + 1`` spaces in."""
    if isinstance(value, Raw):
        return value
    if isinstance(value, str):
        return tg_string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    pad, inner = " " * depth, "\n" + " " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{inner}{tg_string(k)}: {serialize(v, depth + 1)}" for k, v in value.items()]
        return "{" + ",".join(items) + "\n" + pad + "}"
    items = [f"{inner}{serialize(v, depth + 1)}" for v in value]
    return "[" + ",".join(items) + "\n" + pad + "]"


def _parts(text: str, rng: random.Random) -> list[tuple[str, str]]:
    """``text`` cut into 1-3 non-empty parts, each plain or an entity type."""
    if not text:
        return []
    cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 2))))
    bounds = [0, *cuts, len(text)]
    return [("plain" if rng.random() < 0.5 else rng.choice(PART_TYPES), text[a:b])
            for a, b in zip(bounds, bounds[1:], strict=False)]


def _entity(kind: str, text: str) -> dict:
    obj = {"type": kind, "text": text}
    if kind == "pre":
        obj["language"] = ""
    elif kind == "blockquote":
        obj["collapsed"] = False
    return obj


def _text_fields(text: str, rng: random.Random, entities: bool) -> dict:
    parts = _parts(text, rng)
    if not parts:
        value: object = ""
    elif len(parts) == 1 and parts[0][0] == "plain":
        value = parts[0][1]
    else:
        value = [t if k == "plain" else _entity(k, t) for k, t in parts]
    fields = {"text": value}
    if entities:
        fields["text_entities"] = [_entity(k, t) for k, t in parts] if parts else Raw("[]")
    return fields


def _wall(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def render(messages: list[Message], rng: random.Random) -> Rendered:
    layout = rng.choice(("single", "full", "old"))
    tz = rng.choice(ZONES)
    machine = rng.choice(MACHINE_ZONES)
    ids: dict[str, int] = {}
    for m in messages:
        ids.setdefault(m.sender, rng.randrange(10_000, 8_000_000_000))
    channel = {name for name in ids if rng.random() < 0.1}  # anonymous admins post as the group
    rows = sorted(((m, m.timestamp.replace(tzinfo=UTC)) for m in messages), key=lambda r: r[1])
    out = []
    expected = []
    msg_id = rng.randrange(1, 50_000)
    for m, instant in rows:
        msg_id += rng.randint(1, 3)
        local = _wall(instant, machine)
        msg: dict = {"id": msg_id, "type": "message", "date": local.isoformat()}
        if layout == "old":
            sender_id = str(ids[m.sender])
            msg.update({"from": m.sender, "from_id": ids[m.sender]})
            msg.update(_text_fields(m.text, rng, entities=False))
            expected.append(Message(local, m.sender, m.text, sender_id, str(msg_id)))
        else:
            sender_id = f"{'channel' if m.sender in channel else 'user'}{ids[m.sender]}"
            msg["date_unixtime"] = str(int(instant.timestamp()))
            if rng.random() < 0.1:
                edited = instant.timestamp() + rng.randint(5, 600)
                msg["edited"] = _wall(datetime.fromtimestamp(edited, UTC), machine).isoformat()
                msg["edited_unixtime"] = str(int(edited))
            msg.update({"from": m.sender, "from_id": sender_id})
            msg.update(_text_fields(m.text, rng, entities=True))
            expected.append(Message(_wall(instant, tz or "UTC"), m.sender, m.text, sender_id, str(msg_id)))
        out.append(msg)
    group = {"name": "深圳跑步俱乐部 🏃 SZ Runners", "type": rng.choice(("private_supergroup", "public_supergroup",
                                                                   "private_group")),
             "id": 1700000001, "messages": out}
    if layout == "full":
        personal = {"name": "Ana García", "type": "personal_chat", "id": 4242,
                    "messages": [{"id": 1, "type": "message", "date": "2021-03-01T10:00:00",
                                  "date_unixtime": "1614592800", "from": "Ana García", "from_id": "user4242",
                                  "text": "hola", "text_entities": [{"type": "plain", "text": "hola"}]}]}
        chats = [personal, group] if rng.random() < 0.5 else [group, personal]
        doc = {"about": "Here is the data you requested. Remember: Telegram is ad free, it doesn't use "
                        "your data for ad targeting and doesn't sell it to others.",
               "personal_information": {"user_id": 10001, "first_name": "Lin", "last_name": "",
                                        "phone_number": "+86 000 0000 0000", "bio": ""},
               "contacts": {"about": "This is your contact list.", "list": Raw("[]")},
               "chats": {"about": "This page lists all chats from this export.", "list": chats},
               "left_chats": {"about": "This page lists all supergroups and channels from this export "
                                       "that you've left.", "list": Raw("[]")}}
        filename = "DataExport_2024-03-20/result.json"
    else:
        doc = group
        filename = "ChatExport_2024-03-20/result.json"
    options = {} if tz is None else {"tz": tz}
    return Rendered(serialize(doc) + "\n", None, expected, options, filename=filename)
