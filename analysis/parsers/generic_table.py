"""Generic tables: CSV / TSV / JSONL with a column mapping, and our own canonical output.

A file whose header (or first JSON object) has the canonical columns -- what
``community-audit parse -f csv|jsonl`` writes -- is detected without a mapping, so the
output round-trips. Any other table needs ``--columns timestamp=Time,sender=User,text=Message``
(which also selects this format when ``--log-format`` is not given).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd

from analysis.errors import OptionError, ParseError
from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import kinds_from_bodies, ns_series
from analysis.parsers._json_stream import loads
from analysis.schema import (
    ACTOR_ID,
    KIND,
    KINDS,
    LINE,
    MESSAGE_COLUMNS,
    MSG_ID,
    REPLY_TO,
    SENDER,
    SENDER_ID,
    TEXT,
    TIMESTAMP,
    Chat,
    UnparsedLine,
    build_messages,
)
from analysis.source import LINE_BREAK, Source

REQUIRED = (TIMESTAMP, TEXT)
MAPPABLE = (MSG_ID, TIMESTAMP, SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID)
_CANONICAL_CORE = (MSG_ID, TIMESTAMP, SENDER_ID, SENDER, KIND, TEXT)
# Undo exactly one protective quote that cli/output.py (safe_for_spreadsheet) added to a cell
# its _FORMULA_START matches: = + - @ after any whitespace/line separators and quotes, or a
# leading tab / CR. Keep the two in step, or canonical CSV stops round-tripping.
_NEUTRALISED = re.compile(r"^'(?=[\s']*[=+\-@]|'*[\t\r])")


def _first_line(head: str) -> str:
    return LINE_BREAK.split(head.lstrip("\ufeff"), maxsplit=1)[0]


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    return max(counts, key=counts.get)


def _is_canonical_header(fields: list[str]) -> bool:
    return all(col in fields for col in _CANONICAL_CORE)


def sniff_csv(source: Source) -> bool:
    """Our canonical CSV/TSV: a header row with the canonical columns."""
    line = _first_line(source.head())
    if not line or line.lstrip().startswith(("{", "[")):
        return False
    fields = [f.strip().strip('"') for f in line.split(_delimiter(line))]
    return _is_canonical_header(fields)


def sniff_jsonl(source: Source) -> bool:
    """Our canonical JSONL: the first line is an object with the canonical keys."""
    line = _first_line(source.head()).strip()
    if not line.startswith("{"):
        return False
    try:
        first = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(first, dict) and _is_canonical_header(list(first))


def _mapping(options: ParseOptions, available: list[str], name: str) -> tuple[dict[str, str], bool]:
    """canonical -> file column, and whether the file is our canonical output."""
    if options.columns:
        mapping = dict(options.columns)
        unknown = [k for k in mapping if k not in MAPPABLE]
        if unknown:
            raise OptionError(f"--columns names unknown canonical column(s) {unknown}",
                              hint=f"map any of: {', '.join(MAPPABLE)}")
        missing = [v for v in mapping.values() if v not in available]
        if missing:
            raise OptionError(f"--columns refers to {missing}, not in the file", path=name,
                              hint=f"the file's columns are: {', '.join(available)}")
        return mapping, False
    if _is_canonical_header(available):
        return {c: c for c in MESSAGE_COLUMNS if c in available and c != LINE}, True
    raise OptionError("this table needs a column mapping", path=name,
                      hint=f"pass --columns timestamp=...,sender=...,text=... using the file's columns: {', '.join(available[:12])}")


def parse_csv(source: Source, options: ParseOptions) -> list[Chat]:
    """Read a CSV/TSV (delimiter from the header row) with a mapping or canonical columns.

    A quoted field that does not close where a row should end (an unbalanced quote: it runs
    to the end of the file, or swallows lines that are rows of their own) is not kept as one
    huge text: the line holding the opening quote is listed as not understood, the lines
    after it are read again as rows, and a ``parse.csv_unclosed_quote`` warning names the line.
    """
    text = source.text()
    header = _first_line(text)
    delimiter = _delimiter(header)
    # Physical lines with their breaks (CRLF, lone CR, lone LF), so reading can start again
    # at any line.
    phys = io.StringIO(text.lstrip("\ufeff"), newline="").readlines()
    reader = csv.reader(iter(phys), delimiter=delimiter)
    try:
        columns = next(reader)
    except StopIteration:
        raise ParseError("no header row", path=source.name) from None
    ts_col = (options.columns or {}).get(TIMESTAMP, TIMESTAMP)
    ts_index = columns.index(ts_col) if ts_col in columns else None
    rows: list[list[str]] = []
    starts: list[int] = []
    unparsed: list[UnparsedLine] = []
    runaway: list[int] = []
    pos = reader.line_num  # physical lines read so far
    done = 0
    try:
        while pos < len(phys):
            reader = csv.reader(iter(phys[pos:]), delimiter=delimiter)
            done, restart = 0, 0
            for row in reader:
                line, end = pos + done + 1, pos + reader.line_num
                done = reader.line_num
                if end > line and _runaway(phys, line, end, delimiter, len(columns), ts_index):
                    restart = line
                    break
                if row and any(cell.strip() for cell in row):
                    if len(row) == len(columns):
                        rows.append(row)
                        starts.append(line)
                    else:
                        unparsed.append(UnparsedLine(line, delimiter.join(row)))
            if not restart:
                break
            unparsed.append(UnparsedLine(restart, phys[restart - 1].rstrip("\r\n")))
            runaway.append(restart)
            pos = restart
    except csv.Error as exc:
        raise ParseError(f"broken CSV: {exc}", path=source.name, line=pos + done + 1,
                         hint="check quoting; an unclosed quote swallows the rest of the file") from None
    columns = _unique(columns)
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame = _keep_original_line(frame)
    frame[LINE] = starts
    chat = _to_chat(frame, columns, options, source, unparsed)
    if runaway:
        chat.warnings.append(note("parse.csv_unclosed_quote", n=len(runaway), line=runaway[0]))
    return [chat]


def _runaway(phys: list[str], first: int, last: int, delimiter: str, width: int, ts_index: int | None) -> bool:
    """Whether the row on lines ``first``..``last`` (1-based) holds a quote that did not close
    where it should: the quote is still open at the end of the file, or a line inside the
    field reads as a row of its own (as many cells as the header, a time in the time column)."""
    if last == len(phys):
        raw = "".join(phys[first - 1:last])
        # A closing quote added at the end ends the row only if its quote was still open.
        if len(list(csv.reader(io.StringIO(raw + '"', newline=""), delimiter=delimiter))) == 1:
            return True
    for line in phys[first:last]:
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
        if len(cells) == width and (ts_index is None or _is_time(cells[ts_index])):
            return True
    return False


_TIME_LIKE = re.compile(r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?!\d)|^\s*\d{9,13}(?:\.\d+)?\s*$")


def _is_time(cell: str) -> bool:
    """A cell that reads as a date (ISO, d/m/y or m/d/y) or a Unix time."""
    return bool(_TIME_LIKE.match(cell))


def _unique(columns: list[str]) -> list[str]:
    """Header names made unique: a repeated name (a damaged header) gets `` (2)``, `` (3)``...;
    the first one keeps its name (and is the one a mapping picks)."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def parse_jsonl(source: Source, options: ParseOptions) -> list[Chat]:
    """Read JSON Lines: one object per line; lines that are not objects go to ``unparsed``."""
    objects: list[dict] = []
    starts: list[int] = []
    unparsed: list[UnparsedLine] = []
    for number, raw in enumerate(LINE_BREAK.split(source.text().lstrip("\ufeff")), start=1):
        if not raw.strip():
            continue
        try:
            obj = loads(raw)[0]
        except json.JSONDecodeError:
            unparsed.append(UnparsedLine(number, raw))
            continue
        if not isinstance(obj, dict):
            unparsed.append(UnparsedLine(number, raw))
            continue
        objects.append(obj)
        starts.append(number)
    frame = pd.DataFrame.from_records(objects) if objects else pd.DataFrame()
    columns = list(frame.columns)
    frame = frame.astype(object).where(frame.notna(), None)
    frame = _keep_original_line(frame)
    frame[LINE] = starts
    return [_to_chat(frame, columns, options, source, unparsed)]


