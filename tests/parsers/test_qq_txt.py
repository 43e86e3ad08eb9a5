"""QQ classic TXT: golden samples, layout traps, blocks, encodings, and a round-trip property."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import read_chats, read_log
from analysis.errors import GroupChoiceError
from analysis.notes import note
from analysis.parsers import detect_format, qq_txt
from analysis.source import Source, count_lines
from tests.conftest import SAMPLE_LOGS
from tests.qq_writer import HEADER_LIKE, Msg, render

QQ = SAMPLE_LOGS / "qq_txt"


@pytest.mark.parametrize("name", ["study_group", "edge_cases", "edge_cases_gb18030"])
def test_sample_matches_golden(name, golden):
    chat = read_log(QQ / f"{name}.txt")
    assert chat.unparsed == []
    # The GB18030 file is the same content as edge_cases: one golden file serves both.
    golden.check_messages(chat.messages, f"qq_txt/{name.replace('_gb18030', '')}.messages.csv")


def test_samples_are_detected_as_qq():
    for path in QQ.glob("*.txt"):
        assert detect_format(Source.open(path)).name == "qq-txt", path


def test_edge_cases_layout_traps():
    m = read_log(QQ / "edge_cases.txt").messages.set_index("line")
    assert m.loc[9, "timestamp"] == pd.Timestamp("2023-01-05 07:03:09")  # one-digit month/day/hour
    assert m.loc[12, "timestamp"] == pd.Timestamp("2023-01-05 20:43:38")  # 8:43:38 PM
    assert m.loc[15, "timestamp"] == pd.Timestamp("2023-01-05 00:01:00")  # 12:01:00 AM
    assert m.loc[9, "sender"] == "Alice"                                   # 【管理员】 tag removed
    assert m.loc[18, "sender"] == "" and m.loc[18, "sender_id"] == "20004"  # empty nickname
    assert m.loc[24, "sender_id"] == "xiaowang@example.com"               # <account>
    assert m.loc[27, "sender"] == "小号 (备用)" and m.loc[27, "sender_id"] == "20006"
    assert m.loc[30, "text"] == "line one\nline two after a lone LF\nline three after a lone CR"
    assert "2023-01-05 21:06:00 Fake(99999)" in m.loc[35, "text"]          # header-like line stays in body
    assert "99999" not in set(m["sender_id"])
    assert m.loc[42, "text"] == "\nbody starting with a blank line"
    assert m.loc[46, "text"] == ""
    assert m.loc[48, "kind"] == "image" and m.loc[51, "kind"] == "text"    # mixed placeholder is text
    assert m.loc[54, "kind"] == "sticker"
    assert m.loc[82, "text"] == "last message without trailing blank line"


def test_system_messages_become_events():
    m = read_log(QQ / "edge_cases.txt").messages.set_index("line")
    assert (m.loc[57, "kind"], m.loc[57, "sender_id"], m.loc[57, "actor_id"]) == ("join", "Eve", "20001")
    assert (m.loc[60, "kind"], m.loc[60, "sender_id"]) == ("join", "Frank")
    assert (m.loc[63, "kind"], m.loc[63, "sender_id"]) == ("recall", "20007")  # Bob, by his number
    assert (m.loc[66, "kind"], m.loc[66, "sender_id"]) == ("file", "20008")
    assert (m.loc[70, "kind"], m.loc[70, "sender_id"], m.loc[70, "actor_id"]) == ("leave", "Frank", "20001")
    assert (m.loc[73, "kind"], m.loc[73, "sender_id"]) == ("system", "10000")
    assert m.loc[76, "kind"] == "red_packet" and m.loc[79, "kind"] == "link"


def test_roster_roles_from_tags():
    chat = read_log(QQ / "study_group.txt")
    roles = dict(zip(chat.roster["sender_id"], chat.roster["role"], strict=True))
    assert roles == {"10001": "owner", "10002": "admin"}
    assert "【" not in "".join(chat.messages["sender"])


def test_renamed_member_keeps_one_identity():
    m = read_log(QQ / "study_group.txt").messages
    names = set(m.loc[m["sender_id"] == "10023", "sender"])
    assert names == {"旧名字阿豪", "阿豪-已读完三体"}


def test_every_line_is_accounted_for():
    chat = read_log(QQ / "study_group.txt")
    raw = (QQ / "study_group.txt").read_bytes().decode("utf-8-sig")
    assert chat.lines_total == count_lines(raw) == len(re.split(r"\r\n|\r|\n", raw)) - 1
    assert chat.messages["line"].is_unique
    assert chat.unparsed_count == 0


def test_all_messages_export_yields_one_chat_per_conversation():
    chats = read_chats(QQ / "all_messages.txt")
    assert [c.group for c in chats] == ["跑步群", "摄影群"]
    runners = chats[0].messages
    assert runners["text"].tolist() == ["今天5公里，配速6分", "打卡", "今天10公里"]  # two folders merged
    assert chats[1].messages["sender"].tolist() == ["光圈", "快门"]


def test_several_conversations_need_a_group_choice():
    with pytest.raises(GroupChoiceError) as err:
        read_log(QQ / "all_messages.txt")
    assert "--group" in str(err.value) and "跑步群" in str(err.value)
    assert len(read_log(QQ / "all_messages.txt", group="摄影群").messages) == 2


def test_unknown_lines_before_the_first_record_are_reported(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"stray note\r\n2024-01-01 10:00:00 A(1)\r\nhi\r\n\r\n2024-01-01 10:01:00 B(2)\r\nyo\r\n")
    chat = read_log(path, log_format="qq-txt")
    assert [(u.line, u.text) for u in chat.unparsed] == [(1, "stray note")]
    assert chat.messages["text"].tolist() == ["hi", "yo"]


def test_impossible_date_is_unparsed_not_invented(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"2024-13-01 10:00:00 A(1)\r\nhi\r\n\r\n2024-01-01 10:01:00 B(2)\r\nyo\r\n\r\n2024-01-01 10:02:00 C(3)\r\n!\r\n")
    chat = read_log(path, log_format="qq-txt")
    assert chat.messages["sender_id"].tolist() == ["2", "3"]
    # The bad record's header and body are listed as they stand, not lost.
    assert [(u.line, u.text) for u in chat.unparsed] == [(1, "2024-13-01 10:00:00 A(1)"), (2, "hi")]


@pytest.mark.parametrize("block", [7, 64, 200, 4096])
def test_small_blocks_give_the_same_result(block, monkeypatch):
    expected = read_log(QQ / "edge_cases.txt").messages
    monkeypatch.setattr(qq_txt, "BLOCK_BYTES", block)
    got = read_log(QQ / "edge_cases.txt").messages
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "gb18030"])
def test_encodings(tmp_path, encoding):
    text = (QQ / "edge_cases.txt").read_bytes().decode("utf-8")
    path = tmp_path / "x.txt"
    path.write_bytes(text.encode(encoding))
    chat = read_log(path)
    assert chat.encoding.startswith(encoding.split("-sig")[0].replace("utf-16", "utf-16"))
    pd.testing.assert_frame_equal(chat.messages, read_log(QQ / "edge_cases.txt").messages)


def test_gb18030_detected_after_a_utf8_looking_head(tmp_path, monkeypatch):
    # The first 64 KB are ASCII; a GB18030 name appears later: the parser starts again.
    filler = "".join(f"2024-01-01 10:{i // 60:02d}:{i % 60:02d} A(10001)\r\nhello\r\n\r\n" for i in range(3000))
    text = filler + "2024-01-02 10:00:00 中文名(10002)\r\n你好\r\n\r\n"
    path = tmp_path / "x.txt"
    path.write_bytes(text.encode("gb18030"))
    monkeypatch.setattr(qq_txt, "BLOCK_BYTES", 16 * 1024)
    chat = read_log(path)
    assert chat.encoding == "gb18030"
    assert chat.messages["sender"].iloc[-1] == "中文名"
    assert len(chat.messages) == 3001


# --- round trip ---------------------------------------------------------------------------

_TEXT_CHARS = st.characters(
    codec="utf-8", exclude_characters="\r\n=\x00", exclude_categories=("Cs",),
)
_line = st.one_of(
    st.text(_TEXT_CHARS, max_size=12),
    st.sampled_from(["", "[图片]", "2020-01-01 10:00:00 Fake(123)", "2020-1-1 1:00:00 X<a@b.c>",
                     "消息对象:假的", "哈哈😂", "  indented", "\u2028sep", "\x0bvt"]),
)
_name = st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00", exclude_categories=("Cs",)),
                max_size=8).filter(lambda s: not s.startswith("【") and s != "系统消息")
_msg = st.builds(
    lambda offset, uin, name, lines: (offset, uin, name, "\n".join(lines)),
    st.integers(min_value=0, max_value=10 ** 8),
    st.integers(min_value=10001, max_value=99999999).map(str),
    _name,
    # A header-like FIRST body line follows the header's own CRLF: no reader can tell it
    # from a header (in real exports too), so the property leaves that case out.
    st.lists(_line, min_size=1, max_size=5).filter(lambda ls: not HEADER_LIKE.match(ls[0])),
)


def _messages(raw) -> list[Msg]:
    base = datetime(2021, 3, 1)
    return [Msg(base + timedelta(seconds=o), uin, name, text) for o, uin, name, text in raw]


def _check_round_trip(tmp_path: Path, msgs: list[Msg], text: str, lines: list[int], encoding: str,
                      bom: bool) -> None:
    data = (("\ufeff" if bom and encoding == "utf-8" else "") + text).encode(encoding)
    path = tmp_path / "rt.txt"
    path.write_bytes(data)
    chat = read_log(path, log_format="qq-txt")
    assert chat.unparsed == []
    got = chat.messages.sort_values("line").reset_index(drop=True)
    assert got["line"].tolist() == lines
    assert got["text"].tolist() == [m.text for m in msgs]
    assert got["sender"].tolist() == [m.name for m in msgs]
    assert got["sender_id"].tolist() == [m.uin for m in msgs]
    assert got["timestamp"].tolist() == [pd.Timestamp(m.timestamp) for m in msgs]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.lists(_msg, min_size=1, max_size=12), seed=st.integers(0, 2 ** 16),
       encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]), bom=st.booleans(),
       block=st.sampled_from([97, 8 * 1024 * 1024]))
def test_round_trip_crlf_export(tmp_path, raw, seed, encoding, bom, block):
    msgs = _messages(raw)
    text, lines = render(msgs, structure="\r\n", rng=random.Random(seed))
    original = qq_txt.BLOCK_BYTES
    qq_txt.BLOCK_BYTES = block
    try:
        _check_round_trip(tmp_path, msgs, text, lines, encoding, bom)
    finally:
        qq_txt.BLOCK_BYTES = original


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.lists(_msg, min_size=1, max_size=8), seed=st.integers(0, 2 ** 16))
def test_round_trip_lf_converted_export(tmp_path, raw, seed):
    # A file re-saved with LF endings cannot tell a header-like body line from a header.
    msgs = _messages(raw)
    msgs = [Msg(m.timestamp, m.uin, m.name,
                "\n".join(x for x in m.text.split("\n") if not HEADER_LIKE.match(x) and not x.startswith("消息对象:")))
            for m in msgs]
    text, lines = render(msgs, structure="\n", rng=random.Random(seed))
    _check_round_trip(tmp_path, msgs, text, lines, "utf-8", False)


# -- damaged headers are not absorbed into the message before (adversarial review) ----------------

def _qq_file(tmp_path, records, eol="\r\n", inner="\n"):
    head = f"消息记录（此消息记录为文本格式，不支持重新导入）{eol}{eol}" + "=" * 64 + f"{eol}消息分组:我的QQ群{eol}"
    head += "=" * 64 + f"{eol}消息对象:测试群{eol}" + "=" * 64 + f"{eol}{eol}"
    body = "".join(f"{t} {n}({i}){eol}{b.replace(chr(10), inner)}{eol}{eol}" for t, n, i, b in records)
    path = tmp_path / "qq.txt"
    path.write_bytes((head + body).encode("utf-8"))
    return path


_RECORDS = [("2024-03-01 10:00:00", "林小雨", "10001", "早上好"),
            ("2024-03-01 10:01:00", "王大锤", "10002", "你好\n第二行"),
            ("2024-03-01 10:02:00", "林小雨", "10001", "[图片]")]


@pytest.mark.parametrize("eol", ["\r\n", "\n"])
@pytest.mark.parametrize("damaged", ["2024-03-01 10:0\x001:00", "2024-03-01 10:0?:00", "2024-03-\x0001 10:01:00"])
def test_a_damaged_header_is_not_part_of_the_message_before(tmp_path, eol, damaged):
    records = [*_RECORDS]
    records[1] = (damaged, *records[1][1:])
    path = _qq_file(tmp_path, records, eol=eol)
    chat = read_log(path)
    assert chat.messages["text"].tolist() == ["早上好", "[图片]"]
    lines = path.read_bytes().decode("utf-8").split(eol)
    header_line = next(i for i, x in enumerate(lines, 1) if x.startswith(damaged[:8]) and "王大锤" in x)
    assert [u.line for u in chat.unparsed] == [header_line, header_line + 1, header_line + 2]
    assert chat.unparsed[0].text == f"{damaged} 王大锤(10002)"
    assert note("parse.damaged_headers", n=1, line=header_line) in chat.warnings
    # The next record's line numbers are still right.
    assert chat.messages["line"].tolist()[1] == header_line + 4


def test_a_header_like_line_inside_a_crlf_body_stays_text(tmp_path):
    # Inside a body (after a lone LF) a header-shaped line is text, damaged or not.
    records = [*_RECORDS]
    records[0] = (*records[0][:3], "早上好\n2024-03-01 10:0\x001:00 王大锤(10002)")
    chat = read_log(_qq_file(tmp_path, records))
    assert len(chat.messages) == 3 and chat.unparsed == []
    assert note("parse.nul_in_text", n=1, line=9) in chat.warnings


def test_nul_inside_a_body_is_reported(tmp_path):
    records = [*_RECORDS]
    records[2] = (*records[2][:3], "图\x00片")
    chat = read_log(_qq_file(tmp_path, records))
    assert len(chat.messages) == 3 and chat.unparsed == []
    line = chat.messages["line"].tolist()[2]
    assert note("parse.nul_in_text", n=1, line=line) in chat.warnings
