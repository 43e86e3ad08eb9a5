"""Shared fixtures: sample paths, the shared folder, golden files, small message tables."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from analysis.schema import DTYPES, MESSAGE_COLUMNS, build_messages

# CI runs the same examples every time (a gate must not flip on a random draw); local runs
# explore, and tests/benchmarks/bench_fuzz.py runs the long exploration.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_LOGS = ROOT / "sample_logs"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite golden files from the current output instead of comparing.")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Benchmarks run only when asked for: pytest tests/benchmarks -m benchmark -s
    if "benchmark" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="benchmark; run with -m benchmark")
    for item in items:
        if "benchmark" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def shared_dir() -> Path:
    """../shared (public samples and labelled data); skips the test when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


def read_golden_messages(path: Path) -> pd.DataFrame:
    """A golden canonical CSV read back with the schema's dtypes."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    columns = {c: raw[c] for c in MESSAGE_COLUMNS}
    columns["timestamp"] = pd.to_datetime(raw["timestamp"])
    columns["line"] = pd.to_numeric(raw["line"]).astype("Int64")
    for col in ("text", "sender"):
        columns[col] = raw[col].fillna("")
    return build_messages(columns, sort=False)


def golden_csv_text(messages: pd.DataFrame) -> str:
    """Golden files are plain CSV (no formula neutralising) with ISO timestamps."""
    out = messages.copy()
    out["timestamp"] = out["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return out.to_csv(index=False, lineterminator="\n")


class Golden:
    """Compare a message table with ``tests/golden/<name>``, or rewrite it with --update-golden."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check_messages(self, messages: pd.DataFrame, name: str) -> None:
        path = GOLDEN / name
        if self.update or not path.exists():
            if not self.update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden and review it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(golden_csv_text(messages), encoding="utf-8", newline="")
            return
        expected = read_golden_messages(path)
        got = messages.reset_index(drop=True).copy()
        # Golden CSVs keep seconds only.
        got["timestamp"] = got["timestamp"].dt.floor("s")
        pd.testing.assert_frame_equal(got, expected, check_dtype=True)

    def check_text(self, text: str, name: str) -> None:
        path = GOLDEN / name
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing; run pytest --update-golden and review it")
        assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-golden")))


def make_messages(rows: list[tuple], **extra_cols) -> pd.DataFrame:
    """A small canonical table from ``(timestamp, sender_id, text[, kind[, sender]])`` tuples."""
    ts, ids, texts, kinds, names = [], [], [], [], []
    for row in rows:
        ts.append(pd.Timestamp(row[0]))
        ids.append(row[1])
        texts.append(row[2])
        kinds.append(row[3] if len(row) > 3 else "text")
        names.append(row[4] if len(row) > 4 else row[1])
    cols = {"timestamp": ts, "sender_id": ids, "sender": names, "kind": kinds, "text": texts,
            "line": list(range(1, len(rows) + 1))}
    cols.update(extra_cols)
    return build_messages(cols)


@pytest.fixture(name="make_messages")
def make_messages_fixture():
    return make_messages


assert set(DTYPES) == set(MESSAGE_COLUMNS)
