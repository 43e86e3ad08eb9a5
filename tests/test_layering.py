"""The library/CLI split the design card keeps, checked on the source itself."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

ANALYSIS = ROOT / "analysis"


def _sources():
    return sorted(ANALYSIS.rglob("*.py"))


def test_analysis_never_imports_rich_or_typer():
    pattern = re.compile(r"^\s*(import|from)\s+(rich|typer)\b", re.MULTILINE)
    offenders = [str(p.relative_to(ROOT)) for p in _sources() if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_analysis_never_imports_the_cli_and_holds_no_catalogue():
    """Words live in cli/catalogue*.py only: the library imports nothing from cli/ and builds no
    zh/en text of its own (no Chinese string literal outside data files, docstrings and the
    patterns that read Chinese exports)."""
    pattern = re.compile(r"^\s*(import|from)\s+cli\b", re.MULTILINE)
    offenders = [str(p.relative_to(ROOT)) for p in _sources() if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    for name in ("report.py", "health.py", "activity.py", "members.py", "spam/members.py", "topics/analyse.py"):
        text = (ANALYSIS / name).read_text(encoding="utf-8")
        assert "zh else" not in text and "if zh" not in text, name  # no inline zh/en ternaries


def test_analysis_never_prints():
    pattern = re.compile(r"^\s*print\(", re.MULTILINE)
    offenders = [str(p.relative_to(ROOT)) for p in _sources() if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_importing_the_library_does_not_load_rich_typer_or_jieba():
    code = "import sys, analysis, analysis.parsers; print(sorted(m for m in ('rich', 'typer', 'jieba') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_ruff_is_clean():
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it comes with the test extra)")
    done = subprocess.run([ruff, "check", "analysis", "cli", "community_audit", "tests"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
