"""WeChat vocabulary shared by the WeChat parsers (FORMATS.md §2): system-message texts and
media placeholders.

WeChat has no official export; every tool renders the same database, so the group
system messages (type 10000) and the placeholders look alike across tools.

System messages -> canonical kinds (``sender_id`` is the member concerned, ``actor_id`` the
inviter or remover). Names in the texts are quoted with ASCII ``"`` or curly ``“”``; the
exporting user appears as ``你``::

    "张三"邀请"李四"、"王五"加入了群聊          join    who 李四, 王五   actor 张三
    "张三"邀请你和"李四"加入了群聊              join    who 你, 李四      actor 张三
    你邀请"李四"加入了群聊                      join    who 李四          actor 你
    "李四"通过扫描"张三"分享的二维码加入群聊    join    who 李四          actor 张三
    "李四"加入了群聊                            join    who 李四
    你将"李四"移出了群聊 / "张三"将"李四"移出了群聊   leave  who 李四  actor 你 / 张三
    你被"张三"移出群聊                          leave   who 你            actor 张三
    李四退出了群聊                              leave   who 李四
    "李四" 撤回了一条消息 / 你撤回了一条消息    recall  who 李四 / 你
    李四领取了张三的红包 / 你领取了张三的红包   system  who 李四 / 你  (a red-packet receipt)
    "李四" 拍了拍 "张三"                        system  who 李四       (拍一拍)
    "张三"修改群名为"夜跑团"                    system  who 张三
    anything else                               system  who None

Placeholders: each tool has its own fixed vocabulary (``[图片]`` in MemoTrace v1 and
WechatExporter, ``【图片】`` in MemoTrace v2). Only these words count as media; WeChat's
inline emoji codes such as ``[捂脸]`` or ``[旺柴]`` are text.

Parsers use :func:`body_kinds` for message bodies and :func:`apply_system_events` to turn
the rows they know are system messages into join/leave/recall/system records with
resolved ids (a notice that names several members becomes one record per member).
Exports that keep wxids in their notices (PyWxDump's raw ``<sysmsg>`` XML, chatlog's
``"name(wxid)"``) go through :func:`render_sysmsg` and :func:`apply_wxid_system_events`.

The module also holds the Arrow string helpers the WeChat parsers share
(:func:`to_arrow`, :func:`from_arrow`, :func:`arrow_match`, :func:`arrow_extract`,
:func:`arrow_replace`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.notes import Note, note
from analysis.parsers._common import arrow_strings, resolve_names
from analysis.schema import ACTOR_ID, EVENT_KINDS, KIND, LINE, MSG_ID, SENDER, SENDER_ID, TEXT
from analysis.source import LINE_BREAK

SELF = "你"
"""How WeChat names the exporting user in system texts."""
SYSTEM_ID = "system"
"""``sender_id`` of a system notice that names no member."""
SYSTEM_NAME = "系统消息"
"""``sender`` of a system notice that names no member."""


def to_arrow(texts: pd.Series) -> pa.ChunkedArray:
    """A pandas text Series as an Arrow string array (zero-copy when already Arrow-backed)."""
    try:
        arr = pa.chunked_array(pa.array(texts, from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.chunked_array([pa.array(texts.astype(object).where(texts.notna(), None).tolist(),
                                         pa.string())])
    return arr if pa.types.is_large_string(arr.type) else arr.cast(pa.large_string())


def from_arrow(arr: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """An Arrow string array as a pandas string Series on ``index`` (no Python objects on the
    way; :func:`analysis.parsers._common.arrow_strings` with an index)."""
    out = arrow_strings(arr)
    return out if index is None else out.set_axis(index)


def arrow_match(texts: pd.Series, pattern: str) -> np.ndarray:
    """Vectorised ``re.match`` in Arrow (RE2 syntax, no look-arounds): a boolean array,
    False for missing values. A pattern that does not start with ``^`` is anchored as a
    whole (``a|b`` matches like ``^(?:a|b)``)."""
    anchored = pattern if pattern.startswith("^") else f"^(?:{pattern})"
    hit = pc.match_substring_regex(to_arrow(texts), anchored)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False).astype(bool)


def arrow_extract(texts: pd.Series, pattern: str) -> pd.DataFrame:
    """``str.extract`` computed by Arrow (RE2, no Python per row): one ``string`` column per
    named group of ``pattern``, missing where the row does not match or the group is empty.
    The frame is aligned with ``texts``."""
    names = list(re.compile(pattern).groupindex)
    arr = to_arrow(texts)
    found = pc.extract_regex(arr, pattern)
    valid = pc.is_valid(found)
    out = {}
    for name in names:
        col = from_arrow(pc.if_else(valid, pc.struct_field(found, name), pa.scalar(None, arr.type)),
                         texts.index)
        out[name] = col.where(col != "")
    return pd.DataFrame(out, index=texts.index)


def arrow_replace(texts: pd.Series, pattern: str, repl: str, *,
                  max_replacements: int | None = None) -> pd.Series:
    """Vectorised ``re.sub`` in Arrow (RE2 syntax); returns a pandas string Series."""
    out = pc.replace_substring_regex(to_arrow(texts), pattern, repl,
                                     max_replacements=max_replacements)
    return from_arrow(out, texts.index)


def header_fields(text: str) -> tuple[str, ...]:
    """The cells of the first physical line of a CSV text (a BOM dropped), each stripped of
    spaces and of the quotes around it; ``()`` when the line is not readable as CSV."""
    first = LINE_BREAK.split(text.lstrip("\ufeff"), maxsplit=1)[0]
    try:
        cells = next(csv.reader([first]), [])
    except csv.Error:
        return ()
    return tuple(cell.strip().strip('"') for cell in cells)


def name_only_warning(export: str) -> Note:
    """The warning for an export that names members by display name only (no wxid):
    ``parse.identity_by_name`` with the export's name as the tool calls it."""
    return note("parse.identity_by_name", export=export)


