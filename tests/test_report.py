"""The audit report in the library: health score, recommendations, language, pressure signals,
anonymisation of a finished report."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysis.anonymize import Anonymizer, anonymize, mask_contacts
from analysis.config import Config, HealthConfig
from analysis.health import linear_score, score_health
from analysis.report import (
    SUMMARY_COLUMNS,
    anonymize_report,
    audit,
    detect_language,
    pressure,
    summary_row,
)
from analysis.schema import Chat
from analysis.window import Window
from cli.catalogue import say, say_all
from tests.conftest import make_messages


def _chat(rows, group="测试群", **kw) -> Chat:
    return Chat(messages=make_messages(rows), group=group, platform="qq", format="qq-txt", source="t.txt", **kw)


def test_linear_score_both_directions():
    assert linear_score(0.20, good=0.15, bad=0.05) == 100
    assert linear_score(0.10, good=0.15, bad=0.05) == 50
    assert linear_score(0.01, good=0.15, bad=0.05) == 0
    assert linear_score(0.055, good=0.01, bad=0.10) == 50  # lower is better
    assert linear_score(0.5, good=0.01, bad=0.10) == 0


def test_score_is_weighted_mean_of_applicable_components():
    h = score_health(participation=0.10, stage="dead", top10_share=None, spam_ratio=0.0, on_topic_ratio=None,
                     newcomer_activation=None, unanswered_share=None, spam_notes=("links in 40% of messages",))
    c = {x.name: x for x in h.components}
    # participation 50 (w25), trend 0 (w20), spam 100 (w15); the others do not apply
    assert h.score == round((50 * 25 + 0 * 20 + 100 * 15) / 60, 1)
    assert c["concentration"].band == "n/a" and c["concentration"].score is None
    assert c["participation"].band == "fair" and c["trend"].band == "poor" and c["spam"].band == "good"
    assert h.band == "at risk"
    assert "links in 40% of messages" in c["spam"].evidence
    weights = HealthConfig(weight_participation=0.0)
    assert score_health(participation=0.10, stage="dead", top10_share=None, spam_ratio=0.0, on_topic_ratio=None,
                        newcomer_activation=None, unanswered_share=None, config=weights).score == \
        round((0 * 20 + 100 * 15) / 35, 1)


def _text(recommendation, lang: str = "zh") -> str:
    return say(recommendation.advice, lang)


def test_evidence_is_written_in_the_report_language():
    figures = {"participation": 0.10, "stage": "stable", "top10_share": 0.3, "spam_ratio": None,
               "on_topic_ratio": 0.4, "newcomer_activation": None, "unanswered_share": 0.5}
    en = {c.name: say_all(c.evidence, "en") for c in score_health(**figures).components}
    zh = {c.name: say_all(c.evidence, "zh") for c in score_health(**figures).components}
    assert {c.name: c.evidence[0].code for c in score_health(**figures).components}["participation"] == \
        "health.share_at_least"
    assert en["participation"] == "weekly speakers / members 10% (good: at least 15%; poor: 5%)"
    assert zh["participation"] == "周发言人数 / 成员数 10%（良好：至少 15%；较差：5%）"
    assert zh["trend"].startswith("生命周期阶段：平稳") and zh["spam"].endswith("本时段无法计算")
    for name, text in zh.items():
        assert not any("a" <= ch <= "z" for ch in text), (name, text)


def test_detect_language():
    zh = _chat([("2024-01-01 10:00", "1", "大家好，今天读什么书")] * 3)
    en = _chat([("2024-01-01 10:00", "1", "hello everyone, what are we reading")] * 3)
    ja = _chat([("2024-01-01 10:00", "1", "今日は何を読みますか")] * 3)
    assert detect_language(zh) == "zh" and detect_language(en) == "en" and detect_language(ja) == "en"


def test_pressure_counts_speaker_days_and_links():
    chat = _chat([
        ("2024-01-01 10:00", "a", "see https://x.example"), ("2024-01-01 10:01", "a", "again"),
        ("2024-01-01 10:02", "b", "hi"), ("2024-01-02 10:00", "a", "www.shop.example now"),
        ("2024-01-02 10:05", "c", "join", "join"),
    ])
    per_day, links = pressure(chat)
    assert per_day == pytest.approx(4 / 3)  # 4 messages over (a,1) (b,1) (a,2); the join is an event
    assert links == pytest.approx(2 / 4)


def _spam_group() -> Chat:
    rows = []
    for day in range(1, 29):
        for i, who in enumerate(("10001", "10002", "10003", "10004")):
            rows.append((f"2024-03-{day:02d} 20:{i:02d}", who, f"今天读了第{day}章，三体真好看", "text", f"读者{who[-1]}"))
    rows += [("2024-03-20 09:00", "10099", "", "join", "广告号"),
             *[(f"2024-03-20 09:0{i}", "10099", "兼职日赚500，加微信 wxid_demo_ad 免费领取，QQ 2233445566", "text",
                "广告号") for i in range(1, 4)]]
    return _chat(rows, group="读书群")


@pytest.fixture(scope="module")
def spam_report():
    chat = _spam_group()
    return chat, audit(chat)


def test_spammers_get_a_removal_recommendation_with_counts(spam_report):
    _chat_, report = spam_report
    spam = [r for r in report.recommendations if r.component == "spam" and r.priority == 1]
    assert spam and "广告号(3)" in _text(spam[0]) and "移除 1 个广告号" in _text(spam[0])
    assert report.recommendations == tuple(sorted(report.recommendations, key=lambda r: r.priority))
    components = {c.name for c in report.health.components} | {"timing"}
    assert all(r.component in components and r.evidence for r in report.recommendations)
    en = audit(_spam_group(), lang="en")
    assert any("Remove 1 spammer(s): 广告号(3)" in _text(r, "en") for r in en.recommendations)


def test_dead_group_gets_trend_and_recall_advice():
    rows = [(f"2024-01-{d:02d} 20:00", str(10000 + i), "聊聊", "text", f"人{i}") for d in range(1, 29) for i in range(6)]
    rows += [(f"2024-01-02 09:{i:02d}", str(20000 + i), "", "join", f"潜水{i}") for i in range(40)]
    chat = _chat(rows)
    report = audit(chat, window=Window(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-30")))
    bands = {c.name: c.band for c in report.health.components}
    assert report.activity.lifecycle.stage == "dead" and bands["trend"] == "poor"
    assert bands["participation"] in ("poor", "fair")
    by = {r.component: r for r in report.recommendations}
    assert by["trend"].priority == 1
    assert "召回沉默成员" in _text(by["participation"]) and "40 位从未发言" in _text(by["participation"])


def test_flooding_and_links_tighten_the_rules():
    rows = [(f"2024-03-{d:02d} 20:{m:02d}", "1", f"https://shop.example/{d}/{m}") for d in range(1, 15) for m in range(12)]
    rows += [(f"2024-03-{d:02d} 21:00", "2", "好的") for d in range(1, 15)]
    report = audit(_chat(rows), lang="en")
    assert report.messages_per_speaker_day > 6 and report.link_share > 0.8
    rules = [r for r in report.recommendations if _text(r, "en").startswith("Tighten the group rules")]
    assert rules and "links" in _text(rules[0], "en")
    spam = next(c for c in report.health.components if c.name == "spam")
    assert "above the 25% ad-risk line" in say_all(spam.evidence, "en")


def test_summary_row_keys_are_stable(spam_report):
    _chat_, report = spam_report
    row = summary_row(report)
    assert tuple(row) == SUMMARY_COLUMNS
    assert row["spammers"] == 1 and row["spam_messages"] == 3 and row["status"] == "ok"


def test_mask_contacts():
    text = "电话 138-0000-1234 或 +86 138 0000 5678，QQ 2233445566，邮箱 a.b@example.com，wxid_demo_ab，vx123456"
    masked = mask_contacts(text)
    for secret in ("1234", "5678", "2233445566", "example.com", "wxid_demo", "123456"):
        assert secret not in masked
    assert masked.count("[phone]") == 2 and "[email]" in masked and "[wxid]" in masked
    assert mask_contacts("2024-03-04 08:00 读了 30 页") == "2024-03-04 08:00 读了 30 页"  # dates kept


def test_anonymize_report_rewrites_every_name_and_keeps_the_findings(spam_report):
    chat, report = spam_report
    masked = anonymize_report(report, chat, key="k")
    again = anonymize_report(report, chat, key="k")
    assert masked.anonymized and masked.health == report.health  # same findings
    assert list(masked.members.members["sender_id"]) == list(again.members.members["sender_id"])
    assert set(masked.members.members["sender_id"]).isdisjoint(report.members.members["sender_id"])
    ids = masked.members.members["sender_id"]
    assert all(i.startswith("m-") and not any(ch.isdigit() for ch in i) for i in ids)
    # English wording: the member named 广告号 must not appear (the zh wording uses the word itself)
    flat = repr(dataclasses.asdict(masked.spam)) + " ".join(_text(r, "en") for r in masked.recommendations)
    flat += repr([r.advice.params for r in masked.recommendations])
    for secret in ("广告号", "读者1", "10099", "2233445566", "wxid_demo_ad"):
        assert secret not in flat
    assert masked.group == report.group and masked.source == report.source
    assert anonymize_report(report, chat).members.members["sender_id"].iloc[0] != ids.iloc[0]  # random salt


def test_anonymize_chat_replaces_names_in_texts():
    chat = _chat([("2024-01-01 10:00", "10001", "大家好", "text", "张晓明"),
                  ("2024-01-01 10:01", "10002", "@张晓明 你好，我手机 13900001111", "text", "李华")])
    out = anonymize(chat, key="x")
    texts = " ".join(out.messages["text"])
    assert "张晓明" not in texts and "13900001111" not in texts
    pseudo = Anonymizer(chat, key="x").name(None, "10001")
    assert f"@{pseudo}" in texts and pseudo in set(out.messages["sender"])
    assert isinstance(out.messages["sender"].dtype, pd.StringDtype)


def test_config_weights_change_the_score(spam_report):
    chat, report = spam_report
    only_spam = Config(health=HealthConfig(weight_participation=0, weight_trend=0, weight_concentration=0,
                                           weight_on_topic=0, weight_newcomers=0, weight_responsiveness=0))
    spam_only = audit(chat, only_spam)
    spam = next(c for c in spam_only.health.components if c.name == "spam")
    assert spam_only.health.score == spam.score
