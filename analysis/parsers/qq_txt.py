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

from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import arrow_kinds, arrow_strings, to_ns
from analysis.schema import (
    ACTOR_ID,
    EVENT_KINDS,
    KIND,
    KIND_DTYPE,
    KINDS,
    LINE,
    MSG_ID,
    REPLY_TO,
    ROSTER_COLUMNS,
    SENDER,
    SENDER_ID,
    TEXT,
    TIMESTAMP,
    Chat,
    UnparsedLine,
    empty_messages,
    sort_messages,
    validate,
)
from analysis.source import LINE_BREAK, Source

_DATE = r"(\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2})(?: (AM|PM|上午|下午))?"
_NAME = r" ([^\r\n]*?)"
_ID = r"(?:\(([^()\r\n]*)\)|<([^<>\r\n]*)>)"
_FIELDS = ("when", "ampm", "name", "uin", "acct")
_BREAK = {"crlf": "\r\n", "lf": "\n", "cr": "\r"}

TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
SECTION_RULE = "=" * 64
BLOCK_BYTES = 2 * 1024 * 1024
HEADER_MAX_CHARS = 64 * 1024
"""No header line is longer (QQ names are short): text further back than this before a new
block cannot hold the start of an unfinished header."""
"""Bytes decoded and split per step; tests shrink it to exercise records cut across blocks."""
_SECTION = re.compile(
    r"(?:\r\n|\r|\n)?={64}(?:\r\n|\r|\n)消息分组:(?P<folder>[^\r\n]*)(?:\r\n|\r|\n)={64}(?:\r\n|\r|\n)"
    r"消息对象:(?P<object>[^\r\n]*)(?:\r\n|\r|\n)={64}(?:\r\n|\r|\n|\Z)"
)
"""A 消息分组/消息对象 block between conversations; each rule is a whole line."""
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


_SNIFF_HEADER = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}(?: (?:AM|PM|上午|下午))? [^\r\n]*?(?:\(\d{5,12}\)|<[^<>\s]+>)"
)
"""A header with a QQ number (5-12 digits) or an account: other exports write names with
brackets too (MemoTrace's ``张三(北京)``), so the sniffer insists on a QQ-shaped id."""


def sniff(source: Source) -> bool:
    """A QQ export: its title line, its section block, or QQ header lines at the start."""
    head = source.head()
    if TITLE in head[:200] or ("消息对象:" in head and SECTION_RULE in head):
        return True
    lines = [line for line in LINE_BREAK.split(head[:8192])[:80] if line.strip()]
    hits = sum(1 for line in lines if _SNIFF_HEADER.fullmatch(line))
    return hits >= 2 or (hits == 1 and len(lines) <= 3)


def _breaks(arr: pa.Array) -> np.ndarray:
    """Physical line breaks in each string (CRLF, lone CR, lone LF count one each)."""
    n = pc.count_substring(arr, "\n").to_numpy(zero_copy_only=False)
    r = pc.count_substring(arr, "\r").to_numpy(zero_copy_only=False)
    rn = pc.count_substring(arr, "\r\n").to_numpy(zero_copy_only=False)
    return (n + r - rn).astype(np.int64)


@dataclass
class _Chunk:
    """One block's records as column arrays (Arrow for text, numpy for numbers)."""

    rec: np.ndarray
    """Record number in the file (0-based), to split conversations."""
    timestamp: np.ndarray
    sender_id: pa.Array
    sender: pa.Array
    text: pa.Array
    kind: np.ndarray
    """Codes into :data:`KINDS`."""
    line: np.ndarray
    notices: list[tuple[int, str | None, str | None]]
    """(row in this chunk, member named, actor named) for each 系统消息 notice."""
    roles: list[tuple[str, str, str]]
    """(sender_id, name, role) from 【群主】/【管理员】 title tags."""

    def take(self, mask: np.ndarray) -> _Chunk:
        """The rows where ``mask`` is true."""
        keep = pa.array(mask)
        rows = np.full(len(mask), -1)
        rows[mask] = np.arange(int(mask.sum()))
        return _Chunk(self.rec[mask], self.timestamp[mask], pc.filter(self.sender_id, keep),
                      pc.filter(self.sender, keep), pc.filter(self.text, keep), self.kind[mask],
                      self.line[mask], [(int(rows[r]), w, a) for r, w, a in self.notices if mask[r]],
                      self.roles)


