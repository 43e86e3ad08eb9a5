"""QQ classic message-manager TXT export (PC QQ up to 9.x), FORMATS.md §1a.

Layout::

    消息记录（此消息记录为文本格式，不支持重新导入）
    ================================================================
    消息分组:我的QQ群
    ================================================================
    消息对象:读书会
    ================================================================

    2016-07-19 15:27:15 【管理员】小林(10001)
    <body, any number of lines, blank lines allowed>

How records are found: a record starts at a header line (date, time, name, then the last
``(QQ number)`` or ``<account>`` on the line). In a file whose records end in CRLF (every
real export), a header counts only right after a CRLF: line breaks inside a message body
are lone LF or lone CR, so a header-like line inside a body stays in the body. Files
converted to plain LF (or CR) use that break for both. One case no reader can settle: a
body whose FIRST line looks like a header follows the header's own CRLF, so it is read as a
(bodiless) record of its own.

The file is decoded and split in blocks and each block's columns go straight into Arrow
arrays, so memory stays near the size of the result, not of millions of Python strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.parsers import LogFormat, ParseOptions
from analysis.parsers._common import arrow_kinds, resolve_names
from analysis.schema import (
    ACTOR_ID, KIND, LINE, ROSTER_COLUMNS, SENDER, SENDER_ID, STRING, TEXT, TIMESTAMP, Chat,
    UnparsedLine, build_messages, empty_messages,
)
from analysis.source import LINE_BREAK, Source

_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})(?: (AM|PM|上午|下午))?"
_NAME = r" ([^\r\n]*?)"
_ID = r"(?:\(([^()\r\n]*)\)|<([^<>\r\n]*)>)"
_FIELDS = ("y", "mo", "d", "h", "mi", "s", "ampm", "name", "uin", "acct")
_BREAK = {"crlf": "\r\n", "lf": "\n", "cr": "\r"}

TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
SECTION_RULE = "=" * 64
BLOCK_BYTES = 8 * 1024 * 1024
"""Bytes decoded and split per step; tests shrink it to exercise records cut across blocks."""
_SECTION = re.compile(
    r"(?:\r\n|\r|\n)?={64}(?:\r\n|\r|\n)消息分组:(?P<folder>[^\r\n]*)(?:\r\n|\r|\n)={64}(?:\r\n|\r|\n)"
    r"消息对象:(?P<object>[^\r\n]*)(?:\r\n|\r|\n)={64}(?:\r\n|\r|\n)?"
)
_PREAMBLE_LINE = re.compile(rf"^\ufeff?(?:{TITLE}|={{64}}|消息分组:.*|消息对象:.*)$")
_TAGS = re.compile(r"^((?:【[^】]*】\s*)+)")
SYSTEM_IDS = frozenset({"10000", "1000000"})
SYSTEM_NAME = "系统消息"
_ROLE_TAGS = {"群主": "owner", "管理员": "admin"}

# 系统消息 bodies. The first pattern that matches decides the kind; `who` is the member
# concerned, `actor` the inviter or remover.
_EVENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("join", re.compile(r"^(?P<actor>.+?)邀请(?P<who>.+?)加入了?本群")),
    ("join", re.compile(r"^(?P<who>.+?)(?:通过.+?)?加入了?本群")),
    ("leave", re.compile(r"^(?P<who>.+?)被(?P<actor>.+?)移出了?本群")),
    ("leave", re.compile(r"^(?P<who>.+?)(?:已被移出|退出了?|离开了?)本群")),
    ("recall", re.compile(r"^(?P<who>.+?)撤回了一条(?:成员)?消息")),
    ("file", re.compile(r"^(?:\[图片\]\s*)?(?P<who>\S.*?) 分享文件")),
)


def _header_regex(mode: str, with_id: bool) -> re.Pattern[str]:
    brk = re.escape(_BREAK[mode])
    after = r"(?=\r?\n|\Z)" if mode == "lf" else rf"(?={brk}|\Z)"
    ident = _ID if with_id else rf"{_ID}?"
    return re.compile(rf"(?:(?<={brk})|\A){_DATE}{_NAME}{ident}{after}")


def sniff(source: Source) -> bool:
    """A QQ export: its title line, its section block, or QQ header lines at the start."""
    head = source.head()
    if TITLE in head[:200] or ("消息对象:" in head and SECTION_RULE in head):
        return True
    lines = [line for line in LINE_BREAK.split(head[:8192])[:80] if line.strip()]
    probe = _header_regex("lf", True)
    hits = sum(1 for line in lines if probe.fullmatch(line))
    return hits >= 2 or (hits == 1 and len(lines) <= 3)


def _breaks(arr: pa.Array) -> np.ndarray:
    """Physical line breaks in each string (CRLF, lone CR, lone LF count one each)."""
    n = pc.count_substring(arr, "\n").to_numpy(zero_copy_only=False)
    r = pc.count_substring(arr, "\r").to_numpy(zero_copy_only=False)
    rn = pc.count_substring(arr, "\r\n").to_numpy(zero_copy_only=False)
    return (n + r - rn).astype(np.int64)


@dataclass
class _State:
    """What the block loop accumulates."""

    frames: list[pd.DataFrame] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    unparsed: list[UnparsedLine] = field(default_factory=list)
    section_starts: list[tuple[int, int]] = field(default_factory=list)  # (record index, section)
    records: int = 0


def parse(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a QQ TXT export into one Chat per conversation (消息对象), merging repeats."""
    head = source.head()
    mode = "crlf" if "\r\n" in head else "lf" if "\n" in head else "cr"
    with_id = bool(_header_regex(mode, True).search(head)) or not _header_regex(mode, False).search(head)
    header = _header_regex(mode, with_id)
    eol = _BREAK[mode]
    ngroups = header.groups
    stride = ngroups + 1

    state = _State()
    carry = ""
    line = 1  # line number of the first character of `carry`
    seen_header = False
    for block in source.iter_text(BLOCK_BYTES):
        text = carry + block
        parts = header.split(text)
        n = (len(parts) - 1) // stride
        if n == 0:
            carry = text
            continue
        if not seen_header:
            line = _preamble(parts[0], state)
            seen_header = True
        last_body = parts[-1]
        hdr_end = len(text) - len(last_body)
        hdr_start = max(text.rfind("\r", 0, hdr_end), text.rfind("\n", 0, hdr_end)) + 1
        if n > 1:
            line = _records(parts, n - 1, stride, line, eol, state)
        carry = text[hdr_start:]
    if carry:
        parts = header.split(carry)
        n = (len(parts) - 1) // stride
        if not seen_header:
            line = _preamble(parts[0], state)
        if n:
            line = _records(parts, n, stride, line, eol, state, final=True)
    return _build_chats(state, line - 1, source)


