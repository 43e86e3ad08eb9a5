"""Catalogue entries for what the parsers say (``parse.*`` codes) and the coverage line.

Every assumption a parser records in :attr:`analysis.schema.Chat.warnings` is a
:class:`analysis.notes.Note` with a ``parse.*`` code; the English templates below are the
sentences the parsers wrote before they returned codes, word for word. Names, ids, file and
format names in the parameters come from the export (or the registry) and are shown as they are.
"""

from __future__ import annotations

from typing import Any

from analysis.notes import Note
from analysis.schema import Chat
from cli.catalogue import register, say

register({
    # -- time zones and dates ------------------------------------------------------------
    "parse.tz_assumed": (
        "times shown in {tz}; pass --tz Area/City (e.g. --tz Asia/Shanghai) for local time",
        "时间按 {tz} 显示；如需本地时间，请传 --tz 地区/城市（如 --tz Asia/Shanghai）"),
    "parse.createtime_fallback": (
        "{n} row(s) without a usable StrTime: CreateTime read as {tz} wall-clock time (set --tz to change)",
        "{n} 行没有可用的 StrTime：CreateTime 按 {tz} 当地时间读取（可用 --tz 更改）"),
    "parse.date_from_option": (
        "times without a date are taken to be on {date} (--date)",
        "没有日期的时间按 {date} 计（--date）"),
    "parse.year_from_option": (
        "month-day times are taken to be in {year} (--date)",
        "只有月日的时间按 {year} 年计（--date）"),
    "parse.dayfirst_assumed": (
        "cannot tell day-first from month-first dates (no day above 12 and the messages fit both "
        "orders); assumed day-first: pass --monthfirst if dates look wrong",
        "无法判断日期是日在前还是月在前（没有大于 12 的日，消息先后也两种顺序都说得通）；"
        "假定为日在前：如日期不对，请传 --monthfirst"),
    "parse.date_order_inferred_dayfirst": (
        "no date has a day above 12, so the date order was inferred as day-first from the order of "
        "the messages; pass --monthfirst if dates look wrong",
        "没有大于 12 的日，因此按消息先后推断日期为日在前；如日期不对，请传 --monthfirst"),
    "parse.date_order_inferred_monthfirst": (
        "no date has a day above 12, so the date order was inferred as month-first from the order of "
        "the messages; pass --dayfirst if dates look wrong",
        "没有大于 12 的日，因此按消息先后推断日期为月在前；如日期不对，请传 --dayfirst"),
    "parse.dates_mixed_dayfirst": (
        "dates mix day-first and month-first; read as day-first (the order most dates fit)",
        "日期中日在前和月在前两种写法都有；按日在前读取（多数日期符合的顺序）"),
    "parse.dates_mixed_monthfirst": (
        "dates mix day-first and month-first; read as month-first (the order most dates fit)",
        "日期中日在前和月在前两种写法都有；按月在前读取（多数日期符合的顺序）"),
    "parse.dates_misfit_dayfirst": (
        "{n} date(s) do not fit the day-first order that was asked for",
        "{n} 个日期不符合所指定的日在前顺序"),
    "parse.dates_misfit_monthfirst": (
        "{n} date(s) do not fit the month-first order that was asked for",
        "{n} 个日期不符合所指定的月在前顺序"),
    "parse.timestamps_not_iso": (
        "timestamps are not ISO 8601; each was read with a best-effort date parser (month-first when "
        "ambiguous)",
        "时间戳不是 ISO 8601 格式；已逐个尽量解析（有歧义时按月在前）"),
    "parse.times_without_seconds": (
        "{n} CreateTime value(s) have no seconds (the CSV was re-saved by a spreadsheet); those times "
        "are to the minute",
        "{n} 个 CreateTime 值没有秒（CSV 被电子表格重新保存过）；这些时间只精确到分钟"),
    "parse.times_read_leniently": (
        "{n} 时间 value(s) not in YYYY-MM-DD HH:MM:SS (re-saved by a spreadsheet?) were read leniently",
        "{n} 个“时间”值不是 YYYY-MM-DD HH:MM:SS 格式（可能被电子表格重新保存过），已宽松读取"),
    "parse.impossible_dates": (
        "{n} record(s) have an impossible date or time and are listed as not understood",
        "{n} 条记录的日期或时间不成立，已列为未识别"),
    "parse.impossible_dates_messages": (
        "{n} message(s) have an impossible date or time and are listed as not understood",
        "{n} 条消息的日期或时间不成立，已列为未识别"),
    "parse.impossible_dates_headers": (
        "{n} message header(s) have impossible dates or times and are listed as not understood",
        "{n} 个消息头的日期或时间不成立，已列为未识别"),
    "parse.undated_lines": (
        "{n} message line(s) come before any date line and are listed as not understood",
        "{n} 行消息出现在所有日期行之前，已列为未识别"),
    "parse.timeless_notices": (
        "{n} system notice(s) have no time in WechatExporter TXT: each takes the time of the message "
        "before it",
        "WechatExporter TXT 中有 {n} 条系统通知没有时间：每条取其前一条消息的时间"),
    "parse.telegram_no_unixtime": (
        "{n} message(s) have no date_unixtime (older export): their 'date' is the exporting "
        "computer's local time, used as is",
        "{n} 条消息没有 date_unixtime（旧版导出）：其 'date' 是导出电脑的本地时间，按原样使用"),
    "parse.discord_csv_monthfirst": (
        "old DiscordChatExporter CSV dates like 1/2/2023 were read month-first (the en-US default); "
        "pass --dayfirst if the exporting computer used day/month",
        "旧版 DiscordChatExporter CSV 中形如 1/2/2023 的日期按月在前读取（en-US 的默认写法）；"
        "如导出电脑用的是日/月顺序，请传 --dayfirst"),
    "parse.discord_csv_local_time": (
        "old DiscordChatExporter CSV: dates are the exporting computer's local time (no offset in "
        "the file), used as is",
        "旧版 DiscordChatExporter CSV：日期是导出电脑的本地时间（文件中没有时区偏移），按原样使用"),
    # -- identity ------------------------------------------------------------------------
    "parse.notice_names_unresolved": (
        "{n} member(s) in join/leave/recall notices are known by display name only",
        "入群、退群、撤回通知中有 {n} 名成员只能按显示名识别"),
    "parse.identity_by_name": (
        "identity by display name only ({export} has no wxid): members with the same name are merged, "
        "a renamed member counts as two",
        "仅按显示名识别成员（{export} 不含 wxid）：同名成员会被合并，改过名的成员算作两人"),
    "parse.line_identity_by_name": (
        "LINE exports carry no member ids: members are identified by display name (a renamed member "
        "counts as a new one, and two members with the same name as one)",
        "LINE 导出不含成员 ID：按显示名识别成员（改过名的成员算作新成员，同名的两人算作一人）"),
    "parse.whatsapp_identity_by_name": (
        "WhatsApp exports carry no member ids: members are identified by display name or phone "
        "number as shown (a renamed or re-saved contact counts as a new member)",
        "WhatsApp 导出不含成员 ID：按显示的名字或电话号码识别成员（改名或重新保存的联系人算作新成员）"),
    "parse.telegram_no_from_id": (
        "{n} sender(s) have no from_id (older export): identified by display name, so renamed "
        "members count twice",
        "{n} 个发送者没有 from_id（旧版导出）：按显示名识别，改过名的成员会被算作两人"),
    "parse.no_sender_id_column": (
        "no sender id column: members are identified by display name",
        "没有发送者 ID 列：按显示名识别成员"),
    "parse.no_users_json": (
        "no users.json next to the file: sender names are the wxids",
        "文件旁没有 users.json：发送者名字显示为 wxid"),
    "parse.pywxdump_self_talker": (
        "your own messages carry the talker '我' (PyWxDump's default my_wxid), kept as that id",
        "你自己的消息的 talker 是 '我'（PyWxDump 默认的 my_wxid），按这个 ID 保留"),
    "parse.chatlog_csv_self_unknown": (
        "chatlog CSV does not say which member is you: '你' in notices is kept under the id 我",
        "chatlog CSV 没有标明哪个成员是你：通知里的 '你' 以 ID 我 保留"),
    "parse.chatlog_txt_self": (
        "your own messages are marked 我 in chatlog text and are kept under the id 我",
        "chatlog 文本中你自己的消息标为 我，以 ID 我 保留"),
    "parse.slack_day_file_names": (
        "{n} user id(s) have no name in this day file (users.json is not part of it): shown by id; "
        "give the whole export for names",
        "这个单日文件中有 {n} 个用户 ID 没有名字（单日文件不含 users.json）：按 ID 显示；"
        "如需名字，请提供完整导出"),
    "parse.name_collision": (
        "likely name collision: {n} display name(s) belong to several people and are counted as one "
        "member ({shown})",
        "可能重名：{n} 个显示名属于多人，却被算作同一成员（{shown}）"),
    "parse.name_collision.item": (
        "{name!r} is used by 昵称 {nicknames_list}",
        "{name!r} 对应多个昵称 {nicknames_list}"),
    "parse.name_collision.sep": ("; ", "；"),
    "parse.name_collision.more": (
        " and {more} more",
        "，另有 {more} 个"),
    "parse.discord_bots": (
        "{n} bot account(s) post in this channel ({names_list}{etc}); they are marked role 'bot' in "
        "the roster",
        "此频道有 {n} 个机器人账号发言（{names_list}{etc}）；已在成员名单中标为机器人"),
    "parse.discord_bots.more": (
        " ...",
        " 等"),
    # -- what the export is and what was left out -----------------------------------------
    "parse.memotrace_txt_v1": (
        "MemoTrace v1 TXT layout ({system_lines} system lines, {placeholders} [] placeholders)",
        "MemoTrace v1 TXT 格式（{system_lines} 行系统消息，{placeholders} 个 [] 占位符）"),
    "parse.memotrace_txt_v2": (
        "MemoTrace v2 TXT layout ({headers} time-only system headers, {placeholders} 【】 placeholders)",
        "MemoTrace v2 TXT 格式（{headers} 个只有时间的系统消息头，{placeholders} 个【】占位符）"),
    "parse.memotrace_txt_undecided": (
        "MemoTrace v1 TXT layout (no system message or placeholder tells v1 from v2; both read alike)",
        "MemoTrace v1 TXT 格式（没有系统消息或占位符能区分 v1 和 v2；两者读法相同）"),
    "parse.memotrace_csv_v1": (
        "MemoTrace v1 CSV (identity: Sender wxid; media XML kept as the text)",
        "MemoTrace v1 CSV（成员按 Sender 的 wxid 识别；媒体 XML 原样作为文本）"),
    "parse.memotrace_csv_v2": (
        "MemoTrace v2 CSV",
        "MemoTrace v2 CSV"),
    "parse.personal_chats_skipped": (
        "skipped {n} personal chat(s) of this full export ({detail}); only groups and channels are "
        "audited",
        "跳过了这份完整导出中的 {n} 个私人聊天（{detail}）；只审计群组和频道"),
    "parse.unknown_kinds": (
        "{n} row(s) with an unknown kind were read as text (e.g. {example!r})",
        "{n} 行的 kind 无法识别，已按 text 读取（如 {example!r}）"),
    "parse.unknown_type_names": (
        "unknown type_name value(s) {names}: kind guessed from the text",
        "无法识别的 type_name 值 {names}：按文本推测消息类别"),
    "parse.slack_unknown_subtypes": (
        "unknown Slack message subtypes counted as system notices: {detail}",
        "无法识别的 Slack 消息子类型按系统通知计：{detail}"),
    "parse.pywxdump_content_not_json": (
        "{n} 'content' cell(s) were not JSON {{src, msg}}; their text is kept as it stands",
        "{n} 个 'content' 单元格不是 JSON {{src, msg}}；其文本按原样保留"),
    "parse.sidecar_unreadable": (
        "{file} is not readable JSON; ignored",
        "{file} 不是可读的 JSON，已忽略"),
    "parse.telegram_bad_escapes": (
        "{n} invalid \\xNN escape(s) in the JSON (written by Telegram for control characters) were "
        "read as those characters",
        "JSON 中有 {n} 个无效的 \\xNN 转义（Telegram 为控制字符写的），已按所表示的字符读取"),
    "parse.bad_escapes_repaired": (
        "{n} invalid escape(s) in the JSON were repaired",
        "已修复 JSON 中的 {n} 个无效转义"),
    "parse.duplicate_ids": (
        "{n} message id(s) appear more than once (kept; the export repeats them, e.g. overlapping "
        "partitions)",
        "{n} 个消息 ID 出现了不止一次（都保留；是导出本身重复了，例如分段重叠）"),
    "parse.csv_unclosed_quote": (
        "{n} quoted field(s) do not close where a row ends (an unbalanced quote), the first on line "
        "{line}: that line is listed as not understood and the lines after it were read as rows",
        "{n} 个带引号的字段在行尾没有闭合（引号不成对），第一个在第 {line} 行：该行列为未识别，"
        "其后的行已重新逐行读取"),
    "parse.damaged_headers": (
        "{n} damaged message header(s), the first on line {line}: listed as not understood with the "
        "lines under them (not added to the message before)",
        "{n} 个消息头已损坏，第一个在第 {line} 行：与其下的行一起列为未识别（未并入前一条消息）"),
    "parse.nul_in_text": (
        "{n} message(s) hold NUL characters (damage?), the first on line {line}; kept as they stand",
        "{n} 条消息含有空字符（可能已损坏），第一条在第 {line} 行；按原样保留"),
    "parse.nel_in_text": (
        "{n} message(s) hold U+0085 (NEL), the first on line {line}: kept inside the text, not read "
        "as a line break; if the file ends lines with it, the messages after it were merged into one",
        "{n} 条消息含有“下一行”控制字符（0085），第一条在第 {line} 行：作为文本保留，未当作换行；"
        "如果文件用它换行，其后的消息已被并入同一条"),
    # -- the coverage line -----------------------------------------------------------------
    "coverage.records": ("{n:,} records", "{n:,} 条记录"),
    "coverage.unparsed": ("{n:,} lines not understood", "{n:,} 行未识别"),
    "coverage.format": ("format {format}", "格式 {format}"),
    "coverage.encoding": ("encoding {encoding}", "编码 {encoding}"),
    "coverage.group": ("group {group!r}", "群 {group!r}"),
    "coverage.sep": (", ", "，"),
    "coverage.assumed": ("; assumed: {assumed}", "；假定：{assumed}"),
    "coverage.assumed_sep": ("; ", "；"),
}, prepare={
    "parse.name_collision": lambda values, lang: {"shown": _collisions(values, lang)},
    "parse.discord_bots": lambda values, lang: {"etc": _etc(values, lang)},
})


