"""Property and fuzz tests for every parser (issue 10).

* Round trips: a writer per text format renders random messages (CJK and emoji names,
  multi-line bodies, blank lines, several encodings) and the parser gives back every message
  exactly -- time, sender, text, line -- with no line left unparsed, and detection names the
  format.
* Damage: the samples of every format, truncated, with random bytes inserted, lines shuffled
  or duplicated, lines in other encodings, digits changed, line breaks and BOMs swapped, give
  either a Chat or a typed :class:`AuditError`; never any other exception. For text formats
  every non-blank line is accounted for (:func:`tests.writers.assert_accounted`), for CSV
  formats every row (:func:`tests.writers.assert_rows_accounted`).

Example counts are kept small for the normal suite; ``tests/benchmarks/bench_fuzz.py`` runs
the same properties for longer.
"""

from __future__ import annotations

import datetime
import os
import random
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis.errors import AuditError
from analysis.parsers import FORMAT_NAMES, ParseOptions, UnreadableError, detect_format, read_chats
from analysis.schema import Chat, UnparsedLine
from analysis.source import Source
from tests.writers import CSV_FORMATS, WRITERS, assert_accounted, assert_rows_accounted, decode_like
from tests.writers.mutations import MUTATIONS, apply
from tests.writers.seeds import TEXT_FORMATS, is_zip, seeds

