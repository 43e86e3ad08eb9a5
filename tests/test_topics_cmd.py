"""`community-audit topics`: outputs, options, and plausible figures on the study-group sample."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.exit_codes import ExitCode
from cli.main import app
from tests.conftest import SAMPLE_LOGS

runner = CliRunner()
STUDY = str(SAMPLE_LOGS / "qq_txt" / "study_group.txt")
# A reading club's vocabulary: the activity words and the books it reads.
READING = "读书,书,阅读,读后感,作者,三体,红楼梦,百年孤独,围城,活着,人类简史"


def topics(*args: str):
    return runner.invoke(app, ["topics", *args, *(() if "--lang" in args else ("--lang", "en"))])


def as_json(*args: str) -> dict:
    result = topics(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # stdout holds the data and nothing else


def test_json_has_the_documented_keys_and_stdout_is_only_data():
    data = as_json(STUDY, "--theme", "读书,书,阅读")
    for key in ("on_topic_ratio", "chitchat_ratio", "concentration", "keywords", "theme", "drift", "counts"):
        assert key in data
    assert set(data["concentration"]) == {"entropy", "hhi", "hhi_raw", "keywords", "top20_coverage"}
    assert data["theme"]["terms"] == ["读书", "书", "阅读"] and data["theme"]["source"] == "option"
    assert len(data["keywords"]) == 20
    assert {"rank", "term", "count", "messages", "share", "tfidf", "on_theme"} <= set(data["keywords"][0])


def test_study_group_figures_are_plausible():
    """星火读书会 (sample_logs/qq_txt/study_group.txt) is a reading club that stays on its
    subject; about a quarter of its text/sticker messages are 收到/哈哈/👍/早上好/stickers."""
    data = as_json(STUDY, "--theme", READING)
    counts = data["counts"]
    assert 0.70 <= data["on_topic_ratio"] <= 0.95
    assert counts["on_topic"] <= counts["substantive"] < counts["conversational"] <= counts["messages"]
    assert 0.15 <= data["chitchat_ratio"] <= 0.35
    terms = [k["term"] for k in data["keywords"]]
    assert {"三体", "百年孤独", "红楼梦", "读后感"} <= set(terms)
    assert not {"哈哈", "收到", "https", "example"} & set(terms)
    weeks = data["drift"]["weeks"]
    assert len(weeks) == 7 and all(w["compared"] for w in weeks)
    assert 0.3 <= data["drift"]["mean_jaccard"] <= 1.0  # a club keeps its vocabulary week to week
    # A theme the club never talks about scores (almost) nothing, and says so.
    off = as_json(STUDY, "--theme", "跑步,配速,马拉松")
    assert off["on_topic_ratio"] < 0.05
    assert any(n["code"] == "topics.theme_absent" and "no substantive message contains a theme keyword" in n["text"]
               for n in off["notes"])


def test_without_theme_one_is_proposed_and_the_table_says_so():
    result = topics(STUDY)
    assert result.exit_code == 0, result.stderr
    assert "[proposed]" in result.stdout and "proposed from the top keywords" in result.stdout
    assert "On-topic ratio" in result.stdout and "Chit-chat ratio" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not a terminal
    assert "Building prefix dict" not in result.stderr


def test_theme_from_config_file(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[group]\ntheme = ["读书", "阅读"]\n[topics]\ntop_n = 5\n', encoding="utf-8")
    data = as_json(STUDY, "--config", str(config))
    assert data["theme"]["source"] == "config" and data["theme"]["terms"] == ["读书", "阅读"]
    assert len(data["keywords"]) == 5


def test_csv_lists_window_and_weekly_keywords_with_bom_in_files(tmp_path):
    result = topics(STUDY, "-f", "csv")
    assert result.exit_code == 0
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.columns) == ["scope", "rank", "term", "count", "tfidf"]
    assert (frame["scope"] == "window").sum() == 20
    assert "2024-03-04" in set(frame["scope"])
    out = tmp_path / "kw.csv"
    assert topics(STUDY, "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfscope,")
    assert topics(STUDY, "-o", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes().startswith(b"scope,")


def test_window_options_limit_the_weeks():
    data = as_json(STUDY, "--since", "2024-03-11", "--until", "2024-03-25")
    assert [w["week"][:10] for w in data["drift"]["weeks"]] == ["2024-03-11", "2024-03-18"]


def test_cache_folder_is_the_only_place_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache"
    first = as_json(STUDY, "--cache", str(cache))
    assert first["tokenizer"]["cache_file"].startswith(str(cache))
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]
    from analysis.topics import clear_memo

    clear_memo()
    second = as_json(STUDY, "--cache", str(cache))
    assert second["tokenizer"]["segmented"] == 0
    assert second["tokenizer"]["from_disk"] == first["tokenizer"]["distinct_texts"]
    assert second["keywords"] == first["keywords"]


@pytest.mark.parametrize(("args", "message"), [
    (("--cache", "{file}"), "is not a folder"),
    (("-f", "md"), "'md' is not one of"),
    (("-o", "{file}.md"), "this command writes table, json, csv"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    afile = tmp_path / "file"
    afile.write_text("x")
    result = topics(STUDY, *[a.format(file=afile) for a in args])
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr and "Traceback" not in result.stderr
