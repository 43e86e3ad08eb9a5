"""The CLI words the spam check details (cli/catalogue_spam.py).

English must read exactly as the library's phrases did before details became codes with
parameters; Chinese must say the same with no English words (check ids, the log's own
matched text, figures and the ``--model`` option stay as they are).
"""

from __future__ import annotations

import re
import string

import numpy as np
import pandas as pd
import pytest

from analysis.config import Config, GroupConfig
from analysis.spam import NaiveBayes, detect_spam, judge_texts
from analysis.spam.scoring import DETAIL_CODES as LIBRARY_DETAIL_CODES
from cli.catalogue import MESSAGES
from cli.catalogue_members import member_spam_reasons
from cli.catalogue_spam import (
    CONTACT_KIND_CODES,
    DETAIL_CODES,
    PART_CODES,
    detail_text,
    detail_texts,
    explain_frame,
    message_reasons,
    with_reasons,
)
from tests.test_spam_behaviour import background, chat_of
from tests.test_spam_nb import corpus

CJK = re.compile(r"[\u4e00-\u9fff]")
T = pd.Timestamp("2024-01-05 10:00:00")


def _planted() -> dict[str, tuple[list, Config | None]]:
    flood = background() + [(T, "5001", "", "join", "看我昵称有惊喜")]
    flood += [(T + pd.Timedelta(seconds=60 + i), "5001", f"第{i}条 加扣①⑨①⑨⑤⑤〇⑤⑨", "text", "看我昵称有惊喜") for i in range(12)]
    flood += [(T + pd.Timedelta(minutes=5), "5001", "", "leave", "看我昵称有惊喜")]
    return {
        "flood": (flood, None),
        "repeat": (background() + [
            ("2024-01-05 10:00", "3001", "新人福利，加我微信 shop8888 领取资料包", "text", "甲"),
            ("2024-01-05 11:00", "3002", "新人福利，加我微信 shop9999 领取资料包", "text", "乙"),
            ("2024-01-05 12:00", "3003", "新人福利，加我微信 shop7777 领取资料包", "text", "丙"),
            ("2024-01-06 12:00", "3004", "资料在这，联系 13800001111 兼职日结", "text", "丁"),
            ("2024-01-06 13:00", "3005", "有事打 13800001111 找老王 刷单返利", "text", "戊"),
            ("2024-01-07 10:00", "3008", "我家的烘焙店新品上市，欢迎大家来尝尝看看 vx: shop_12345", "text", "店主"),
            ("2024-01-07 14:00", "3008", "我家的烘焙店新品上市，欢迎大家来尝尝看看 vx: shop_12345", "text", "店主"),
            ("2024-01-07 20:00", "3008", "我家的烘焙店新品上市，欢迎大家来尝尝看看！vx: shop_12345", "text", "店主"),
            ("2024-01-08 10:00", "3011", "进群领资料，加微信 team2024 私聊", "text", "子"),
            ("2024-01-08 11:00", "3012", "进群领资料，加微信 team2024 私聊", "text", "丑"),
            ("2024-01-08 12:00", "3013", "进群领资料，加微信 team2024 私聊", "text", "寅"),
        ], None),
        "domain": (background() + [
            ("2024-01-05 10:00", "1001", "兼职日结 详情 https://jianzhi.example.net/a 私聊", "text", "成员1001"),
            ("2024-01-05 11:00", "1002", "好文 https://mp.weixin.qq.com/s/abc", "text", "成员1002"),
        ], None),
        "caps": (background() + [
            ("2024-01-05 10:00", "8001", "兼职日结，日赚300，加微信 abc12345 扣扣 2233445566 电话 13911112222 免费领取 诚招代理",
             "text", "x"),
            ("2024-01-05 11:00", "8002", "专\u200b业\u200b代\u200b理 𝘍𝘛𝘈676 买片 看-夹-企-鹅 😀😀😀🔥🔥🔥💰💰 加我", "text", "y"),
        ], None),
        "first_spoke": (background() + [
            (T + pd.Timedelta(minutes=1), "6001", "我的微信 abc12345", "text", "推广员"),
            (T + pd.Timedelta(minutes=3), "6001", "刷单返利 加微信 abc12345", "text", "推广员"),
            (T + pd.Timedelta(minutes=5), "6001", "", "leave", "推广员"),
        ], None),
        "established": (background(n=160) + [
            ("2024-02-01 09:00", "1001", "兼职日结 加微信 abc12345", "text", "成员1001")], None),
        "name_ad": (background() + [
            ("2024-01-05 10:00", "7002", "大家好 微信 abc12345", "text", "加扣①⑨①⑨⑤⑤〇⑤⑨"),
            ("2024-01-05 10:30", "7003", "大家好，兼职日结 看我昵称", "text", "兼职招聘小助理")], None),
        "owner": (background() + [
            ("2024-01-05 09:00", "1001", "【通知】周六约跑报名 https://run.example.org/signup 务必进群 群号 12345678 联系电话 13800001111",
             "text", "群主")], Config(group=GroupConfig(owners=["1001"]))),
    }