def _preamble(prefix: str, state: _State) -> int:
    """Read the text before the first header; return the line number of that header."""
    lines = LINE_BREAK.split(prefix)
    folder = obj = ""
    for i, raw in enumerate(lines[:-1] if len(lines) > 1 else lines):
        text = raw.lstrip("\ufeff")
        if text.startswith("消息分组:"):
            folder = text[len("消息分组:"):]
        elif text.startswith("消息对象:"):
            obj = text[len("消息对象:"):]
        elif text.strip() and not _PREAMBLE_LINE.match(text):
            state.unparsed.append(UnparsedLine(i + 1, raw))
    state.sections.append((folder, obj))
    state.section_starts.append((0, 1))
    return len(lines) if prefix else 1


def _records(parts: list, n: int, stride: int, line: int, eol: str, state: _State,
             final: bool = False) -> int:
    """Turn the first ``n`` records of a split block into a frame; return the next line number."""
    cols = {name: parts[1 + i: 1 + n * stride: stride] for i, name in enumerate(_FIELDS)}
    bodies = pa.array(parts[stride: 1 + n * stride: stride], pa.string())
    breaks = _breaks(bodies)
    lines = line + np.concatenate(([0], np.cumsum(breaks)[:-1]))
    next_line = line + int(breaks.sum())

    # Sections (消息分组/消息对象 blocks of an "all messages" export) sit at the end of the
    # body before them: cut them off and start a new conversation at the next record.
    has_section = pc.match_substring(bodies, SECTION_RULE).to_numpy(zero_copy_only=False)
    if has_section.any():
        fixed = bodies.to_pylist()
        for i in np.flatnonzero(has_section):
            fixed[i] = _split_section(fixed[i], int(lines[i]), state, state.records + i + 1)
        bodies = pa.array(fixed, pa.string())

    texts = _clean_bodies(bodies, eol)
    ts = _timestamps(cols)
    names = pa.array(cols["name"], pa.string())
    uin = pa.array(cols["uin"], pa.string())
    acct = pa.array(cols["acct"], pa.string())
    ids = pc.coalesce(uin, acct, names)
    frame = pd.DataFrame({
        TIMESTAMP: ts,
        SENDER_ID: pd.array(ids, dtype=STRING),
        SENDER: pd.array(names, dtype=STRING),
        TEXT: pd.array(texts, dtype=STRING),
        KIND: arrow_kinds(texts),
        LINE: lines,
        "_rec": np.arange(state.records, state.records + n),
    })
    bad = frame[TIMESTAMP].isna().to_numpy()
    if bad.any():
        for i in np.flatnonzero(bad):
            state.unparsed.append(UnparsedLine(int(lines[i]), "invalid date in header"))
        # A header with an impossible date (month 13) is kept as unparsed, not invented.
        frame = frame[~bad]
    state.frames.append(frame)
    state.records += n
    return next_line


