"""sjzar/chatlog JSON, CSV and text: golden samples, detection, --date for date-less text,
time zones, several talkers, placeholders and system events."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis import read_chats, read_log
from analysis.errors import ParseError
from analysis.notes import note
from analysis.parsers import FORMATS, ParseOptions
from analysis.parsers.chatlog import content_kinds
from analysis.schema import EVENT_KINDS, validate
from analysis.source import Source
from cli.main import app
from tests.conftest import SAMPLE_LOGS

WECHAT = SAMPLE_LOGS / "wechat"
SAMPLES = {"chatlog.json": "chatlog-json", "chatlog.csv": "chatlog-csv", "chatlog.txt": "chatlog-txt",
           "chatlog_oneday.txt": "chatlog-txt"}
NYE = ParseOptions(date=dt.date(2024, 12, 31))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_matches_golden(name, golden):
    chat = read_log(WECHAT / name, options=NYE)
    assert chat.unparsed == []
    validate(chat.messages)
    golden.check_messages(chat.messages, f"wechat/{name.replace('.', '_')}.messages.csv")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_is_claimed_by_its_own_sniffer_only(name):
    source = Source.open(WECHAT / name)
    assert [f.name for f in FORMATS if f.sniff(source)] == [SAMPLES[name]]


def test_the_three_outputs_agree_on_kinds_ids_and_times():
    frames = {n: read_log(WECHAT / n).messages for n in ("chatlog.json", "chatlog.csv", "chatlog.txt")}
    base = frames["chatlog.json"]
    for name, m in frames.items():
        assert m["kind"].tolist() == base["kind"].tolist(), name
        assert m["timestamp"].tolist() == base["timestamp"].tolist(), name
        # Only the exporting user's id differs: the text output calls them 我, CSV can't tell.
        others = base["sender_id"] != "wxid_demo_alice"
        assert m.loc[others, "sender_id"].tolist() == base.loc[others, "sender_id"].tolist(), name


def test_system_events_have_the_member_and_the_actor():
    m = read_log(WECHAT / "chatlog.json").messages
    joins = m[m["kind"] == "join"]
    assert joins["sender_id"].tolist() == ["wxid_demo_dave", "wxid_demo_frank", "wxid_demo_erin",
                                           "wxid_demo_spam", "wxid_demo_grace"]
    assert joins["actor_id"].tolist() == ["wxid_demo_bob", "wxid_demo_bob", "wxid_demo_carol",
                                          "wxid_demo_alice", "wxid_demo_carol"]
    leaves = m[m["kind"] == "leave"]
    assert list(zip(leaves["sender_id"], leaves["actor_id"], strict=True)) == [
        ("wxid_demo_spam", "wxid_demo_alice"), ("wxid_demo_grace", "wxid_demo_bob")]
    assert m.loc[m["kind"] == "recall", "sender_id"].tolist() == ["wxid_demo_dave", "wxid_demo_alice"]
    pat = m[m["text"].str.contains("拍了拍")]
    assert pat[["sender_id", "sender", "kind"]].values.tolist() == [["wxid_demo_bob", "周大山", "system"]]
    words = m[~m["kind"].isin(EVENT_KINDS)]
    assert "系统消息" not in set(words["sender_id"]) | set(words["sender"])
    assert not words["text"].str.contains("撤回了一条消息|加入群聊|移出了群聊|领取了").any()


def test_red_packet_receipt_markup_is_stripped():
    m = read_log(WECHAT / "chatlog.json").messages
    receipt = m[m["sender_id"] == "wxid_demo_bob"]
    assert "周大山领取了你的红包" in receipt["text"].tolist()
    assert not m["text"].str.contains("_wc_custom_link_").any()


def test_quotes_link_to_the_quoted_message():
    for name in ("chatlog.json", "chatlog.csv", "chatlog.txt"):
        m = read_log(WECHAT / name).messages.set_index("msg_id")
        quoting = m[m["reply_to"].notna()]
        assert len(quoting) == 1, name
        assert m.loc[quoting["reply_to"].iloc[0], "text"].startswith("这是我今年读的书单"), name


@pytest.mark.parametrize(("content", "kind"), [
    ("![图片](http://127.0.0.1:5030/image/abc)", "image"),
    ("![视频](http://127.0.0.1:5030/video/abc)", "video"),
    ("[语音](http://127.0.0.1:5030/voice/1)", "voice"),
    ("[动画表情]", "sticker"),
    ("![动画表情](http://cdn.example.com/e)", "sticker"),
    ("[GIF表情]", "sticker"),
    ("[位置|上海图书馆|淮海中路|31.2|121.4]", "location"),
    ("[链接|标题](https://example.com)", "link"),
    ("[文件|书单.pdf](http://127.0.0.1:5030/file/abc)", "file"),
    ("[合并转发|群聊的聊天记录]\n  周大山 2024-12-31 19:50:00\n  你好", "card"),
    ("[小程序|读书打卡](https://example.com)", "card"),
    ("[红包]", "red_packet"),
    ("[红包|恭喜发财|已领取]", "red_packet"),
    ("[红包封面]", "card"),
    ("[转账|发送 ¥50.00](书费)", "transfer"),
    ("[语音通话]", "call"),
    ("[群公告]", "system"),
    ("Type: 37 Content: <msg/>", "card"),
    ("> [引用]\n我同意", "text"),
    ("[旺柴]", "text"),
    ("[捂脸]刚刚那是什么", "text"),
    ("看看这个![图片](x) 怎么样", "text"),
])
def test_placeholders_map_to_kinds(content, kind):
    assert content_kinds(pd.Series([content], dtype="string")).tolist() == [kind]


def test_time_only_text_needs_date():
    with pytest.raises(ParseError) as err:
        read_log(WECHAT / "chatlog_oneday.txt")
    assert "--date YYYY-MM-DD" in str(err.value)
    assert err.value.line == 1
    chat = read_log(WECHAT / "chatlog_oneday.txt", options=NYE)
    assert chat.messages["timestamp"].dt.date.unique().tolist() == [dt.date(2024, 12, 31)]
    assert note("parse.date_from_option", date="2024-12-31") in chat.warnings


def test_month_day_text_takes_the_year_of_date(tmp_path):
    path = tmp_path / "range.txt"
    path.write_text("周大山(wxid_demo_bob) 03-01 09:00:00\n早\n\n陈木木(wxid_demo_carol) 03-02 10:30:00\n早上好\n\n",
                    encoding="utf-8")
    with pytest.raises(ParseError) as err:
        read_log(path, "chatlog-txt")
    assert "--date" in str(err.value)
    m = read_log(path, "chatlog-txt", options=ParseOptions(date=dt.date(2025, 1, 15))).messages
    assert m["timestamp"].tolist() == [pd.Timestamp("2025-03-01 09:00:00"), pd.Timestamp("2025-03-02 10:30:00")]
    assert m["sender_id"].tolist() == ["wxid_demo_bob", "wxid_demo_carol"]


def test_cli_says_to_pass_date_and_exits_1():
    result = CliRunner().invoke(app, ["parse", str(WECHAT / "chatlog_oneday.txt")])
    assert result.exit_code == 1
    assert "--date" in result.stderr
    ok = CliRunner().invoke(app, ["parse", str(WECHAT / "chatlog_oneday.txt"), "--date", "2024-12-31"])
    assert ok.exit_code == 0, ok.stderr
    assert "2024-12-31T20:00:05" in ok.stdout


def _record(seq, time, talker, talker_name, sender, name, content, **extra):
    return {"seq": seq, "time": time, "talker": talker, "talkerName": talker_name, "isChatRoom": True,
            "sender": sender, "senderName": name, "isSelf": False, "type": 1, "subType": 0,
            "content": content, **extra}


def test_json_times_convert_to_tz_and_talkers_split(tmp_path):
    records = [
        _record(1, "2025-03-01T04:00:00Z", "111@chatroom", "跑步群", "wxid_demo_a", "阿甲", "早"),
        _record(2, "2025-03-01T12:05:00+08:00", "222@chatroom", "读书会", "wxid_demo_b", "阿乙", "好"),
        _record(3, "2025-03-01T12:10:00+08:00", "111@chatroom", "跑步群", "系统消息", "",
                '"阿甲"邀请"阿丙"加入了群聊', type=10000),
    ]
    path = tmp_path / "multi.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    chats = read_chats(path)
    assert [c.group for c in chats] == ["跑步群", "读书会"]
    run = chats[0].messages
    assert run["timestamp"].tolist() == [pd.Timestamp("2025-03-01 12:00:00"), pd.Timestamp("2025-03-01 12:10:00")]
    assert run["kind"].tolist() == ["text", "join"]
    assert run["actor_id"].iloc[1] == "wxid_demo_a"
    utc = read_chats(path, options=ParseOptions(tz="UTC"))[0].messages
    assert utc["timestamp"].iloc[0] == pd.Timestamp("2025-03-01 04:00:00")


def test_multi_talker_text_gives_one_chat_per_talker(tmp_path):
    text = ("阿甲(wxid_demo_a) [跑步群(111@chatroom)] 2025-03-01 09:00:00\n早\n\n"
            "阿乙(wxid_demo_b) [读书会(222@chatroom)] 2025-03-01 09:01:00\n第一行\n第二行\n\n"
            "系统消息 [跑步群(111@chatroom)] 2025-03-01 09:02:00\n\"阿丁\" 撤回了一条消息\n\n")
    path = tmp_path / "multi.txt"
    path.write_text(text, encoding="utf-8")
    assert detect_name(path) == "chatlog-txt"
    chats = read_chats(path)
    assert [c.group for c in chats] == ["跑步群", "读书会"]
    assert chats[1].messages["text"].tolist() == ["第一行\n第二行"]
    assert chats[0].messages["kind"].tolist() == ["text", "recall"]
    assert chats[0].messages["line"].tolist() == [1, 8]


def detect_name(path) -> str:
    claims = [f.name for f in FORMATS if f.sniff(Source.open(path))]
    assert len(claims) == 1, claims
    return claims[0]


def test_csv_with_message_id_column_and_a_broken_row(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("MessageID,Time,SenderName,Sender,TalkerName,Talker,Content\n"
                    "17,2025-03-01 09:00:00,阿甲,wxid_demo_a,跑步群,111@chatroom,\"早\n大家\"\n"
                    "18,2025-03-01 09:01:00,阿乙,wxid_demo_b\n"
                    "19,2025-03-01 09:02:00,阿乙,wxid_demo_b,跑步群,111@chatroom,[动画表情]\n", encoding="utf-8")
    assert detect_name(path) == "chatlog-csv"
    chat = read_log(path)
    assert chat.messages["msg_id"].tolist() == ["17", "19"]
    assert chat.messages["line"].tolist() == [2, 5]
    assert chat.messages["kind"].tolist() == ["text", "sticker"]
    assert [u.line for u in chat.unparsed] == [4]


def test_text_with_one_long_message_is_detected(tmp_path):
    # Found by the round-trip writer: a query answering a single message of several lines
    # has no second header to sniff, but ends with the blank line chatlog writes after it.
    path = tmp_path / "one.txt"
    path.write_text("林小雨(wxid_demo_a) 2025-03-01 09:00:00\n第一行\n第二行\n第三行\n\n", encoding="utf-8")
    assert detect_name(path) == "chatlog-txt"
    assert read_log(path).messages["text"].tolist() == ["第一行\n第二行\n第三行"]


def test_text_name_starting_with_a_bracket_is_a_header(tmp_path):
    # Found by the round-trip writer: a nickname like ">_<" opens a header; only "> " (a
    # quote line of a reply) does not.
    path = tmp_path / "gt.txt"
    path.write_text(">_<(wxid_demo_a) 2025-03-01 09:00:00\n早\n\n"
                    "阿乙(wxid_demo_b) 2025-03-01 09:01:00\n> 阿甲(wxid_demo_a) 03-01 09:00:00\n> 早\n好\n\n",
                    encoding="utf-8")
    assert detect_name(path) == "chatlog-txt"
    chat = read_log(path)
    assert chat.unparsed == []
    assert chat.messages["sender"].tolist() == [">_<", "阿乙"]
    assert chat.messages["line"].tolist() == [1, 4]


def test_angle_brackets_that_are_not_tags_stay_in_a_notice(tmp_path):
    # Only "<name …>" is markup; "<3" or "<{" is text, and a quote line's ">" does not close it.
    path = tmp_path / "chatlog.txt"
    path.write_text("系统消息 2024-12-31 20:11:00\n我们 <3 读书会\n欢迎新朋友\n> 引用一行\n\n"
                    "系统消息 2024-12-31 20:12:00\n周大山领取了你的<_wc_custom_link_ href=\"x\">红包</_wc_custom_link_>\n\n",
                    encoding="utf-8")
    texts = read_chats(path, "chatlog-txt")[0].messages["text"].tolist()
    assert texts == ["我们 <3 读书会\n欢迎新朋友\n> 引用一行", "周大山领取了你的红包"]
