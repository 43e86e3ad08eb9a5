"""WeFlow / EchoTrace JSON and ChatLab JSON / JSONL: golden samples, detection, events,
streaming, the pyarrow and line-by-line JSONL readers, and broken input."""

from __future__ import annotations

import json
import tracemalloc
from functools import partialmethod
from pathlib import Path

import pandas as pd
import pytest

from analysis import read_chats, read_log
from analysis.errors import OptionError, ParseError
from analysis.notes import note
from analysis.parsers import FORMATS, ParseOptions, _jsonchat, detect_format, weflow_json
from analysis.source import Source
from tests.conftest import SAMPLE_LOGS

WECHAT = SAMPLE_LOGS / "wechat"
SAMPLES = {
    "weflow.json": "weflow-json",
    "echotrace.json": "echotrace-json",
    "chatlab.json": "chatlab-json",
    "chatlab.jsonl": "chatlab-jsonl",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_matches_golden(name, golden):
    chat = read_log(WECHAT / name)
    assert chat.unparsed == []
    assert chat.group == "周末徒步群" and chat.platform == "wechat"
    golden.check_messages(chat.messages, f"wechat/{name.replace('.', '_')}.messages.csv")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_detected_by_its_own_sniffer_only(name):
    source = Source.open(WECHAT / name)
    claims = [f.name for f in FORMATS if f.sniff(source)]
    assert claims == [SAMPLES[name]]
    assert detect_format(source).name == SAMPLES[name]


def test_all_four_exports_of_one_conversation_agree():
    tables = {name: read_log(WECHAT / name).messages for name in SAMPLES}
    cols = ["timestamp", "sender_id", "kind", "text", "actor_id"]
    base = tables["weflow.json"][cols]
    for name, table in tables.items():
        pd.testing.assert_frame_equal(table[cols], base, obj=name)
    # ChatLab JSON and JSONL carry the same ids and replies; only line numbers differ.
    pd.testing.assert_frame_equal(tables["chatlab.json"].drop(columns="line"),
                                  tables["chatlab.jsonl"].drop(columns="line"))


def test_weflow_avatar_is_before_the_messages_and_past_the_sniff_window():
    raw = (WECHAT / "weflow.json").read_bytes()
    assert raw.index(b'"avatar"') < raw.index(b'"messages"')
    assert raw.index(b'"messages"') > 64 * 1024  # the sniffer never sees a message


def test_weflow_events_name_members_and_actors():
    m = read_log(WECHAT / "weflow.json").messages.set_index("text")
    row = m.loc['"周明"邀请"赵磊"加入了群聊']
    assert (row.kind, row.sender_id, row.actor_id) == ("join", "wxid_demo_zhaolei", "wxid_demo_zhouming")
    row = m.loc['"孙丽"通过扫描你分享的二维码加入群聊']  # 你 = the exporter (isSend = 1)
    assert (row.kind, row.sender_id, row.actor_id) == ("join", "wxid_demo_sunli", "wxid_demo_linxiao")
    row = m.loc['你将"好物推荐官"移出了群聊']
    assert (row.kind, row.sender_id, row.actor_id) == ("leave", "wxid_demo_adbot", "wxid_demo_linxiao")
    row = m.loc['"陈雨" 撤回了一条消息']
    assert (row.kind, row.sender_id) == ("recall", "wxid_demo_chenyu")
    row = m.loc["周明领取了你的红包"]
    assert (row.kind, row.sender_id) == ("system", "wxid_demo_zhouming")
    row = m.loc['"周明" 拍了拍 "林晓"']
    assert (row.kind, row.sender_id) == ("system", "wxid_demo_zhouming")
    row = m.loc["赵磊与群里其他人都不是朋友关系，请注意隐私安全"]
    assert (row.kind, row.sender_id, row.sender) == ("system", "system", "系统消息")


def test_weflow_kinds_replies_and_multiline_text():
    m = read_log(WECHAT / "weflow.json").messages
    kinds = dict(zip(m["text"], m["kind"], strict=False))
    assert kinds["[红包] 新人红包，欢迎加入"] == "red_packet"
    assert kinds["[转账] AA费 50元"] == "transfer"
    assert kinds["[链接] 户外装备清仓大促 https://example.com/promo"] == "link"
    assert kinds["这是上次拍的照片[旺柴]"] == "text"  # a WeChat emoji code is not media
    assert kinds["[动画表情]"] == "sticker" and kinds["[位置] 地铁植物园站B口"] == "location"
    reply = m[m["reply_to"].notna()].iloc[0]
    assert reply["text"] == "小雨不影响，记得带雨衣"
    assert m.set_index("msg_id").loc[reply["reply_to"], "text"] == "这周六去香山吗？天气预报说有小雨"
    assert "集合信息：\n时间：周六 7:30\n地点：地铁植物园站B口\n费用：AA" in set(m["text"])
    assert m["line"].is_monotonic_increasing and m["line"].notna().all()


def test_times_follow_tz_option():
    shanghai = read_log(WECHAT / "weflow.json").messages["timestamp"]
    utc = read_log(WECHAT / "weflow.json", tz="UTC").messages["timestamp"]
    assert shanghai.iloc[0] == pd.Timestamp("2024-03-09 08:00:00")
    assert (shanghai - utc == pd.Timedelta(hours=8)).all()
    with pytest.raises(OptionError):
        read_log(WECHAT / "weflow.json", tz="Mars/Olympus")


def test_chatlab_roster_has_roles_and_silent_members():
    roster = read_log(WECHAT / "chatlab.jsonl").roster
    roles = dict(zip(roster["sender_id"], roster["role"], strict=True))
    assert roles["wxid_demo_linxiao"] == "owner" and roles["wxid_demo_zhouming"] == "admin"
    assert "wxid_demo_quiet" in roles  # never spoke, known from the member list
    names = dict(zip(roster["sender_id"], roster["sender"], strict=True))
    assert names["wxid_demo_zhaolei"] == "赵磊-新人"  # group nickname wins


def test_chatlab_notice_resolves_account_name_when_sender_uses_group_nickname():
    m = read_log(WECHAT / "chatlab.json").messages
    join = m[m["text"] == '"周明"邀请"赵磊"加入了群聊'].iloc[0]
    assert join["sender_id"] == "wxid_demo_zhaolei"  # 赵磊 writes as 赵磊-新人


def _jsonl_lines() -> list[str]:
    return (WECHAT / "chatlab.jsonl").read_text(encoding="utf-8").splitlines()


def test_chatlab_jsonl_line_reader_matches_fast_reader(tmp_path):
    lines = _jsonl_lines()
    # A comment and a blank line force the line-by-line reader; both are allowed by the spec.
    variant = [lines[0], "# exported for the audit", "", *lines[1:]]
    path = tmp_path / "commented.jsonl"
    path.write_text("\n".join(variant) + "\n", encoding="utf-8")
    assert weflow_json._read_jsonl_arrow(Source.open(path)) is None
    assert weflow_json._read_jsonl_arrow(Source.open(WECHAT / "chatlab.jsonl")) is not None
    slow = read_log(path)
    fast = read_log(WECHAT / "chatlab.jsonl")
    assert slow.unparsed == []
    pd.testing.assert_frame_equal(slow.messages.drop(columns="line"), fast.messages.drop(columns="line"))
    assert (slow.messages["line"] - fast.messages["line"] == 2).all()
    assert slow.lines_total == fast.lines_total + 2


def test_chatlab_jsonl_numeric_ids_and_broken_lines(tmp_path):
    lines = _jsonl_lines()
    msg = json.loads(lines[-1])
    msg["sender"] = 10001  # a number where the spec says string: pyarrow cannot type it
    msg["platformMessageId"] = "m-numeric"
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join([*lines, json.dumps(msg, ensure_ascii=False), '{"_type": "message", "sen',
                               '{"_type": "reaction", "emoji": "👍"}']) + "\n", encoding="utf-8")
    chat = read_log(path)
    m = chat.messages.set_index("msg_id")
    assert m.loc["m-numeric", "sender_id"] == "10001"
    n = len(lines)
    assert [u.line for u in chat.unparsed] == [n + 2, n + 3]
    assert chat.unparsed[0].text == '{"_type": "message", "sen'


