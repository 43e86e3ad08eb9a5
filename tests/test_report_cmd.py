"""`community-audit report`: every sample log in every output format, options, exit codes,
--anonymize leaving no name, id, phone or QQ number of the input in any output."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli.report_cmd as report_cmd
from analysis.parsers import ParseOptions, read_chats
from cli.exit_codes import ExitCode
from cli.main import app
from cli.render import SECTIONS, render
from tests.conftest import ROOT, SAMPLE_LOGS

runner = CliRunner()
STUDY = str(SAMPLE_LOGS / "qq_txt" / "study_group.txt")

# Files in sample_logs/ that are parts of a folder export, not logs of their own.
AUXILIARY = {
    "slack/workspace/channels.json", "slack/workspace/users.json", "slack/workspace/integration_logs.json",
    "wechat/pywxdump/users.json",
}
FOLDERS = ("slack/workspace", "qq_qce/chunked")
EXTRA = {
    "generic/club_chat.csv": ["--columns", "timestamp=Time,sender=User,sender_id=UserId,text=Message"],
    "wechat/chatlog_oneday.txt": ["--date", "2025-01-01"],
}


GROUPS = {
    "slack/workspace": ["general", "random"],
    "qq_txt/all_messages.txt": ["跑步群", "摄影群"],
    "telegram/full_export.json": ["Python 学习群", "Airdrop Hunters 空投猎人"],
}
"""Samples holding several conversations: one run per --group."""


def _sample_runs() -> list[tuple[str, list[str]]]:
    """(path relative to sample_logs, extra CLI args): every log, one run per conversation."""
    names = sorted(p.relative_to(SAMPLE_LOGS).as_posix() for p in SAMPLE_LOGS.rglob("*")
                   if p.is_file() and p.suffix not in (".py", ".md") and not p.name.startswith("."))
    runs = []
    for name in [*FOLDERS, *(n for n in names if n not in AUXILIARY)]:
        extra = EXTRA.get(name, [])
        groups = GROUPS.get(name)
        runs.extend([(name, [*extra, "--group", g]) for g in groups] if groups else [(name, extra)])
    return runs


RUNS = _sample_runs()
EVERY_FORMAT = {"discord/channel.json", "generic/club_chat.csv", "line/line_ja.txt", "qq_qce/chunked",
                "qq_txt/edge_cases.txt", "qq_txt/study_group.txt", "slack/workspace", "telegram/full_export.json",
                "wechat/chatlog_oneday.txt", "wechat/weflow.json", "whatsapp/android_de.txt"}
"""One sample per platform (and the odd ones) goes through every format; the rest through json
(keeps the matrix fast: the audit is the slow part)."""
_AUDITS: dict = {}


@pytest.fixture
def cached_audit(monkeypatch):
    """One audit per (log, group, window): the matrix re-renders it in every format."""
    real = report_cmd.audit

    def audit(chat, config=None, **kwargs):
        key = (chat.source, chat.group, chat.format, len(chat.messages), repr(sorted(kwargs.items())))
        if key not in _AUDITS:
            _AUDITS[key] = real(chat, config, **kwargs)
        return _AUDITS[key]

    monkeypatch.setattr(report_cmd, "audit", audit)


@pytest.fixture(autouse=True)
def _built_once(monkeypatch):
    """Typer rebuilds the click command on every CliRunner.invoke (~70 ms); build it once."""
    import typer.testing

    real = getattr(typer.testing, "_get_command", None)
    if real is not None:
        built = real(app)
        monkeypatch.setattr(typer.testing, "_get_command", lambda a: built if a is app else real(a))


@pytest.fixture
def captured(monkeypatch):
    """The reports the command rendered (after --anonymize), to render again in other formats."""
    seen: list = []
    real = report_cmd.render

    def render(report, fmt, **kwargs):
        seen.append(report)
        return real(report, fmt, **kwargs)

    monkeypatch.setattr(report_cmd, "render", render)
    return seen


def invoke(*args: str):
    return runner.invoke(app, ["report", *args])


def test_sample_list_covers_every_platform():
    platforms = {name.split("/")[0] for name, _ in RUNS}
    assert platforms == {"discord", "generic", "line", "qq_qce", "qq_txt", "slack", "telegram", "wechat", "whatsapp"}
    assert len(RUNS) >= 45


@pytest.mark.parametrize(("name", "extra"), RUNS, ids=[f"{n}{'+' + e[-1] if e else ''}" for n, e in RUNS])
def test_every_sample_renders_in_every_format(cached_audit, captured, name, extra):
    """The command on every sample (json); on one sample per platform (and the odd ones) the
    same report in table, md, html and every csv section too."""
    from rich.cells import cell_len

    path = str(SAMPLE_LOGS / name)
    result = invoke(path, *extra, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "health" in result.stderr or "健康分" in result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "community-audit/report" and 0 <= data["health"]["score"] <= 100
    assert data["summary"]["health_score"] == data["health"]["score"]
    assert {c["name"] for c in data["health"]["components"]} == {
        "participation", "trend", "concentration", "spam", "on_topic", "newcomers", "responsiveness"}
    report = captured[-1]
    if name not in EVERY_FORMAT:
        return
    table = render(report, "table")
    assert "\x1b[" not in table  # plain unless asked for colour
    assert max(cell_len(line) for line in table.splitlines()) <= 100
    assert f"{data['health']['score']:g}/100" in table
    for section in SECTIONS:
        frame = pd.read_csv(io.StringIO(render(report, "csv", section=section)))
        if section == "summary":
            assert len(frame) == 1 and frame["health_score"].iloc[0] == data["health"]["score"]

    assert render(report, "md").startswith("# ")
    page = render(report, "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", page)


def test_every_format_through_the_command(cached_audit):
    """table, md, html and csv come out of the command itself (the matrix above renders them
    from the captured report)."""
    table = invoke(STUDY)
    assert table.exit_code == 0 and "\x1b[" not in table.stdout and "星火读书会" in table.stdout
    assert invoke(STUDY, "-f", "md").stdout.startswith("# 社群体检报告")
    assert invoke(STUDY, "-f", "html").stdout.startswith("<!DOCTYPE html>")
    members = pd.read_csv(io.StringIO(invoke(STUDY, "-f", "csv", "--section", "members").stdout))
    assert len(members) == 24 and "tier" in members.columns
    spam = pd.read_csv(io.StringIO(invoke(STUDY, "-f", "csv", "--section", "spam").stdout))
    assert (spam["verdict"] == "spam").sum() == 3


def test_multi_conversation_samples_are_listed():
    # A new multi-conversation sample must be added to GROUPS (else the matrix would fail
    # with a --group usage error rather than test it).
    for name, groups in GROUPS.items():
        result = invoke(str(SAMPLE_LOGS / name), "-f", "json")
        assert result.exit_code == ExitCode.USAGE and all(g in result.stderr for g in groups)


def test_output_file_format_from_extension_and_csv_bom(tmp_path, cached_audit):
    target = tmp_path / "r.html"
    assert invoke(STUDY, "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    csv_file = tmp_path / "m.csv"
    assert invoke(STUDY, "-o", str(csv_file), "--section", "members").exit_code == 0
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "sender_id" in csv_file.read_text(encoding="utf-8-sig").splitlines()[0]
    assert invoke(STUDY, "-o", str(csv_file), "--section", "members", "--no-bom").exit_code == 0
    assert not csv_file.read_bytes().startswith(b"\xef\xbb\xbf")
    md = tmp_path / "r.md"
    assert invoke(STUDY, "-o", str(md)).exit_code == 0 and md.read_text(encoding="utf-8").startswith("# ")


def test_fail_under_exits_3_only_below_the_score(tmp_path, cached_audit):
    score = json.loads(invoke(STUDY, "-f", "json").stdout)["health"]["score"]
    below = invoke(STUDY, "-f", "json", "--fail-under", str(score + 1))
    assert below.exit_code == ExitCode.THRESHOLD
    assert f"below --fail-under {score + 1:g}" in below.stderr
    assert json.loads(below.stdout)["health"]["score"] == score  # the report is still written
    assert invoke(STUDY, "-f", "json", "--fail-under", str(score)).exit_code == 0
    config = tmp_path / "c.toml"
    config.write_text("[health]\nfail_under = 99.5\n", encoding="utf-8")
    assert invoke(STUDY, "-f", "json", "--config", str(config)).exit_code == ExitCode.THRESHOLD
    assert invoke(STUDY, "-f", "json", "--config", str(config), "--fail-under", "10").exit_code == 0


def test_lang_and_bad_options(cached_audit):
    en = invoke(STUDY, "--lang", "en")
    assert en.exit_code == 0 and "Recommendations" in en.stdout and "Remove 1 spammer(s)" in en.stdout
    zh = invoke(STUDY)
    assert "运营建议" in zh.stdout and "移除 1 个广告号" in zh.stdout
    assert invoke(STUDY, "--lang", "fr").exit_code == ExitCode.USAGE
    assert invoke(STUDY, "-f", "csv", "--section", "nope").exit_code == ExitCode.USAGE
    assert invoke(STUDY, "-f", "pdf").exit_code == ExitCode.USAGE


def test_theme_option_changes_the_on_topic_measure(cached_audit):
    data = json.loads(invoke(STUDY, "-f", "json", "--theme", "三体,百年孤独").stdout)
    assert data["topics"]["theme"]["source"] == "option"
    assert data["topics"]["theme"]["terms"][:2] == ["三体", "百年孤独"]


def test_window_options_are_applied(cached_audit):
    data = json.loads(invoke(STUDY, "-f", "json", "--last", "14d").stdout)
    assert data["window"]["end"] == "2024-04-21T23:43:29"
    assert data["window"]["days"] <= 15
    assert data["activity"]["messages"] < 2121


# -- --anonymize ---------------------------------------------------------------------------------

SYNTHETIC_QQ = """消息记录（此消息记录为文本格式，不支持重新导入）
================================================================
消息分组:测试群
================================================================
消息对象:隐私测试群
================================================================

