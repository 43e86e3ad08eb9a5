"""Side inputs (``--config``, ``--roster``, ``spam --labels``) must be regular files of a
bounded size: a FIFO, a device or an oversize file is a clear typed error, never a read
that grows without end."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

import analysis.config as config_mod
import analysis.roster as roster_mod
import analysis.spam.training as training
from analysis.errors import ConfigError, InputError
from cli.exit_codes import ExitCode
from cli.main import app

runner = CliRunner()
QQ = "sample_logs/qq_txt/study_group.txt"


def _fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _sparse(tmp_path, name: str, size: int):
    path = tmp_path / name
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def test_the_limits_are_documented_constants():
    assert config_mod.CONFIG_MAX_BYTES == 16 * 1024 * 1024
    assert roster_mod.ROSTER_MAX_BYTES == training.LABELS_MAX_BYTES == 256 * 1024 * 1024


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_config_must_be_a_regular_file(tmp_path, special):
    path = _fifo(tmp_path) if special == "fifo" else special
    if not os.path.exists(path):
        pytest.skip("no /dev/zero")
    with pytest.raises(ConfigError, match="not a regular file") as info:
        config_mod.load_config(path)
    assert str(path) in str(info.value)


def test_an_oversize_config_names_the_file_and_the_limit(tmp_path):
    path = _sparse(tmp_path, "big.toml", config_mod.CONFIG_MAX_BYTES + 1)
    with pytest.raises(ConfigError, match="16 MiB") as info:
        config_mod.load_config(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_roster_must_be_a_regular_file(tmp_path, special):
    path = _fifo(tmp_path) if special == "fifo" else special
    if not os.path.exists(path):
        pytest.skip("no /dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        roster_mod.read_roster(path)


def test_an_oversize_roster_names_the_file_and_the_limit(tmp_path):
    path = _sparse(tmp_path, "big.csv", roster_mod.ROSTER_MAX_BYTES + 1)
    with pytest.raises(InputError, match="256 MiB") as info:
        roster_mod.read_roster(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_labels_must_be_a_regular_file(tmp_path, special):
    path = _fifo(tmp_path) if special == "fifo" else special
    if not os.path.exists(path):
        pytest.skip("no /dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        training.read_labels(path)


def test_oversize_labels_name_the_file_and_the_limit(tmp_path):
    path = _sparse(tmp_path, "big.csv", training.LABELS_MAX_BYTES + 1)
    with pytest.raises(InputError, match="256 MiB") as info:
        training.read_labels(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("args", [
    ["report", QQ, "--config", "/dev/zero"],
    ["report", QQ, "--roster", "/dev/zero"],
    ["spam", QQ, "--train", "{out}", "--labels", "/dev/zero"],
])
def test_the_cli_refuses_dev_zero_at_once(args, tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    result = runner.invoke(app, [a.format(out=tmp_path / "model.json") for a in args])
    assert result.exit_code in (ExitCode.USAGE, ExitCode.ERROR), result.stderr
    assert "/dev/zero" in result.stderr and "internal error" not in result.stderr
