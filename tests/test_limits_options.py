"""Option values that used to pass or end in an internal error are usage errors: exit 2
and one ``Error:`` line on stderr."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from analysis.errors import OptionError
from analysis.window import parse_duration
from cli.exit_codes import ExitCode
from cli.main import app

runner = CliRunner()
QQ = "sample_logs/qq_txt/study_group.txt"


def _usage_error(args):
    result = runner.invoke(app, args)
    assert result.exit_code == ExitCode.USAGE, (result.exit_code, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("Error:"), result.stderr
    assert "internal error" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("args", [
    ["report", QQ, "--last", "99999999999y"],
    ["report", QQ, "--last", "0d"],
    ["report", QQ, "--fail-under", "nan"],
    ["report", QQ, "--fail-under", "inf"],
    ["report", QQ, "--max-bytes", "-1"],
    ["report", QQ, "--anonymize-key", ""],
    ["report", QQ, "--anonymize-key", "   "],
    ["report", QQ, "--tz", "Mars/Olympus"],
    ["report", QQ, "--tz", "../../etc/passwd"],
    ["members", QQ, "--tz", "Mars/Olympus"],
    ["batch", QQ, "--tz", "Mars/Olympus"],
    ["batch", QQ, "--max-bytes", "-5"],
    ["batch", QQ, "--last", "99999999999y"],
])
def test_bad_option_values_are_usage_errors(args):
    _usage_error(args)


def test_a_huge_duration_is_an_option_error_not_an_overflow():
    with pytest.raises(OptionError, match="--last"):
        parse_duration("99999999999y")


def test_good_values_still_work():
    result = runner.invoke(app, ["report", QQ, "--tz", "Asia/Shanghai", "--last", "30d", "--max-bytes", "0",
                                 "--fail-under", "0", "-f", "json"])
    assert result.exit_code == 0, result.stderr


def test_an_unreachable_dask_scheduler_is_a_usage_error(tmp_path):
    pytest.importorskip("distributed")
    from dask import config

    with config.set({"distributed.comm.timeouts.connect": "2s"}):
        text = _usage_error(["batch", QQ, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"])
    assert "tcp://127.0.0.1:1" in text


def test_dask_not_installed_is_a_usage_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    text = _usage_error(["batch", QQ, "--engine", "dask"])
    assert "dask" in text
