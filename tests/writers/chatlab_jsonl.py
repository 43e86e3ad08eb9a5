"""ChatLab standard JSONL (spec v0.0.2, "JSONL 流式格式"), as WeFlow and other tools write it.

Line 1 ``{"_type": "header", "chatlab": {...}, "meta": {...}}``, then ``{"_type": "member", ...}``
lines, then one ``{"_type": "message", ...}`` line per message (the fields of
:mod:`tests.writers.chatlab_json`). WeFlow writes ``JSON.stringify`` lines joined with ``\\n``
and no final line break; the spec allows ``#`` comment lines (and readers skip blank ones).
A message without ``platformMessageId`` is named ``L<its line>``.
"""

from __future__ import annotations

import json
import random

from hypothesis import strategies as st

from tests.writers.chatlab_json import build
from tests.writers.chatlab_json import messages as chatlab_messages
from tests.writers.common import Message, Rendered

FORMAT = "chatlab-jsonl"
ENCODINGS = ("utf-8", "utf-8-sig")
"""UTF-8 (WeFlow: ``fs.writeFile(..., 'utf-8')``); a BOM is what an editor or a Windows
converter may add (it sends the file to the line-by-line reader)."""


def messages() -> st.SearchStrategy[list[Message]]:
    # The same messages as ChatLab JSON: each record is one JSON line, which holds any text.
    return chatlab_messages()


def render(messages: list[Message], rng: random.Random) -> Rendered:
    header, members, records, expected, _ = build(messages, rng)
    js_style = rng.random() < 0.6  # JSON.stringify (WeFlow, the spec) or Python's json.dumps

    def dump(obj: dict) -> str:
        return json.dumps(obj, ensure_ascii=not js_style and rng.random() < 0.3,
                          separators=(",", ":") if js_style else None)

    out = [dump({"_type": "header", **header})]
    comment = rng.random()
    if comment < 0.05:
        out.insert(0, "# ChatLab JSONL, 测试")  # a comment line (spec: skipped), even before the header
    elif comment < 0.2:
        out.append("# exported for the audit, 测试")
    out += [dump({"_type": "member", **m}) for m in members]
    named: list[Message] = []
    for rec, m in zip(records, expected, strict=True):
        if rng.random() < 0.05:
            out.append("")  # a blank line (readers skip it)
        out.append(dump({"_type": "message", **rec}))
        named.append(m if m.msg_id else Message(m.timestamp, m.sender, m.text, m.sender_id, f"L{len(out)}"))
    eol = "\n" if rng.random() < 0.8 else "\r\n"
    final = "" if js_style and rng.random() < 0.7 else eol  # WeFlow: lines.join('\n')
    return Rendered(eol.join(out) + final, None, named, filename="export.jsonl")