def _keep_original_line(frame: pd.DataFrame) -> pd.DataFrame:
    if LINE in frame.columns:
        frame = frame.rename(columns={LINE: LINE + "_orig"})
    return frame


def _to_chat(frame: pd.DataFrame, available: list[str], options: ParseOptions, source: Source,
             unparsed: list[UnparsedLine]) -> Chat:
    mapping, canonical = _mapping(options, available, source.name)
    warnings: list[Note] = []
    for col in REQUIRED:
        if col not in mapping:
            raise OptionError(f"--columns must map {col!r}", hint="e.g. --columns timestamp=Time,sender=User,text=Message")
    if SENDER not in mapping and SENDER_ID not in mapping:
        raise OptionError("--columns must map 'sender' or 'sender_id'")
    cols: dict[str, object] = {}
    for canon, col in mapping.items():
        values = frame[col].map(lambda v: v if v is None or isinstance(v, str) else str(v))
        if canonical:
            values = values.str.replace(_NEUTRALISED, "", regex=True)
        cols[canon] = values
    text = pd.Series(cols[TEXT]).fillna("")
    cols[TEXT] = text
    if SENDER_ID not in cols:
        cols[SENDER_ID] = cols[SENDER]
        warnings.append(note("parse.no_sender_id_column"))
    if SENDER not in cols:
        cols[SENDER] = cols[SENDER_ID]
    cols[SENDER] = pd.Series(cols[SENDER]).fillna("")
    cols[SENDER_ID] = pd.Series(cols[SENDER_ID]).fillna("")

    times = _timestamps(pd.Series(cols[TIMESTAMP]), warnings)
    if KIND in cols:
        kinds = pd.Series(cols[KIND]).fillna("text").str.strip().str.lower()
        unknown = ~kinds.isin(KINDS)
        if unknown.any():
            warnings.append(note("parse.unknown_kinds", n=int(unknown.sum()), example=str(kinds[unknown].iloc[0])))
            kinds = kinds.where(~unknown, "text")
        cols[KIND] = kinds
    else:
        cols[KIND] = kinds_from_bodies(text.astype("string"))
    cols[LINE] = frame[LINE]
    if canonical and LINE in available:
        # Our own output keeps the line in the ORIGINAL export, so a round trip is exact.
        original = pd.to_numeric(frame[LINE + "_orig"] if LINE + "_orig" in frame else pd.Series(dtype=float),
                                 errors="coerce")
        # A line number that no 64-bit integer holds (a damaged file) is missing, not a crash.
        original = original.astype("float64")
        cols[LINE] = original.where(original.abs() < 2 ** 53).round().astype("Int64")
    bad = times.isna().to_numpy()
    if bad.any():
        for line, raw in zip(frame.loc[bad, LINE], pd.Series(cols[TIMESTAMP])[bad], strict=True):
            unparsed.append(UnparsedLine(int(line), f"timestamp not understood: {raw!r}"))
    keep = ~bad
    cols[TIMESTAMP] = times
    data = {k: pd.Series(v).reset_index(drop=True)[keep] for k, v in cols.items()}
    messages = build_messages(data)
    unparsed.sort(key=lambda u: u.line)
    return Chat(messages=messages, platform="generic", unparsed=unparsed, warnings=warnings)


