"""Activity figures, each checked by hand on small tables, plus invariants and the lifecycle rule."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.activity import analyse_activity, match_any
from analysis.config import ActivityConfig, Config, GroupConfig
from analysis.errors import ConfigError
from analysis.schema import EVENT_KINDS, Chat
from analysis.window import Window, resolve_window
from tests.conftest import SAMPLE_LOGS, make_messages

ROWS = [
    ("2024-01-01 09:00", "a", "大家好"),  # Monday
    ("2024-01-01 09:10", "b", "你好"),
    ("2024-01-01 09:20", "a", "今天读什么？"),  # question, answered by c in the same thread
    ("2024-01-01 09:25", "c", "三体"),
    ("2024-01-01 12:00", "a", "有人吗"),  # question, nobody else until the next day
    ("2024-01-02 20:00", "b", "[图片]", "image"),
    ("2024-01-02 20:00", "x", "x加入本群", "join"),  # an event: not a message, but a member
    ("2024-01-03 21:00", "a", "晚安"),
]


@pytest.fixture
def small():
    chat = Chat(messages=make_messages(ROWS))
    return analyse_activity(chat, config=Config(group=GroupConfig(owners=["a"])))


def test_volume_speakers_and_participation(small):
    r = small
    assert (r.messages, r.speakers, r.members) == (7, 3, 4)
    assert r.participation == pytest.approx(3 / 4)
    assert r.messages_per_speaker == pytest.approx(7 / 3)
    assert (r.days, r.active_days) == (3, 3)
    assert r.messages_per_day == pytest.approx(7 / 3)
    assert (r.joins, r.leaves) == (1, 0)
    assert r.daily["messages"].tolist() == [5, 1, 1]
    assert r.daily["speakers"].tolist() == [3, 1, 1]
    assert r.daily["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-02", "2024-01-03"]
    assert r.monthly.to_dict("records") == [{"month": "2024-01", "messages": 7, "speakers": 3}]
    # The window is 2.5 days long: one partial week.
    assert len(r.weekly) == 1
    assert r.weekly["days"].iloc[0] == pytest.approx((pd.Timestamp("2024-01-03 21:00:01") - pd.Timestamp("2024-01-01 09:00")) / pd.Timedelta(days=1))
    assert r.weekly[["messages", "speakers", "members"]].iloc[0].tolist() == [7, 3, 4]


def test_stickiness(small):
    # DAU 3, 1, 1; everyone spoke within the trailing 30 days on each day: MAU 3, 3, 3.
    assert small.daily["mau"].tolist() == [3, 3, 3]
    assert small.dau == pytest.approx(5 / 3)
    assert small.mau == pytest.approx(3)
    assert small.stickiness == pytest.approx(5 / 9)


def test_inequality_and_90_9_1(small):
    # a 4, b 2, c 1: Gini = sum((2i-n-1) x_i) / (n sum x) with x ascending = (-2 + 0 + 8) / 21.
    assert small.gini == pytest.approx(6 / 21)
    assert small.top1_share == pytest.approx(4 / 7)  # top 1% of 3 speakers = 1 person
    assert small.top10_share == pytest.approx(4 / 7)
    b = small.buckets.set_index("bucket")
    assert b["members"].tolist() == [1, 0, 3]  # 4 present members (x counts, silent)
    assert b["messages"].tolist() == [4, 0, 3]
    assert b["message_share"].sum() == pytest.approx(1)
    assert b["member_share"].sum() == pytest.approx(1)


def test_heat_peaks_and_gaps(small):
    heat = small.heat
    assert heat.loc["Mon", 9] == 4 and heat.loc["Mon", 12] == 1
    assert heat.loc["Tue", 20] == 1 and heat.loc["Wed", 21] == 1
    assert int(heat.to_numpy().sum()) == 7
    assert small.peak_hours["hour"].tolist() == [9, 12, 20]  # ties broken by the earlier hour
    assert small.peak_hours["messages"].tolist() == [4, 1, 1]
    assert small.longest_gap == pd.Timedelta(hours=32)
    assert small.longest_gap_start == pd.Timestamp("2024-01-01 12:00")
    assert small.longest_gap_end == pd.Timestamp("2024-01-02 20:00")
    assert small.last_message == pd.Timestamp("2024-01-03 21:00")
    assert small.days_since_last == pytest.approx(1 / 86400)


def test_threads_and_first_response(small):
    t = small.threads
    assert small.thread_count == 4
    assert t["messages"].tolist() == [4, 1, 1, 1]
    assert t["speakers"].tolist() == [3, 1, 1, 1]
    assert t["opener_id"].tolist() == ["a", "a", "b", "a"]
    # 10 minutes; then 32 h and 25 h (beyond the 24-hour response window); then nobody.
    assert t["first_response"].iloc[0] == pd.Timedelta(minutes=10)
    assert t["first_response"].iloc[1:].isna().all()
    assert small.median_first_response == pd.Timedelta(minutes=10)
    assert small.responded_share == pytest.approx(1 / 4)
    assert small.thread_median_messages == 1
    assert small.single_message_share == pytest.approx(3 / 4)


def test_questions_and_announcement_board(small):
    assert (small.questions, small.unanswered_questions) == (2, 1)
    assert small.unanswered_share == pytest.approx(0.5)
    # a is the owner: 4 of 7 messages; two were followed by a member in the same thread.
    assert small.staff_messages == 4
    assert small.announcement_share == pytest.approx(4 / 7)
    assert small.staff_replied == 2
    assert small.staff_replied_share == pytest.approx(0.5)


def test_thread_gap_is_configurable():
    chat = Chat(messages=make_messages(ROWS))
    r = analyse_activity(chat, config=Config(activity=ActivityConfig(thread_gap_minutes=180)))
    # 09:25 -> 12:00 is 155 minutes: now one thread, and "有人吗" is still unanswered.
    assert r.thread_count == 3
    assert r.threads["messages"].tolist() == [5, 1, 1]
    assert r.unanswered_questions == 1


def test_explicit_reply_answers_a_question_across_threads():
    rows = [("2024-01-01 09:00", "a", "有人知道吗？"), ("2024-01-01 18:00", "b", "知道")]
    messages = make_messages(rows, msg_id=["m1", "m2"], reply_to=[None, "m1"])
    r = analyse_activity(Chat(messages=messages))
    assert (r.questions, r.unanswered_questions) == (1, 0)


def test_roster_roles_make_staff():
    roster = pd.DataFrame({"sender_id": ["b"], "sender": ["B"], "role": ["admin"], "joined": [pd.NaT]})
    r = analyse_activity(Chat(messages=make_messages(ROWS), roster=roster))
    assert r.staff_messages == 2


def test_window_clips_and_looks_back():
    chat = Chat(messages=make_messages(ROWS))
    window = resolve_window(chat, since="2024-01-02", until="2024-01-04")
    r = analyse_activity(chat, window=window)
    assert (r.messages, r.speakers) == (2, 2)
    assert r.days == 2
    # MAU looks back before the window: a, b, c spoke within 30 days of each day.
    assert r.daily["mau"].tolist() == [3, 3]
    assert r.members == 4
    assert r.participation == pytest.approx(2 / 4)
    assert r.days_since_last == pytest.approx(3 / 24)  # 21:00 -> midnight


def test_days_since_last_counts_from_window_end_not_now():
    chat = Chat(messages=make_messages(ROWS))
    window = Window(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-03 21:00"))
    r = analyse_activity(chat, window=window)
    assert r.days_since_last == pytest.approx(31)
    assert r.lifecycle.stage == "dead"


def test_empty_window_is_all_zero_not_an_error():
    chat = Chat(messages=make_messages(ROWS))
    r = analyse_activity(chat, window=Window(pd.Timestamp("2023-01-01"), pd.Timestamp("2023-02-01")))
    assert (r.messages, r.speakers, r.thread_count, r.questions) == (0, 0, 0, 0)
    assert math.isnan(r.gini) and math.isnan(r.participation)
    assert r.lifecycle.stage == "dead"  # nobody ever spoke before that end


def _weekly_log(counts: list[int], speakers_per_week: int = 3):
    """``counts[k]`` messages in week k (from 2024-01-01), an hour apart, rotating speakers."""
    base = pd.Timestamp("2024-01-01")
    rows = []
    for k, n in enumerate(counts):
        for i in range(n):
            rows.append((base + pd.Timedelta(days=7 * k, hours=i), f"u{i % speakers_per_week}", "hi"))
    window = Window(base, base + pd.Timedelta(days=7 * len(counts)))
    return Chat(messages=make_messages(rows)), window


@pytest.mark.parametrize(("counts", "stage"), [
    ([10] * 8 + [20, 20], "growing"),      # 20 / 10 = 2.0 >= 1.3
    ([10] * 8 + [3, 3], "declining"),      # 0.3 <= 0.7
    ([10] * 8 + [9, 11], "stable"),        # 1.0
    ([10] * 8 + [13, 13], "growing"),      # exactly 1.3
    ([10] * 8 + [7, 7], "declining"),      # exactly 0.7
    ([10, 10, 10], "new"),                 # 21 days < 28
])
def test_lifecycle_stages(counts, stage):
    chat, window = _weekly_log(counts)
    life = analyse_activity(chat, window=window).lifecycle
    assert life.stage == stage, life.evidence
    if stage != "new":
        assert life.baseline == 10
        assert life.recent == pytest.approx(np.mean(counts[-2:]))
        assert (life.weeks["part"] == "baseline").sum() == 8
        assert life.weeks["messages"].tolist() == counts


def test_lifecycle_baseline_uses_only_the_configured_weeks():
    chat, window = _weekly_log([100, 100, 100, 10, 10, 10, 10, 10])
    life = analyse_activity(chat, window=window, config=Config(activity=ActivityConfig(baseline_weeks=3))).lifecycle
    assert life.baseline == 10 and life.stage == "stable"
    life = analyse_activity(chat, window=window).lifecycle  # 6 baseline weeks, median 55
    assert life.baseline == 55 and life.stage == "declining"


def test_lifecycle_dead_after_two_silent_weeks_and_metric_speakers():
    chat, window = _weekly_log([10] * 8)
    later = Window(window.start, window.end + pd.Timedelta(days=14))
    assert analyse_activity(chat, window=later).lifecycle.stage == "dead"
    # Same messages, one speaker instead of three in the last two weeks: speakers decline.
    chat, window = _weekly_log([9] * 10)
    msgs = chat.messages.copy()
    recent = msgs["timestamp"] >= window.end - pd.Timedelta(days=14)
    msgs.loc[recent, "sender_id"] = "u0"
    chat = Chat(messages=msgs)
    cfg = Config(activity=ActivityConfig(lifecycle_metric="speakers"))
    life = analyse_activity(chat, window=window, config=cfg).lifecycle
    assert (life.stage, life.recent, life.baseline) == ("declining", 1, 3)
    assert analyse_activity(chat, window=window).lifecycle.stage == "stable"


def test_bad_config_values_are_config_errors():
    chat = Chat(messages=make_messages(ROWS))
    with pytest.raises(ConfigError, match="question_patterns"):
        analyse_activity(chat, config=Config(activity=ActivityConfig(question_patterns=["(unclosed"])))
    with pytest.raises(ConfigError, match="lifecycle_metric"):
        analyse_activity(chat, config=Config(activity=ActivityConfig(lifecycle_metric="vibes")))


def test_match_any_scoped_flags_and_fallback():
    texts = pd.Series(["Day 3 done", "DAY5", "nothing", None], dtype="string[pyarrow]")
    assert match_any(texts, [r"(?i)\bday\s*\d+"], "k").tolist() == [True, True, False, False]
    # A look-behind is not RE2: the Python fallback runs it.
    assert match_any(texts, [r"(?<=Day )3"], "k").tolist() == [True, False, False, False]


def test_sample_log_figures_are_consistent():
    from analysis import read_log

    chat = read_log(SAMPLE_LOGS / "qq_txt" / "study_group.txt")
    r = analyse_activity(chat)
    human = int((~chat.messages["kind"].isin(EVENT_KINDS)).sum())
    assert r.messages == human
    assert r.daily["messages"].sum() == r.weekly["messages"].sum() == r.monthly["messages"].sum() == human
    assert r.threads["messages"].sum() == human
    assert r.lifecycle.stage in ("stable", "declining", "growing")
    assert 0 < r.participation <= 1 and 0 < r.stickiness <= 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 60 * 24 * 20), st.sampled_from("abcdef"),
                          st.sampled_from(["text", "image", "join", "leave", "recall", "red_packet"]),
                          st.sampled_from(["好的", "在吗？", "打卡", "哈哈"])), min_size=1, max_size=60))
def test_invariants(rows):
    base = pd.Timestamp("2024-01-01")
    messages = make_messages([(base + pd.Timedelta(minutes=m), who, text, kind) for m, who, kind, text in rows])
    chat = Chat(messages=messages)
    r = analyse_activity(chat)
    human = int((~messages["kind"].isin(EVENT_KINDS)).sum())
    assert r.messages == human
    assert r.daily["messages"].sum() == human == r.weekly["messages"].sum() == r.monthly["messages"].sum()
    assert int(r.heat.to_numpy().sum()) == human
    assert r.threads["messages"].sum() == human and r.buckets["messages"].sum() == human
    assert r.speakers <= r.members
    if human:
        assert r.buckets["message_share"].sum() == pytest.approx(1)
        assert 0 <= r.gini < 1 and r.top1_share <= r.top10_share <= 1
        assert 0 < r.stickiness <= 1
    assert r.unanswered_questions <= r.questions
    assert r.lifecycle.stage in ("new", "growing", "stable", "declining", "dead")
