"""MemoTrace (留痕, LC044/WeChatMsg) TXT export, generations v1 and v2 (FORMATS.md §2a).

v1 (2023-2024)::

    2024-01-01 12:00:00 张三            <- header: time, the member's remark (HTML/JS-escaped)
    你好
                                        <- every record ends with a blank line
    2024-01-01 12:01:00 "李四" 撤回了一条消息   <- system: the text sits on the header line,
                                                  and the next line is blank
v2 (2025, wxManager)::

    2025-03-01 12:00:00 张三
    【图片】

    2025-03-01 12:01:00                 <- system: a header with the time only
    "李四"通过扫描"张三"分享的二维码加入群聊

Both: records start at a header line (never at a blank line: bodies can hold blank
lines); ``[图片]`` (v1) or ``【图片】`` (v2) placeholders. The file has no wxid, so a
member's identity is the display name. The generation is detected from the content and
written into ``chat.warnings`` (``parse.memotrace_txt_v1``, ``_v2``, or ``_undecided``).
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import to_ns
from analysis.parsers._wechat import (
    PLACEHOLDER_KINDS,
    apply_system_events,
    arrow_match,
    arrow_replace,
    body_kinds,
    is_pat,
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
from analysis.source import LINE_BREAK, Source, count_lines

_TS = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
HEADER = re.compile(
    rf"(?:(?<=\n\n)|(?<=\r\n\r\n)|(?<=\r\r)|\A)({_TS})(?: ([^\r\n]*))?(?=\r\n|\r|\n|\Z)"
)
"""A record header: the time, then (except for v2 system messages) the display name.
Every record ends with a blank line, so a header-like line right after a non-blank line
is part of a body."""
_HEADER_LINE = re.compile(rf"^{_TS}(?: .*)?$")
_QQ_ID_TAIL = re.compile(r"(?:\(\d{5,}\)|<[^<>]+>)$")

_V1_WORDS = ("图片", "语音", "表情包", "文件", "视频", "音乐分享", "链接")
_V1_BODY = r"^\s*\[(?:" + "|".join(_V1_WORDS) + r")\](?::|$)"
_V2_BODY = r"^【(?:" + "|".join(re.escape(w) for w in PLACEHOLDER_KINDS) + r")】"
_JS_ESCAPE = re.compile(r"\\(.)", re.S)
_JS_CHARS = {"n": "\n", "r": "\r", "t": "\t"}


def sniff(source: Source) -> bool:
    """MemoTrace TXT: the first line is a ``YYYY-MM-DD HH:MM:SS[ name]`` header, the
    headers are separated by blank lines, and none ends in a QQ number (QQ TXT)."""
    head = source.head()
    lines = LINE_BREAK.split(head.lstrip("\ufeff")[:16384])[:400]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of the head may be cut
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _HEADER_LINE.match(lines[first]):
        return False
    headers = [i for i, line in enumerate(lines) if _HEADER_LINE.match(line)]
    if any(_QQ_ID_TAIL.search(lines[i]) for i in headers):
        return False
    later = [i for i in headers if i > first]
    if not later:
        return len([line for line in lines if line.strip()]) <= 3
    after_blank = sum(1 for i in later if not lines[i - 1].strip())
    return after_blank >= 0.8 * len(later)


def parse(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a MemoTrace v1/v2 TXT export into one Chat."""
    text = source.text()
    if text.startswith("\ufeff"):
        text = text[1:]
    parts = HEADER.split(text)
    n = (len(parts) - 1) // 3
    unparsed = [UnparsedLine(i + 1, raw) for i, raw in enumerate(LINE_BREAK.split(parts[0]))
                if raw.strip()]
    lines_total = count_lines(text)
    if n == 0:
        chat = Chat(messages=empty_messages(), platform="wechat", unparsed=unparsed,
                    lines_total=lines_total)
        return [chat]

    first_line = 1 + _count_breaks(parts[0])
    ts_raw = pd.Series(parts[1::3], dtype=STRING)
    rest = pd.Series(parts[2::3], dtype=STRING).fillna("")
    bodies = pd.Series(parts[3::3], dtype=STRING)
    breaks = bodies.str.count(r"\r\n|\r|\n").to_numpy(np.int64)
    lines = first_line + np.concatenate(([0], np.cumsum(breaks)[:-1]))

    texts = _clean_bodies(bodies)
    empty = (texts == "").to_numpy(bool)
    no_name = (rest.str.strip() == "").to_numpy(bool)

    version, why = _version(texts, no_name, empty)
    warnings = [why]

    names = rest.str.strip()
    if version == "v1":
        # v1 system lines: the text is on the header line and the body is empty -- unless
        # the "name" is a member's name seen elsewhere (an empty message).
        sys_like = looks_like_system_text(names).to_numpy(bool)
        members = set(names[~empty & ~no_name & ~sys_like])
        known = names.isin(members).to_numpy(bool)
        system = ~no_name & ~known & (empty | sys_like)
        # A system text that goes on over several lines still starts on the header line.
        multi = system & ~empty
        sys_text = names.where(~multi, names + "\n" + texts)
        texts = texts.where(~system, sys_text)
        names = names.where(pd.Series(system), _unescape_names(names))
    else:
        # v2 files 拍一拍 as a member's message whose body is the notice.
        system = no_name | is_pat(texts).to_numpy(bool)
    names = names.where(~pd.Series(no_name), "")

    ts = pd.Series(to_ns(pd.to_datetime(ts_raw, format="%Y-%m-%d %H:%M:%S", errors="coerce")))
    bad = ts.isna().to_numpy()
    if bad.any():
        # An impossible time (month 13, 25:00): the header and its body are listed as they
        # stand in the file, not lost.
        for i in np.flatnonzero(bad):
            name = parts[2 + 3 * i]
            unparsed.append(UnparsedLine(int(lines[i]), ts_raw[i] + ("" if name is None else f" {name}")))
            for offset, raw in enumerate(LINE_BREAK.split(parts[3 + 3 * i])[1:], start=1):
                if raw.strip():
                    unparsed.append(UnparsedLine(int(lines[i]) + offset, raw))
        warnings.append(note("parse.impossible_dates", n=int(bad.sum())))

    frame = pd.DataFrame({
        MSG_ID: ["L" + str(v) for v in lines],
        TIMESTAMP: ts,
        SENDER_ID: names,
        SENDER: names,
        KIND: body_kinds(texts),
        TEXT: texts,
        LINE: lines,
    })[~bad]
    frame, warns = apply_system_events(frame, system[~bad], self_name=options.extra.get("self"))
    warnings += warns
    if (~frame[KIND].isin(["join", "leave", "recall", "system"])).any():
        warnings.append(name_only_warning("MemoTrace TXT"))
    messages = build_messages({c: frame[c] for c in frame.columns})
    return [Chat(messages=messages, platform="wechat", warnings=warnings, unparsed=unparsed,
                 lines_total=lines_total)]


