"""Helpers for JSON exports: a streaming reader for big arrays, and the target time zone.

:class:`JsonStream` walks a JSON document held as decoded text blocks (``Source.iter_text``)
without building the whole document: a caller walks objects key by key
(:meth:`JsonStream.keys`) and arrays element by element (:meth:`JsonStream.items`), and
decodes only the values it wants (:meth:`JsonStream.value`, one ``json`` C-scanner call per
value). A Telegram or DiscordChatExporter file of hundreds of MB is read with memory near
one block of text plus the rows being built, never the whole decoded document.

Leniency (FORMATS.md §3): Telegram Desktop writes control characters as ``\\xNN``, which
is not valid JSON. The stream turns each such escape into the character it names
(``\\u00NN``), any other invalid escape into a literal backslash, and counts them in
:attr:`JsonStream.bad_escapes` so the parser can say so in ``Chat.warnings``. Raw control
characters inside strings are accepted (``strict=False``). A ``\\uD83D`` escape without its
pair (``JSON.stringify`` writes them; a cut file splits an escaped emoji) would decode to a
lone surrogate that no text column can hold: it becomes U+FFFD (:func:`without_lone_surrogates`)
and is counted in :attr:`JsonStream.bad_escapes` too.

Line numbers: :meth:`JsonStream.items` reports the 1-based line where each element starts,
counted by ``\\n`` (LF and CRLF files; a file using lone CR as its only line break
would count as one line; no JSON exporter writes that).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analysis.errors import OptionError, ParseError
from analysis.notes import Note, note

_WS = " \t\r\n\ufeff"
_HEX = set("0123456789abcdefABCDEF")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` (decoded JSON) with every lone surrogate in its strings (keys too) replaced by
    U+FFFD, and how many strings changed. A valid pair was already joined by the decoder."""
    if isinstance(value, str):
        fixed = _LONE_SURROGATE.sub("\ufffd", value)
        return fixed, int(fixed is not value and fixed != value)
    if isinstance(value, list):
        count = 0
        out = []
        for item in value:
            item, k = without_lone_surrogates(item)
            out.append(item)
            count += k
        return (out, count) if count else (value, 0)
    if isinstance(value, dict):
        count = 0
        pairs = []
        for key, item in value.items():
            key, k1 = without_lone_surrogates(key)
            item, k2 = without_lone_surrogates(item)
            pairs.append((key, item))
            count += k1 + k2
        return (dict(pairs), count) if count else (value, 0)
    return value, 0


def loads(text: str, **kwargs: Any) -> tuple[Any, int]:
    """``json.loads`` with lone surrogates replaced (:func:`without_lone_surrogates`); returns
    the value and how many strings were repaired."""
    value = json.loads(text, **kwargs)
    if _SURROGATE_ESCAPE.search(text):
        return without_lone_surrogates(value)
    return value, 0


