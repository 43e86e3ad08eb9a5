"""Writing data: CSV / JSON / JSONL / Parquet to stdout or, atomically, to a file.

CSV rules (README, "Output and piping"): UTF-8, a header row, ISO timestamps, snake_case
columns, ``\\n`` line endings; a BOM when writing a ``.csv`` file (Excel then shows
Chinese correctly) unless ``--no-bom``; text cells that start with ``= + - @``, a tab or a
CR get a leading ``'`` so spreadsheets do not run them as formulas -- also when the ``= + - @``
comes after leading whitespace or line separators (some spreadsheets trim before evaluating);
every field holding a line break of any kind (``\\r``, ``\\n``, VT, FF, U+001C-U+001E, U+0085,
U+2028, U+2029) is quoted, so a spreadsheet never starts a new row inside a cell.

Text that reaches a terminal or a Markdown file goes through :func:`printable` first, so an
escape sequence, control character or bidi override in a log cannot act on the screen.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import OptionError
from analysis.notes import Note

_FORMULA_START = re.compile(r"^[\s']*[=+\-@]|^'*[\t\r]")
"""A cell a spreadsheet may run as a formula: ``= + - @`` first, after any whitespace, line
separators and ``'``; or a leading tab / CR (``\\s`` covers U+0085, U+2028, U+3000 ...)."""
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Every character ``str.splitlines`` breaks at; a field holding one is always quoted."""
_STRAY_BREAK = re.compile(f"[{_LINE_BREAKS[1:]}]")
_NEEDS_QUOTES = re.compile(f'[,"{_LINE_BREAKS}]')

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def printable(text: object, keep: str = "") -> str:
    """``text`` with every character that could act on a terminal made visible.

    The scheme (README, "Bad inputs"): a C0 control or DEL becomes its Unicode control
    picture (ESC -> ``␛``, CR -> ``␍``, BEL -> ``␇``, NUL -> ``␀``, DEL -> ``␡``); a C1
    control (U+0080-U+009F) or a bidi control (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
    U+061C) becomes ``<U+XXXX>``. Characters in ``keep`` (e.g. ``"\\n\\t"`` where the layout
    allows line breaks) stay as they are. Everything else, Chinese and emoji included, is
    unchanged.
    """
    s = "" if text is None else str(text)
    if not _UNPRINTABLE.search(s):
        return s

    def visible(match: re.Match[str]) -> str:
        ch = match.group()
        if ch in keep:
            return ch
        code = ord(ch)
        if code < 0x20:
            return chr(0x2400 + code)
        if code == 0x7F:
            return "\u2421"
        return f"<U+{code:04X}>"

    return _UNPRINTABLE.sub(visible, s)


def safe_for_spreadsheet(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised and timestamps in ISO 8601."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = iso_times(series)
        elif series.dtype == object or isinstance(series.dtype, (pd.StringDtype, pd.CategoricalDtype)) \
                or str(series.dtype) == "str":
            mask = series.astype("string").str.match(_FORMULA_START).fillna(False).to_numpy(bool)
            if mask.any():
                series = series.astype(object)
                series[mask] = "'" + series[mask].astype(str)
                out[col] = series
    return out


def iso_times(series: pd.Series) -> pd.Series:
    """ISO 8601 text, with microseconds only where a time has them; None for missing."""
    text = series.dt.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = series.dt.microsecond.fillna(0).astype(int) != 0
    if fraction.any():
        text = text.where(~fraction, series.dt.strftime("%Y-%m-%dT%H:%M:%S.%f"))
    return text.where(series.notna(), None)


def printable_all(value: Any, keep: str = "") -> Any:
    """:func:`printable` applied to every string inside ``value``: lists, tuples, dicts,
    dataclasses (a copy through ``dataclasses.replace``) and the text cells of data frames.
    Other values come back as they are."""
    if isinstance(value, str):
        return printable(value, keep)
    if isinstance(value, list):
        return [printable_all(x, keep) for x in value]
    if isinstance(value, tuple):
        return tuple(printable_all(x, keep) for x in value)
    if isinstance(value, dict):
        return {k: printable_all(x, keep) for k, x in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: printable_all(getattr(value, f.name), keep)
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, pd.DataFrame):
        out = value.copy()
        for col in out.columns:
            if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype) or str(out[col].dtype) == "str":
                out[col] = out[col].map(lambda x: printable_all(x, keep) if isinstance(x, (str, list, tuple)) else x)
        return out
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as spreadsheet-safe CSV text (no BOM).

    pandas (Python's ``csv``) quotes a field with ``\\n`` but not one with a lone ``\\r`` or
    another line separator when rows end in ``\\n``; a spreadsheet starts a new row there and
    the rest of the field becomes live cells. When the text holds any such character, the
    frame is written again with every field quoted, read back, and each field is quoted
    when it holds a delimiter, a quote or any line break (:data:`_LINE_BREAKS`).
    """
    safe = safe_for_spreadsheet(frame)
    text = safe.to_csv(index=False, lineterminator="\n")
    if not _STRAY_BREAK.search(text):
        return text
    quoted = safe.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    lines = []
    for row in csv.reader(io.StringIO(quoted, newline=""), strict=True):
        if row == [""]:
            lines.append('""')
        else:
            lines.append(",".join(f'"{f.replace(chr(34), chr(34) * 2)}"' if _NEEDS_QUOTES.search(f) else f
                                  for f in row))
    return "".join(line + "\n" for line in lines)