def test_chatlab_other_platform_warns_about_time_zone(tmp_path):
    lines = _jsonl_lines()
    header = json.loads(lines[0])
    header["meta"]["platform"] = "discord"
    path = tmp_path / "discord.jsonl"
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    chat = read_log(path)
    assert chat.platform == "discord"
    assert note("parse.tz_assumed", tz="UTC") in chat.warnings
    assert chat.messages["timestamp"].iloc[0] == pd.Timestamp("2024-03-09 00:00:00")


def test_chatlab_qq_notices_use_qq_wording(tmp_path):
    header = {"_type": "header", "chatlab": {"version": "0.0.2", "exportedAt": 1},
              "meta": {"name": "读书群", "platform": "qq", "type": "group"}}
    rows = [
        {"_type": "message", "sender": "10002", "accountName": "苏青", "timestamp": 1710586800,
         "type": 0, "content": "大家好"},
        {"_type": "message", "sender": "10000", "accountName": "系统", "timestamp": 1710586860,
         "type": 80, "content": "苏青 邀请 小白 加入了本群"},
        {"_type": "message", "sender": "10003", "accountName": "小白", "timestamp": 1710586920,
         "type": 0, "content": "新人报到"},
    ]
    path = tmp_path / "qq.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [header, *rows]) + "\n",
                    encoding="utf-8")
    m = read_log(path).messages
    assert m.loc[1, ["kind", "sender_id", "actor_id"]].tolist() == ["join", "10003", "10002"]


