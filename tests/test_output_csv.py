"""CSV injection through line breaks: every CSV the CLI writes must read back as the same rows
in Python's strict reader and in a spreadsheet (which starts a row at any CR or LF outside
quotes), and no cell a spreadsheet sees may start a formula."""

from __future__ import annotations

import csv
import io
import random
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from cli.output import csv_text

FRAGMENTS = ["\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "=", "+", "-", "@", "\t",
             '"', ",", "'", " ", "\u3000", "cmd|' /C calc'!A0", "SUM(1)", "1", "-2", "群友", "a", "x"]
HOSTILE_NAMES = ["=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@SUM(A1)", "  =1+1", "\u2028=1+1", "\x85@x",
                 "a\u2028=cmd|' /C calc'!A0", 'q"uo,te', "\t=1", "'=1"]
HOSTILE_TEXTS = ["hello\r=cmd|' /C calc'!A0", "x\u2028+1+1", "x\u2029=1", "y\x85=2", "line\r\n@SUM(A1)",
                 '=HYPERLINK("http://x","y")', "\t-1", " \u3000=1", "加薇信 vx100001 兼职日赚",
                 'quote " and, comma\u2028-3']
FORMULA = re.compile(r"^\s*[=+\-@]")
SPREADSHEET_BREAK = re.compile(r"\r\n|\r|\n")

fields = st.one_of(st.none(), st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join), st.text(max_size=12))


def strict_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True))


def spreadsheet_rows(text: str) -> list[list[str]]:
    """Rows as a spreadsheet cuts them: at every CR, LF or CRLF outside quotes; cells at
    commas outside quotes, surrounding quotes stripped and doubled quotes undone."""
    text = text.removeprefix("\ufeff")
    rows: list[list[str]] = []
    cells: list[str] = []
    cell: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
            cell.append(ch)
        elif not quoted and ch == ",":
            cells.append("".join(cell))
            cell = []
        elif not quoted and ch in "\r\n":
            cells.append("".join(cell))
            rows.append(cells)
            cells, cell = [], []
            if text.startswith("\r\n", i):
                i += 1
        else:
            cell.append(ch)
        i += 1
    if cell or cells:
        cells.append("".join(cell))
        rows.append(cells)
    return [[_unquote(c) for c in row] for row in rows]


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def live_formulas(rows: list[list[str]]) -> list[str]:
    return [c for row in rows for c in row if FORMULA.match(c) and not _number(c)]


def assert_spreadsheet_safe(text: str, n_rows: int | None = None, n_cols: int | None = None) -> None:
    strict = strict_rows(text)
    sheet = spreadsheet_rows(text)
    assert strict, "no rows"
    if n_rows is not None:
        assert len(strict) == n_rows
    width = n_cols if n_cols is not None else len(strict[0])
    assert all(len(row) == width for row in strict)
    assert len(sheet) == len(strict), "a spreadsheet sees extra rows"
    assert all(len(row) == width for row in sheet)
    assert live_formulas(sheet) == []
    assert live_formulas(strict) == []


@settings(derandomize=True, max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(fields, fields, fields), min_size=1, max_size=6), st.booleans())
def test_csv_text_keeps_rows_and_neutralises_formulas(rows, with_number):
    frame = pd.DataFrame(rows, columns=["a", "b", "c"])
    if with_number:
        frame["n"] = [-1.5] * len(frame)
    text = csv_text(frame)
    assert_spreadsheet_safe(text, n_rows=len(frame) + 1, n_cols=len(frame.columns))
    back = strict_rows(text)[1:]
    for original, read in zip(rows, back, strict=True):
        for value, cell in zip(original, read, strict=False):
            value = "" if value is None else value
            assert cell == value or (cell == "'" + value and re.match(r"^[\s']*[=+\-@]|^'*[\t\r]", value)), \
                (value, cell)


@pytest.mark.parametrize("value", ["a\rb", "a\u2028b", "a\u2029b", "a\x85b", "a\x0bb", "a\x0cb", "a\x1cb", "a\r\nb"])
def test_every_line_separator_is_quoted(value):
    text = csv_text(pd.DataFrame({"x": [value], "y": ["=1"]}))
    assert text == f'x,y\n"{value}",\'=1\n'


