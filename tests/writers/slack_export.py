"""Slack workspace export (admin "Export data"), FORMATS.md §6.

An unzipped export folder: ``users.json``, ``channels.json``, ``integration_logs.json`` and
``<channel>/YYYY-MM-DD.json`` day files (a JSON array of messages each, the messages of one
day in order). The rendered file is the channel's first day file; the other day files, the
metadata and (sometimes) a second channel, which the reader is told to leave out with
``--group``, are sidecars. Layouts, picked with ``rng``:

* ``official``: Slack's own writer: four-space indent, ``\\uXXXX`` for non-ASCII and ``\\/``
  for ``/``; messages of 2016 (``type, user, text, ts``: names only in users.json) or of
  today (``client_msg_id``, ``team``, ``user_profile`` with the names, ``blocks``);
* ``slackdump``: slackdump's emulation: two-space indent, UTF-8 as is, ``user_profile``;
* ``dayfile``: one day file handed over on its own (the messages moved onto one UTC day; names
  only from ``user_profile``).

``ts`` (seconds and microseconds, a string) is the message id and the time (read in
``--tz``, UTC by default). ``text`` is mrkdwn: ``&``, ``<`` and ``>`` are written as
``&amp;``, ``&lt;`` and ``&gt;``.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
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

FORMAT = "slack-export"
ENCODINGS = ("utf-8", "utf-8-sig")
"""Slack writes UTF-8 without a BOM; a BOM is what an editor adds when a file is saved again."""

ZONES = (None, "UTC", "Asia/Shanghai", "America/Los_Angeles", "Europe/London", "Asia/Kolkata")
"""``--tz`` given to the reader (None: UTC, with a warning)."""
BUCKET_ZONES = ("America/Los_Angeles", "UTC")
"""The zone day files are cut in (slackdump: Los Angeles; Slack's own: unverified)."""
EXPORT = "Acme Slack export Mar 1 2021 - Mar 20 2024"
TEAM = "T01DEMO42"


def messages() -> st.SearchStrategy[list[Message]]:
    # JSON holds any text (mrkdwn escapes the three characters that would read as markup) and
    # any non-empty name (names_strategy gives non-empty names only; an empty display name
    # falls back to the real name).
    return message_lists(names_strategy(lambda name: True), bodies_strategy(lines_strategy()))


def _wall(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _mrkdwn(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ident(rng: random.Random, prefix: str, used: set[str]) -> str:
    while True:
        value = prefix + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(10))
        if value not in used:
            used.add(value)
            return value


def _users(messages: list[Message], rng: random.Random, used: set[str]) -> dict[str, dict]:
    """One Slack account per display name; the name is the display name or (display name
    left empty, as many people do) the real name."""
    out: dict[str, dict] = {}
    for m in messages:
        if m.sender not in out:
            display = rng.random() < 0.6
            out[m.sender] = {"id": _ident(rng, "U", used), "display_name": m.sender if display else "",
                             "real_name": m.sender if not display else rng.choice(("陈静", "Priya Nair", "")),
                             "name": "".join(rng.choice(string.ascii_lowercase) for _ in range(6))}
    return out


def _profile(user: dict) -> dict:
    return {"avatar_hash": "g0000000000A", "image_72": "https://a.slack-edge.com/avatar.png",
            "first_name": user["real_name"].split(" ")[0], "real_name": user["real_name"],
            "display_name": user["display_name"], "team": TEAM, "name": user["name"],
            "is_restricted": False, "is_ultra_restricted": False}


def _message(text: str, ts: str, user: dict, modern: bool, rng: random.Random) -> dict:
    if not modern:
        return {"type": "message", "user": user["id"], "text": _mrkdwn(text), "ts": ts}
    msg = {"client_msg_id": "-".join("".join(rng.choice("0123456789abcdef") for _ in range(n))
                                     for n in (8, 4, 4, 4, 12)),
           "type": "message", "text": _mrkdwn(text), "user": user["id"], "ts": ts, "team": TEAM,
           "user_team": TEAM, "source_team": TEAM, "user_profile": _profile(user)}
    if text:
        msg["blocks"] = [{"type": "rich_text", "block_id": "b" + ts[-4:], "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}]
    return msg


def _dump(value, style: str) -> str:
    if style == "official":
        return json.dumps(value, indent=4, ensure_ascii=True).replace("/", "\\/")
    return json.dumps(value, indent=2, ensure_ascii=False)


def render(messages: list[Message], rng: random.Random) -> Rendered:
    layout = rng.choice(("official", "slackdump", "dayfile"))
    tz = rng.choice(ZONES)
    used: set[str] = set()
    users = _users(messages, rng, used)
    modern = layout != "official" or rng.random() < 0.5
    instants = [m.timestamp.replace(tzinfo=UTC) + timedelta(microseconds=rng.randrange(10 ** 6))
                for m in messages]
    if layout == "dayfile":  # one day file holds one day: move every message onto the first one's day
        first = min(instants).replace(hour=0, minute=0, second=0, microsecond=0)
        instants = [first + (t - t.replace(hour=0, minute=0, second=0, microsecond=0)) for t in instants]
    bucket = "UTC" if layout == "dayfile" else rng.choice(BUCKET_ZONES)
    days: dict[str, list[tuple[datetime, dict]]] = {}
    expected = []
    seen: set[str] = set()
    for m, instant in zip(messages, instants, strict=True):
        while True:
            seconds = (instant - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
            ts = f"{seconds // 10 ** 6}.{seconds % 10 ** 6:06d}"
            if ts not in seen:
                break
            instant += timedelta(microseconds=1)  # ts is the message id: no two alike
        seen.add(ts)
        user = users[m.sender]
        day = _wall(instant, bucket).date().isoformat()
        days.setdefault(day, []).append((instant, _message(m.text, ts, user, modern, rng)))
        expected.append(Message(_wall(instant, tz or "UTC"), m.sender, m.text, user["id"], ts))
    style = "official" if layout == "official" else "slackdump"
    files = {f"general/{day}.json": _dump([msg for _, msg in sorted(rows, key=lambda r: r[0])], style)
             for day, rows in sorted(days.items())}
    first_file = min(files)
    options: dict = {} if tz is None else {"tz": tz}
    if layout == "dayfile":
        folder = _folder(files)
        return Rendered(files[first_file], None, expected, options, filename=f"{folder}/{first_file}")
    members = [u["id"] for u in users.values()]
    users_json = [{"id": u["id"], "team_id": TEAM, "name": u["name"], "deleted": False,
                   "real_name": u["real_name"], "tz": "Asia/Shanghai", "tz_offset": 28800, "is_bot": False,
                   "profile": {"real_name": u["real_name"], "display_name": u["display_name"],
                               "team": TEAM}} for u in users.values()]
    channels = [{"id": "C01GENERAL", "name": "general", "created": "1614556800", "creator": members[0],
                 "is_archived": False, "is_general": True, "members": members, "pins": [],
                 "topic": {"value": "社区公告 & 每周同步", "creator": members[0], "last_set": "1614556800"},
                 "purpose": {"value": "", "creator": "", "last_set": "0"}}]
    if rng.random() < 0.3:  # another channel: the reader is told which one to read
        channels.append({**channels[0], "id": "C02RANDOM", "name": "random", "is_general": False})
        other = [_message("随便聊聊 🎲", "1614600000.000100", next(iter(users.values())), modern, rng)]
        files["random/2021-03-01.json"] = _dump(other, style)
        options["extra"] = {"channel": "general"}
    files["users.json"] = _dump(users_json, style)
    files["channels.json"] = _dump(channels, style)
    files["integration_logs.json"] = "[]"
    folder = _folder(files)
    sidecars = {f"{folder}/{name}": text for name, text in files.items() if name != first_file}
    return Rendered(files[first_file], None, expected, options, filename=f"{folder}/{first_file}",
                    sidecars=sidecars, entry=folder)


def _folder(files: dict[str, str]) -> str:
    """The export folder, named after its content: the round-trip test writes every example
    into the same directory, so a fixed name would mix in day files of earlier examples."""
    digest = hashlib.sha1("\0".join(f"{k}\0{v}" for k, v in sorted(files.items())).encode("utf-8",
                                                                                           "surrogatepass"))
    return f"{EXPORT} {digest.hexdigest()[:8]}"
