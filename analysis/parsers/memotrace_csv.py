"""MemoTrace (留痕, LC044/WeChatMsg) CSV export, generations v1 and v2 (FORMATS.md §2a).

v1 (2023-2024, ``<remark>_utf8.csv``, UTF-8 with BOM) has the database's own columns::

    localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender

``Sender`` is the member's wxid (the identity), ``Remark``/``NickName`` their names,
``StrTime`` local wall-clock time (``CreateTime`` the same instant in Unix seconds), and
``Type``/``SubType`` the WeChat message type (1 text, 3 image, 49/5 link, 49/2001 red
packet, 10000 system...). ``StrContent`` is raw: XML for media, app messages and some
system messages. Media XML is kept as the text; the kind comes from the type. System XML
(recall, 拍一拍, join templates) is rendered to its sentence.

v2 (2025, wxManager, ``<remark>.csv``)::

    消息ID,类型,发送人,时间,内容,备注,昵称,更多信息

``类型`` is a Chinese type name (文本, 图片, 红包, 系统消息, 拍一拍...), ``内容`` the same
rendering as the v2 TXT (``【图片】``...). There is **no wxid**: identity is the display
name (``发送人``); a warning says so and names the likely collisions (one ``发送人`` with
several different ``昵称``).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import ParseError
from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import DEFAULT_TZ_CN, ns_series, to_ns, to_wall_clock
from analysis.parsers._wechat import (
    TYPE_NAME_KINDS,
    apply_system_events,
    body_kinds,
    header_fields,
    name_only_warning,
)
from analysis.schema import (
    KIND,
    LINE,
    MSG_ID,
    SENDER,
    SENDER_ID,
    TEXT,
    TIMESTAMP,
    Chat,
    UnparsedLine,
    build_messages,
    empty_messages,
)
from analysis.source import Source, count_lines

V1_COLUMNS = ("localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
              "StrContent", "StrTime", "Remark", "NickName", "Sender")
V2_COLUMNS = ("消息ID", "类型", "发送人", "时间", "内容", "备注", "昵称", "更多信息")

TYPE_KINDS: dict[int, str] = {
    1: "text", 3: "image", 34: "voice", 42: "card", 43: "video", 47: "sticker", 48: "location",
    50: "call", 62: "video", 66: "card", 10000: "system", 10002: "system",
}
"""WeChat PC ``MSG.Type`` -> kind (FORMATS.md §2). 49 is decided by ``SubType``."""
APP_KINDS: dict[int, str] = {
    1: "text", 2: "image", 3: "link", 4: "link", 5: "link", 6: "file", 8: "sticker",
    17: "location", 19: "card", 33: "card", 36: "card", 51: "link", 53: "text", 57: "text",
    87: "text", 2000: "transfer", 2001: "red_packet",
}
"""App-message (``Type`` 49) ``SubType`` -> kind: 5 link, 6 file, 19 merged forward, 33/36
mini program, 51 channels, 53 接龙, 57 quote, 87 group notice, 2000 transfer, 2001 red packet.
Other subtypes are cards."""

_BREAKS = r"\r\n|\r|\n"
_PREFIX = re.compile(r"^([A-Za-z][\w-]{2,}(?:@chatroom)?):\n")
_TITLE = re.compile(r"<title>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>", re.S)
_FILE_SUFFIX = re.compile(r"(?:_utf8)?(?:\(\d+\))?$")


def sniff(source: Source) -> bool:
    """A MemoTrace CSV: the header row is exactly the v1 or the v2 column list."""
    return header_fields(source.head()) in (V1_COLUMNS, V2_COLUMNS)


def parse(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a MemoTrace v1 or v2 CSV (one Chat per conversation)."""
    text = source.text().lstrip("\ufeff")
    header = header_fields(text)
    table, unparsed = _read_table(text, source.name)
    lines_total = count_lines(text)
    group = _FILE_SUFFIX.sub("", Path(source.name).stem) if source.name != "-" else ""
    if header == V1_COLUMNS:
        chats = _parse_v1(table, options, group)
    elif header == V2_COLUMNS:
        chats = [_parse_v2(table, group, options)]
    else:
        raise ParseError("not a MemoTrace CSV header", path=source.name, line=1,
                         hint="pass --log-format to pick the right format")
    for chat in chats:
        chat.lines_total = lines_total
    chats[0].unparsed.extend(unparsed)
    return chats


