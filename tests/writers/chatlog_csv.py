"""sjzar/chatlog CSV output (``GET /api/v1/chatlog?format=csv``), FORMATS.md §2c.

Go's ``encoding/csv`` writer (``\\n`` line ends; a cell is quoted when it holds ``"``, ``,``,
a line break or starts with a space) with ``Message.CSV``: ``Time,SenderName,Sender,
TalkerName,Talker,Content``; later versions put ``MessageID`` (the message's ``seq``) first.
Time is the server's wall-clock ``2006-01-02 15:04:05``; Sender is the wxid, also for the
exporting user. Without a MessageID column a reader names records ``L<line>`` after the
physical line where the row starts.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

from tests.writers.chatlog_txt import (
    TALKER,
    TALKER_NAME,
    WXIDS,
    is_placeholder,
    one_name_per_id,
    pick_nameless,
    wechat_names,
)
from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    has_text,
    lines_strategy,
    message_lists,
)

FORMAT = "chatlog-csv"
ENCODINGS = ("utf-8", "utf-8-sig")
"""The server answers in UTF-8; a spreadsheet re-saving the download adds a BOM."""

HEADER = ["Time", "SenderName", "Sender", "TalkerName", "Talker", "Content"]

_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                      "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""Go's ``unicode.IsSpace``: a cell starting with one of these is quoted."""


def go_csv_cell(cell: str) -> str:
    """One cell as Go's ``csv.Writer`` (``UseCRLF`` false) writes it."""
    if cell == "":
        return cell
    if cell == r"\." or any(c in cell for c in '",\r\n') or cell[0] in _GO_SPACE:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _name_ok(name: str) -> bool:
    # Readers trim the SenderName cell (WeChat names carry no edge spaces); an empty one
    # means chatlog knows no name (the render draws that case itself).
    return bool(name) and name == name.strip()


def _body_ok(lines: list[str]) -> bool:
    # WeChat sends no blank message; placeholders and 拍一拍 notices are not words.
    body = "\n".join(lines)
    return has_text(body) and not is_placeholder(body)


def messages() -> st.SearchStrategy[list[Message]]:
    return message_lists(wechat_names(_name_ok), bodies_strategy(lines_strategy(), _body_ok), ids=WXIDS)


def render(messages: list[Message], rng: random.Random) -> Rendered:
    with_id = rng.random() < 0.5  # newer chatlog: MessageID (the seq) first
    nameless = pick_nameless(messages, rng)
    rows = [(["MessageID"] if with_id else []) + HEADER]
    expected: list[Message] = []
    line = 2
    for k, m in enumerate(one_name_per_id(messages)):  # chatlog answers in time order
        name = "" if m.sender_id in nameless else m.sender
        seq = str(int(m.timestamp.timestamp()) * 1000 + k)
        cells = [m.timestamp.strftime("%Y-%m-%d %H:%M:%S"), name, m.sender_id, TALKER_NAME, TALKER, m.text]
        rows.append(([seq] if with_id else []) + cells)
        expected.append(Message(m.timestamp, name or m.sender_id, m.text, m.sender_id,
                                seq if with_id else f"L{line}"))
        line += 1 + sum(cell.count("\n") for cell in cells)
    text = "".join(",".join(go_csv_cell(c) for c in row) + "\n" for row in rows)
    return Rendered(text, None, expected, filename=f"{TALKER}_2021-01-01_2024-12-31.csv")