PLANTED = _planted()

OLD_REASONS: dict[str, dict[str, str]] = {
    "flood": {
        "L42": "contact.qq: 191955059 (+3); contact_obfuscated: qq readable only after normalising (8 stylised chars "
               "folded) (+3); obfuscated_text: 8 stylised letters/digits (+2); flood: 12+ messages within 15 s (+2); "
               "newcomer: message 1 since joining (joined 2024-01-05 10:00) (+1); hit_and_run: joined 2024-01-05 10:00, "
               "left 10:05 (5 min) (+3); name_ad: name '看我昵称有惊喜': lexicon.profile_lure 看我昵称 (+2)",
        "L45": "contact.qq: 191955059 (+3); contact_obfuscated: qq readable only after normalising (8 stylised chars "
               "folded) (+3); obfuscated_text: 8 stylised letters/digits (+2); flood: 12+ messages within 15 s (+2); "
               "hit_and_run: joined 2024-01-05 10:00, left 10:05 (5 min) (+3); name_ad: name '看我昵称有惊喜': "
               "lexicon.profile_lure 看我昵称 (+2)",
    },
    "repeat": {
        "L41": "contact.wechat: shop8888 (+3); lexicon.free: 新人福利 (+2); lexicon.call_to_action: 加我 (+1); "
               "repeat_cross: same text from 3 members (+2)",
        "L44": "contact.phone: 13800001111 (+3); lexicon.job: 兼职日结 (+2); repeat_cross: phone:13800001111 from 2 members (+2)",
        "L46": "contact.wechat: shop_12345 (+3); repeat_self: 3x from this member (3+ within 24 h) (+2)",
        "L49": "contact.wechat: team2024 (+3); lexicon.group_lure: 进群领 (+2); lexicon.call_to_action: 私聊 (+1); "
               "repeat_cross: same text from 3 members; wechat:team2024 from 3 members (+2); newcomer: message 1 since "
               "joining (joined 2024-01-08 10:00) (+1)",
    },
    "domain": {
        "L41": "contact.link: jianzhi.example.net (+1); lexicon.job: 兼职日结, jianzhi (+2); lexicon.call_to_action: 私聊 (+1); "
               "new_domain: jianzhi.example.net shared by 1 member(s) (+1)",
    },
    "caps": {
        "L41": "contact.phone: 13911112222 (+3); contact.wechat: abc12345 (+3); contact.qq: 2233445566 (+3); "
               "contact_obfuscated: qq readable only after normalising (homophones, separators or numerals) (+3); "
               "lexicon.job: 兼职日结, 日赚 (+2); lexicon.business: 诚招代理 (+2); lexicon.free: 免费领取 (+2); "
               "contact_cap: contact checks count at most 4 together (-5); lexicon_cap: lexicon checks count at most 4 "
               "together (-2)",
        "L42": "obfuscated_text: 3 invisible chars, 3 stylised letters/digits, separators between single characters (+2); "
               "lexicon.adult: 买片 (+2); lexicon.call_to_action: 加我 (+1); emoji: 8 emoji/symbols in 34 chars (+1)",
    },
    "first_spoke": {
        "L41": "contact.wechat: abc12345 (+3); hit_and_run: first spoke 2024-01-05 10:01, left 10:05 (4 min) (+3)",
    },
    "established": {
        "L161": "contact.wechat: abc12345 (+3); lexicon.job: 兼职日结 (+2); established: 40 clean messages before (-2)",
    },
    "name_ad": {
        "L41": "contact.wechat: abc12345 (+3); name_ad: name '加扣①⑨①⑨⑤⑤〇⑤⑨': contact_obfuscated qq readable only after "
               "normalising (8 stylised chars folded) (+2)",
        "L42": "lexicon.job: 兼职日结 (+2); lexicon.profile_lure: 看我昵称 (+2); name_ad: name '兼职招聘小助理': lexicon.job 兼职招聘 (+2)",
    },
    "owner": {
        "L41": "contact.phone: 13800001111 (+3); contact.group: 12345678 (+3); contact.link: run.example.org (+1); "
               "lexicon.group_lure: 务必进群 (+2); new_domain: run.example.org shared by 1 member(s) (+1); contact_cap: "
               "contact checks count at most 4 together (-3)",
    },
}
"""What analysis/spam/scoring.py wrote in ``reasons`` before details became codes (default config)."""


