"""The command line: parse and formats, output rules, and errors as one line with an exit code."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.exit_codes import ExitCode
from cli.main import app
from tests.conftest import SAMPLE_LOGS

runner = CliRunner()
STUDY = str(SAMPLE_LOGS / "qq_txt" / "study_group.txt")
EDGE = str(SAMPLE_LOGS / "qq_txt" / "edge_cases.txt")
CLUB = str(SAMPLE_LOGS / "generic" / "club_chat.csv")


def invoke(*args: str, **kwargs):
    lang = ("--lang", "en") if args and args[0] == "parse" and "--lang" not in args else ()
    return runner.invoke(app, [*args, *lang], **kwargs)


def test_parse_writes_clean_csv_to_stdout_and_coverage_to_stderr():
    result = invoke("parse", EDGE)
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["msg_id", "timestamp", "sender_id", "sender", "kind", "text",
                                   "reply_to", "actor_id", "line"]
    assert len(frame) == 23
    assert frame["timestamp"].iloc[0] == "2023-01-05T00:01:00"
    assert not result.stdout.startswith("\ufeff")
    assert "23 records, 0 lines not understood" in result.stderr
    assert "encoding utf-8" in result.stderr


def test_parse_to_csv_file_has_bom_unless_no_bom(tmp_path):
    out = tmp_path / "m.csv"
    assert invoke("parse", EDGE, "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfmsg_id,")
    assert invoke("parse", EDGE, "-o", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes().startswith(b"msg_id,")


def test_parse_output_round_trips_through_csv_and_jsonl(tmp_path):
    direct = invoke("parse", EDGE).stdout
    for ext in ("csv", "jsonl"):
        out = tmp_path / f"m.{ext}"
        assert invoke("parse", EDGE, "-o", str(out)).exit_code == 0
        again = invoke("parse", str(out))
        assert again.exit_code == 0, again.stderr
        assert again.stdout == direct


def test_parquet_output(tmp_path):
    out = tmp_path / "m.parquet"
    assert invoke("parse", STUDY, "-o", str(out)).exit_code == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 2146 and str(frame["timestamp"].dtype) == "datetime64[ns]"


def test_csv_cells_that_look_like_formulas_are_neutralised():
    result = invoke("parse", CLUB, "--columns", "timestamp=Time,sender=User,sender_id=UserId,text=Message")
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert "'=1+1 is not a formula here" in frame["text"].tolist()
    assert frame["text"].iloc[1] == "Morning! Reminder: the hike starts at 10:00\nMeet at the north gate."


def test_column_mapping_errors_name_the_file_columns():
    result = invoke("parse", CLUB, "--columns", "timestamp=When,text=Message,sender=User")
    assert result.exit_code == ExitCode.USAGE
    assert "Time, User, UserId, Message" in result.stderr


def test_table_without_mapping_asks_for_one():
    result = invoke("parse", CLUB, "--log-format", "generic-csv")
    assert result.exit_code == ExitCode.USAGE
    assert "--columns" in result.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (os.urandom(4096) + b"\x00" * 64, "binary"),
        (b"", "empty"),
        (json.dumps({"users": [1, 2], "version": 3}).encode(), "not a chat export"),
        (b"just some notes\nnothing like a chat\n", "not a chat export"),
    ],
    ids=["random-bytes", "empty", "other-json", "plain-text"],
)
def test_bad_input_is_one_line_error_with_exit_1(tmp_path, content, needle):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = invoke("parse", str(path))
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and str(path) in lines[0] and needle in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_format_error_names_log_format(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n", encoding="utf-8")
    result = invoke("parse", str(path))
    assert "--log-format" in result.stderr and "qq-txt" in result.stderr


def test_missing_path_and_directory(tmp_path):
    missing = invoke("parse", str(tmp_path / "nope.txt"))
    assert missing.exit_code == ExitCode.ERROR and "no such file" in missing.stderr
    folder = invoke("parse", str(tmp_path))
    assert folder.exit_code == ExitCode.ERROR and "is a directory" in folder.stderr
    assert "Traceback" not in missing.stderr + folder.stderr


def test_unreadable_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = tmp_path / "locked.txt"
    path.write_text("x")
    path.chmod(0)
    result = invoke("parse", str(path))
    assert result.exit_code == ExitCode.ERROR and "permission denied" in result.stderr


def test_strict_fails_on_unparsed_lines(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"stray line\r\n2024-01-01 10:00:00 A(1)\r\nhi\r\n\r\n2024-01-01 10:01:00 B(2)\r\nyo\r\n")
    ok = invoke("parse", str(path), "--log-format", "qq-txt")
    assert ok.exit_code == 0 and "1 lines not understood" in ok.stderr
    assert f"{path}:1: not understood: 'stray line'" in ok.stderr
    strict = invoke("parse", str(path), "--log-format", "qq-txt", "--strict")
    assert strict.exit_code == ExitCode.ERROR
    assert f"{path}:1:" in strict.stderr and "--strict" in strict.stderr


def test_unparsed_lines_can_be_listed(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"stray line\r\n2024-01-01 10:00:00 A(1)\r\nhi\r\n\r\n2024-01-01 10:01:00 B(2)\r\nyo\r\n")
    result = invoke("parse", str(path), "--log-format", "qq-txt", "--unparsed")
    assert result.stdout == "line,text\n1,stray line\n"


def test_several_conversations_need_group():
    path = str(SAMPLE_LOGS / "qq_txt" / "all_messages.txt")
    result = invoke("parse", path)
    assert result.exit_code == ExitCode.USAGE and "--group" in result.stderr
    picked = invoke("parse", path, "--group", "摄影群")
    assert picked.exit_code == 0 and picked.stdout.count("\n") == 3


def test_unknown_log_format_is_usage_error():
    result = invoke("parse", EDGE, "--log-format", "fax")
    assert result.exit_code == ExitCode.USAGE and "qq-txt" in result.stderr


def test_output_never_overwrites_the_input(tmp_path):
    copy = tmp_path / "log.csv"
    copy.write_bytes(invoke("parse", EDGE).stdout.encode())
    before = copy.read_bytes()
    result = invoke("parse", str(copy), "-o", str(copy))
    assert result.exit_code == ExitCode.USAGE and "input file" in result.stderr
    assert copy.read_bytes() == before


def test_window_options_clip_the_table():
    result = invoke("parse", STUDY, "--since", "2024-04-15", "--until", "2024-04-16")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert len(frame) > 10
    assert frame["timestamp"].min() >= "2024-04-15" and frame["timestamp"].max() < "2024-04-16"
    last = pd.read_csv(io.StringIO(invoke("parse", STUDY, "--last", "1d").stdout))
    assert last["timestamp"].min() >= "2024-04-20T23:43"


def test_bad_window_is_usage_error():
    result = invoke("parse", STUDY, "--last", "soon")
    assert result.exit_code == ExitCode.USAGE and "30d" in result.stderr


def test_config_errors_name_the_key(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[members]\ndormant_dayz = 10\n", encoding="utf-8")
    result = invoke("parse", EDGE, "--config", str(cfg))
    assert result.exit_code == ExitCode.USAGE and "[members] dormant_dayz" in result.stderr
    cfg.write_text("[members]\ndormant_days = 'ten'\n", encoding="utf-8")
    result = invoke("parse", EDGE, "--config", str(cfg))
    assert result.exit_code == ExitCode.USAGE and "must be an integer" in result.stderr


def test_formats_lists_every_registered_format():
    from analysis.parsers import FORMAT_NAMES

    result = invoke("formats", "-f", "json")
    names = [row["name"] for row in json.loads(result.stdout)]
    assert names == list(FORMAT_NAMES) and "qq-txt" in names
    table = invoke("formats")
    assert table.exit_code == 0 and "消息管理器" in table.stdout


def test_python_dash_m_and_version():
    done = subprocess.run([sys.executable, "-m", "cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "parse" in done.stdout
    assert invoke("--version").stdout.startswith("community-audit")


def test_stdin_dash_reads_standard_input():
    data = (SAMPLE_LOGS / "qq_txt" / "edge_cases.txt").read_bytes()
    done = subprocess.run([sys.executable, "-m", "cli", "parse", "-"], input=data, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(io.BytesIO(done.stdout))) == 23