2024-05-01 20:00:00 张晓明(70010001)
大家好，我的电话是 139-0000-5678，QQ 3344556677 欢迎加我

2024-05-01 20:01:00 李华华(70010002)
@张晓明 收到，我的邮箱 lihua@example.com，手机13900001111

2024-05-01 20:02:00 Rosa Park(70010003)
my wxid is wxid_demo_rosa9, call +86 138 0000 2222

2024-05-01 20:03:00 卖货小王(70010004)
加微信 wxid_demo_sell 免费领取，QQ群 123456789，兼职日赚500

2024-05-01 20:04:00 卖货小王(70010004)
加微信 wxid_demo_sell 免费领取，QQ群 123456789，兼职日赚500

2024-05-02 09:00:00 张晓明(70010001)
李华华 你好，Rosa Park 早上好
"""


def _outputs(path: str, captured: list, *extra: str) -> dict[str, str]:
    """The command's json, and the same report it rendered in every other format and section."""
    result = invoke(path, "-f", "json", *extra)
    assert result.exit_code == 0, result.stderr
    report = captured[-1]
    outs = {"json": result.stdout, "table": render(report, "table"), "md": render(report, "md"),
            "html": render(report, "html")}
    for section in SECTIONS:
        outs[f"csv-{section}"] = render(report, "csv", section=section)
    decoded = {}
    for key, text in outs.items():
        decoded[key] = text
        decoded[key + "/unescaped"] = html.unescape(text).replace("\\", "")
    decoded["json/strings"] = json.dumps(json.loads(outs["json"]), ensure_ascii=False)
    return decoded


