"""sjzar/chatlog output (``GET /api/v1/chatlog?format=json|csv|text``), FORMATS.md §2c.

* ``chatlog-json``: an array of ``{seq, time (RFC3339 with the server's offset), talker,
  talkerName, isChatRoom, sender, senderName, isSelf, type, subType, content, contents}``.
  Kinds come from ``type``/``subType``; times are converted to ``--tz`` (default
  Asia/Shanghai). System notices have ``sender`` ``系统消息``.
* ``chatlog-csv``: header ``Time,SenderName,Sender,TalkerName,Talker,Content`` (some forks put
  ``MessageID`` first); Time is the server's local wall-clock time.
* ``chatlog-txt``: records ``SenderName(sender) [TalkerName(talker)] TIME`` + the content + a
  blank line. The talker part appears only for multi-talker queries, ``我`` is the
  exporting user, and TIME depends on the query range: ``15:04:05`` (one day),
  ``01-02 15:04:05`` (within a year) or ``2006-01-02 15:04:05``. A time without a date needs
  ``--date``; a month-day without a year takes the year of ``--date``.

Contents are chatlog's Markdown-ish placeholders (``![图片](url)``, ``[链接|title](url)``,
``[文件|name](url)``, ``[位置|…]``, ``[红包]``, ``[转账|…]``, ``> [引用]`` quotes...); they map
to kinds here, while WeChat's inline emoji codes such as ``[旺柴]`` stay text.
A file with several talkers gives one Chat per talker.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.errors import ParseError
from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import (
    DEFAULT_TZ_CN,
    csv_records,
    link_replies,
    ns_series,
    read_json_records,
    to_ns,
    to_wall_clock,
)
from analysis.parsers._wechat import (
    apply_wxid_system_events,
    arrow_extract,
    arrow_match,
    header_fields,
    render_sysmsg,
)
from analysis.schema import (
    EVENT_KINDS,
    LINE,
    MESSAGE_COLUMNS,
    MSG_ID,
    REPLY_TO,
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

SELF = "我"
"""How chatlog's text output names the exporting user."""
SYSTEM_SENDER = "系统消息"
"""chatlog's ``sender`` of system notices (type 10000)."""
CSV_HEADER = ("Time", "SenderName", "Sender", "TalkerName", "Talker", "Content")

# (type, subType) -> kind; subType 0 = any. WeChat MSG.Type/SubType, FORMATS.md §2.
_TYPE_KINDS: dict[tuple[int, int], str] = {
    (1, 0): "text", (3, 0): "image", (34, 0): "voice", (42, 0): "card", (43, 0): "video",
    (47, 0): "sticker", (48, 0): "location", (50, 0): "call", (10000, 0): "system",
    (10002, 0): "system", (49, 0): "card",
    (49, 1): "text", (49, 3): "link", (49, 4): "link", (49, 5): "link", (49, 6): "file",
    (49, 8): "sticker", (49, 17): "location", (49, 19): "card", (49, 24): "link", (49, 33): "card",
    (49, 36): "card", (49, 50): "card", (49, 51): "link", (49, 53): "text", (49, 57): "text",
    (49, 62): "system", (49, 63): "link", (49, 74): "file", (49, 76): "link", (49, 87): "system",
    (49, 88): "link", (49, 92): "link", (49, 93): "link", (49, 2000): "transfer",
    (49, 2001): "red_packet", (49, 2003): "card",
}

