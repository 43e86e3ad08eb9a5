"""The format registry: every sample is claimed by exactly one sniffer, what each format declares
about its files (endings, sidecars, folders), and the import-light modules."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.logformat import LogFormat
from analysis.parsers import FORMATS, export_extensions, sidecar_names
from analysis.parsers.generic_table import mapping_format
from analysis.source import Source
from tests.conftest import ROOT, SAMPLE_LOGS

NEEDS_COLUMNS = {"generic/club_chat.csv"}
"""Samples that are no format by content: they are read with ``--columns`` (mapped CSV)."""


def _sample_files() -> list[Path]:
    ends = export_extensions()
    sidecars = sidecar_names()
    return [p for p in sorted(SAMPLE_LOGS.rglob("*"))
            if p.is_file() and p.name.lower().endswith(ends) and p.name.lower() not in sidecars]


def _sample_folders() -> list[Path]:
    """Folders some format reads as one export (found by sniffing every sample folder)."""
    found = []
    for path in sorted(p for p in SAMPLE_LOGS.rglob("*") if p.is_dir()):
        try:
            source = Source.open(path)
        except InputError:
            continue  # a plain folder of samples, not an export
        if any(fmt.sniff(source) for fmt in FORMATS):
            found.append(path)
    return found


def _name(path: Path) -> str:
    return path.relative_to(SAMPLE_LOGS).as_posix()


def _claims(path: Path) -> list[LogFormat]:
    source = Source.open(path)
    return [fmt for fmt in FORMATS if fmt.sniff(source)]


@pytest.mark.parametrize("path", _sample_files(), ids=_name)
def test_every_sample_file_is_claimed_by_exactly_one_sniffer(path):
    claims = _claims(path)
    if _name(path) in NEEDS_COLUMNS:
        assert claims == []
        assert mapping_format(Source.open(path).head()) == "generic-csv"
        return
    assert len(claims) == 1, [f.name for f in claims]
    assert path.name.lower().endswith(claims[0].extensions), (claims[0].name, claims[0].extensions)


def test_sample_folders_are_claimed_by_exactly_one_folder_format():
    folders = _sample_folders()
    assert {_name(p) for p in folders} == {"qq_qce/chunked", "slack/workspace"}
    for path in folders:
        claims = _claims(path)
        assert len(claims) == 1, (_name(path), [f.name for f in claims])
        assert claims[0].folder, claims[0].name


def test_sample_sidecars_are_claimed_only_by_a_format_that_declares_them():
    sidecars = [p for p in SAMPLE_LOGS.rglob("*") if p.is_file() and p.name.lower() in sidecar_names()]
    assert sidecars
    for path in sidecars:
        for fmt in _claims(path):
            assert path.name.lower() in fmt.sidecars, (_name(path), fmt.name)


def test_every_format_declares_its_files():
    for fmt in FORMATS:
        assert fmt.extensions, fmt.name
        assert all(e.startswith(".") and e == e.lower() for e in fmt.extensions), fmt.name
        assert all(n == n.lower() for n in fmt.sidecars), fmt.name
    assert {f.name for f in FORMATS if f.folder} == {"slack-export", "qce-jsonl"}


def test_walk_endings_and_sidecars_cover_what_batch_walks():
    # What analysis/batch.py hard-coded before the registry declared it.
    assert export_extensions() == (".csv", ".json", ".jsonl", ".ndjson", ".tsv", ".txt", ".zip")
    assert sidecar_names() >= {"users.json", "channels.json", "groups.json", "dms.json", "mpims.json",
                               "integration_logs.json", "canvases.json", "manifest.json"}


@pytest.mark.parametrize("module", ["analysis.logformat", "analysis.notes", "analysis"])
def test_light_modules_import_without_pandas(module):
    code = f"import {module}, sys; assert 'pandas' not in sys.modules, sorted(m for m in sys.modules if 'pandas' in m)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_the_package_names_load_on_first_use():
    code = ("import sys, analysis; from analysis import ParseOptions, read_log, FORMATS; "
            "import analysis.parsers as p; assert ParseOptions is p.ParseOptions and read_log is p.read_log; "
            "assert sorted(analysis.__all__) == sorted(['FORMATS', 'AuditError', 'Chat', 'Config', 'ParseOptions', "
            "'detect_format', 'load_config', 'read_chats', 'read_log']); "
            "assert all(hasattr(analysis, n) for n in analysis.__all__); print(len(FORMATS))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(FORMATS)


def test_format_modules_import_the_dataclasses_from_logformat():
    parsers = ROOT / "analysis" / "parsers"
    offenders = [p.name for p in sorted(parsers.glob("*.py")) if p.name != "__init__.py"
                 and re.search(r"^from analysis\.parsers import .*\b(LogFormat|ParseOptions)\b",
                               p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert offenders == []
