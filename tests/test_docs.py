"""The README covers every command, and every command has help with an example."""

from __future__ import annotations

import typer.main

from cli.main import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme_and_has_an_example():
    commands = typer.main.get_command(app).commands
    assert commands
    for name, command in commands.items():
        assert f"community-audit {name}" in README, name
        assert command.help and "Example:" in command.help, name


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = 'python -m pip install -e ".[test]" && python -m pytest -q'
    assert command in README and command in ci


def test_every_exit_code_is_documented():
    from cli.exit_codes import ExitCode

    for code in ExitCode:
        assert f"| {int(code)} |" in README, code


def test_message_catalogue_reference_is_up_to_date():
    from cli.catalogue import catalogue_reference

    assert (ROOT / "docs" / "messages.md").read_text(encoding="utf-8") == catalogue_reference()


def test_configuration_reference_is_up_to_date():
    from analysis.config import config_reference

    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == config_reference()


def test_readme_python_examples_run():
    """Every README example that starts `from community_audit import` runs as shown."""
    import os
    import re
    import subprocess
    import sys

    blocks = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if b.startswith("from community_audit import")]
    runnable = [b for b in blocks if '"group.txt"' not in b and '"exports/"' not in b]  # placeholders for the user's files
    assert len(runnable) >= 3
    for block in runnable:
        result = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
        assert result.returncode == 0, (block, result.stderr[-2000:])