# Content placeholders (text and CSV output) -> kind; first match wins. PlainTextContent in
# internal/model/message.go.
_CONTENT_RULES: tuple[tuple[str, str], ...] = (
    ("image", r"^!\[图片\]\([^)]*\)$|^\[图片\]$"),
    ("video", r"^!\[视频\]\([^)]*\)$|^\[视频\]$"),
    ("voice", r"^\[语音\](?:\([^)]*\))?$"),
    ("sticker", r"^!?\[(?:动画表情|GIF表情)\](?:\([^)]*\))?$"),
    ("location", r"^\[位置(?:\|[^\]\n]*)?\]$"),
    ("file", r"^\[文件\|[^\]\n]*\](?:\([^)]*\))?$"),
    ("link", r"^\[(?:链接|分享|视频号|音乐)(?:\|[^\]\n]*)?\](?:\([^)\n]*\))?$"),
    ("card", r"^\[(?:合并转发|聊天记录)(?:\|[^\]\n]*)?\]|^\[(?:小程序|名片|红包封面|分享)(?:\|[^\]\n]*)?\](?:\([^)\n]*\))?$"),
    ("red_packet", r"^\[红包(?:\|[^\]\n]*)?\]"),
    ("transfer", r"^\[转账(?:\|[^\]\n]*)?\]"),
    ("call", r"^\[(?:语音通话|视频通话)\]$"),
    ("system", r"^\[群公告\]"),
    ("card", r"^Type: \d+ Content: "),
)
_RULES = tuple((kind, re.compile(rx)) for kind, rx in _CONTENT_RULES)
_PAT = re.compile(r'^"\$\{[^}]+\}" ?拍了拍|^"[^"\n]+" ?拍了拍 ?"[^"\n]+"')

_TIME = r"(?:(?:(?P<y>\d{4})-)?(?P<mo>\d{2})-(?P<d>\d{2}) )?(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
_HEADER = re.compile(
    r"^(?P<who>(?!> )\S[^\r\n]*?) (?:\[(?P<talker>[^\]\r\n]*)\] )?" + _TIME + r"$"
)
_HEADER_IN_TEXT = re.compile(
    r"\n\n(?P<who>(?!> )\S[^\n]*?) (?:\[(?P<talker>[^\]\n]*)\] )?" + _TIME + r"(?=\n|\Z)"
)
_DATE_FIRST = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_NAME_ID = re.compile(r"^(?P<name>.*)\((?P<id>[^()\r\n]+)\)$")
_QUOTE_HEAD = re.compile(r"^> (?P<who>[^\n]*?) " + _TIME + r"(?:\n|$)")


# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------

def sniff_json(source: Source) -> bool:
    """A JSON array (or ``{items: [...]}``) whose records carry chatlog's keys."""
    head = source.head().lstrip("\ufeff \t\r\n")
    if not head.startswith(("[", "{")):
        return False
    probe = head[:4096]
    return all(f'"{k}"' in probe for k in ("talkerName", "senderName", "isSelf", "isChatRoom"))


def sniff_csv(source: Source) -> bool:
    """The header row chatlog writes (optionally with MessageID first)."""
    return header_fields(source.head()) in (CSV_HEADER, ("MessageID", *CSV_HEADER))


def sniff_txt(source: Source) -> bool:
    """The first line is a chatlog header (name, optional ``(id)``, time last) and at least
    one more header follows a blank line, unless the head is a single record."""
    lines = LINE_BREAK.split(source.head().lstrip("\ufeff")[:16384])
    if not lines or not _is_header(lines[0]):
        return False
    hits = sum(1 for i in range(1, len(lines) - 1) if lines[i - 1] == "" and _is_header(lines[i]))
    # A single record: a few lines, or (any length) ended by the blank line chatlog writes
    # after every record.
    single = len([x for x in lines if x.strip()]) <= 3 or (len(lines) >= 3 and lines[-1] == lines[-2] == "")
    return hits >= 1 or single


def _is_header(line: str) -> bool:
    m = _HEADER.match(line)
    if not m:
        return False
    who = m["who"]
    # A leading date/time means another exporter's header (MemoTrace, QQ), not chatlog's.
    return not _DATE_FIRST.match(who)


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------