_Q = "\"“”"
_QUOTED = rf"[{_Q}][^{_Q}\n]*[{_Q}]"
_ONE = rf"(?:{_QUOTED}|你)"
_MANY = rf"{_ONE}(?:\s*(?:、|，|,|和)\s*{_ONE})*"
_BARE = r"[^\n]+?"

# (kind, pattern); the first match decides. Groups: who (member concerned), actor.
SYSTEM_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("join", re.compile(rf"^(?P<who>{_ONE})\s*通过扫描\s*(?P<actor>{_ONE})\s*分享的二维码加入(?:了)?群聊")),
    ("join", re.compile(rf"^(?P<actor>{_ONE})\s*邀请\s*(?P<who>{_MANY})\s*加入了?群聊")),
    ("join", re.compile(rf"^(?P<who>{_ONE})\s*通过\s*(?P<actor>{_ONE})\s*的?邀请(?:链接|二维码)?加入(?:了)?群聊")),
    ("join", re.compile(rf"^(?P<who>{_MANY})\s*(?:已)?加入了?群聊")),
    ("leave", re.compile(rf"^(?P<actor>{_ONE})\s*将\s*(?P<who>{_MANY})\s*移出了?群聊")),
    ("leave", re.compile(rf"^(?P<who>你)\s*被\s*(?P<actor>{_ONE})\s*移出了?群聊")),
    ("leave", re.compile(rf"^(?P<who>{_ONE}|{_BARE})\s*(?:已)?退出了?群聊")),
    ("recall", re.compile(rf"^(?P<who>{_ONE}|{_BARE})\s*撤回了一条(?:成员)?消息")),
    ("system", re.compile(rf"^(?P<who>{_ONE}|{_BARE})\s*领取了\s*(?P<giver>{_ONE}|{_BARE})\s*的红包")),
    ("system", re.compile(rf"^(?P<who>{_ONE}|我)\s*拍了拍\s*")),
    ("system", re.compile(rf"^(?P<who>{_ONE}|{_BARE})\s*修改群名为")),
    ("system", re.compile(rf"^(?P<who>{_ONE})\s*(?:修改|发布)了?群公告")),
    ("system", re.compile(rf"^(?P<who>{_ONE})\s*(?:已)?成为新群主")),
)
"""System-message texts (FORMATS.md §2), most specific first."""

