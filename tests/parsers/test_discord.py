"""DiscordChatExporter JSON and CSV: golden samples, system types, bots, dates, engagement."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import read_log
from analysis.notes import note
from analysis.parsers import FORMATS, ParseOptions, detect_format
from analysis.parsers.discord import discord_engagement
from analysis.source import Source
from tests.conftest import SAMPLE_LOGS

DC = SAMPLE_LOGS / "discord"
SH = ParseOptions(tz="Asia/Shanghai")
HEADER = "AuthorID,Author,Date,Content,Attachments,Reactions\r\n"


def _user(uid, name, bot=False):
    return {"id": uid, "name": name, "discriminator": "0000", "nickname": name, "isBot": bot}


def _dm_export(tmp_path):
    """A group DM with the notification types a server channel never shows."""
    ann, bob, cy = _user("1", "Ann"), _user("2", "Bob"), _user("3", "Cy")

    def m(i, mtype, author, content, **extra):
        return {"id": str(100 + i), "type": mtype, "timestamp": f"2024-01-0{i}T10:00:00+00:00",
                "content": content, "author": author, "attachments": [], "embeds": [],
                "reactions": [], "mentions": [], **extra}
    doc = {"guild": {"id": "0", "name": "Direct Messages"},
           "channel": {"id": "9", "type": "DirectGroupTextChat", "name": "Trip"},
           "messages": [
               m(1, "RecipientAdd", ann, "Added Bob to the group.", mentions=[bob]),
               m(2, "RecipientRemove", ann, "Removed Cy from the group.", mentions=[cy]),
               m(3, "RecipientRemove", bob, "Left the group.", mentions=[bob]),
               m(4, "Call", ann, "Started a call that lasted 5 minutes."),
               m(5, "8", ann, "boosted"),
               m(6, "20", _user("7", "Dice", bot=True), "🎲 4"),
               m(7, "Reply", bob, "ok", reference={"messageId": "106"}),
           ], "messageCount": 7}
    path = tmp_path / "Direct Messages - Trip [9].json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["channel.json", "channel.csv", "channel_old.csv"])
def test_samples_match_golden(name, golden):
    chat = read_log(DC / name, options=SH)
    assert chat.unparsed == [] and chat.platform == "discord"
    golden.check_messages(chat.messages, f"discord/{name.replace('.', '_')}.messages.csv")


@pytest.mark.parametrize("name,fmt", [("channel.json", "discord-json"), ("channel.csv", "discord-csv"),
                                      ("channel_old.csv", "discord-csv")])
def test_samples_detected_by_own_format_only(name, fmt):
    source = Source.open(DC / name)
    assert detect_format(source).name == fmt
    assert [f.name for f in FORMATS if f.sniff(source)] == [fmt]


def test_json_identity_kinds_and_replies():
    chat = read_log(DC / "channel.json", options=SH)
    m = chat.messages
    assert chat.group == "星火读书会 Spark Readers / general"
    assert m["timestamp"].iloc[0] == pd.Timestamp("2024-05-01 20:00:00")  # +08:00 shown in Asia/Shanghai
    assert (m["kind"] == "join").sum() == 2 and set(m.loc[m["kind"] == "join", "sender"]) == {"Mika 🌸", "FreeNitro 🎁"}
    reply = m[m["reply_to"].notna()]
    assert len(reply) == 1 and reply["reply_to"].iloc[0] == m["msg_id"].iloc[2]   # pins don't count as replies
    by_text = m.set_index("text")
    assert by_text.loc["cover_三体.jpg", "kind"] == "image"
    assert by_text.loc["voice-message.ogg", "kind"] == "voice"
    assert by_text.loc["trailer.mp4, poster.png", "kind"] == "video"
    assert by_text.loc["[sticker: Wave]", "kind"] == "sticker"
    assert by_text.loc["读书笔记在这里，欢迎补充", "kind"] == "text"          # captioned file is text
    assert by_text.loc["Pinned a message.", "kind"] == "system"


def test_json_bots_are_in_roster_and_warned():
    chat = read_log(DC / "channel.json")
    assert chat.roster.to_dict("list")["sender"] == ["BookBot"]
    assert list(chat.roster["role"]) == ["bot"]
    assert note("parse.discord_bots", n=1, names=["BookBot"]) in chat.warnings
    assert note("parse.tz_assumed", tz="UTC") in chat.warnings


def test_group_dm_notification_types(tmp_path):
    chat = read_log(_dm_export(tmp_path))
    m = chat.messages.set_index("msg_id")
    assert tuple(m.loc["101", ["kind", "sender_id", "actor_id"]]) == ("join", "2", "1")
    assert tuple(m.loc["102", ["kind", "sender_id", "actor_id"]]) == ("leave", "3", "1")
    assert m.loc["103", "kind"] == "leave" and m.loc["103", "sender_id"] == "2" and pd.isna(m.loc["103", "actor_id"])
    assert m.loc["104", "kind"] == "call"
    assert m.loc["105", "kind"] == "system"              # numeric notification type 1..18
    assert m.loc["106", "kind"] == "text"                # numeric type above 18: an ordinary message
    assert m.loc["107", "reply_to"] == "106"
    assert list(chat.roster["sender_id"]) == ["7"]


def test_csv_rows_keep_their_physical_line_and_newlines():
    chat = read_log(DC / "channel.csv")
    m = chat.messages
    assert list(m["line"][:3]) == [2, 5, 6]
    assert m["text"].iloc[0] == "欢迎来到星火读书会！📚\n本月共读：《三体》\n每周五晚 9 点语音讨论。"
    assert chat.lines_total == 24


def test_csv_iso_and_old_locale_dates_agree():
    new = read_log(DC / "channel.csv", tz="Asia/Shanghai").messages
    old = read_log(DC / "channel_old.csv").messages
    assert (new["timestamp"].dt.floor("min") == old["timestamp"]).all()
    assert list(new["kind"]) == list(old["kind"])


def test_old_csv_warns_month_first_and_dayfirst_option(tmp_path):
    chat = read_log(DC / "channel_old.csv")
    assert note("parse.discord_csv_monthfirst") in chat.warnings
    path = tmp_path / "x.csv"
    path.write_text('AuthorID;Author;Date;Content;Attachments;Reactions;\r\n'
                    '"1";"a#0001";"3/4/2020 1:05 PM";"hi";"";"";\r\n', encoding="utf-8")
    assert read_log(path).messages["timestamp"].iloc[0] == pd.Timestamp("2020-03-04 13:05")
    swapped = read_log(path, options=ParseOptions(dayfirst=True)).messages
    assert swapped["timestamp"].iloc[0] == pd.Timestamp("2020-04-03 13:05")


def test_old_csv_day_first_is_inferred_when_provable(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(HEADER + '"1","a","25/12/2019 09:00","hi","",""\r\n'
                    '"1","a","3/1/2020 12:00 AM","yo","",""\r\n', encoding="utf-8")
    chat = read_log(path)
    assert list(chat.messages["timestamp"]) == [pd.Timestamp("2019-12-25 09:00"), pd.Timestamp("2020-01-03 00:00")]
    assert note("parse.discord_csv_monthfirst") not in chat.warnings


def test_old_csv_default_date_format_with_month_names(tmp_path):
    # DCE's old default --dateformat "dd-MMM-yy hh:mm tt" (invariant culture) used to leave
    # every row unparsed ("unreadable date").
    path = tmp_path / "x.csv"
    path.write_text('AuthorID;Author;Date;Content;Attachments;Reactions;\r\n'
                    '"1";"a#0001";"03-Apr-20 01:05 PM";"hi";"";"";\r\n'
                    '"2";"b#0002";"17-Jan-21 12:30 AM";"yo";"";"";\r\n', encoding="utf-8")
    chat = read_log(path)
    assert chat.unparsed == []
    assert list(chat.messages["timestamp"]) == [pd.Timestamp("2020-04-03 13:05"), pd.Timestamp("2021-01-17 00:30")]
    assert note("parse.discord_csv_monthfirst") not in chat.warnings  # a month name leaves nothing to guess


def test_csv_events_bad_rows_and_group_name(tmp_path):
    path = tmp_path / "Guild - Chat - lobby [123].csv"
    path.write_text(HEADER
                    + '"1","ann","2024-01-01T10:00:00+00:00","hello","",""\r\n'
                    + '"2","bob","2024-01-01T10:01:00+00:00","Added ann to the group.","",""\r\n'
                    + '"2","bob","2024-01-01T10:02:00+00:00","only three"\r\n'
                    + '"2","bob","not a date","x","",""\r\n', encoding="utf-8")
    chat = read_log(path)
    assert chat.group == "Guild - Chat - lobby"
    row = chat.messages.iloc[1]
    assert (row["kind"], row["sender_id"], row["actor_id"]) == ("join", "1", "2")
    assert [u.line for u in chat.unparsed] == [4, 5]


def test_engagement_counts_from_json_and_csv():
    js = discord_engagement(DC / "channel.json")
    cs = discord_engagement(DC / "channel.csv")
    assert list(js.columns) == ["msg_id", "reactions", "attachments"]
    assert list(js["reactions"]) == list(cs["reactions"]) and list(js["attachments"]) == list(cs["attachments"])
    assert js["reactions"].sum() == 11 and js["attachments"].sum() == 5
    assert list(js["msg_id"]) == list(read_log(DC / "channel.json").messages["msg_id"])
    assert cs["msg_id"].iloc[0] == "L2"


def test_public_sample_parses_cleanly(shared_dir):
    path = shared_dir / "samples" / "discord" / "SV_5A_5M.json"
    chat = read_log(path)
    assert chat.unparsed == [] and len(chat.messages) == 5
    assert set(chat.messages["sender"]) == {"Deleted User", "mlomb"}
    assert note("parse.duplicate_ids", n=1) in chat.warnings
    assert discord_engagement(path)["reactions"].sum() == 5