def _result(name: str):
    rows, config = PLANTED[name]
    return detect_spam(chat_of(rows), config)


@pytest.fixture(scope="module")
def results():
    return {name: _result(name) for name in PLANTED}


def _reported(result) -> pd.DataFrame:
    return result.messages[result.messages["verdict"] != ""]


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


# -- every code, both languages -------------------------------------------------------------------


def _chinese(template: str) -> bool:
    """Chinese words or full-width punctuation, or only fields (assembled from parts)."""
    return bool(CJK.search(template) or re.search("[（）：；，、]", template)
                or re.fullmatch(r"(\{\w+\}| )+", template))


def test_every_detail_code_of_the_library_has_en_and_zh():
    assert set(LIBRARY_DETAIL_CODES) == set(DETAIL_CODES)
    for code in LIBRARY_DETAIL_CODES:
        en, zh = MESSAGES[code]
        assert en and zh and not CJK.search(en), code
        assert _fields(en) == _fields(zh), code
        assert _chinese(zh), code
    for code, (en, zh) in {**PART_CODES, **CONTACT_KIND_CODES}.items():
        assert MESSAGES[code] == (en, zh), code
        assert en and zh and not CJK.search(en) and _chinese(zh), code
    for code, (en, zh) in PART_CODES.items():
        assert _fields(en) == _fields(zh), code


def test_every_code_the_library_emits_is_listed(results):
    texts, labels = corpus()
    model = NaiveBayes.fit(texts, labels)
    seen = set()
    for result in [*results.values(), detect_spam(chat_of(PLANTED["caps"][0]), model=model)]:
        for rows in result.messages["reason_rows"]:
            seen |= {code for _, _, code, _, _ in rows if code}
        for msg_id in result.messages["msg_id"].iloc[-3:]:
            seen |= set(result.explain(msg_id)["detail_code"]) - {""}
    seen |= {code for _, _, code, _, _ in judge_texts(["在家轻松赚钱刷单 加微信 run2024"], model=model).iloc[0]["reason_rows"]
             if code}
    assert seen == set(LIBRARY_DETAIL_CODES)


# -- English: the old phrases ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OLD_REASONS))
def test_english_reasons_are_the_old_phrases(results, name):
    result = results[name]
    reported = _reported(result).set_index("msg_id")
    words = message_reasons(reported, "en")
    assert words.name == "reasons" and words.index.equals(reported.index)
    for msg_id, old in OLD_REASONS[name].items():
        assert words[msg_id] == old
        # the library's own column is ids and figures, the same checks in the same order
        machine = reported.loc[msg_id, "reasons"]
        assert [part.split(":")[0] for part in machine.split("; ") if ": " in part] == \
            [row[0] for row in reported.loc[msg_id, "reason_rows"]]
        assert not re.search(r"\b(from|members?|messages|within|since|joined|left|spoke|shared|clean|readable|chars|"
                             r"stylised letters|separators between|together|emoji/symbols)\b", machine), machine


