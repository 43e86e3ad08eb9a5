"""WechatExporter (iOS) TXT: golden sample, detection, notices without time, continuation lines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import read_log
from analysis.errors import InputError
from analysis.notes import note
from analysis.parsers import FORMATS, ParseOptions, detect_format
from analysis.schema import EVENT_KINDS
from analysis.source import Source
from tests.conftest import SAMPLE_LOGS

SAMPLE = SAMPLE_LOGS / "wechat" / "wechatexporter.txt"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "chat.txt"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_sample_matches_golden(golden):
    chat = read_log(SAMPLE)
    assert chat.unparsed == []
    assert chat.group == "晨读打卡群" and chat.platform == "wechat"
    golden.check_messages(chat.messages, "wechat/wechatexporter_txt.messages.csv")


def test_sample_is_detected_by_exactly_its_own_sniffer():
    source = Source.open(SAMPLE)
    assert detect_format(source).name == "wechatexporter-txt"
    assert [f.name for f in FORMATS if f.sniff(source)] == ["wechatexporter-txt"]


def test_sniffer_claims_no_other_sample():
    fmt = next(f for f in FORMATS if f.name == "wechatexporter-txt")
    for path in SAMPLE_LOGS.rglob("*"):
        if path.is_file() and path != SAMPLE and path.suffix not in (".py", ".md"):
            try:
                source = Source.open(path)
            except InputError:  # binary or empty files are no text format's business
                continue
            assert not fmt.sniff(source), path


def test_sniffer_claims_no_shared_sample(shared_dir):
    fmt = next(f for f in FORMATS if f.name == "wechatexporter-txt")
    for path in (shared_dir / "samples").rglob("*"):
        if path.is_file() and path.suffix in (".txt", ".csv", ".json"):
            assert not fmt.sniff(Source.open(path)), path


def test_events_land_on_the_member_with_the_actor():
    m = read_log(SAMPLE).messages.set_index("msg_id")
    assert (m.loc["L7", "kind"], m.loc["L7", "sender_id"], m.loc["L7", "actor_id"]) == ("join", "阿青", "晨读领读人")
    assert (m.loc["L17", "kind"], m.loc["L17", "sender_id"], m.loc["L17", "actor_id"]) == ("join", "小美优选", "老王头")
    assert (m.loc["L21", "kind"], m.loc["L21", "sender_id"], m.loc["L21", "actor_id"]) == ("leave", "小美优选", "晨读领读人")
    assert (m.loc["L23", "kind"], m.loc["L23", "sender_id"]) == ("recall", "老王头")
    assert (m.loc["L14", "kind"], m.loc["L14", "sender_id"]) == ("system", "林夕")  # red-packet receipt
    assert m.loc["L13", "kind"] == "red_packet"
    notices = m[m["text"].str.contains("撤回了一条消息|加入了?群聊|移出了群聊|的红包$|拍了拍")]
    assert notices["kind"].isin(EVENT_KINDS).all()


def test_notices_take_the_time_of_the_message_before():
    chat = read_log(SAMPLE)
    m = chat.messages.set_index("msg_id")
    assert m.loc["L7", "timestamp"] == pd.Timestamp("2024-09-02 06:05:41")
    assert m.loc["L21", "timestamp"] == m.loc["L20", "timestamp"]
    assert chat.warnings[0] == note("parse.timeless_notices", n=8)


def test_placeholders_and_emoji_codes():
    m = read_log(SAMPLE).messages.set_index("msg_id")
    kinds = {"L6": "voice", "L12": "image", "L22": "sticker", "L25": "transfer", "L26": "transfer",
             "L27": "card", "L29": "video", "L30": "location", "L32": "file", "L36": "call",
             "L24": "text", "L38": "text"}
    assert {k: m.loc[k, "kind"] for k in kinds} == kinds
    assert m.loc["L24", "text"] == "刚才手滑了[捂脸]"


def test_multi_line_messages_keep_their_blank_lines():
    m = read_log(SAMPLE).messages.set_index("msg_id")
    assert m.loc["L33", "text"] == "明天读第二章\n\n其为人也孝弟，而好犯上者，鲜矣"
    assert m.loc["L9", "text"].startswith("「阿青：大家好，请问怎么打卡？[疑问]」\n- - - -")


def test_without_title_and_with_a_system_prefix(tmp_path):
    path = _write(tmp_path, (
        "甲 (2024-01-01 10:00:00):早\n"
        "系统消息：\"甲\"邀请\"乙\"加入了群聊\n"
        "乙 (2024-01-01 10:01:00):大家好\n第二行\n"
    ))
    assert detect_format(Source.open(path)).name == "wechatexporter-txt"
    chat = read_log(path)
    m = chat.messages
    assert m["kind"].tolist() == ["text", "join", "text"]
    assert m.loc[1, "sender_id"] == "乙" and m.loc[1, "actor_id"] == "甲"
    assert m.loc[1, "text"] == '"甲"邀请"乙"加入了群聊'
    assert m.loc[2, "text"] == "大家好\n第二行"
    assert chat.group == "chat"  # no title line: named after the file


def test_a_notice_before_any_message_takes_the_next_time(tmp_path):
    path = _write(tmp_path, "群 - 微信聊天记录\n\n你邀请\"乙\"加入了群聊\n乙 (2024-01-01 10:01:00):谢谢\n")
    m = read_log(path, options=ParseOptions(extra={"self": "甲"})).messages
    assert m["timestamp"].tolist() == [pd.Timestamp("2024-01-01 10:01:00")] * 2
    assert (m.loc[0, "kind"], m.loc[0, "sender_id"], m.loc[0, "actor_id"]) == ("join", "乙", "甲")