def _weflow_doc(messages: list[dict]) -> dict:
    return {"weflow": {"version": "2.1.0"},
            "session": {"wxid": "1@chatroom", "displayName": "测试群", "type": "群聊"},
            "messages": messages}


def _wmsg(i: int, who: str, name: str, text: str, wtype: str = "文本消息", is_send: int = 0) -> dict:
    return {"localId": i, "createTime": 1710000000 + 60 * i, "type": wtype, "content": text,
            "isSend": is_send, "senderUsername": who, "senderDisplayName": name}


def test_notice_with_several_invitees_gives_one_join_each(tmp_path):
    doc = _weflow_doc([
        _wmsg(1, "wxid_a", "阿甲", "大家好", is_send=1),
        _wmsg(2, "", "", '"阿甲"邀请"阿乙"、"阿丙"加入了群聊', "系统消息"),
        _wmsg(3, "wxid_b", "阿乙", "你好"),
        _wmsg(4, "wxid_c", "阿丙", "hi"),
    ])
    path = tmp_path / "multi.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    m = read_log(path).messages
    joins = m[m["kind"] == "join"]
    assert joins["sender_id"].tolist() == ["wxid_b", "wxid_c"]
    assert joins["actor_id"].tolist() == ["wxid_a", "wxid_a"]
    assert joins["msg_id"].tolist() == ["2", "2#2"]
    assert len(m) == 5 and m["timestamp"].is_monotonic_increasing


def test_weflow_arkme_variant_reads_senders_and_group_members(tmp_path):
    doc = {"weflow": {"version": "2.1.0", "format": "arkme-json"},
           "session": {"wxid": "1@chatroom", "displayName": "测试群"},
           "senders": [{"senderID": 1, "wxid": "wxid_a", "displayName": "阿甲"}],
           "messages": [{"localId": 1, "createTime": 1710000000, "type": "文本消息",
                         "content": "hi", "isSend": 0, "senderID": 1}],
           "groupMembers": [{"wxid": "wxid_a", "displayName": "阿甲"},
                            {"wxid": "wxid_z", "displayName": "潜水员"}]}
    path = tmp_path / "arkme.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    chat = read_log(path)
    assert chat.messages.loc[0, ["sender_id", "sender"]].tolist() == ["wxid_a", "阿甲"]
    assert set(chat.roster["sender_id"]) == {"wxid_a", "wxid_z"}


def test_broken_entries_go_to_unparsed_and_truncated_json_is_an_error(tmp_path):
    doc = _weflow_doc([_wmsg(1, "wxid_a", "阿甲", "hi"), "not a message",
                       {"localId": 3, "type": "文本消息", "content": "no time", "senderUsername": "wxid_a"}])
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    chat = read_log(path)
    assert len(chat.messages) == 1
    assert [u.text.split(":")[0] for u in chat.unparsed] == ["messages entry is not an object",
                                                             "record 3"]
    assert all(u.line > 1 for u in chat.unparsed)
    truncated = tmp_path / "cut.json"
    truncated.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    with pytest.raises(ParseError) as err:
        read_log(truncated, log_format="weflow-json")
    assert err.value.line is not None


