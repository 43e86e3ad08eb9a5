"""The shared "every line accounted for" checker for text exports.

A parser accounts for a non-blank physical line of its input when the line is

* listed in ``chat.unparsed`` (with its text exactly as it stands in the source), or
* the first line of a record (``messages.line``), or
* a later line of a record -- after the record's first line and before the next record's --
  whose content is part of that record's text (so a line a parser silently skips inside a
  record's range is caught, not excused by the range), or
* a metadata line the format defines (QQ's title and section block, LINE's title, "saved
  on" and date lines, WechatExporter's title line).

:func:`unaccounted_lines` lists the lines that are none of these; :func:`assert_accounted`
fails with the first few. Both also check the bookkeeping: ``lines_total`` equals the number
of physical lines, and every record and unparsed line number points at a non-blank line.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from analysis.schema import Chat, validate
from analysis.source import MIXED, codec_of, decode_mixed, split_lines

_QQ_TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
METADATA: dict[str, re.Pattern[str]] = {
    "qq-txt": re.compile(rf"^(?:{_QQ_TITLE}|={{64}}|消息分组:.*|消息对象:.*)$"),
    "line-txt": re.compile(
        r"^(?:\[LINE\].*|(?:Saved on|保存日時|保存日期|儲存日期|保存时间|儲存時間)\s*[:：].*"
        r"|[0-9]{4}[./-][0-9]{1,2}[./-][0-9]{1,2}.*|[A-Z][a-z]{2,8}\.?, [0-9]{1,2}/[0-9]{1,2}/[0-9]{4}\s*)$"),
}
"""Lines a format reads as metadata (anywhere in the file)."""
FIRST_LINE_METADATA: dict[str, re.Pattern[str]] = {
    "wechatexporter-txt": re.compile(r"^.* - 微信聊天记录$"),
}
"""Metadata allowed on the first line only."""


def _normalise(fmt: str, text: str, *, source: bool = True) -> str:
    """What of a line survives into a record's text: LINE drops the quotes around a multi-line
    message and un-doubles the quotes inside it; WeChat notices lose their markup; everything
    else is kept as is. ``source``: ``text`` is a line of the file (a tag may be cut at its
    ends), not a line of a record's text."""
    if fmt == "line-txt":
        text = text.replace('"', "")
    elif fmt in _WECHAT:
        text = (_CUT_MARKUP if source else _MARKUP).sub("", _NOTICE_MARKUP.sub("", text))
    return text.strip()


_WECHAT = ("chatlog-txt", "memotrace-txt", "wechatexporter-txt")
_MARKUP = re.compile(r"<[^<>]*>")
"""WeChat system notices lose their raw markup (``<_wc_custom_link_ …>红包</…>``) in the record."""
_NOTICE_MARKUP = re.compile(r"<!\[CDATA\[|\]\]>|<_wc_custom_link_[^>]*>|</_wc_custom_link_>")
"""The notice markup the WeChat parsers strip as a whole, whatever its attributes hold
(``analysis/parsers/_wechat.py``, ``_MARKUP``)."""
_CUT_MARKUP = re.compile(r"<[^<>]*>|<[^<>]*$|^[^<>]*>")
"""The same in a source line, where a line break may cut a tag in two (its start ends one
line, its end opens the next)."""


_SPANNING_TAG = re.compile(r"<[A-Za-z_/!?][^<>]*>")
"""A WeChat markup tag (the parsers' own rule, analysis/parsers/_wechat.py); it may span lines."""


def _lines_inside_tags(text: str) -> set[int]:
    """Line numbers lying wholly inside a tag that starts on an earlier line and ends on a later one."""
    breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    inside: set[int] = set()
    for m in _SPANNING_TAG.finditer(text):
        first = bisect.bisect_right(breaks, m.start()) + 1
        last = bisect.bisect_right(breaks, m.end() - 1) + 1
        inside.update(range(first + 1, last))
    return inside


def decode_like(data: bytes, encoding: str) -> str:
    """``data`` decoded the way a parser reported it did (``chat.encoding``)."""
    if encoding == MIXED:
        return decode_mixed(data)
    enc, errors = codec_of(encoding or "utf-8")
    text = data.decode(enc, errors="replace" if errors == "strict" else errors)
    return text


