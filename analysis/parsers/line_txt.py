"""LINE "Export chat history" TXT (傳送聊天記錄 / トーク履歴を送信), FORMATS.md §7.

Layout::

    [LINE] Chat history in Riverside Photo Walk     header (zh-CN "X的聊天记录", zh-TW "X的聊天記錄",
    Saved on: 2024/03/20 21:15                                ja "Xのトーク履歴"; private "with X"/"与X"/"Xとの")
                                                    blank
    2024.03.02 Saturday                             date line (ja/zh "2024/03/02(土)", "2024/3/2周六", en "Sat, 3/2/2024")
    09:05	Hana Sato	Good morning!                 TIME<TAB>NAME<TAB>TEXT (12 h "09:05am", "下午07:04", "午後7:04")
    09:06		Mark Evans joined the group         system line: empty name
    09:07	Hana Sato	"first line                   multi-line text is wrapped in double quotes;
    second line"                                    lines inside the quotes are text, even if they look like headers

Dates are on their own lines and every message line carries only a time, so each message
takes the date of the last date line above it. Identity is the display name: LINE exports
carry no member ids (a warning says so).

Lines are classified with vectorised regexes (Arrow); the quote-tracking pass loops only
over the messages that open a quote.
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
from analysis.schema import (
    ACTOR_ID,
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
from analysis.source import LINE_BREAK, Source, split_lines

PLATFORM = "line"
SYSTEM_SENDER = "system"
"""``sender_id``/``sender`` of system lines that name no member."""
IDENTITY_WARNING = note("parse.line_identity_by_name")
"""LINE exports carry no member ids: members are identified by display name."""

_TIME = r"(?:上午|下午|午前|午後) ?[0-9]{1,2}:[0-9]{2}|[0-9]{1,2}:[0-9]{2}(?: ?[AaPp][Mm])?"
MESSAGE = f"^(?P<time>{_TIME})\t(?P<name>[^\t]*)\t(?P<text>.*)$"
"""``TIME<TAB>NAME<TAB>TEXT``; an empty name marks a system line."""
NOTICE = f"^(?P<time>{_TIME})\t(?P<text>[^\t]*)$"
"""``TIME<TAB>TEXT``: a system line with a single tab (seen in zh-TW fixtures)."""
DATE = (r"^(?:(?P<y>[0-9]{4})[./-](?P<m>[0-9]{1,2})[./-](?P<d>[0-9]{1,2})"
        r"(?: ?[(（][^\t)）]{1,12}[)）]| ?(?:周|週|星期)[一二三四五六日天]| [A-Za-z]{2,9}\.?)?"
        r"|[A-Z][a-z]{2,8}\.?, (?P<m2>[0-9]{1,2})/(?P<d2>[0-9]{1,2})/(?P<y2>[0-9]{4}))\s*$")
"""A date line: ``2024.03.02 Saturday``, ``2024/03/02(土)``, ``2026/10/01（四）``,
``2026/1/30周五`` or (older English exports) ``Fri, 1/30/2026`` (month first)."""
_HEADER = re.compile(r"^\ufeff?\[LINE\]\s*(?P<title>.*?)\s*$")
_SAVED = re.compile(r"^(?:Saved on|保存日時|保存日期|儲存日期|保存时间|儲存時間)\s*[:：]")
_TITLES = (
    re.compile(r"^Chat history (?:in|with) (?P<g>.+)$"),
    re.compile(r"^(?:与|與)(?P<g>.+)的聊天(?:记录|記錄)$"),
    re.compile(r"^(?P<g>.+)的聊天(?:记录|記錄)$"),
    re.compile(r"^(?P<g>.+?)(?:との|の)トーク履歴$"),
)

PLACEHOLDERS: dict[str, str] = {
    "[Photo]": "image", "[照片]": "image", "[写真]": "image", "[Album]": "image",
    "[相簿]": "image", "[相册]": "image", "[アルバム]": "image",
    "[Sticker]": "sticker", "[贴图]": "sticker", "[貼圖]": "sticker", "[スタンプ]": "sticker",
    "[Video]": "video", "[视频]": "video", "[影片]": "video", "[動画]": "video",
    "[Voice message]": "voice", "[语音信息]": "voice", "[語音訊息]": "voice",
    "[ボイスメッセージ]": "voice",
    "[File]": "file", "[文件]": "file", "[檔案]": "file", "[ファイル]": "file",
    "[Location]": "location", "[位置]": "location", "[位置訊息]": "location", "[位置情報]": "location",
    "[Contact]": "card", "[联系人]": "card", "[聯絡資訊]": "card", "[連絡先]": "card",
    "[Notes]": "card", "[记事本]": "card", "[記事本]": "card", "[ノート]": "card",
    "[Poll]": "poll", "[投票]": "poll",
}
"""Bodies that are exactly a placeholder, per language (FORMATS.md §7). Notes (a post in
the group's Keep/Notes) count as ``card``: shared content rather than typed text."""

# (kind, pattern) on the text of a system line; `who` is the member concerned, `actor` the
# one who added or removed them. The first match wins.
_SYSTEM_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(p)) for kind, p in (
        ("join", r"^(?P<who>.+?) joined the group\.?$"),
        ("join", r"^(?P<actor>.+?) (?:added|invited) (?P<who>.+?) to the group\.?$"),
        ("leave", r"^(?P<who>.+?) left the group\.?$"),
        ("leave", r"^(?P<actor>.+?) removed (?P<who>.+?) from the group\.?$"),
        ("recall", r"^(?P<who>.+?) unsent a message\.?$"),
        ("system", r"^(?P<who>.+?) (?:made an announcement|changed the group (?:name|photo))"),
        ("join", r"^(?P<actor>.+?)已?(?:将|邀请)(?P<who>.+?)(?:添加至|加入)(?:了)?(?:该|此)?群(?:组|聊)?$"),
        ("join", r"^(?P<who>.+?)已?加入(?:了)?(?:该|此)?群(?:组|聊)?$"),
        ("leave", r"^(?P<actor>.+?)已?将(?P<who>.+?)移出(?:了)?(?:该|此)?群(?:组|聊)?$"),
        ("leave", r"^(?P<who>.+?)已?(?:退群|退出(?:了)?(?:该|此)?群(?:组|聊)?)$"),
        ("recall", r"^(?P<who>.+?) ?撤回了一条消息$"),
        ("system", r"^(?P<who>.+?) ?(?:发布了(?:通告|公告)|更改了群(?:组|聊)?名称)"),
        ("join", r"^(?P<actor>.+?)已(?:新增|邀請)(?P<who>.+?)(?:至|加入)群組$"),
        ("join", r"^(?P<who>.+?)已加入群組$"),
        ("leave", r"^(?P<actor>.+?)已將(?P<who>.+?)(?:從群組中)?(?:刪除|移除)$"),
        ("leave", r"^(?P<who>.+?)已(?:離開|退出)群組$"),
        ("recall", r"^(?P<who>.+?) ?已收回訊息$"),
        ("system", r"^(?P<who>.+?) ?(?:已設定公告|已變更群組名稱)"),
        ("join", r"^(?P<actor>.+?)が(?P<who>.+?)をグループに(?:追加|招待)しました。?$"),
        ("join", r"^(?P<who>.+?)がグループに参加しました。?$"),
        ("leave", r"^(?P<actor>.+?)が(?P<who>.+?)をグループから(?:削除し|退会させ)ました。?$"),
        ("leave", r"^(?P<who>.+?)がグループを退会しました。?$"),
        ("recall", r"^(?P<who>.+?)が送信を取り消しました。?$"),
        ("system", r"^(?P<who>.+?)が(?:アナウンスしました|グループ名を)"),
    )
)
_WHO_LIST = re.compile(r"\s*(?:,|、|，| and |和|及|と)\s*")
_URL_ONLY = r"^https?://\S+$"


