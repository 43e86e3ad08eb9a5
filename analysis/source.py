"""Opening an input: checks, size limit, encoding detection, and decoded text (whole or in blocks).

Decoding order (FORMATS.md, cross-format pitfalls): a BOM decides (UTF-8, UTF-16 LE/BE,
UTF-32); otherwise UTF-8, and GB18030 when the bytes are not valid UTF-8. The encoding
used is recorded on the :class:`Source` and copied to every ``Chat``.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
import zipfile
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

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


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
    _head_text: str | None = field(default=None, repr=False)

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, max_bytes: int | None = None,
             encoding: str | None = None) -> Source:
        """Check that ``path`` can be read and return a :class:`Source` for it.

        ``-`` reads standard input into memory.

        Raises:
            InputError: missing, a directory, unreadable, empty, larger than ``max_bytes``
                or binary (NUL bytes where no UTF-16/32 BOM explains them).
        """
        name = str(path)
        if name == "-":
            data = sys.stdin.buffer.read()
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
                    return cls(name=name, path=p, size=0, encoding="utf-8")
                raise InputError("is a directory, not an export file", path=name,
                                 hint="give the export file itself, or use 'community-audit batch' for folders")
            if not os.access(p, os.R_OK):
                raise InputError("permission denied", path=name, hint="check the file's permissions")
            src = cls(name=name, path=p, size=st.st_size)
        if max_bytes is not None and src.size > max_bytes:
            raise InputError(
                f"file is {src.size:,} bytes, over the limit of {max_bytes:,}",
                path=name, hint="raise --max-bytes, or split the export by date")
        if src.size == 0:
            raise InputError("file is empty", path=name, hint="export the chat again; the export may have failed")
        src._decide_encoding(encoding)
        return src

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
        except zipfile.BadZipFile:
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

    def head(self, n_bytes: int = HEAD_BYTES) -> str:
        """The first ``n_bytes`` decoded (a partial last character dropped), for sniffers."""
        if self.is_dir or self.encoding == "binary":
            return ""
        if self._head_text is None or n_bytes != HEAD_BYTES:
            dec = codecs.getincrementaldecoder(self.encoding)(errors="replace")
            text = dec.decode(self.raw_head(n_bytes), final=False)
            if n_bytes != HEAD_BYTES:
                return text
            self._head_text = text
        return self._head_text

    def text(self) -> str:
        """The whole input decoded. Falls back from UTF-8 to GB18030 and records it."""
        data = self.read_bytes()
        try:
            return data.decode(self.encoding)
        except UnicodeDecodeError:
            if self.encoding == "utf-8":
                self.encoding = "gb18030"
                try:
                    return data.decode("gb18030")
                except UnicodeDecodeError:
                    pass
            self.encoding += " (invalid bytes replaced)"
            return data.decode(self.encoding.split(" ")[0], errors="replace")

    def iter_text(self, block_bytes: int = DEFAULT_BLOCK_BYTES) -> Iterator[str]:
        """Yield the decoded input in blocks of about ``block_bytes`` bytes.

        Raises:
            EncodingRetry: a block past the head is not valid UTF-8; the caller should
                start again (the encoding is now GB18030).
        """
        enc = self.encoding.split(" ")[0]
        errors = "replace" if "replaced" in self.encoding else "strict"
        dec = codecs.getincrementaldecoder(enc)(errors=errors)
        with self.open_binary() as fh:
            while True:
                chunk = fh.read(block_bytes)
                final = not chunk
                try:
                    text = dec.decode(chunk, final=final)
                except UnicodeDecodeError:
                    if enc == "utf-8":
                        self.encoding = "gb18030"
                    else:
                        self.encoding = f"{enc} (invalid bytes replaced)"
                    raise EncodingRetry(self.name) from None
                if text:
                    yield text
                if final:
                    return


def _looks_like_export_folder(path: Path) -> bool:
    """A folder some format reads as one export (Slack: users.json + channels.json; QCE: manifest.json)."""
    return any((path / name).is_file() for name in ("channels.json", "users.json", "manifest.json"))