def _timestamps(raw: pd.Series, warnings: list[Note]) -> pd.Series:
    raw = raw.fillna("").astype(str).str.strip()
    times = pd.to_datetime(raw, format="ISO8601", errors="coerce", utc=False)
    if times.isna().mean() > 0.5 and len(raw):
        mixed = pd.to_datetime(raw, format="mixed", errors="coerce")
        if mixed.notna().sum() > times.notna().sum():
            warnings.append(note("parse.timestamps_not_iso"))
            times = mixed
    return ns_series(times)


FORMATS = (
    LogFormat(
        name="generic-csv",
        platform="generic",
        title="CSV/TSV table (our canonical output, or any table with --columns)",
        how_to_export="Any spreadsheet or tool that writes CSV: map its columns with "
                      "--columns timestamp=Time,sender=User,text=Message",
        sniff=sniff_csv,
        parse=parse_csv,
        extensions=(".csv", ".tsv"),
    ),
    LogFormat(
        name="generic-jsonl",
        platform="generic",
        title="JSON Lines (our canonical output, or any JSONL with --columns)",
        how_to_export="One JSON object per line; map keys with --columns as for CSV",
        sniff=sniff_jsonl,
        parse=parse_jsonl,
        extensions=(".jsonl", ".ndjson"),
    ),
)


def mapping_format(head: str) -> str:
    """Which generic format fits a file given with ``--columns`` but no ``--log-format``."""
    return "generic-jsonl" if _first_line(head).lstrip().startswith("{") else "generic-csv"
