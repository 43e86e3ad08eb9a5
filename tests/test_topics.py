"""Topics on hand-made tables: each measure checked against numbers worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from analysis.config import Config, GroupConfig, TopicsConfig, config_from_dict
from analysis.errors import ConfigError
from analysis.schema import Chat
from analysis.topics import analyze_topics, clear_memo
from analysis.topics import keywords as kw
from analysis.topics.chitchat import classify_texts
from analysis.topics.clean import strip_non_words

MON = "2024-03-04"  # a Monday


def chat_of(make_messages, rows) -> Chat:
    return Chat(messages=make_messages(rows), group="t", platform="qq", format="qq-txt")


def at(day: int, hour: int = 10, minute: int = 0) -> str:
    """A time ``day`` days after Monday 2024-03-04."""
    import pandas as pd

    return str(pd.Timestamp(MON) + pd.Timedelta(days=day, hours=hour, minutes=minute))


def rows_of(texts, day=0, kind="text"):
    return [(at(day, 8, i), f"1000{i % 7}", t, kind) for i, t in enumerate(texts)]


def analyse(make_messages, rows, **kwargs):
    config = kwargs.pop("config", Config(topics=TopicsConfig(tokenizer="jieba")))
    return analyze_topics(chat_of(make_messages, rows), config=config, **kwargs)


# ---------------------------------------------------------------- chit-chat classifier

@pytest.mark.parametrize(("text", "reason"), [
    ("👍", "emoji"), ("👍👍👍", "emoji"), ("[捂脸]", "emoji"), ("？？？", "emoji"), ("[强][强]", "emoji"),
    ("早", "greeting"), ("早上好", "greeting"), ("早上好各位~", "greeting"), ("大家好！", "greeting"),
    ("晚安🌙", "greeting"), ("Hello", "greeting"), ("在吗", "greeting"),
    ("收到", "ack"), ("收到！", "ack"), ("好的好的", "ack"), ("+1", "ack"), ("+1+1", "ack"),
    ("谢谢老师", "ack"), ("OK", "ack"), ("辛苦了大家", "ack"), ("哈哈好的", "ack"), ("收到👍", "ack"),
    ("谢谢老板", "ack"), ("确实", "ack"),
    ("哈哈", "laugh"), ("哈哈哈哈哈哈", "laugh"), ("hhhh", "laugh"), ("23333", "laugh"), ("笑死", "laugh"),
    ("嗯？", "ack"), ("啊这", "short"), ("喵", "short"), ("呃", "short"),
    ("今天跑了十公里", ""), ("这本书的结尾有点仓促", ""), ("收到，明天几点集合？", ""),
    ("好的，我周六带水过去", ""), ("哈哈哈这个配速太快了", ""), ("谢谢分享，学到了很多", ""),
])
def test_chitchat_classifier(text, reason):
    assert classify_texts(pa.array([text]))[0] == reason


def test_chitchat_extra_phrases_and_length_limit_are_configurable():
    texts = pa.array(["冲鸭", "跑完了", "冲鸭冲鸭"])
    assert list(classify_texts(texts)) == ["short", "", ""]
    assert list(classify_texts(texts, extra_phrases=["冲鸭"])) == ["ack", "", "ack"]
    assert list(classify_texts(texts, max_chars=3)) == ["short", "short", ""]


def test_chitchat_ratio_counts_stickers_and_leaves_out_events_and_media(make_messages):
    rows = [
        (at(0, 9), "1", "今天跑了十公里"), (at(0, 9, 1), "2", "收到"), (at(0, 9, 2), "3", "哈哈哈"),
        (at(0, 9, 3), "4", "[表情]", "sticker"), (at(0, 9, 4), "5", "[图片]", "image"),
        (at(0, 9, 5), "6", "张三加入本群", "join"), (at(0, 9, 6), "1", "配速六分钟的训练计划"),
    ]
    r = analyse(make_messages, rows)
    # conversational = 4 text + 1 sticker; chit-chat = 收到, 哈哈哈, sticker.
    assert (r.counts.conversational, r.counts.chitchat, r.counts.substantive) == (5, 3, 2)
    assert r.chitchat_ratio == pytest.approx(3 / 5)
    assert r.counts.events == 1 and r.counts.messages == 7
    by_reason = dict(zip(r.chitchat["reason"], r.chitchat["messages"], strict=True))
    assert by_reason == {"sticker": 1, "emoji": 0, "greeting": 0, "laugh": 1, "ack": 1, "short": 0}


# ---------------------------------------------------------------- cleaning and tokens

def test_urls_mentions_emoji_and_codes_are_removed_before_segmenting():
    out = strip_non_words(pa.array([
        "看这个https://example.org/a?b=1很好", "@张三 明天跑步吗", "@李四\u2005收到", "配速[捂脸]太快😂了",
        "www.example.com 报名", "[图片]",
    ])).to_pylist()
    assert out == ["看这个 很好", "明天跑步吗", "收到", "配速 太快 了", "报名", ""]


def test_system_events_media_urls_mentions_never_become_keywords(make_messages):
    rows = [
        (at(0, 9, i), "1", t) for i, t in enumerate([
            "马拉松报名链接 https://example.org/marathon/signup", "@王大锤 马拉松你报了吗",
            "马拉松训练😂😂", "[旺柴] 马拉松配速",
        ])
    ] + [(at(0, 10), "9", "王大锤邀请赵铁柱加入本群", "join"), (at(0, 10, 1), "9", "[图片]", "image"),
         (at(0, 10, 2), "9", "赵铁柱撤回了一条消息", "recall")]
    r = analyse(make_messages, rows)
    terms = set(r.frequent["term"])
    assert "马拉松" in terms
    for junk in ("https", "example", "org", "signup", "王大锤", "赵铁柱", "图片", "旺柴", "撤回", "加入"):
        assert junk not in terms, junk


def test_stopwords_shipped_and_extendable(make_messages, tmp_path):
    rows = rows_of(["我们今天讨论配速", "我们明天讨论配速", "我们后天讨论心率"])
    r = analyse(make_messages, rows)
    assert "我们" not in set(r.frequent["term"])  # shipped list
    assert "讨论" in set(r.frequent["term"])
    extra = tmp_path / "stop.txt"
    extra.write_text("# ours\n心率\n", encoding="utf-8")
    cfg = Config(topics=TopicsConfig(tokenizer="jieba", stopwords=["讨论"], stopwords_file=str(extra)))
    terms = set(analyse(make_messages, rows, config=cfg).frequent["term"])
    assert "讨论" not in terms and "心率" not in terms and "配速" in terms


def test_user_dictionary_in_jieba_format_makes_one_token(make_messages, tmp_path):
    rows = rows_of(["星火燎原读书会今晚见", "星火燎原读书会明天见"])
    plain = set(analyse(make_messages, rows).frequent["term"])
    assert "星火燎原读书会" not in plain
    userdict = tmp_path / "user.txt"
    userdict.write_text("星火燎原读书会 10 nz\n", encoding="utf-8")
    cfg = Config(topics=TopicsConfig(tokenizer="jieba", user_dict=str(userdict)))
    r = analyse(make_messages, rows, config=cfg)
    assert r.frequent["term"].iloc[0] == "星火燎原读书会"
    assert r.frequent["count"].iloc[0] == 2


def test_english_terms_are_lower_cased_and_short_tokens_dropped(make_messages):
    r = analyse(make_messages, rows_of(["Python is great", "python and Rust", "I use PYTHON 3"]))
    counts = dict(zip(r.frequent["term"], r.frequent["count"], strict=True))
    assert counts["python"] == 3 and counts["rust"] == 1
    assert not {"is", "and", "i", "3"} & set(counts)


# ---------------------------------------------------------------- keywords and concentration

def test_keywords_count_messages_and_rank_by_tfidf(make_messages):
    texts = ["马拉松配速"] * 3 + ["马拉松训练"] * 2 + ["火锅好吃"]
    r = analyse(make_messages, rows_of(texts))
    row = r.frequent.set_index("term")
    assert row.loc["马拉松", "count"] == 5 and row.loc["马拉松", "messages"] == 5
    assert row.loc["配速", "count"] == 3 and row.loc["训练", "count"] == 2
    assert row.loc["马拉松", "share"] == pytest.approx(5 / 6, abs=1e-4)
    # tfidf = count / all term occurrences * idf.
    total = 5 + 3 + 2 + 1 + 1  # 马拉松 配速 训练 火锅 好吃
    assert row.loc["配速", "tfidf"] == pytest.approx(3 / total * row.loc["配速", "idf"], abs=1e-5)
    assert list(r.keywords["term"]) == list(
        r.frequent.sort_values(["tfidf", "count"], ascending=False, kind="stable")["term"])


def test_repeated_words_in_one_message_count_as_occurrences_not_messages(make_messages):
    r = analyse(make_messages, rows_of(["跑步跑步跑步", "去跑步"]))
    row = r.frequent.set_index("term").loc["跑步"]
    assert (row["count"], row["messages"]) == (4, 2)


def test_entropy_and_hhi_by_hand():
    assert kw.normalised_entropy([5, 5, 5, 5]) == pytest.approx(1.0)
    assert kw.hhi([5, 5, 5, 5]) == pytest.approx((0.25, 0.0))
    assert kw.normalised_entropy([7]) == 0.0 and kw.hhi([7]) == (1.0, 1.0)
    # p = (0.75, 0.25): H = -(.75 ln .75 + .25 ln .25) / ln 2; HHI = .625, normalised .25.
    h = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25)) / math.log(2)
    assert kw.normalised_entropy([3, 1]) == pytest.approx(h)
    assert kw.hhi([3, 1, 0]) == pytest.approx((0.625, 0.25))
    assert math.isnan(kw.normalised_entropy([])) and math.isnan(kw.hhi([])[1])


def test_focused_group_is_more_concentrated_than_scattered_one(make_messages):
    focused = analyse(make_messages, rows_of(["马拉松配速"] * 8 + ["马拉松训练", "周末马拉松"]))
    scattered = analyse(make_messages, rows_of(["马拉松配速", "火锅好吃", "电影好看", "股票大涨", "猫咪可爱",
                                                "游戏更新", "天气晴朗", "足球比赛", "咖啡提神", "旅游攻略"]))
    assert focused.concentration.hhi > scattered.concentration.hhi
    assert focused.concentration.entropy < scattered.concentration.entropy
    # Every keyword once: perfectly even.
    assert scattered.concentration.entropy == pytest.approx(1.0)
    assert scattered.concentration.hhi == pytest.approx(0.0)
    assert 0 < focused.concentration.hhi < 1 and 0 < focused.concentration.entropy < 1


def test_top20_coverage_is_share_of_messages_with_a_top_keyword(make_messages):
    cfg = Config(topics=TopicsConfig(tokenizer="jieba", top_n=2))
    texts = ["马拉松配速"] * 3 + ["马拉松训练"] * 3 + ["火锅好吃", "电影好看"]
    r = analyse(make_messages, rows_of(texts), config=cfg)
    assert set(r.keywords["term"]) <= {"马拉松", "配速", "训练"}
    assert r.concentration.top20_coverage == pytest.approx(6 / 8)


# ---------------------------------------------------------------- theme and on-topic ratio

def test_on_topic_ratio_with_declared_theme_and_expansion(make_messages):
    texts = (["跑步配速六分"] * 4          # theme + 配速: 配速 co-occurs only with the theme
             + ["配速五分半"] * 2           # no theme word, but 配速 -> on topic via expansion
             + ["火锅好吃"] * 3 + ["电影好看"] * 3 + ["收到"] * 5)
    r = analyse(make_messages, rows_of(texts), theme=["跑步"])
    assert r.theme.source == "option" and r.theme.terms == ("跑步",)
    assert "配速" in set(r.theme.expansion["term"])
    assert r.counts.substantive == 12
    assert r.counts.on_topic == 6
    assert r.on_topic_ratio == pytest.approx(6 / 12)
    matches = r.theme.matches.set_index("term")
    assert matches.loc["跑步", "messages"] == 4 and matches.loc["配速", "role"] == "expansion"
    assert r.keywords.set_index("term").loc["配速", "on_theme"]


def test_expansion_needs_enough_cooccurrence(make_messages):
    texts = ["跑步配速六分"] * 2 + ["配速五分半"] * 2 + ["火锅好吃"] * 4
    r = analyse(make_messages, rows_of(texts), theme=["跑步"])  # 配速 with the theme only twice (< 3)
    assert r.theme.expansion.empty
    assert r.on_topic_ratio == pytest.approx(2 / 8)


def test_theme_matches_substrings_in_chinese_and_whole_words_in_english(make_messages):
    rows = rows_of(["我买了跑步机", "brunch is nice today", "go for a run today", "火锅好吃"])
    cfg = Config(topics=TopicsConfig(tokenizer="jieba", expansion_terms=0))
    r = analyse(make_messages, rows, config=cfg, theme=["跑步", "run"])
    assert r.counts.on_topic == 2  # 跑步机 and "a run"; not brunch


def test_theme_from_config_and_option_overrides_it(make_messages):
    rows = rows_of(["跑步配速", "火锅好吃", "火锅真香"])
    cfg = Config(group=GroupConfig(theme=["火锅"]), topics=TopicsConfig(tokenizer="jieba"))
    r = analyse(make_messages, rows, config=cfg)
    assert (r.theme.source, r.theme.terms, r.counts.on_topic) == ("config", ("火锅",), 2)
    r = analyse(make_messages, rows, config=cfg, theme=["跑步"])
    assert (r.theme.source, r.theme.terms, r.counts.on_topic) == ("option", ("跑步",), 1)


def test_without_theme_one_is_proposed_and_said_so(make_messages):
    cfg = Config(topics=TopicsConfig(tokenizer="jieba", proposed_theme_size=2))
    r = analyse(make_messages, rows_of(["马拉松配速"] * 3 + ["火锅好吃"]), config=cfg)
    assert r.theme.source == "proposed"
    assert r.theme.terms == tuple(r.keywords["term"].iloc[:2])
    assert any(n.code == "topics.theme_proposed" for n in r.notes)


def test_theme_nobody_mentions_gives_zero_and_a_note(make_messages):
    r = analyse(make_messages, rows_of(["火锅好吃", "电影好看"]), theme=["马拉松"])
    assert r.on_topic_ratio == 0.0
    assert any(n.code == "topics.theme_absent" for n in r.notes)


def test_empty_chat_gives_nan_ratios_not_errors(make_messages):
    r = analyse(make_messages, [(at(0), "1", "收到"), (at(0, 11), "2", "[图片]", "image")])
    assert math.isnan(r.on_topic_ratio) and r.chitchat_ratio == 1.0
    assert r.keywords.empty and math.isnan(r.concentration.entropy)
    assert any(n.code == "topics.nothing_to_measure" for n in r.notes)


def test_npmi_by_hand():
    # 10 messages, 4 on theme; the term is in 3 of them and nowhere else.
    value = kw.npmi(np.array([3.0]), np.array([3.0]), 4.0, 10.0)[0]
    assert value == pytest.approx(math.log(0.3 / (0.4 * 0.3)) / -math.log(0.3))
    assert kw.npmi(np.array([4.0]), np.array([4.0]), 4.0, 4.0)[0] == 1.0
    assert math.isnan(kw.npmi(np.array([0.0]), np.array([2.0]), 4.0, 10.0)[0])


# ---------------------------------------------------------------- drift

def test_weekly_jaccard_and_the_week_the_theme_share_fell(make_messages):
    cfg = Config(topics=TopicsConfig(tokenizer="jieba", drift_min_messages=3, expansion_terms=0))
    week1 = rows_of(["跑步配速训练", "跑步马拉松", "跑步心率"], day=0)
    week2 = rows_of(["跑步配速训练", "跑步马拉松", "跑步心率"], day=7)
    week3 = rows_of(["火锅好吃", "电影好看", "跑步心率", "股票大涨"], day=14)
    week4 = rows_of(["收到", "我也去跑步"], day=21)  # too few substantive messages: shown, not compared
    r = analyse(make_messages, week1 + week2 + week3 + week4, config=cfg, theme=["跑步"])
    weeks = r.drift.weeks
    assert [str(w.date()) for w in weeks["week"]] == ["2024-03-04", "2024-03-11", "2024-03-18", "2024-03-25"]
    assert list(weeks["compared"]) == [True, True, True, False]
    assert math.isnan(weeks["jaccard"].iloc[0]) and weeks["jaccard"].iloc[1] == 1.0
    top2 = {"跑步", "配速", "训练", "马拉松", "心率"}
    top3 = {"火锅", "好吃", "电影", "好看", "跑步", "心率", "股票", "大涨"}
    assert weeks["jaccard"].iloc[2] == pytest.approx(len(top2 & top3) / len(top2 | top3), abs=1e-4)
    assert list(weeks["on_topic_ratio"].iloc[:3]) == [1.0, 1.0, 0.25]
    assert weeks["on_topic_change"].iloc[2] == pytest.approx(-0.75)
    assert list(r.drift.falls["week"].dt.strftime("%Y-%m-%d")) == ["2024-03-18"]
    assert r.drift.mean_jaccard == pytest.approx((1.0 + weeks["jaccard"].iloc[2]) / 2, abs=1e-4)
    assert set(r.drift.keywords["week"].dt.strftime("%Y-%m-%d")) == {"2024-03-04", "2024-03-11", "2024-03-18"}
    assert any(n.code == "topics.small_weeks" and n.params["min_messages"] == 3 for n in r.notes)


def test_empty_weeks_inside_the_window_are_listed(make_messages):
    r = analyse(make_messages, rows_of(["跑步"], day=0) + rows_of(["跑步"], day=20))
    assert len(r.drift.weeks) == 3 and r.drift.weeks["messages"].tolist() == [1, 0, 1]


# ---------------------------------------------------------------- config

def test_topics_config_keys_are_typed():
    cfg = config_from_dict({"topics": {"top_n": 10, "stopwords": ["群主"], "expansion_min_npmi": 0,
                                       "tokenizer": "jieba"}})
    assert cfg.topics.top_n == 10 and cfg.topics.expansion_min_npmi == 0.0
    with pytest.raises(ConfigError, match=r"\[topics\] top_n must be an integer"):
        config_from_dict({"topics": {"top_n": "20"}})


def test_unknown_tokenizer_and_missing_files_are_config_errors(make_messages, tmp_path):
    rows = rows_of(["跑步"])
    for topics, match in ((TopicsConfig(tokenizer="thulac"), "tokenizer must be one of"),
                          (TopicsConfig(user_dict=str(tmp_path / "none.txt")), "user dictionary"),
                          (TopicsConfig(tokenizer="jieba", stopwords_file=str(tmp_path / "x")), "stopword file"),
                          (TopicsConfig(tokenizer="jieba", idf_file=str(tmp_path / "x")), "IDF file")):
        with pytest.raises(ConfigError, match=match):
            analyse(make_messages, rows, config=Config(topics=topics))


def test_custom_idf_file_changes_the_ranking(make_messages, tmp_path):
    idf = tmp_path / "idf.txt"
    idf.write_text("火锅 20.0\n配速 1.0\n", encoding="utf-8")
    rows = rows_of(["配速很快", "配速很慢", "配速不错", "火锅好吃"])
    cfg = Config(topics=TopicsConfig(tokenizer="jieba", idf_file=str(idf)))
    assert analyse(make_messages, rows, config=cfg).keywords["term"].iloc[0] == "火锅"
    assert analyse(make_messages, rows).keywords["term"].iloc[0] == "配速"


def test_nothing_is_written_without_a_cache_folder(make_messages, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    clear_memo()
    analyse(make_messages, rows_of(["跑步配速", "马拉松"]), config=Config(topics=TopicsConfig(tokenizer="jieba")))
    assert list(Path(tmp_path).iterdir()) == []
