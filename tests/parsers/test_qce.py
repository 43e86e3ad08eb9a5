"""qq-chat-exporter JSON (new and old keys) and chunked JSONL: golden samples, detection,
identity, gray tips, placeholders, replies, time forms, and broken chunk exports."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from analysis import read_log
from analysis.errors import ParseError
from analysis.parsers import FORMATS, ParseOptions, detect_format, qce_json
from analysis.source import Source
from tests.conftest import SAMPLE_LOGS

QCE = SAMPLE_LOGS / "qq_qce"
SAMPLES = {
    "group.json": "qce-json",
    "group_oldkeys.json": "qce-json",
    "chunked/manifest.json": "qce-jsonl",
    "chunked/chunks/c000001.jsonl": "qce-jsonl",
}
GOLDEN = {"group.json": "group_json", "group_oldkeys.json": "group_oldkeys_json",
          "chunked/manifest.json": "chunked_manifest_json"}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_sample_matches_golden(name, golden):
    chat = read_log(QCE / name)
    assert chat.unparsed == []
    assert chat.group == "星河读书会" and chat.platform == "qq"
    golden.check_messages(chat.messages, f"qq_qce/{GOLDEN[name]}.messages.csv")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_detected_by_its_own_sniffer_only(name):
    source = Source.open(QCE / name)
    assert [f.name for f in FORMATS if f.sniff(source)] == [SAMPLES[name]]
    assert detect_format(source).name == SAMPLES[name]


def test_export_folder_is_read_through_its_manifest():
    folder = QCE / "chunked"
    source = Source(name=str(folder), path=folder, encoding="utf-8")  # as Source.open would give
    assert qce_json.sniff_jsonl(source) and not qce_json.sniff_json(source)
    chat = qce_json.parse_jsonl(source, ParseOptions())[0]
    pd.testing.assert_frame_equal(chat.messages, read_log(folder / "manifest.json").messages)


def test_old_keys_chunked_and_single_file_agree():
    new = read_log(QCE / "group.json").messages
    old = read_log(QCE / "group_oldkeys.json").messages
    chunked = read_log(QCE / "chunked/manifest.json").messages
    cols = ["msg_id", "sender_id", "sender", "kind", "text", "reply_to", "actor_id"]
    pd.testing.assert_frame_equal(new[cols], old[cols])
    pd.testing.assert_frame_equal(new[cols + ["timestamp"]], chunked[cols + ["timestamp"]])
    # Old exports wrote ISO strings (with Z), seconds and ms strings: same instant to the second.
    assert (new["timestamp"].dt.floor("s") == old["timestamp"].dt.floor("s")).all()
    assert chunked["line"].tolist() == list(range(1, len(chunked) + 1))


def test_identity_is_the_qq_number_and_names_are_group_cards():
    m = read_log(QCE / "group.json").messages
    assert set(m["sender_id"]) <= {f"1000{i}" for i in range(1, 9)}
    names = m.groupby("sender_id")["sender"].first()
    assert names["10002"] == "苏青"  # group card, not the nickname 青青


def test_gray_tips_become_events():
    m = read_log(QCE / "group.json").messages.set_index("text")
    row = m.loc["苏青 邀请 新人小白 加入了本群"]
    assert (row.kind, row.sender_id, row.actor_id) == ("join", "10006", "10002")
    row = m.loc["陆遥 加入了本群"]
    assert (row.kind, row.sender_id) == ("join", "10007") and pd.isna(row.actor_id)
    row = m.loc["林一 撤回了 推广小助手 的消息"]  # an admin recalled the ad
    assert (row.kind, row.sender_id, row.actor_id) == ("recall", "10008", "10001")
    row = m.loc["林一 将 推广小助手 移出了本群"]
    assert (row.kind, row.sender_id, row.actor_id) == ("leave", "10008", "10001")
    row = m.loc["新人小白 退出了本群"]
    assert (row.kind, row.sender_id) == ("leave", "10006")
    row = m.loc["马骁 拍了拍 唐宁"]
    assert (row.kind, row.sender_id) == ("system", "10005") and pd.isna(row.actor_id)
    row = m.loc["这条说错了，先撤回"]  # flagged recalled by the export: kept, as a recall
    assert (row.kind, row.sender_id) == ("recall", "10004")


def test_placeholders_and_elements_decide_kinds():
    m = read_log(QCE / "group.json").messages
    kinds = dict(zip(m["text"], m["kind"], strict=False))
    assert kinds["[图片:renwu_guanxi.jpg]"] == "image"
    assert kinds["[表情14]"] == "sticker"
    assert kinds["[语音:5秒]"] == "voice"
    assert kinds["[文件:百年孤独_第五章笔记.docx]"] == "file"
    assert kinds["[视频:朗读片段.mp4]"] == "video"
    assert kinds["[合并转发]"] == "card" and kinds["[JSON消息]"] == "card"
    assert kinds["[QQ红包]读书会基金，见者有份"] == "red_packet"
    assert kinds["@唐宁 笔记写得真好"] == "text"
    assert kinds["讨论提纲：\n1. 马孔多的兴衰\n2. 奥雷里亚诺上校的孤独\n3. 你最喜欢的片段"] == "text"


def test_placeholder_kinds_without_elements():
    assert qce_json._kind("[图片]", None, False, False) == "image"
    assert qce_json._kind("[文件:a.pdf]", None, False, False) == "file"
    assert qce_json._kind("[语音:12秒]", None, False, False) == "voice"
    assert qce_json._kind("[表情]", None, False, False) == "sticker"
    assert qce_json._kind("[图片]这样的咩", None, False, False) is None  # decided by the body later
    assert qce_json._kind("[回复消息][图片]", None, False, False) == "image"


def test_reply_points_at_the_quoted_message():
    m = read_log(QCE / "group.json").messages.set_index("msg_id")
    replies = m[m["reply_to"].notna()]
    assert len(replies) == 1
    assert m.loc[replies["reply_to"].iloc[0], "text"] == "这一章的时间线有点乱，谁能帮忙梳理一下？"


def _doc(messages: list[dict], **extra) -> dict:
    return {"metadata": {"name": "QQChatExporter", "version": "5.3.1"},
            "chatInfo": {"name": "测试群", "type": "group", "selfUin": "10001"},
            "statistics": {}, "messages": messages, **extra}


def _msg(i: int, uin: str, text: str, **kw) -> dict:
    base = {"id": f"m{i}", "timestamp": 1710586800000 + (i - 1) * 60000,
            "sender": {"uid": f"u_{uin}", "uin": uin, "name": f"name{uin}"},
            "type": "text", "content": {"text": text}, "recalled": False, "system": False}
    base.update(kw)
    return base


def test_time_forms_and_tz(tmp_path):
    msgs = [_msg(1, "10001", "ms"),
            _msg(2, "10001", "seconds", timestamp=1710586860),
            _msg(3, "10001", "iso utc", timestamp="2024-03-16T11:02:00Z"),
            _msg(4, "10001", "iso offset", timestamp="2024-03-16T19:03:00+08:00"),
            _msg(5, "10001", "naive local string", timestamp="2024-03-16 19:04:00")]
    path = tmp_path / "times.json"
    path.write_text(json.dumps(_doc(msgs)), encoding="utf-8")
    ts = read_log(path).messages.set_index("text")["timestamp"]
    for i, text in enumerate(["ms", "seconds", "iso utc", "iso offset", "naive local string"]):
        assert ts[text] == pd.Timestamp(f"2024-03-16 19:0{i}:00"), text
    utc = read_log(path, tz="UTC").messages.set_index("text")["timestamp"]
    assert utc["ms"] == pd.Timestamp("2024-03-16 11:00:00")
    assert utc["naive local string"] == pd.Timestamp("2024-03-16 19:04:00")  # wall clock as written


def test_identity_falls_back_to_raw_uin_then_uid(tmp_path):
    msgs = [_msg(1, "0", "raw uin", rawMessage={"senderUin": "20002", "sendMemberName": "群名片"}),
            _msg(2, "", "uid only", sender={"uid": "u_abc", "name": "无号"}),
            _msg(3, "0", "群主已开启全员禁言", system=True, sender={"uid": "", "uin": "0", "name": ""}),
            _msg(4, "10001", "你撤回了一条消息", system=True)]
    path = tmp_path / "ids.json"
    path.write_text(json.dumps(_doc(msgs), ensure_ascii=False), encoding="utf-8")
    m = read_log(path).messages.set_index("text")
    assert m.loc["raw uin", ["sender_id", "sender"]].tolist() == ["20002", "群名片"]
    assert m.loc["uid only", "sender_id"] == "u_abc"
    assert m.loc["群主已开启全员禁言", ["kind", "sender_id"]].tolist() == ["system", "system"]
    assert m.loc["你撤回了一条消息", ["kind", "sender_id"]].tolist() == ["recall", "10001"]


def test_broken_single_file_entries(tmp_path):
    msgs = [_msg(1, "10001", "ok"), "junk", _msg(3, "10001", "no time", timestamp=None)]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(_doc(msgs), indent=2), encoding="utf-8")
    chat = read_log(path)
    assert chat.messages["text"].tolist() == ["ok"]
    assert len(chat.unparsed) == 2 and all(u.line > 1 for u in chat.unparsed)
    cut = tmp_path / "cut.json"
    cut.write_text(path.read_text(encoding="utf-8")[:-30], encoding="utf-8")
    with pytest.raises(ParseError):
        read_log(cut, log_format="qce-json")


def test_chunk_problems(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(QCE / "chunked", folder)
    chunk = folder / "chunks" / "c000002.jsonl"
    lines = chunk.read_text(encoding="utf-8").splitlines()
    chunk.write_text("\n".join([lines[0], "{broken", *lines[1:]]) + "\n", encoding="utf-8")
    chat = read_log(folder / "manifest.json")
    first = len((folder / "chunks" / "c000001.jsonl").read_text(encoding="utf-8").splitlines())
    assert [u.line for u in chat.unparsed] == [first + 2]
    assert chat.unparsed[0].text == "chunks/c000002.jsonl:2: {broken"
    assert len(chat.messages) == 37
    chunk.unlink()
    with pytest.raises(ParseError, match="c000002.jsonl is missing"):
        read_log(folder / "manifest.json")


def test_chunk_that_stops_being_utf8_past_its_head_is_read_with_the_fallback(tmp_path):
    # Bytes that are not UTF-8 after the first 64 KiB of a later chunk (a line re-saved as
    # GB18030, or damage) used to escape as EncodingRetry: each retry of the export opened
    # the chunk afresh and guessed UTF-8 again.
    folder = tmp_path / "export"
    shutil.copytree(QCE / "chunked", folder)
    chunk = folder / "chunks" / "c000002.jsonl"
    lines = chunk.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["rawMessage"] = {"pad": "x" * 70_000}  # ignored by the reader; pushes the rest past the head
    lines[0] = json.dumps(first, ensure_ascii=False)
    chunk.write_bytes(("\n".join(lines[:-1]) + "\n").encode("utf-8") + (lines[-1] + "\n").encode("gb18030"))
    chat = read_log(folder / "manifest.json")
    assert chat.unparsed == [] and len(chat.messages) == 37
    reference = read_log(QCE / "chunked" / "manifest.json").messages
    assert chat.messages["text"].tolist() == reference["text"].tolist()


def test_bare_chunk_file_reads_alone():
    chat = read_log(QCE / "chunked/chunks/c000002.jsonl")
    assert len(chat.messages) == 17 and chat.unparsed == []
    assert chat.group == "c000002"  # no manifest: the file name


@pytest.mark.parametrize("text, expected", [
    ("张三 撤回了一条消息", ("recall", "张三", None)),
    ("管理员甲 撤回了 李四 的消息", ("recall", "李四", "管理员甲")),
    ("张三 邀请 李四 加入了本群。", ("join", "李四", "张三")),
    ("欢迎 李四 加入本群", ("join", "李四", None)),
    ("王五 加入了本群", ("join", "王五", None)),
    ("王五 被 管理员甲 移出了本群", ("leave", "王五", "管理员甲")),
    ("管理员甲 将 王五 移出了本群", ("leave", "王五", "管理员甲")),
    ("王五 退出了本群", ("leave", "王五", None)),
    ("小明 拍了拍 小红 的头", ("system", "小明", "小红")),
    ("你撤回了一条消息", ("recall", "你", None)),
    ("群主已开启全员禁言", ("system", None, None)),
])
def test_qq_gray_tip_wording(text, expected):
    from analysis.parsers._cn_notices import classify_notice
    assert classify_notice(text) == expected


# -- paths the manifest names stay inside the export's folder (adversarial review) ---------------

@pytest.mark.parametrize("rel", ["/etc/passwd", "../../x.jsonl", "chunks/../../outside.jsonl"])
def test_a_chunk_path_outside_the_folder_is_refused(tmp_path, rel):
    folder = tmp_path / "a" / "b" / "export"
    shutil.copytree(QCE / "chunked", folder)
    (tmp_path / "a" / "x.jsonl").write_text('{"secret": 1}\n', encoding="utf-8")
    (tmp_path / "a" / "b" / "outside.jsonl").write_text('{"secret": 1}\n', encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["chunked"]["chunks"][0]["relativePath"] = rel
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ParseError, match="outside the export's folder") as err:
        read_log(folder / "manifest.json")
    assert rel in str(err.value)


def test_a_chunk_that_is_a_symlink_out_of_the_folder_is_refused(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(QCE / "chunked", folder)
    secret = tmp_path / "secret.jsonl"
    secret.write_text('{"secret": 1}\n', encoding="utf-8")
    (folder / "chunks" / "c000002.jsonl").unlink()
    (folder / "chunks" / "c000002.jsonl").symlink_to(secret)
    with pytest.raises(ParseError, match="c000002.jsonl.*outside the export's folder"):
        read_log(folder)


def test_chunks_dir_outside_the_folder_is_refused(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(QCE / "chunked", folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["chunked"] = {"format": "jsonl", "chunksDir": "../elsewhere"}
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "c.jsonl").write_text('{"secret": 1}\n', encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ParseError, match="chunksDir '../elsewhere' points outside"):
        read_log(folder / "manifest.json")


def test_a_symlink_inside_the_folder_is_fine(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(QCE / "chunked", folder)
    (folder / "chunks" / "copy.jsonl").write_bytes((folder / "chunks" / "c000002.jsonl").read_bytes())
    (folder / "chunks" / "c000002.jsonl").unlink()
    (folder / "chunks" / "c000002.jsonl").symlink_to(folder / "chunks" / "copy.jsonl")
    assert len(read_log(folder / "manifest.json").messages) == 37
