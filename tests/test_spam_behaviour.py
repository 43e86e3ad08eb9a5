"""Behaviour checks, scoring and the member table on small synthetic chats."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.config import config_from_dict
from analysis.schema import Chat
from analysis.spam import cross_group_repeats, detect_spam
from analysis.spam.behaviour import in_burst
from tests.conftest import make_messages

AD = "兼职日结，日赚300，加微信 abc12345"


def chat_of(rows, group="测试群", roster=None) -> Chat:
    return Chat(messages=make_messages(rows), group=group, roster=roster)


def background(n=40, start="2024-01-01 09:00", members=("1001", "1002", "1003", "1004")):
    """Ordinary chat: distinct short texts over several days."""
    t0 = pd.Timestamp(start)
    return [(t0 + pd.Timedelta(hours=3 * i), members[i % len(members)], f"今天第{i}次讨论读书的话题，挺有意思", "text",
             f"成员{members[i % len(members)]}") for i in range(n)]


def verdict_of(result, msg_id):
    row = result.messages[result.messages["msg_id"] == msg_id].iloc[0]
    return row["verdict"], row["reasons"]


def fired(result, msg_id):
    table = result.explain(msg_id)
    return dict(zip(table.loc[table["hit"], "check"], table.loc[table["hit"], "detail"], strict=True))


def test_in_burst_marks_every_row_of_a_run():
    groups = np.array([0, 0, 0, 0, 1, 1])
    seconds = np.array([0, 10, 20, 500, 0, 5])
    assert list(in_burst(groups, seconds, 3, 30)) == [True, True, True, False, False, False]
    assert list(in_burst(groups, seconds, 2, 5)) == [False] * 4 + [True, True]


def test_repeat_self_needs_three_posts_within_a_day():
    rows = background() + [
        ("2024-01-03 10:00", "2001", "我家的烘焙店新品上市，欢迎大家来尝尝看看", "text", "店主"),
        ("2024-01-03 14:00", "2001", "我家的烘焙店新品上市，欢迎大家来尝尝看看", "text", "店主"),
        ("2024-01-03 20:00", "2001", "我家的烘焙店新品上市，欢迎大家来尝尝看看！", "text", "店主"),
        ("2024-01-04 10:00", "2002", "每周一次的周报已发在群文件，大家看看吧", "text", "小王"),
        ("2024-01-11 10:00", "2002", "每周一次的周报已发在群文件，大家看看吧", "text", "小王"),
        ("2024-01-18 10:00", "2002", "每周一次的周报已发在群文件，大家看看吧", "text", "小王"),
    ]
    r = detect_spam(chat_of(rows))
    n = len(rows)
    assert "repeat_self" in fired(r, f"L{n - 3}")  # exact and near-duplicate (one more "！")
    assert "3x from this member" in fired(r, f"L{n - 5}")["repeat_self"]
    assert "repeat_self" not in fired(r, f"L{n}")  # weekly, not within 24 h


def test_repeat_cross_by_template_and_by_shared_handle():
    rows = background() + [
        ("2024-01-05 10:00", "3001", "新人福利，加我微信 shop8888 领取资料包", "text", "甲"),
        ("2024-01-05 11:00", "3002", "新人福利，加我微信 shop9999 领取资料包", "text", "乙"),
        ("2024-01-05 12:00", "3003", "新人福利，加我微信 shop7777 领取资料包", "text", "丙"),
        ("2024-01-06 12:00", "3004", "资料在这，联系 13800001111", "text", "丁"),
        ("2024-01-06 13:00", "3005", "有事打 13800001111 找老王", "text", "戊"),
    ]
    r = detect_spam(chat_of(rows))
    n = len(rows)
    assert "same text from 3 members" in fired(r, f"L{n - 2}")["repeat_cross"]
    assert "phone:13800001111 from 2 members" in fired(r, f"L{n}")["repeat_cross"]
    # repeated greetings from many members are not a campaign by themselves
    greet = background() + [(f"2024-01-05 1{i}:00", f"40{i}", "祝大家新年快乐，万事如意，身体健康", "text", f"m{i}")
                             for i in range(5)]
    g = detect_spam(chat_of(greet))
    assert (g.messages["verdict"] == "").all()


def test_flood_and_newcomer_and_hit_and_run():
    t = pd.Timestamp("2024-01-05 10:00:00")
    rows = background() + [(t, "5001", "", "join", "新来的")]
    rows += [(t + pd.Timedelta(seconds=60 + i), "5001", f"刷屏第{i}条", "text", "新来的") for i in range(12)]
    rows += [(t + pd.Timedelta(minutes=5), "5001", "", "leave", "新来的")]
    r = detect_spam(chat_of(rows))
    first = f"L{len(background()) + 2}"
    checks = fired(r, first)
    assert "flood" in checks and "newcomer" in checks and "hit_and_run" in checks
    assert "message 1 since joining" in checks["newcomer"]
    assert "(5 min)" in checks["hit_and_run"] or "(4 min)" in checks["hit_and_run"]
    fourth = f"L{len(background()) + 5}"
    assert "newcomer" not in fired(r, fourth)  # only the first three
    # flooding and leaving are two kinds of evidence: spam even without ad words
    assert set(r.messages.loc[r.messages["sender_id"] == "5001", "verdict"]) == {"spam"}
    # a member who floods but stays, saying nothing ad-like, is not flagged (one kind only)
    stay = background() + [(t + pd.Timedelta(seconds=i), "1001", f"哈哈第{i}", "text", "成员1001") for i in range(12)]
    s = detect_spam(chat_of(stay))
    assert "flood" in fired(s, f"L{len(background()) + 1}")
    assert (s.messages["verdict"] == "").all()


def test_join_post_leave_with_an_ad_makes_a_spammer():
    t = pd.Timestamp("2024-01-05 10:00:00")
    rows = background() + [(t, "6001", "", "join", "推广员"), (t + pd.Timedelta(minutes=1), "6001", "我的微信 abc12345", "text", "推广员"),
                           (t + pd.Timedelta(minutes=3), "6001", "", "leave", "推广员")]
    r = detect_spam(chat_of(rows))
    verdict, reasons = verdict_of(r, f"L{len(rows) - 1}")
    assert verdict == "spam" and "hit_and_run" in reasons and "contact.wechat" in reasons
    member = r.members.set_index("sender_id").loc["6001"]
    assert member["is_spammer"] and member["spam_messages"] == 1 and "hit_and_run" in member["reasons"]


def test_ad_in_display_name():
    rows = background() + [("2024-01-05 10:00", "7001", "大家好，我是新来的，微信 abc12345", "text", "看我昵称有惊喜")]
    r = detect_spam(chat_of(rows))
    checks = fired(r, f"L{len(rows)}")
    assert "name_ad" in checks and "看我昵称" in checks["name_ad"]
    assert verdict_of(r, f"L{len(rows)}")[0] == "spam"


def test_new_domain_and_allowlisted_domains():
    rows = background() + [
        ("2024-01-05 10:00", "1001", "推荐一个 https://blog.example.net/post/1", "text", "成员1001"),
        ("2024-01-05 11:00", "1002", "好文 https://mp.weixin.qq.com/s/abc", "text", "成员1002"),
    ]
    r = detect_spam(chat_of(rows))
    assert "blog.example.net shared by 1 member" in fired(r, f"L{len(rows) - 1}")["new_domain"]
    assert not fired(r, f"L{len(rows)}")  # an allowlisted article link is no evidence at all
    cfg = config_from_dict({"spam": {"allowlisted_domains": ["example.net"]}})
    r2 = detect_spam(chat_of(rows), cfg)
    assert not fired(r2, f"L{len(rows) - 1}")


def test_owner_announcement_is_a_promotion_not_spam():
    rows = background() + [("2024-01-05 09:00", "1001",
                            "【通知】周六约跑报名 https://run.example.org/signup 务必进群 群号 12345678 联系电话 13800001111",
                            "text", "群主")]
    cfg = config_from_dict({"group": {"owners": ["1001"]}})
    r = detect_spam(chat_of(rows), cfg)
    assert verdict_of(r, f"L{len(rows)}")[0] == "promotion"
    member = r.members.set_index("sender_id").loc["1001"]
    assert not member["is_spammer"] and member["role"] == "owner" and member["promotions"] == 1
    assert len(r.promotions) == 1 and len(r.flagged) == 0
    # without the owner setting, the same message is spam
    assert verdict_of(detect_spam(chat_of(rows)), f"L{len(rows)}")[0] == "spam"


def test_roster_roles_exempt_admins():
    rows = background() + [("2024-01-05 09:00", "1002", "兼职日结 加微信 abc12345", "text", "管理")]
    roster = pd.DataFrame({"sender_id": ["1002"], "sender": ["管理"], "role": ["admin"], "joined": [pd.NaT]})
    r = detect_spam(chat_of(rows, roster=roster))
    assert verdict_of(r, f"L{len(rows)}")[0] == "promotion"


def test_established_member_gets_credit_and_one_ad_is_not_a_spammer():
    rows = background(n=160) + [("2024-02-01 09:00", "1001", "兼职日结 加微信 abc12345", "text", "成员1001")]
    r = detect_spam(chat_of(rows))
    checks = fired(r, f"L{len(rows)}")
    assert "established" in checks and "40 clean messages before" in checks["established"]
    member = r.members.set_index("sender_id").loc["1001"]
    assert not member["is_spammer"]
    if member["spam_messages"]:
        assert "one-off promotion by an established member" in member["reasons"]


def test_member_table_columns_and_spammer_rule():
    rows = background() + [("2024-01-05 10:00", "8001", AD, "text", "广告"),
                           ("2024-01-06 10:00", "8001", "扣扣 2233445566 刷单返利", "text", "广告")]
    r = detect_spam(chat_of(rows))
    cols = {"sender_id", "sender", "messages", "spam_messages", "spam_score", "is_spammer", "reasons"}
    assert cols <= set(r.members.columns)
    top = r.members.iloc[0]
    assert top["sender_id"] == "8001" and top["is_spammer"] and top["spam_messages"] == 2
    assert top["spam_score"] == pytest.approx(r.flagged["score"].sum())
    assert "2 spam messages" in top["reasons"]
    assert not r.members.iloc[1:]["is_spammer"].any()


def test_cross_group_repeats_of_template_and_handle():
    a = chat_of(background() + [("2024-01-05 10:00", "9001", AD, "text", "广告")], group="A群")
    b = chat_of(background() + [("2024-01-07 10:00", "9002", "兼职日结，日赚500，加微信 abc12345", "text", "广告2")],
                group="B群")
    c = chat_of(background(), group="C群")
    repeats = cross_group_repeats([detect_spam(a), detect_spam(b), detect_spam(c)])
    handle = repeats[(repeats["kind"] == "wechat") & (repeats["key"] == "abc12345")].iloc[0]
    assert handle["n_groups"] == 2 and handle["groups"] == "A群 | B群" and handle["members"] == 2
    assert (repeats["kind"] == "template").any()
    assert cross_group_repeats([detect_spam(c)]).empty


def test_empty_and_event_only_chats():
    r = detect_spam(chat_of([("2024-01-01 10:00", "1", "", "join", "a")]))
    assert r.messages.empty and r.members.empty and r.flagged.empty


def test_weights_thresholds_and_words_come_from_the_config(tmp_path):
    from dataclasses import replace

    from analysis.config import load_config

    path = tmp_path / "community-audit.toml"
    path.write_text('[spam]\nweights = {"contact.wechat" = 1, lexicon = 3}\nspam_threshold = 4\n'
                    'extra_words = {cheats = ["外挂"]}\n', encoding="utf-8")
    cfg = load_config(path)
    rows = background() + [("2024-01-05 10:00", "8001", "卖外挂，加微信 abc12345", "text", "x")]
    verdict, reasons = verdict_of(detect_spam(chat_of(rows), cfg), f"L{len(rows)}")
    assert "contact.wechat: abc12345 (+1)" in reasons and "lexicon.cheats: 外挂 (+3)" in reasons
    assert verdict == "spam"  # 1 + 3 = 4 with two kinds
    stricter = replace(cfg, spam=replace(cfg.spam, spam_threshold=5))
    assert verdict_of(detect_spam(chat_of(rows), stricter), f"L{len(rows)}")[0] == "suspect"
