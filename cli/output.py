"""Writing data: CSV / JSON / JSONL / Parquet to stdout or, atomically, to a file.

CSV rules (README, "Output and piping"): UTF-8, a header row, ISO timestamps, snake_case
columns, ``\\n`` line endings; a BOM when writing a ``.csv`` file (Excel then shows
Chinese correctly) unless ``--no-bom``; text cells that start with ``= + - @``, a tab or a
CR get a leading ``'`` so spreadsheets do not run them as formulas.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import OptionError
from analysis.notes import Note

_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")

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


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as spreadsheet-safe CSV text (no BOM)."""
    return safe_for_spreadsheet(frame).to_csv(index=False, lineterminator="\n")


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


def write_output(
    output: Path | None,
    *,
    text: str | None = None,
    binary: Callable[[io.BufferedIOBase], None] | None = None,
    bom: bool = False,
    inputs: tuple[str, ...] = (),
) -> None:
    """Write ``text`` (or call ``binary``) to stdout, or atomically to ``output``.

    A file is written to a temporary file beside it and renamed into place, so a crash
    never leaves half a report; ``inputs`` are refused as destinations.

    Raises:
        OptionError: ``output`` is one of the inputs, or its folder does not exist.
    """
    if output is None:
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            assert binary is not None
            binary(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return
    target = Path(output)
    for name in inputs:
        if name != "-" and Path(name).exists() and target.exists() and os.path.samefile(name, target):
            raise OptionError(f"-o {output} is the input file; refusing to overwrite it",
                              hint="write to another file")
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
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
