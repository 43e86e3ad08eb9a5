"""`community-audit batch`: every sample group plus an error row, exit 1, CSV columns, the
cross_group section, --cache reuse, --details files."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from urllib.parse import unquote

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.batch import expand_paths
from analysis.parsers import ParseOptions, read_chats
from cli.catalogue import say
from cli.exit_codes import ExitCode
from cli.main import app
from tests.conftest import SAMPLE_LOGS
from tests.test_batch import write_qq

runner = CliRunner()

REQUIRED = ["group", "source", "platform", "format", "status", "error", "messages", "speakers",
            "members_known", "participation", "silent_members", "dormant_members", "spam_messages",
            "spam_ratio", "spammers", "topic_concentration", "on_topic_ratio", "lifecycle_stage",
            "health_score"]


def batch(*args: str):
    return runner.invoke(app, ["batch", *args, *(() if "--lang" in args else ("--lang", "en"))])


def read_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """sample_logs (walked, with --date for the one-day chatlog) plus a truncated Telegram
    export, on two worker processes, with a cache; run twice."""
    tmp = tmp_path_factory.mktemp("batch")
    corrupt = tmp / "truncated.json"
    corrupt.write_text((SAMPLE_LOGS / "telegram" / "group.json").read_text(encoding="utf-8")[:3000], encoding="utf-8")
    cache = tmp / "cache"
    args = [str(SAMPLE_LOGS), str(corrupt), "--recursive", "--date", "2024-12-31", "--jobs", "2",
            "--cache", str(cache), "-f", "csv"]
    first = batch(*args)
    second = batch(*args)
    cross = batch(*args, "--section", "cross_group")
    return {"first": first, "second": second, "cross": cross, "corrupt": str(corrupt), "tmp": tmp}


def test_every_sample_group_is_a_row_and_the_corrupt_file_an_error(sample_run):
    result = sample_run["first"]
    assert result.exit_code == ExitCode.ERROR, result.stderr
    rows = read_csv(result.stdout)
    errors = rows[rows["status"] == "error"]
    assert list(errors["source"]) == [sample_run["corrupt"]]
    assert "broken JSON" in errors["error"].iloc[0] and "truncated.json:" in errors["error"].iloc[0]
    # Every group of every input the walk picks (read on its own) is an ok row.
    expected = set()
    for item in expand_paths([SAMPLE_LOGS], recursive=True):
        try:
            chats = read_chats(item.path, options=ParseOptions(date=pd.Timestamp("2024-12-31").date()))
        except Exception:  # noqa: BLE001 - skipped by the walk (generic CSV needs --columns)
            continue
        expected |= {(item.path, chat.group) for chat in chats}
    ok = rows[rows["status"] == "ok"]
    assert set(zip(ok["source"], ok["group"], strict=True)) == expected
    assert len(ok) == len(expected) >= 40
    assert "sample_logs/generic/club_chat.csv" in result.stderr.replace("\\", "/")  # listed as skipped
    assert "Error:" in result.stderr and "truncated.json" in result.stderr


def test_the_csv_has_the_documented_columns_and_is_sorted_by_health(sample_run):
    rows = read_csv(sample_run["first"].stdout)
    assert [c for c in rows.columns if c in REQUIRED] == REQUIRED
    assert rows["status"].iloc[0] == "error"  # errors first, then the least healthy
    scores = pd.to_numeric(rows.loc[rows["status"] == "ok", "health_score"])
    assert scores.is_monotonic_increasing
    assert pd.to_numeric(rows["messages"].replace("", None)).dropna().astype(float).apply(float.is_integer).all()


def test_a_second_run_reuses_the_cache(sample_run):
    first, second = sample_run["first"], sample_run["second"]
    inputs = len(read_csv(first.stdout)["source"].unique()) + 1  # + the skipped generic CSV
    assert f"{inputs} input(s) from cache" in second.stderr
    assert "from cache" not in first.stderr
    assert second.stdout == first.stdout and second.exit_code == ExitCode.ERROR


def test_the_cross_group_section_lists_shared_spammers_ads_and_members(sample_run):
    result = sample_run["cross"]
    cross = read_csv(result.stdout)
    assert list(cross.columns) == ["kind", "key", "groups", "n_groups", "members", "messages",
                                   "spam_messages", "first_seen", "last_seen", "example"]
    spammers = cross[cross["kind"] == "spammer"]
    # The same WeChat ad bot posts in the four exports of 周末徒步群 (chatlab, echotrace, weflow).
    assert "wechat:wxid_demo_adbot" in set(spammers["key"])
    assert {"member", "spammer"} <= set(cross["kind"])
    assert not cross["key"].str.startswith(("whatsapp:", "line:")).any()  # names are not ids


def test_jobs_1_in_process_gives_the_rows_of_the_pool(sample_run):
    paths = [str(SAMPLE_LOGS / "qq_txt" / "all_messages.txt"), str(SAMPLE_LOGS / "slack")]
    one = batch(*paths, "-j", "1", "-f", "csv", "--sort", "input")
    assert one.exit_code == 0, one.stderr
    rows = read_csv(one.stdout)
    assert list(rows["group"]) == ["跑步群", "摄影群", "general", "random"]  # input order, groups in file order
    pooled = read_csv(sample_run["first"].stdout).set_index(["source", "group"])
    pd.testing.assert_frame_equal(rows.set_index(["source", "group"]), pooled.loc[list(zip(rows["source"], rows["group"], strict=True))])


def test_details_writes_reports_and_member_csvs(tmp_path):
    pytest.importorskip("cli.render")
    details = tmp_path / "details"
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE_LOGS / "qq_txt" / "all_messages.txt", src / "all.txt")
    result = batch(str(src), "--details", str(details), "-j", "1", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.stderr
    summary = read_csv((details / "summary.csv").read_text(encoding="utf-8"))
    assert list(summary["group"]) == ["摄影群", "跑步群"]  # healthier last
    for name in summary["details"]:
        report = json.loads((details / f"{name}.report.json").read_text(encoding="utf-8"))
        assert report  # the renderer's JSON
        assert (details / f"{name}.report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        members = read_csv((details / f"{name}.members.csv").read_text(encoding="utf-8"))
        assert {"sender_id", "tier"} <= set(members.columns) and len(members) == 2
    assert (details / "cross_group.csv").is_file()
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel


def test_details_index_links_every_group_in_summary_order(tmp_path):
    """index.html: a row per group in the summary's order, escaped names, links that resolve."""
    pytest.importorskip("cli.render")
    src, details = tmp_path / "in", tmp_path / "details"
    src.mkdir()
    shutil.copy(SAMPLE_LOGS / "qq_txt" / "all_messages.txt", src / "all.txt")
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)> \'q\''
    write_qq(src / "evil.txt", hostile, [("2024-03-04 10:00:00", "老林", "10001", "早上好"),
                                         ("2024-03-04 10:05:00", "小周", "10002", "大家好")])
    (src / "broken.json").write_text((SAMPLE_LOGS / "telegram" / "group.json").read_text(encoding="utf-8")[:3000],
                                     encoding="utf-8")
    result = batch(str(src), "--details", str(details), "-j", "1", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == ExitCode.ERROR, result.stderr  # the broken file is an error row
    summary = read_csv((details / "summary.csv").read_text(encoding="utf-8"))
    page = (details / "index.html").read_text(encoding="utf-8")

    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<script" not in page.lower() and "<img" not in page.lower()  # no script, nothing fetched
    assert html.escape(hostile, quote=True) in page
    report_csp = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>',
                           (details / f"{summary['details'].iloc[-1]}.report.html").read_text(encoding="utf-8"))
    assert report_csp and report_csp.group(0) in page  # the report's own policy

    # One row per group, in the summary's order (errors first, then by health).
    shown = [html.unescape(g) for g in re.findall(r'<td class="group">(?:<b>(.*?)</b>)?', page)]
    assert shown == list(summary["group"]) and summary["status"].iloc[0] == "error"
    hrefs = [unquote(html.unescape(h)) for h in re.findall(r'href="([^"]*)"', page)]
    assert all((details / h).is_file() for h in hrefs), hrefs
    ok = summary.loc[summary["status"] == "ok", "details"]
    assert [h for h in hrefs if h.endswith(".report.html")] == [f"{n}.report.html" for n in ok]
    assert [h for h in hrefs if h.endswith(".members.csv")] == [f"{n}.members.csv" for n in ok]
    assert {"summary.csv", "cross_group.csv"} <= set(hrefs)

    # In the table language: the band and stage words of the catalogue.
    zh = batch(str(src / "all.txt"), "--details", str(tmp_path / "zh"), "-j", "1", "-f", "csv", "--lang", "zh")
    assert zh.exit_code == 0, zh.stderr
    page = (tmp_path / "zh" / "index.html").read_text(encoding="utf-8")
    rows = read_csv(zh.stdout)
    assert '<html lang="zh-CN">' in page and say("batch.index_health", "zh") in page
    assert say(f"band.{rows['health_band'].iloc[0]}", "zh") in page
    assert say(f"stage.{rows['lifecycle_stage'].iloc[0]}", "zh") in page


def test_usage_errors_exit_2(tmp_path):
    assert batch(str(tmp_path), "--section", "nope").exit_code == ExitCode.USAGE
    assert batch(str(tmp_path), "--engine", "spark").exit_code == ExitCode.USAGE
    assert batch(str(tmp_path), "--scheduler", "tcp://127.0.0.1:1").exit_code == ExitCode.USAGE
    assert batch("-").exit_code == ExitCode.USAGE


def test_an_empty_folder_is_zero_rows_and_exit_0(tmp_path):
    result = batch(str(tmp_path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert "no export found" in result.stderr