ROUND_TRIP_EXAMPLES = int(os.environ.get("FUZZ_ROUND_TRIPS", "40"))
DAMAGE_EXAMPLES = int(os.environ.get("FUZZ_DAMAGE", "20"))
"""Examples per format in the normal suite; the environment variables raise them for a long run
(``FUZZ_ROUND_TRIPS=5000 pytest tests/test_fuzz_parsers.py``)."""
_SETTINGS = {"deadline": None, "database": None,
             "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large]}


def options_for(fmt: str) -> ParseOptions:
    """What a damaged chatlog text may need: the day of a query that shows times only."""
    return ParseOptions(date=datetime.date(2025, 3, 1)) if fmt == "chatlog-txt" else ParseOptions()


def read_or_typed_error(path: Path, fmt: str | None) -> list[Chat] | AuditError:
    """The chats, or the typed error; anything else propagates and fails the test, and so
    does :class:`UnreadableError` (the last-resort wrapper around an untyped exception)."""
    try:
        return read_chats(path, fmt, options=options_for(fmt or ""), max_bytes=0)
    except UnreadableError as exc:
        raise AssertionError(f"a parser raised an untyped exception: {exc}") from exc.__cause__
    except AuditError as exc:
        return exc


def check_damaged(path: Path, data: bytes, fmt: str, *, detect: bool = True) -> list[Chat] | AuditError:
    """The damage property for one input, forced to ``fmt`` (and detected, with ``detect``);
    returns what the forced read gave."""
    first: list[Chat] | AuditError | None = None
    for forced in (fmt, None) if detect else (fmt,):
        result = read_or_typed_error(path, forced)
        first = result if first is None else first
        if isinstance(result, AuditError):
            assert str(result), "a typed error says what went wrong"
            continue
        assert all(isinstance(c, Chat) for c in result)
        got = result[0].format if result else None
        if got in TEXT_FORMATS and not is_zip(data):
            assert_accounted(result, decode_like(data, result[0].encoding), got)
        elif got in CSV_FORMATS:
            assert_rows_accounted(result, decode_like(data, result[0].encoding))
    assert first is not None
    return first


# -- round trips -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(WRITERS))
@settings(max_examples=ROUND_TRIP_EXAMPLES, **_SETTINGS)
@given(data=st.data())
def test_writer_round_trip_recovers_every_message(fmt, tmp_path, data):
    writer = WRITERS[fmt]
    rendered = draw_rendered(data, writer)
    encodings = getattr(writer, "ENCODINGS", ("utf-8", "utf-8-sig", "gb18030", "utf-16"))
    encoding = data.draw(st.sampled_from(encodings), label="encoding")
    data_out = rendered.text.encode(encoding)
    if encoding == "gb18030":
        # A GB18030 file whose bytes are also valid UTF-8 ("图片" is CD BC C6 AC, "ͼƬ" in
        # UTF-8) cannot be told from UTF-8; real exports hold enough text to tell.
        assume(not _valid_utf8(data_out))
    path = write_rendered(tmp_path, rendered, data_out)

    if path.is_file():
        assert detect_format(Source.open(path)).name == fmt
    assert read_chats(path, options=ParseOptions(**rendered.options))[0].format == fmt, "detection names the format"
    chats = read_chats(path, fmt, options=ParseOptions(**rendered.options))
    assert len(chats) == 1
    chat = chats[0]
    assert chat.unparsed == []
    if rendered.lines is not None:
        assert_accounted(chats, rendered.text, fmt)
        got = chat.messages.sort_values("line", kind="stable").reset_index(drop=True)
        assert got["line"].tolist() == rendered.lines
        expected = rendered.expected
    else:
        # No lines: records are matched by the export's message id; none lost, none invented.
        got = chat.messages.sort_values("msg_id", kind="stable").reset_index(drop=True)
        expected = sorted(rendered.expected, key=lambda m: m.msg_id)
        assert got["msg_id"].tolist() == [m.msg_id for m in expected]
    assert got["timestamp"].tolist() == [pd.Timestamp(m.timestamp) for m in expected]
    assert got["sender"].tolist() == [m.sender for m in expected]
    assert got["text"].tolist() == [m.text for m in expected]
    ids = [m.sender_id for m in expected]
    if all(ids):
        assert got["sender_id"].tolist() == ids


def draw_rendered(data, writer):
    """A file ``writer`` renders from random messages and a random layout seed."""
    messages = data.draw(writer.messages(), label="messages")
    return writer.render(messages, random.Random(data.draw(st.integers(0, 2 ** 16), label="seed")))


def write_rendered(folder: Path, rendered, data: bytes) -> Path:
    """Write a writer's file (as ``data``) and its sidecars under ``folder``; returns what a
    reader is given."""
    path = folder / rendered.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    for rel, text in rendered.sidecars.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8", newline="")
    return folder / rendered.entry if rendered.entry else path


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# -- damage ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMAT_NAMES)
@settings(max_examples=DAMAGE_EXAMPLES, **_SETTINGS)
@given(data=st.data())
def test_damaged_input_gives_a_chat_or_a_typed_error(fmt, tmp_path, data):
    data_in = data.draw(st.sampled_from(seeds(fmt)), label="seed")
    mutations = data.draw(MUTATIONS, label="mutations")
    damaged = apply(data_in, mutations)
    path = tmp_path / "damaged.bin"
    path.write_bytes(damaged)
    check_damaged(path, damaged, fmt)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@settings(max_examples=DAMAGE_EXAMPLES, **_SETTINGS)
@given(data=st.data())
def test_damaged_writer_output_accounts_for_every_line(fmt, tmp_path, data):
    # Damage to random writer output reaches layouts the samples do not hold.
    rendered = draw_rendered(data, WRITERS[fmt])
    damaged = apply(rendered.text.encode("utf-8"), data.draw(MUTATIONS, label="mutations"))
    check_damaged(write_rendered(tmp_path, rendered, damaged), damaged, fmt)


def test_every_parser_has_a_writer():
    assert sorted(WRITERS) == sorted(FORMAT_NAMES)


def test_every_parser_has_seeds():
    for fmt in FORMAT_NAMES:
        assert seeds(fmt), fmt


# -- the checker itself ------------------------------------------------------------------------

def test_checker_catches_a_lost_line_and_a_rewritten_one(tmp_path):
    path = tmp_path / "x.txt"
    text = "stray\r\n2024-01-01 10:00:00 A(10001)\r\nhi\r\n\r\n2024-01-01 10:01:00 B(10002)\r\nyo\r\n"
    path.write_text(text, encoding="utf-8", newline="")
    chats = read_chats(path, "qq-txt")
    assert_accounted(chats, text, "qq-txt")
    chats[0].unparsed.clear()  # line 1 is no longer accounted for
    with pytest.raises(AssertionError, match="before the first record"):
        assert_accounted(chats, text, "qq-txt")
    chats[0].unparsed.append(UnparsedLine(1, "stray"))
    messages = chats[0].messages
    messages["text"] = messages["text"].where(messages["line"] != 5, "something else")
    with pytest.raises(AssertionError, match="record of line 5 but not in its text"):
        assert_accounted(chats, text, "qq-txt")
    messages["text"] = messages["text"].where(messages["line"] != 5, "yo")
    chats[0].unparsed[0] = UnparsedLine(1, "not the line")
    with pytest.raises(AssertionError, match="not the source line"):
        assert_accounted(chats, text, "qq-txt")


def test_row_checker_catches_a_dropped_csv_row(tmp_path):
    path = tmp_path / "chat.csv"
    text = ("msg_id,timestamp,sender_id,sender,kind,text\n"
            "m1,2024-03-01T10:00:00,u1,A,text,\"two\nlines\"\nm2,2024-03-01T10:01:00,u2,B,text,yo\n")
    path.write_text(text, encoding="utf-8")
    chats = read_chats(path, "generic-csv")
    assert_rows_accounted(chats, text)
    chats[0].messages = chats[0].messages.iloc[:1]
    with pytest.raises(AssertionError, match="2 rows, 1 records"):
        assert_rows_accounted(chats, text)


def test_checker_counts_a_line_inside_a_spanning_tag_as_markup(tmp_path):
    # A line break inside a WeChat tag's attributes: the line between is markup, not lost text.
    path = tmp_path / "chatlog.txt"
    text = ("系统消息 2024-12-31 20:06:45\n周大山领取了你的<_wc_custom_link_ color=\"#FD9931\" href\n|-\n"
            "=\"weixin://x\">红包</_wc_custom_link_>\n\n")
    path.write_text(text, encoding="utf-8")
    chats = read_chats(path, "chatlog-txt")
    assert chats[0].messages["text"].tolist() == ["周大山领取了你的红包"]
    assert_accounted(chats, text, "chatlog-txt")