def parse_json(source: Source, options: ParseOptions) -> list[Chat]:
    """Read chatlog JSON into one Chat per talker."""
    text = source.text()
    records = read_json_records(text, source.name)
    unparsed: list[UnparsedLine] = []
    good = []
    for line, rec in records:
        if isinstance(rec, dict) and rec.get("time"):
            good.append((line, rec))
        else:
            unparsed.append(UnparsedLine(line, f"not a chatlog message: {str(rec)[:80]}"))
    lines_total = count_lines(text)
    if not good:
        return [Chat(messages=empty_messages(), platform="wechat", unparsed=unparsed, lines_total=lines_total)]

    table = pd.DataFrame([r for _, r in good])
    for col in ("seq", "talker", "talkerName", "sender", "senderName", "isSelf", "type", "subType",
                "content", "contents"):
        if col not in table:
            table[col] = None
    line_col = pd.array([ln for ln, _ in good], dtype="Int64")
    tz = options.tz or DEFAULT_TZ_CN
    when = pd.to_datetime(table["time"].astype(str), utc=True, errors="coerce", format="ISO8601")
    ts = to_wall_clock(when, tz)
    bad = ts.isna().to_numpy()
    for i in np.flatnonzero(bad):
        unparsed.append(UnparsedLine(int(line_col[i]), f"invalid time {table['time'].iat[i]!r}"))

    mtype = pd.to_numeric(table["type"], errors="coerce").fillna(0).astype(int)
    sub = pd.to_numeric(table["subType"], errors="coerce").fillna(0).astype(int)
    kinds = pd.Series([_TYPE_KINDS.get((t, s)) or _TYPE_KINDS.get((t, 0), "card")
                       for t, s in zip(mtype, sub, strict=True)], dtype=object)
    content = table["content"].astype("string").fillna("")
    contents = table["contents"]
    body = _json_bodies(kinds, content, contents, mtype)
    sender = table["sender"].astype("string").fillna("")
    system = (sender == SYSTEM_SENDER) | mtype.isin((10000, 10002))
    kinds = kinds.where(~system, "system")
    body = body.where(~system, render_sysmsg(body.where(system, "")))
    names = table["senderName"].astype("string").fillna("")
    names = names.where(names != "", sender)
    sender = sender.where(~(system & (sender == "")), SYSTEM_SENDER)
    names = names.where(~(system & (names == "")), SYSTEM_SENDER)
    seq = table["seq"].astype("string").fillna("")
    msg_id = seq.where(seq != "", "L" + pd.Series(line_col, dtype="string").fillna("?"))
    is_self = table["isSelf"].fillna(False).astype(bool)

    frame = pd.DataFrame({
        MSG_ID: msg_id, TIMESTAMP: ts, SENDER_ID: sender, SENDER: names, "kind": kinds, TEXT: body,
        REPLY_TO: None, "actor_id": None, LINE: line_col,
        "_talker": table["talker"].astype("string").fillna(""),
        "_talker_name": table["talkerName"].astype("string").fillna(""),
        "_self": is_self,
    })
    # Quotes: contents.refer names the quoted message's time and sender.
    refer = [c.get("refer") if isinstance(c, dict) else None for c in contents]
    frame["_q_time"] = pd.to_datetime(pd.Series([r.get("time") if isinstance(r, dict) else None for r in refer],
                                                dtype=object), utc=True, errors="coerce", format="ISO8601")
    frame["_q_who"] = pd.Series([r.get("sender") if isinstance(r, dict) else None for r in refer], dtype=object)
    frame = frame[~bad].reset_index(drop=True)
    frame["_q_time"] = to_wall_clock(frame["_q_time"], tz) if frame["_q_time"].notna().any() else pd.NaT

    self_ids = frame.loc[frame["_self"], SENDER_ID]
    self_id = self_ids.mode().iat[0] if len(self_ids) else SELF
    return _chats(frame, self_id, [], unparsed, lines_total)


