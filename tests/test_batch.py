"""analysis.batch: folder walks, error isolation, cross-group findings, the result cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import analysis.batch as batch
import analysis.batch.engines as engines
from analysis.batch import BatchOptions, audit_file, expand_paths, run_batch
from analysis.loading import InputOptions
from analysis.parsers import read_chats
from analysis.report import SUMMARY_COLUMNS, audit, summary_row
from tests.conftest import SAMPLE_LOGS

QQ_TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
AD = "兼职日赚300+，手机就能做，加薇信 vx123456 详聊"


def write_qq(path: Path, group: str, rows) -> str:
    """A small QQ TXT export (CRLF, as QQ writes it)."""
    parts = [QQ_TITLE, "=" * 64, "消息分组:我的QQ群", "=" * 64, f"消息对象:{group}", "=" * 64, ""]
    for ts, name, uin, text in rows:
        parts += [f"{ts} {name}({uin})", text, ""]
    path.write_text("\r\n".join(parts) + "\r\n", encoding="utf-8")
    return str(path)


def reading_group(path: Path, group: str, day: int, regulars, spammer=("福利官", "10099")) -> str:
    """Twelve on-topic messages by ``regulars`` and three ads by ``spammer``."""
    rows = [(f"2024-03-{day:02d} 10:{i:02d}:00", regulars[i % len(regulars)][1], regulars[i % len(regulars)][0],
             f"今天读到第{i}章，大家觉得怎么样？") for i in range(12)]
    rows += [(f"2024-03-{day:02d} 11:0{j}:00", spammer[0], spammer[1], AD) for j in range(3)]
    return write_qq(path, group, rows)


@pytest.fixture(scope="module")
def two_groups(tmp_path_factory):
    """Two QQ groups sharing a regular member (10001) and an ad poster (10099)."""
    tmp = tmp_path_factory.mktemp("two")
    a = reading_group(tmp / "g1.txt", "读书一群", 4, [("10001", "老林"), ("10002", "小周"), ("10003", "阿紫")])
    b = reading_group(tmp / "g2.txt", "读书二群", 5, [("10001", "老林"), ("10004", "大熊"), ("10005", "豆豆")])
    return a, b


@pytest.fixture(scope="module")
def two_run(two_groups):
    """The batch of both, with the progress calls it made."""
    seen = []
    result = run_batch(list(two_groups), jobs=1, progress=lambda done, total, source: seen.append((done, total)))
    return result, seen


# -- folder walks -------------------------------------------------------------------------


def test_a_folder_walk_picks_exports_and_export_folders_not_readmes_or_sidecars(tmp_path):
    shutil.copy(SAMPLE_LOGS / "qq_txt" / "edge_cases.txt", tmp_path / "qq.txt")
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "make.py").write_text("print(1)\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "users.json").write_text("{}\n", encoding="utf-8")
    shutil.copytree(SAMPLE_LOGS / "slack" / "workspace", tmp_path / "workspace")
    (tmp_path / "sub").mkdir()
    shutil.copy(SAMPLE_LOGS / "line" / "line_en.txt", tmp_path / "sub" / "line.txt")

    flat = [Path(i.path).name for i in expand_paths([tmp_path])]
    assert flat == ["qq.txt", "workspace"]  # the Slack folder is one input, not walked into
    deep = [Path(i.path).relative_to(tmp_path).as_posix() for i in expand_paths([tmp_path], recursive=True)]
    assert deep == ["qq.txt", "sub/line.txt", "workspace"]
    assert all(i.walked for i in expand_paths([tmp_path]))


def test_explicit_paths_and_globs_are_always_tried(tmp_path):
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("a\n", encoding="utf-8")
    inputs = expand_paths([tmp_path / "README.md", tmp_path / "missing.txt", str(tmp_path / "*.txt"),
                           str(tmp_path / "none*.csv")])
    assert [(Path(i.path).name, i.walked) for i in inputs] == [
        ("README.md", False), ("missing.txt", False), ("a.txt", False), ("none*.csv", False)]
    result = run_batch([tmp_path / "README.md", tmp_path / "missing.txt"], jobs=1)
    assert list(result.rows["status"]) == ["error", "error"]
    assert "not a chat export" in result.rows["error"][0]
    assert "no such file" in result.rows["error"][1]


def test_an_unrecognised_file_in_a_folder_is_skipped_not_an_error(tmp_path):
    write_qq(tmp_path / "ok.txt", "群", [("2024-03-04 10:00:00", "老林", "10001", "早上好")])
    (tmp_path / "notes.txt").write_text("shopping list: milk, eggs\n", encoding="utf-8")
    result = run_batch([tmp_path], jobs=1)
    assert list(result.rows["status"]) == ["ok"]
    assert [Path(p).name for p in result.skipped] == ["notes.txt"]
    assert not result.failed


# -- the per-file task ---------------------------------------------------------------------


def test_a_bad_file_is_one_error_row_and_never_raises(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text((SAMPLE_LOGS / "telegram" / "group.json").read_text(encoding="utf-8")[:3000], encoding="utf-8")
    [row] = [g.row for g in audit_file(broken)]
    assert row["status"] == "error" and row["format"] == "telegram-json" and row["platform"] == "telegram"
    assert "broken.json:" in row["error"] and "\n" not in row["error"]
    assert row["messages"] is None and set(row) >= set(SUMMARY_COLUMNS)


def test_an_unexpected_exception_becomes_an_error_row_with_its_type(tmp_path, monkeypatch, two_groups):
    import analysis.report

    def boom(*args, **kwargs):
        raise RuntimeError("analyser bug\nsecond line")

    monkeypatch.setattr(analysis.report, "audit", boom)
    [result] = audit_file(two_groups[0])
    assert result.row["status"] == "error"
    assert result.row["error"] == "RuntimeError: analyser bug second line"
    assert result.row["group"] == "读书一群"  # the file was read; the group's audit failed


def test_a_file_with_several_groups_gives_one_row_each():
    results = audit_file(SAMPLE_LOGS / "qq_txt" / "all_messages.txt")
    assert [r.row["group"] for r in results] == ["跑步群", "摄影群"]
    assert {r.row["status"] for r in results} == {"ok"}
    assert len({r.name for r in results}) == 2


def test_rows_are_the_single_audit_summary_rows(two_groups, two_run):
    [expected] = [summary_row(audit(chat, jobs=1)) for chat in read_chats(two_groups[0])]
    got = two_run[0].rows.iloc[0].to_dict()
    for key in ("group", "messages", "speakers", "members_known", "spam_messages", "spammers",
                "health_score", "lifecycle_stage", "window_end"):
        assert got[key] == expected[key], key


def test_options_reach_every_file(tmp_path):
    oneday = SAMPLE_LOGS / "wechat" / "chatlog_oneday.txt"
    [row] = [r.row for r in audit_file(oneday)]
    assert row["status"] == "error" and "--date" in row["error"]
    [row] = [r.row for r in audit_file(oneday, BatchOptions(inputs=InputOptions(date="2024-12-31")))]
    assert row["status"] == "ok" and row["window_start"].startswith("2024-12-31")
    study = SAMPLE_LOGS / "qq_txt" / "study_group.txt"
    [whole] = [r.row for r in audit_file(study)]
    [last] = [r.row for r in audit_file(study, BatchOptions(inputs=InputOptions(last="7d")))]
    assert last["window_end"] == whole["window_end"] and last["messages"] < whole["messages"]


# -- cross-group findings ------------------------------------------------------------------


def test_cross_group_finds_the_spammer_the_ad_and_the_shared_member(two_run):
    cross = two_run[0].cross_group
    assert list(cross.columns) == list(batch.CROSS_GROUP_COLUMNS)
    by_kind = dict(list(cross.groupby("kind")))
    spammer = by_kind["spammer"].iloc[0]
    assert spammer["key"] == "qq:10099" and spammer["n_groups"] == 2 and spammer["spam_messages"] == 6
    assert "spammer in: 读书一群 | 读书二群" in spammer["example"]
    assert "vx123456" in set(by_kind["wechat"]["key"])
    assert by_kind["template"].iloc[0]["n_groups"] == 2
    assert list(by_kind["member"]["key"]) == ["qq:10001"]  # 10002..10005 are in one group only
    assert cross["kind"].iloc[0] == "spammer"  # spammers first


def test_cross_group_min_groups_and_name_only_platforms(two_run, tmp_path):
    assert batch.cross_group_findings(two_run[0].groups, min_groups=3).empty
    # WhatsApp shows names, not ids: the same name in two groups is not the same person.
    wa = SAMPLE_LOGS / "whatsapp" / "ios_en.txt"
    shutil.copy(wa, tmp_path / "copy.txt")
    cross = run_batch([wa, tmp_path / "copy.txt"], jobs=1).cross_group
    assert "member" not in set(cross["kind"]) and "spammer" not in set(cross["kind"])


def test_groups_with_the_same_name_are_told_apart_by_source(two_groups, tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copy(two_groups[0], copy)
    cross = run_batch([two_groups[0], copy], jobs=1).cross_group
    groups = cross.loc[cross["kind"] == "spammer", "groups"].iloc[0]
    assert groups == f"读书一群 ({two_groups[0]}) | 读书一群 ({copy})"


# -- the cache ------------------------------------------------------------------------------


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_the_cache_reuses_unchanged_files_only(two_groups, tmp_path, monkeypatch):
    two_groups = [shutil.copy(p, tmp_path / Path(p).name) for p in two_groups]  # g2 is rewritten below
    cache = tmp_path / "cache"
    before = _files(tmp_path)
    first = run_batch(list(two_groups), jobs=1, cache_dir=cache)
    assert first.cached == []
    assert {p for p in _files(tmp_path) - before if not p.startswith("cache")} == set()  # nothing outside DIR

    calls = []
    real = engines._task  # run_batch calls the task through analysis.batch.engines
    monkeypatch.setattr(engines, "_task", lambda path, *a: calls.append(Path(path).name) or real(path, *a))
    second = run_batch(list(two_groups), jobs=1, cache_dir=cache)
    assert calls == [] and len(second.cached) == 2
    pd.testing.assert_frame_equal(second.rows, first.rows)
    pd.testing.assert_frame_equal(second.cross_group, first.cross_group)

    # One file changes: only it is audited again.
    reading_group(Path(two_groups[1]), "读书二群", 6, [("10004", "大熊"), ("10005", "豆豆")])
    third = run_batch(list(two_groups), jobs=1, cache_dir=cache)
    assert calls == ["g2.txt"] and [Path(p).name for p in third.cached] == ["g1.txt"]
    assert third.rows["window_start"][1].startswith("2024-03-06")

    # Other options (or config) are other results.
    calls.clear()
    run_batch(list(two_groups), jobs=1, cache_dir=cache, options=BatchOptions(inputs=InputOptions(last="1d")))
    assert sorted(calls) == ["g1.txt", "g2.txt"]


def test_unexpected_failures_are_not_cached(two_groups, tmp_path, monkeypatch):
    import analysis.report

    cache = tmp_path / "cache"
    real = analysis.report.audit
    monkeypatch.setattr(analysis.report, "audit", lambda *a, **k: (_ for _ in ()).throw(MemoryError("out")))
    assert run_batch([two_groups[0]], jobs=1, cache_dir=cache).failed
    monkeypatch.setattr(analysis.report, "audit", real)
    again = run_batch([two_groups[0]], jobs=1, cache_dir=cache)
    assert not again.failed and again.cached == []


def test_bad_engine_options_are_usage_errors(two_groups):
    from analysis.errors import OptionError

    with pytest.raises(OptionError, match="engine"):
        run_batch(list(two_groups), engine="spark")
    with pytest.raises(OptionError, match="--scheduler needs --engine dask"):
        run_batch(list(two_groups), scheduler="tcp://127.0.0.1:1")
    with pytest.raises(OptionError, match="--date"):
        run_batch(list(two_groups), options=BatchOptions(inputs=InputOptions(date="yesterday")))


def test_the_package_keeps_every_name_and_its_results_pickle():
    import pickle

    import analysis.spam.crossgroup

    for name in ("BatchOptions", "BatchResult", "GroupResult", "FileOutcome", "Input", "run_batch", "audit_file",
                 "expand_paths", "is_export_folder", "sort_by_health", "rows_frame", "cross_group_findings",
                 "EXPORT_EXTENSIONS", "SIDECAR_NAMES", "GLOBAL_ID_PLATFORMS", "CROSS_GROUP_COLUMNS", "ENGINES",
                 "CACHE_FORMAT", "STATS_COLUMNS", "TRIM_THRESHOLD_BYTES", "content_hash", "tool_version",
                 "ResultCache", "default_jobs"):
        assert hasattr(batch, name), name
    assert batch.CROSS_GROUP_COLUMNS is analysis.spam.crossgroup.CROSS_GROUP_COLUMNS  # defined once
    # What the pool and dask ship between processes.
    options = BatchOptions(inputs=InputOptions(last="7d"), theme=("读书",), lang="zh")
    outcome = batch.FileOutcome(source="a.txt", results=[batch.GroupResult(row={"group": "群"}, name="群-1")])
    assert pickle.loads(pickle.dumps(options)) == options
    assert pickle.loads(pickle.dumps(outcome)) == outcome


def test_progress_is_called_once_per_input(two_run):
    assert two_run[1] == [(1, 2), (2, 2)]
