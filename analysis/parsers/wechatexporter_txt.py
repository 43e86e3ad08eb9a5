"""BlueMatthew/WechatExporter TXT export (iOS backup -> TXT), FORMATS.md §2d.

Layout (templates ``res/templates_txt``, zh-Hans placeholders)::

    晨读打卡群 - 微信聊天记录
                                              <- blank
    林夕 (2024-09-02 06:02:10):打卡第 1 天     <- NAME (TIME):MESSAGE, one line per message
    明天继续                                    <- a multi-line message goes on on raw lines
    "晨读领读人"邀请"阿青"加入了群聊            <- a system notice: the bare text, no name, no time

Records start at a header line. A non-header line that is a recognised WeChat system
notice (join, leave, recall, red-packet receipt, 拍一拍, rename) or that starts with
``系统消息：`` / ``System Message:`` is a notice of its own: it has no time in this format,
so it takes the time of the message before it (a warning says how many). Any other
non-header line belongs to the message above. Identity is the display name (the export
has no wxid). Link cards are written as ``title - app name``, which cannot be told from
text: they stay ``text``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import note
from analysis.parsers._common import to_ns
from analysis.parsers._wechat import (
    apply_system_events,
    arrow_replace,
    body_kinds,
    from_arrow,
    looks_like_system_text,
    name_only_warning,
)
from analysis.schema import (
    KIND,
    LINE,
    MSG_ID,
    SENDER,
    SENDER_ID,
    STRING,
    TEXT,
    TIMESTAMP,
    Chat,
    UnparsedLine,
    build_messages,
    empty_messages,
)
from analysis.source import LINE_BREAK, Source, split_lines

TITLE_SUFFIX = " - 微信聊天记录"
HEADER = re.compile(r"^(?P<name>.+?) \((?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\):(?P<msg>.*)$")
"""``NAME (YYYY-MM-DD HH:MM:SS):MESSAGE``."""
_SYSTEM_PREFIX = re.compile(r"^(?:系统消息[：:]|System Message[：:])\s*")


def sniff(source: Source) -> bool:
    """WechatExporter TXT: the ``<name> - 微信聊天记录`` title line, or (title lost) a first
    line and at least one more line that are ``NAME (TIME):`` headers."""
    lines = [line for line in LINE_BREAK.split(source.head().lstrip("\ufeff")[:16384])[:200]
             if line.strip()]
    if not lines:
        return False
    if lines[0].endswith(TITLE_SUFFIX):
        return True
    return bool(HEADER.match(lines[0])) and sum(1 for line in lines if HEADER.match(line)) >= 2


def parse(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a WechatExporter TXT file into one Chat."""
    text = source.text()
    if text.startswith("\ufeff"):
        text = text[1:]
    raw_lines = split_lines(text)
    n_lines = len(raw_lines)
    group = ""
    start = 0
    if n_lines and raw_lines[0].endswith(TITLE_SUFFIX):
        group = raw_lines[0][: -len(TITLE_SUFFIX)]
        start = 1
    arr = pa.array(raw_lines[start:], pa.string())
    numbers = np.arange(start + 1, n_lines + 1)

    parts = pc.extract_regex(arr, HEADER.pattern)
    is_header = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    stripped = pc.utf8_trim_whitespace(arr)
    prefixed = pc.match_substring_regex(arr, _SYSTEM_PREFIX.pattern).to_numpy(zero_copy_only=False)
    notice = ~is_header & (prefixed | looks_like_system_text(from_arrow(stripped)).to_numpy(bool))
    starts = is_header | notice
    record = np.cumsum(starts) - 1  # -1: lines before the first record

    unparsed = [UnparsedLine(int(numbers[i]), raw_lines[start + i])
                for i in np.flatnonzero(record < 0) if raw_lines[start + i].strip()]
    first = np.flatnonzero(starts)
    if not len(first):
        return [Chat(messages=empty_messages(), group=group, platform="wechat", unparsed=unparsed,
                     lines_total=n_lines)]

    # Body of each record: its first line's message (or the notice text), then the
    # continuation lines (cut from the text joined with \n), trailing blank lines dropped.
    notice_text = pc.replace_substring_regex(stripped, _SYSTEM_PREFIX.pattern, "")
    head = pc.if_else(pa.array(is_header), parts.field("msg"), notice_text)
    head = np.asarray(head.take(pa.array(first)).to_pylist(), dtype=object)
    joined = "\n".join(raw_lines[start:]) + "\n"
    lengths = pc.utf8_length(arr).to_numpy(zero_copy_only=False).astype(np.int64) + 1
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    cont_start = offsets[first + 1]
    cont_end = np.append(offsets[first[1:]], offsets[-1]) - 1
    conts = [joined[a:b] for a, b in zip(cont_start, cont_end, strict=True)]
    has_cont = cont_end > cont_start
    texts = pd.Series(np.where(has_cont, head + "\n" + np.array(conts, dtype=object), head),
                      dtype=STRING)
    texts = arrow_replace(texts, r"(?:\n[ \t]*)+$", "")

    first_idx = pa.array(first)
    ts = pd.Series(to_ns(pd.to_datetime(from_arrow(parts.field("ts").take(first_idx)),
                                        format="%Y-%m-%d %H:%M:%S", errors="coerce")))
    system = notice[first]
    timeless = int(system.sum())
    # Notices carry no time: the message before gives it (or the one after, at the start).
    # A header whose own time is impossible stays without one (and is listed as not understood).
    filled = ts.ffill().bfill()
    ts = ts.where(~pd.Series(system), filled)
    bad = ts.isna().to_numpy()
    names = from_arrow(pc.fill_null(parts.field("name").take(first_idx), "")).fillna("")
    rec_lines = numbers[first]
    if bad.any():
        # A header with an impossible time: it and its continuation lines, as they stand.
        ends = np.append(first[1:], len(raw_lines) - start)
        for i in np.flatnonzero(bad):
            unparsed += [UnparsedLine(int(numbers[k]), raw_lines[start + k])
                         for k in range(int(first[i]), int(ends[i])) if raw_lines[start + k].strip()]
        unparsed.sort(key=lambda u: u.line)

    frame = pd.DataFrame({
        MSG_ID: ["L" + str(v) for v in rec_lines],
        TIMESTAMP: ts,
        SENDER_ID: names,
        SENDER: names,
        KIND: body_kinds(texts),
        TEXT: texts,
        LINE: rec_lines,
    })[~bad]
    frame, warnings = apply_system_events(frame, system[~bad], self_name=options.extra.get("self"))
    if timeless:
        warnings.insert(0, note("parse.timeless_notices", n=int(timeless)))
    warnings.append(name_only_warning("WechatExporter TXT"))
    messages = build_messages({c: frame[c] for c in frame.columns})
    return [Chat(messages=messages, group=group, platform="wechat", warnings=warnings,
                 unparsed=unparsed, lines_total=n_lines)]


FORMAT = LogFormat(
    name="wechatexporter-txt",
    platform="wechat",
    title="WechatExporter (iOS backup) TXT export",
    how_to_export="Back up the iPhone with iTunes/Finder (unencrypted) → WechatExporter → "
                  "pick the group → output format TXT",
    sniff=sniff,
    parse=parse,
    extensions=(".txt",),
)
