"""Behaviour checks, scoring and the member table on small synthetic chats."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.config import config_from_dict
from analysis.schema import Chat
from analysis.spam import cross_group_repeats, detect_spam
from analysis.spam.behaviour import in_burst
from analysis.spam.members import member_reasons, spammer_checks
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


def fired_params(result, msg_id):
    """check -> (detail code, parameters) for the checks that fired on one message."""
    table = result.explain(msg_id)
    hit = table[table["hit"]]
    return dict(zip(hit["check"], zip(hit["detail_code"], hit["detail_params"], strict=True), strict=True))


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
    assert fired(r, f"L{n - 5}")["repeat_self"] == "3x (3+/24h)"
    assert fired_params(r, f"L{n - 5}")["repeat_self"] == ("detail.repeat_self", {"times": 3, "count": 3, "hours": 24})
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
    assert "text=3" in fired(r, f"L{n - 2}")["repeat_cross"]
    assert fired_params(r, f"L{n - 2}")["repeat_cross"] == ("detail.repeat_cross", {"members": 3, "handles": []})
    assert fired(r, f"L{n}")["repeat_cross"] == "phone:13800001111=2"
    assert fired_params(r, f"L{n}")["repeat_cross"] == (
        "detail.repeat_cross", {"members": None, "handles": [["phone", "13800001111", 2]]})
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
    assert checks["newcomer"] == "#1 (2024-01-05 10:00)"
    assert checks["flood"] == "12/15s"
    params = fired_params(r, first)
    assert params["newcomer"] == ("detail.newcomer", {"n": 1, "joined": "2024-01-05 10:00"})
    assert params["flood"] == ("detail.flood", {"messages": 12, "seconds": 15})
    assert params["hit_and_run"] == ("detail.hit_and_run.joined", {"start": "2024-01-05 10:00", "left": "10:05",
                                                                    "minutes": 5})
    assert checks["hit_and_run"] == "join=2024-01-05 10:00, leave=10:05 (5 min)"
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
    rows = member["reason_rows"]
    assert rows[0] == ("member.spam_messages", 1, None, "", None)
    assert {"contact.wechat", "newcomer", "hit_and_run"} <= {check for check, *_ in rows}
    run = [row for row in rows if row[0] == "member.hit_and_run"]
    assert run == [("member.hit_and_run", 3, "join=2024-01-05 10:00, leave=10:03 (3 min)", "detail.hit_and_run.joined",
                    {"start": "2024-01-05 10:00", "left": "10:03", "minutes": 3})]
    assert member["reasons"].endswith("; hit_and_run: 3 min")
    assert {"newcomer", "hit_and_run"} <= spammer_checks(r)["6001"]


def test_ad_in_display_name():
    rows = background() + [("2024-01-05 10:00", "7001", "大家好，我是新来的，微信 abc12345", "text", "看我昵称有惊喜")]
    r = detect_spam(chat_of(rows))
    checks = fired(r, f"L{len(rows)}")
    assert "name_ad" in checks and "看我昵称" in checks["name_ad"]
    assert checks["name_ad"] == "'看我昵称有惊喜': lexicon.profile_lure 看我昵称"
    assert fired_params(r, f"L{len(rows)}")["name_ad"] == ("detail.name_ad", {"names": [{
        "name": "看我昵称有惊喜",
        "hits": [{"check": "lexicon.profile_lure", "detail": "看我昵称", "detail_code": "", "detail_params": None}]}]})
    assert verdict_of(r, f"L{len(rows)}")[0] == "spam"
    # a disguised contact in the name carries its own detail code
    rows = background() + [("2024-01-05 10:00", "7002", "大家好 微信 abc12345", "text", "加扣①⑨①⑨⑤⑤〇⑤⑨")]
    name = fired_params(detect_spam(chat_of(rows)), f"L{len(rows)}")["name_ad"][1]["names"][0]
    assert name["hits"] == [{"check": "contact_obfuscated", "detail": "qq (stylised=8)", "detail_code": "detail.obfuscation",
                             "detail_params": {"kinds": ["qq"], "invisible": 0, "stylised": 8}}]


def test_new_domain_and_allowlisted_domains():
    rows = background() + [
        ("2024-01-05 10:00", "1001", "推荐一个 https://blog.example.net/post/1", "text", "成员1001"),
        ("2024-01-05 11:00", "1002", "好文 https://mp.weixin.qq.com/s/abc", "text", "成员1002"),
    ]
    r = detect_spam(chat_of(rows))
    assert fired(r, f"L{len(rows) - 1}")["new_domain"] == "blog.example.net=1"
    assert fired_params(r, f"L{len(rows) - 1}")["new_domain"] == ("detail.new_domain",
                                                                  {"domains": [["blog.example.net", 1]]})
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
    assert "established" in checks and checks["established"] == "40"
    assert fired_params(r, f"L{len(rows)}")["established"] == ("detail.established", {"n": 40})
    member = r.members.set_index("sender_id").loc["1001"]
    assert not member["is_spammer"]
    if member["spam_messages"]:
        assert ("member.established_one_off", member["reason_rows"][-1][1], None, "", None) == member["reason_rows"][-1]


def test_one_off_promotion_by_an_established_member_is_a_reason_row():
    words = "春夏秋冬山水花鸟风月云雨雪霜天地日星河海江湖松竹梅兰菊桃李杏"
    t0 = pd.Timestamp("2024-01-01 09:00")
    rows = [(t0 + pd.Timedelta(hours=3 * i), "1001" if i % 2 else "1002",
             f"{words[i % len(words)]}{words[i * 7 % len(words)]}{words[i * 13 % len(words)]}真好看，我很喜欢", "text", "成员")
            for i in range(120)]
    rows.append(("2024-03-01 09:00", "1001", "兼职日结，日赚300，加微信 abc12345 扣扣 2233445566 刷单返利", "text", "成员1001"))
    member = detect_spam(chat_of(rows)).members.set_index("sender_id").loc["1001"]
    assert not member["is_spammer"] and member["spam_messages"] == 1
    assert member["reason_rows"][-1] == ("member.established_one_off", 60, None, "", None)
    assert member["reasons"] == "contact.wechat, contact.qq, contact_obfuscated, lexicon.job; member.established_one_off: 60"


def test_staff_promotions_and_suspects_are_reason_rows():
    # 1001 is established: their ad is only suspect; 1002 is an admin: a promotion.
    rows = background(n=160) + [("2024-02-01 09:00", "1001", "兼职日结 加微信 abc12345", "text", "成员1001"),
                                ("2024-02-01 10:00", "1002", "周末团建报名 扣扣 2233445566 刷单返利", "text", "管理")]
    roster = pd.DataFrame({"sender_id": ["1002"], "sender": ["管理"], "role": ["admin"], "joined": [pd.NaT]})
    r = detect_spam(chat_of(rows, roster=roster))
    members = r.members.set_index("sender_id")
    assert members.loc["1002", "reason_rows"] == (("member.staff_promotions", 1, "admin", "", None),)
    assert members.loc["1002", "reasons"] == "member.staff_promotions: admin 1"
    assert members.loc["1001", "suspect_messages"] == 1
    assert members.loc["1001", "reason_rows"] == (("member.suspects", 1, None, "", None),)
    assert members.loc["1001", "reasons"] == "member.suspects: 1"
    assert members.loc["1003", "reason_rows"] == () and members.loc["1003", "reasons"] == ""
    long = member_reasons(r)
    assert list(long.columns) == ["sender_id", "check", "count", "detail", "detail_code", "params"]
    assert long.set_index("sender_id").loc["1002", "detail"] == "admin"
    assert spammer_checks(r) == {}


def test_name_ad_reason_row_and_ids_only_reasons():
    rows = background() + [("2024-01-05 10:00", "7001", "大家好，我是新来的，微信 abc12345", "text", "看我昵称有惊喜")]
    member = detect_spam(chat_of(rows)).members.set_index("sender_id").loc["7001"]
    name = [row for row in member["reason_rows"] if row[0] == "member.name_ad"]
    assert name == [("member.name_ad", None, "'看我昵称有惊喜': lexicon.profile_lure 看我昵称", "detail.name_ad",
                     {"names": [{"name": "看我昵称有惊喜", "hits": [{"check": "lexicon.profile_lure", "detail": "看我昵称",
                                                              "detail_code": "", "detail_params": None}]}]})]
    assert member["reasons"].endswith("; name_ad: lexicon.profile_lure")
    # ids, figures and the unit "min" only: no sentence
    assert not re.search(r"\b(spam messages?|promotion|never|judged|suspect message|joined|left|name ')", member["reasons"])


def test_member_table_columns_and_spammer_rule():
    rows = background() + [("2024-01-05 10:00", "8001", AD, "text", "广告"),
                           ("2024-01-06 10:00", "8001", "扣扣 2233445566 刷单返利", "text", "广告")]
    r = detect_spam(chat_of(rows))
    cols = {"sender_id", "sender", "messages", "spam_messages", "spam_score", "is_spammer", "reasons", "reason_rows"}
    assert cols <= set(r.members.columns)
    top = r.members.iloc[0]
    assert top["sender_id"] == "8001" and top["is_spammer"] and top["spam_messages"] == 2
    assert top["spam_score"] == pytest.approx(r.flagged["score"].sum())
    assert top["reason_rows"][0] == ("member.spam_messages", 2, None, "", None)
    assert top["reasons"] == "contact.wechat, lexicon.job x2, contact.qq, contact_obfuscated"
    assert ("lexicon.job", 2, None, "", None) in top["reason_rows"]
    assert spammer_checks(r) == {"8001": {"contact.wechat", "lexicon.job", "contact.qq", "contact_obfuscated"}}
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


def test_message_reason_rows_and_ids_only_reasons():
    t = pd.Timestamp("2024-01-05 10:00:00")
    rows = background() + [(t, "5001", "", "join", "新来的")]
    rows += [(t + pd.Timedelta(seconds=60 + i), "5001", f"加微信 abc1234{i} 兼职日结", "text", "新来的") for i in range(12)]
    rows += [(t + pd.Timedelta(minutes=5), "5001", "", "leave", "新来的")]
    r = detect_spam(chat_of(rows))
    msgs = r.messages
    reported = msgs["verdict"] != ""
    assert reported.any()
    assert (msgs.loc[~reported, "reason_rows"].map(len) == 0).all()
    for reasons, reason_rows in zip(msgs.loc[reported, "reasons"], msgs.loc[reported, "reason_rows"], strict=True):
        assert reasons == "; ".join(f"{check}: {detail} ({points:+g})" for check, points, _, _, detail in reason_rows)
        # ids, figures, the log's text and the machine notation (join=, min) only
        assert not re.search(r"\b(from|members?|messages|within|since|joined|left|spoke|shared|clean|readable|chars)\b",
                             reasons), reasons
    first = msgs.loc[reported].iloc[0]
    assert first["reason_rows"][0] == ("contact.wechat", 3.0, "", None, "abc12340")
    by_check = {row[0]: row for row in first["reason_rows"]}
    assert by_check["flood"] == ("flood", 2.0, "detail.flood", {"messages": 12, "seconds": 15}, "12/15s")
    assert by_check["newcomer"][2:] == ("detail.newcomer", {"n": 1, "joined": "2024-01-05 10:00"},
                                        "#1 (2024-01-05 10:00)")
    table = r.explain(first["msg_id"])
    assert list(table.columns) == ["check", "family", "hit", "points", "detail", "detail_code", "detail_params"]
    assert (table.loc[~table["hit"] & (table["check"] != "model_nb"), "detail"] == "-").all()
    assert table.set_index("check").loc["model_nb", "detail_code"] == "detail.no_model"
    assert all(isinstance(p, dict) for p in table["detail_params"])


def test_caps_are_detail_codes():
    rows = background() + [("2024-01-05 10:00", "8001", "兼职日结，日赚300，加微信 abc12345 扣扣 2233445566 电话 13911112222 "
                                                   "免费领取 诚招代理", "text", "x")]
    r = detect_spam(chat_of(rows))
    params = fired_params(r, f"L{len(rows)}")
    assert params["contact_cap"] == ("detail.contact_cap", {"cap": 4})
    assert params["lexicon_cap"] == ("detail.lexicon_cap", {"cap": 4})
    assert fired(r, f"L{len(rows)}")["contact_cap"] == "<=4"
