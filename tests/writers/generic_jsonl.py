"""Our own canonical JSONL (``community-audit parse -f jsonl``), read back by generic-jsonl.

One JSON object per line with the canonical columns; times as ISO 8601 with seconds.
"""

from __future__ import annotations

import json
import random

from hypothesis import strategies as st

from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    lines_strategy,
    message_lists,
    names_strategy,
)

FORMAT = "generic-jsonl"
ENCODINGS = ("utf-8", "utf-8-sig")
"""We write UTF-8 only; a BOM is what a spreadsheet or editor may add."""


def messages() -> st.SearchStrategy[list[Message]]:
    # JSON holds any text; a body's blank lines and edge whitespace survive.
    return message_lists(names_strategy(lambda n: bool(n.strip())), bodies_strategy(lines_strategy()),
                         ids=st.from_regex(r"\A[0-9]{5,10}\Z"))


def render(messages: list[Message], rng: random.Random) -> Rendered:
    eol = rng.choice(["\n", "\r\n"])
    out: list[str] = []
    expected: list[Message] = []
    for i, m in enumerate(messages):
        msg_id = f"m{i:05d}"
        record = {"msg_id": msg_id, "timestamp": m.timestamp.isoformat(timespec="seconds"),
                  "sender_id": m.sender_id, "sender": m.sender, "kind": "text", "text": m.text,
                  "reply_to": None, "actor_id": None, "line": None}
        out.append(json.dumps(record, ensure_ascii=rng.random() < 0.5))
        expected.append(Message(m.timestamp, m.sender, m.text, m.sender_id, msg_id))
    return Rendered(eol.join(out) + eol, None, expected, filename="export.jsonl")
