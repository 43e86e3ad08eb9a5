"""Generic CSV: an unbalanced quote is reported, never read as one huge text (adversarial review)."""

from __future__ import annotations

import pytest

from analysis import read_log
from analysis.errors import StrictModeError
from analysis.notes import note

HEADER = "msg_id,timestamp,sender_id,sender,kind,text"


def _rows(n: int = 49) -> list[str]:
    return [HEADER] + [f"m{i},2024-03-01T10:{i:02d}:00,u{i % 3},N{i % 3},text,hello {i}" for i in range(n)]


def _write(tmp_path, rows: list[str]):
    path = tmp_path / "chat.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_quote_that_runs_to_the_end_of_the_file_is_reported(tmp_path):
    rows = _rows()
    rows[3] = rows[3].replace("hello 2", '"hello 2')
    chat = read_log(_write(tmp_path, rows))
    assert len(chat.messages) == 48  # the rows after the quote are read again, one by one
    assert [(u.line, u.text) for u in chat.unparsed] == [(4, rows[3])]
    assert note("parse.csv_unclosed_quote", n=1, line=4) in chat.warnings
    assert "\n" not in "".join(chat.messages["text"])
    with pytest.raises(StrictModeError):
        read_log(_write(tmp_path, rows), strict=True)


def test_a_quote_closed_by_a_later_row_is_reported(tmp_path):
    rows = _rows()
    rows[3] = rows[3].replace("hello 2", '"hello 2')
    rows[20] = rows[20].replace("hello 19", 'she said "x"')
    chat = read_log(_write(tmp_path, rows))
    assert chat.unparsed[0].line == 4
    assert len(chat.messages) >= 47
    assert note("parse.csv_unclosed_quote", n=1, line=4) in chat.warnings


def test_multi_line_texts_are_kept(tmp_path):
    rows = _rows(5)
    rows[2] = rows[2].replace("hello 1", '"two\nlines, and ""quotes"""')
    chat = read_log(_write(tmp_path, rows))
    assert chat.unparsed == [] and not [w for w in chat.warnings if w.code == "parse.csv_unclosed_quote"]
    assert chat.messages["text"].tolist()[1] == 'two\nlines, and "quotes"'
    assert len(chat.messages) == 5
