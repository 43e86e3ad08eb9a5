"""A QQ TXT writer for round-trip tests: renders canonical messages the way QQ lays them out.

Record structure uses the file's break (CRLF in real exports); breaks inside a body are lone
LF or lone CR (as QQ writes them), or CRLF where the next line cannot be mistaken for a
header. The writer returns the line number where each record's header lands.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
RULE = "=" * 64
HEADER_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}")


@dataclass(frozen=True)
class Msg:
    timestamp: object  # datetime
    uin: str
    name: str
    text: str


def _clock(ts, style: int) -> str:
    if style == 2:  # 12-hour, as Windows writes it in en-US locales
        hour = ts.hour % 12 or 12
        return f"{hour}:{ts.minute:02d}:{ts.second:02d} {'PM' if ts.hour >= 12 else 'AM'}"
    hour = f"{ts.hour:02d}" if style == 1 else f"{ts.hour}"
    return f"{hour}:{ts.minute:02d}:{ts.second:02d}"


def header(msg: Msg, style: int) -> str:
    ts = msg.timestamp
    date = f"{ts.year}-{ts.month:02d}-{ts.day:02d}" if style == 1 else f"{ts.year}-{ts.month}-{ts.day}"
    return f"{date} {_clock(ts, style)} {msg.name}({msg.uin})"


def render(messages: list[Msg], *, structure: str = "\r\n", rng: random.Random | None = None,
           group: str = "测试群") -> tuple[str, list[int]]:
    """Render ``messages``; return the text and the 1-based header line of each message."""
    rng = rng or random.Random(0)
    eol = structure
    out: list[str] = [TITLE, eol, eol, RULE, eol, "消息分组:我的QQ群", eol, RULE, eol,
                      f"消息对象:{group}", eol, RULE, eol, eol]
    line = 9
    lines: list[int] = []
    for msg in messages:
        lines.append(line)
        out.append(header(msg, rng.choice((0, 1, 2))))
        out.append(eol)
        body_lines = msg.text.split("\n")
        for i, piece in enumerate(body_lines):
            out.append(piece)
            if i + 1 < len(body_lines):
                out.append(_inner_break(body_lines, i, eol, rng))
        out.append(eol + eol)
        line += 1 + len(body_lines) + 1
    return "".join(out), lines


def _inner_break(body_lines: list[str], i: int, eol: str, rng: random.Random) -> str:
    nxt = body_lines[i + 1]
    choices = ["\n", "\r"] if eol == "\r\n" else [eol]
    if eol == "\r\n" and not HEADER_LIKE.match(nxt):
        choices.append("\r\n")
    if eol == "\n":
        choices.append("\r")
    brk = rng.choice(choices)
    # A lone CR followed by an empty line and then an LF would read as one CRLF.
    if brk == "\r" and nxt == "":
        brk = "\n"
    return brk
