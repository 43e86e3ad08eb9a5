"""Output safety on every path: atomic writes, formula neutralising in every CSV, HTML escaping."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.output import write_output

EVIL_NAME = '=HYPERLINK("http://x.example","y")'
EVIL_TEXT = "<script>alert(1)</script>"


@pytest.fixture
def evil_log(tmp_path):
    rows = []
    for i in range(30):
        who = (EVIL_NAME, "20001") if i % 3 == 0 else ("+sum(A1)", "20002") if i % 3 == 1 else ("@cmd", "20003")
        body = EVIL_TEXT if i % 2 else f"-2+3 {i} 加薇信 vx{100000 + i} 兼职日赚"
        rows.append(f"2024-05-01 10:{i:02d}:00 {who[0]}({who[1]})\r\n{body}\r\n\r\n")
    path = tmp_path / "evil.txt"
    path.write_bytes(("消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n" + "".join(rows)).encode())
    return path


def _cells(text: str):
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        yield from row


@pytest.mark.parametrize("args", [
    ["parse"], ["members", "-f", "csv"], ["spam", "-f", "csv"], ["spam", "-f", "csv", "--by", "member"],
    ["topics", "-f", "csv"], ["report", "-f", "csv", "--section", "members"],
    ["report", "-f", "csv", "--section", "spam"], ["report", "-f", "csv", "--section", "summary"],
], ids=lambda a: "-".join(a))
def test_every_csv_output_is_formula_safe(evil_log, args):
    result = CliRunner().invoke(app, [args[0], str(evil_log), *args[1:]])
    assert result.exit_code == 0, result.stderr
    cells = list(_cells(result.stdout))
    assert cells
    dangerous = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c.startswith("-") and not _number(c))]
    assert dangerous == []


def test_batch_csv_is_formula_safe(evil_log):
    result = CliRunner().invoke(app, ["batch", str(evil_log), "--jobs", "1", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert not [c for c in _cells(result.stdout) if c[:1] in ("=", "+", "@")]


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_report_escapes_markup(evil_log, fmt):
    result = CliRunner().invoke(app, ["report", str(evil_log), "-f", fmt])
    assert result.exit_code == 0, result.stderr
    assert "<script>" not in result.stdout


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.parquet"
    target.write_bytes(b"old")

    def explode(fh):
        fh.write(b"partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_output(target, binary=explode)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]