def test_english_explain_details_are_the_old_phrases(results):
    result = results["flood"]
    table = explain_frame(result.explain("L42"), "en")
    details = dict(zip(table["check"], table["detail"], strict=True))
    assert details["flood"] == "12+ messages within 15 s"
    assert details["newcomer"] == "message 1 since joining (joined 2024-01-05 10:00)"
    assert details["hit_and_run"] == "joined 2024-01-05 10:00, left 10:05 (5 min)"
    assert details["contact_obfuscated"] == "qq readable only after normalising (8 stylised chars folded)"
    assert details["model_nb"] == "no model given (--model)"
    assert details["contact.phone"] == "-" and details["repeat_self"] == "-"
    assert list(table.columns) == ["check", "family", "hit", "points", "detail", "detail_code", "detail_params"]
    # the input frame is not changed
    assert result.explain("L42").set_index("check").loc["flood", "detail"] == "12/15s"


def test_english_model_detail_is_the_old_phrase():
    texts, labels = corpus()
    model = NaiveBayes.fit(texts, labels)
    got = judge_texts(["在家轻松赚钱刷单", "在家轻松赚钱 加微信 run2024"], model=model)
    row = [r for r in got.iloc[0]["reason_rows"] if r[0] == "model_nb"][0]
    params = row[3]
    old = f"p={params['p']:.2f}" + (f"; top bigrams: {', '.join(params['bigrams'])}" if params["bigrams"] else "")
    assert params["bigrams"] and detail_text(row[2], params, row[4], "en") == old
    assert f"model_nb: {old} (+2)" in message_reasons(got, "en").iloc[0]
    assert "最像广告的字组" in message_reasons(got, "zh").iloc[0]


def test_member_reasons_word_the_structured_details(results):
    words = [w for w in member_spam_reasons(results["flood"].members, "en") if w]
    assert words == ["12 spam messages: contact.qq x12, contact_obfuscated x12, obfuscated_text x12, flood x12, "
                     "newcomer x3, hit_and_run x12, name_ad x12; name_ad: name '看我昵称有惊喜': lexicon.profile_lure 看我昵称; "
                     "hit_and_run: joined 2024-01-05 10:00, left 10:05 (5 min)"]
    zh = [w for w in member_spam_reasons(results["flood"].members, "zh") if w]
    assert zh == ["12 条广告：contact.qq ×12、contact_obfuscated ×12、obfuscated_text ×12、flood ×12、newcomer ×3、"
                  "hit_and_run ×12、name_ad ×12；昵称带广告：'看我昵称有惊喜'（lexicon.profile_lure 看我昵称）；"
                  "进群发言后很快退群：2024-01-05 10:00 入群，10:05 退群（5 分钟）"]
    first = [w for w in member_spam_reasons(results["first_spoke"].members, "zh") if w]
    assert first[0].endswith("进群发言后很快退群：2024-01-05 10:01 首次发言，10:05 退群（4 分钟）")


# -- Chinese: no English words -------------------------------------------------------------------


def _log_texts(rows) -> list[str]:
    """The log's own texts inside a message's reason rows: matched text, names, handles,
    domains, bigrams."""
    found = []
    for _check, _points, code, params, detail in rows:
        if not code:
            found.append(detail)
            continue
        for name in params.get("names", ()):
            found.append(repr(name["name"]))
            found += [hit["detail"] for hit in name["hits"] if not hit["detail_code"]]
        found += [str(h[1]) for h in params.get("handles", ())]
        found += [str(d[0]) for d in params.get("domains", ())]
        found += list(params.get("bigrams", ()))
    return found


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_chinese_reasons_have_no_english_words(results, name):
    result = results[name]
    reported = _reported(result)
    checks = sorted({c.name for c in result.checks} | {"contact_cap", "lexicon_cap"}, key=len, reverse=True)
    zh = message_reasons(reported, "zh")
    assert len(zh) and (zh != "").all()
    for text, rows in zip(zh, reported["reason_rows"], strict=True):
        assert CJK.search(text), text
        assert "；" in text or len(rows) == 1
        rest = re.sub("|".join(re.escape(c) for c in checks), "", text)
        for own in sorted(_log_texts(rows), key=len, reverse=True):
            rest = rest.replace(own, "")
        rest = rest.replace("QQ", "")  # the product's name, as Chinese write it
        assert not re.search(r"[A-Za-z]", rest), (text, rest)
    for msg_id in reported["msg_id"]:
        table = explain_frame(result.explain(msg_id), "zh")
        shown = table.loc[table["detail_code"] != "", "detail"].str.replace("（--model）", "", regex=False)
        for text in shown.str.replace("QQ", "", regex=False):
            rest = re.sub("|".join(re.escape(c) for c in checks), "", text)
            rest = re.sub(r"'[^']*'|[a-z0-9.\-]+\.[a-z]{2,}|[a-z_]*\d[a-z0-9_]*", "", rest)  # names, domains, handles
            assert not re.search(r"[A-Za-z]", rest), text