def _json_bodies(kinds: pd.Series, content: pd.Series, contents: pd.Series, mtype: pd.Series) -> pd.Series:
    """The text of each JSON record: its content, or a placeholder like the text output's."""
    out = content.copy()
    empty = (out.str.strip() == "").to_numpy()
    if empty.any():
        fill = []
        for kind, c in zip(kinds[empty], contents[empty], strict=True):
            c = c if isinstance(c, dict) else {}
            title = c.get("title") or ""
            if kind == "link" and title:
                fill.append(f"[链接|{title}]({c.get('url') or ''})")
            elif kind == "file" and title:
                fill.append(f"[文件|{title}]")
            elif kind == "location" and (c.get("label") or c.get("city")):
                fill.append(f"[位置|{c.get('label') or ''}|{c.get('city') or ''}]")
            else:
                fill.append(_PLACEHOLDER.get(kind, "[分享]"))
        out[empty] = fill
    return out


_PLACEHOLDER = {
    "image": "[图片]", "video": "[视频]", "voice": "[语音]", "sticker": "[动画表情]", "file": "[文件]",
    "link": "[链接]", "card": "[分享]", "red_packet": "[红包]", "transfer": "[转账]", "location": "[位置]",
    "call": "[语音通话]", "system": "", "text": "",
}


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

def parse_csv(source: Source, options: ParseOptions) -> list[Chat]:
    """Read chatlog CSV into one Chat per talker."""
    text = source.text()
    header, rows, lines, bad = csv_records(text)
    header = header or []
    if not all(c in header for c in CSV_HEADER):
        raise ParseError(f"chatlog CSV needs the columns {list(CSV_HEADER)}", path=source.name, line=1,
                         hint="give the file chatlog wrote with format=csv")
    unparsed = [UnparsedLine(first, why if cells is None else f"{why}: {','.join(cells)[:80]}")
                for first, _, cells, why in bad]
    lines_total = count_lines(text)
    if not rows:
        return [Chat(messages=empty_messages(), platform="wechat", unparsed=unparsed, lines_total=lines_total)]
    table = pd.DataFrame(rows, columns=header, dtype="string")
    line_col = pd.array(lines, dtype="Int64")
    ts = ns_series(pd.to_datetime(table["Time"].str.strip(), errors="coerce", format="%Y-%m-%d %H:%M:%S"))
    bad = ts.isna().to_numpy()
    for i in np.flatnonzero(bad):
        unparsed.append(UnparsedLine(int(line_col[i]), f"invalid Time {table['Time'].iat[i]!r}"))
    content = table["Content"].str.replace("\r\n", "\n", regex=False)
    msg_id = table["MessageID"] if "MessageID" in table else None
    frame = _text_frame(ts, table["Sender"], table["SenderName"], content, line_col, msg_id,
                        table["Talker"], table["TalkerName"])
    frame = frame[~bad].reset_index(drop=True)
    chats = _chats(frame, SELF, [], unparsed, lines_total)
    for chat in chats:
        m = chat.messages
        if ((m[SENDER_ID] == SELF) & m["kind"].isin(EVENT_KINDS)).any():
            chat.warnings.append(note("parse.chatlog_csv_self_unknown"))
    return chats


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------

