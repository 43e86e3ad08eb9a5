"""The CLI words the member evidence codes and the spam reason rows (cli/catalogue_members.py).

English must read exactly as the library's sentences did before they became data; Chinese
must say the same with no English words (check ids, log texts and numbers stay as they are).
"""

from __future__ import annotations

import re
import string

import numpy as np
import pandas as pd
import pytest

from analysis.config import Config, GroupConfig, MembersConfig
from analysis.members import EVIDENCE_CODES, TIERS, analyse_members, member_table
from analysis.schema import Chat
from analysis.spam import detect_spam
from analysis.spam.members import MEMBER_REASON_CODES, member_reasons
from analysis.window import Window
from cli.catalogue import MESSAGES, say
from cli.catalogue_members import EVIDENCE_CODES as EVIDENCE_TEMPLATES
from cli.catalogue_members import (
    ROLE_CODES,
    SPAM_REASON_CODES,
    TIER_CODES,
    member_evidence,
    member_spam_reasons,
    role_label,
    tier_label,
    with_evidence,
)
from tests.conftest import make_messages
from tests.test_members import WINDOW, _rows
from tests.test_spam_behaviour import AD, background, chat_of

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chat():
    roster = pd.DataFrame({"sender_id": ["g", "a"], "sender": ["名单上的人", None], "role": [None, "owner"],
                           "joined": [pd.NaT, pd.NaT]})
    return Chat(messages=make_messages(_rows()), roster=roster)


# -- every code, both languages -------------------------------------------------------------------


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_every_code_has_en_and_zh_with_the_same_parameters():
    codes = {**TIER_CODES, **ROLE_CODES, **EVIDENCE_TEMPLATES, **SPAM_REASON_CODES}
    for code, (en, zh) in codes.items():
        assert MESSAGES[code] == (en, zh), code
        assert en and zh and not CJK.search(en) and CJK.search(zh), code
        assert _fields(en) == _fields(zh), code
    # Every code the library can return is worded.
    assert set(EVIDENCE_CODES) == set(EVIDENCE_TEMPLATES)
    assert set(MEMBER_REASON_CODES) <= set(SPAM_REASON_CODES)
    assert {f"tier_name.{t}" for t in TIERS} <= set(MESSAGES)


def test_tier_and_role_labels():
    assert [tier_label(t, "en") for t in TIERS] == list(TIERS)
    assert [tier_label(t, "zh") for t in TIERS] == ["核心", "活跃", "偶尔", "潜水", "沉默", "已退群"]
    assert tier_label("nonsense", "zh") == "nonsense"
    assert (role_label("admin", "zh"), role_label("owner", "en"), role_label("other", "zh")) == ("管理员", "owner", "other")
    assert say("tier.active", "en", active_weeks=2, weeks=3, need_weeks=2, messages=4, active_days=2) == \
        "spoke in 2 of 3 weeks (at least 2); 4 messages on 2 days"


# -- member evidence ------------------------------------------------------------------------------

OLD_EVIDENCE = {
    "a": "rank 1 of the 1 members who wrote 50% of messages (30 messages, 71.4%)",
    "f": "spoke in 5 of 9 weeks (at least 5); 5 messages on 5 days",
    "e": "spoke in 3 of 9 weeks (fewer than 5); 3 messages on 3 days",
    "c": "never spoke; joined 2024-01-05, 55 days before the window end",
    "g": "never spoke; on the member list",
    "b": "last message 2024-01-01, 59 days before the window end (no message in the last 30 days)",
    "d": "left on 2024-01-20 (leave notice, no message after it)",
}
"""What analysis/members.py wrote before evidence became codes (planted group, default config)."""


def test_english_evidence_is_the_old_sentences(chat):
    result = analyse_members(chat, window=WINDOW)
    for table in (result.members, member_table(result)):
        words = member_evidence(table, result, "en")
        assert words.name == "evidence" and words.index.equals(table.index)
        assert dict(zip(table["sender_id"], words, strict=True)) == OLD_EVIDENCE


