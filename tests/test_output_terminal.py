"""Escape sequences, C1 controls and bidi overrides in a log never reach the terminal raw:
tables, Markdown and the stderr lines show them as visible stand-ins (cli.output.printable)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cli import state
from cli.main import app
from cli.output import printable

HOSTILE = ["\x1b[31mRed\x1b[0m", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "evil\u202eexe.txt", "c1\x85\x9bname",
           "\u2066iso\u2069\u202a\u202b\u202c\u202d", "bell\x07back\x08del\x7f"]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def raw_controls(text: str) -> list[str]:
    return RAW.findall(text)


@pytest.fixture
def hostile_log(tmp_path):
    rows = []
    for i in range(36):
        name = HOSTILE[i % len(HOSTILE)]
        body = f"加薇信 vx{100001} 兼职日赚 \x1b[2J" if i % 2 else f"hi {HOSTILE[(i + 1) % len(HOSTILE)]} \x1b]0;title\x07"
        rows.append(f"2024-05-01 10:{i:02d}:00 {name}({20001 + i % len(HOSTILE)})\r\n{body}\r\n\r\n")
    head = ("消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n" + "=" * 64 + "\r\n消息分组:我的QQ群\r\n"
            + "=" * 64 + "\r\n消息对象:\x1b[5mGroup\u202e\x9b\r\n" + "=" * 64 + "\r\n\r\n")
    # the file name is shown on stderr as it is: give it an escape sequence and an override too
    path = tmp_path / "log\x1b[31m\u202e.txt"
    path.write_bytes((head + "".join(rows)).encode("utf-8"))
    return path


@pytest.mark.parametrize("args", [
    ["members"], ["members", "-f", "table"], ["spam"], ["spam", "--by", "member"], ["report", "-f", "table"],
    ["report", "-f", "md"], ["report", "-f", "table", "--lang", "zh"], ["report", "-f", "md", "--lang", "zh"],
], ids=lambda a: "-".join(a))
def test_no_control_or_bidi_character_reaches_stdout_or_stderr(hostile_log, args):
    result = CliRunner().invoke(app, [args[0], str(hostile_log), *args[1:]])
    assert result.exit_code == 0, result.stderr
    assert "Red" in result.stdout or "link" in result.stdout or "Group" in result.stdout
    assert raw_controls(result.stdout) == []
    assert raw_controls(result.stderr) == []


def test_batch_table_has_no_raw_controls(hostile_log):
    result = CliRunner().invoke(app, ["batch", str(hostile_log), "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    assert raw_controls(result.stdout) == []
    assert raw_controls(result.stderr) == []


def test_an_error_naming_a_hostile_path_is_printable(tmp_path):
    result = CliRunner().invoke(app, ["members", str(tmp_path / "no\x1b[2Jsuch\u202e.txt")])
    assert result.exit_code != 0
    assert "␛[2J" in result.stderr
    assert raw_controls(result.stderr) == []


@pytest.mark.parametrize("say", [state.print_note, state.print_warning, state.print_error])
def test_stderr_lines_are_printable(capsys, say):
    say("name \x1b[31mred\x1b]8;;http://x\x07 \x9b1m \u202eabc [bold]not markup[/]")
    err = capsys.readouterr().err
    assert raw_controls(err) == []
    assert "␛[31mred" in err and "<U+202E>abc" in err and "[bold]not markup[/]" in err


def test_printable_scheme():
    assert printable("\x1b[31m") == "␛[31m"
    assert printable("a\rb\x00\x7f") == "a␍b␀␡"
    assert printable("\x85\x9b") == "<U+0085><U+009B>"
    assert printable("\u202e\u2066\u2069\u200f") == "<U+202E><U+2066><U+2069><U+200F>"
    assert printable("a\nb\tc") == "a␊b␉c"
    assert printable("a\nb\tc\x1b", keep="\n\t") == "a\nb\tc␛"
    assert printable("群友 😀 é \u2028") == "群友 😀 é \u2028"
    assert printable(None) == ""