def parse_txt(source: Source, options: ParseOptions) -> list[Chat]:
    """Read chatlog text output into one Chat per talker (``--date`` for date-less times).

    A record starts at a header line that opens the file or follows a blank line; everything
    up to the next such header is its body (the blank separator dropped).
    """
    raw = source.text().lstrip("\ufeff")
    lines_total = count_lines(raw)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    # Scan "\n\n" + text: every header then follows a literal blank line (fast literal search).
    found = [(m.start(), m.end() - 2, m["who"], m["talker"], m["y"], m["mo"], m["d"], m["h"], m["mi"], m["s"])
             for m in _HEADER_IN_TEXT.finditer("\n\n" + text) if not _DATE_FIRST.match(m["who"])]
    first = found[0][0] if found else len(text)
    unparsed = [UnparsedLine(i + 1, line) for i, line in enumerate(text[:first].split("\n")) if line.strip()]
    if not found:
        return [Chat(messages=empty_messages(), platform="wechat", unparsed=unparsed, lines_total=lines_total)]

    h = pd.DataFrame(found, columns=["start", "end", "who", "talker", "y", "mo", "d", "h", "mi", "s"])
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    newlines = np.flatnonzero(codes == 10)
    line_no = np.searchsorted(newlines, h["start"].to_numpy(), side="left") + 1
    ts, warnings = _text_times(h, options, source.name, line_no - 1)
    # Bodies: from the end of each header line to the next header, minus the blank separator.
    starts = (h["end"] + 1).tolist()
    ends = [*h["start"].tolist()[1:], len(text)]
    bodies = [text[a:b].rstrip("\n") for a, b in zip(starts, ends, strict=True)]
    bad = ts.isna().to_numpy()
    if bad.any():
        # Records with an impossible date: their header and body lines, as they stand.
        physical = text.split("\n")
        ends_at = np.append(line_no[1:] - 1, len(physical))
        for first, last in zip(line_no[bad], ends_at[bad], strict=True):
            unparsed += [UnparsedLine(k, physical[k - 1]) for k in range(int(first), int(last) + 1)
                         if physical[k - 1].strip()]
        unparsed.sort(key=lambda u: u.line)
        warnings.append(note("parse.impossible_dates", n=int(bad.sum())))
        keep = ~bad
        h, ts, line_no = h[keep].reset_index(drop=True), ts[keep].reset_index(drop=True), line_no[keep]
        bodies = [b for b, k in zip(bodies, keep, strict=True) if k]
        if not len(h):
            return [Chat(messages=empty_messages(), platform="wechat", unparsed=unparsed,
                         lines_total=lines_total, warnings=warnings)]
    who = h["who"].astype(STRING)
    parts = arrow_extract(who, _NAME_ID.pattern)
    has_id = parts["id"].notna()
    sender_id = parts["id"].where(has_id, who)
    sender = parts["name"].where(has_id & parts["name"].notna(), sender_id)
    talker = h["talker"].astype(STRING)
    tparts = arrow_extract(talker, _NAME_ID.pattern)
    talker_id = tparts["id"].where(tparts["id"].notna(), talker).fillna("")
    talker_name = tparts["name"].where(tparts["id"].notna(), talker).fillna("")
    frame = _text_frame(ts, sender_id, sender, pd.Series(bodies, dtype=STRING),
                        pd.array(line_no, dtype="Int64"), None, talker_id, talker_name)
    if (frame[SENDER_ID] == SELF).any():
        warnings.append(note("parse.chatlog_txt_self"))
    return _chats(frame, SELF, warnings, unparsed, lines_total)


def _text_times(h: pd.DataFrame, options: ParseOptions, name: str, heads: np.ndarray) -> tuple[pd.Series, list[Note]]:
    """Full dates as written; month-day needs a year and a bare time a date, from ``--date``."""
    warnings: list[Note] = []
    no_date = h["mo"].isna()
    no_year = h["y"].isna() & ~no_date
    if no_date.any() and options.date is None:
        first = int(heads[int(np.flatnonzero(no_date.to_numpy())[0])]) + 1
        raise ParseError("chatlog text shows times without a date (a one-day query)", path=name, line=first,
                         hint="pass --date YYYY-MM-DD with the day you queried")
    if no_year.any() and options.date is None:
        first = int(heads[int(np.flatnonzero(no_year.to_numpy())[0])]) + 1
        raise ParseError("chatlog text shows month-day without a year", path=name, line=first,
                         hint="pass --date YYYY-MM-DD with a day in the queried range (its year is used)")
    year, month, day = _ints(h["y"]), _ints(h["mo"]), _ints(h["d"])
    if options.date is not None:
        year = year.fillna(options.date.year)
        month = month.fillna(options.date.month)
        day = day.fillna(options.date.day)
        if no_date.any():
            warnings.append(note("parse.date_from_option", date=options.date.isoformat()))
        if no_year.any():
            warnings.append(note("parse.year_from_option", year=options.date.year))
    frame = pd.DataFrame({"year": year, "month": month, "day": day, "hour": _ints(h["h"]),
                          "minute": _ints(h["mi"]), "second": _ints(h["s"])})
    # An impossible date or time (month 13, 25:00, year 9999) is NaT: the caller lists the
    # record's lines as not understood.
    return pd.Series(to_ns(pd.to_datetime(frame, errors="coerce"))), warnings


