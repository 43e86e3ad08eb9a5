"""qq-chat-exporter (QCE) single-file JSON, FORMATS.md §1b.

Three generations, picked with ``rng``:

* ``rust``: the current Rust core (``json_templates.rs``): ``metadata``/``chatInfo``/
  ``statistics`` compact on one line each, then one compact message per line inside
  ``"messages":[`` (four-space prefix); ``pretty: false`` writes everything on one line;
* ``ts``: the TypeScript exporter (``JSON.stringify(…, null, 2)``): fully indented;
* ``v4``: V4-era keys (``chatName``, ``messageId``, ``isSystemMessage``, ``rawMessage``
  with ``senderUin``/``sendMemberName``...) with a ``timestamp`` in seconds, in ms as a
  string, as an ISO string in UTC, or as a local time string without an offset.

Times are absolute (ms since the epoch) and read back in ``--tz`` (Asia/Shanghai by
default); a V4 timestamp written without an offset is wall-clock time as written.
"""

from __future__ import annotations

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

FORMAT = "qce-json"
ENCODINGS = ("utf-8", "utf-8-sig")
"""QCE writes UTF-8 without a BOM; a BOM is what an editor adds when the file is saved again."""

EXPORT_TZ = "Asia/Shanghai"
"""The exporting machine's zone (QCE's ``time`` string) and the reader's default ``--tz``."""
ZONES = (None, "Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")
"""``--tz`` values a reader may be given (None: the QQ default, Asia/Shanghai)."""
GROUP = "星河读书会 🌌"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def name_ok(name: str) -> bool:
    # A blank name reads as a missing one: the reader shows the sender's id instead (as QCE
    # itself falls back to the uid when it knows no name).
    return bool(name.strip())


def messages() -> st.SearchStrategy[list[Message]]:
    # JSON holds any text: blank lines, edge whitespace, placeholders ([图片] is only a kind).
    return message_lists(names_strategy(name_ok), bodies_strategy(lines_strategy()))


# -- shared with qce_jsonl ------------------------------------------------------------------

def wall(instant: datetime, zone: str) -> datetime:
    """``instant`` (aware) as naive wall-clock time in ``zone``."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def epoch_ms(instant: datetime) -> int:
    """Milliseconds since the epoch, exactly (no float rounding)."""
    return (instant - EPOCH) // timedelta(milliseconds=1)


def people(messages: list[Message], rng: random.Random) -> dict[str, dict]:
    """One QQ account per display name: ``uid`` (NT ``u_…``), ``uin`` (QQ number, missing
    for about one in ten: QCE then has only the uid) and another nickname."""
    out: dict[str, dict] = {}
    used: set[str] = set()
    for m in messages:
        if m.sender in out:
            continue
        uin = str(rng.randrange(10_000, 4_000_000_000))
        while uin in used:
            uin = str(rng.randrange(10_000, 4_000_000_000))
        used.add(uin)
        uid = "u_" + "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(22))
        out[m.sender] = {"uid": uid, "uin": uin if rng.random() > 0.1 else None,
                         "nickname": rng.choice(("小林", "Lin", "夜猫子", "🍵", "zz"))}
    return out


def ordered(messages: list[Message], rng: random.Random) -> list[tuple[Message, datetime, str]]:
    """The messages in time order (as QCE writes them) with an absolute time (ms precision)
    and a distinct QQ message id."""
    ids = rng.sample(range(7_000_000_000_000_000_000, 7_999_999_999_999_999_999), len(messages))
    stamped = [(m, m.timestamp.replace(tzinfo=UTC) + timedelta(milliseconds=rng.randrange(1000)))
               for m in messages]
    stamped.sort(key=lambda pair: pair[1])
    return [(m, t, str(i)) for (m, t), i in zip(stamped, sorted(ids), strict=True)]


def clean_message(m: Message, instant: datetime, msg_id: str, who: dict, seq: int,
                  rng: random.Random) -> dict:
    """A ``CleanMessage`` as the Rust core and the TS exporter serialise it (field order of
    ``types.rs``; ``None`` options are left out)."""
    sender = {"uid": who["uid"], "uin": who["uin"], "name": m.sender, "nickname": who["nickname"],
              "groupCard": m.sender if rng.random() < 0.5 else None, "remark": None,
              "title": rng.choice((None, "", "书虫"))}
    content = {"text": m.text}
    if rng.random() < 0.7:
        content["html"] = m.text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
    content["elements"] = [{"type": "text", "data": {"text": m.text}}] if m.text else []
    content["resources"] = []
    content["mentions"] = []
    return {
        "id": msg_id, "seq": str(seq),
        "timestamp": epoch_ms(instant),
        "time": wall(instant, EXPORT_TZ).strftime("%Y-%m-%d %H:%M:%S"),
        "sender": {k: v for k, v in sender.items() if v is not None},
        "type": "type_1", "content": content, "recalled": False, "system": False,
    }


def metadata(version: str = "5.4.2") -> dict:
    return {"name": "QQChatExporter", "copyright": "https://github.com/shuakami/qq-chat-exporter",
            "version": version}


def chat_info() -> dict:
    return {"name": GROUP, "type": "group", "selfUid": "u_selfselfselfselfself00", "selfUin": "10001",
            "selfName": "林一", "avatar": "", "participantCount": 42}


def statistics(rows: list[tuple[Message, datetime, str]]) -> dict:
    times = [wall(t, EXPORT_TZ).strftime("%Y-%m-%d %H:%M:%S") for _, t, _ in rows]
    return {"totalMessages": len(rows), "timeRange": {"start": times[0], "end": times[-1]},
            "messageTypes": {"text": len(rows)}, "senders": []}


def compact(value) -> str:
    """serde_json::to_string / JSON.stringify without indent: UTF-8 as is, controls as \\u00XX."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def expected(m: Message, instant: datetime, msg_id: str, who: dict, tz: str | None) -> Message:
    return Message(wall(instant, tz or EXPORT_TZ), m.sender, m.text, who["uin"] or who["uid"], msg_id)


