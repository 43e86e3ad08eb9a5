"""``community-audit formats --lang zh``: every export format has a Chinese title and how-to,
the command shows them (and the library's English with ``--lang en``), and the Chinese keeps
every file, option, URL and tool name the English instruction gives."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from analysis.parsers import FORMATS
from cli.catalogue_formats import ZH
from cli.main import app

runner = CliRunner()
NAMES = [f.name for f in FORMATS]
BY_NAME = {f.name: f for f in FORMATS}

_FILES = re.compile(r"(?:\b[\w-]+)?\.(?:txt|csv|tsv|jsonl|json|zip)\b")
"""A file name (``manifest.json``) or a bare extension (``.txt``) in an instruction."""
_OPTIONS = re.compile(r"(?<![\w-])--[a-z][a-z-]*(?:\s+[\w=,.-]*=[\w=,.-]*)?")
"""A command-line option, with its ``key=value`` argument when it has one."""
_URLS = re.compile(r"https?://[A-Za-z0-9:/?&=~.%_<>-]+")

KEPT_NAMES = ("QQ", "QQNT", "qq-chat-exporter", "QCE", "PyWxDump", "wxdump ui", "MemoTrace", "留痕",
              "WeChatMsg", "WechatExporter", "iTunes/Finder", "chatlog", "sjzar/chatlog", "WeFlow",
              "ChatLab", "EchoTrace", "Telegram Desktop", "WhatsApp", "DiscordChatExporter", "Slack",
              "LINE", "JSON", "JSONL", "CSV", "TSV", "TXT", "ZIP", "Windows", "iOS", "v1", "v2",
              "⋮", "≡")
"""Product, tool and format names an instruction names as they are, in either language."""


def _files(text: str) -> set[str]:
    return {m.lower() for m in _FILES.findall(text)}


def _urls(text: str) -> set[str]:
    """URLs with their ``<placeholder>`` (the part the reader fills in) blanked."""
    return set(_URLS.findall(re.sub(r"<[^<>]*>", "<>", text)))


def _cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_every_format_has_a_chinese_title_and_how_to():
    assert set(ZH) == set(NAMES), "ZH must cover exactly the formats in analysis.parsers.FORMATS"
    for name in NAMES:
        title, how = ZH[name]
        assert title.strip() and how.strip(), name
        assert title == title.strip() and how == how.strip(), name
        assert _cjk(how), f"{name}: the how-to is not Chinese: {how!r}"
        assert how != BY_NAME[name].how_to_export, name


def _rows(lang: str) -> dict[str, dict]:
    result = runner.invoke(app, ["formats", "--lang", lang, "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == NAMES
    return {r["name"]: r for r in rows}


def test_formats_lang_zh_shows_the_chinese():
    rows = _rows("zh")
    for name in NAMES:
        assert (rows[name]["title"], rows[name]["how_to_export"]) == ZH[name], name


def test_formats_lang_en_shows_the_library_english():
    rows = _rows("en")
    for f in FORMATS:
        assert rows[f.name]["title"] == f.title
        assert rows[f.name]["how_to_export"] == f.how_to_export


def test_formats_table_in_chinese():
    result = runner.invoke(app, ["formats", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "导出方法" in result.stdout and "消息管理器" in result.stdout and "不附加媒体" in result.stdout


def test_the_checks_below_find_what_they_look_for():
    """Guards the patterns themselves: a broken regex would make the checks pass vacuously."""
    english = " ".join(f.title + " " + f.how_to_export for f in FORMATS)
    assert {".txt", ".csv", ".zip", "manifest.json", "users.json", "result.json"} <= _files(english)
    assert {"--date", "--columns timestamp=Time,sender=User,text=Message"} <= set(_OPTIONS.findall(english))
    assert len(_urls(english)) == 3  # chatlog json, csv and text


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("field", ["title", "how_to_export"])
def test_chinese_keeps_every_file_option_url_and_name(name, field):
    english = getattr(BY_NAME[name], field)
    chinese = ZH[name][0 if field == "title" else 1]
    assert _files(english) <= _files(chinese), f"{name} {field}: lost {_files(english) - _files(chinese)}"
    options = set(_OPTIONS.findall(english))
    assert options <= set(_OPTIONS.findall(chinese)), f"{name} {field}: lost options {options}"
    assert _urls(english) <= _urls(chinese), f"{name} {field}: URL changed"
    for path in re.findall(r"/api/v1/chatlog(?:\?format=\w+)?", english):
        assert path in chinese, f"{name} {field}: lost {path}"
    lost = [kept for kept in KEPT_NAMES if kept in english and kept not in chinese]
    assert not lost, f"{name} {field}: lost {lost}"