def _ints(values: pd.Series) -> pd.Series:
    """Digit strings (or None) -> float64 numbers (NaN for None), computed by Arrow."""
    arr = pa.array(values.astype(object).where(values.notna(), None).tolist(), pa.string())
    return pd.Series(arr.cast(pa.float64()).to_numpy(zero_copy_only=False), index=values.index)


def _text_frame(ts: pd.Series, sender_id: pd.Series, sender: pd.Series, content: pd.Series, line_col: Any,
                msg_id: pd.Series | None, talker: pd.Series, talker_name: pd.Series) -> pd.DataFrame:
    """Canonical-ish frame for CSV and text output: kinds from the placeholders, quotes parsed."""
    content = content.reset_index(drop=True).fillna("")
    sender_id = sender_id.reset_index(drop=True).astype("string").fillna("").str.strip()
    sender = sender.reset_index(drop=True).astype("string").fillna("").str.strip()
    sender = sender.where(sender != "", sender_id)
    system = (sender_id == SYSTEM_SENDER).to_numpy()
    kinds = np.array(content_kinds(content).to_numpy(dtype=object), dtype=object)
    kinds[system] = "system"
    if system.any():
        content = content.where(~system, render_sysmsg(content.where(system, "")))
    line_col = pd.array(line_col, dtype="Int64")
    ids = ("L" + pd.Series(line_col, dtype="string")) if msg_id is None else msg_id.reset_index(drop=True)
    frame = pd.DataFrame({
        MSG_ID: ids, TIMESTAMP: pd.Series(ts).reset_index(drop=True), SENDER_ID: sender_id, SENDER: sender,
        "kind": kinds, TEXT: content, REPLY_TO: None, "actor_id": None, LINE: line_col,
        "_talker": talker.reset_index(drop=True).astype("string").fillna(""),
        "_talker_name": talker_name.reset_index(drop=True).astype("string").fillna(""),
    })
    # Quotes: "> Name(id) 01-02 15:04:05" at the top of the body.
    quoting = content.str.startswith("> ").fillna(False).to_numpy(bool)
    q = arrow_extract(content[quoting], _QUOTE_HEAD.pattern).reindex(content.index)
    has = q["h"].notna()
    qwho = pd.Series(pd.NA, index=content.index, dtype=STRING)
    if has.any():
        qwho[has] = arrow_extract(q.loc[has, "who"], _NAME_ID.pattern)["id"]
    msg_ts = frame[TIMESTAMP]
    qyear = pd.to_numeric(q["y"]).fillna(msg_ts.dt.year)
    qmonth = pd.to_numeric(q["mo"]).fillna(msg_ts.dt.month)
    # A quote from December read in January belongs to the previous year.
    qyear = qyear.where(~(q["y"].isna() & (qmonth > msg_ts.dt.month)), qyear - 1)
    qparts = pd.DataFrame({"year": qyear, "month": qmonth, "day": pd.to_numeric(q["d"]).fillna(msg_ts.dt.day),
                           "hour": pd.to_numeric(q["h"]), "minute": pd.to_numeric(q["mi"]),
                           "second": pd.to_numeric(q["s"])}).astype("float64")
    qtime = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if has.any():
        qtime[has.to_numpy()] = to_ns(pd.to_datetime(qparts[has.to_numpy()], errors="coerce"))
    frame["_q_time"] = qtime
    frame["_q_who"] = qwho
    return frame


