"""The ``parse.*`` catalogue: every code a parser can emit is worded in both languages, every
template formats with the parameters its call sites pass, the Chinese has no stray English,
and the coverage line reads as before in English."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from analysis import read_log
from analysis.notes import Note, note
from analysis.schema import Chat, empty_messages
from cli.catalogue import MESSAGES, PREPARE, say
from cli.catalogue_parse import coverage_line
from tests.conftest import ROOT, SAMPLE_LOGS

PARSERS = ROOT / "analysis" / "parsers"

SAMPLE_PARAMS: dict[str, object] = {
    "line": 12,
    "n": 3, "tz": "UTC", "export": "MemoTrace TXT", "detail": "1 personal_chat", "file": "users.json",
    "names": ["甲", "乙"], "nicknames": [["丙", "丁"], ["戊", "己"]], "more": 2, "example": "sticker?",
    "headers": 4, "placeholders": 5, "system_lines": 6, "date": "2024-12-31", "year": 2024,
}
"""A value for every parameter name a ``parse.*`` note carries (a new name needs one here)."""

ALLOWED_IN_ZH = {
    # ids, field and column names kept as the export writes them
    "ID", "wxid", "my_wxid", "talker", "date_unixtime", "from_id", "date", "content", "src", "msg",
    "CreateTime", "StrTime", "Sender", "type_name", "kind", "text", "role", "bot", "xNN",
    # formats, tools, platforms, standards
    "JSON", "CSV", "TXT", "XML", "ISO", "LINE", "WhatsApp", "Telegram", "Slack", "DiscordChatExporter",
    "MemoTrace", "WechatExporter", "PyWxDump", "chatlog", "v1", "v2", "en-US",
    # date patterns and zone names in examples
    "YYYY-MM-DD", "HH", "MM", "SS", "Asia", "Shanghai",
}
"""Latin words a Chinese template may hold: ids, option values, format and tool names."""


def _calls() -> list[tuple[str, str, frozenset[str]]]:
    """``(file, code, parameter names)`` for every ``note(...)`` call in the parsers; a call
    whose code is a conditional expression counts once per code it can take."""
    found = []
    for path in sorted(PARSERS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "note"):
                continue
            assert node.args, f"{path.name}:{node.lineno}: note() without a code"
            codes = [c.value for c in ast.walk(node.args[0])
                     if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            assert codes and all(c.startswith("parse.") for c in codes), \
                f"{path.name}:{node.lineno}: the code must be a parse.* literal (or a choice of literals)"
            params = frozenset(k.arg for k in node.keywords)
            found += [(path.name, code, params) for code in codes]
    return found


CALLS = _calls()


def _grepped_codes() -> set[str]:
    """``parse.*`` string literals in the parser sources."""
    pattern = re.compile(r"""["'](parse\.[a-z0-9_]+)["']""")
    return {m for path in PARSERS.glob("*.py") for m in pattern.findall(path.read_text(encoding="utf-8"))}


def _fields(template: str) -> set[str]:
    """The parameter names a ``str.format`` template uses (``{n:,}`` -> n, ``{x!r}`` -> x)."""
    return {re.split(r"[.\[]", name)[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_code_the_parsers_emit_is_found_both_ways():
    assert CALLS, "no note() calls found in analysis/parsers"
    assert {code for _, code, _ in CALLS} == _grepped_codes()


@pytest.mark.parametrize("code", sorted({code for _, code, _ in CALLS}))
def test_every_emitted_code_is_in_the_catalogue_in_both_languages(code):
    assert code in MESSAGES, f"{code} has no catalogue entry (cli/catalogue_parse.py)"
    en, zh = MESSAGES[code]
    assert en.strip() and zh.strip()
    if code != "parse.memotrace_csv_v2":  # a tool name and version only: the same in both
        assert zh != en


@pytest.mark.parametrize(("where", "code", "params"), CALLS, ids=[f"{f}:{c}" for f, c, _ in CALLS])
def test_every_template_formats_with_the_parameters_of_its_call_site(where, code, params):
    missing = params - set(SAMPLE_PARAMS)
    assert not missing, f"add a sample value for {sorted(missing)} to SAMPLE_PARAMS"
    values = {name: SAMPLE_PARAMS[name] for name in params}
    for lang, template in zip(("en", "zh"), MESSAGES[code], strict=True):
        derivable = {f"{k}_list" for k, v in values.items() if isinstance(v, list)}
        derived = set(PREPARE[code](values, lang)) if code in PREPARE else set()
        unknown = _fields(template) - set(values) - derivable - derived
        assert not unknown, f"{where}: {code} ({lang}) uses {sorted(unknown)}, not passed there"
        text = say(Note(code, values), lang)
        assert not re.search(r"\{[A-Za-z_]\w*(?:[!:][^}]*)?\}", text), text


def test_note_parameters_are_plain_json():
    def plain(value: object) -> bool:
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return isinstance(value, (str, int, float, bool)) or value is None

    for name, value in SAMPLE_PARAMS.items():
        assert plain(value), name
    chat = read_log(SAMPLE_LOGS / "wechat" / "memotrace_v2.csv")
    assert chat.warnings and all(isinstance(w, Note) and all(plain(v) for v in w.params.values())
                                 for w in chat.warnings)


def _latin_words(template: str) -> set[str]:
    text = re.sub(r"\{[^{}]*\}", " ", template)                  # placeholders
    text = re.sub(r"--[a-z][a-z-]*", " ", text)                   # option names
    text = re.sub(r"\b[\w.-]+\.(?:json|csv|txt|zip)\b", " ", text)  # file names
    return set(re.findall(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9]+)*", text))


OWN_CODES = sorted(set(re.findall(r"""^\s*"((?:parse|coverage)\.[^"]+)": \(""",
                                  (ROOT / "cli" / "catalogue_parse.py").read_text(encoding="utf-8"), re.MULTILINE)))
"""The codes cli/catalogue_parse.py registers."""


def test_own_codes_are_registered():
    assert len(OWN_CODES) > 40 and all(code in MESSAGES for code in OWN_CODES)


@pytest.mark.parametrize("code", OWN_CODES)
def test_chinese_templates_hold_no_english_words(code):
    zh = MESSAGES[code][1]
    stray = _latin_words(zh) - ALLOWED_IN_ZH
    assert not stray, f"{code}: {zh!r} holds {sorted(stray)}"


def test_the_coverage_line_reads_as_before_in_english_and_in_chinese():
    chat = read_log(SAMPLE_LOGS / "wechat" / "memotrace_v2.csv")
    assert coverage_line(chat) == (
        "42 records, 0 lines not understood, format memotrace-csv, encoding utf-8-sig, group 'memotrace_v2'; "
        "assumed: MemoTrace v2 CSV; 2 member(s) in join/leave/recall notices are known by display name only; "
        "identity by display name only (MemoTrace v2 CSV has no wxid): members with the same name are merged, "
        "a renamed member counts as two; likely name collision: 1 display name(s) belong to several people "
        "and are counted as one member ('小林' is used by 昵称 '林一帆', '林晓')")
    assert coverage_line(chat, "zh") == (
        "42 条记录，0 行未识别，格式 memotrace-csv，编码 utf-8-sig，群 'memotrace_v2'；假定：MemoTrace v2 CSV；"
        "入群、退群、撤回通知中有 2 名成员只能按显示名识别；仅按显示名识别成员（MemoTrace v2 CSV 不含 wxid）："
        "同名成员会被合并，改过名的成员算作两人；可能重名：1 个显示名属于多人，却被算作同一成员"
        "（'小林' 对应多个昵称 '林一帆'、'林晓'）")


def test_the_coverage_line_without_assumptions_and_with_big_counts():
    chat = Chat(messages=empty_messages(), format="qq-txt")
    assert coverage_line(chat) == "0 records, 0 lines not understood, format qq-txt"
    assert coverage_line(chat, "zh") == "0 条记录，0 行未识别，格式 qq-txt"
    assert say("coverage.records", "zh", n=1234) == "1,234 条记录"


@pytest.mark.parametrize(("params", "en"), [
    ({"n": 1, "names": ["BookBot"]},
     "1 bot account(s) post in this channel (BookBot); they are marked role 'bot' in the roster"),
    ({"n": 7, "names": ["a", "b", "c", "d", "e"]},
     "7 bot account(s) post in this channel (a, b, c, d, e ...); they are marked role 'bot' in the roster"),
])
def test_bot_names_are_listed_as_before(params, en):
    assert say(Note("parse.discord_bots", params)) == en


def test_sentences_with_escapes_braces_and_lists_are_word_for_word():
    assert say(note("parse.telegram_bad_escapes", n=2)) == (
        "2 invalid \\xNN escape(s) in the JSON (written by Telegram for control characters) were read as "
        "those characters")
    assert say(note("parse.pywxdump_content_not_json", n=1)) == (
        "1 'content' cell(s) were not JSON {src, msg}; their text is kept as it stands")
    assert say(note("parse.unknown_type_names", names=["红包", "投票"])) == (
        "unknown type_name value(s) ['红包', '投票']: kind guessed from the text")
    assert say(note("parse.unknown_kinds", n=2, example="gif")) == (
        "2 row(s) with an unknown kind were read as text (e.g. 'gif')")
    assert say(note("parse.name_collision", n=6, names=["A"], nicknames=[["x", "y"]], more=1)) == (
        "likely name collision: 6 display name(s) belong to several people and are counted as one member "
        "('A' is used by 昵称 'x', 'y' and 1 more)")


def test_the_catalogue_module_is_where_the_words_live():
    # The library side keeps no English sentence for what it used to say.
    text = "\n".join(p.read_text(encoding="utf-8") for p in Path(PARSERS).glob("*.py"))
    for sentence in ("are known by display name only", "pass --tz Area/City", "assumed day-first"):
        assert sentence not in text
