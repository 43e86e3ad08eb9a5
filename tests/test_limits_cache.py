"""The batch cache follows the content: a file changed between runs (same size, an old
mtime restored) or while it is audited is never reported from a stale entry."""

from __future__ import annotations

import os
from pathlib import Path

import analysis.batch.engines as engines
from analysis.batch import run_batch
from tests.test_batch import write_qq


def _rows(n: int, day: int = 4, word: str = "读") -> list[tuple[str, str, str, str]]:
    return [(f"2024-03-{day:02d} 10:{i // 60:02d}:{i % 60:02d}", "老林", "10001", f"{word}第{i:03d}章")
            for i in range(n)]


def test_same_size_change_and_restored_mtime_follow_the_content(tmp_path):
    log = tmp_path / "g.txt"
    cache = tmp_path / "cache"
    write_qq(log, "读书群", _rows(10, day=4))
    old = os.stat(log)
    first = run_batch([str(log)], jobs=1, cache_dir=cache)
    assert first.rows["window_start"][0].startswith("2024-03-04")

    write_qq(log, "读书群", _rows(10, day=5))  # same size, other content, the old mtime
    assert os.stat(log).st_size == old.st_size
    os.utime(log, ns=(old.st_atime_ns, old.st_mtime_ns))
    second = run_batch([str(log)], jobs=1, cache_dir=cache)
    assert second.cached == [] and second.rows["window_start"][0].startswith("2024-03-05")

    write_qq(log, "读书群", _rows(10, day=4))  # the first content back, its old mtime too
    os.utime(log, ns=(old.st_atime_ns, old.st_mtime_ns))
    third = run_batch([str(log)], jobs=1, cache_dir=cache)
    assert third.cached == [str(log)] and third.rows["window_start"][0].startswith("2024-03-04")
    assert int(third.rows["messages"][0]) == 10


def test_a_file_changed_while_audited_is_not_cached(tmp_path, monkeypatch):
    log = tmp_path / "g.txt"
    cache = tmp_path / "cache"
    write_qq(log, "读书群", _rows(10))
    real = engines._task

    def swapping(path, *args):
        write_qq(Path(path), "读书群", _rows(500))  # the export is rewritten as the task reads it
        return real(path, *args)

    monkeypatch.setattr(engines, "_task", swapping)
    during = run_batch([str(log)], jobs=1, cache_dir=cache)
    assert int(during.rows["messages"][0]) == 500
    assert during.changed == [str(log)] and bool(during.stats["changed"][0])
    monkeypatch.setattr(engines, "_task", real)

    write_qq(log, "读书群", _rows(10))  # the content the key was computed from, restored
    after = run_batch([str(log)], jobs=1, cache_dir=cache)
    assert after.cached == [] and int(after.rows["messages"][0]) == 10
    assert after.changed == [] and not bool(after.stats["changed"][0])
    again = run_batch([str(log)], jobs=1, cache_dir=cache)
    assert again.cached == [str(log)] and int(again.rows["messages"][0]) == 10


def test_a_changed_roster_is_another_cache_entry(tmp_path):
    from analysis.batch import BatchOptions
    from analysis.loading import InputOptions

    log = tmp_path / "g.txt"
    roster = tmp_path / "roster.csv"
    write_qq(log, "读书群", _rows(10))
    roster.write_text("id,name\n10001,老林\n", encoding="utf-8")
    options = BatchOptions(inputs=InputOptions(roster=str(roster)))
    first = run_batch([str(log)], jobs=1, cache_dir=tmp_path / "cache", options=options)
    roster.write_text("id,name\n10001,老林\n20002,小白\n20003,阿黄\n", encoding="utf-8")
    second = run_batch([str(log)], jobs=1, cache_dir=tmp_path / "cache", options=options)
    assert second.cached == []
    assert int(second.rows["members_known"][0]) > int(first.rows["members_known"][0])


def test_the_batch_command_warns_about_a_file_changed_while_audited(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cli.main import app

    log = tmp_path / "g.txt"
    write_qq(log, "读书群", _rows(10))
    real = engines._task

    def swapping(path, *args):
        write_qq(Path(path), "读书群", _rows(500))
        return real(path, *args)

    monkeypatch.setattr(engines, "_task", swapping)
    result = CliRunner().invoke(app, ["batch", str(log), "--cache", str(tmp_path / "cache"), "--jobs", "1",
                                      "-f", "csv", "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert "1 input(s) changed while they were audited" in result.stderr and str(log) in result.stderr