@dataclass
class _State:
    """What the block loop accumulates."""

    chunks: list[_Chunk] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    unparsed: list[UnparsedLine] = field(default_factory=list)
    section_starts: list[tuple[int, int]] = field(default_factory=list)  # (record index, section)
    records: int = 0
    damaged: list[int] = field(default_factory=list)
    """Line numbers of damaged headers (header-shaped lines that do not read as one)."""


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
    known_empty = False  # True while no header can be in `carry` (checked block by block)
    counter = _LineCounter()
    for block in source.iter_text(BLOCK_BYTES):
        counter.add(block)
        text = carry + block
        # Nothing new unless a header starts in the new block (or in the last few KB before
        # it, for a header cut by the block boundary): without this check a record or a line
        # that runs over many blocks would be split again for every block (quadratic time).
        if len(carry) > HEADER_MAX_CHARS and not _may_start_header(text, len(carry), header):
            carry = text
            continue
        known_empty = False
        parts = header.split(text)
        n = (len(parts) - 1) // stride
        if n == 0:
            carry = text
            known_empty = True
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
        parts = [carry] if known_empty and not seen_header else header.split(carry)
        n = (len(parts) - 1) // stride
        if not seen_header:
            line = _preamble(parts[0], state)
        if n:
            line = _records(parts, n, stride, line, eol, state, final=True)
    return _build_chats(state, counter.total(), source)


def _may_start_header(text: str, new: int, header: re.Pattern[str]) -> bool:
    """Whether a header starts in ``text[new:]`` or ends there having started at most
    :data:`HEADER_MAX_CHARS` before (a line break must come first: a fast test)."""
    start = new - HEADER_MAX_CHARS
    if text.find("\n", start) < 0 and text.find("\r", start) < 0:
        return False
    return header.search(text, start) is not None


class _LineCounter:
    """Physical lines in text that arrives in blocks (a CRLF may be cut between two blocks)."""

    def __init__(self) -> None:
        self.breaks = 0
        self.last = ""

    def add(self, block: str) -> None:
        if not block:
            return
        self.breaks += block.count("\n") + block.count("\r") - block.count("\r\n")
        if self.last == "\r" and block[0] == "\n":
            self.breaks -= 1
        self.last = block[-1]

    def total(self) -> int:
        return self.breaks + (1 if self.last and self.last not in "\r\n" else 0)


def _preamble(prefix: str, state: _State) -> int:
    """Read the text before the first header; return the line number of that header."""
    lines = LINE_BREAK.split(prefix)
    folder = obj = ""
    # The prefix ends with the break before the first header (its last item is then empty),
    # or, in a file without any header, with the file's last line, which must not be lost.
    for i, raw in enumerate(lines):
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
    bodies = pa.array(parts[stride: 1 + n * stride: stride], pa.large_string())

    # Sections (消息分组/消息对象 blocks of an "all messages" export) sit at the end of the
    # body before them: cut them off and start a new conversation at the next record.
    has_section = pc.match_substring(bodies, SECTION_RULE).to_numpy(zero_copy_only=False)
    section_breaks = np.zeros(n, dtype=np.int64)
    if has_section.any():
        fixed = bodies.to_pylist()
        first_lines = line + np.concatenate(([0], np.cumsum(_breaks(bodies))[:-1]))
        for i in np.flatnonzero(has_section):
            before = _breaks(pa.array([fixed[i]]))[0]
            fixed[i] = _split_section(fixed[i], int(first_lines[i]), state, state.records + i + 1)
            section_breaks[i] = before - _breaks(pa.array([fixed[i]]))[0]
        bodies = pa.array(fixed, pa.large_string())

    # A header damaged past reading (a NUL in its time, a mangled digit) would otherwise be
    # text of the record before: cut it and its body off and list them as not understood.
    suspect = pc.match_substring_regex(bodies, _DAMAGED_PREFILTER).to_numpy(zero_copy_only=False)
    if suspect.any():
        fixed = bodies.to_pylist()
        first_lines = line + np.concatenate(([0], np.cumsum(_breaks(bodies))[:-1]))
        for i in np.flatnonzero(suspect):
            before = _breaks(pa.array([fixed[i]]))[0]
            fixed[i] = _split_damaged(fixed[i], int(first_lines[i]), eol, state)
            section_breaks[i] += before - _breaks(pa.array([fixed[i]]))[0]
        bodies = pa.array(fixed, pa.large_string())

    texts, framing = _clean_bodies(bodies, eol)
    breaks = pc.count_substring(texts, "\n").to_numpy(zero_copy_only=False) + framing + section_breaks
    lines = line + np.concatenate(([0], np.cumsum(breaks)[:-1]))
    next_line = line + int(breaks.sum())

    ts = _timestamps(cols).to_numpy()
    names = pa.array(cols["name"], pa.large_string())
    ids = pc.coalesce(pa.array(cols["uin"], pa.large_string()), pa.array(cols["acct"], pa.large_string()), names)
    names, roles = _strip_titles(names, ids)
    kinds = arrow_kinds(texts).codes.astype(np.int8)
    notices = _notices(ids, texts, kinds)
    chunk = _Chunk(np.arange(state.records, state.records + n), ts, ids, names, texts, kinds, lines,
                   notices, roles)
    bad = np.isnat(ts)
    if bad.any():
        # A header with an impossible date (month 13, 30 February) is reported, not invented:
        # its header and body lines are listed as not understood, as they stand in the file.
        raw_bodies = bodies.to_pylist()
        for i in np.flatnonzero(bad):
            header_line = _header_text({k: v[i] for k, v in cols.items()})
            state.unparsed.append(UnparsedLine(int(lines[i]), header_line))
            for offset, raw in enumerate(LINE_BREAK.split(raw_bodies[i])[1:], start=1):
                if raw.strip():
                    state.unparsed.append(UnparsedLine(int(lines[i]) + offset, raw))
        chunk = chunk.take(~bad)
    state.chunks.append(chunk)
    state.records += n
    return next_line


