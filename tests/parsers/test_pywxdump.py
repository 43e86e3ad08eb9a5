"""PyWxDump CSV (new and old layouts) and JSON: golden samples, system events, Excel damage,
users.json, detection and the public WeClone sample."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from analysis import read_chats, read_log
from analysis.errors import InputError, ParseError
from analysis.notes import note
from analysis.parsers import FORMATS
from analysis.schema import EVENT_KINDS, validate
from analysis.source import Source
from tests.conftest import SAMPLE_LOGS

WECHAT = SAMPLE_LOGS / "wechat" / "pywxdump"  # with the users.json PyWxDump keeps next to its pages
SAMPLES = {"pywxdump.csv": "pywxdump-csv", "pywxdump_old.csv": "pywxdump-csv", "pywxdump.json": "pywxdump-json"}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_matches_golden(name, golden):
    chat = read_log(WECHAT / name)
    assert chat.unparsed == []
    assert chat.group == "读书会交流群"  # the room's nickname from users.json
    validate(chat.messages)
    golden.check_messages(chat.messages, f"wechat/{name.replace('.', '_')}.messages.csv")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_is_claimed_by_its_own_sniffer_only(name):
    source = Source.open(WECHAT / name)
    assert [f.name for f in FORMATS if f.sniff(source)] == [SAMPLES[name]]


def test_the_wechat_sample_folder_is_not_an_export_folder():
    """users.json lives with the PyWxDump pages: the folder of all WeChat samples holds only
    logs (and their generators), so it is not mistaken for a folder-shaped export."""
    with pytest.raises(InputError, match="directory"):
        Source.open(SAMPLE_LOGS / "wechat")
    assert not (SAMPLE_LOGS / "wechat" / "users.json").exists()


def _events(name: str) -> pd.DataFrame:
    m = read_log(WECHAT / name).messages
    return m[m["kind"].isin(EVENT_KINDS)].set_index("line")


def test_invitation_of_two_members_gives_two_joins_with_the_inviter():
    m = read_log(WECHAT / "pywxdump.json").messages
    joins = m[(m["kind"] == "join") & (m["line"] == 26)]
    assert joins["sender_id"].tolist() == ["wxid_demo_dave", "wxid_demo_frank"]
    assert joins["actor_id"].tolist() == ["wxid_demo_bob", "wxid_demo_bob"]
    assert joins["msg_id"].is_unique


def test_qr_join_removal_recall_and_receipts():
    m = read_log(WECHAT / "pywxdump.json").messages.set_index("msg_id")
    spam = m[m["sender_id"] == "wxid_demo_spam"]
    assert spam["kind"].tolist() == ["join", "text", "text", "leave"]
    # Joined through the QR code the exporting user shared, and removed by them.
    assert spam["actor_id"].fillna("-").tolist() == ["wxid_demo_alice", "-", "-", "wxid_demo_alice"]
    qr = m[(m["kind"] == "join") & (m["sender_id"] == "wxid_demo_erin")]
    assert qr["actor_id"].tolist() == ["wxid_demo_carol"]
    recalls = m[m["kind"] == "recall"]
    assert recalls["sender_id"].tolist() == ["wxid_demo_dave", "wxid_demo_alice"]
    receipts = m[m["text"].str.contains("领取了")]
    assert set(receipts["kind"]) == {"system"}
    assert receipts["sender_id"].tolist() == ["wxid_demo_bob", "wxid_demo_carol", "wxid_demo_alice", "wxid_demo_frank"]
    # The receipt markup is gone, the word stays.
    assert receipts["text"].iloc[0] == "周大山领取了你的红包"


def test_no_notice_counts_as_a_members_message():
    m = read_log(WECHAT / "pywxdump.csv").messages
    words = m[~m["kind"].isin(EVENT_KINDS)]
    assert not words["text"].str.contains("加入了?群聊|移出了群聊|撤回了一条消息|领取了|拍了拍", regex=True).any()
    assert "系统消息" not in set(words["sender"])


def test_kinds_emoji_codes_links_and_transfers():
    m = read_log(WECHAT / "pywxdump.csv").messages
    by_text = m.set_index("text")["kind"]
    assert by_text["大家好，我是一鸣，刚入群[旺柴]"] == "text"
    assert by_text["[旺柴][旺柴]"] == "text"
    links = m[m["kind"] == "link"]["text"]
    assert links.iloc[0] == "2024年度好书榜\n一份年度书单\n\nhttps://books.example.com/2024/top"
    assert not links.str.contains("<a ").any()
    counts = m["kind"].value_counts()
    for kind in ("image", "sticker", "voice", "video", "file", "location", "call", "card", "red_packet"):
        assert counts[kind] >= 1, kind
    assert counts["transfer"] == 2


def test_quote_links_to_the_quoted_message():
    m = read_log(WECHAT / "pywxdump.csv").messages.set_index("msg_id")
    quote = m[m["text"].str.startswith("我也想读")]
    target = quote["reply_to"].iloc[0]
    assert m.loc[target, "text"].startswith("这是我今年读的书单")


def test_old_layout_reads_like_the_new_one():
    new = read_log(WECHAT / "pywxdump.csv").messages.drop(columns="line")
    old = read_log(WECHAT / "pywxdump_old.csv").messages.drop(columns="line")
    pd.testing.assert_frame_equal(new, old)


def test_self_talker_is_kept_with_a_warning():
    chat = read_log(WECHAT / "pywxdump.csv")
    mine = chat.messages[chat.messages["sender_id"] == "我"]
    assert len(mine) > 5
    assert note("parse.pywxdump_self_talker") in chat.warnings
    # In the JSON page my_wxid was set: the exporting user has a real wxid and name.
    chat = read_log(WECHAT / "pywxdump.json")
    assert "我" not in set(chat.messages["sender_id"])
    assert set(chat.messages.loc[chat.messages["sender_id"] == "wxid_demo_alice", "sender"]) == {"林小夏"}


def test_without_users_json_names_are_wxids_and_a_warning_says_so(tmp_path):
    shutil.copy(WECHAT / "pywxdump.csv", tmp_path / "page.csv")
    chat = read_log(tmp_path / "page.csv")
    assert chat.group == "12345678@chatroom"
    spoke = chat.messages[~chat.messages["kind"].isin(EVENT_KINDS)]
    assert (spoke["sender"] == spoke["sender_id"]).all()
    assert note("parse.no_users_json") in chat.warnings
    # Joins still resolve: the XML and the members' own ids name them.
    joins = chat.messages[chat.messages["kind"] == "join"]
    assert "wxid_demo_erin" in set(joins["sender_id"])


EXCEL = (
    "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n"
    "1,101,文本,FALSE,wxid_demo_bob,12345678@chatroom,早上好,,2024/10/4 9:05\r\n"
    "2,102,文本,TRUE,wxid_demo_me,12345678@chatroom,你好[旺柴],,2024/10/4 11:42\r\n"
    '3,103,系统通知,FALSE,未知,12345678@chatroom,"""周大山""邀请""王一鸣""加入了群聊",,2024/12/30 21:26\r\n'
    "4,104,系统通知,TRUE,wxid_demo_me,12345678@chatroom,<revokemsg>你撤回了一条消息</revokemsg>,,2024/12/30 21:27\r\n"
)