def json_default(value: Any) -> Any:
    """``json.dumps`` fallback for timestamps, NA and numpy scalars."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Note):
        return value.as_dict()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with JSON-friendly values (ISO timestamps, None for missing)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = iso_times(out[col])
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict(orient="records")


def dumps(data: Any) -> str:
    """JSON text with Chinese kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=json_default) + "\n"


def jsonl_text(frame: pd.DataFrame) -> str:
    """One JSON object per row."""
    return "".join(json.dumps(r, ensure_ascii=False, default=json_default) + "\n" for r in records(frame))


_STDOUT_NAMES = ("-", "/dev/stdout")
_STDERR_NAMES = ("/dev/stderr",)


def write_output(
    output: Path | None,
    *,
    text: str | None = None,
    binary: Callable[[io.BufferedIOBase], None] | None = None,
    bom: bool = False,
    inputs: tuple[str, ...] = (),
) -> None:
    """Write ``text`` (or call ``binary``) to stdout, or to ``output``.

    Where it goes:

    * no ``-o``, ``-o -`` or ``-o /dev/stdout``: standard output (no BOM); ``-o /dev/stderr``:
      standard error.
    * a regular file, or a name that does not exist yet: written to a temporary file beside
      it and renamed into place, so a crash never leaves half a report.
    * a symlink: followed. The file it points to is replaced atomically (temporary file in
      *that* folder, renamed over it) and the link itself stays a link; a dangling link
      creates the file it names.
    * anything else that exists and is not a folder -- a character device (``/dev/null``, a
      terminal), a FIFO, a block device: opened and written directly, never replaced, and
      without a BOM (it is a stream, not a ``.csv`` file).

    ``inputs`` are refused as destinations.

    Raises:
        OptionError: ``output`` is one of the inputs or a folder, or its folder does not exist.
    """
    if output is not None and str(output) in _STDOUT_NAMES:
        output = None
    if output is None or str(output) in _STDERR_NAMES:
        stream = sys.stdout if output is None else sys.stderr
        stream.flush()
        if text is not None:
            stream.write(text)
            stream.flush()
        else:
            assert binary is not None
            binary(stream.buffer)
            stream.buffer.flush()
        return
    target = Path(output)
    for name in inputs:
        if name != "-" and Path(name).exists() and target.exists() and os.path.samefile(name, target):
            raise OptionError(f"-o {output} is the input file; refusing to overwrite it",
                              hint="write to another file")
    try:
        mode = os.stat(target).st_mode  # through symlinks (/dev/fd/1 -> a pipe is a stream)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OptionError(f"cannot write {output}: {exc.strerror or exc}") from None
    if target.is_symlink() and (mode is None or stat.S_ISREG(mode)):
        target = Path(os.path.realpath(target))
    if mode is not None and stat.S_ISDIR(mode):
        raise OptionError(f"cannot write {output}: it is a folder", hint="give a file name")
    if mode is not None and not stat.S_ISREG(mode):
        with open(target, "wb") as fh:
            if text is not None:
                fh.write(text.encode("utf-8"))
            else:
                assert binary is not None
                binary(fh)
        return
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OptionError(f"cannot write {output}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            if text is not None:
                fh.write((("\ufeff" if bom else "") + text).encode("utf-8"))
            else:
                assert binary is not None
                binary(fh)
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