def _secrets(path: str) -> set[str]:
    """Every name and id of the input (2+ characters) and every contact number in its texts."""
    found: set[str] = set()
    for chat in read_chats(path, options=ParseOptions()):
        m = chat.messages
        people = m[m["kind"] != "system"]  # "system" is the exporter's pseudo-sender, not a person
        for col in ("sender", "sender_id", "actor_id"):
            found.update(str(v) for v in people[col].dropna().unique() if len(str(v)) >= 2)
        texts = " ".join(m["text"].dropna().astype(str))
        found.update(re.findall(r"\d{5,}", texts))
        found.update(re.findall(r"wxid_[A-Za-z0-9_]+", texts))
        found.update(re.findall(r"[\w.]+@[\w.]+\.\w+", texts))
        found.update(re.findall(r"\+?\d[\d -]{8,}\d", texts))
    return found


@pytest.mark.parametrize("sample", ["synthetic", "qq_txt/study_group.txt", "whatsapp/android_zh.txt",
                                    "wechat/chatlog.csv"])
def test_anonymize_leaves_no_name_id_phone_or_qq_number(tmp_path, cached_audit, captured, sample):
    if sample == "synthetic":
        path = tmp_path / "privacy.txt"
        path.write_text(SYNTHETIC_QQ, encoding="utf-8")
        path = str(path)
    else:
        path = str(SAMPLE_LOGS / sample)
    secrets = _secrets(path)
    assert secrets
    plain = _outputs(path, captured)
    # The secrets are really in the plain report (so the check below can fail).
    assert any(s in plain["json/strings"] for s in secrets if not s.isdigit())
    outs = _outputs(path, captured, "--anonymize")
    for key, text in outs.items():
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{key} leaks {leaked[:5]}"
    data = json.loads(outs["json"])
    assert data["anonymized"] is True
    assert all(row["sender_id"].startswith("m-") for row in data["members"]["list"])
    if sample == "synthetic":
        # Spam is still found: the audit ran on the real texts before masking.
        assert data["spam"]["spammers"] >= 1
        assert "[wxid]" in outs["csv-spam"] and "[phone]" in outs["json/strings"]


def test_anonymize_key_gives_stable_pseudonyms(cached_audit):
    a = json.loads(invoke(STUDY, "-f", "json", "--anonymize-key", "k1").stdout)
    b = json.loads(invoke(STUDY, "-f", "json", "--anonymize-key", "k1").stdout)
    c = json.loads(invoke(STUDY, "-f", "json", "--anonymize-key", "k2").stdout)
    d = json.loads(invoke(STUDY, "-f", "json", "--anonymize").stdout)
    ids = [[r["sender_id"] for r in x["members"]["list"]] for x in (a, b, c, d)]
    assert ids[0] == ids[1]
    assert ids[0] != ids[2] and ids[0] != ids[3]
    assert a["group"] == "星火读书会" and a["source"].endswith("study_group.txt")  # kept
    # One member: same pseudonym in the member list, the spam table and the recommendations.
    spammer = a["spam"]["spammer_list"][0]["sender"]
    assert spammer in " ".join(r["text"] for r in a["recommendations"])
    assert spammer in [r["sender"] for r in a["members"]["list"]]


def test_report_source_is_relative_when_given_relative(monkeypatch, cached_audit):
    monkeypatch.chdir(ROOT)
    data = json.loads(invoke("sample_logs/qq_txt/study_group.txt", "-f", "json").stdout)
    assert data["source"] == "sample_logs/qq_txt/study_group.txt"
    assert Path(data["source"]).exists()