def _collisions(values: dict[str, Any], lang: str) -> str:
    """``'A' is used by 昵称 'x', 'y'; ...`` for the names of a ``parse.name_collision`` note."""
    names = values.get("names") or []
    nicknames = values.get("nicknames") or []
    items = [say("parse.name_collision.item", lang, name=name, nicknames=[repr(n) for n in nicks])
             for name, nicks in zip(names, nicknames, strict=False)]
    shown = say("parse.name_collision.sep", lang).join(items)
    more = values.get("more") or 0
    return shown + (say("parse.name_collision.more", lang, more=more) if more else "")


def _etc(values: dict[str, Any], lang: str) -> str:
    """The mark after the bot names a ``parse.discord_bots`` note shows, when it has more bots."""
    more = values.get("n", 0) > len(values.get("names") or [])
    return say("parse.discord_bots.more", lang) if more else ""


def word_warnings(warnings: list[Note], lang: str = "en") -> list[str]:
    """Each parser assumption (``Chat.warnings``) as a sentence in ``lang``."""
    return [say(w, lang) for w in warnings]


def coverage_line(chat: Chat, lang: str = "en") -> str:
    """One line saying what was read: records, lines not understood, format, encoding, and the
    assumptions the parser made, in ``lang`` (en or zh)."""
    parts = [
        say("coverage.records", lang, n=len(chat.messages)),
        say("coverage.unparsed", lang, n=chat.unparsed_count),
        say("coverage.format", lang, format=chat.format),
    ]
    if chat.encoding:
        parts.append(say("coverage.encoding", lang, encoding=chat.encoding))
    if chat.group:
        parts.append(say("coverage.group", lang, group=chat.group))
    summary = say("coverage.sep", lang).join(parts)
    if chat.warnings:
        assumed = say("coverage.assumed_sep", lang).join(word_warnings(chat.warnings, lang))
        summary += say("coverage.assumed", lang, assumed=assumed)
    return summary
