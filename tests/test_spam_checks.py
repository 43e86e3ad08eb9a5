"""Content checks, one by one: plain and disguised positives, and traps that must stay clean."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from analysis.spam.checks import Lexicon, content_checks, shipped_domains
from analysis.spam.normalise import normalise
from analysis.spam.scoring import judge_texts


def _hits(text: str):
    views = normalise([text])
    domains = shipped_domains()
    res = content_checks(views, Lexicon.load(), allowlisted=domains["allowlisted"],
                         shorteners=domains["shorteners"])
    return {name: hits for name, hits in res.hits.items() if hits.hit[0]}


def fired(text: str) -> dict[str, str]:
    """check name -> detail for the content checks that fire on ``text``."""
    return {name: hits.detail[0] for name, hits in _hits(text).items()}


def fired_params(text: str) -> dict[str, tuple[str | None, dict | None]]:
    """check name -> (detail code, parameters) for the content checks that fire on ``text``."""
    return {name: (hits.code, hits.params_at(np.array([0]))[0]) for name, hits in _hits(text).items()}


@pytest.mark.parametrize(("check", "text", "detail"), [
    ("contact.phone", "电话 13800001111", "13800001111"),
    ("contact.phone", "电话 138-0000-1111", "13800001111"),
    ("contact.phone", "热线 4008001234", "4008001234"),
    ("contact.phone", "一三八零零零零一一一一", "13800001111"),
    ("contact.wechat", "加微信 run2024", "run2024"),
    ("contact.wechat", "薇信：abc12345", "abc12345"),
    ("contact.wechat", "佳喂 sx111505 可约", "sx111505"),
    ("contact.wechat", "vx: demo_ad_888", "demo_ad_888"),
    ("contact.wechat", "我的是 wxid_demo_ad02", "wxid_demo_ad02"),
    ("contact.qq", "QQ 2233445566", "2233445566"),
    ("contact.qq", "加扣①⑨①⑨⑤⑤〇⑤⑨", "191955059"),
    ("contact.qq", "家-企-鹅752753636看", "752753636"),
    ("contact.qq", "16274251宼", "16274251"),
    ("contact.group", "君羊 473151831 欢迎加入", "473151831"),
    ("contact.group", "群号：88886666", "88886666"),
    ("contact.telegram", "进群 https://t.me/+Me68W45VOkw", "+me68w45vokw"),
    ("contact.telegram", "联系客服 @cj16899", "cj16899"),
    ("contact.telegram", "飞机：kyty660", "kyty660"),
    ("contact.link", "注册送彩金 d9623點com", "d9623.com"),
    ("contact.link", "看这里 http://promo.example/x", "promo.example"),
    ("contact.shortlink", "点 https://t.cn/A6abcd 领", "t.cn"),
    ("contact.kouling", "复制这段描述￥AbCd1234Ef￥打开淘宝", "¥abcd1234ef¥"),
    ("contact.bare_id", "有需要的加 12345678 详聊", "12345678"),
])
def test_contact_checks(check, text, detail):
    got = fired(text)
    assert check in got, got
    assert detail in got[check]


@pytest.mark.parametrize(("text", "kinds"), [
    ("扣扣 12345678", "qq"),
    ("加威信 abc12345", "wechat"),
    ("ＱＱ：７５２７５３６３６", "qq"),
    ("7.5.9.3.3.3.0.1.8 加我", "bare_id"),
    ("d9623点com", "link"),
    ("电话 一三八零零零零一一一一", "phone"),
])
def test_contact_found_only_after_normalisation_is_its_own_strong_reason(text, kinds):
    got = fired(text)
    assert "contact_obfuscated" in got, got
    assert kinds in got["contact_obfuscated"]
    code, params = fired_params(text)["contact_obfuscated"]
    assert code == "detail.obfuscation" and kinds in params["kinds"]
    assert set(params) == {"kinds", "invisible", "stylised"}


def test_obfuscation_detail_is_kinds_and_counts_not_words():
    assert fired("扣扣 12345678")["contact_obfuscated"] == "qq"
    assert fired_params("扣扣 12345678")["contact_obfuscated"][1] == {"kinds": ["qq"], "invisible": 0, "stylised": 0}
    assert fired("ＱＱ：７５２７５３６３６")["contact_obfuscated"] == "qq (stylised=11)"
    hidden = "\u200b加\u200bＱ\u200bＱ ①⑨①⑨⑤⑤〇⑤⑨ 有惊喜"
    code, params = fired_params(hidden)["contact_obfuscated"]
    assert params["invisible"] == 3 and params["stylised"] > 0
    assert fired(hidden)["contact_obfuscated"] == f"qq (invisible=3, stylised={params['stylised']})"


@pytest.mark.parametrize("text", [
    "QQ 2233445566", "加微信 run2024", "电话 138-0000-1111", "https://promo.example/x",
    "vx: demo_ad_888", "群号：88886666",
])
def test_plainly_written_contacts_are_not_called_disguised(text):
    got = fired(text)
    assert any(k.startswith("contact.") for k in got) and "contact_obfuscated" not in got, got


@pytest.mark.parametrize(("check", "text", "words"), [
    ("lexicon.job", "兼职日结，日赚300", "兼职日结, 日赚"),
    ("lexicon.job", "刷 单 返 利", "刷单, 返利"),          # spaced out
    ("lexicon.business", "诚招代理，一件代发", "诚招代理, 一件代发"),
    ("lexicon.free", "免费领取优惠券", "免费领取, 优惠券"),
    ("lexicon.gambling", "註冊送彩金，首存一百送一百", "彩金"),
    ("lexicon.adult", "看片找我", "看片"),
    ("lexicon.profile_lure", "要的看我昵称", "看我昵称"),
    ("lexicon.grey_finance", "高价收u，免押", "收u"),
    ("lexicon.group_lure", "务必进群，此群作废", "务必进群, 此群作废"),
    ("lexicon.call_to_action", "有意者私聊", "有意者, 私聊"),
])
def test_lexicon_categories(check, text, words):
    got = fired(text)
    assert check in got, got
    for word in words.split(", "):
        assert word in got[check]


def test_extra_words_from_the_config_add_categories():
    lex = Lexicon.load({"cheats": ["外挂", "辅助"], "job": ["代刷"]})
    assert "外挂" in lex.categories["cheats"] and "代刷" in lex.categories["job"]
    assert "刷单" in lex.categories["job"]


@pytest.mark.parametrize(("text", "detail", "params"), [
    ("专\u200b业\u200b代\u200b理", "invisible=3", {"invisible": 3, "stylised": 0, "split": False}),
    ("𝘍𝘛𝘈676 买片", "stylised=3", {"invisible": 0, "stylised": 3, "split": False}),
    ("看-夹-企-鹅", "split", {"invisible": 0, "stylised": 0, "split": True}),
])
def test_obfuscated_text(text, detail, params):
    got = fired(text)
    assert got.get("obfuscated_text") == detail, got
    assert fired_params(text)["obfuscated_text"] == ("detail.obfuscated_text", params)


def test_emoji_density_counts_emoji_and_symbols_not_bracket_emoticons():
    assert "emoji" in fired("😀😀😀🔥🔥🔥💰💰 赚")
    assert fired("😀😀😀🔥🔥🔥💰💰 赚")["emoji"] == "8/10"  # emoji and symbols / visible characters
    assert fired_params("😀😀😀🔥🔥🔥💰💰 赚")["emoji"] == ("detail.emoji", {"symbols": 8, "chars": 10})
    assert "emoji" not in fired("[微笑][微笑][微笑][微笑][微笑][微笑]")
    long_post = "今天的读书会讨论了很多内容，大家发言都很积极，下次继续。" * 4 + "😀👍🎉📚🙏🌹"
    assert "emoji" not in fired(long_post)


TRAPS = [
    "有人有xx的微信吗",
    "有人有教练的微信吗？我想问问报名的事",
    "这篇文章不错 https://mp.weixin.qq.com/s/abc123",
    "b站这个视频讲得好 https://www.bilibili.com/video/BV1xx411c7mD",
    "我们班的作业要求是第三章 12 题",
    "他很有威信，大家都听他的",
    "下午三点在操场集合，带好水",
    "代码在 github.com/example/repo 上",
    "明天 10:30-11:00 开会，会议号 123 456 789",
]
ADS = [
    "兼职日结，日赚300，加薇信 abc12345",
    "家-企-鹅752753636看-黄",
    "免费领取读书会员，扫码进裙 88886666，名额有限！！！",
    "【招商加盟】零成本代理，日赚500，联系QQ 2233445566",
    "AG官方直营台，彩金免费送，首存一百送一百 d9623点com",
]


@functools.cache
def verdicts() -> dict[str, tuple[str, str]]:
    got = judge_texts(TRAPS + ADS)
    return dict(zip(got["text"], zip(got["verdict"], got["reasons"], strict=True), strict=True))


@pytest.mark.parametrize("text", TRAPS)
def test_traps_stay_clean(text):
    verdict, reasons = verdicts()[text]
    assert verdict == "", reasons


@pytest.mark.parametrize("text", ADS)
def test_ads_are_spam_on_content_alone(text):
    verdict, reasons = verdicts()[text]
    assert verdict == "spam", reasons


def test_reasons_hold_ids_figures_and_matched_text_only():
    got = judge_texts(ADS + ["\u200b加\u200bＱ\u200bＱ ①⑨①⑨⑤⑤〇⑤⑨ 有惊喜 😀😀😀🔥🔥🔥💰💰"])
    for reasons, rows in zip(got["reasons"], got["reason_rows"], strict=True):
        assert rows, reasons
        assert reasons == "; ".join(f"{c}: {d} ({p:+g})" for c, p, _, _, d in rows)
        # no sentence: what is left after ids, matched text and the machine notation is not English
        for _check, _points, code, params, detail in rows:
            assert (code == "") == (params is None), rows
            words = re.findall(r"[a-z]{3,}", re.sub(r"\w+=", "", detail)) if code else []
            assert set(words) <= {"qq", "split", "wechat", "phone", "link", "group", "bare_id"}, detail
    assert got.iloc[1]["reasons"].startswith("contact.qq: 752753636 (+3); contact_obfuscated: qq (+3)")


def test_one_kind_of_evidence_is_not_enough():
    # a plain contact handle alone is suspect at most; two lexicon categories too
    got = judge_texts(["我的微信 run2024", "兼职日结 免费领取"])
    assert list(got["verdict"]) == ["suspect", "suspect"]


def test_threaded_slices_give_the_same_result(monkeypatch):
    import analysis.spam.normalise as norm_mod
    from analysis.spam.checks import normalise_and_check

    texts = TRAPS + ADS + ["扣扣 12345678", "看这里 http://promo.example/x", "今天天气不错"] * 3
    kwargs = {"allowlisted": shipped_domains()["allowlisted"], "shorteners": shipped_domains()["shorteners"]}
    lex = Lexicon.load()
    v1, c1 = normalise_and_check(norm_mod.as_large_string(texts), lex, **kwargs)
    monkeypatch.setattr(norm_mod, "chunks", lambda n: [(0, 5), (5, 11), (11, n)])
    v2, c2 = normalise_and_check(norm_mod.as_large_string(texts), lex, **kwargs)
    assert v1.norm.equals(v2.norm) and v1.compact.equals(v2.compact)
    for name, hits in c1.hits.items():
        assert (hits.hit == c2.hits[name].hit).all() and list(hits.detail) == list(c2.hits[name].detail), name
        assert hits.code == c2.hits[name].code, name
        assert {k: list(v) for k, v in hits.params.items()} == {k: list(v) for k, v in c2.hits[name].params.items()}
    assert c1.handles == c2.handles
    assert c1.domains.sort_values(["code", "domain"]).values.tolist() == \
        c2.domains.sort_values(["code", "domain"]).values.tolist()