_NAME_IN_QUOTES = re.compile(rf"[{_Q}]([^{_Q}\n]*)[{_Q}]|(你)")
# Raw markup some tools leave in system texts.
_MARKUP = re.compile(r"<!\[CDATA\[|\]\]>|<a [^>]*>[^<]*</a>|<_wc_custom_link_[^>]*>|</_wc_custom_link_>")


def clean_system_text(text: str) -> str:
    """Strip the CDATA / ``<a>`` / ``<_wc_custom_link_>`` markup some exports keep."""
    return _MARKUP.sub("", text).strip()


def split_names(raw: str | None) -> list[str]:
    """The member names in a matched name group: quoted names and ``你``; a bare name as is."""
    if raw is None or raw != raw:  # None or NaN
        return []
    found = [a or b for a, b in _NAME_IN_QUOTES.findall(raw)]
    if found:
        # WeChat lists several members inside one pair of quotes: "李四、王五".
        return [part for name in found for part in (name.split("、") if "、" in name else [name])]
    raw = raw.strip()
    return [SELF if raw == "我" else raw]


def classify_system_text(text: str) -> tuple[str, str | None, str | None]:
    """The kind of a WeChat system message and the names in it.

    Returns:
        ``(kind, who, actor)``: kind is join, leave, recall or system; ``who`` the (first)
        member concerned and ``actor`` the inviter or remover, as names without quotes
        (``你`` for the exporting user), or None. :func:`system_events` gives every member
        of a notice that names several.
    """
    kind, who, actor = _classify(clean_system_text(text))
    return kind, (who[0] if who else None), actor


def _classify(text: str) -> tuple[str, list[str], str | None]:
    for kind, pattern in SYSTEM_PATTERNS:
        m = pattern.match(text)
        if m:
            groups = m.groupdict()
            actor = split_names(groups.get("actor"))
            return kind, split_names(groups.get("who")), (actor[0] if actor else None)
    return "system", [], None


def system_events(texts: pd.Series) -> pd.DataFrame:
    """:func:`classify_system_text` for many texts, with every member named.

    Returns:
        A frame aligned with ``texts`` with columns ``kind``, ``who`` (a list of names,
        possibly empty) and ``actor`` (a name or None).
    """
    unique = pd.unique(texts.astype(object))
    table = {t: _classify(clean_system_text(t)) for t in unique}
    rows = [table[t] for t in texts.astype(object)]
    return pd.DataFrame(rows, columns=["kind", "who", "actor"], index=texts.index)


PAT = re.compile(rf"^\s*(?:{_ONE}|我)\s*拍了拍\s*")
"""A 拍一拍 notice (``"李四" 拍了拍 "张三"``, ``我拍了拍 "张三" 的肩膀``)."""


def is_pat(texts: pd.Series) -> pd.Series:
    """True where a text is a 拍一拍 notice (some tools file these as members' messages)."""
    hit = arrow_match(texts, r"^\s*.*拍了拍")
    for i in np.flatnonzero(hit):
        hit[i] = bool(PAT.match(str(texts.iat[i])))
    return pd.Series(hit, index=texts.index)


_SYSTEM_WORDS = r"群聊|撤回了一条|领取了|拍了拍|修改群名|群公告|新群主"
"""Words every text of :data:`SYSTEM_PATTERNS` contains (a fast Arrow pre-filter)."""


def looks_like_system_text(texts: pd.Series) -> pd.Series:
    """True where a text is a recognised join/leave/recall/receipt/pat/rename notice."""
    hit = np.zeros(len(texts), dtype=bool)
    candidates = np.flatnonzero(arrow_match(texts, f"^.*(?:{_SYSTEM_WORDS})"))
    for i in candidates:
        text = clean_system_text(str(texts.iat[i]))
        hit[i] = any(pattern.match(text) for _, pattern in SYSTEM_PATTERNS)
    return pd.Series(hit, index=texts.index)