def _count_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _clean_bodies(bodies: pd.Series) -> pd.Series:
    """Drop the header's line break and trailing blank lines; inner breaks become ``\\n``.

    v1 links are an indented block (``            [链接]:title:…``): its indentation goes.
    """
    texts = arrow_replace(bodies, r"^(?:\r\n|\r|\n)", "", max_replacements=1)
    texts = arrow_replace(texts, r"\r\n|\r", "\n")
    texts = arrow_replace(texts, r"(?:\n[ \t]*)+$", "")
    texts = texts.where(~arrow_match(texts, r"^\s*$"), "")
    link = arrow_match(texts, r"^[ \t]+\[链接\]:")
    if link.any():
        texts = texts.where(~link, arrow_replace(texts, r"(?m)^[ \t]+", ""))
    return texts


def _version(texts: pd.Series, no_name: np.ndarray, empty: np.ndarray) -> tuple[str, Note]:
    """Which generation wrote the file, and the evidence (a ``parse.memotrace_txt_*`` note)."""
    v2_bodies = int(arrow_match(texts, _V2_BODY).sum())
    v1_bodies = int(arrow_match(texts, _V1_BODY).sum())
    v2 = int(no_name.sum()) + v2_bodies
    v1 = int((empty & ~no_name).sum()) + v1_bodies
    if v2 > v1:
        return "v2", note("parse.memotrace_txt_v2", headers=int(no_name.sum()), placeholders=v2_bodies)
    if v1:
        return "v1", note("parse.memotrace_txt_v1", system_lines=int((empty & ~no_name).sum()),
                          placeholders=v1_bodies)
    return "v1", note("parse.memotrace_txt_undecided")


def _unescape(name: str) -> str:
    """Undo v1's ``escape_js_and_html``: JS backslash escapes, then ``&amp; &lt; &gt;``."""
    if "\\" in name:
        name = _JS_ESCAPE.sub(lambda m: _JS_CHARS.get(m.group(1), m.group(1)), name)
    if "&" in name:
        name = html.unescape(name)
    return name


def _unescape_names(names: pd.Series) -> pd.Series:
    escaped = arrow_match(names, r"^.*[\\&]")
    if not escaped.any():
        return names
    fixed = names[escaped].map(_unescape)
    return names.where(~escaped, fixed.reindex(names.index))


FORMAT = LogFormat(
    name="memotrace-txt",
    platform="wechat",
    title="MemoTrace (留痕 / WeChatMsg) TXT export, v1 and v2",
    how_to_export="MemoTrace (留痕) on Windows → 聊天 → pick the group → 导出聊天记录 → TXT",
    sniff=sniff,
    parse=parse,
    extensions=(".txt",),
)