def test_chinese_reads_naturally(results):
    zh = message_reasons(_reported(results["flood"]).set_index("msg_id"), "zh")
    assert zh["L42"] == (
        "contact.qq：191955059（+3）；contact_obfuscated：QQ 号经归一化后才能认出（还原 8 个花体字符）（+3）；"
        "obfuscated_text：8 个花体字母或数字（+2）；flood：15 秒内至少 12 条消息（+2）；"
        "newcomer：入群后第 1 条消息（2024-01-05 10:00 入群）（+1）；hit_and_run：2024-01-05 10:00 入群，10:05 退群（5 分钟）（+3）；"
        "name_ad：'看我昵称有惊喜'（lexicon.profile_lure 看我昵称）（+2）")
    repeat = message_reasons(_reported(results["repeat"]).set_index("msg_id"), "zh")
    assert repeat["L46"] == "contact.wechat：shop_12345（+3）；repeat_self：该成员共发 3 次（24 小时内至少 3 次）（+2）"
    assert "repeat_cross：3 位成员发了相同内容；微信号 team2024 出自 3 位成员（+2）" in repeat["L49"]
    assert "repeat_cross：手机号 13800001111 出自 2 位成员（+2）" in repeat["L44"]
    caps = message_reasons(_reported(results["caps"]).set_index("msg_id"), "zh")
    assert "contact_cap：联系方式类检查合计最多计 4 分（-5）" in caps["L41"]
    assert "（谐音字、分隔符或数字变体）" in caps["L41"]
    assert caps["L42"].startswith("obfuscated_text：3 个不可见字符，3 个花体字母或数字，单字之间夹有分隔符（+2）")
    assert caps["L42"].endswith("emoji：34 个字符中有 8 个表情或符号（+1）")
    domain = message_reasons(_reported(results["domain"]), "zh").iloc[0]
    assert domain.endswith("new_domain：jianzhi.example.net（仅 1 位成员发过）（+1）")
    established = message_reasons(_reported(results["established"]), "zh").iloc[0]
    assert established.endswith("established：此前已有 40 条正常消息（-2）")
    table = explain_frame(results["flood"].explain("L42"), "zh").set_index("check")
    assert table.loc["model_nb", "detail"] == "未指定模型（--model）"
    assert table.loc["contact.phone", "detail"] == "-"


# -- edges ---------------------------------------------------------------------------------------


def test_frames_without_reasons_and_unknown_codes(results):
    quiet = detect_spam(chat_of(background()))
    assert (message_reasons(quiet.messages, "zh") == "").all()
    assert message_reasons(quiet.messages.iloc[:0], "en").empty
    old_style = _reported(results["repeat"]).drop(columns="reason_rows")
    assert message_reasons(old_style, "zh").tolist() == old_style["reasons"].tolist()
    assert with_reasons(_reported(results["domain"]), "en")["reasons"].iloc[0] == OLD_REASONS["domain"]["L41"]
    # a code this catalogue does not know (a newer library) shows the machine text
    assert detail_text("detail.from_the_future", {"n": 1}, "n=1", "zh") == "n=1"
    assert detail_text("", None, "2233445566", "zh") == "2233445566"
    assert detail_text("detail.flood", {"messages": 5, "seconds": 2.5}, "", "en") == "5+ messages within 2.5 s"
    assert list(detail_texts([], [], [], "zh")) == []


def test_reasons_are_vectorised_over_many_messages(results):
    reported = _reported(results["flood"])
    big = pd.concat([reported] * 5_000, ignore_index=True)  # 60k messages, 420k reasons
    words = message_reasons(big, "zh")
    assert len(words) == len(big) and (words.iloc[-12:].to_numpy() == message_reasons(reported, "zh").to_numpy()).all()
    assert np.array_equal(words.index, big.index)