def _split_section(body: str, first_line: int, state: _State, next_record: int) -> str:
    match = _SECTION.search(body)
    if not match:
        return body
    rest = body[match.end():]
    rest_line = first_line + len(LINE_BREAK.findall(body[: match.end()]))
    state.sections.append((match["folder"], match["object"]))
    state.section_starts.append((next_record, rest_line))
    for offset, raw in enumerate(LINE_BREAK.split(rest)):
        if raw.strip():
            state.unparsed.append(UnparsedLine(rest_line + offset, raw))
    return body[: match.start()]


def _clean_bodies(bodies: pa.Array, eol: str) -> pa.Array:
    """Drop the header's line break and the blank separator line; inner breaks become ``\\n``."""
    e = re.escape(eol)
    if eol == "\n":
        texts = pc.replace_substring_regex(bodies, r"^\r?\n", "", max_replacements=1)
        texts = pc.replace_substring_regex(texts, r"(?:\r?\n){1,2}$", "", max_replacements=1)
    else:
        texts = pc.replace_substring_regex(bodies, f"^{e}", "", max_replacements=1)
        texts = pc.replace_substring_regex(texts, f"(?:{e}){{1,2}}$", "", max_replacements=1)
    return pc.replace_substring_regex(texts, r"\r\n|\r", "\n")


def _timestamps(cols: dict[str, list]) -> pd.Series:
    parts = {k: pa.array(cols[k], pa.string()).cast(pa.int64()).to_numpy()
             for k in ("y", "mo", "d", "h", "mi", "s")}
    ampm = cols["ampm"]
    if any(a is not None for a in ampm):
        marker = pa.array(ampm, pa.string())
        pm = pc.fill_null(pc.is_in(marker, pa.array(["PM", "下午"])), False).to_numpy(zero_copy_only=False)
        twelve = pc.is_valid(marker).to_numpy(zero_copy_only=False)
        hours = parts["h"]
        parts["h"] = np.where(twelve, hours % 12 + np.where(pm, 12, 0), hours)
    frame = pd.DataFrame({"year": parts["y"], "month": parts["mo"], "day": parts["d"],
                          "hour": parts["h"], "minute": parts["mi"], "second": parts["s"]})
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")


