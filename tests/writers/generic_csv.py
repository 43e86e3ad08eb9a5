"""Our own canonical CSV (``community-audit parse -o messages.csv``), read back by generic-csv.

Written by the CLI's own writer (:func:`cli.output.csv_text`): a header row with the canonical
columns, ``\\n`` line endings, ISO 8601 times (with microseconds only where a time has them),
spreadsheet-dangerous cells (``= + - @``, tab, CR at the start) prefixed with ``'``; a BOM when
the CLI writes a ``.csv`` file, none on stdout. The ``line`` column keeps the line in the
ORIGINAL export (empty for sources without lines), so records are matched by ``msg_id``.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pandas as pd
from hypothesis import strategies as st

from analysis.schema import build_messages
from cli.output import csv_text
from tests.writers.common import (
    BASE,
    Message,
    Rendered,
    bodies_strategy,
    lines_strategy,
    names_strategy,
)

FORMAT = "generic-csv"
ENCODINGS = ("utf-8", "utf-8-sig")
"""UTF-8; the CLI adds a BOM when it writes a ``.csv`` file (Excel then shows Chinese)."""

SENDER_IDS = st.one_of(
    st.from_regex(r"\A[1-9][0-9]{4,10}\Z"),  # QQ number
    st.from_regex(r"\Awxid_[a-z0-9]{10,14}\Z"),  # wxid
    st.from_regex(r"\A\+[1-9][0-9]{7,12}\Z"),  # WhatsApp phone: starts with "+", neutralised
    st.from_regex(r"\AU[0-9A-Z]{8,10}\Z"),  # Slack user id
    names_strategy(lambda n: True),  # the display name, for exports without ids (LINE, MemoTrace TXT)
)
"""``sender_id`` values the parsers put in the canonical table."""


def messages() -> st.SearchStrategy[list[Message]]:
    # A CSV cell holds any text (quoted when it has commas, quotes or line breaks; a leading
    # formula character is protected with ' and unprotected on reading), so nothing is
    # filtered: blank lines, edge whitespace, blank names, "=SUM(1)" bodies all survive.
    one = st.builds(
        lambda s, us, name, body, sid: Message(BASE + timedelta(seconds=s, microseconds=us), name, body, sid),
        st.integers(0, 10 ** 8),
        st.one_of(st.just(0), st.just(0), st.integers(0, 999_999)),  # Slack/Telegram times carry µs
        st.one_of(names_strategy(lambda n: True), st.sampled_from(["=cmd|' /C calc'!A0", "@here", "-1", "+1 Bot"])),
        bodies_strategy(st.one_of(lines_strategy(), st.sampled_from(["=1+1", "'=quoted", "''@x", "-", "+86 138"]))),
        SENDER_IDS)
    return st.lists(one, min_size=1, max_size=10)


def render(messages: list[Message], rng: random.Random) -> Rendered:
    source_lines = rng.random() < 0.8  # the original export had lines (TXT, JSON) or not (Slack)
    # msg_id as the parsers make it: L<line> (exports without ids), the export's number, a Slack ts.
    ids_style = rng.choice(["line", "number", "slack"] if source_lines else ["number", "slack"])
    line = 1
    rows: dict[str, list] = {k: [] for k in ("msg_id", "timestamp", "sender_id", "sender", "kind", "text",
                                              "reply_to", "actor_id", "line")}
    expected: list[Message] = []
    for i, m in enumerate(messages):
        line += rng.randrange(1, 5) + m.text.count("\n")
        msg_id = {"line": f"L{line}", "number": str(700000 + 3 * i), "slack": f"{1700000000 + i}.{i:06d}"}[ids_style]
        rows["msg_id"].append(msg_id)
        rows["timestamp"].append(pd.Timestamp(m.timestamp))
        rows["sender_id"].append(m.sender_id)
        rows["sender"].append(m.sender)
        rows["kind"].append("text")
        rows["text"].append(m.text)
        rows["reply_to"].append(rows["msg_id"][rng.randrange(i)] if i and rng.random() < 0.2 else None)
        rows["actor_id"].append(None)
        rows["line"].append(line if source_lines else None)
        expected.append(Message(m.timestamp, m.sender, m.text, m.sender_id, msg_id))
    frame = build_messages(rows)  # sorted by (timestamp, line), as the parse command writes it
    return Rendered(csv_text(frame), None, expected, filename="messages.csv")