_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd"
_DAMAGED_PREFILTER = r"[\r\n][\x00-\x08\x0b\x0c\x0e-\x1f\x{fffd}]*\d[\d\x00-\x08\x0b\x0c\x0e-\x1f\x{fffd}]*-"
"""Bodies with a line that starts like a date (control characters allowed): the only ones
that can hold a damaged header (RE2 syntax, tested on every body at once)."""
_STRIP_CONTROLS = re.compile(f"[{_CONTROLS}]")
_HEADER_LINE = re.compile(rf"{_DATE}{_NAME}{_ID}")
_MANGLED_HEADER = re.compile(r"\d{4}-\d{1,2}-\d{1,2} [^\r\n]{0,3}\d{1,2}:[^\r\n]*?(?:\(\d{5,12}\)|<[^<>\s]+>)")
"""A header whose time is mangled: a date, a time begun, and a QQ number or account at the end."""


def is_damaged_header(text: str) -> bool:
    """A line shaped like a header that does not read as one: a header once its control
    characters (NUL...) are removed, or a date and QQ number around a mangled time."""
    return bool(_HEADER_LINE.fullmatch(_STRIP_CONTROLS.sub("", text)) or _MANGLED_HEADER.fullmatch(text))


def _split_damaged(body: str, first_line: int, eol: str, state: _State) -> str:
    """Cut ``body`` (of the record whose header is on ``first_line``) at its first damaged
    header, a line where a header could start (after ``eol``); the damaged header and the
    lines after it are listed as not understood. Returns what stays in the body."""
    pos = body.find(eol)
    while pos >= 0:
        start = pos + len(eol)
        end = min((i for i in (body.find("\r", start), body.find("\n", start)) if i >= 0), default=len(body))
        if is_damaged_header(body[start:end]):
            line = first_line + len(LINE_BREAK.findall(body[:start]))
            state.damaged.append(line)
            for offset, raw in enumerate(LINE_BREAK.split(body[start:])):
                if raw.strip():
                    state.unparsed.append(UnparsedLine(line + offset, raw))
            return body[:start]
        pos = body.find(eol, start)
    return body


def _header_text(fields: dict[str, str | None]) -> str:
    """A header line as it stands in the file, rebuilt from its regex groups."""
    out = fields["when"] + (f" {fields['ampm']}" if fields["ampm"] else "") + f" {fields['name']}"
    if fields["uin"] is not None:
        return f"{out}({fields['uin']})"
    if fields["acct"] is not None:
        return f"{out}<{fields['acct']}>"
    return out


