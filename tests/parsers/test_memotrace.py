"""MemoTrace (留痕) TXT and CSV, v1 and v2: golden samples, detection, and the layout traps."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import read_chats, read_log
from analysis.errors import InputError
from analysis.notes import note
from analysis.parsers import FORMATS, ParseOptions, detect_format
from analysis.schema import EVENT_KINDS
from analysis.source import LINE_BREAK, Source
from tests.conftest import SAMPLE_LOGS

WX = SAMPLE_LOGS / "wechat"
SAMPLES = {
    "memotrace_v1.txt": "memotrace-txt",
    "memotrace_v2.txt": "memotrace-txt",
    "memotrace_v1.csv": "memotrace-csv",
    "memotrace_v2.csv": "memotrace-csv",
}


def _write(tmp_path: Path, text: str, name: str = "chat.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def _by_line(path: Path, **kwargs) -> pd.DataFrame:
    return read_log(path, **kwargs).messages.set_index("msg_id")


# -- samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_matches_golden(name, golden):
    chat = read_log(WX / name)
    assert chat.unparsed == []
    assert chat.platform == "wechat"
    golden.check_messages(chat.messages, f"wechat/{name.replace('.', '_')}.messages.csv")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_is_detected_by_exactly_its_own_sniffer(name):
    source = Source.open(WX / name)
    assert detect_format(source).name == SAMPLES[name]
    assert [f.name for f in FORMATS if f.sniff(source)] == [SAMPLES[name]]


def test_memotrace_sniffers_claim_no_other_sample():
    ours = [f for f in FORMATS if f.name in ("memotrace-txt", "memotrace-csv")]
    for path in SAMPLE_LOGS.rglob("*"):
        if path.is_dir() or path.suffix in (".py", ".md") or path.name in SAMPLES:
            continue
        try:
            source = Source.open(path)
        except InputError:  # binary or empty files are no text format's business
            continue
        assert not [f.name for f in ours if f.sniff(source)], path


def test_memotrace_sniffers_claim_no_shared_sample(shared_dir):
    ours = [f for f in FORMATS if f.name in ("memotrace-txt", "memotrace-csv")]
    for path in (shared_dir / "samples").rglob("*"):
        if path.is_file() and path.suffix in (".txt", ".csv", ".json"):
            assert not [f.name for f in ours if f.sniff(Source.open(path))], path


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_nothing_lost_and_events_are_not_messages(name):
    chat = read_log(WX / name)
    m = chat.messages
    # Every join/leave names the member; the inviter/remover is in actor_id.
    joins = m[m["kind"] == "join"]
    assert len(joins) >= 3 and joins["actor_id"].notna().all()
    leaves = m[m["kind"] == "leave"]
    assert len(leaves) >= 1 and leaves["actor_id"].notna().all()
    assert (m["kind"] == "recall").sum() >= 2
    # System notices never count as members' words.
    for text in ("撤回了一条消息", "加入了群聊", "移出了群聊", "的红包", "拍了拍"):
        rows = m[m["text"].str.contains(text, regex=False) & ~m["text"].str.contains("\n")]
        rows = rows[~rows["kind"].isin(["text", "red_packet", "link"])]
        assert rows["kind"].isin(EVENT_KINDS).all(), (text, rows)
    assert m["msg_id"].is_unique


def test_every_non_blank_line_is_in_a_record_txt():
    for name in ("memotrace_v1.txt", "memotrace_v2.txt"):
        text = (WX / name).read_text(encoding="utf-8")
        chat = read_log(WX / name)
        raw = LINE_BREAK.split(text)
        starts = sorted(set(chat.messages["line"].astype(int)))
        # Each record starts on a header line, and the lines between cover the rest.
        assert all(raw[n - 1][:4].isdigit() for n in starts), name
        assert starts[0] == 1
        assert chat.lines_total == len(raw) - (1 if raw[-1] == "" else 0)


# -- TXT v1 -------------------------------------------------------------------------------


def test_v1_version_is_noted_and_names_unescaped():
    chat = read_log(WX / "memotrace_v1.txt")
    assert chat.warnings[0] == note("parse.memotrace_txt_v1", system_lines=10, placeholders=8)
    senders = set(chat.messages["sender"])
    assert {"Tom&Jerry", '阿杰"跑者"', "<Sunny>", "Mike's Run"} <= senders
    assert not any("&amp;" in s or "\\" in s or "&lt;" in s for s in senders)
    # The escaped name and the raw name in a notice meet: the recall is Tom&Jerry's.
    recall = chat.messages[chat.messages["text"] == '"Tom&Jerry" 撤回了一条消息']
    assert recall["sender_id"].tolist() == ["Tom&Jerry"]


def test_v1_system_line_is_on_the_header_and_next_line_blank(tmp_path):
    path = _write(tmp_path, (
        "2024-01-01 12:00:00 张三\n你好\n\n"
        '2024-01-01 12:01:00 "张三"邀请"李四"加入了群聊\n\n'
        "2024-01-01 12:02:00 李四\n[图片]\n\n"
        "2024-01-01 12:03:00 张三\n\n"  # an empty message from a known member stays a message
        "2024-01-01 12:04:00 群主已开启群聊邀请确认\n\n"
    ))
    m = read_log(path).messages
    assert m["kind"].tolist() == ["text", "join", "image", "text", "system"]
    assert m.loc[1, "sender_id"] == "李四" and m.loc[1, "actor_id"] == "张三"
    assert m.loc[3, "sender"] == "张三" and m.loc[3, "text"] == ""
    assert m.loc[4, "sender_id"] == "system" and m.loc[4, "text"] == "群主已开启群聊邀请确认"


def test_v1_header_like_line_inside_a_body_stays_in_the_body():
    m = _by_line(WX / "memotrace_v1.txt")
    assert m.loc["L118", "text"] == "2024-05-08 07:00:00 那会儿雨最大\n还好坚持下来了"
    assert "那会儿雨最大" not in set(m["sender"])


def test_v1_link_block_is_dedented_and_a_link():
    m = _by_line(WX / "memotrace_v1.txt")
    assert m.loc["L43", "kind"] == "link"
    assert m.loc["L43", "text"].splitlines()[2] == "url:http://example.com/shoes-sale"


def test_emoji_codes_stay_text_and_placeholders_are_media():
    m = _by_line(WX / "memotrace_v1.txt")
    assert m.loc["L35", "text"] == "发错群了[捂脸][捂脸]" and m.loc["L35", "kind"] == "text"
    assert m.loc["L80", "text"] == "谢谢团长[红包][红包]" and m.loc["L80", "kind"] == "text"
    assert m.loc["L19", "kind"] == "image" and m.loc["L30", "kind"] == "voice"
    assert m.loc["L55", "kind"] == "sticker" and m.loc["L90", "kind"] == "file"


def test_self_option_names_the_exporting_user():
    chat = read_log(WX / "memotrace_v1.txt", options=ParseOptions(extra={"self": "林跑跑"}))
    m = chat.messages.set_index("msg_id")
    assert m.loc["L50", "actor_id"] == "林跑跑"  # 你将"王五"移出了群聊
    assert m.loc["L96", "sender_id"] == "林跑跑"  # 你撤回了一条消息


def test_crlf_copy_reads_the_same(tmp_path):
    text = (WX / "memotrace_v1.txt").read_text(encoding="utf-8")
    lf = read_log(WX / "memotrace_v1.txt").messages
    crlf = read_log(_write(tmp_path, text.replace("\n", "\r\n"), "v1.txt")).messages
    pd.testing.assert_frame_equal(lf, crlf)


# -- TXT v2 -------------------------------------------------------------------------------


def test_v2_time_only_headers_are_system_records():
    chat = read_log(WX / "memotrace_v2.txt")
    assert chat.warnings[0] == note("parse.memotrace_txt_v2", headers=10, placeholders=14)
    m = chat.messages.set_index("msg_id")
    assert m.loc["L7", "kind"] == "join" and m.loc["L7", "sender_id"] == "林间小鹿"
    assert m.loc["L7", "actor_id"] == "书虫老周"
    assert m.loc["L47", "actor_id"] == "阿木"  # joined by scanning 阿木's QR code
    assert m.loc["L61", "kind"] == "leave" and m.loc["L61", "actor_id"] == "书虫老周"
    assert m.loc["L35", "kind"] == "system"  # red-packet receipt
    assert m.loc["L80", "kind"] == "system"  # 拍一拍 under the patter's own header
    assert m.loc[["L117", "L117#2"], "sender_id"].tolist() == ["周末读者", "纸飞机"]


def test_v2_bodies_keep_blank_lines_and_placeholders_map():
    m = _by_line(WX / "memotrace_v2.txt")
    assert m.loc["L19", "text"] == "我的读书笔记，第一段写得特别好：\n\n“我是雨和雪的老熟人了”\n\n大家怎么理解这句？"
    assert m.loc["L120", "text"].startswith("【合并转发的聊天记录】\n\n    - 2025-03-01")
    kinds = {"L26": "sticker", "L32": "red_packet", "L50": "link", "L67": "voice",
             "L89": "transfer", "L94": "transfer", "L107": "location", "L127": "card",
             "L136": "call", "L29": "text"}
    assert {k: m.loc[k, "kind"] for k in kinds} == kinds


def test_v2_header_only_line_at_the_very_end(tmp_path):
    path = _write(tmp_path, "2025-01-01 10:00:00 阿木\n你好\n\n2025-01-01 10:01:00\n\"阿木\" 撤回了一条消息")
    m = read_log(path).messages
    assert m["kind"].tolist() == ["text", "recall"]
    assert m["sender_id"].tolist() == ["阿木", "阿木"]


def test_txt_sniffer_leaves_qq_like_headers_to_qq(tmp_path):
    path = _write(tmp_path, "2024-01-01 12:00:00 张三(10001)\n你好\n\n2024-01-01 12:00:05 李四(10002)\n嗯\n\n")
    assert detect_format(Source.open(path)).name == "qq-txt"


def test_txt_sniffer_needs_blank_line_separated_records(tmp_path):
    path = _write(tmp_path, "2024-01-01 12:00:00 started\n2024-01-01 12:00:01 still going\n"
                            "2024-01-01 12:00:02 more log\n2024-01-01 12:00:03 done\n")
    source = Source.open(path)
    assert not [f.name for f in FORMATS if f.name == "memotrace-txt" and f.sniff(source)]


# -- CSV v1 -------------------------------------------------------------------------------


def test_v1_csv_identity_is_the_wxid_and_you_is_the_exporting_user():
    chat = read_log(WX / "memotrace_v1.csv")
    m = chat.messages.set_index("msg_id")
    assert chat.group == "memotrace_v1"
    assert m.loc["1002", "sender_id"] == "wxid_demo_a01" and m.loc["1002", "sender"] == "阿峰"
    assert m.loc["1004", "kind"] == "join" and m.loc["1004", "actor_id"] == "wxid_demo_self"
    assert m.loc["1011", "kind"] == "leave" and m.loc["1011", "sender_id"] == "wxid_demo_a06"
    assert m.loc["1031", "kind"] == "recall" and m.loc["1031", "sender_id"] == "wxid_demo_self"
    assert m.loc["1031", "text"] == "你撤回了一条消息"  # CDATA and the 重新编辑 link stripped


def test_v1_csv_system_xml_is_rendered_with_wxids():
    m = _by_line(WX / "memotrace_v1.csv")
    assert m.loc["1008", "text"] == '"旅行达人"通过扫描"Feng"分享的二维码加入群聊'
    assert (m.loc["1008", "sender_id"], m.loc["1008", "actor_id"]) == ("wxid_demo_a06", "wxid_demo_a01")
    # Two members who never spoke still get their wxid, from the template's member list.
    assert m.loc[["1027", "1027#2"], "sender_id"].tolist() == ["wxid_demo_a07", "wxid_demo_a08"]
    assert m.loc["1018", "kind"] == "recall" and m.loc["1018", "sender_id"] == "wxid_demo_a03"
    assert m.loc["1023", "kind"] == "system" and m.loc["1023", "sender_id"] == "wxid_demo_a04"
    assert m.loc["1014", "text"] == "大熊领取了你的红包"


def test_v1_csv_types_map_to_kinds_and_xml_is_kept():
    m = _by_line(WX / "memotrace_v1.csv")
    kinds = {"1007": "image", "1010": "link", "1013": "red_packet", "1016": "sticker",
             "1019": "voice", "1021": "file", "1022": "location", "1024": "text", "1025": "card",
             "1026": "transfer", "1028": "video", "1029": "card"}
    assert {k: m.loc[k, "kind"] for k in kinds} == kinds
    assert m.loc["1013", "text"].startswith("<?xml")
    assert m.loc["1024", "text"] == "同意，北门集合方便"  # a quote keeps its words


def test_v1_csv_line_numbers_count_multi_line_cells():
    m = _by_line(WX / "memotrace_v1.csv")
    assert (m.loc["1001", "line"], m.loc["1002", "line"]) == (2, 4)
    assert m.loc["1008", "line"] == 16  # after an image cell of five lines


_V1_HEADER = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n"


def test_v1_csv_falls_back_to_create_time_with_a_zone(tmp_path):
    body = (_V1_HEADER
            + "1,7,1,0,0,1717200000,3,早,2024-06-01 08:00:00,阿峰,Feng,wxid_demo_a01\r\n"
            + "2,7,1,0,0,1717200060,3,好,,阿峰,Feng,wxid_demo_a01\r\n")
    path = _write(tmp_path, body, "t.csv", encoding="utf-8-sig")
    chat = read_log(path)
    assert chat.messages.set_index("msg_id").loc["2", "timestamp"] == pd.Timestamp("2024-06-01 08:01:00")
    assert note("parse.createtime_fallback", n=1, tz="Asia/Shanghai") in chat.warnings
    chat = read_log(path, tz="UTC")
    assert chat.messages.set_index("msg_id").loc["2", "timestamp"] == pd.Timestamp("2024-06-01 00:01:00")
    assert "parse.createtime_fallback" not in [w.code for w in chat.warnings]


def test_v1_csv_strips_a_leftover_sender_prefix(tmp_path):
    body = _V1_HEADER + '1,7,1,0,0,1717200000,3,"wxid_demo_a01:\n早上好",2024-06-01 08:00:00,阿峰,Feng,wxid_demo_a01\r\n'
    m = read_log(_write(tmp_path, body, "t.csv")).messages
    assert m["text"].tolist() == ["早上好"]


# -- CSV v2 -------------------------------------------------------------------------------


def test_v2_csv_says_identity_is_by_name_and_flags_collisions():
    chat = read_log(WX / "memotrace_v2.csv")
    assert note("parse.identity_by_name", export="MemoTrace v2 CSV") in chat.warnings
    clash = [w for w in chat.warnings if w.code == "parse.name_collision"]
    assert clash == [note("parse.name_collision", n=1, names=["小林"], nicknames=[["林一帆", "林晓"]], more=0)]


def test_v2_csv_matches_the_v2_txt_story():
    txt = read_log(WX / "memotrace_v2.txt").messages
    csv = read_log(WX / "memotrace_v2.csv").messages
    csv = csv[csv["sender"] != "小林"]
    assert csv["sender_id"].tolist() == txt["sender_id"].tolist()
    assert csv["actor_id"].tolist() == txt["actor_id"].tolist()
    # Same kinds, except the mini program: only the CSV's 类型 says 小程序.
    diff = [(a, b) for a, b in zip(txt["kind"], csv["kind"], strict=True) if a != b]
    assert diff == [("link", "card")]


def test_v2_csv_without_collision_has_no_collision_warning(tmp_path):
    body = ("消息ID,类型,发送人,时间,内容,备注,昵称,更多信息\r\n"
            "1,文本,小林,2025-01-01 10:00:00,你好,林晓,林晓,more\r\n"
            "2,文本,小林,2025-01-01 10:01:00,在吗,林晓,林晓,more\r\n")
    chat = read_log(_write(tmp_path, body, "t.csv", encoding="utf-8-sig"))
    assert "parse.name_collision" not in [w.code for w in chat.warnings]
    assert chat.messages["msg_id"].tolist() == ["1", "2"]


def test_csv_all_messages_splits_by_talker(tmp_path):
    body = (_V1_HEADER
            + "1,7,1,0,0,1717200000,3,早,2024-06-01 08:00:00,阿峰,Feng,wxid_demo_a01\r\n"
            + "2,9,1,0,0,1717200060,3,好,2024-06-01 08:01:00,小雨,小雨,wxid_demo_a02\r\n")
    chats = read_chats(_write(tmp_path, body, "messages.csv"))
    assert [c.group for c in chats] == ["messages #7", "messages #9"]


def test_v2_csv_reads_spreadsheet_damaged_times(tmp_path):
    body = ("消息ID,类型,发送人,时间,内容,备注,昵称,更多信息\r\n"
            "1,文本,小林,2025/3/1 9:05,你好,林晓,林晓,more\r\n"
            "2,文本,小林,not a time,在吗,林晓,林晓,more\r\n")
    chat = read_log(_write(tmp_path, body, "t.csv", encoding="utf-8-sig"))
    assert chat.messages["timestamp"].tolist() == [pd.Timestamp("2025-03-01 09:05:00")]
    assert [u.line for u in chat.unparsed] == [3]
    assert note("parse.times_read_leniently", n=1) in chat.warnings


def test_v2_csv_text_keeps_its_trailing_line_break(tmp_path):
    # Found by the round-trip writer: only the exporter's own renderings end with a line
    # break it adds; a 文本 row is the member's text as typed (as the v1 CSV keeps it).
    body = ("消息ID,类型,发送人,时间,内容,备注,昵称,更多信息\r\n"
            '1,文本,小林,2025-01-01 10:00:00,"第一行\n第二行\n",林晓,林晓,more\r\n'
            '2,转账,小林,2025-01-01 10:01:00,"【发起转账】:￥30.00\n备注: 场地费\n",林晓,林晓,more\r\n')
    chat = read_log(_write(tmp_path, body, "t.csv", encoding="utf-8-sig"))
    assert chat.messages["text"].tolist() == ["第一行\n第二行\n", "【发起转账】:￥30.00\n备注: 场地费"]
