"""Opening an input: checks, size limit, encoding detection, and decoded text (whole or in blocks).

Decoding order (FORMATS.md, cross-format pitfalls): a BOM decides (UTF-8, UTF-16 LE/BE,
UTF-32); UTF-16 that lost its BOM is recognised by its NUL bytes; otherwise UTF-8, and
GB18030 when the bytes are not valid UTF-8 -- or, when most of them are, each line in its
own encoding (:data:`MIXED`); whatever still does not decode is
replaced and the label says so. The encoding used is recorded on the :class:`Source` and
copied to every ``Chat``.

Size: :meth:`Source.open` refuses an input over ``max_bytes``; :func:`analysis.parsers.read_chats`
applies each format's default limit once the format is known (``Source.limit``).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import InputError

LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""A physical line break: CRLF, lone CR or lone LF each end one line (never ``str.splitlines``,
which also splits on form feeds, U+2028 and friends)."""

HEAD_BYTES = 64 * 1024
"""How many bytes are decoded for sniffing and for the up-front encoding guess."""

DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024

STDIN_MAX_BYTES = 512 * 1024 * 1024
"""Standard input is read into memory; without ``max_bytes`` it is refused past this size
(the largest default limit of any format, see :data:`analysis.logformat.STREAM_MAX_BYTES`)."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError,
)
"""What :mod:`zipfile` raises on a damaged, cut or encrypted archive (a bad header, a seek
before the start, a broken deflate stream, an unknown compression, a password)."""


def damaged_zip(name: str, exc: BaseException) -> InputError:
    """The typed error for a zip that cannot be unpacked."""
    return InputError(f"damaged zip file: {exc or type(exc).__name__}", path=name,
                      hint="export the chat again, or unzip it and give the file inside")


MIXED = "utf-8 (some lines gb18030)"
"""The label of a UTF-8 file with some GB18030 lines in it (exports pasted together from two
tools): each line is read as UTF-8 when it is valid UTF-8, else as GB18030 (:func:`decode_mixed`)."""
GB18030_FALLBACK = "community-audit-gb18030"
"""The codecs error handler that reads the bytes UTF-8 rejects as GB18030."""


def _gb18030_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    for size in (2, 4):
        piece = exc.object[exc.start:exc.start + size]
        try:
            return bytes(piece).decode("gb18030"), exc.start + size
        except UnicodeDecodeError:
            continue
    return "\ufffd", exc.start + 1


codecs.register_error(GB18030_FALLBACK, _gb18030_fallback)

_ASCII = bytes(range(128))


def mostly_utf8(data: bytes) -> bool:
    """True when ``data`` is not valid UTF-8 but most of its non-ASCII bytes are: a UTF-8 file
    with a few foreign stretches, not a GB18030 file (whose bytes only now and then happen to
    form UTF-8)."""
    valid = len(data.decode("utf-8", errors="ignore").encode("utf-8"))
    invalid = len(data) - valid
    non_ascii = len(data.translate(None, _ASCII))
    return invalid > 0 and non_ascii - invalid > invalid


_LINE_END = re.compile(rb"(\r\n|\r|\n)")


def decode_mixed(data: bytes) -> str:
    """Bytes of a :data:`MIXED` file, decoded line by line: UTF-8 when the line is valid UTF-8,
    else GB18030 when it is valid GB18030, else UTF-8 with the invalid stretches read as
    GB18030 (a line holding both). Line breaks are single bytes that are never part of a
    multi-byte character in either encoding, so the lines can be cut before decoding."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    out: list[str] = []
    for piece in _LINE_END.split(data):
        try:
            out.append(piece.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(piece.decode("gb18030"))
            except UnicodeDecodeError:
                out.append(piece.decode("utf-8", errors=GB18030_FALLBACK))
    return "".join(out)


def codec_of(label: str) -> tuple[str, str]:
    """(codec, error handler) for an encoding label as :class:`Source` records it."""
    if label == MIXED:
        return "utf-8", GB18030_FALLBACK
    if label.endswith(" (invalid bytes replaced)"):
        return label.split(" ")[0], "replace"
    return label, "strict"


def decode_fallback(data: bytes) -> tuple[str, str]:
    """Bytes that are not valid UTF-8, decoded: GB18030 when they are valid GB18030, else line by
    line (:func:`decode_mixed`) when they are mostly UTF-8 (:data:`MIXED`), else GB18030 with the
    invalid bytes replaced. Returns (text, encoding label)."""
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    if mostly_utf8(data):
        return decode_mixed(data), MIXED
    return data.decode("gb18030", errors="replace"), "gb18030 (invalid bytes replaced)"


class EncodingRetry(Exception):
    """Raised while streaming when bytes past the head are not valid in the guessed encoding.

    :func:`analysis.parsers.read_chats` catches it and parses again in GB18030.
    """


def split_lines(text: str) -> list[str]:
    """Split ``text`` into physical lines (CRLF, lone CR, lone LF); a final break adds no line."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def count_lines(text: str) -> int:
    """Number of physical lines in ``text`` (a final line without a break counts)."""
    if not text:
        return 0
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks + (0 if text[-1] in "\r\n" else 1)


@dataclass
class Source:
    """An input to parse: a file on disk or bytes from standard input."""

    name: str
    """How to name it in messages: the path as given, or ``-``."""
    path: Path | None = None
    data: bytes | None = None
    encoding: str = ""
    """The encoding decided so far (``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``...)."""
    size: int = 0
    limit: int | None = None
    """The byte limit in force (set by :func:`analysis.parsers.read_chats` once the format is
    known); parsers that unpack an archive hold the unpacked size to it (:meth:`check_size`)."""
    _head_text: str | None = field(default=None, repr=False)

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, max_bytes: int | None = None,
             encoding: str | None = None) -> Source:
        """Check that ``path`` can be read and return a :class:`Source` for it.

        ``-`` reads standard input into memory (at most ``max_bytes``, or
        :data:`STDIN_MAX_BYTES` when it is None). ``max_bytes`` 0 means no limit. The size of an
        export folder is the size of the JSON files in it.

        Raises:
            InputError: missing, a directory, unreadable, empty, larger than ``max_bytes``
                or binary (NUL bytes where no UTF-16/32 BOM explains them).
        """
        name = str(path)
        if name == "-":
            cap = STDIN_MAX_BYTES if max_bytes is None else max_bytes
            data = sys.stdin.buffer.read(cap + 1) if cap else sys.stdin.buffer.read()
            if cap and len(data) > cap:
                raise InputError(f"standard input is over the limit of {cap:,} bytes", path=name,
                                 hint="pass --max-bytes with a larger number (0: no limit), or give the file's path")
            src = cls(name=name, data=data, size=len(data))
        else:
            p = Path(path)
            try:
                st = p.stat()
            except FileNotFoundError:
                raise InputError("no such file", path=name,
                                 hint="check the path; quote names with spaces") from None
            except PermissionError:
                raise InputError("permission denied", path=name, hint="check the file's permissions") from None
            except OSError as exc:
                raise InputError(f"cannot open: {exc.strerror or exc}", path=name) from None
            if p.is_dir():
                if _looks_like_export_folder(p):
                    src = cls(name=name, path=p, size=_folder_bytes(p), encoding="utf-8")
                    src.check_size(max_bytes or None, "the folder's JSON files are")
                    return src
                raise InputError("is a directory, not an export file", path=name,
                                 hint="give the export file itself, or use 'community-audit batch' for folders")
            if not os.access(p, os.R_OK):
                raise InputError("permission denied", path=name, hint="check the file's permissions")
            src = cls(name=name, path=p, size=st.st_size)
        src.check_size(max_bytes or None)
        if src.size == 0:
            raise InputError("file is empty", path=name, hint="export the chat again; the export may have failed")
        src._decide_encoding(encoding)
        return src

    def check_size(self, limit: int | None, what: str = "file is", size: int | None = None,
                   why: str = "") -> None:
        """Refuse ``size`` bytes (default: the input's size) over ``limit`` (None: no limit).

        Raises:
            InputError: naming the size, the limit, why there is one, and ``--max-bytes``.
        """
        size = self.size if size is None else size
        if limit and size > limit:
            raise InputError(
                f"{what} {size:,} bytes, over the limit of {limit:,}{f' ({why})' if why else ''}",
                path=self.name,
                hint="pass --max-bytes with a larger number (0: no limit) if the machine has the "
                     "memory, or split the export by date")

    @property
    def is_dir(self) -> bool:
        """True for an export folder (e.g. an unzipped Slack export)."""
        return self.path is not None and self.path.is_dir()

    @property
    def is_zip(self) -> bool:
        """True when the bytes are a zip archive (WhatsApp, Slack exports)."""
        return self.raw_head().startswith(b"PK\x03\x04")

    def zip_names(self) -> list[str]:
        """Member names of a zip source (empty for other sources)."""
        if not self.is_zip:
            return []
        try:
            with zipfile.ZipFile(self.open_binary()) as zf:
                return zf.namelist()
        except ZIP_ERRORS:
            return []

    def raw_head(self, n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` bytes."""
        if self.is_dir:
            return b""
        if self.data is not None:
            return self.data[:n]
        assert self.path is not None
        with open(self.path, "rb") as fh:
            return fh.read(n)

    def open_binary(self) -> io.BufferedIOBase:
        """A fresh binary file object over the whole input."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return open(self.path, "rb")  # noqa: SIM115 - caller closes

    def read_bytes(self) -> bytes:
        """All bytes of the input."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    # -- decoding ----------------------------------------------------------------

    def _decide_encoding(self, forced: str | None) -> None:
        raw = self.raw_head()
        if forced:
            self.encoding = forced
            return
        for bom, enc in _BOMS:
            if raw.startswith(bom):
                self.encoding = enc
                return
        if raw.startswith(b"PK\x03\x04"):
            self.encoding = "binary"
            return
        # Random or binary data is about 0.4% NUL; a stray NUL in a text export is not.
        if raw.count(b"\x00") > max(2, len(raw) // 500):
            utf16 = _utf16_without_bom(raw)
            if utf16:
                self.encoding = utf16
                return
            raise InputError("looks like a binary file (NUL bytes), not a chat export", path=self.name,
                             hint="give the exported .txt/.json/.csv file, not a database or image")
        try:
            raw.decode("utf-8")
            self.encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # A head cut in the middle of a character is still UTF-8.
            if exc.start >= len(raw) - 3 and exc.reason in ("unexpected end of data",):
                self.encoding = "utf-8"
            else:
                self.encoding = "gb18030"
                try:
                    codecs.getincrementaldecoder("gb18030")().decode(raw, final=False)
                except UnicodeDecodeError:
                    if mostly_utf8(raw):
                        self.encoding = MIXED

    def head(self, n_bytes: int = HEAD_BYTES) -> str:
        """The first ``n_bytes`` decoded (a partial last character dropped), for sniffers."""
        if self.is_dir or self.encoding == "binary":
            return ""
        if self._head_text is None or n_bytes != HEAD_BYTES:
            raw = self.raw_head(n_bytes)
            if self.encoding == MIXED:
                cut = raw.rfind(b"\n") + 1 or raw.rfind(b"\r") + 1 or len(raw)
                text = decode_mixed(raw[:cut])
            else:
                enc, errors = codec_of(self.encoding)
                dec = codecs.getincrementaldecoder(enc)(errors="replace" if errors == "strict" else errors)
                text = dec.decode(raw, final=False)
            if n_bytes != HEAD_BYTES:
                return text
            self._head_text = text
        return self._head_text

    def text(self) -> str:
        """The whole input decoded. Falls back from UTF-8 to GB18030 (or to each line in its own
        encoding, :func:`decode_fallback`) and records it."""
        self._refuse_binary()
        data = self.read_bytes()
        if self.encoding == MIXED:
            return decode_mixed(data)
        enc, errors = codec_of(self.encoding)
        try:
            return data.decode(enc, errors)
        except UnicodeDecodeError:
            if enc == "utf-8":
                text, self.encoding = decode_fallback(data)
                return text
            self.encoding = f"{enc} (invalid bytes replaced)"
            return data.decode(enc, errors="replace")

    def _refuse_binary(self) -> None:
        if self.encoding == "binary":
            raise InputError("is a ZIP archive, not a text export", path=self.name,
                             hint="unzip it and give the export file inside (WhatsApp and Slack zips are "
                                  "read as they are: drop --log-format or pick whatsapp-txt / slack-export)")

    def iter_text(self, block_bytes: int = DEFAULT_BLOCK_BYTES) -> Iterator[str]:
        """Yield the decoded input in blocks of about ``block_bytes`` bytes.

        Raises:
            EncodingRetry: a block past the head is not valid in the encoding guessed; the
                caller should start again: UTF-8 becomes GB18030, and GB18030 becomes
                :data:`MIXED` (a block that is mostly UTF-8) or "invalid bytes replaced".
        """
        self._refuse_binary()
        enc, errors = codec_of(self.encoding)
        dec = codecs.getincrementaldecoder(enc)(errors=errors)
        # A MIXED file is decoded a line at a time, so its blocks end at a line break
        # (carrying the rest over to the next block).
        mixed = self.encoding == MIXED
        pending: list[bytes] = []
        with self.open_binary() as fh:
            while True:
                chunk = fh.read(block_bytes)
                final = not chunk
                if mixed:
                    if final:
                        whole, pending = b"".join(pending), []
                    else:
                        cut = chunk.rfind(b"\n") + 1 or chunk.rfind(b"\r") + 1
                        if not cut:
                            pending.append(chunk)
                            continue
                        whole = b"".join([*pending, chunk[:cut]])
                        pending = [chunk[cut:]] if cut < len(chunk) else []
                    text = decode_mixed(whole)
                    if text:
                        yield text
                    if final:
                        return
                    continue
                try:
                    text = dec.decode(chunk, final=final)
                except UnicodeDecodeError:
                    if enc == "utf-8" and errors == "strict":
                        self.encoding = "gb18030"
                    elif enc == "gb18030" and errors == "strict" and mostly_utf8(chunk):
                        self.encoding = MIXED
                    else:
                        self.encoding = f"{enc} (invalid bytes replaced)"
                    raise EncodingRetry(self.name) from None
                if text:
                    yield text
                if final:
                    return


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when ``raw`` reads as UTF-16 text that lost its BOM (some
    Windows tools write it so): the NULs of ASCII characters all in the high bytes, the text
    decoding cleanly, with line breaks and no NUL characters. None otherwise."""
    half = len(raw) // 2
    if half < 2:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    for enc, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high < 0.2 * half or low > 0.01 * half:
            continue
        try:
            text = codecs.getincrementaldecoder(enc)().decode(raw, final=False)
        except UnicodeDecodeError:
            continue
        if "\n" in text and "\x00" not in text:
            return enc
    return None


def _folder_bytes(path: Path) -> int:
    """Bytes of the JSON/JSONL files in an export folder (what its parsers read)."""
    total = 0
    for pattern in ("*.json", "*.jsonl"):
        for item in path.rglob(pattern):
            try:
                if item.is_file():
                    total += item.stat().st_size
            except OSError:
                continue
    return total


def _looks_like_export_folder(path: Path) -> bool:
    """A folder some format reads as one export (Slack: users.json + channels.json; QCE: manifest.json)."""
    return any((path / name).is_file() for name in ("channels.json", "users.json", "manifest.json"))
