"""Opening inputs: encodings, line breaks, binary and size checks."""

from __future__ import annotations

import codecs

import pytest

from analysis.errors import InputError
from analysis.source import Source, count_lines, split_lines


def test_split_lines_counts_crlf_cr_and_lf_once_each():
    assert split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]
    assert split_lines("a\u2028b\x0cc\n") == ["a\u2028b\x0cc"]
    assert count_lines("a\r\nb\rc\nd") == 4 and count_lines("a\n") == 1 and count_lines("") == 0


@pytest.mark.parametrize(("prefix", "encoding", "expected"), [
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (b"", "utf-16-le", "utf-16"),
    (b"", "utf-8", "utf-8"),
    (b"", "gb18030", "gb18030"),
])
def test_encoding_detection(tmp_path, prefix, encoding, expected):
    text = "2024-01-01 10:00:00 张三(1)\r\n你好，世界\r\n"
    data = prefix + (codecs.BOM_UTF16_LE + text.encode("utf-16-le") if encoding == "utf-16-le" else text.encode(encoding))
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    src = Source.open(path)
    assert src.encoding == expected
    assert src.text().lstrip("\ufeff") == text
    assert "".join(src.iter_text(5)).lstrip("\ufeff") == text


def test_checks_and_size_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 100)
    with pytest.raises(InputError, match="over the limit"):
        Source.open(big, max_bytes=10)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\x00\x01\x02" * 400)
    with pytest.raises(InputError, match="binary"):
        Source.open(blob)
    stray = tmp_path / "stray.txt"
    stray.write_bytes(b"hello\x00world\n" + b"text\n" * 100)
    assert Source.open(stray).encoding == "utf-8"  # one stray NUL is not a binary file


def test_mixed_file_read_in_any_block_size_loses_no_character(tmp_path):
    # A UTF-8 export with one line pasted in from a GB18030 one: wherever a block ends, even
    # inside a GB18030 character, the text comes back whole.
    utf8 = "2024-01-01 10:00:00 小明(10001)\r\n大家好，今天读第三章。\r\n\r\n".encode()
    gb = "2024-01-01 10:01:00 小红(10002)\r\n好的收到，晚上见\r\n\r\n".encode("gb18030")
    data = utf8 * 3 + gb + utf8
    expected = "2024-01-01 10:00:00 小明(10001)\r\n大家好，今天读第三章。\r\n\r\n" * 3 \
        + "2024-01-01 10:01:00 小红(10002)\r\n好的收到，晚上见\r\n\r\n" \
        + "2024-01-01 10:00:00 小明(10001)\r\n大家好，今天读第三章。\r\n\r\n"
    path = tmp_path / "mixed.txt"
    path.write_bytes(data)
    for block in range(1, len(data) + 2):
        source = Source.open(path)
        assert source.encoding == "utf-8 (some lines gb18030)"
        assert "".join(source.iter_text(block)) == expected, block