def _build_chats(state: _State, lines_total: int, source: Source) -> list[Chat]:
    """Split the records by conversation; repeated 消息对象 blocks merge into one Chat."""
    frame = pd.concat(state.frames, ignore_index=True) if state.frames else None
    rec_starts = np.array([rec for rec, _ in state.section_starts])
    line_starts = np.array([ln for _, ln in state.section_starts])
    names = [obj or folder for folder, obj in state.sections]
    order = list(dict.fromkeys(names))
    chats = []
    for name in order:
        part = None
        if frame is not None:
            section = np.searchsorted(rec_starts, frame["_rec"].to_numpy(), side="right") - 1
            part = frame[np.asarray(names, dtype=object)[section] == name]
        chat = _finish(part, name)
        chat.lines_total = lines_total
        chats.append(chat)
    # Unparsed lines belong to the conversation whose section they sit in.
    for item in state.unparsed:
        section = max(int(np.searchsorted(line_starts, item.line, side="right")) - 1, 0)
        chats[order.index(names[section])].unparsed.append(item)
    return chats


def _finish(frame: pd.DataFrame | None, group: str) -> Chat:
    """System events, role tags and identity for one conversation."""
    warnings: list[str] = []
    if frame is None or not len(frame):
        return Chat(messages=empty_messages(), group=group, platform="qq")
    frame = frame.drop(columns="_rec").reset_index(drop=True)

    # 【管理员】Alice -> sender "Alice"; the tag gives the roster role.
    names = frame[SENDER]
    tagged = names.str.startswith("【").fillna(False).to_numpy(bool)
    roster = None
    if tagged.any():
        sub = frame.loc[tagged, [SENDER_ID, SENDER]]
        tags = sub[SENDER].str.extract(_TAGS)[0]
        frame.loc[tagged, SENDER] = sub[SENDER].str.replace(_TAGS, "", regex=True)
        roles = tags.map(_role_of)
        roster = (
            pd.DataFrame({"sender_id": sub[SENDER_ID], "sender": frame.loc[tagged, SENDER],
                          "role": roles, "joined": pd.NaT})
            .dropna(subset=["role"])
            .drop_duplicates("sender_id", keep="last")
            .reset_index(drop=True)
        )
        roster = roster[list(ROSTER_COLUMNS)] if len(roster) else None

    kinds = frame[KIND].astype(object).to_numpy(copy=True)
    actors = np.full(len(frame), None, dtype=object)
    who = np.full(len(frame), None, dtype=object)
    system = frame[SENDER_ID].isin(SYSTEM_IDS).to_numpy(bool)
    for i in np.flatnonzero(system):
        body = frame.at[i, TEXT]
        kinds[i] = "system"
        for kind, pattern in _EVENTS:
            m = pattern.match(body)
            if m:
                kinds[i] = kind
                who[i] = m["who"].strip()
                actors[i] = (m.groupdict().get("actor") or None)
                break
    frame[KIND] = pd.Categorical(kinds, dtype=frame[KIND].dtype)
    if system.any():
        named = pd.Series(who, index=frame.index)
        ids, warns = resolve_names(frame, named)
        warnings += warns
        has = named.notna().to_numpy()
        frame.loc[has, SENDER_ID] = ids[has].astype(str).to_numpy()
        frame.loc[has, SENDER] = named[has].astype(str).to_numpy()
        actor_series = pd.Series(actors, index=frame.index)
        actor_ids, _ = resolve_names(frame, actor_series)
        frame[ACTOR_ID] = actor_ids.where(actor_series.notna(), None)
    messages = build_messages({c: frame[c] for c in frame.columns})
    return Chat(messages=messages, group=group, platform="qq", warnings=warnings, roster=roster)


def _role_of(tags: str) -> str | None:
    for tag, role in _ROLE_TAGS.items():
        if f"【{tag}】" in tags:
            return role
    return None


FORMAT = LogFormat(
    name="qq-txt",
    platform="qq",
    title="QQ message manager TXT export (PC QQ ≤ 9.x)",
    how_to_export="PC QQ → 消息管理器 → right-click the group → 导出消息记录 → save as .txt",
    sniff=sniff,
    parse=parse,
)
