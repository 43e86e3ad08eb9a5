"""Report renderers: golden json/md, the table at 100 columns, HTML and CSV escaping, the
HTML page in headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

from analysis.parsers import read_log
from analysis.report import audit
from cli.main import app
from cli.render import SECTIONS, render, report_dict
from cli.render.view import sparkline, wrap
from tests.conftest import ROOT, SAMPLE_LOGS

runner = CliRunner()
CHROMIUM = Path("/usr/bin/chromium")

HOSTILE_QQ = """消息记录（此消息记录为文本格式，不支持重新导入）
================================================================
消息分组:测试
================================================================
消息对象:转义测试群
================================================================

2024-06-01 20:00:00 林一(80010001)
大家好 <b>粗体</b> & "引号" 'single'

2024-06-01 20:01:00 =HYPERLINK("x")(80010002)
<script>alert(1)</script> 兼职日赚500，加微信 wxid_demo_evil 免费领取 http://evil.example/x.js

2024-06-01 20:02:00 =HYPERLINK("x")(80010002)
<script>alert(1)</script> 兼职日赚500，加微信 wxid_demo_evil 免费领取 http://evil.example/x.js

2024-06-01 20:03:00 =HYPERLINK("x")(80010002)
<img src=x onerror=alert(2)> | 管道 兼职日赚500，加微信 wxid_demo_evil 免费领取 http://evil.example/x.js

2024-06-01 20:04:00 林一(80010001)
=1+1 这是公式吗

2024-06-01 20:05:00 王二(80010003)
@林一 不是 | 管道 *星号* _下划线_
"""


@pytest.fixture(scope="module")
def study():
    return audit(read_log(SAMPLE_LOGS / "qq_txt" / "study_group.txt"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.txt"
    path.write_text(HOSTILE_QQ, encoding="utf-8")
    return audit(read_log(path))


# -- golden files ------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "extra", "name"), [
    ("json", [], "study_group.json"),
    ("md", [], "study_group.md"),
    ("json", ["--anonymize-key", "golden-test-key"], "study_group.anonymized.json"),
    ("md", ["--anonymize-key", "golden-test-key", "--lang", "en"], "study_group.anonymized.en.md"),
    ("table", [], "study_group.txt"),
    ("table", ["--lang", "en"], "study_group.en.txt"),
    ("html", [], "study_group.html"),
    ("html", ["--lang", "en", "--anonymize-key", "golden-test-key"], "study_group.anonymized.en.html"),
    *[("csv", ["--section", section], f"study_group.{section}.csv") for section in SECTIONS],
])
def test_golden(monkeypatch, golden, fmt, extra, name):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["report", "sample_logs/qq_txt/study_group.txt", "-f", fmt, *extra])
    assert result.exit_code == 0, result.stderr
    golden.check_text(result.stdout, f"report/{name}")


def test_json_is_readable_and_null_for_undefined(study):
    text = render(study, "json")
    assert "星火读书会" in text and "\\u" not in text  # non-ASCII kept readable
    assert "NaN" not in text and "Infinity" not in text
    data = json.loads(text)
    assert data["schema_version"] == 2
    assert data["window"]["start"] == "2024-03-04T08:00:55"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", data["spam"]["flagged"][0]["timestamp"])
    assert len(data["activity"]["heat"]["messages"]) == 7 and len(data["activity"]["heat"]["messages"][0]) == 24
    assert sum(map(sum, data["activity"]["heat"]["messages"])) == data["activity"]["messages"]
    assert data == json.loads(json.dumps(report_dict(study), ensure_ascii=False, default=str))


# -- the table -----------------------------------------------------------------------------------


def test_table_fits_100_columns_with_every_section(study):
    console = Console(width=100, record=True, color_system=None)
    console.print(Text.from_ansi(render(study, "table", width=100, color=True)), soft_wrap=True)
    shown = console.export_text()
    from rich.cells import cell_len

    assert max(cell_len(line) for line in shown.splitlines()) <= 100
    for needle in ("社群体检报告: 星火读书会", "92.9/100", "健康分构成", "参与度", "关键指标", "每周消息",
                   "活跃时段", "活跃成员", "陈一苇", "潜水（从未发言）: 4", "沉默（曾活跃）: 2", "一只猫",
                   "广告消息: 3", "兼职招聘小助理 (3)", "关键词", "三体", "运营建议", "移除 1 个广告号"):
        assert needle in shown, needle
    assert any(ch in shown for ch in "▁▂▃▄▅▆▇█")  # the sparkline
    assert "░" in shown or "▓" in shown  # the heat block
    plain = render(study, "table")
    assert "\x1b[" not in plain and "\x1b[" in render(study, "table", color=True)
    assert max(cell_len(line) for line in render(study, "table", width=80).splitlines()) <= 80


def test_sparkline_and_cjk_wrapping():
    assert sparkline([0, 5, 10]) == "▁▅█"
    assert sparkline([0, 0]) == "▁▁" and sparkline([]) == ""
    lines = wrap("支持核心成员（陈一苇、阿拉蕾）：给予身份或小奖励，他们撑起了群的活跃。", 20, "  ").split("\n")
    from rich.cells import cell_len

    assert len(lines) > 1 and all(cell_len(line) <= 20 for line in lines)
    assert "".join(x.strip() for x in lines) == "支持核心成员（陈一苇、阿拉蕾）：给予身份或小奖励，他们撑起了群的活跃。"


# -- escaping ------------------------------------------------------------------------------------


def test_html_escapes_every_message_text_and_name(hostile):
    page = render(hostile, "html")
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>粗体" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt; | 管道" in page
    assert "=HYPERLINK(&quot;x&quot;)" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # No resource reference to the network: the URL in the text is escaped text, not an href/src.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(""", page)
    assert "http://evil.example/x.js" in page  # shown as text


