"""Helpers shared by parsers: media placeholders, time zones, identity by name, line accounting."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import ParseError
from analysis.notes import Note, note
from analysis.schema import EVENT_KINDS, KIND, KIND_DTYPE, SENDER, SENDER_ID, UnparsedLine
from analysis.source import LINE_BREAK

DEFAULT_TZ_CN = "Asia/Shanghai"
"""Default zone for absolute times in QQ and WeChat exports (FORMATS.md: their users are in China)."""
DEFAULT_TZ = "UTC"
"""Default zone for absolute times in other platforms' exports; a warning says so."""

# A body that is exactly one of these is that kind of message. Vocabularies from FORMATS.md
# §1a (QQ classic), §1b (QCE), §2 (WeChat exporters). Emoji codes like [捂脸] are text.
PLACEHOLDER_KINDS: dict[str, str] = {
    "[图片]": "image", "【图片】": "image", "[照片]": "image",
    "[表情]": "sticker", "[动画表情]": "sticker", "[表情包]": "sticker", "【表情包】": "sticker",
    "[GIF表情]": "sticker", "[表情消息]": "sticker",
    "[语音]": "voice", "【语音】": "voice",
    "[视频]": "video", "【视频】": "video",
    "[文件]": "file", "【文件】": "file",
    "[位置]": "location", "【位置分享】": "location",
    "[红包]": "red_packet", "[QQ红包]": "red_packet", "【红包】": "red_packet",
    "[转账]": "transfer",
    "[名片]": "card", "[个人名片]": "card", "[链接]": "link", "[小程序]": "card",
    "[视频/语音通话]": "call", "[语音通话]": "call", "[视频通话]": "call",
}

def inside_folder(folder: Path, entry: str | os.PathLike[str], *, name: str, what: str) -> Path:
    """``folder / entry`` resolved (symlinks followed), refused unless it stays inside ``folder``.

    Every path an export names (QCE chunks, Slack channel folders and users.json, PyWxDump's
    users.json) goes through this: an absolute path, ``..`` or a symlink pointing out of the
    export's own folder would let a crafted export read any file on disk.

    Raises:
        ParseError: naming the entry (``what`` says what it is) and the file ``name``.
    """
    root = Path(folder).resolve()
    try:
        path = (root / entry).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL in the name
        raise ParseError(f"{what} {str(entry)!r} cannot be followed: {exc}", path=name) from None
    if not path.is_relative_to(root):
        raise ParseError(f"{what} {str(entry)!r} points outside the export's folder ({path})", path=name,
                         hint="an export only names files inside its own folder; this one is damaged "
                              "or crafted")
    return path


_URL_ONLY = re.compile(r"^\s*https?://\S+\s*$")


def kinds_from_bodies(texts: pd.Series, default: str = "text") -> pd.Series:
    """Kind of each message from its body alone (vectorised).

    A body that is exactly one known placeholder takes that placeholder's kind; a body
    that starts with a red-packet placeholder is a red packet; a body that is only a
    URL is a link; anything else is ``default``.
    """
    stripped = texts.str.strip()
    kinds = stripped.map(PLACEHOLDER_KINDS)
    red = stripped.str.startswith("[QQ红包]") | stripped.str.startswith("[红包]")
    kinds = kinds.where(kinds.notna(), np.where(red.fillna(False), "red_packet", None))
    link = stripped.str.match(_URL_ONLY).fillna(False)
    kinds = kinds.where(kinds.notna(), np.where(link, "link", None))
    return kinds.fillna(default).astype(object)


_PLACEHOLDER_KEYS = pa.array(list(PLACEHOLDER_KINDS), pa.string())
_PLACEHOLDER_VALUES = np.array(list(PLACEHOLDER_KINDS.values()), dtype=object)


def arrow_kinds(texts: pa.Array, default: str = "text") -> pd.Categorical:
    """:func:`kinds_from_bodies` for an Arrow string array, computed in Arrow (fast path)."""
    stripped = pc.utf8_trim_whitespace(texts)
    index = pc.index_in(stripped, value_set=_PLACEHOLDER_KEYS).to_numpy(zero_copy_only=False)
    found = ~np.isnan(index.astype(float))
    kinds = np.full(len(texts), default, dtype=object)
    kinds[found] = _PLACEHOLDER_VALUES[index[found].astype(int)]
    red = pc.or_(pc.starts_with(stripped, "[QQ红包]"), pc.starts_with(stripped, "[红包]"))
    red = pc.fill_null(red, False).to_numpy(zero_copy_only=False) & ~found
    kinds[red] = "red_packet"
    link = pc.fill_null(pc.match_substring_regex(texts, _URL_ONLY.pattern), False)
    link = link.to_numpy(zero_copy_only=False) & ~found & ~red
    kinds[link] = "link"
    return pd.Categorical(kinds, dtype=KIND_DTYPE)


