"""Catalogue entries for members: tier names, the tier evidence, and members' spam reasons.

The library gives each member an ``evidence_code`` with the figures it rests on
(:class:`analysis.members.MembersResult`) and each spam member ``reason_rows`` of
``(check, count, detail, detail_code, params)`` (:mod:`analysis.spam.members`); this module
words them in en or zh (the ``name_ad`` and ``hit_and_run`` details through
:func:`cli.catalogue_spam.detail_texts`). Everything here is vectorised over the members (a
group may have 100k of them): one template is filled per code, never one ``str.format`` per
member.

Check ids (``contact.qq``, ``lexicon.job``) stay as they are in both languages (the README
explains them), and so do texts that come from the log (names, keywords).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.members import MembersResult
from analysis.spam.members import REASON_FIELDS, member_reasons
from cli.catalogue import lang_key, register, say_rows, template
from cli.catalogue_spam import detail_texts

TIER_CODES: dict[str, tuple[str, str]] = {
    "tier_name.core": ("core", "核心"),
    "tier_name.active": ("active", "活跃"),
    "tier_name.occasional": ("occasional", "偶尔"),
    "tier_name.silent": ("silent", "潜水"),
    "tier_name.dormant": ("dormant", "沉默"),
    "tier_name.left": ("left", "已退群"),
}
"""``tier_name.<tier>`` -> (en, zh): the name of each tier of :data:`analysis.members.TIERS`."""

ROLE_CODES: dict[str, tuple[str, str]] = {
    "role_name.owner": ("owner", "群主"),
    "role_name.admin": ("admin", "管理员"),
    "role_name.allowlisted": ("allowlisted", "白名单成员"),
    "role_name.member": ("member", "成员"),
    "role_name.bot": ("bot", "机器人"),
}
"""``role_name.<role>`` -> (en, zh): member roles (owner, admin, allowlisted, member)."""

EVIDENCE_CODES: dict[str, tuple[str, str]] = {
    "tier.left": (
        "left on {left_date} (leave notice, no message after it)",
        "{left_date} 退群（有退群通知，之后没有再发言）"),
    "tier.dormant": (
        "last message {last_date}, {days_silent} days before the window end "
        "(no message in the last {dormant_days} days)",
        "最后发言于 {last_date}，距窗口结束 {days_silent} 天（最近 {dormant_days} 天没有发言）"),
    "tier.silent_spoke_before": (
        "no message in the window; last message {last_date}, {days_silent} days before its end",
        "窗口内没有发言；最后发言于 {last_date}，距窗口结束 {days_silent} 天"),
    "tier.silent_joined": (
        "never spoke; joined {joined_date}, {days_silent} days before the window end",
        "从未发言；{joined_date} 入群，距窗口结束 {days_silent} 天"),
    "tier.silent_on_roster": ("never spoke; on the member list", "从未发言；在成员名单上"),
    "tier.silent_never": ("never spoke", "从未发言"),
    "tier.core_by_share": (
        "rank {rank} of the {k_core} members who wrote {core_message_share_pct} of messages "
        "({messages} messages, {share_percent}%)",
        "消息数排第 {rank} 名，前 {k_core} 名成员共发了 {core_message_share_pct} 的消息"
        "（本人 {messages} 条，占 {share_percent}%）"),
    "tier.core_by_days": (
        "spoke on {active_days} of {days} days (at least {core_day_share_pct})",
        "{days} 天中有 {active_days} 天发言（至少 {core_day_share_pct}）"),
    "tier.active": (
        "spoke in {active_weeks} of {weeks} weeks (at least {need_weeks}); "
        "{messages} messages on {active_days} days",
        "{weeks} 周中有 {active_weeks} 周发言（至少 {need_weeks} 周）；{active_days} 天共 {messages} 条消息"),
    "tier.occasional": (
        "spoke in {active_weeks} of {weeks} weeks (fewer than {need_weeks}); "
        "{messages} messages on {active_days} days",
        "{weeks} 周中有 {active_weeks} 周发言（不足 {need_weeks} 周）；{active_days} 天共 {messages} 条消息"),
}
"""``evidence_code`` -> (en, zh). Parameters: per member ``rank, messages, share_percent
(share of the window's messages x 100, one decimal), active_days, active_weeks, days_silent
('?' unknown), last_date, joined_date, left_date`` (YYYY-MM-DD, '?' unknown); per window
``k_core, need_weeks, days, weeks, dormant_days, core_message_share, core_day_share``
(``_pct``: shown as a percentage)."""

SPAM_REASON_CODES: dict[str, tuple[str, str]] = {
    "member.spam_messages": ("{n} spam messages: {checks}", "{n} 条广告：{checks}"),
    "member.spam_messages.one": ("{n} spam message: {checks}", "{n} 条广告：{checks}"),
    "member.name_ad": ("name_ad: {detail}", "昵称带广告：{detail}"),
    "member.hit_and_run": ("hit_and_run: {detail}", "进群发言后很快退群：{detail}"),
    "member.established_one_off": (
        "one-off promotion by an established member ({n} clean messages)",
        "老成员的一次性推广（另有 {n} 条正常消息）"),
    "member.staff_promotions": (
        "{role_name}: {n} promotion(s), never judged a spammer",
        "{role_name}：{n} 次推广，不判为广告号"),
    "member.suspects": ("{n} suspect message(s)", "{n} 条可疑消息"),
}
"""Member spam reasons (``reason_rows`` codes) -> (en, zh). ``n``: the row's count;
``checks``: the check ids of the member's spam messages (``contact.qq x2, lexicon.job``; zh
``contact.qq ×2、lexicon.job``); ``detail``: the check's detail, worded
(:mod:`cli.catalogue_spam`); ``role_name``: the role, worded. ``member.spam_messages.one``
is the English singular, chosen when ``n`` is 1."""


register({**TIER_CODES, **ROLE_CODES, **EVIDENCE_CODES, **SPAM_REASON_CODES})

_SEPARATORS = {"en": {"reasons": "; ", "checks": ", ", "times": " x"},
               "zh": {"reasons": "；", "checks": "、", "times": " ×"}}

# -- tiers ---------------------------------------------------------------------------------------


def tier_label(tier: str, lang: str = "en") -> str:
    """The name of ``tier`` in ``lang`` (``core`` -> 核心); an unknown tier as it is."""
    text = template(f"tier_name.{tier}", lang_key(lang))
    return tier if text is None else text


def role_label(role: str, lang: str = "en") -> str:
    """The name of a member role in ``lang`` (``admin`` -> 管理员); an unknown role as it is."""
    text = template(f"role_name.{role}", lang_key(lang))
    return role if text is None else text


def _dates(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("?").to_numpy(dtype=object)


def _text(values: pd.Series) -> np.ndarray:
    return values.astype(str).to_numpy(dtype=object)


def member_evidence(table: pd.DataFrame, result: MembersResult, lang: str = "en") -> pd.Series:
    """Why each member is in their tier, one sentence per row of ``table`` (vectorised).

    ``table`` is ``result.members`` or ``analysis.members.member_table(result)`` (or rows of
    either): it needs ``evidence_code, rank, messages, active_days, active_weeks,
    days_silent, last_seen, joined, left``. The window's figures come from ``result``.
    Returns a Series named ``evidence`` aligned with ``table``.
    """
    lang = lang_key(lang)
    n = len(table)
    if not n:
        return pd.Series([], index=table.index, dtype=object, name="evidence")
    messages = table["messages"].to_numpy()
    total = result.messages
    share = pd.Series(messages / total * 100 if total else np.zeros(n)).round(1).astype(str)
    values: dict[str, Any] = {
        "rank": _text(table["rank"]),
        "messages": _text(table["messages"]),
        "share_percent": share.to_numpy(dtype=object),
        "active_days": _text(table["active_days"]),
        "active_weeks": _text(table["active_weeks"]),
        "days_silent": table["days_silent"].astype("Int64").astype("string").fillna("?").to_numpy(dtype=object),
        "last_date": _dates(table["last_seen"]),
        "joined_date": _dates(table["joined"]),
        "left_date": _dates(table["left"]),
        "k_core": result.k_core,
        "need_weeks": result.need_weeks,
        "days": result.days,
        "weeks": result.weeks,
        **result.config,
    }
    codes = table["evidence_code"].astype(str).to_numpy(dtype=object)
    return pd.Series(say_rows(codes, lang, values), index=table.index, dtype=object, name="evidence")


def with_evidence(table: pd.DataFrame, result: MembersResult, lang: str = "en") -> pd.DataFrame:
    """``table`` with the worded ``evidence`` column inserted right after ``tier`` (where
    the member CSV has always had it), or at the end when there is no ``tier``."""
    out = table.copy()
    at = out.columns.get_loc("tier") + 1 if "tier" in out.columns else len(out.columns)
    out.insert(at, "evidence", member_evidence(table, result, lang))
    return out


# -- spam reasons --------------------------------------------------------------------------------


def _long_reasons(frame_or_rows: Any) -> tuple[pd.DataFrame, pd.Index | None]:
    """(long rows ``key, check, count, detail, detail_code, params``, the index to align to
    or None)."""
    if isinstance(frame_or_rows, pd.DataFrame) and "reason_rows" in frame_or_rows:
        frame = frame_or_rows
        rows = member_reasons(frame.assign(sender_id=np.arange(len(frame))))  # key = position
        return rows.rename(columns={"sender_id": "key"}), frame.index
    if isinstance(frame_or_rows, pd.DataFrame):
        rows = frame_or_rows.rename(columns={"sender_id": "key"})
        for name, empty in (("detail_code", ""), ("params", None)):  # long rows of an older library
            if name not in rows:
                rows = rows.assign(**{name: empty})
        return rows[["key", *REASON_FIELDS]].reset_index(drop=True), None
    one = pd.DataFrame({"sender_id": [0], "reason_rows": [tuple(tuple(row) for row in frame_or_rows)]})
    return member_reasons(one).rename(columns={"sender_id": "key"}), None


def member_spam_reasons(frame_or_rows: Any, lang: str = "en") -> pd.Series | str:
    """Members' spam reasons in words, one text per member.

    ``frame_or_rows`` is one of:

    - a frame with ``reason_rows`` (``SpamResult.members`` or rows of it): returns a Series
      aligned with it ('' for members with nothing to say);
    - long reason rows (``analysis.spam.members.member_reasons``: ``sender_id, check,
      count, detail``): returns a Series indexed by ``sender_id``, in order of appearance;
    - one member's ``reason_rows`` (tuples of ``(check, count, detail)``): returns a str.

    en is the library's historical English (``3 spam messages: contact.qq x2,
    lexicon.job; hit_and_run: joined ...``); zh the same facts in Chinese.
    """
    lang = lang_key(lang)
    single = not isinstance(frame_or_rows, pd.DataFrame)
    rows, align = _long_reasons(frame_or_rows)
    if not len(rows):
        if single:
            return ""
        return pd.Series("", index=align, dtype=object) if align is not None else pd.Series([], dtype=object)
    sep = _SEPARATORS[lang]
    check = rows["check"].astype(str).to_numpy(dtype=object)
    count = rows["count"].astype("Int64")
    n_text = count.astype("string").fillna("?").to_numpy(dtype=object)
    detail = rows["detail"].where(pd.notna(rows["detail"]), "").astype(str)
    keys = rows["key"].to_numpy()
    is_check = ~pd.Series(check).str.startswith("member.").to_numpy(bool)
    # The checks of each member.spam_messages row: the check rows that follow it.
    new_key = np.r_[True, keys[1:] != keys[:-1]]
    segment = np.cumsum(new_key | ~is_check)
    check_text = np.where(count.fillna(1).to_numpy() > 1, check + sep["times"] + n_text, check)
    joined = (pd.Series(check_text[is_check]).groupby(segment[is_check], sort=False)
              .agg(sep["checks"].join))
    head = ~is_check
    codes = check[head].copy()
    one = (check[head] == "member.spam_messages") & (count[head].fillna(0).to_numpy() == 1)
    codes[one] = "member.spam_messages.one"
    detail_head = detail_texts(rows["detail_code"].to_numpy(dtype=object)[head],
                               rows["params"].to_numpy(dtype=object)[head], detail[head].to_numpy(dtype=object), lang)
    roles = detail[head]
    role_names = roles.map({role: role_label(role, lang) for role in roles.unique()}).to_numpy(dtype=object)
    checks = pd.Series(segment[head]).map(joined).to_numpy(dtype=object)
    checks[pd.isna(checks)] = ""
    values = {
        "n": n_text[head],
        "checks": checks,
        "detail": detail_head,
        "role_name": role_names,
    }
    texts = pd.Series(say_rows(codes, lang, values))
    per_key = texts.groupby(keys[head], sort=False).agg(sep["reasons"].join)
    if single:
        return str(per_key.iloc[0]) if len(per_key) else ""
    if align is not None:
        out = np.full(len(align), "", dtype=object)
        out[per_key.index.to_numpy(dtype=np.int64)] = per_key.to_numpy(dtype=object)
        return pd.Series(out, index=align, dtype=object)
    return per_key.astype(object)
