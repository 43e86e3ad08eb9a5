"""Telegram Desktop result.json: golden samples, export-all, service events, time, leniency, streaming."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import read_chats, read_log
from analysis.errors import GroupChoiceError, ParseError
from analysis.notes import note
from analysis.parsers import FORMATS, ParseOptions, detect_format
from analysis.parsers._json_stream import JsonStream
from analysis.source import Source
from tests.conftest import SAMPLE_LOGS

TG = SAMPLE_LOGS / "telegram"
SH = ParseOptions(tz="Asia/Shanghai")


def _write(tmp_path, doc, name="result.json", raw=None):
    path = tmp_path / name
    path.write_text(raw if raw is not None else json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _msg(i, text="hi", **extra):
    base = {"id": i, "type": "message", "date": "2024-01-01T08:00:00", "date_unixtime": "1704067200",
            "from": "Ann", "from_id": "user1", "text": text}
    base.update(extra)
    return base


def test_group_matches_golden(golden):
    chat = read_log(TG / "group.json", options=SH)
    assert chat.unparsed == []
    assert chat.group == "深圳跑步俱乐部 🏃 SZ Runners" and chat.platform == "telegram"
    golden.check_messages(chat.messages, "telegram/group.messages.csv")


def test_full_export_matches_golden(golden):
    chats = read_chats(TG / "full_export.json", options=SH)
    assert [c.group for c in chats] == ["Python 学习群", "Airdrop Hunters 空投猎人"]
    for chat, name in zip(chats, ["python", "airdrop"], strict=True):
        assert chat.unparsed == []
        golden.check_messages(chat.messages, f"telegram/full_export.{name}.messages.csv")


@pytest.mark.parametrize("name", ["group.json", "full_export.json"])
def test_samples_detected_by_telegram_only(name):
    source = Source.open(TG / name)
    assert detect_format(source).name == "telegram-json"
    assert [f.name for f in FORMATS if f.sniff(source)] == ["telegram-json"]


def test_full_export_skips_personal_chats_with_a_warning_and_needs_group():
    chats = read_chats(TG / "full_export.json")
    for chat in chats:
        assert note("parse.personal_chats_skipped", n=1, detail="1 personal_chat") in chat.warnings
    assert "Anna Müller" not in [c.group for c in chats]
    with pytest.raises(GroupChoiceError, match="2 conversations"):
        read_log(TG / "full_export.json")
    assert read_log(TG / "full_export.json", group="Python 学习群").messages["msg_id"].iloc[0] == "1"


def test_full_export_of_personal_chats_only_is_an_error(tmp_path):
    doc = {"about": "x", "personal_information": {"user_id": 1},
           "chats": {"about": "x", "list": [{"name": "Bob", "type": "personal_chat", "id": 2,
                                             "messages": [_msg(1)]}]}}
    with pytest.raises(ParseError, match="no group or channel.*1 personal"):
        read_chats(_write(tmp_path, doc))


def test_invite_with_several_members_gives_one_join_each():
    m = read_log(TG / "group.json").messages
    joins = m[m["msg_id"].str.startswith("5#")]
    assert list(joins["msg_id"]) == ["5#1", "5#2"]
    assert list(joins["kind"]) == ["join", "join"]
    assert list(joins["sender_id"]) == ["user10003", "user10004"]   # names mapped to from_id
    assert set(joins["actor_id"]) == {"user10001"} and joins["line"].nunique() == 1


def test_leaves_joins_and_their_actors():
    m = read_log(TG / "group.json").messages.set_index("msg_id")
    assert tuple(m.loc["9", ["kind", "sender_id", "actor_id"]]) == ("join", "user10666", "user10001")  # link, inviter
    assert tuple(m.loc["12", ["kind", "sender_id", "actor_id"]]) == ("leave", "user10666", "user10001")  # kicked
    assert m.loc["33", "kind"] == "leave" and pd.isna(m.loc["33", "actor_id"])                          # left alone
    assert m.loc["29", "kind"] == "join" and m.loc["29", "sender_id"] == "user10005"                   # by request
    assert m.loc["24", "kind"] == "system" and m.loc["1", "kind"] == "system"                          # pin, create
    assert m.loc["31", "kind"] == "call"


def test_unknown_member_name_keeps_name_and_warns():
    chat = read_log(TG / "group.json")
    row = chat.messages.set_index("msg_id").loc["28"]
    assert (row["sender_id"], row["sender"]) == ("老周", "老周")
    assert note("parse.notice_names_unresolved", n=1) in chat.warnings


def test_media_kinds_and_text():
    m = read_log(TG / "group.json").messages.set_index("msg_id")
    expect = {"11": ("image", "[photo]"), "15": ("text", "今天人好多"), "16": ("sticker", "[sticker 😅]"),
              "17": ("voice", "[voice message]"), "18": ("video", "[video message]"),
              "19": ("sticker", "[GIF]"), "20": ("file", "[file: 3月训练计划.pdf]"),
              "22": ("location", "[location]"), "23": ("poll", "[poll: 下周六跑几公里？]"),
              "25": ("card", "[contact: Coach Li]"), "26": ("link", "https://example.org/shoes-review")}
    for mid, (kind, text) in expect.items():
        assert (m.loc[mid, "kind"], m.loc[mid, "text"]) == (kind, text), mid
    assert m.loc["27", "reply_to"] == "26"
    assert m.loc["32", "sender"] == "Deleted Account" and m.loc["32", "sender_id"] == "user10099"
    assert "t.me/free_usdt_airdrop_bot" in m.loc["10", "text"]         # entity list joined


def test_text_link_keeps_its_target():
    m = read_log(TG / "full_export.json", group="Airdrop Hunters 空投猎人").messages
    assert "claim here (https://moon-claim.example/airdrop)" in m.loc[m["msg_id"] == "5001", "text"].iloc[0]


def test_unixtime_is_converted_to_tz_and_default_utc_warns():
    utc = read_log(TG / "group.json")
    assert note("parse.tz_assumed", tz="UTC") in utc.warnings
    local = read_log(TG / "group.json", tz="Asia/Shanghai")
    assert "parse.tz_assumed" not in [w.code for w in local.warnings]
    assert utc.messages["timestamp"].iloc[0] == pd.Timestamp("2024-03-01 12:00:00")
    assert local.messages["timestamp"].iloc[0] == pd.Timestamp("2024-03-01 20:00:00")


def test_old_export_uses_date_and_names(tmp_path):
    doc = {"name": "Old", "type": "private_group", "id": 5, "messages": [
        {"id": 1, "type": "message", "date": "2019-07-05T16:55:32", "from": "Ann", "text": "hello"},
        {"id": 2, "type": "service", "date": "2019-07-05T17:00:00", "actor": "Ann", "action": "invite_members",
         "members": ["Bob"], "text": ""},
    ]}
    chat = read_log(_write(tmp_path, doc), tz="Europe/Berlin")
    m = chat.messages
    assert m["timestamp"].iloc[0] == pd.Timestamp("2019-07-05 16:55:32")   # wall clock, not converted
    assert m["sender_id"].iloc[0] == "Ann"
    assert note("parse.telegram_no_unixtime", n=2) in chat.warnings
    assert note("parse.telegram_no_from_id", n=1) in chat.warnings
    assert tuple(m.iloc[1][["kind", "sender_id", "actor_id"]]) == ("join", "Bob", "Ann")


def test_invalid_hex_escapes_are_tolerated_and_counted(tmp_path):
    raw = ('{\n "name": "G",\n "type": "private_group",\n "id": 1,\n "messages": [\n'
           '  {"id": 1, "type": "message", "date": "2024-01-01T08:00:00", "date_unixtime": "1704067200",'
           ' "from": "Ann", "from_id": "user1", "text": "bell\\x07 and \\x1b end"}\n ]\n}\n')
    chat = read_log(_write(tmp_path, None, raw=raw))
    assert chat.messages["text"].iloc[0] == "bell\x07 and \x1b end"
    assert note("parse.telegram_bad_escapes", n=2) in chat.warnings


def test_unreadable_messages_go_to_unparsed_with_their_line(tmp_path):
    doc = {"name": "G", "type": "private_group", "id": 1,
           "messages": [_msg(1), {"id": 2, "type": "message", "text": "no date"}, "junk", _msg(3, date_unixtime="x", date="bad")]}
    path = _write(tmp_path, doc)
    chat = read_log(path)
    assert list(chat.messages["msg_id"]) == ["1"]
    assert len(chat.unparsed) == 3
    lines = path.read_text(encoding="utf-8").split("\n")
    for item in chat.unparsed:
        assert lines[item.line - 1].strip().startswith(("{", '"junk"'))


def test_stream_matches_json_module_with_tiny_blocks():
    text = (TG / "full_export.json").read_text(encoding="utf-8")
    expected = json.loads(text)["chats"]["list"][1]["messages"]
    stream = JsonStream(text[i:i + 7] for i in range(0, len(text), 7))
    got = []
    for key in stream.keys():
        if key != "chats":
            stream.skip()
            continue
        for sub in stream.keys():
            if sub != "list":
                stream.skip()
                continue
            for n, _line in enumerate(stream.items()):
                for k in stream.keys():
                    if k == "messages" and n == 1:
                        got = [m for _, m in stream.objects()]
                    else:
                        stream.skip()
    assert got == expected
    assert stream.lines_read() == text.count("\n")


@pytest.mark.parametrize("name,count", [("test_single_export.json", 2), ("test_batch_export.json", 2)])
def test_public_samples_parse_cleanly(shared_dir, name, count):
    path = shared_dir / "samples" / "telegram" / name
    chat = read_log(path)
    assert chat.unparsed == [] and len(chat.messages) == count
    assert chat.messages["text"].iloc[1] == "Link:https://telegram.org/"
    assert detect_format(Source.open(path)).name == "telegram-json"


def test_chunked_rows_give_the_same_table(monkeypatch):
    from analysis.parsers import telegram_json

    whole = read_log(TG / "group.json").messages
    monkeypatch.setattr(telegram_json, "CHUNK_ROWS", 4)
    pd.testing.assert_frame_equal(read_log(TG / "group.json").messages, whole)