def content_kinds(content: pd.Series) -> pd.Series:
    """Kind of each chatlog content from its placeholder; everything else (including WeChat
    emoji codes like ``[旺柴]`` and ``> [引用]`` quotes) is text."""
    stripped = content.fillna("").astype(STRING).str.strip()
    kinds = np.full(len(content), "text", dtype=object)
    # Only contents that open like a placeholder ([…], ![…], Type: N, "…" pats) can be one.
    maybe = stripped.str.startswith(("[", "!", "Type: ", '"')).fillna(False).to_numpy(bool)
    if maybe.any():
        sub = stripped[maybe]
        sub_kinds = np.full(len(sub), None, dtype=object)
        for kind, rule in _RULES:
            hit = arrow_match(sub, rule.pattern) & (sub_kinds == None)  # noqa: E711
            sub_kinds[hit] = kind
        pat = arrow_match(sub, _PAT.pattern) & (sub_kinds == None)  # noqa: E711
        sub_kinds[pat] = "system"
        sub_kinds[sub_kinds == None] = "text"  # noqa: E711
        kinds[maybe] = sub_kinds
    return pd.Series(kinds, index=content.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# Shared
# ---------------------------------------------------------------------------------------------

def _chats(frame: pd.DataFrame, self_id: str, warnings: list[Note], unparsed: list[UnparsedLine],
           lines_total: int) -> list[Chat]:
    """Split by talker, turn system notices into events, link quotes, build the tables."""
    chats = []
    self_name = SELF
    if "_self" in frame:
        mine = frame.loc[frame["_self"], SENDER]
        self_name = mine.iat[0] if len(mine) else SELF
    else:
        mine = frame.loc[frame[SENDER_ID] == self_id, SENDER]
        self_name = mine.iat[0] if len(mine) else SELF
    for talker, part in frame.groupby("_talker", sort=False):
        part = part.reset_index(drop=True)
        group = part["_talker_name"].replace("", pd.NA).dropna()
        group_name = group.iat[0] if len(group) else talker
        notices = (part["kind"] == "system").to_numpy()
        part, warns = apply_wxid_system_events(part, notices, self_id=self_id, self_name=self_name)
        if part["_q_time"].notna().any():
            part = link_replies(part, part["_q_time"], part["_q_who"], by=SENDER_ID)
        messages = build_messages({c: part[c] for c in MESSAGE_COLUMNS})
        chats.append(Chat(messages=messages, group=group_name or "", platform="wechat",
                          warnings=list(dict.fromkeys(warnings + warns)), lines_total=lines_total))
    if not chats:
        chats = [Chat(messages=empty_messages(), platform="wechat", warnings=warnings, lines_total=lines_total)]
    chats[0].unparsed = sorted(unparsed, key=lambda u: u.line)
    return chats


FORMATS = (
    LogFormat(
        name="chatlog-json",
        platform="wechat",
        title="sjzar/chatlog JSON (/api/v1/chatlog?format=json)",
        how_to_export="chatlog server running → open http://127.0.0.1:5030/api/v1/chatlog?time=2025-01-01~2025-03-31"
                      "&talker=<group id>&format=json and save the page",
        sniff=sniff_json,
        parse=parse_json,
        extensions=(".json",),
    ),
    LogFormat(
        name="chatlog-csv",
        platform="wechat",
        title="sjzar/chatlog CSV (/api/v1/chatlog?format=csv)",
        how_to_export="chatlog server running → open http://127.0.0.1:5030/api/v1/chatlog?time=2025-01-01~2025-03-31"
                      "&talker=<group id>&format=csv (downloads a .csv)",
        sniff=sniff_csv,
        parse=parse_csv,
        extensions=(".csv",),
    ),
    LogFormat(
        name="chatlog-txt",
        platform="wechat",
        title="sjzar/chatlog text output (/api/v1/chatlog, default format)",
        how_to_export="chatlog server running → open http://127.0.0.1:5030/api/v1/chatlog?time=2025-01-01~2025-03-31"
                      "&talker=<group id> and save the page as .txt; a one-day query needs --date when read",
        sniff=sniff_txt,
        parse=parse_txt,
        extensions=(".txt",),
    ),
)