# -- single file ------------------------------------------------------------------------------

def _v4_message(m: Message, instant: datetime, msg_id: str, who: dict, form: str,
                rng: random.Random) -> tuple[dict, datetime | None]:
    """A V4-era message and, when its time is not absolute, the wall-clock time it shows."""
    naive = None
    if form == "seconds":
        stamp: object = epoch_ms(instant) // 1000
    elif form == "ms_string":
        stamp = str(epoch_ms(instant))
    elif form == "iso_utc":  # JavaScript's toISOString()
        stamp = instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"
    else:  # a local time string without an offset: wall-clock time as written
        naive = wall(instant, EXPORT_TZ).replace(microsecond=0)
        stamp = naive.strftime("%Y-%m-%d %H:%M:%S")
    card = m.sender if rng.random() < 0.6 else ""  # no group card: the name is only in sender.name
    raw = {"senderUin": who["uin"], "senderUid": who["uid"], "sendNickName": who["nickname"],
           "sendMemberName": card,
           "elements": [{"elementType": 1, "textElement": {"content": m.text, "atType": 0}}],
           "subMsgType": 1}
    msg = {"messageId": msg_id, "timestamp": stamp,
           "sender": {k: v for k, v in {"uid": who["uid"], "uin": who["uin"], "name": m.sender}.items()
                      if v is not None},
           "messageType": 1, "isSystemMessage": False, "isRecalled": False,
           "content": {"text": m.text, "resources": [], "emojis": []},
           "rawMessage": {k: v for k, v in raw.items() if v is not None}}
    return msg, naive


def render(messages: list[Message], rng: random.Random) -> Rendered:
    layout = rng.choice(("rust", "rust_compact", "ts", "v4"))
    tz = rng.choice(ZONES)
    who = people(messages, rng)
    rows = ordered(messages, rng)
    options = {} if tz is None else {"tz": tz}
    expected_rows: list[Message] = []
    if layout == "v4":
        form = rng.choice(("seconds", "ms_string", "iso_utc", "local"))
        out_msgs = []
        for m, instant, msg_id in rows:
            if form == "seconds":
                instant = instant.replace(microsecond=0)
            msg, naive = _v4_message(m, instant, msg_id, who[m.sender], form, rng)
            out_msgs.append(msg)
            exp = expected(m, instant, msg_id, who[m.sender], tz)
            if naive is not None:
                exp = Message(naive, exp.sender, exp.text, exp.sender_id, exp.msg_id)
            expected_rows.append(exp)
        doc = {"metadata": {"name": "QQChatExporter V4", "version": "4.2.0",
                            "exportTime": "2024-03-18 10:00:00"},
               "chatName": GROUP, "messages": out_msgs}
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        return Rendered(text, None, expected_rows, options, filename="group_oldkeys.json")
    out_msgs = [clean_message(m, instant, msg_id, who[m.sender], 1000 + i, rng)
                for i, (m, instant, msg_id) in enumerate(rows)]
    expected_rows = [expected(m, instant, msg_id, who[m.sender], tz) for m, instant, msg_id in rows]
    export_options = {"includedFields": ["id", "timestamp", "sender", "content"],
                      "filters": {}, "options": {"prettyFormat": layout != "rust_compact"}}
    if layout == "ts":
        doc = {"metadata": metadata("4.9.1"), "chatInfo": chat_info(), "statistics": statistics(rows),
               "messages": out_msgs, "exportOptions": export_options}
        text = json.dumps(doc, ensure_ascii=False, indent=2)
    else:
        pretty = layout == "rust"
        nl, i1 = ("\n", "  ") if pretty else ("", "")
        head = (f"{{{nl}{i1}\"metadata\":{compact(metadata())},{nl}{i1}\"chatInfo\":{compact(chat_info())},"
                f"{nl}{i1}\"statistics\":{compact(statistics(rows))},{nl}{i1}\"messages\":[{nl}")
        body = f",{nl}".join(f"{i1}{i1}{compact(msg)}" for msg in out_msgs)
        tail = f"{nl}{i1}]"
        if rng.random() < 0.7:
            tail += f",{nl}{i1}\"exportOptions\":{compact(export_options)}"
        text = head + body + tail + f"{nl}}}{nl}"
    stamp = rows[0][1].strftime("%Y%m%d_%H%M%S")
    return Rendered(text, None, expected_rows, options, filename=f"group_900000001_{stamp}.json")
