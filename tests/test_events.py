"""Red packets, check-ins and newcomers, checked by hand on small tables and on the sample log."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import Config, EventsConfig
from analysis.errors import ConfigError
from analysis.events import analyse_events
from analysis.schema import Chat
from tests.conftest import SAMPLE_LOGS, make_messages


def test_red_packet_lift_by_hand():
    rows = [
        ("2024-01-01 19:40", "a", "聊天"),
        ("2024-01-01 19:50", "b", "嗯"),
        ("2024-01-01 20:00", "a", "[红包]", "red_packet"),
        ("2024-01-01 20:05", "b", "谢谢"),
        ("2024-01-01 20:06", "c", "谢谢老板"),
        ("2024-01-01 20:10", "b", "哈哈"),
        ("2024-01-01 20:40", "c", "晚安"),  # beyond the 30 minutes after
        ("2024-01-02 20:10", "a", "明天见"),  # day 2, same 20:00-20:30 slot
    ]
    rp = analyse_events(Chat(messages=make_messages(rows))).red_packets
    assert rp.count == 1
    assert rp.senders.to_dict("records") == [{"sender_id": "a", "sender": "a", "packets": 1}]
    p = rp.packets.iloc[0]
    assert (p.messages_before, p.messages_after, p.speakers_before, p.speakers_after) == (2, 3, 2, 2)
    # Slot 20:00-20:30 over the window's 2 days: 4 messages (3 + 1), speakers 2 + 1.
    assert (p.baseline_messages, p.baseline_speakers) == (2.0, 1.5)
    assert rp.lift_vs_before == pytest.approx(3 / 2)
    assert rp.lift_vs_baseline == pytest.approx(3 / 2)
    assert rp.speaker_lift_vs_before == pytest.approx(1)
    assert rp.speaker_lift_vs_baseline == pytest.approx(2 / 1.5)


def test_red_packet_window_is_configurable_and_packets_do_not_count_as_after():
    rows = [("2024-01-01 20:00", "a", "[红包]", "red_packet"), ("2024-01-01 20:01", "b", "[红包]", "red_packet"),
            ("2024-01-01 20:50", "c", "谢谢")]
    rp = analyse_events(Chat(messages=make_messages(rows))).red_packets
    assert rp.packets["messages_after"].tolist() == [0, 0]
    rp = analyse_events(Chat(messages=make_messages(rows)),
                        config=Config(events=EventsConfig(red_packet_minutes=60))).red_packets
    assert rp.packets["messages_after"].tolist() == [1, 1]
    assert rp.senders["packets"].tolist() == [1, 1]


def test_checkins_streaks_and_completion_by_hand():
    rows = [
        ("2024-01-01 08:00", "a", "打卡 Day 1"),
        ("2024-01-02 08:00", "a", "Day2 打卡"),
        ("2024-01-02 09:00", "b", "签到"),
        ("2024-01-03 08:00", "a", "打卡"),
        ("2024-01-03 09:00", "b", "签到"),
        ("2024-01-03 10:00", "b", "今天天气好"),  # not a check-in
        ("2024-01-05 08:00", "a", "打卡"),
        ("2024-01-05 09:00", "c", "第3天，继续"),
    ]
    ci = analyse_events(Chat(messages=make_messages(rows))).checkins
    assert (ci.count, ci.participants, ci.days) == (7, 3, 4)
    assert ci.daily["checkins"].tolist() == [1, 2, 2, 2]
    assert ci.daily["members"].tolist() == [1, 2, 2, 2]
    m = ci.members.set_index("sender_id")
    assert m.index.tolist() == ["a", "b", "c"]
    assert (m.loc["a", "days"], m.loc["a", "longest_streak"], m.loc["a", "current_streak"]) == (4, 3, 1)
    assert (m.loc["b", "days"], m.loc["b", "longest_streak"], m.loc["b", "current_streak"]) == (2, 2, 0)
    assert m.loc["a", "completion"] == 1
    assert m.loc["b", "completion"] == pytest.approx(2 / 3)  # group check-in days from 01-02: 3
    assert m.loc["c", "completion"] == 1
    assert ci.completion == pytest.approx((1 + 2 / 3 + 1) / 3)


def test_checkin_patterns_are_configurable():
    rows = [("2024-01-01 08:00", "a", "报到"), ("2024-01-01 09:00", "b", "打卡")]
    ci = analyse_events(Chat(messages=make_messages(rows)),
                        config=Config(events=EventsConfig(checkin_patterns=["报到"]))).checkins
    assert (ci.count, ci.members["sender_id"].tolist()) == (1, ["a"])
    with pytest.raises(ConfigError, match=r"\[events\] checkin_patterns"):
        analyse_events(Chat(messages=make_messages(rows)),
                       config=Config(events=EventsConfig(checkin_patterns=["[unclosed"])))


def test_newcomers_by_hand():
    rows = [
        ("2024-01-01 10:00", "n1", "", "join"),
        ("2024-01-01 12:00", "n1", "大家好"),
        ("2024-01-01 12:05", "a", "欢迎"),  # same thread: answered
        ("2024-01-02 10:00", "n2", "", "join"),  # never speaks
        ("2024-01-03 10:00", "n3", "", "join"),
        ("2024-01-12 10:00", "n3", "我来了"),  # 9 days: too late to count as activated
        ("2024-01-12 13:00", "a", "@n3 你好"),  # another thread, but mentions them within 24 h
        ("2024-01-20 10:00", "n4", "", "join"),  # joined 1 day before the end: not judged yet
        ("2024-01-21 10:00", "a", "收到"),
    ]
    nc = analyse_events(Chat(messages=make_messages(rows))).newcomers
    assert (nc.count, nc.observed, nc.activated, nc.spoke, nc.answered) == (4, 3, 1, 2, 2)
    assert nc.activation_rate == pytest.approx(1 / 3)
    assert nc.answered_share == 1
    assert nc.median_time_to_first == (pd.Timedelta(hours=2) + pd.Timedelta(days=9)) / 2
    t = nc.table.set_index("sender_id")
    assert t.loc["n1", "time_to_first"] == pd.Timedelta(hours=2)
    assert t["spoke_in_time"].tolist()[:3] == [True, False, False] and pd.isna(t.loc["n4", "spoke_in_time"])
    assert bool(t.loc["n3", "answered"]) and pd.isna(t.loc["n2", "answered"])


def test_newcomer_unanswered_and_before_window_joins_are_not_newcomers():
    rows = [
        ("2023-12-01 10:00", "old", "", "join"),
        ("2024-01-01 10:00", "n1", "", "join"),
        ("2024-01-01 10:01", "n1", "有人吗"),
        ("2024-01-03 10:00", "old", "早"),  # 2 days later, other thread, no mention
    ]
    from analysis.window import Window

    chat = Chat(messages=make_messages(rows))
    nc = analyse_events(chat, window=Window(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-10"))).newcomers
    assert nc.table["sender_id"].tolist() == ["n1"]
    assert nc.answered == 0 and nc.answered_share == 0


def test_sample_log_events():
    from analysis import read_log

    chat = read_log(SAMPLE_LOGS / "qq_txt" / "study_group.txt")
    ev = analyse_events(chat)
    assert ev.red_packets.count == int((chat.messages["kind"] == "red_packet").sum()) > 0
    assert ev.red_packets.lift_vs_baseline > 1  # packets wake the group up
    assert ev.checkins.participants > 0 and ev.checkins.count > 0
    silent = set(ev.newcomers.table.loc[ev.newcomers.table["first_message"].isna(), "sender"])
    assert {"静静", "潜水员", "木头人", "小透明"} <= silent