def test_csv_neutralises_formulas_in_names_and_texts(hostile):
    members = list(csv.DictReader(io.StringIO(render(hostile, "csv", section="members"))))
    names = {row["sender"] for row in members}
    assert "'=HYPERLINK(\"x\")" in names and "=HYPERLINK(\"x\")" not in names
    spam = list(csv.DictReader(io.StringIO(render(hostile, "csv", section="spam"))))
    assert spam and all(row["sender"] == "'=HYPERLINK(\"x\")" for row in spam if row["verdict"] == "spam")
    assert any(row["text"].startswith("<script>alert(1)</script>") for row in spam)
    for section in SECTIONS:
        for row in csv.reader(io.StringIO(render(hostile, "csv", section=section))):
            assert not any(cell[:1] in ("=", "+", "@", "\t") for cell in row), (section, row)


def test_markdown_escapes_tables_and_html(hostile):
    md = render(hostile, "md")
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "=HYPERLINK(\"x\")" in md
    columns = 0
    rows = 0
    for line in md.splitlines():
        cells = len(re.findall(r"(?<!\\)\|", line))
        if line.startswith("|---") or line.startswith("|--"):
            continue
        if line.startswith("| "):
            columns = columns or cells
            assert cells == columns, line  # a pipe inside a cell would add a column
            rows += "HYPERLINK" in line
        else:
            columns = 0
    assert rows >= 2  # the spam table and the top members
    assert "\\| 管道" in md  # the pipe inside the message text, escaped


# -- the page in a browser -------------------------------------------------------------------------


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_html_opens_in_headless_chromium_without_errors_or_requests(tmp_path, hostile, study):
    for name, report in (("hostile", hostile), ("study", study)):
        page = tmp_path / f"{name}.html"
        page.write_text(render(report, "html"), encoding="utf-8")
        profile = tmp_path / f"profile-{name}"
        proc = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        dom = proc.stdout
        assert "</main>" in dom and "<svg" in dom
        assert "<script" not in dom.lower()
        console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Refused" in line
                   or "Uncaught" in line]
        assert not console, console
        fetched = re.findall(r"https?://[^\s\"'<>]+", proc.stderr)
        assert not fetched, fetched
        if name == "hostile":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
        shutil.rmtree(profile, ignore_errors=True)


def _screenshot(tmp_path, page, name: str, size: str = "1000,2400") -> bytes:
    profile = tmp_path / f"profile-{name}"
    png = tmp_path / f"{name}.png"
    proc = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={profile}", f"--window-size={size}", "--hide-scrollbars",
         f"--screenshot={png}", page.as_uri()],
        capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0 and png.exists(), proc.stderr[-2000:]
    shutil.rmtree(profile, ignore_errors=True)
    return png.read_bytes()


def _has_font(family: str) -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    return family in subprocess.run([fc, ":", "family"], capture_output=True, text=True).stdout


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_html_report_shows_chinese_and_emoji_in_chromium(tmp_path, study):
    """With a CJK and an emoji font installed (fonts-noto-cjk, fonts-noto-color-emoji), the page's
    font stack picks them: the report's Chinese and emoji render as glyphs, not as the empty boxes
    of a character no font has. Compared by screenshot against characters no font covers."""
    if not (_has_font("Noto Sans CJK SC") and _has_font("Noto Color Emoji")):
        pytest.skip("no CJK or emoji font installed (apt-get install fonts-noto-cjk fonts-noto-color-emoji)")
    from cli.render.to_html import CSS

    def sample(name: str, text: str) -> bytes:
        page = tmp_path / f"{name}.html"
        page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{CSS}</style></head>"
                        f"<body><main><h1>{text}</h1></main></body></html>", encoding="utf-8")
        return _screenshot(tmp_path, page, name, "400,120")

    boxes = sample("boxes", "\U000f0000\U000f0001\U000f0002")
    assert sample("chinese", "社群体检") != boxes
    assert sample("emoji", "🌙📚🎉") != boxes
    page = tmp_path / "study.html"
    page.write_text(render(study, "html"), encoding="utf-8")
    assert len(_screenshot(tmp_path, page, "study")) > 50_000  # a full page, kept for a look by eye


def test_weekly_chart_scales_to_the_page_with_labelled_axes(study):
    page = render(study, "html")
    chart = re.search(r'<svg class="chart" viewBox="0 0 900 (\d+)"[^>]*>(.*?)</svg>', page, re.S)
    assert chart, "the weekly chart is an SVG scaled by its viewBox (width 100%)"
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", chart.group(2))
    assert "0" in labels and "500" in labels  # y axis: 0 .. a round top (1, 2 or 5 x 10^n) above the 362 maximum
    assert any(re.fullmatch(r"\d\d-\d\d", x) for x in labels)  # x axis: week starts
    assert "svg.chart{width:100%" in page


def test_member_spam_reasons_read_in_chinese_in_a_zh_report(study):
    assert study.lang == "zh"
    for fmt in ("table", "md", "html"):
        text = render(study, fmt)
        assert "条广告：" in text, fmt  # "3 条广告：contact.wechat ..." (check ids kept)
        assert "spam message" not in text and "never judged" not in text, fmt