_POS, _WHO, _ACTOR = "__notice_pos", "__notice_who", "__notice_actor"
"""Work columns of :func:`apply_system_events` (named so as not to meet a caller's own)."""


def apply_system_events(
    frame: pd.DataFrame,
    is_system: np.ndarray,
    *,
    self_id: str | None = None,
    self_name: str | None = None,
    known_ids: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Note]]:
    """Turn the rows flagged ``is_system`` into event records.

    Each flagged row gets the kind of its text (and loses raw markup, see
    :func:`clean_system_text`); ``sender``/``sender_id`` become the member
    concerned (names resolved to the ids of members' own messages with
    :func:`analysis.parsers._common.resolve_names`), ``actor_id`` the inviter or remover.
    A notice naming several members (``"A"邀请"B"、"C"加入了群聊``) becomes one record per
    member, with ``msg_id`` suffixed ``#2``, ``#3``... A notice naming nobody gets
    ``sender_id`` :data:`SYSTEM_ID`. ``你`` maps to ``self_id``/``self_name`` when given;
    ``known_ids`` (name -> id, e.g. from a notice's own XML) wins over name resolution.
    Names that resolve to no id keep the name as id, and one warning counts them (members
    and actors together).

    Args:
        frame: a table with the canonical columns (``actor_id`` optional); other columns
            are carried along (a notice's extra records repeat its values).
        is_system: boolean mask, aligned with ``frame``'s rows.

    Returns:
        (frame, warnings): the frame has a fresh index, the records in their original order
        and each notice's extra records right after it.
    """
    frame = frame.reset_index(drop=True)
    if ACTOR_ID not in frame.columns:
        frame = frame.assign(**{ACTOR_ID: pd.Series([None] * len(frame), dtype=object)})
    mask = np.asarray(is_system, dtype=bool)
    if not mask.any():
        return frame, []
    idx = np.flatnonzero(mask)
    # Only the system rows change; the members' messages are the lookup for names.
    spoken = frame[~mask]
    part = frame.iloc[idx].astype(object)
    events = system_events(part[TEXT].astype(str))
    part[KIND] = events["kind"].to_numpy()
    part[TEXT] = [clean_system_text(str(t)) for t in part[TEXT]]
    part[_POS] = idx
    part[_WHO] = [names if names else [None] for names in events["who"]]
    part[_ACTOR] = events["actor"].to_numpy()
    # One record per member named. explode repeats the row's index label; a fresh index
    # keeps every label unique for the lookups below (the position stays in _POS).
    part = part.explode(_WHO, ignore_index=True)
    pos = part[_POS].to_numpy(dtype=np.int64)
    nth = part.groupby(_POS, sort=False).cumcount().to_numpy()
    extra = nth > 0
    if extra.any():
        ids = part[MSG_ID].to_numpy(copy=True)
        ids[extra] = [f"{m}#{n + 1}" for m, n in zip(ids[extra], nth[extra], strict=True)]
        part[MSG_ID] = ids

    names = part[_WHO]
    actors = part[_ACTOR].where(part[_ACTOR].notna(), None)
    if self_name is not None:
        names = names.where(names != SELF, self_name)
        actors = actors.where(actors != SELF, self_name)
    known = dict(known_ids or {})
    if self_id is not None and self_name is not None:
        known[self_name] = self_id

    # Members and actors in one pass, so a name is counted once in the warning.
    resolved, warnings = _resolve(spoken, pd.concat([names, actors], ignore_index=True), known)
    resolved = resolved.to_numpy(dtype=object)
    member_ids, actor_ids = resolved[: len(part)], resolved[len(part):]
    named = names.notna().to_numpy()
    part[SENDER_ID] = np.where(named, member_ids, SYSTEM_ID)
    part[SENDER] = np.where(named, names.astype(object), SYSTEM_NAME)
    has_actor = actors.notna().to_numpy()
    if has_actor.any():
        part[ACTOR_ID] = np.where(has_actor, actor_ids, part[ACTOR_ID])

    # Put the notices back where they were (the extra records right after the first).
    part = part.drop(columns=[_WHO, _ACTOR, _POS])
    part = part.astype({c: spoken[c].dtype for c in spoken.columns if spoken[c].dtype != object})
    keys = np.concatenate([np.flatnonzero(~mask), pos])
    nths = np.concatenate([np.zeros(len(spoken), dtype=np.int64), nth])
    frame = pd.concat([spoken, part], ignore_index=True)
    order = np.lexsort((nths, keys))
    frame = frame.iloc[order].reset_index(drop=True)
    if LINE in frame.columns:
        frame[LINE] = frame[LINE].astype("Int64")
    return frame, warnings