def test_weflow_json_streams_instead_of_loading(tmp_path, monkeypatch):
    """Peak Python memory stays well under what json.load of the file needs."""
    messages = [_wmsg(i, f"wxid_{i % 50}", f"成员{i % 50}", "这是一条用来测内存的消息" * 3)
                for i in range(6000)]
    doc = _weflow_doc(messages)
    doc["session"]["avatar"] = "A" * 1_000_000
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    del doc, messages
    monkeypatch.setattr(_jsonchat, "BATCH_ROWS", 500)  # rows become Arrow every 500
    monkeypatch.setattr(Source, "iter_text", partialmethod(Source.iter_text, block_bytes=1 << 19))

    def peak_of(fn):
        tracemalloc.start()
        try:
            result = fn()
            return result, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    _, loaded = peak_of(lambda: json.loads(path.read_text(encoding="utf-8")))
    chats, streamed = peak_of(lambda: weflow_json.parse_weflow(Source.open(path), ParseOptions()))
    assert len(chats[0].messages) == 6000
    assert streamed < 0.5 * loaded, (streamed, loaded)


def test_read_chats_sets_format_and_source():
    chats = read_chats(WECHAT / "echotrace.json")
    assert len(chats) == 1
    assert chats[0].format == "echotrace-json" and chats[0].source.endswith("echotrace.json")
    assert chats[0].lines_total == len((WECHAT / "echotrace.json").read_text(encoding="utf-8").splitlines())


def test_earliest_echotrace_layout_is_detected(tmp_path):
    # ycccccccy/echotrace@09a7969e named the chat session.username (not wxid) and wrote no
    # senderDisplayName: detection missed it; senders are then named by their wxid.
    doc = {"session": {"username": "1@chatroom", "displayName": "测试群", "type": "群聊",
                       "lastTimestamp": 1710000060, "messageCount": 1},
           "messages": [{"localId": 7, "createTime": 1710000060, "formattedTime": "2024-03-10 00:01:00",
                         "type": "文本消息", "localType": 1, "content": "hi", "isSend": 0,
                         "senderUsername": "wxid_a", "source": ""}],
           "exportTime": "2025-01-01T10:20:30.000"}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    assert detect_format(Source.open(path)).name == "echotrace-json"
    chat = read_log(path)
    assert chat.unparsed == [] and chat.group == "测试群"
    assert chat.messages.loc[0, ["msg_id", "sender_id", "sender", "text"]].tolist() == ["7", "wxid_a", "wxid_a", "hi"]


def test_lone_surrogate_escapes_become_replacement_characters(tmp_path):
    # JSON.stringify writes half an emoji as "\ud83d"; json decodes it to a lone surrogate,
    # which Arrow cannot hold: the whole file failed (UnicodeEncodeError). Found by the
    # chatlab-jsonl writer's damage test (a digit changed inside "\ud800\udc00").
    half = "\\ud83d"
    weflow = ('{"weflow": {"version": "2.1.0"}, "session": {"wxid": "1@chatroom", "displayName": "g' + half + '"},'
              ' "messages": [{"localId": 1, "createTime": 1710000000, "type": "文本消息", "content": "x' + half + '",'
              ' "isSend": 0, "senderUsername": "wxid_a", "senderDisplayName": "' + half + 'A"}]}')
    chatlab = ('{"chatlab": {"version": "0.0.2"}, "meta": {"name": "g", "platform": "qq", "type": "group"},'
               ' "members": [{"platformId": "1", "accountName": "' + half + '"}],'
               ' "messages": [{"sender": "1", "accountName": "A' + half + '", "timestamp": 1710000000, "type": 0,'
               ' "content": "x' + half + '"}]}')
    jsonl = ('{"_type":"header","chatlab":{"version":"0.0.2"},"meta":{"name":"g","platform":"qq","type":"group"}}\n'
             '{"_type":"message","sender":"1","accountName":"A","timestamp":1710000000,"type":0,"content":"x'
             + half + '"}\n')
    for name, text, sender in (("w.json", weflow, "\ufffdA"), ("c.json", chatlab, "A\ufffd"), ("c.jsonl", jsonl, "A")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        chat = read_log(path)
        assert chat.unparsed == []
        assert chat.messages.loc[0, ["sender", "text"]].tolist() == [sender, "x\ufffd"], name
    assert read_log(tmp_path / "w.json").group == "g\ufffd"


def test_sniffers_reject_lookalikes(tmp_path):
    cases = {
        "plain.json": '{"messages": [{"text": "hi"}]}',
        "session_no_wxid.json": '{"session": {"id": 1}, "messages": []}',
        "chatlab_not_first.jsonl": '{"_type": "message", "sender": "1"}\n',
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        source = Source.open(path)
        ours = [f.name for f in weflow_json.FORMATS if f.sniff(source)]
        assert ours == [], name


def test_path_objects_and_strings_both_work():
    assert len(read_log(str(WECHAT / "chatlab.json")).messages) == len(read_log(Path(WECHAT / "chatlab.json")).messages)
