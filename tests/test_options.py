"""One way in: every command that reads a log takes the same input options, from one declaration,
and they reach the library as one InputOptions."""

from __future__ import annotations

import dataclasses

import pytest
import typer.main
from typer.testing import CliRunner

from analysis.loading import InputOptions, open_log
from cli.main import app
from cli.options import INPUT_OPTIONS
from tests.conftest import SAMPLE_LOGS

runner = CliRunner()
READS_A_LOG = ("report", "members", "spam", "topics", "parse", "batch")
EVERY_COMMAND = (*READS_A_LOG, "formats")


def _commands() -> dict:
    group = typer.main.get_command(app)
    return dict(group.commands)


def _options(command) -> dict:
    return {p.name: p for p in command.params if p.param_type_name == "option"}


def test_the_declaration_covers_every_field_of_input_options():
    assert list(INPUT_OPTIONS) == [f.name for f in dataclasses.fields(InputOptions)]


@pytest.mark.parametrize("name", READS_A_LOG)
def test_every_command_that_reads_a_log_takes_every_input_option(name):
    commands = _commands()
    options = _options(commands[name])
    reference = _options(commands["report"])
    for field in INPUT_OPTIONS:
        assert field in options, (name, field)
        mine, theirs = options[field], reference[field]
        assert (mine.opts, mine.secondary_opts, mine.help, mine.default) == \
            (theirs.opts, theirs.secondary_opts, theirs.help, theirs.default), (name, field)


@pytest.mark.parametrize("name", EVERY_COMMAND)
def test_every_command_takes_lang(name):
    options = _options(_commands()[name])
    assert "lang" in options and options["lang"].opts == ["--lang"], name


def test_roster_reaches_report_and_batch(tmp_path):
    log = SAMPLE_LOGS / "qq_txt" / "edge_cases.txt"
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,role,joined\n99990001,潜水甲,member,\n99990002,潜水乙,member,\n", encoding="utf-8")
    opened = open_log(log, InputOptions(roster=str(roster)))
    assert {"99990001", "99990002"} <= set(opened.chat.roster["sender_id"])
    assert any(n.code == "open.roster_merged" and n.params["members"] == 2 for n in opened.assumptions)

    report = runner.invoke(app, ["report", str(log), "--roster", str(roster), "-f", "json", "--lang", "en"])
    assert report.exit_code == 0, report.stderr
    import json

    listed = {m["sender_id"] for m in json.loads(report.stdout)["members"]["list"]}
    assert {"99990001", "99990002"} <= listed
    assert "member list merged: 2 member(s) from --roster" in report.stderr

    batch = runner.invoke(app, ["batch", str(log), "--roster", str(roster), "-f", "csv", "--jobs", "1", "--lang", "en"])
    assert batch.exit_code == 0, batch.stderr
    import io

    import pandas as pd

    row = pd.read_csv(io.StringIO(batch.stdout)).iloc[0]
    without = runner.invoke(app, ["batch", str(log), "-f", "csv", "--jobs", "1", "--lang", "en"])
    assert row["members_known"] == pd.read_csv(io.StringIO(without.stdout)).iloc[0]["members_known"] + 2


@pytest.mark.parametrize("name", EVERY_COMMAND)
def test_output_formats_are_a_closed_list(name):
    """-f is an Enum per command: an unknown format is a usage error naming the choices."""
    args = [name] + ([str(SAMPLE_LOGS / "qq_txt" / "edge_cases.txt")] if name in READS_A_LOG else [])
    result = runner.invoke(app, [*args, "-f", "bogus"])
    assert result.exit_code == 2 and "'bogus' is not one of" in result.stderr, (name, result.stderr)


def test_one_date_parser():
    from analysis import batch, loading

    assert not hasattr(batch, "_date")
    assert loading.parse_date("2024-12-31").isoformat() == "2024-12-31"


def test_the_public_module_is_cheap_to_import_and_complete():
    import subprocess
    import sys

    code = ("import sys, community_audit; assert 'pandas' not in sys.modules, 'pandas imported'; "
            "missing = [n for n in community_audit.__all__ if getattr(community_audit, n, None) is None]; "
            "assert not missing, missing")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", EVERY_COMMAND)
def test_help_shows_flags_without_a_value_and_keeps_every_word(name):
    """Flags have no ``<bool>`` placeholder, and nothing in brackets is taken for Rich markup
    (``[group] theme`` used to print as `` theme``)."""
    import re

    command = _commands()[name]
    texts = [command.help or ""] + [p.help or "" for p in command.params if getattr(p, "help", None)]
    assert not [t for t in texts if re.search(r"\[[a-z_/ ]+\]", t)], name
    result = runner.invoke(app, [name, "--help"], terminal_width=100)
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout


def test_formats_table_wraps_instead_of_cutting():
    result = runner.invoke(app, ["formats", "--lang", "en"], terminal_width=100)
    assert result.exit_code == 0
    assert "…" not in result.stdout
    from analysis.parsers import FORMATS

    flat = "".join(ch for ch in result.stdout if ch.isalnum())
    for fmt in FORMATS:  # every word of every instruction is there (cells fold, never cut)
        assert "".join(ch for ch in fmt.how_to_export.split()[-1] if ch.isalnum()) in flat, fmt.name