def _resolve(spoken: pd.DataFrame, names: pd.Series,
             known_ids: dict[str, str]) -> tuple[pd.Series, list[Note]]:
    """Names -> ids: ``known_ids`` first, then the ids of members' own messages (``spoken``).
    ``names`` must have unique index labels (``resolve_names`` assigns by label)."""
    names = names.astype(object).where(names.notna(), None)
    known = names.map(known_ids) if known_ids else pd.Series(None, index=names.index, dtype=object)
    ids, warnings = resolve_names(spoken, names.where(known.isna(), None))
    return known.where(known.notna(), ids), warnings


# -- notices that carry wxids (PyWxDump XML, chatlog) --------------------------------------

WXID = r"(?:wxid_[A-Za-z0-9_-]+|[A-Za-z][-_A-Za-z0-9]{5,19})"
"""A WeChat user name: ``wxid_…``, or a custom WeChat id (a letter, then 6-20 letters, digits, _ or -)."""

_TAG = re.compile(r"<[A-Za-z_/!?][^<>]*>")
"""A markup tag (a name, a closing slash, or <!…>/<?…> after the "<"); a "<" before anything else is text."""
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_REPLACEMSG = re.compile(r"<replacemsg>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</replacemsg>", re.S)
_TEMPLATE = re.compile(r"<template>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</template>", re.S)
_LINK = re.compile(r'<link\s+name="([^"]+)"[^>]*>(.*?)</link>', re.S)
_MEMBER = re.compile(r"<member>(.*?)</member>", re.S)
_FIELD = r"<{0}>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</{0}>"
_REEDIT = re.compile(r"\s*<a\s[^>]*weixin://revoke_edit[^>]*>.*?</a>", re.S)


def render_sysmsg(texts: pd.Series) -> pd.Series:
    """System-notice bodies as the app shows them (a ``string`` Series aligned with ``texts``).

    ``<sysmsg>`` XML becomes its ``replacemsg`` (recalls) or its rendered ``template``
    (``$names$`` replaced by ``nickname(wxid)``, the way chatlog renders them); the "重新编辑"
    link after a recall is dropped; any other tags are removed, keeping their text
    (``<_wc_custom_link_ …>红包</_wc_custom_link_>`` -> ``红包``). Texts without ``<`` are
    kept as they are.
    """
    out = texts.astype("string").fillna("")
    xml = out.str.contains("<", regex=False).fillna(False)
    if not xml.any():
        return out
    out = out.copy()
    out[xml] = out[xml].map(_render_one_sysmsg).astype("string")
    return out


def _render_one_sysmsg(text: str) -> str:
    text = _REEDIT.sub("", text)
    m = _REPLACEMSG.search(text)
    if m:
        return _strip_tags(m.group(1))
    m = _TEMPLATE.search(text)
    if m:
        values = {}
        for name, body in _LINK.findall(text):
            members = []
            for member in _MEMBER.findall(body):
                nick = re.search(_FIELD.format("nickname"), member, re.S)
                user = re.search(_FIELD.format("username"), member, re.S)
                nick_s, user_s = (nick.group(1).strip() if nick else ""), (user.group(1).strip() if user else "")
                if nick_s:
                    members.append(f"{nick_s}({user_s})" if user_s else nick_s)
            title = re.search(_FIELD.format("title"), body, re.S)
            values[name] = "、".join(members) if members else (title.group(1).strip() if title else "")
        return re.sub(r"\$([^$]+)\$", lambda k: values.get(k.group(1), k.group(0)), _strip_tags(m.group(1)))
    return _strip_tags(text)