class JsonStream:
    """An incremental, lenient reader over a JSON document given as text blocks."""

    def __init__(self, blocks: Iterable[str], *, name: str = "") -> None:
        self._blocks: Iterator[str] = iter(blocks)
        self._name = name
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._dec = json.JSONDecoder(strict=False)
        # Line counting: the line number at buffer offset _cpos is _cline.
        self._cpos = 0
        self._cline = 1
        self.bad_escapes = 0
        """How many invalid escapes (``\\xNN`` and others) were repaired."""

    # -- buffer ----------------------------------------------------------------

    def _more(self) -> bool:
        """Append the next block (dropping what was consumed); False at the end of input."""
        if self._eof:
            return False
        try:
            block = next(self._blocks)
        except StopIteration:
            self._eof = True
            return False
        self._cline += self._buf.count("\n", self._cpos, self._pos)
        self._buf = self._buf[self._pos:] + block
        self._pos = 0
        self._cpos = 0
        return True

    def line(self) -> int:
        """The 1-based line of the current position."""
        self._cline += self._buf.count("\n", self._cpos, self._pos)
        self._cpos = self._pos
        return self._cline

    def lines_read(self) -> int:
        """Lines in the whole input; call after the document was read to its end."""
        while self._more():
            pass
        self._pos = len(self._buf)
        last = self.line()
        return last - (1 if not self._buf or self._buf.endswith("\n") else 0)

    def peek(self) -> str:
        """The next non-blank character ('' at the end of input), without consuming it."""
        while True:
            buf, pos = self._buf, self._pos
            n = len(buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            self._pos = pos
            if pos < n:
                return buf[pos]
            if not self._more():
                return ""

    def _expect(self, char: str) -> None:
        got = self.peek()
        if got != char:
            raise self._error(f"expected {char!r}, found {got or 'the end of the file'!r}")
        self._pos += 1

    def _error(self, what: str) -> ParseError:
        return ParseError(f"broken JSON: {what}", path=self._name or None, line=self.line(),
                          hint="the export may be truncated; export the chat again")

    # -- values ----------------------------------------------------------------

    def value(self) -> object:
        """Decode the value at the current position and move past it."""
        self.peek()
        while True:
            try:
                obj, end = self._dec.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if exc.msg.startswith("Invalid \\escape") and self._repair(exc.pos):
                    continue
                if self._more():
                    continue
                raise self._error(exc.msg) from None
            if end >= len(self._buf) and self._more():
                continue  # a number (or literal) might go on in the next block
            if _SURROGATE_ESCAPE.search(self._buf, self._pos, end):
                obj, repaired = without_lone_surrogates(obj)
                self.bad_escapes += repaired
            self._pos = end
            return obj

    def skip(self) -> None:
        """Move past the value at the current position, without keeping it."""
        self.value()

    def _repair(self, at: int) -> bool:
        """Fix the invalid escape whose backslash is at ``at``; False if nothing was fixed."""
        buf = self._buf
        if at + 4 > len(buf) and not self._eof:
            return self._more()
        if buf[at:at + 1] != "\\":
            return False
        if buf[at + 1:at + 2] == "x" and set(buf[at + 2:at + 4]) <= _HEX and len(buf[at + 2:at + 4]) == 2:
            fixed = "\\u00" + buf[at + 2:at + 4]
            self._buf = buf[:at] + fixed + buf[at + 4:]
        else:
            self._buf = buf[:at] + "\\\\" + buf[at + 1:]
        self.bad_escapes += 1
        return True

    # -- containers ------------------------------------------------------------

    def keys(self) -> Iterator[str]:
        """Walk an object: yield each key; the caller must consume its value before the next."""
        self._expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self._error("an object key is not a string")
            self._expect(":")
            yield key
            nxt = self.peek()
            if nxt == ",":
                self._pos += 1
                continue
            if nxt == "}":
                self._pos += 1
                return
            raise self._error(f"expected ',' or '}}' after the value of {key!r}")

    def items(self) -> Iterator[int]:
        """Walk an array: yield the line where each element starts; the caller consumes it."""
        self._expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            self.peek()
            yield self.line()
            nxt = self.peek()
            if nxt == ",":
                self._pos += 1
                continue
            if nxt == "]":
                self._pos += 1
                return
            raise self._error("expected ',' or ']' after an array element")

    def objects(self) -> Iterator[tuple[int, object]]:
        """Walk an array of values: yield ``(line, decoded element)`` for each."""
        for line in self.items():
            yield line, self.value()


def target_tz(tz: str | None, default: str = "UTC") -> tuple[str, list[Note]]:
    """The zone absolute times are shown in, and the warning to give when it was assumed
    (``parse.tz_assumed``).

    Raises:
        OptionError: ``tz`` is not an IANA zone name.
    """
    if tz is None:
        return default, [note("parse.tz_assumed", tz=default)]
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise OptionError(f"unknown time zone {tz!r}",
                          hint="use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC") from None
    return tz, []
