"""PyWxDump chat export JSON (xaoyaoo/PyWxDump and forks), FORMATS.md §2b.

``export/<room>/<room>_0_<n>.json``: ``json.dump(data, ensure_ascii=False, indent=4)`` of the
message dicts, written on Windows (text mode: ``\\r\\n`` line ends):

* 2024-04 onwards: ``{id, MsgSvrID, type_name, is_sender, talker, room_name, msg, src,
  extra, CreateTime}`` (forks add ``Sequence``/``MsgSequence``), with ``users.json`` next to it.
* early 2024 (v2.x, ``ParsingMSG.msg_detail``): ``{MsgSvrID, type_name, is_sender, talker,
  room_name, content: {src, msg}, CreateTime, id}``, no ``users.json``.

See :mod:`tests.writers.pywxdump_csv` for names, ids and the exporting user.
"""

from __future__ import annotations

import json
import random

from hypothesis import strategies as st

from tests.writers.common import Message, Rendered
from tests.writers.pywxdump_csv import ROOM, page, users_json
from tests.writers.pywxdump_csv import messages as csv_messages

FORMAT = "pywxdump-json"
ENCODINGS = ("utf-8", "utf-8-sig")
"""PyWxDump writes UTF-8; an editor re-saving the file may add a BOM."""

_OLD_ORDER = ("MsgSvrID", "type_name", "is_sender", "talker", "room_name", "content", "CreateTime", "id")


def messages() -> st.SearchStrategy[list[Message]]:
    # The same records as the CSV pages: any non-blank text; type_name decides the kind.
    return csv_messages()


def render(messages: list[Message], rng: random.Random) -> Rendered:
    old = rng.random() < 0.3
    pg = page(messages, rng, old=old)
    rows = pg.rows
    if old:
        rows = [{k: r[k] for k in _OLD_ORDER} for r in rows]
    elif rng.random() < 0.5:  # forks add the sequence numbers
        rows = [{**r, "Sequence": r["id"] * 1000, "MsgSequence": 700000 + r["id"]} for r in rows]
    eol = rng.choice(["\r\n", "\n"])  # Windows text mode, or a copy converted on another system
    text = json.dumps(rows, ensure_ascii=False, indent=4).replace("\n", eol)
    # Without users.json the page was copied on its own (a test folder may still hold the
    # users.json of an earlier page: never next to this one).
    folder = f"export/{ROOM}" if pg.users is not None else "copied"
    sidecars = {f"{folder}/users.json": users_json(pg.users)} if pg.users is not None else {}
    return Rendered(text, None, pg.expected, filename=f"{folder}/{ROOM}_0_{len(messages) + 1}.json",
                    sidecars=sidecars)