def test_excel_damaged_dates_and_booleans(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(EXCEL, encoding="utf-8")
    chat = read_log(path)
    m = chat.messages
    assert chat.unparsed == []
    assert m["timestamp"].tolist() == [pd.Timestamp("2024-10-04 09:05"), pd.Timestamp("2024-10-04 11:42"),
                                       pd.Timestamp("2024-12-30 21:26"), pd.Timestamp("2024-12-30 21:27")]
    assert note("parse.times_without_seconds", n=4) in chat.warnings
    # TRUE marks the exporting user: '你' in the recall notice is that wxid.
    assert m.loc[m["kind"] == "recall", "sender_id"].tolist() == ["wxid_demo_me"]
    assert m["kind"].tolist() == ["text", "text", "join", "recall"]


def test_broken_rows_go_to_unparsed_with_their_line(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(EXCEL + "5,105,文本,0,wxid_demo_bob\r\n6,106,文本,0,wxid_demo_bob,12345678@chatroom,ok,,not a date\r\n",
                    encoding="utf-8")
    chat = read_log(path)
    assert len(chat.messages) == 4
    assert [u.line for u in chat.unparsed] == [6, 7]
    assert "fields" in chat.unparsed[0].text and "CreateTime" in chat.unparsed[1].text


def test_json_records_carry_lines_and_bad_json_names_its_line(tmp_path):
    records = [{"id": 1, "MsgSvrID": "1", "type_name": "文本", "is_sender": 0, "talker": "wxid_demo_bob",
                "room_name": "12345678@chatroom", "msg": "hi", "src": "", "extra": {},
                "CreateTime": "2024-05-01 10:00:00"}]
    good = tmp_path / "page.json"
    good.write_text(json.dumps(records, indent=2), encoding="utf-8")
    assert read_log(good).messages["line"].tolist() == [2]
    bad = tmp_path / "cut.json"
    bad.write_text(json.dumps(records, indent=2)[:-10], encoding="utf-8")
    with pytest.raises(ParseError) as err:
        read_chats(bad, "pywxdump-json")
    assert err.value.line is not None


def test_old_json_keeps_content_as_an_object(tmp_path):
    # Found by the round-trip writer: early-2024 PyWxDump (ParsingMSG.msg_detail + json.dump)
    # writes "content" as an object, not as the JSON text its CSV holds.
    records = [{"MsgSvrID": "101", "type_name": "文本", "is_sender": 0, "talker": "wxid_demo_bob",
                "room_name": "12345678@chatroom", "content": {"src": "", "msg": "早\n上好"},
                "CreateTime": "2024-05-01 10:00:00", "id": 1},
               {"MsgSvrID": "102", "type_name": "文本", "is_sender": 1, "talker": "我",
                "room_name": "12345678@chatroom", "content": {"src": "", "msg": "[图片]"},
                "CreateTime": "2024-05-01 10:01:00", "id": 2}]
    path = tmp_path / "12345678@chatroom_0_3.json"
    path.write_text(json.dumps(records, ensure_ascii=False, indent=4), encoding="utf-8")
    chat = read_log(path)
    assert chat.unparsed == []
    assert chat.messages["text"].tolist() == ["早\n上好", "[图片]"]
    assert "parse.pywxdump_content_not_json" not in [w.code for w in chat.warnings]


def test_public_weclone_sample_parses_completely(shared_dir):
    path = shared_dir / "samples" / "wechat" / "test_0_730.csv"
    source = Source.open(path)
    assert [f.name for f in FORMATS if f.sniff(source)] == ["pywxdump-csv"]
    chat = read_log(path)
    assert chat.unparsed == []
    assert len(chat.messages) == 96  # every data row, including the empty text one
    m = chat.messages
    assert m["timestamp"].min() == pd.Timestamp("2024-10-04 11:42")
    assert (m.loc[m["text"] == "[旺柴]", "kind"] == "text").all()
    assert m["kind"].value_counts()["recall"] == 2
    assert m["reply_to"].notna().sum() == 1


def test_users_json_symlinked_out_of_the_folder_is_refused(tmp_path):
    # A sidecar must be a file of the export's own folder, not a link to any file on disk.
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(WECHAT / "pywxdump.csv", folder / "page.csv")
    shutil.copy(WECHAT / "users.json", tmp_path / "elsewhere.json")
    (folder / "users.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(ParseError, match="users.json.*outside the export's folder"):
        read_log(folder / "page.csv")