def unaccounted_lines(chats: Sequence[Chat], text: str, fmt: str) -> list[tuple[int, str, str]]:
    """Non-blank lines of ``text`` that no record and no ``unparsed`` entry accounts for.

    Returns ``(line number, line, why)`` triples; an empty list means every line is accounted
    for. Bookkeeping errors (a wrong ``lines_total``, an unparsed entry whose text is not the
    source line, a record or unparsed entry on a blank or missing line) are reported the same way.
    """
    bom_only_line = text.startswith("\ufeff") and split_lines(text)[0].strip("\ufeff") == "" if text else False
    text = text.lstrip("\ufeff")
    lines = split_lines(text)
    problems: list[tuple[int, str, str]] = []
    unparsed: set[int] = set()
    records: dict[int, list[str]] = defaultdict(list)
    for chat in chats:
        validate(chat.messages)
        # A leading BOM character is not content: a line holding only it may count or not.
        if chat.lines_total != len(lines) and not (chat.lines_total == len(lines) + 1 and bom_only_line):
            problems.append((0, "", f"lines_total {chat.lines_total} != {len(lines)} physical lines"))
        for item in chat.unparsed:
            if not 1 <= item.line <= len(lines):
                problems.append((item.line, item.text, "unparsed line number out of range"))
            elif item.text.lstrip("\ufeff") != lines[item.line - 1].lstrip("\ufeff"):
                problems.append((item.line, item.text, f"unparsed text is not the source line {lines[item.line - 1]!r}"))
            unparsed.add(item.line)
        m = chat.messages
        for line, body in zip(m["line"].tolist(), m["text"].tolist(), strict=True):
            if line is pd.NA or line is None:
                continue
            records[int(line)].append("\n".join(_normalise(fmt, part, source=False)
                                                 for part in str(body).split("\n")))
    starts = sorted(records)
    for no in starts:
        if not 1 <= no <= len(lines) or not lines[no - 1].strip():
            problems.append((no, "", "a record starts on a blank or missing line"))
    meta = METADATA.get(fmt)
    first_meta = FIRST_LINE_METADATA.get(fmt)
    in_tags = _lines_inside_tags(text) if fmt in _WECHAT else set()
    owner: int | None = None
    k = 0
    for no, raw in enumerate(lines, start=1):
        while k < len(starts) and starts[k] <= no:
            owner = starts[k]
            k += 1
        if not raw.strip() or no in unparsed or no in records:
            continue
        if (meta and meta.match(raw.lstrip("\ufeff"))) or (no == 1 and first_meta and first_meta.match(raw)):
            continue
        if no in in_tags and owner is not None:
            continue  # inside a tag that spans lines: markup, rendered as nothing
        if owner is None:
            problems.append((no, raw, "before the first record and not listed as unparsed"))
            continue
        content = _normalise(fmt, raw)
        if not any(content in body for body in records[owner]):
            problems.append((no, raw, f"inside the record of line {owner} but not in its text"))
    return problems


def assert_accounted(chats: Sequence[Chat], text: str, fmt: str) -> None:
    """Fail, showing the first problems, unless every non-blank line is accounted for."""
    problems = unaccounted_lines(chats, text, fmt)
    assert not problems, f"{len(problems)} line(s) not accounted for by {fmt}: {problems[:5]}"


CSV_FORMATS = ("memotrace-csv", "chatlog-csv", "pywxdump-csv", "discord-csv", "generic-csv")
"""Table formats: rows (which may span lines) rather than lines are what must be accounted for."""


def assert_rows_accounted(chats: Sequence[Chat], text: str) -> None:
    """Fail unless every non-blank CSV row after the header became a record or an ``unparsed``
    entry (a row the parser could not read may be listed line by line, so at least as many)."""
    body = text.lstrip("\ufeff")
    header = body.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    rows = [r for r in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter) if any(c.strip() for c in r)]
    accounted = sum(len(c.messages) + len(c.unparsed) for c in chats)
    assert accounted >= len(rows) - 1, f"{len(rows) - 1} rows, {accounted} records and unparsed entries"
