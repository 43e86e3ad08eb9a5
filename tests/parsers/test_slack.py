"""Slack workspace export: folder, ZIP, one day file; subtypes, mrkdwn, threads, bots, roster."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from analysis import read_chats, read_log
from analysis.errors import GroupChoiceError
from analysis.notes import note
from analysis.parsers import FORMATS, ParseOptions, detect_format
from analysis.source import Source
from tests.conftest import SAMPLE_LOGS

WS = SAMPLE_LOGS / "slack" / "workspace"


def _zip(tmp_path, prefix=""):
    """The sample workspace zipped (as Slack's "Export data" delivers it), built per test."""
    path = tmp_path / "workspace.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(WS.rglob("*.json")):
            zf.write(file, prefix + file.relative_to(WS).as_posix())
    return path


def _day_folder(tmp_path, messages, users=None):
    root = tmp_path / "export"
    (root / "ops").mkdir(parents=True)
    (root / "users.json").write_text(json.dumps(users or []), encoding="utf-8")
    (root / "ops" / "2024-01-01.json").write_text(json.dumps(messages, indent=4), encoding="utf-8")
    return root


@pytest.mark.parametrize("channel", ["general", "random"])
def test_workspace_matches_golden(channel, golden):
    chat = read_log(WS, group=channel)
    assert chat.unparsed == [] and chat.platform == "slack" and chat.group == channel
    golden.check_messages(chat.messages, f"slack/workspace.{channel}.messages.csv")


def test_zip_reads_like_the_folder(tmp_path):
    folder = read_chats(WS)
    for prefix in ("", "Demo Slack export Jun 1 2024 - Jun 5 2024/"):
        zipped = read_chats(_zip(tmp_path, prefix))
        assert [c.group for c in zipped] == [c.group for c in folder] == ["general", "random"]
        for a, b in zip(folder, zipped, strict=True):
            pd.testing.assert_frame_equal(a.messages, b.messages)
            pd.testing.assert_frame_equal(a.roster, b.roster)


def test_detected_as_slack_only(tmp_path):
    for path in (WS, _zip(tmp_path), WS / "general" / "2024-06-03.json"):
        source = Source.open(path)
        assert detect_format(source).name == "slack-export", path
        assert [f.name for f in FORMATS if f.sniff(source)] == ["slack-export"], path


def test_folder_with_users_json_but_no_day_files_is_not_slack(tmp_path):
    (tmp_path / "users.json").write_text("[]", encoding="utf-8")
    assert not any(f.sniff(Source.open(tmp_path)) for f in FORMATS if f.name == "slack-export")


def test_channel_choice():
    assert [c.group for c in read_chats(WS, options=ParseOptions(extra={"channel": "random"}))] == ["random"]
    with pytest.raises(GroupChoiceError, match="no channel named 'nope'.*general, random"):
        read_chats(WS, options=ParseOptions(extra={"channel": "nope"}))
    with pytest.raises(GroupChoiceError, match="2 conversations"):
        read_log(WS)


def test_subtypes_threads_and_identity():
    m = read_log(WS, group="general", tz="Asia/Shanghai").messages.set_index("msg_id")
    assert m.loc["1717376400.000100", "timestamp"] == pd.Timestamp("2024-06-03 09:00:00.000100")
    join = m.loc["1717376700.000200"]
    assert (join["kind"], join["sender_id"], join["actor_id"]) == ("join", "U01DDD", "U01AAA")
    assert m.loc["1717461600.000400", "kind"] == "leave"
    assert m.loc["1717380000.000400", "reply_to"] is pd.NA                     # thread parent
    assert m.loc["1717380600.000500", "reply_to"] == "1717380000.000400"       # reply
    assert m.loc["1717381200.000600", "reply_to"] == "1717380000.000400"       # thread_broadcast
    bot = m.loc["1717383600.000700"]
    assert (bot["sender_id"], bot["sender"], bot["kind"]) == ("U01STAND", "Standup Bot", "text")
    assert m.loc["1717387200.000800", "kind"] == "file"                        # file_share
    assert m.loc["1717390800.000900", "kind"] == "image"                       # files, no text
    assert m.loc["1717390800.000900", "text"] == "[file: team_photo.jpg]"
    assert m.loc["1717462800.000500", "kind"] == "system"                      # channel_topic
    tomb = m.loc["1717466400.000700"]
    assert (tomb["kind"], tomb["sender"]) == ("system", "Slackbot")
    assert m.loc["1717473600.000900", "kind"] == "link"
    assert m.loc["1717380000.000400", "sender"] == "Priya Nair"                # users.json real name
    assert m.loc["1717376400.000100", "sender"] == "静静"                      # user_profile display name


def test_mrkdwn_is_made_readable():
    m = read_log(WS, group="general").messages.set_index("msg_id")
    assert m.loc["1717376760.000300", "text"] == "はじめまして！花子です 🌸 @静静 さん、招待ありがとう"
    assert "June plan (https://docs.example.org/june-plan)" in m.loc["1717380000.000400", "text"]
    assert m.loc["1717380600.000500", "text"] == "Looks good. Budget < 500 EUR & venue TBD?"
    assert m.loc["1717461060.000200", "text"].endswith(":moneybag: @channel")
    assert m.loc["1717462860.000600", "text"].endswith("cc #random")


def test_roster_from_channels_json_and_bots():
    roster = read_log(WS, group="general").roster.set_index("sender_id")
    assert list(roster.index) == ["U01AAA", "U01BBB", "U01CCC", "U01DDD", "U01STAND"]
    assert roster.loc["U01STAND", "role"] == "bot" and roster.loc["U01AAA", "role"] == "member"
    assert roster.loc["U01CCC", "sender"] == "lukas.b"
    assert list(read_log(WS, group="random").roster["sender_id"]) == ["U01AAA", "U01BBB", "U01DDD"]


def test_default_tz_is_utc_with_a_warning():
    chat = read_log(WS, group="random")
    assert note("parse.tz_assumed", tz="UTC") in chat.warnings
    assert chat.messages["timestamp"].iloc[0] == pd.Timestamp("2024-06-03 08:00:00.000100")


def test_unknown_subtype_missing_ts_and_bad_json(tmp_path):
    root = _day_folder(tmp_path, [
        {"type": "message", "user": "U1", "text": "hi", "ts": "1704067200.000001"},
        {"type": "message", "subtype": "brand_new_thing", "user": "U1", "text": "?", "ts": "1704067201.000001"},
        {"type": "message", "user": "U1", "text": "no ts"},
        {"type": "message", "subtype": "bot_message", "username": "alerts", "text": "x", "ts": "1704067202.000001"},
    ], users=[{"id": "U1", "name": "ann"}])
    (root / "ops" / "2024-01-02.json").write_text("[{", encoding="utf-8")
    chat = read_log(root)
    assert list(chat.messages["kind"]) == ["text", "system", "text"]
    assert list(chat.messages["sender"]) == ["ann", "ann", "alerts"]
    assert note("parse.slack_unknown_subtypes", detail="brand_new_thing ×1") in chat.warnings
    texts = [u.text for u in chat.unparsed]
    assert texts[0].startswith("ops/2024-01-01.json:15: message without ts")
    assert texts[1].startswith("ops/2024-01-02.json: broken JSON")
    assert list(chat.roster["sender_id"]) == ["alerts"]


def test_single_day_file_has_lines_and_names_from_profiles():
    chat = read_log(WS / "general" / "2024-06-03.json")
    assert chat.group == "general"
    assert chat.messages["line"].iloc[0] == 2
    assert chat.messages["sender"].iloc[0] == "静静"
    assert note("parse.slack_day_file_names", n=3) in chat.warnings   # U01BBB, U01CCC, U01DDD have no profile here


def test_public_day_file_parses_cleanly(shared_dir):
    path = shared_dir / "samples" / "slack" / "2025-01-10.json"
    chat = read_log(path)
    assert chat.unparsed == [] and len(chat.messages) == 2
    assert chat.messages["sender"].iloc[0] == "WgO268Xc0KtFylJ"        # user_profile.real_name
    assert chat.messages["reply_to"].isna().all()                       # parent: thread_ts == ts
    assert detect_format(Source.open(path)).name == "slack-export"


def test_mrkdwn_edge_cases():
    from analysis.parsers.slack_export import _Ctx, _readable

    ctx = _Ctx(users={"U1": "ann"}, user_bots=set(), channels={"C1": "ops"})
    got = _readable(pd.Series(["<mailto:a@b.org|a@b.org> <https://x.org|x.org> <@U1> <@U9> <#C1> "
                               "<!subteam^S1|@devs> &amp;lt;", "no markup"]), ctx)
    assert list(got) == ["a@b.org https://x.org @ann @U9 #ops @devs &lt;", "no markup"]


# -- every file read stays inside the export's folder (adversarial review) -----------------------

def test_users_json_symlinked_out_of_the_folder_is_refused(tmp_path):
    import shutil

    from analysis.errors import ParseError

    folder = tmp_path / "ws"
    shutil.copytree(WS, folder)
    secret = tmp_path / "secret.json"
    secret.write_text('[{"id": "U1", "name": "leaked"}]', encoding="utf-8")
    (folder / "users.json").unlink()
    (folder / "users.json").symlink_to(secret)
    with pytest.raises(ParseError, match="users.json.*outside the export's folder"):
        read_chats(folder)


def test_channel_folder_symlinked_out_of_the_folder_is_refused(tmp_path):
    import shutil

    from analysis.errors import ParseError

    folder = tmp_path / "ws"
    shutil.copytree(WS, folder)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder / "random", elsewhere)
    (folder / "random").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ParseError, match="outside the export's folder"):
        read_chats(folder)