def _read_table(text: str, name: str) -> tuple[pd.DataFrame, list[UnparsedLine]]:
    """All cells as strings, plus each row's first physical line in ``_line``."""
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise ParseError(f"the CSV cannot be read: {exc}", path=name,
                         hint="open it in a spreadsheet and save it again as UTF-8 CSV") from None
    # The header was recognised with spaces and quotes around names stripped: name the
    # columns the same way, so that a header like ` localId ` finds its column.
    table.columns = [str(c).strip().strip('"') for c in table.columns]
    breaks = np.zeros(len(table), dtype=np.int64)
    for col in table.columns:
        breaks += table[col].str.count(_BREAKS).to_numpy(np.int64)
    rows_lines = 1 + breaks
    table["_line"] = 2 + np.concatenate(([0], np.cumsum(rows_lines)[:-1]))
    blank = (table.drop(columns="_line") == "").all(axis=1).to_numpy(bool)
    return table[~blank].reset_index(drop=True), []


# -- v1 ---------------------------------------------------------------------------------


def _parse_v1(table: pd.DataFrame, options: ParseOptions, group: str) -> list[Chat]:
    talkers = table["TalkerId"].unique() if len(table) else []
    if len(talkers) <= 1:
        return [_v1_chat(table, options, group)]
    # The "all messages" CSV holds every conversation: one Chat per TalkerId.
    return [_v1_chat(table[table["TalkerId"] == t].reset_index(drop=True), options,
                     f"{group} #{t}" if group else f"#{t}") for t in talkers]