def _strip_titles(names: pa.Array, ids: pa.Array) -> tuple[pa.Array, list[tuple[str, str, str]]]:
    """【管理员】Alice -> "Alice"; the 群主/管理员 tags become roster roles."""
    tagged = pc.fill_null(pc.starts_with(names, "【"), False)
    if not pc.any(tagged).as_py():
        return names, []
    subset = pc.filter(names, tagged)
    stripped = pc.replace_substring_regex(subset, _TAGS.pattern, "")
    roles = []
    for sender_id, raw, name in zip(pc.filter(ids, tagged).to_pylist(), subset.to_pylist(),
                                    stripped.to_pylist(), strict=True):
        role = _role_of(raw[: len(raw) - len(name)])
        if role:
            roles.append((sender_id, name, role))
    return pc.replace_with_mask(names, tagged, stripped), roles


_SYSTEM_CODE = KINDS.index("system")


def _notices(ids: pa.Array, texts: pa.Array, kinds: np.ndarray) -> list[tuple[int, str | None, str | None]]:
    """Classify 系统消息 records in place (``kinds``); return who and by whom, by row."""
    system = pc.fill_null(pc.is_in(ids, pa.array(sorted(SYSTEM_IDS))), False)
    if not pc.any(system).as_py():
        return []
    rows = np.flatnonzero(system.to_numpy(zero_copy_only=False))
    found = []
    for row, body in zip(rows, pc.filter(texts, system).to_pylist(), strict=True):
        kind, member, actor = "system", None, None
        for candidate, pattern in _EVENTS:
            m = pattern.match(body)
            if m:
                kind, member, actor = candidate, m["who"].strip(), m.groupdict().get("actor")
                break
        kinds[row] = KINDS.index(kind)
        found.append((int(row), member, actor or None))
    return found


def _split_section(body: str, first_line: int, state: _State, next_record: int) -> str:
    match = _SECTION.search(body)
    # The rule must open its line: "x=====…" is text, not a section block.
    if not match or (match.start() > 0 and match.group(0)[0] not in "\r\n"
                     and body[match.start() - 1] not in "\r\n"):
        return body
    rest = body[match.end():]
    rest_line = first_line + len(LINE_BREAK.findall(body[: match.end()]))
    state.sections.append((match["folder"], match["object"]))
    state.section_starts.append((next_record, rest_line))
    for offset, raw in enumerate(LINE_BREAK.split(rest)):
        if raw.strip():
            state.unparsed.append(UnparsedLine(rest_line + offset, raw))
    return body[: match.start()]


def _clean_bodies(bodies: pa.Array, eol: str) -> tuple[pa.Array, np.ndarray]:
    """Drop the header's line break and the blank separator line; inner breaks become ``\\n``.

    Returns the texts and, per record, how many line breaks that framing held (so line
    numbers can be counted on the cleaned texts).
    """
    size = len(eol)
    if eol != "\n" or not pc.any(pc.match_substring(bodies, "\r")).as_py():
        starts = pc.starts_with(bodies, eol)
        ends2 = pc.ends_with(bodies, eol + eol)
        long_enough = pc.greater_equal(pc.utf8_length(bodies), 3 * size)
        if pc.all(starts).as_py() and pc.all(ends2).as_py() and pc.all(long_enough).as_py():
            # The common case: every body is EOL + content + EOL EOL. Slicing is cheap.
            texts = pc.utf8_slice_codeunits(bodies, size, -2 * size)
            framing = np.full(len(bodies), 3, dtype=np.int64)
            return _normalise_breaks(texts), framing
    e = re.escape(eol) if eol != "\n" else r"\r?\n"
    lead = pc.match_substring_regex(bodies, f"^{e}").to_numpy(zero_copy_only=False).astype(np.int64)
    texts = pc.replace_substring_regex(bodies, f"^{e}", "", max_replacements=1)
    trail = pc.extract_regex(texts, f"(?P<t>(?:{e}){{0,2}})$")
    trail_len = pc.utf8_length(pc.struct_field(trail, [0])).to_numpy(zero_copy_only=False)
    texts = pc.replace_substring_regex(texts, f"(?:{e}){{1,2}}$", "", max_replacements=1)
    if eol == "\n":
        tail = pc.struct_field(trail, [0])
        trail_breaks = pc.count_substring(tail, "\n").to_numpy(zero_copy_only=False)
    else:
        trail_breaks = trail_len // size
    return _normalise_breaks(texts), lead + trail_breaks


