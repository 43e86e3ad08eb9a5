"""`community-audit spam`: exit codes, clean CSV/JSON on stdout, --by, --explain, --train/--model."""

from __future__ import annotations

import io
import json

import pandas as pd
from typer.testing import CliRunner

from cli.exit_codes import ExitCode
from cli.main import app
from tests.conftest import SAMPLE_LOGS

runner = CliRunner()
STUDY = str(SAMPLE_LOGS / "qq_txt" / "study_group.txt")
QQ_TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"


def spam(*args: str):
    return runner.invoke(app, ["spam", *args, *(() if "--lang" in args else ("--lang", "en"))])


def write_qq(path, rows):
    """A small QQ TXT export (CRLF, as QQ writes it)."""
    parts = [QQ_TITLE, "=" * 64, "消息分组:我的QQ群", "=" * 64, "消息对象:测试群", "=" * 64, ""]
    for ts, name, uin, text in rows:
        parts += [f"{ts} {name}({uin})", text, ""]
    path.write_text("\r\n".join(parts) + "\r\n", encoding="utf-8")
    return str(path)


def test_csv_lists_the_spam_messages_with_reasons():
    result = spam(STUDY, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str)
    assert list(frame.columns)[:8] == ["msg_id", "line", "timestamp", "sender_id", "sender", "score", "verdict", "reasons"]
    assert "text" in frame.columns
    assert len(frame) >= 3 and set(frame["verdict"]) == {"spam"}
    assert set(frame["sender_id"]) == {"10099"}
    assert frame["reasons"].str.contains("contact").all()
    assert "records" in result.stderr  # coverage goes to stderr, not into the data


def test_by_member_json():
    result = spam(STUDY, "--by", "member", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    top = rows[0]
    for key in ("sender_id", "sender", "messages", "spam_messages", "spam_score", "is_spammer", "reasons"):
        assert key in top
    assert top["sender_id"] == "10099" and top["is_spammer"] is True and top["spam_messages"] >= 3
    assert sum(r["is_spammer"] for r in rows) == 1


def test_explain_prints_every_check(tmp_path):
    first = pd.read_csv(io.StringIO(spam(STUDY, "-f", "csv").stdout), dtype=str).iloc[0]
    result = spam(STUDY, "--explain", first["msg_id"], "-f", "csv")
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str)
    assert {"contact.qq", "contact_obfuscated", "lexicon.job", "repeat_self", "flood", "hit_and_run",
            "name_ad", "model_nb", "established"} <= set(table["check"])
    assert (table["hit"] == "True").sum() >= 3
    text = spam(STUDY, "--explain", first["msg_id"]).stdout
    assert first["msg_id"] in text and "score" in text
    bad = spam(STUDY, "--explain", "NOPE")
    assert bad.exit_code == ExitCode.USAGE and "NOPE" in bad.stderr


def test_owner_promotions_are_listed_apart(tmp_path):
    log = write_qq(tmp_path / "g.txt", [
        ("2024-01-01 9:00:00", "群主", "1001", "周六活动报名 https://run.example.org/a 务必进群 群号 12345678 电话 13800001111"),
        ("2024-01-01 9:05:00", "小明", "1002", "好的收到"),
    ])
    cfg = tmp_path / "c.toml"
    cfg.write_text('[group]\nowners = ["1001"]\n', encoding="utf-8")
    assert len(pd.read_csv(io.StringIO(spam(log, "--config", str(cfg), "-f", "csv").stdout))) == 0
    promo = spam(log, "--config", str(cfg), "--by", "promotion", "-f", "csv")
    assert promo.exit_code == 0, promo.stderr
    frame = pd.read_csv(io.StringIO(promo.stdout), dtype=str)
    assert list(frame["sender_id"]) == ["1001"] and list(frame["role"]) == ["owner"]


def test_train_then_use_the_model(tmp_path):
    rows = [(f"2024-01-{1 + i // 50:02d} {9 + (i % 50) // 10}:{(i % 10) * 5:02d}:00", f"m{i % 9}", str(1000 + i % 9),
             f"今天第{i}次跑步训练配速不错，膝盖也还好") for i in range(250)]
    labels = tmp_path / "labels.csv"
    ham = [f"今天第{i}次跑步训练配速不错" for i in range(220)]
    spam_texts = [f"兼职刷单日结第{i}单，在家轻松赚钱" for i in range(30)]
    pd.DataFrame({"text": ham + spam_texts, "label": [0] * 220 + [1] * 30}).to_csv(labels, index=False)
    log = write_qq(tmp_path / "g.txt", rows)
    model = tmp_path / "m.json"
    result = spam(log, "--train", str(model), "--labels", str(labels))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "trained on 30 spam and 220 ham" in result.stderr
    used = spam(log, "--model", str(model), "-f", "json")
    assert used.exit_code == 0, used.stderr
    assert json.loads(used.stdout) == []  # the model alone never flags the runners' chat
    # rule labels from a log without enough spam: refused with a clear message
    refused = spam(log, "--train", str(tmp_path / "x.json"))
    assert refused.exit_code == ExitCode.ERROR and "too few examples" in refused.stderr


def test_usage_errors():
    assert spam(STUDY, "--by", "nonsense").exit_code == ExitCode.USAGE
    assert spam(STUDY, "--labels", "x.csv").exit_code == ExitCode.USAGE
    assert spam(STUDY, "-f", "parquet").exit_code == ExitCode.USAGE
    missing = spam("no/such/file.txt")
    assert missing.exit_code == ExitCode.ERROR and "Traceback" not in missing.stderr