def _title_group(title: str) -> str:
    for pattern in _TITLES:
        m = pattern.match(title)
        if m:
            return m["g"].strip()
    return title.strip()


def sniff(source: Source) -> bool:
    """A LINE export: the ``[LINE]`` header, or (header cut off) a date line at the top
    followed by ``TIME<TAB>NAME<TAB>TEXT`` lines."""
    lines = [ln for ln in LINE_BREAK.split(source.head()[:16384]) if ln.strip()][:40]
    if not lines:
        return False
    if _HEADER.match(lines[0]):
        return True
    first = lines[0].lstrip("\ufeff")
    if not (re.match(DATE, first) or _SAVED.match(first)):
        return False
    msg = re.compile(MESSAGE)
    return sum(1 for ln in lines if msg.match(ln)) >= 2


def parse(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a LINE chat-history TXT into one Chat."""
    return [parse_text(source.text(), options)]


def parse_text(text: str, options: ParseOptions | None = None) -> Chat:
    """Parse the decoded text of a LINE export."""
    raw_lines = split_lines(text)
    n = len(raw_lines)
    if raw_lines and raw_lines[0].startswith("\ufeff"):
        raw_lines[0] = raw_lines[0][1:]
    lines = pa.array(raw_lines, pa.string())
    warnings = [IDENTITY_WARNING]

    msg = pc.extract_regex(lines, MESSAGE)
    notice_m = pc.extract_regex(lines, NOTICE)
    date = pc.extract_regex(lines, DATE)
    is_msg = pc.is_valid(msg).to_numpy(zero_copy_only=False)
    is_note = pc.is_valid(notice_m).to_numpy(zero_copy_only=False) & ~is_msg
    is_date = pc.is_valid(date).to_numpy(zero_copy_only=False)
    blank = pc.equal(pc.utf8_trim_whitespace(lines), "").to_numpy(zero_copy_only=False)

    # Header and "saved on" lines at the top (before the first date or message).
    group = ""
    top = int(np.flatnonzero(is_msg | is_note | is_date)[0]) if (is_msg | is_note | is_date).any() else n
    known = np.zeros(n, dtype=bool)
    for i in range(top):
        m = _HEADER.match(raw_lines[i])
        if m:
            group = group or _title_group(m["title"])
            known[i] = True
        elif _SAVED.match(raw_lines[i]):
            known[i] = True

    # Quoted multi-line messages: a message whose text opens a quote (odd number of '"')
    # runs to the next line that closes one; lines in between are text whatever they look like.
    texts = pc.struct_field(msg, "text")
    quotes = pc.count_substring(lines, '"').to_numpy(zero_copy_only=False)
    opens = np.flatnonzero(is_msg & pc.fill_null(pc.starts_with(texts, '"'), False)
                           .to_numpy(zero_copy_only=False) & (quotes % 2 == 1))
    closes = np.flatnonzero((quotes % 2 == 1)
                            & pc.ends_with(pc.utf8_rtrim_whitespace(lines), '"').to_numpy(zero_copy_only=False))
    inside = np.zeros(n, dtype=bool)
    end_of = {}
    after = -1
    for i in opens.tolist():
        if i <= after:
            continue
        k = int(np.searchsorted(closes, i, side="right"))
        if k == len(closes):
            continue  # never closed: an ordinary message that starts with a quote
        j = int(closes[k])
        inside[i + 1:j + 1] = True
        end_of[i] = j
        after = j
    is_msg &= ~inside
    is_note &= ~inside
    is_date &= ~inside & ~is_msg & ~is_note

    # Each record takes the date of the last date line above it.
    record = is_msg | is_note
    idx = np.arange(n)
    last_date = np.maximum.accumulate(np.where(is_date, idx, -1))
    rec_idx = np.flatnonzero(record)
    undated = rec_idx[last_date[rec_idx] < 0]
    unparsed: list[UnparsedLine] = []
    leftover = ~(record | is_date | inside | blank | known)
    leftover[undated] = True
    for i in undated.tolist():
        _quoted_lines_unparsed(leftover, blank, end_of, i)
    for i in np.flatnonzero(leftover).tolist():
        unparsed.append(UnparsedLine(i + 1, raw_lines[i]))
    if len(undated):
        warnings.append(note("parse.undated_lines", n=len(undated)))
    rec_idx = rec_idx[last_date[rec_idx] >= 0]
    if not len(rec_idx):
        return Chat(messages=empty_messages(), group=group, platform=PLATFORM, lines_total=n,
                    unparsed=unparsed, warnings=warnings)

    take = pa.array(rec_idx)
    times = pc.coalesce(pc.struct_field(msg, "time"), pc.struct_field(notice_m, "time")).take(take)
    names = pc.fill_null(pc.struct_field(msg, "name"), "").take(take)
    bodies = pc.coalesce(texts, pc.struct_field(notice_m, "text")).take(take).to_pylist()
    for pos, i in enumerate(rec_idx.tolist()):
        j = end_of.get(i)
        if j is not None:
            body = "\n".join([bodies[pos], *raw_lines[i + 1:j + 1]])
            bodies[pos] = body[1:-1].replace('""', '"') if body.rstrip().endswith('"') else body[1:]
    day = _dates(date, last_date[rec_idx])
    ts = day + _times(times)
    bodies_arr = pa.array(bodies, pa.string())

    kinds = _kinds(bodies_arr)
    senders = names.to_pylist()
    actors: list[str | None] = [None] * len(rec_idx)
    system_rows = np.flatnonzero(pc.equal(names, "").to_numpy(zero_copy_only=False))
    msg_ids = ["L" + str(i + 1) for i in rec_idx.tolist()]
    rows = list(range(len(rec_idx)))
    for r in system_rows.tolist():
        kind, who, actor = _system(bodies[r])
        kinds[r] = kind
        senders[r] = who[0]
        actors[r] = actor
        # "A added B, C to the group": one join per member, sharing the line.
        for k, member in enumerate(who[1:], start=2):
            rows.append(r)
            msg_ids.append(f"{msg_ids[r]}.{k}")
            senders.append(member)
    extra = rows[len(rec_idx):]
    frame = {
        MSG_ID: msg_ids,
        TIMESTAMP: ts[rows],
        SENDER_ID: senders,
        SENDER: senders,
        KIND: kinds + [kinds[r] for r in extra],
        TEXT: bodies + [bodies[r] for r in extra],
        ACTOR_ID: actors + [actors[r] for r in extra],
        LINE: rec_idx[rows] + 1,
    }
    ts = frame[TIMESTAMP]
    bad = np.isnat(ts)
    if bad.any():
        lost = np.zeros(n, dtype=bool)
        for i in set((frame[LINE][bad] - 1).tolist()):
            lost[i] = True
            _quoted_lines_unparsed(lost, blank, end_of, i)
        for i in np.flatnonzero(lost).tolist():
            unparsed.append(UnparsedLine(i + 1, raw_lines[i]))
        warnings.append(note("parse.impossible_dates_messages", n=int(bad.sum())))
        keep = ~bad
        frame = {k: (np.asarray(v, dtype=object)[keep] if k != TIMESTAMP else v[keep])
                 for k, v in frame.items()}
        unparsed.sort(key=lambda u: u.line)
    messages = build_messages(frame)
    return Chat(messages=messages, group=group, platform=PLATFORM, lines_total=n,
                unparsed=unparsed, warnings=warnings)


def _quoted_lines_unparsed(mask: np.ndarray, blank: np.ndarray, end_of: dict[int, int], i: int) -> None:
    """Mark the non-blank lines inside the quotes a dropped message ``i`` opened (they went with it)."""
    j = end_of.get(i)
    if j is not None:
        mask[i + 1:j + 1] = ~blank[i + 1:j + 1]


def _dates(date: pa.StructArray, rows: np.ndarray) -> np.ndarray:
    """Midnight of the date line at each of ``rows`` (indexes into ``date``)."""
    picked = date.take(pa.array(rows))
    def ints(a: str, b: str) -> np.ndarray:
        col = pc.coalesce(pc.if_else(pc.equal(pc.struct_field(picked, a), ""), None,
                                     pc.struct_field(picked, a)),
                          pc.struct_field(picked, b))
        return pc.cast(col, pa.int64()).to_numpy(zero_copy_only=False)
    frame = pd.DataFrame({"year": ints("y", "y2"), "month": ints("m", "m2"), "day": ints("d", "d2")})
    return to_ns(pd.to_datetime(frame, errors="coerce"))


def _times(times: pa.Array) -> np.ndarray:
    """Offsets from midnight of ``HH:MM`` times with an optional am/pm marker (before or after)."""
    parts = pc.extract_regex(times, r"^(?P<pre>上午|下午|午前|午後)? ?(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2}) ?(?P<post>[AaPp][Mm])?$")
    hour = pc.cast(pc.struct_field(parts, "h"), pa.int64()).to_numpy(zero_copy_only=False)
    minute = pc.cast(pc.struct_field(parts, "mi"), pa.int64()).to_numpy(zero_copy_only=False)
    marker = pc.utf8_lower(pc.binary_join_element_wise(pc.struct_field(parts, "pre"),
                                                       pc.struct_field(parts, "post"), ""))
    twelve = pc.not_equal(marker, "").to_numpy(zero_copy_only=False)
    pm = pc.is_in(marker, pa.array(["pm", "下午", "午後"])).to_numpy(zero_copy_only=False)
    hour = np.where(twelve, np.where(hour > 12, 99, hour % 12 + np.where(pm, 12, 0)), hour)
    ok = (hour < 24) & (minute < 60)
    offset = (hour * 3600 + minute * 60).astype("timedelta64[s]").astype("timedelta64[ns]")
    offset[~ok] = np.timedelta64("NaT")
    return offset


def _kinds(bodies: pa.Array) -> list[str]:
    stripped = pc.utf8_trim_whitespace(bodies)
    kinds = np.full(len(bodies), "text", dtype=object)
    index = pc.index_in(stripped, value_set=pa.array(list(PLACEHOLDERS))).to_numpy(zero_copy_only=False)
    found = ~np.isnan(index.astype(float))
    kinds[found] = np.array(list(PLACEHOLDERS.values()), dtype=object)[index[found].astype(int)]
    call = pc.starts_with(stripped, "☎").to_numpy(zero_copy_only=False) & ~found
    kinds[call] = "call"
    link = pc.match_substring_regex(stripped, _URL_ONLY).to_numpy(zero_copy_only=False) & ~found
    kinds[link] = "link"
    return kinds.tolist()


def _system(text: str) -> tuple[str, list[str], str | None]:
    """(kind, members concerned, actor) of a system line; unknown wording is ``system``."""
    for kind, pattern in _SYSTEM_PHRASES:
        m = pattern.match(text.strip())
        if m:
            groups = m.groupdict()
            who = (groups.get("who") or "").strip()
            actor = (groups.get("actor") or "").strip() or None
            members = [w for w in _WHO_LIST.split(who) if w] if actor else [who]
            return kind, [w for w in members if w] or [SYSTEM_SENDER], actor
    return "system", [SYSTEM_SENDER], None


FORMAT = LogFormat(
    name="line-txt",
    platform=PLATFORM,
    title="LINE chat history TXT (\"Export chat history\")",
    how_to_export="LINE → open the group → ≡ menu → Settings → Export chat history → save the .txt "
                  "(zh: 傳送聊天記錄 / 导出聊天记录; ja: トーク履歴を送信)",
    sniff=sniff,
    parse=parse,
    extensions=(".txt",),
)
