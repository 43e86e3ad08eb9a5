"""LINE chat-history TXT parser (analysis/parsers/line_txt.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import read_log
from analysis.notes import note
from analysis.parsers import FORMATS
from analysis.parsers.line_txt import IDENTITY_WARNING, parse_text
from analysis.schema import validate
from analysis.source import LINE_BREAK, Source
from tests.conftest import SAMPLE_LOGS

SAMPLES = sorted((SAMPLE_LOGS / "line").glob("*.txt"))
NAMES = [p.name for p in SAMPLES]
GROUPS = {"line_en.txt": "Riverside Photo Walk", "line_zh_cn.txt": "周末羽毛球",
          "line_zh_tw.txt": "台北咖啡同好會", "line_ja.txt": "横浜ランニング部"}


def test_samples_present():
    assert set(GROUPS) <= set(NAMES)


@pytest.mark.parametrize("path", SAMPLES, ids=NAMES)
def test_sample_matches_golden(path: Path, golden):
    chat = read_log(path)
    assert chat.format == "line-txt" and chat.platform == "line"
    validate(chat.messages)
    assert chat.unparsed == []
    assert chat.group == GROUPS[path.name]
    assert chat.warnings == [IDENTITY_WARNING] == [note("parse.line_identity_by_name")]
    golden.check_messages(chat.messages, f"line/{path.stem}.messages.csv")


@pytest.mark.parametrize("path", SAMPLES, ids=NAMES)
def test_sample_detected_by_line_only(path: Path):
    source = Source.open(path)
    assert [fmt.name for fmt in FORMATS if fmt.sniff(source)] == ["line-txt"]


@pytest.mark.parametrize("path", SAMPLES, ids=NAMES)
def test_nothing_lost(path: Path):
    chat = read_log(path)
    lines = LINE_BREAK.split(path.read_text(encoding="utf-8"))
    covered = {u.line for u in chat.unparsed}
    for line, text in chat.messages[["line", "text"]].drop_duplicates("line").itertuples(index=False):
        covered.update(range(int(line), int(line) + text.count("\n") + 1))
    header = {1, 2}   # [LINE] title and "saved on"
    date_lines = {i + 1 for i, t in enumerate(lines) if t[:4].isdigit() and "\t" not in t}
    non_blank = {i + 1 for i, t in enumerate(lines) if t.strip()}
    assert non_blank - header - date_lines <= covered


@pytest.mark.parametrize(("sample", "kinds"), [
    ("line_en.txt", {"[Photo]": "image", "[Sticker]": "sticker", "[Voice message]": "voice",
                     "[Location]": "location", "☎ Call time 2:15": "call",
                     "Lucy Park unsent a message": "recall", "Lucy Park left the group": "leave",
                     "Hana Sato made an announcement": "system"}),
    ("line_zh_cn.txt", {"[照片]": "image", "[贴图]": "sticker", "[语音信息]": "voice", "[位置]": "location",
                        "李雷撤回了一条消息": "recall", "李雷已退群": "leave", "张伟已加入该群": "join"}),
    ("line_zh_tw.txt", {"[貼圖]": "sticker", "[影片]": "video", "[位置訊息]": "location",
                        "林志明 已收回訊息": "recall", "黃小華已離開群組": "leave", "陳怡君已設定公告": "system"}),
    ("line_ja.txt", {"[写真]": "image", "[スタンプ]": "sticker", "[ボイスメッセージ]": "voice",
                     "[位置情報]": "location", "田中健太が送信を取り消しました": "recall",
                     "鈴木花子がグループを退会しました": "leave"}),
])
def test_placeholders_and_system_lines(sample: str, kinds: dict[str, str]):
    m = read_log(SAMPLE_LOGS / "line" / sample).messages
    found = dict(zip(m["text"], m["kind"].astype(str), strict=False))
    for text, kind in kinds.items():
        assert found[text] == kind, text


def test_adds_and_removals_name_member_and_actor():
    m = read_log(SAMPLE_LOGS / "line" / "line_en.txt").messages
    added = m[m["line"] == 6]
    assert added["sender_id"].tolist() == ["Mark Evans", "Lucy Park"]
    assert added["actor_id"].tolist() == ["Hana Sato", "Hana Sato"]
    assert added["msg_id"].tolist() == ["L6", "L6.2"]
    removed = m[m["text"] == "Hana Sato removed Promo Deals from the group"].iloc[0]
    assert (removed["kind"], removed["sender_id"], removed["actor_id"]) == ("leave", "Promo Deals", "Hana Sato")
    ja = read_log(SAMPLE_LOGS / "line" / "line_ja.txt").messages
    kicked = ja[ja["text"].str.contains("グループから削除")].iloc[0]
    assert (kicked["kind"], kicked["sender_id"], kicked["actor_id"]) == ("leave", "副業アドバイザー", "佐藤美咲")


def test_quoted_message_keeps_header_like_lines_as_text():
    m = read_log(SAMPLE_LOGS / "line" / "line_ja.txt").messages
    pasted = m[m["line"] == 10].iloc[0]
    assert pasted["text"] == "前回のトークを貼ります：\n2024/02/24(土)\n午前7:00\t山本\t\"今日は寒いね\"\n以上です"
    # the date line inside the quote did not change the date of later messages
    assert m[m["line"] == 15]["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 20:00")


def test_clocks():
    text = ("[LINE] Chat history with Mia\nSaved on: 2024/01/03 09:00\n\n"
            "Fri, 1/30/2026\n12:05am\tMia\tlate\n12:30pm\tMia\tlunch\n03:05PM\tMia\ttea\n"
            "2026/01/31（六）\n上午12:05\t小明\t半夜\n下午07:04\t小明\t晚上\n"
            "2026/02/01(日)\n午前0:10\t花子\t夜中\n午後12:30\t花子\t昼\n23:59\t花子\t寝る\n")
    chat = parse_text(text)
    assert chat.group == "Mia"
    assert chat.unparsed == []
    assert chat.messages["timestamp"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2026-01-30 00:05", "2026-01-30 12:30", "2026-01-30 15:05",
        "2026-01-31 00:05", "2026-01-31 19:04",
        "2026-02-01 00:10", "2026-02-01 12:30", "2026-02-01 23:59"]


def test_unclosed_quote_is_an_ordinary_message():
    text = "2024.01.02 Tuesday\n10:00\tAna\t\"so she said\n10:01\tBen\tok\n"
    m = parse_text(text).messages
    assert m["text"].tolist() == ['"so she said', "ok"]


def test_lines_not_understood_and_undated_messages_are_reported():
    text = "10:00\tAna\tbefore any date\n2024.01.02 Tuesday\n10:01\tBen\tok\nrandom stray line\n"
    chat = parse_text(text)
    assert chat.messages["text"].tolist() == ["ok"]
    assert [u.line for u in chat.unparsed] == [1, 4]
    assert note("parse.undated_lines", n=1) in chat.warnings


def test_bom_and_mixed_line_breaks():
    text = ("\ufeff[LINE] 與阿明的聊天記錄\r\n儲存日期：2024/01/03 09:00\r\n\r\n2024/01/02（二）\r\n"
            "下午03:04\t阿明\t\"第一行\n第二行\"\r\n下午03:05\t阿明\t好\r\n")
    chat = parse_text(text)
    assert chat.group == "阿明"
    assert chat.messages["text"].tolist() == ["第一行\n第二行", "好"]
    assert chat.unparsed == []
