"""--lang zh: every command, in every format a person reads, over the samples, speaks Chinese.

An English word in the output must come from somewhere a translation cannot reach: the log's
own text (messages, names, ids, the group and file names), a check code, a format name, a
URL, or one of the few technical names listed in ALLOWED (HHI, TF-IDF ...). Anything else is
a leak of an untranslated sentence, label, header or value.
"""

from __future__ import annotations

import html.parser
import re

import pytest
from typer.testing import CliRunner

from analysis.parsers import FORMAT_NAMES, ParseOptions, read_chats
from analysis.spam.behaviour import BEHAVIOUR_CHECKS
from analysis.spam.checks import _BASE_CHECKS, _shipped_lexicon
from cli.main import app
from tests.conftest import SAMPLE_LOGS

runner = CliRunner()

SAMPLES = [
    ("qq_txt/study_group.txt", []),
    ("qq_txt/edge_cases.txt", []),
    ("telegram/full_export.json", ["--group", "Airdrop Hunters 空投猎人"]),
    ("whatsapp/android_zh.txt", []),
    ("discord/channel.json", []),
    ("slack/workspace", ["--group", "general"]),
    ("wechat/memotrace_v2.csv", []),
    ("wechat/pywxdump/pywxdump.json", []),
    ("line/line_zh_cn.txt", []),
    ("generic/club_chat.csv", ["--columns", "timestamp=Time,sender=User,sender_id=UserId,text=Message"]),
]
"""One sample per platform (and the odd ones: several groups, names only, a bot, notices)."""

COMMANDS = [
    ("report", ["-f", "table"]),
    ("report", ["-f", "md"]),
    ("report", ["-f", "html"]),
    ("members", ["-f", "table"]),
    ("members", ["-f", "csv"]),
    ("spam", ["-f", "table", "--suspects"]),
    ("spam", ["-f", "table", "--by", "member"]),
    ("topics", ["-f", "table"]),
]
"""Every person-readable output (table, md, html; the members CSV translates its values)."""

ALLOWED = {
    # technical names that stay as they are in Chinese writing
    "HHI", "TF", "IDF", "tf", "idf", "Jaccard", "Gini", "ID", "QQ", "URL", "CSV", "JSON", "HTML", "DAU", "MAU",
    "jieba", "rjieba", "utf", "gb", "sig", "UTC", "BOM", "wxid",
    # option names and config sections shown in advice ("--theme", "[group] theme")
    "theme", "group", "lang", "date", "tz", "roster", "config", "unparsed", "parse", "community", "audit",
    "log", "format", "Area", "City", "Asia", "Shanghai",
    # units
    "s", "pt",
}


class _Text(html.parser.HTMLParser):
    """The text a person sees in an HTML page (no tags, styles or scripts)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible(text: str, fmt: str) -> str:
    if fmt == "html":
        parser = _Text()
        parser.feed(text)
        return " ".join(parser.parts)
    return text.replace("\\_", "_") if fmt == "md" else text


def _log_words(name: str, extra: list[str]) -> set[str]:
    options = ParseOptions(columns=dict(p.split("=") for p in extra[1].split(",")) if "--columns" in extra else None)
    words: set[str] = set()
    for chat in read_chats(SAMPLE_LOGS / name, options=options):
        frame = chat.messages
        for col in ("text", "sender", "sender_id", "msg_id"):
            for value in frame[col].dropna().astype(str):
                words.update(re.findall(r"[A-Za-z]+", value))
        if chat.roster is not None:
            for col in ("sender", "sender_id"):
                for value in chat.roster[col].dropna().astype(str):
                    words.update(re.findall(r"[A-Za-z]+", value))
        words.update(re.findall(r"[A-Za-z]+", f"{chat.group} {chat.source} {chat.platform} {chat.encoding}"))
        for item in chat.unparsed:
            words.update(re.findall(r"[A-Za-z]+", item.text))
    return words


def _code_words() -> set[str]:
    words = set()
    checks = [c.name for c in (*_BASE_CHECKS, *BEHAVIOUR_CHECKS)] + [f"lexicon.{k}" for k in _shipped_lexicon()]
    for name in [*FORMAT_NAMES, *checks]:
        words.update(re.findall(r"[A-Za-z]+", name))
    return words


def _english_words(text: str, allowed: set[str]) -> list[str]:
    text = re.sub(r"https?://\S+|www\.\S+|\S+@\S+\.\w+", " ", text)  # URLs and e-mail addresses
    text = re.sub(r"\b[\w.-]+\.(?:txt|csv|json|jsonl|html|md)\b", " ", text)  # file names
    text = re.sub(r"\b[a-z_]+(?:\.[a-z_]+)+\b", " ", text)  # codes: tier.core_by_share, contact.qq
    text = re.sub(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b", " ", text)  # ids: wxid_demo_alice, personal_chat
    text = re.sub(r"\d{4}-\d\d-\d\dT\d", " ", text)  # ISO timestamps in CSV
    text = re.sub(r"\b(?:True|False)\b", " ", text)  # CSV booleans are data, not words
    lowered = {w.lower() for w in allowed}
    found = []
    for word in re.findall(r"[A-Za-z]+", text):
        low = word.lower()
        # the log's own words and the codes, also cut short by "...", folded across two lines of
        # a table cell, or lower-cased by the keyword analysis
        if low in lowered or any(low in w for w in lowered if len(w) > len(low)):
            continue
        found.append(word)
    return sorted(set(found))


@pytest.mark.parametrize(("name", "extra"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_every_command_speaks_chinese(name, extra):
    allowed = ALLOWED | _log_words(name, extra) | _code_words()
    leaks = {}
    for command, args in COMMANDS:
        result = runner.invoke(app, [command, str(SAMPLE_LOGS / name), *extra, *args, "--lang", "zh"])
        assert result.exit_code == 0, (command, args, result.stderr)
        fmt = args[args.index("-f") + 1]
        out = _visible(result.stdout, fmt)
        if fmt == "csv":
            out = "\n".join(out.splitlines()[1:])  # the header row keeps its stable names
        words = _english_words(out + "\n" + result.stderr, allowed)
        if words:
            leaks[f"{command} {' '.join(args)}"] = words
    assert not leaks, "\n".join(f"{k}: {' '.join(v)}" for k, v in leaks.items())


def test_batch_speaks_chinese(tmp_path):
    """The batch summary and cross-group tables, with their stderr lines, in Chinese."""
    names = [name for name, extra in SAMPLES if not extra]
    allowed = ALLOWED | _code_words() | {"batch", "csv"}
    for name in names:
        allowed |= _log_words(name, [])
    for section in ("summary", "cross_group"):
        result = runner.invoke(app, ["batch", *(str(SAMPLE_LOGS / n) for n in names), "--jobs", "1",
                                     "--section", section, "--lang", "zh"])
        assert result.exit_code == 0, result.stderr
        words = _english_words(result.stdout + "\n" + result.stderr, allowed)
        assert not words, (section, words)


def test_english_is_the_same_report_in_english():
    """The catalogue's other half: --lang en has no Chinese outside the log's own text."""
    result = runner.invoke(app, ["report", str(SAMPLE_LOGS / "whatsapp/ios_en.txt"), "--lang", "en", "-f", "md"])
    assert result.exit_code == 0
    assert not re.search(r"[\u4e00-\u9fff]", result.stdout)