def _strip_tags(text: str) -> str:
    text = _CDATA.sub(r"\1", text)
    return _TAG.sub("", text).strip()


_NAME_ID_TOKEN = re.compile(rf'(?P<name>[^"“”、\n]*?)\((?P<id>{WXID})\)(?=["”、])')
_ID_TOKEN = re.compile(r'\$\{(?P<id>[^}"“”\n]+)\}')
_EXPORTED, _NOTICE = "__exported_text", "__is_notice"


def apply_wxid_system_events(frame: pd.DataFrame, notices: np.ndarray, *, self_id: str, self_name: str,
                             names: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, list[Note]]:
    """:func:`apply_system_events` for exports whose notices name members with their wxid.

    Before classifying, names that carry their wxid are read off the notice: chatlog (and
    :func:`render_sysmsg`) write ``"赵晴(wxid_demo_erin)"``, pats write ``"${wxid_demo_bob}"``
    (shown as the latest of the names that wxid used on its own messages). Those ids, plus ``names``
    (name -> wxid, e.g. from PyWxDump's users.json), are the known ids when they name exactly
    one wxid; other names are resolved from members' own messages. The notice keeps its text
    as exported (raw markup removed, see :func:`clean_system_text`).
    """
    if not notices.any():
        return frame, []
    frame = frame.copy()
    original = frame[TEXT].astype(object)
    spoke = frame.loc[~notices & ~frame[KIND].isin(EVENT_KINDS).to_numpy(), [SENDER_ID, SENDER]]
    last = spoke.drop_duplicates().drop_duplicates(SENDER_ID, keep="last")
    id_names = dict(zip(last[SENDER_ID].astype(str), last[SENDER].astype(str), strict=True))
    known: dict[str, set[str]] = {}
    for name, wxid in (names or {}).items():
        known.setdefault(name, set()).add(wxid)

    def bare(match: re.Match[str]) -> str:
        name = match["name"].strip() or match["id"]
        known.setdefault(name, set()).add(match["id"])
        return name

    def named(match: re.Match[str]) -> str:
        wxid = match["id"]
        name = id_names.get(wxid, wxid)
        known.setdefault(name, set()).add(wxid)
        return name

    sub = original[notices].astype(str)
    sub = sub.str.replace(_NAME_ID_TOKEN, bare, regex=True).str.replace(_ID_TOKEN, named, regex=True)
    frame.loc[notices, TEXT] = sub.to_numpy()
    frame[_EXPORTED] = original
    frame[_NOTICE] = notices
    frame[KIND] = frame[KIND].astype(object)  # new kinds must fit whatever dtype came in
    unique = {name: next(iter(ids)) for name, ids in known.items() if len(ids) == 1}
    frame, warnings = apply_system_events(frame, notices, self_id=self_id, self_name=self_name,
                                          known_ids=unique)
    flagged = frame[_NOTICE].astype(bool).to_numpy()
    texts = frame[_EXPORTED].astype(object).to_numpy(copy=True)
    texts[flagged] = [clean_system_text(str(t)) for t in texts[flagged]]
    frame[TEXT] = texts
    return frame.drop(columns=[_EXPORTED, _NOTICE]), warnings


# -- placeholders ------------------------------------------------------------------------

PLACEHOLDER_KINDS: dict[str, str] = {
    # MemoTrace v1 TXT ([]), WechatExporter zh-Hans ([]), MemoTrace v2 (【】), chatlog words.
    "图片": "image", "照片": "image",
    "表情": "sticker", "表情包": "sticker", "动画表情": "sticker", "GIF表情": "sticker",
    "语音": "voice",
    "视频": "video",
    "文件": "file",
    "位置": "location", "位置分享": "location", "实时位置共享": "location",
    "红包": "red_packet", "红包封面": "red_packet",
    "转账": "transfer", "发起转账": "transfer", "已收款": "transfer", "已退还": "transfer",
    "非实时转账收款": "transfer", "发起非实时转账": "transfer",
    "链接": "link", "分享链接": "link", "音乐分享": "link", "视频号": "link",
    "名片": "card", "个人名片": "card", "视频号名片": "card", "小程序": "card",
    "笔记": "card", "合并转发的聊天记录": "card", "聊天记录": "card",
    "视频/语音通话": "call", "音视频通话": "call", "语音通话": "call", "视频通话": "call",
}
"""WeChat placeholder word -> kind, for ``[word]`` and ``【word】`` at the start of a body.
Emoji codes (``[捂脸]``) are not in it: they are text."""