def _v1_chat(table: pd.DataFrame, options: ParseOptions, group: str) -> Chat:
    warnings: list[Note] = []
    unparsed: list[UnparsedLine] = []
    if not len(table):
        return Chat(messages=empty_messages(), group=group, platform="wechat")
    lines = table["_line"].to_numpy(np.int64)

    ts = ns_series(pd.to_datetime(table["StrTime"], format="%Y-%m-%d %H:%M:%S", errors="coerce"))
    missing = ts.isna()
    if missing.any():
        unix = pd.to_numeric(table["CreateTime"], errors="coerce")
        usable = missing & unix.notna()
        if usable.any():
            tz = options.tz or DEFAULT_TZ_CN
            utc = pd.to_datetime(unix[usable].where(unix[usable].abs() < 9.2e9), unit="s", utc=True,
                                 errors="coerce")
            ts = ts.astype("datetime64[ns]")
            ts[usable] = to_wall_clock(utc, tz).astype("datetime64[ns]")
            if options.tz is None:
                warnings.append(note("parse.createtime_fallback", n=int(usable.sum()), tz=DEFAULT_TZ_CN))
    bad = ts.isna().to_numpy()
    for i in np.flatnonzero(bad):
        unparsed.append(UnparsedLine(int(lines[i]), "no usable StrTime or CreateTime"))

    mtype = pd.to_numeric(table["Type"], errors="coerce").fillna(-1).astype(np.int64)
    sub = pd.to_numeric(table["SubType"], errors="coerce").fillna(-1).astype(np.int64)
    kinds = mtype.map(TYPE_KINDS)
    app = (mtype == 49).to_numpy()
    kinds[app] = sub[app].map(APP_KINDS).fillna("card")
    kinds = kinds.fillna("text")

    sender_id = table["Sender"].str.strip()
    name = table["Remark"].where(table["Remark"].str.strip() != "", table["NickName"])
    name = name.where(name.str.strip() != "", sender_id)
    system = (kinds == "system").to_numpy()
    sender_id = sender_id.where((sender_id != "") | system, name)
    name = name.where(name != "", "unknown")
    sender_id = sender_id.where(sender_id != "", "unknown")

    texts = table["StrContent"].str.replace(r"\r\n|\r", "\n", regex=True)
    # A raw group message can still carry its sender: "wxid_xxx:\n<content>".
    prefix = texts.str.extract(_PREFIX)[0]
    strip = (prefix == table["Sender"]).fillna(False).to_numpy(bool)
    if strip.any():
        texts = texts.where(~strip, texts.str.replace(_PREFIX, "", n=1, regex=True))
    quote = (app & (sub == 57).to_numpy()) & texts.str.lstrip().str.startswith("<").to_numpy(bool)
    if quote.any():
        titles = texts.str.extract(_TITLE)[0]
        texts = texts.where(~quote, titles.fillna(texts))

    # System XML (recall, 拍一拍, join templates) -> the sentence; names learnt on the way.
    known_ids: dict[str, str] = {}
    names_by_id = dict(zip(sender_id[~system], name[~system], strict=True))
    xml_rows = np.flatnonzero(system & texts.str.lstrip().str.startswith("<").to_numpy(bool))
    if len(xml_rows):
        texts = texts.copy()
        for i in xml_rows:
            texts.iat[i] = _render_sysmsg(texts.iat[i], names_by_id, known_ids)

    self_rows = (table["IsSender"].str.strip() == "1").to_numpy() & ~system
    self_id = self_name = None
    if self_rows.any():
        self_id = sender_id[self_rows].mode().iat[0]
        self_name = name[self_rows & (sender_id == self_id).to_numpy()].iat[0]
    self_name = options.extra.get("self", self_name)

    msg_id = table["localId"].where(table["localId"].str.strip() != "", None)
    fallback = pd.Series(["L" + str(v) for v in lines], index=table.index)
    msg_id = msg_id.fillna(fallback)
    frame = pd.DataFrame({
        MSG_ID: msg_id, TIMESTAMP: ts, SENDER_ID: sender_id, SENDER: name,
        KIND: kinds.astype(object), TEXT: texts, LINE: lines,
    })[~bad]
    frame, warns = apply_system_events(frame, system[~bad], self_id=self_id, self_name=self_name,
                                       known_ids=known_ids)
    warnings += warns
    warnings.insert(0, note("parse.memotrace_csv_v1"))
    messages = build_messages({c: frame[c] for c in frame.columns})
    return Chat(messages=messages, group=group, platform="wechat", warnings=warnings,
                unparsed=unparsed)


def _render_sysmsg(raw: str, names_by_id: dict[str, str], known_ids: dict[str, str]) -> str:
    """The sentence of a WeChat system-message XML (``<sysmsg type="revokemsg|pat|
    sysmsgtemplate">``); the raw text when it is not such XML. Member names found in a
    template's link list are added to ``known_ids`` (name -> wxid)."""
    try:
        root = ET.fromstring(raw.strip())
    except ET.ParseError:
        return raw
    kind = root.get("type", "")
    if kind == "revokemsg":
        return (root.findtext(".//replacemsg") or raw).strip()
    if kind == "pat":
        template = root.findtext(".//template") or ""
        return re.sub(r"\$\{([^}]+)\}", lambda m: names_by_id.get(m.group(1), m.group(1)),
                      template).strip() or raw
    if kind == "sysmsgtemplate":
        template = root.findtext(".//content_template/template") or ""
        plain = (root.findtext(".//content_template/plain") or "").strip()
        if plain:
            return plain
        values: dict[str, str] = {}
        for link in root.iter("link"):
            members = []
            for member in link.iter("member"):
                wxid = (member.findtext("username") or "").strip()
                nick = (member.findtext("nickname") or "").strip() or names_by_id.get(wxid, wxid)
                if wxid and nick:
                    known_ids.setdefault(nick, wxid)
                members.append(nick)
            sep = link.findtext("separator") or "、"
            values[link.get("name", "")] = sep.join(members)
        return re.sub(r"\$(\w+)\$", lambda m: values.get(m.group(1), m.group(0)), template).strip() or raw
    for tag in ("plain", "text", "content"):
        found = root.findtext(f".//{tag}")
        if found and found.strip():
            return found.strip()
    return raw