def test_english_evidence_other_codes_and_thresholds(chat):
    short = analyse_members(chat, window=Window(pd.Timestamp("2024-02-22"), pd.Timestamp("2024-02-27")))
    words = dict(zip(short.members["sender_id"], member_evidence(short.members, short, "en"), strict=True))
    assert words["a"] == "rank 1 of the 1 members who wrote 50% of messages (5 messages, 100.0%)"
    assert words["f"] == "no message in the window; last message 2024-02-21, 5 days before its end"
    assert words["b"] == "last message 2024-01-01, 56 days before the window end (no message in the last 30 days)"
    cfg = Config(members=MembersConfig(dormant_days=90, active_week_share=0.3, core_day_share=0.07))
    tuned = analyse_members(chat, window=WINDOW, config=cfg)
    words = dict(zip(tuned.members["sender_id"], member_evidence(tuned.members, tuned, "en"), strict=True))
    assert words["f"] == "spoke on 5 of 60 days (at least 7%)"
    assert words["e"] == "spoke in 3 of 9 weeks (at least 3); 3 messages on 3 days"
    assert words["b"] == "spoke in 1 of 9 weeks (fewer than 3); 3 messages on 1 days"


def test_chinese_evidence_has_no_english_words(chat):
    for window in (WINDOW, Window(pd.Timestamp("2024-02-22"), pd.Timestamp("2024-02-27"))):
        result = analyse_members(chat, window=window, config=Config(group=GroupConfig(admins=["f"])))
        zh = member_evidence(member_table(result), result, "zh")
        for text in zh:
            assert CJK.search(text) and not re.search(r"[A-Za-z]", text), text
    result = analyse_members(chat, window=WINDOW)
    zh = dict(zip(result.members["sender_id"], member_evidence(result.members, result, "zh"), strict=True))
    assert zh["a"] == "消息数排第 1 名，前 1 名成员共发了 50% 的消息（本人 30 条，占 71.4%）"
    assert zh["c"] == "从未发言；2024-01-05 入群，距窗口结束 55 天"
    assert zh["g"] == "从未发言；在成员名单上"


def test_with_evidence_puts_the_column_where_the_csv_had_it(chat):
    result = analyse_members(chat, window=WINDOW)
    table = with_evidence(member_table(result), result, "zh")
    cols = list(table.columns)
    assert cols[:14] == ["sender_id", "sender", "role", "messages", "share", "active_days", "active_weeks",
                         "first_seen", "last_seen", "joined", "left", "days_silent", "tier", "evidence"]
    assert table["tier"].tolist() == member_table(result)["tier"].tolist()  # values stay codes
    assert "evidence" not in member_table(result).columns  # the input is not changed
    empty = with_evidence(member_table(result).iloc[:0], result, "en")
    assert "evidence" in empty.columns and empty.empty


def test_evidence_is_vectorised_over_many_members(chat):
    result = analyse_members(chat, window=WINDOW)
    big = pd.concat([member_table(result)] * 20_000, ignore_index=True)  # 140k rows
    words = member_evidence(big, result, "en")
    assert len(words) == len(big)
    assert words.iloc[-7:].tolist() == list(OLD_EVIDENCE.values())


# -- members' spam reasons ------------------------------------------------------------------------

T = pd.Timestamp("2024-01-05 10:00:00")
PLANTED = {
    "hit_and_run": (
        background() + [(T, "6001", "", "join", "推广员"), (T + pd.Timedelta(minutes=1), "6001", "我的微信 abc12345", "text", "推广员"),
                        (T + pd.Timedelta(minutes=3), "6001", "", "leave", "推广员")],
        None, "1 spam message: contact.wechat, newcomer, hit_and_run; hit_and_run: joined 2024-01-05 10:00, left 10:03 (3 min)"),
    "first_spoke": (
        background() + [(T + pd.Timedelta(minutes=1), "6001", "我的微信 abc12345", "text", "推广员"),
                        (T + pd.Timedelta(minutes=3), "6001", "刷单返利 加微信 abc12345", "text", "推广员"),
                        (T + pd.Timedelta(minutes=5), "6001", "", "leave", "推广员")],
        None, "2 spam messages: contact.wechat x2, hit_and_run x2, lexicon.job; "
              "hit_and_run: first spoke 2024-01-05 10:01, left 10:05 (4 min)"),
    "name_ad": (
        background() + [("2024-01-05 10:00", "7001", "大家好，我是新来的，微信 abc12345", "text", "看我昵称有惊喜")],
        None, "1 spam message: contact.wechat, name_ad; name_ad: name '看我昵称有惊喜': lexicon.profile_lure 看我昵称"),
    "owner": (
        background() + [("2024-01-05 09:00", "1001", "【通知】周六约跑报名 https://run.example.org/signup 务必进群 群号 12345678 "
                                             "联系电话 13800001111", "text", "群主")],
        Config(group=GroupConfig(owners=["1001"])), "owner: 1 promotion(s), never judged a spammer"),
    "two": (
        background() + [("2024-01-05 10:00", "8001", AD, "text", "广告"),
                        ("2024-01-06 10:00", "8001", "扣扣 2233445566 刷单返利", "text", "广告")],
        None, "2 spam messages: contact.wechat, lexicon.job x2, contact.qq, contact_obfuscated"),
    "suspect": (
        background(n=160) + [("2024-02-01 09:00", "1001", "兼职日结 加微信 abc12345", "text", "成员1001")],
        None, "1 suspect message(s)"),
}
"""Planted chats and what analysis/spam/members.py wrote for their one member with reasons."""