TYPE_NAME_KINDS: dict[str, str] = {
    # MemoTrace v2 CSV 类型 (wxManager MessageType.name); PyWxDump/WeFlow names are close.
    "文本": "text", "引用消息": "text", "图片": "image", "视频": "video", "语音": "voice",
    "表情包": "sticker", "音视频通话": "call", "文件": "file", "位置分享": "location",
    "分享链接": "link", "红包": "red_packet", "转账": "transfer",
    "合并转发的聊天记录": "card", "小程序": "card", "视频号": "link", "音乐分享": "link",
    "收藏笔记": "card", "个人/公众号名片": "card", "企业微信名片": "card",
    "系统消息": "system", "拍一拍": "system", "未知类型": "card",
}
"""Chinese message-type names -> kind. ``拍一拍`` and ``系统消息`` are events (system);
``未知类型`` (an app message the tool could not render) is counted as a card, not as words."""

_WORDS = "|".join(sorted((re.escape(w) for w in PLACEHOLDER_KINDS), key=len, reverse=True))
# [图片] alone or followed by a space/colon/line break; [语音 3秒] / [文件: a.pdf] / [位置] x;
# 【图片】 followed by anything (MemoTrace v2 appends details). RE2 syntax (Arrow).
_PLACEHOLDER_RE2 = (
    rf"^\s*(?:\[(?P<sq>{_WORDS})(?:[ :：][^\]\n]*)?\](?:$|[\s:：])|【(?P<fw>{_WORDS})】)"
)
_PLACEHOLDER = re.compile(_PLACEHOLDER_RE2)
_WORD_KEYS = pa.array(list(PLACEHOLDER_KINDS), pa.large_string())
_WORD_KINDS = np.array(list(PLACEHOLDER_KINDS.values()), dtype=object)


def body_kinds(texts: pd.Series, default: str = "text") -> pd.Series:
    """Kind of each WeChat message from its body (an Arrow pre-filter, then a regex on the
    few bodies that start like a placeholder).

    A body that starts with a placeholder of :data:`PLACEHOLDER_KINDS` (``[图片]``,
    ``【表情包】 desc``, ``[语音 3秒]``, ``【红包】: title``...) takes its kind; WechatExporter's
    ``微信转账 …`` is a transfer; a body that is only a URL is a link; anything else,
    including emoji codes like ``[捂脸]``, is ``default``.
    """
    arr = to_arrow(texts).combine_chunks()
    found = pc.extract_regex(arr, _PLACEHOLDER_RE2)
    sq, fw = found.field("sq"), found.field("fw")
    word = pc.if_else(pc.equal(sq, ""), fw, sq)
    index = pc.index_in(word, value_set=_WORD_KEYS).to_numpy(zero_copy_only=False)
    found_word = ~np.isnan(index.astype(float))
    kinds = np.full(len(texts), default, dtype=object)
    kinds[found_word] = _WORD_KINDS[index[found_word].astype(int)]
    rest = ~found_word
    transfer = pc.fill_null(pc.match_substring_regex(arr, r"^\s*微信转账(?:\s|$)"), False)
    transfer = transfer.to_numpy(zero_copy_only=False) & rest
    kinds[transfer] = "transfer"
    url = pc.fill_null(pc.match_substring_regex(arr, r"^\s*https?://\S+\s*$"), False)
    kinds[url.to_numpy(zero_copy_only=False) & rest & ~transfer] = "link"
    return pd.Series(kinds, index=texts.index, dtype=object)