@pytest.mark.parametrize("value", [" =1", "\n=1", "\u2028+1", "\u3000@x", "\r\n-x"])
def test_a_formula_after_leading_whitespace_is_neutralised(value):
    assert strict_rows(csv_text(pd.DataFrame({"x": [value]})))[1] == ["'" + value]


def test_plain_frames_come_out_as_pandas_writes_them():
    frame = pd.DataFrame({"a": ["x", "y,z", 'q"', "", None], "n": [1.5, -2.0, 3.25, 0.0, 1e20]})
    assert csv_text(frame) == frame.to_csv(index=False, lineterminator="\n")


# -- every CSV the CLI writes ----------------------------------------------------------------------


def _qq_log(path, group: str, names: list[str], texts: list[str]) -> None:
    rows = []
    for i in range(len(texts)):
        rows.append(f"2024-05-01 10:{i // 60:02d}:{i % 60:02d} {names[i % len(names)]}({20001 + i % len(names)})"
                    f"\r\n{texts[i]}\r\n\r\n")
    head = ("消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n" + "=" * 64 + "\r\n消息分组:我的QQ群\r\n"
            + "=" * 64 + f"\r\n消息对象:{group}\r\n" + "=" * 64 + "\r\n\r\n")
    path.write_bytes((head + "".join(rows)).encode("utf-8"))


def _random_field(rng: random.Random, header_safe: bool) -> str:
    pieces = [p for p in FRAGMENTS if not header_safe or p not in ("\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c")]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))


@pytest.fixture(scope="module")
def hostile_logs(tmp_path_factory):
    rng = random.Random(20240501)
    names = HOSTILE_NAMES + [_random_field(rng, True).strip() or "x" for _ in range(8)]
    names = [n.replace("(", "").replace(")", "") for n in names]
    texts = [t for _ in range(3) for t in HOSTILE_TEXTS] + [_random_field(rng, False) + "x" for _ in range(30)]
    folder = tmp_path_factory.mktemp("hostile")
    first, second = folder / "one.txt", folder / "two.txt"
    _qq_log(first, "=cmd|' /C calc'!A0\u2028-1", names, texts)
    _qq_log(second, "@group\x85+2", names, texts[::-1])
    return first, second


SECTIONS = ("summary", "health", "members", "spam", "activity", "topics")


@pytest.mark.parametrize("args", [
    ["parse"], ["members", "-f", "csv"], ["spam", "-f", "csv"], ["spam", "-f", "csv", "--by", "member"],
    *[["report", "-f", "csv", "--section", s] for s in SECTIONS],
], ids=lambda a: "-".join(a))
def test_every_cli_csv_survives_a_spreadsheet(hostile_logs, args):
    result = CliRunner().invoke(app, [args[0], str(hostile_logs[0]), *args[1:]])
    assert result.exit_code == 0, result.stderr
    assert_spreadsheet_safe(result.stdout)


@pytest.mark.parametrize("section", ["summary", "cross_group"])
def test_batch_csv_survives_a_spreadsheet(hostile_logs, section):
    result = CliRunner().invoke(app, ["batch", *map(str, hostile_logs), "--jobs", "1", "-f", "csv",
                                      "--section", section])
    assert result.exit_code == 0, result.stderr
    assert len(strict_rows(result.stdout)) > 1
    assert_spreadsheet_safe(result.stdout)


def test_batch_detail_csvs_survive_a_spreadsheet(hostile_logs, tmp_path):
    details = tmp_path / "details"
    result = CliRunner().invoke(app, ["batch", *map(str, hostile_logs), "--jobs", "1", "-f", "json",
                                      "--details", str(details)])
    assert result.exit_code == 0, result.stderr
    written = sorted(details.glob("*.csv"))
    assert {p.name for p in written} >= {"summary.csv", "cross_group.csv"}
    for path in written:
        assert_spreadsheet_safe(path.read_text(encoding="utf-8"))