def _normalise_breaks(texts: pa.Array) -> pa.Array:
    has_cr = pc.match_substring(texts, "\r")
    if not pc.any(has_cr).as_py():
        return texts
    subset = pc.filter(texts, has_cr)
    fixed = pc.replace_substring(pc.replace_substring(subset, "\r\n", "\n"), "\r", "\n")
    return pc.replace_with_mask(texts, has_cr, fixed)


def _timestamps(cols: dict[str, list]) -> pd.Series:
    when = pa.array(cols["when"], pa.large_string())
    ts = pc.strptime(when, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    values = pd.Series(to_ns(ts))
    # Arrow rolls 30 February over to 1 March; a rolled-over date lands on day 1-3, so
    # check only those against the day that was written.
    early = pc.fill_null(pc.less_equal(pc.day(ts), 3), False)
    if pc.any(early).as_py():
        written = pc.extract_regex(pc.filter(when, early), r"^\d+-\d+-(?P<d>\d+)")
        written_day = pc.cast(pc.struct_field(written, [0]), pa.int64()).to_numpy()
        rolled = np.zeros(len(values), dtype=bool)
        rolled[early.to_numpy(zero_copy_only=False)] = (
            pc.day(pc.filter(ts, early)).to_numpy() != written_day)
        values[rolled] = pd.NaT
    ampm = cols["ampm"]
    if ampm.count(None) != len(ampm):
        marker = pa.array(ampm, pa.large_string())
        pm = pc.fill_null(pc.is_in(marker, pa.array(["PM", "下午"])), False).to_numpy(zero_copy_only=False)
        twelve = pc.is_valid(marker).to_numpy(zero_copy_only=False)
        hours = values.dt.hour.to_numpy()
        shift = np.where(twelve, (hours % 12 + np.where(pm, 12, 0)) - hours, 0)
        bad_hour = twelve & ((hours > 12) | (hours == 0))
        values = values + pd.to_timedelta(shift, unit="h")
        values[bad_hour] = pd.NaT
    return values


def _build_chats(state: _State, lines_total: int, source: Source) -> list[Chat]:
    """Split the records by conversation; repeated 消息对象 blocks merge into one Chat."""
    rec_starts = np.array([rec for rec, _ in state.section_starts])
    line_starts = np.array([ln for _, ln in state.section_starts])
    names = [obj or folder for folder, obj in state.sections]
    order = list(dict.fromkeys(names))
    chats = []
    for name in order:
        chunks = state.chunks
        if len(order) > 1:
            owner = np.asarray(names, dtype=object)
            chunks = [c.take(owner[np.searchsorted(rec_starts, c.rec, side="right") - 1] == name)
                      for c in state.chunks]
        chat = _assemble([c for c in chunks if len(c.rec)], name)
        chat.lines_total = lines_total
        chats.append(chat)
    # Unparsed lines belong to the conversation whose section they sit in.
    def owner(line: int) -> Chat:
        section = max(int(np.searchsorted(line_starts, line, side="right")) - 1, 0)
        return chats[order.index(names[section])]

    for item in state.unparsed:
        owner(item.line).unparsed.append(item)
    damaged: dict[int, list[int]] = {}
    for line in state.damaged:
        damaged.setdefault(id(owner(line)), []).append(line)
    for chat in chats:
        lines = sorted(damaged.get(id(chat), []))
        if lines:
            chat.warnings.append(note("parse.damaged_headers", n=len(lines), line=lines[0]))
    return chats


def _assemble(chunks: list[_Chunk], group: str) -> Chat:
    """One conversation's table, built from the chunks without copying the text columns."""
    if not chunks:
        return Chat(messages=empty_messages(), group=group, platform="qq")
    warnings: list[Note] = []
    offsets = np.cumsum([0] + [len(c.rec) for c in chunks])
    notices = [(int(offsets[i]) + row, who, actor)
               for i, c in enumerate(chunks) for row, who, actor in c.notices]
    sender_ids = [c.sender_id for c in chunks]
    senders = [c.sender for c in chunks]
    kinds = np.concatenate([c.kind for c in chunks])
    actor_chunks = [pa.nulls(len(c.rec), pa.large_string()) for c in chunks]
    if notices:
        wanted = {w for _, w, _ in notices if w} | {a for _, _, a in notices if a}
        lookup, unknown = _ids_for_names(chunks, kinds, offsets, wanted)
        members = {row: (lookup.get(who, who), who) for row, who, _ in notices if who}
        n_unknown = len({who for _, who, _ in notices if who and who in unknown})
        if n_unknown:
            warnings.append(note("parse.notice_names_unresolved", n=n_unknown))
        # Patched chunks replace the originals at once, so no column is held twice.
        sender_ids = _patch(sender_ids, offsets, {r: v[0] for r, v in members.items()})
        for c, arr in zip(chunks, sender_ids, strict=True):
            c.sender_id = arr
        senders = _patch(senders, offsets, {r: v[1] for r, v in members.items()})
        for c, arr in zip(chunks, senders, strict=True):
            c.sender = arr
        actor_chunks = _patch(actor_chunks, offsets,
                              {row: lookup.get(actor, actor) for row, _, actor in notices if actor})
    lines = np.concatenate([c.line for c in chunks])
    frame = pd.DataFrame({
        MSG_ID: arrow_strings(pa.chunked_array(
            [pc.binary_join_element_wise(pa.scalar("L", pa.large_string()), pc.cast(pa.array(c.line), pa.large_string()),
                                         pa.scalar("", pa.large_string())) for c in chunks])),
        TIMESTAMP: np.concatenate([c.timestamp for c in chunks]),
        SENDER_ID: arrow_strings(pa.chunked_array(sender_ids, pa.large_string())),
        SENDER: arrow_strings(pa.chunked_array(senders, pa.large_string())),
        KIND: pd.Categorical.from_codes(kinds, dtype=KIND_DTYPE),
        TEXT: arrow_strings(pa.chunked_array([c.text for c in chunks], pa.large_string())),
        REPLY_TO: arrow_strings(pa.nulls(len(lines), pa.large_string())),
        ACTOR_ID: arrow_strings(pa.chunked_array(actor_chunks, pa.large_string())),
        LINE: pd.array(lines, dtype="Int64"),
    }, copy=False)
    roles = {sid: (name, role) for c in chunks for sid, name, role in c.roles}
    roster = None
    if roles:
        roster = pd.DataFrame([(sid, name, role, pd.NaT) for sid, (name, role) in roles.items()],
                              columns=list(ROSTER_COLUMNS))
    return Chat(messages=validate(sort_messages(frame)), group=group, platform="qq",
                warnings=warnings, roster=roster)


def _ids_for_names(chunks: list[_Chunk], kinds: np.ndarray, offsets: np.ndarray,
                   wanted: set[str]) -> tuple[dict[str, str], set[str]]:
    """Display names from notices -> the one id that spoke under that name.

    A name used by exactly one id in members' own messages maps to it; any other name
    stays as its own id (returned in the second set).
    """
    events = np.isin(kinds, [KINDS.index(k) for k in EVENT_KINDS])
    value_set = pa.array(sorted(wanted), pa.large_string())
    pairs = []
    for i, c in enumerate(chunks):
        keep = pc.and_(pc.fill_null(pc.is_in(c.sender, value_set), False),
                       pa.array(~events[offsets[i]:offsets[i + 1]]))
        if pc.any(keep).as_py():
            # Distinct (name, id) pairs in Arrow: active members may have many messages.
            table = pa.table({"name": pc.filter(c.sender, keep), "id": pc.filter(c.sender_id, keep)})
            pairs.append(table.group_by(["name", "id"]).aggregate([]).to_pandas())
    lookup: dict[str, str] = {}
    if pairs:
        both = pd.concat(pairs).drop_duplicates()
        counts = both.groupby("name")["id"].nunique()
        unique = both[both["name"].isin(counts[counts == 1].index)]
        lookup = dict(zip(unique["name"], unique["id"], strict=True))
    return lookup, wanted - set(lookup)


def _patch(arrays: list[pa.Array], offsets: np.ndarray, values: dict[int, str]) -> list[pa.Array]:
    """Replace values at global row numbers, rebuilding only the chunks that change."""
    out = list(arrays)
    rows = np.array(sorted(values), dtype=np.int64)
    owner = np.searchsorted(offsets, rows, side="right") - 1
    for i in np.unique(owner):
        local = rows[owner == i] - offsets[i]
        mask = np.zeros(len(out[i]), dtype=bool)
        mask[local] = True
        new = pa.array([values[int(r)] for r in rows[owner == i]], pa.large_string())
        base = out[i].cast(pa.large_string()) if out[i].type != pa.large_string() else out[i]
        out[i] = pc.replace_with_mask(base, pa.array(mask), new)
    return out


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
    streams=True,
    extensions=(".txt",),
)
