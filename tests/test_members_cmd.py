"""`community-audit members`: exit codes, clean stdout, coverage on stderr, CSV with BOM, JSON names."""

from __future__ import annotations

import io
import json

import pandas as pd
from typer.testing import CliRunner

from analysis.members import TABLE_COLUMNS
from cli.exit_codes import ExitCode
from cli.main import app
from tests.conftest import SAMPLE_LOGS

runner = CliRunner()
STUDY = str(SAMPLE_LOGS / "qq_txt" / "study_group.txt")

QQ_LOG = (
    "消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n"
    "================================================================\r\n"
    "消息分组:我的QQ群\r\n"
    "================================================================\r\n"
    "消息对象:测试群\r\n"
    "================================================================\r\n\r\n"
    "2024-03-01 9:00:00 【群主】小林(10001)\r\n欢迎大家\r\n\r\n"
    "2024-03-01 9:05:00 系统消息(10000)\r\n潜水王加入本群\r\n\r\n"
    "2024-03-01 9:10:00 阿珍(10002)\r\n=1+1 你好 @路人乙\r\n\r\n"
    "2024-03-02 9:10:00 珍珍(10002)\r\n改名啦\r\n\r\n"
)


def invoke(*args: str):
    return runner.invoke(app, ["members", *args, *(() if "--lang" in args else ("--lang", "en"))])


def _log(tmp_path):
    path = tmp_path / "group.txt"
    path.write_text(QQ_LOG, encoding="utf-8", newline="")
    return str(path)


def test_csv_to_stdout_is_clean_and_coverage_goes_to_stderr(tmp_path):
    result = invoke(_log(tmp_path), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert not result.stdout.startswith("\ufeff")
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    # the library columns, with the worded evidence where it always was (after tier)
    assert tuple(frame.columns) == (*TABLE_COLUMNS[:13], "evidence", *TABLE_COLUMNS[13:])
    assert sorted(frame["sender"]) == sorted(["小林", "珍珍", "潜水王"])
    assert dict(zip(frame["sender"], frame["tier"], strict=True))["潜水王"] == "silent"
    assert "路人乙" not in result.stdout
    assert "4 records, 0 lines not understood" in result.stderr
    assert "3 known members" in result.stderr


def test_csv_file_has_bom_and_chinese_survives_a_spreadsheet_round_trip(tmp_path):
    out = tmp_path / "members.csv"
    result = invoke(_log(tmp_path), "-o", str(out))  # csv from the extension
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfsender_id,")
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert {"小林", "珍珍", "潜水王"} == set(frame["sender"])
    assert "小林".encode() in raw
    assert invoke(_log(tmp_path), "-o", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes().startswith(b"sender_id,")


def test_json_lists_every_name_of_a_renamed_member(tmp_path):
    result = invoke(_log(tmp_path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["known"] == 3 and data["tiers"]["silent"] == 1
    assert data["as_of"] == "2024-03-02T09:10:01"
    zhen = next(m for m in data["members"] if m["sender_id"] == "10002")
    assert zhen["names"] == ["阿珍", "珍珍"] and zhen["sender"] == "珍珍"
    owner = next(m for m in data["members"] if m["sender_id"] == "10001")
    assert owner["role"] == "owner"


def test_table_output(tmp_path):
    result = invoke(_log(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "潜水王" in result.stdout and "silent" in result.stdout and "never spoke" in result.stdout


def test_roster_adds_members_who_never_spoke(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,role,joined\n10009,名单成员,member,2024-02-01\n10002,,admin,\n", encoding="utf-8")
    result = invoke(_log(tmp_path), "-f", "csv", "--roster", str(roster))
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False).set_index("sender_id")
    assert frame.loc["10009", "tier"] == "silent" and frame.loc["10009", "sender"] == "名单成员"
    assert frame.loc["10002", "role"] == "admin"


def test_window_options(tmp_path):
    result = invoke(_log(tmp_path), "-f", "csv", "--until", "2024-03-02")
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False).set_index("sender_id")
    assert frame.loc["10002", "sender"] == "阿珍"  # the later name is after the window end
    assert frame.loc["10002", "days_silent"] == "0"
    bad = invoke(_log(tmp_path), "--since", "2024-03-01", "--last", "7d")
    assert bad.exit_code == ExitCode.USAGE
    assert "cannot be used together" in bad.stderr


def test_errors_are_one_line_with_exit_codes(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,role\n10009,甲,boss\n", encoding="utf-8")
    result = invoke(_log(tmp_path), "--roster", str(roster))
    assert result.exit_code == ExitCode.ERROR
    assert f"{roster}:2: unknown role 'boss'" in result.stderr
    assert "Traceback" not in result.stderr
    missing = invoke(str(tmp_path / "nope.txt"))
    assert missing.exit_code == ExitCode.ERROR
    assert invoke(_log(tmp_path), "-f", "md").exit_code == ExitCode.USAGE


def test_sample_log_members_csv(tmp_path):
    out = tmp_path / "members.csv"
    result = invoke(STUDY, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False).set_index("sender")
    for name in ("静静", "潜水员", "木头人", "小透明"):
        assert frame.loc[name, "tier"] == "silent"
    assert (frame.index == "阿豪-已读完三体").sum() == 1 and "旧名字阿豪" not in frame.index