# -- v2 ---------------------------------------------------------------------------------


def _parse_v2(table: pd.DataFrame, group: str, options: ParseOptions) -> Chat:
    warnings = [note("parse.memotrace_csv_v2")]
    unparsed: list[UnparsedLine] = []
    if not len(table):
        return Chat(messages=empty_messages(), group=group, platform="wechat", warnings=warnings)
    lines = table["_line"].to_numpy(np.int64)
    ts = ns_series(pd.to_datetime(table["时间"], format="%Y-%m-%d %H:%M:%S", errors="coerce"))
    odd = ts.isna() & (table["时间"].str.strip() != "")
    if odd.any():
        # A file re-saved by a spreadsheet: 2025/3/1 9:00 and friends.
        lenient = pd.to_datetime(table.loc[odd, "时间"], format="mixed", errors="coerce")
        ts = ts.astype("datetime64[ns]")
        ts[odd] = to_ns(lenient)
        if lenient.notna().any():
            warnings.append(note("parse.times_read_leniently", n=int(lenient.notna().sum())))
    bad = ts.isna().to_numpy()
    for i in np.flatnonzero(bad):
        unparsed.append(UnparsedLine(int(lines[i]), f"invalid 时间 {table['时间'].iat[i]!r}"))

    texts = table["内容"].str.replace(r"\r\n|\r", "\n", regex=True)
    # Rendered bodies (【分享链接】\n标题：…\n, transfers, cards) end with a line break the
    # exporter adds; a text message (文本) is the member's own text, kept as typed.
    texts = texts.where(table["类型"].str.strip() == "文本", texts.str.rstrip("\n"))
    kinds = table["类型"].map(TYPE_NAME_KINDS)
    kinds = kinds.where(kinds.notna(), body_kinds(texts))
    names = table["发送人"].str.strip()
    system = (kinds == "system").to_numpy(bool)

    msg_id = table["消息ID"].str.strip()
    dup = msg_id.duplicated(keep=False) | (msg_id == "") | (msg_id == "0")
    fallback = pd.Series(["L" + str(v) for v in lines], index=table.index)
    msg_id = msg_id.where(~dup, fallback)

    frame = pd.DataFrame({
        MSG_ID: msg_id, TIMESTAMP: ts, SENDER_ID: names, SENDER: names,
        KIND: kinds.astype(object), TEXT: texts, LINE: lines,
    })[~bad]
    frame, warns = apply_system_events(frame, system[~bad], self_name=options.extra.get("self"))
    warnings += warns
    warnings.append(name_only_warning("MemoTrace v2 CSV"))
    warnings += _collisions(table[~system], names[~system])
    messages = build_messages({c: frame[c] for c in frame.columns})
    return Chat(messages=messages, group=group, platform="wechat", warnings=warnings,
                unparsed=unparsed)


def _collisions(table: pd.DataFrame, names: pd.Series) -> list[Note]:
    """Names that the data shows belong to several people: one 发送人, several 昵称
    (``parse.name_collision``: how many, the first five names with their 昵称, how many more)."""
    nick = table["昵称"].str.strip()
    pairs = pd.DataFrame({"name": names, "nick": nick})
    pairs = pairs[(pairs["nick"] != "") & (pairs["name"] != "")]
    counts = pairs.drop_duplicates().groupby("name")["nick"].agg(list)
    clashes = counts[counts.map(len) > 1]
    if clashes.empty:
        return []
    first = list(clashes.items())[:5]
    return [note("parse.name_collision", n=len(clashes), names=[str(name) for name, _ in first],
                 nicknames=[sorted(str(n) for n in nicks) for _, nicks in first],
                 more=max(len(clashes) - 5, 0))]


FORMAT = LogFormat(
    name="memotrace-csv",
    platform="wechat",
    title="MemoTrace (留痕 / WeChatMsg) CSV export, v1 and v2",
    how_to_export="MemoTrace (留痕) on Windows → 聊天 → pick the group → 导出聊天记录 → CSV",
    sniff=sniff,
    parse=parse,
    extensions=(".csv",),
)