def _one_off_rows():
    words = "春夏秋冬山水花鸟风月云雨雪霜天地日星河海江湖松竹梅兰菊桃李杏"
    t0 = pd.Timestamp("2024-01-01 09:00")
    rows = [(t0 + pd.Timedelta(hours=3 * i), "1001" if i % 2 else "1002",
             f"{words[i % len(words)]}{words[i * 7 % len(words)]}{words[i * 13 % len(words)]}真好看，我很喜欢", "text", "成员")
            for i in range(120)]
    return rows + [("2024-03-01 09:00", "1001", "兼职日结，日赚300，加微信 abc12345 扣扣 2233445566 刷单返利", "text", "成员1001")]


PLANTED["one_off"] = (_one_off_rows(), None, "1 spam message: contact.wechat, contact.qq, contact_obfuscated, lexicon.job; "
                                              "one-off promotion by an established member (60 clean messages)")


def _planted(name):
    rows, config, old = PLANTED[name]
    return detect_spam(chat_of(rows), config), old


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_english_spam_reasons_are_the_old_sentences(name):
    result, old = _planted(name)
    words = member_spam_reasons(result.members, "en")
    assert words.index.equals(result.members.index)
    assert [w for w in words if w] == [old]
    # The same from the long rows (indexed by sender_id) and from one member's rows.
    long = member_spam_reasons(member_reasons(result), "en")
    assert long.tolist() == [old]
    row = result.members[words != ""].iloc[0]
    assert long.index.tolist() == [row["sender_id"]]
    assert member_spam_reasons(row["reason_rows"], "en") == old


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_chinese_spam_reasons_have_no_english_words(name):
    result, _ = _planted(name)
    checks = sorted((c.name for c in result.checks), key=len, reverse=True)
    for text in member_spam_reasons(result.members, "zh"):
        if not text:
            continue
        assert CJK.search(text), text
        rest = re.sub("|".join(re.escape(c) for c in checks), "", text)
        rest = re.sub(r" x\d+", "", rest)
        assert not re.search(r"[A-Za-z]", rest), text


def test_chinese_spam_reasons_read_naturally():
    result, _ = _planted("hit_and_run")
    zh = [w for w in member_spam_reasons(result.members, "zh") if w]
    assert zh == ["1 条广告：contact.wechat、newcomer、hit_and_run；进群发言后很快退群：2024-01-05 10:00 入群，10:03 退群（3 分钟）"]
    result, _ = _planted("owner")
    assert [w for w in member_spam_reasons(result.members, "zh") if w] == ["群主：1 次推广，不判为广告号"]
    result, _ = _planted("one_off")
    assert [w for w in member_spam_reasons(result.members, "zh") if w] == [
        "1 条广告：contact.wechat、contact.qq、contact_obfuscated、lexicon.job；老成员的一次性推广（另有 60 条正常消息）"]
    result, _ = _planted("name_ad")
    assert [w for w in member_spam_reasons(result.members, "zh") if w][0].endswith(
        "昵称带广告：'看我昵称有惊喜'（lexicon.profile_lure 看我昵称）")


def test_spam_reasons_of_nothing():
    assert member_spam_reasons((), "zh") == ""
    assert member_spam_reasons([("member.suspects", 2, None)], "zh") == "2 条可疑消息"
    empty = detect_spam(chat_of([("2024-01-01 10:00", "1", "", "join", "a")])).members
    assert member_spam_reasons(empty, "en").empty
    quiet = detect_spam(chat_of(background())).members
    assert (member_spam_reasons(quiet, "en") == "").all()
    assert np.array_equal(member_spam_reasons(quiet.iloc[:2], "zh").index, quiet.index[:2])