def arrow_strings(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Wrap an Arrow string array as a canonical ``string[pyarrow]`` Series without copying."""
    # pandas keeps large_string; anything else would be copied on the way in.
    if values.type != pa.large_string():
        values = pc.cast(values, pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(values))


def to_wall_clock(utc: pd.Series, tz: str) -> pd.Series:
    """Convert tz-aware (or UTC-naive) times to naive wall-clock time in ``tz``
    (``datetime64[ns]``; a time nanoseconds cannot hold becomes NaT, see :func:`to_ns`)."""
    if not isinstance(utc.dtype, pd.DatetimeTZDtype):
        utc = utc.dt.tz_localize("UTC")
    return ns_series(utc.dt.tz_convert(tz).dt.tz_localize(None))


def resolve_names(
    messages: pd.DataFrame, name_only: pd.Series
) -> tuple[pd.Series, list[Note]]:
    """Map display names found in event texts (``X加入本群``) to sender ids.

    ``name_only`` holds, for each row, a display name taken from an event text (or NA).
    A name maps to the id of the member's own messages when exactly one id used that
    name; otherwise the name itself becomes the id and a warning says so
    (``parse.notice_names_unresolved``).

    Returns:
        (ids, warnings): ids aligned with ``name_only`` (NA where it was NA).
    """
    wanted = name_only.dropna()
    ids = pd.Series(pd.NA, index=name_only.index, dtype=object)
    if wanted.empty:
        return ids, []
    spoke = messages.loc[~messages[KIND].isin(EVENT_KINDS), [SENDER, SENDER_ID]]
    spoke = spoke[spoke[SENDER].isin(pd.unique(wanted.astype(str)))]
    by_name = spoke.groupby(SENDER, observed=True)[SENDER_ID].nunique()
    unique_names = by_name[by_name == 1].index
    lookup = spoke[spoke[SENDER].isin(unique_names)].drop_duplicates(SENDER).set_index(SENDER)[SENDER_ID]
    ids[wanted.index] = wanted.map(lookup).astype(object)
    unresolved = name_only.notna() & ids.isna()
    warnings = []
    if unresolved.any():
        warnings.append(note("parse.notice_names_unresolved", n=int(name_only[unresolved].nunique())))
    return ids.where(~unresolved, name_only), warnings


def unparsed_lines(text: str, first_line: int, *, ignore: Iterable[re.Pattern[str]] = ()) -> list[UnparsedLine]:
    """Every non-blank physical line of ``text`` that no ``ignore`` pattern matches.

    ``first_line`` is the 1-based number of the first line of ``text``.
    """
    out = []
    patterns = tuple(ignore)
    for offset, line in enumerate(LINE_BREAK.split(text)):
        if line.strip() and not any(p.match(line) for p in patterns):
            out.append(UnparsedLine(first_line + offset, line))
    return out


# Record readers and quote linking shared by the WeChat parsers (PyWxDump, chatlog); nothing
# in them is specific to one format. Their imports are local: this block was appended whole.

def csv_records(text: str) -> tuple[list[str] | None, list[list[str]], list[int],
                                    list[tuple[int, int, list[str] | None, str]]]:
    """Read CSV text (a leading BOM ignored) row by row with physical line numbers.

    Returns:
        ``(header, rows, lines, bad)``: the header cells, stripped (None when the text has
        no row at all); the rows with as many cells as the header; the 1-based line where
        each of those starts; and the rows that cannot be used, as ``(first line, last line,
        cells, why)``: a row with the wrong number of cells, or a CSV error, which ends the
        reading (cells None, last line the text's last). Blank rows are skipped.
    """
    import csv
    import io

    from analysis.source import count_lines

    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    first = next(reader, None)
    header = None if first is None else [cell.strip() for cell in first]
    width = len(header or [])
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[tuple[int, int, list[str] | None, str]] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if row and not (len(row) == 1 and not row[0].strip()):
                if len(row) == width:
                    rows.append(row)
                    lines.append(start)
                else:
                    bad.append((start, reader.line_num, row, f"{len(row)} fields where the header has {width}"))
            start = reader.line_num + 1
    except csv.Error as exc:
        bad.append((start, count_lines(text), None, f"CSV error: {exc}"))
    return header, rows, lines, bad


def read_json_records(text: str, name: str) -> list[tuple[int, object]]:
    """The elements of a top-level JSON array (or of the first array value of a top-level
    object, ``"items"`` preferred, e.g. ``{"items": [...]}``), each with the 1-based line
    where it starts. ``null`` gives no elements.

    Raises:
        ParseError: the text is not JSON (with the line of the first error), or holds no
            list of records.
    """
    import json

    from analysis.errors import ParseError
    from analysis.parsers._json_stream import loads

    body = text.lstrip("\ufeff")
    try:
        data = loads(body)[0]
    except json.JSONDecodeError as exc:
        raise ParseError(f"not valid JSON: {exc.msg}", path=name, line=exc.lineno,
                         hint="the export may be cut short; export it again") from None
    if isinstance(data, dict):
        arrays = [k for k, v in data.items() if isinstance(v, list)]
        if not arrays:
            raise ParseError("a JSON object without a list of messages", path=name, line=1,
                             hint="give the file the exporter wrote")
        key = "items" if "items" in arrays else arrays[0]
        items = data[key]
        start = re.search(rf'"{re.escape(key)}"\s*:\s*\[', body)
        pos = start.end() if start else 0
    elif isinstance(data, list):
        items = data
        pos = body.index("[") + 1
    elif data is None:
        return []
    else:
        raise ParseError("JSON is not a list of messages", path=name, line=1, hint="give the file the exporter wrote")
    return list(zip(_element_lines(body, pos, items), items, strict=True))


def _element_lines(body: str, pos: int, items: list[object]) -> list[int]:
    """1-based line where each element of the array opening at ``pos`` starts.

    Pretty-printed exports put every element's ``{`` on its own line at one indentation: those
    lines are found with one regex. A compact file (all on one line) gives line 1 for all.
    Anything else is scanned element by element.
    """
    import json

    if not items:
        return []
    first = re.compile(r"[\s,]*").match(body, pos).end()
    line_start = body.rfind("\n", 0, first) + 1
    indent = body[line_start:first]
    codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
    breaks = np.flatnonzero(codes == 10)
    if len(breaks) == 0 or (len(breaks) == 1 and breaks[0] == len(body) - 1):
        return [1] * len(items)
    if not indent.strip() and body[first] in "{[":
        starts = [m.end() - 1 for m in re.finditer(rf"^{re.escape(indent)}[{{\[]", body[line_start:], re.M)]
        if len(starts) == len(items):
            return (np.searchsorted(breaks, np.array(starts) + line_start, side="left") + 1).tolist()
    decoder = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    starts = []
    for _ in items:
        pos = ws.match(body, pos).end()
        starts.append(pos)
        _, pos = decoder.raw_decode(body, pos)
    return (np.searchsorted(breaks, np.array(starts), side="left") + 1).tolist()


def link_replies(frame: pd.DataFrame, when: pd.Series, who: pd.Series, *, by: str) -> pd.DataFrame:
    """Set ``reply_to`` where a quote names (time, sender) of exactly one other message.

    ``when``/``who`` are aligned with ``frame`` (missing where a row quotes nothing); ``by`` is
    the column ``who`` is compared with (``sender_id``, ``sender`` or even ``text``). Events
    are never quoted. When either side has no seconds (a spreadsheet-damaged export) the match
    is to the minute.
    """
    from analysis.schema import MSG_ID, REPLY_TO, TIMESTAMP

    has = when.notna() & who.notna() & (who != "")
    if not has.any():
        return frame
    frame = frame.copy()
    minute = bool((frame[TIMESTAMP].dt.second == 0).all()) or bool((when[has].dt.second == 0).all())
    unit = "min" if minute else "s"
    cand = frame[~frame[KIND].isin(EVENT_KINDS)]
    keys = pd.DataFrame({"t": cand[TIMESTAMP].dt.floor(unit), "w": cand[by].astype(str),
                         "target": cand[MSG_ID].astype(str)})
    keys = keys.drop_duplicates(["t", "w", "target"])
    counts = keys.groupby(["t", "w"])["target"].transform("size")
    keys = keys[counts == 1]
    ask = pd.DataFrame({"t": when[has].dt.floor(unit), "w": who[has].astype(str), "_i": frame.index[has]})
    hit = ask.merge(keys, on=["t", "w"], how="inner")
    hit = hit[hit["target"].to_numpy() != frame.loc[hit["_i"], MSG_ID].astype(str).to_numpy()]
    frame[REPLY_TO] = frame[REPLY_TO].astype(object)
    frame.loc[hit["_i"].to_numpy(), REPLY_TO] = hit["target"].to_numpy()
    return frame


# Times a message table can hold. Appended for the reliability sweep (issue 10).

NS_FIRST = np.datetime64("1678-01-01T00:00:00", "s")
NS_END = np.datetime64("2262-01-01T00:00:00", "s")
"""The canonical ``timestamp`` is ``datetime64[ns]``, which ends in April 2262 and starts in
1677: a stamp outside [1678, 2262) (a damaged year such as 9999 or 0032) is an impossible time."""


def to_ns(values: object) -> np.ndarray:
    """Times of any unit (numpy, pandas or Arrow) as ``datetime64[ns]``, with NaT where a
    time falls outside what nanoseconds can hold (instead of an overflow error)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = values.to_numpy(zero_copy_only=False)
    elif isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_localize(None)
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        arr = arr.astype("datetime64[s]")
    if np.datetime_data(arr.dtype)[0] == "ns":
        return arr
    ok = (arr >= NS_FIRST) & (arr < NS_END)
    out = np.full(arr.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    out[ok] = arr[ok].astype("datetime64[ns]")
    return out


def ns_series(values: pd.Series) -> pd.Series:
    """:func:`to_ns` for a Series, keeping its index."""
    return pd.Series(to_ns(values), index=values.index)
