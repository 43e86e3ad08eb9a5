"""The canonical message table: the one contract between parsers and analysers.

Every parser returns :class:`Chat` objects whose ``messages`` frame has exactly the
columns in :data:`MESSAGE_COLUMNS`, in that order, with the dtypes in :data:`DTYPES`,
sorted stably by ``(timestamp, line)`` and with a fresh ``RangeIndex``.
Analysers refer to columns only through the constants below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import SchemaError
from analysis.notes import Note

MSG_ID = "msg_id"
"""The export's own message id; ``L<line>`` when the export has none."""
TIMESTAMP = "timestamp"
"""Naive wall-clock time as the export shows it; absolute sources are converted to ``tz``."""
SENDER_ID = "sender_id"
"""Stable identity (QQ number, wxid, platform user id, phone); the display name when the export has none."""
SENDER = "sender"
"""The display name on this message (names change over time; identity is ``sender_id``)."""
KIND = "kind"
"""What the record is: one of :data:`KINDS`."""
TEXT = "text"
"""The body, multi-line joined with ``\\n``; media placeholders kept as exported."""
REPLY_TO = "reply_to"
"""``msg_id`` this message replies to, where the export says; else missing."""
ACTOR_ID = "actor_id"
"""For join/leave: who invited or removed the member (``sender_id`` is the member)."""
LINE = "line"
"""1-based line in the source file where the record starts; missing for sources without lines."""

MESSAGE_COLUMNS: tuple[str, ...] = (
    MSG_ID, TIMESTAMP, SENDER_ID, SENDER, KIND, TEXT, REPLY_TO, ACTOR_ID, LINE,
)

KINDS: tuple[str, ...] = (
    "text", "image", "sticker", "voice", "video", "file", "link", "card", "red_packet",
    "transfer", "location", "call", "poll", "recall", "join", "leave", "system",
)
"""Every allowed value of ``kind``, in a fixed order (the categorical's categories)."""

EVENT_KINDS: frozenset[str] = frozenset({"recall", "join", "leave", "system"})
"""Kinds that are events about members, not members' own words. Analysers that count
messages leave these out."""

MEDIA_KINDS: frozenset[str] = frozenset(
    {"image", "sticker", "voice", "video", "file", "location", "call", "poll"}
)
"""Kinds whose body is (mostly) a media placeholder rather than typed text."""

STRING = pd.StringDtype("pyarrow")
KIND_DTYPE = pd.CategoricalDtype(categories=list(KINDS), ordered=False)

DTYPES: dict[str, Any] = {
    MSG_ID: STRING,
    TIMESTAMP: "datetime64[ns]",
    SENDER_ID: STRING,
    SENDER: STRING,
    KIND: KIND_DTYPE,
    TEXT: STRING,
    REPLY_TO: STRING,
    ACTOR_ID: STRING,
    LINE: "Int64",
}

_NON_NULL = (MSG_ID, TIMESTAMP, SENDER_ID, SENDER, KIND, TEXT)


def empty_messages() -> pd.DataFrame:
    """Return a correctly typed zero-row message table."""
    return pd.DataFrame({col: pd.Series([], dtype=DTYPES[col]) for col in MESSAGE_COLUMNS})


def build_messages(columns: dict[str, Any], *, sort: bool = True) -> pd.DataFrame:
    """Assemble a message table from column arrays, casting each to its canonical dtype.

    Args:
        columns: column name -> sequence or array. Missing optional columns
            (``reply_to``, ``actor_id``, ``line``) are filled with missing values;
            a missing ``msg_id`` is derived from ``line`` as ``L<line>``.
        sort: sort stably by ``(timestamp, line)`` (file order breaks ties).

    Returns:
        A frame that passes :func:`validate`.
    """
    n = len(next(iter(columns.values()))) if columns else 0
    data: dict[str, Any] = {}
    for col in MESSAGE_COLUMNS:
        if col in columns:
            values = columns[col]
        elif col in (REPLY_TO, ACTOR_ID, LINE):
            values = [None] * n
        elif col == MSG_ID and LINE in columns:
            values = _line_ids(columns[LINE])
        else:
            raise SchemaError(f"column {col!r} is missing")
        data[col] = _cast(col, values)
    frame = pd.DataFrame(data)
    return sort_messages(frame) if sort else frame


def sort_messages(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort stably by ``(timestamp, line)``; a frame already in that order is returned as is."""
    if len(frame) and not _in_order(frame):
        frame = frame.sort_values([TIMESTAMP, LINE], kind="stable", na_position="last")
        frame = frame.reset_index(drop=True)
    return frame


def _in_order(frame: pd.DataFrame) -> bool:
    """Already sorted by (timestamp, line)? (Most exports are; sorting copies every column.)"""
    ts = frame[TIMESTAMP].to_numpy()
    if frame[TIMESTAMP].isna().any():
        return False
    steps = np.diff(ts.astype("int64"))
    if (steps < 0).any():
        return False
    ties = steps == 0
    if not ties.any():
        return True
    lines = frame[LINE].to_numpy(dtype="float64", na_value=np.inf)
    with np.errstate(invalid="ignore"):  # inf - inf (two rows without a line) is NaN: not in order
        return bool((np.diff(lines)[ties] >= 0).all())


def _line_ids(lines: Any) -> pd.Series:
    """``L<line>`` ids, computed in Arrow."""
    arr = pa.array(pd.Series(lines, dtype="Int64").to_numpy(dtype="float64", na_value=np.nan),
                   from_pandas=True).cast(pa.int64())
    ids = pc.binary_join_element_wise("L", pc.cast(arr, pa.string()), "")
    return pd.Series(pd.array(ids, dtype=STRING))


def _cast(col: str, values: Any) -> pd.Series:
    dtype = DTYPES[col]
    if col == TIMESTAMP:
        series = pd.Series(values)
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
        return series.astype("datetime64[ns]")
    if isinstance(values, pd.Series):
        values = values.reset_index(drop=True)
    if col == KIND and not isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        unknown = set(pd.unique(pd.Series(values, dtype=object).dropna())) - set(KINDS)
        if unknown:
            raise SchemaError(f"unknown kind(s) {sorted(unknown)}; allowed: {', '.join(KINDS)}")
    return pd.Series(values, dtype=dtype) if not isinstance(values, pd.Series) else values.astype(dtype)


def validate(messages: pd.DataFrame) -> pd.DataFrame:
    """Check that ``messages`` follows the contract; return it unchanged.

    Raises:
        SchemaError: naming the first missing, extra or mistyped column, a missing
            value in a required column, or an unknown ``kind``.
    """
    cols = tuple(messages.columns)
    if cols != MESSAGE_COLUMNS:
        missing = [c for c in MESSAGE_COLUMNS if c not in cols]
        extra = [c for c in cols if c not in MESSAGE_COLUMNS]
        raise SchemaError(
            f"message table columns must be {list(MESSAGE_COLUMNS)} in order"
            f" (missing {missing}, extra {extra})"
        )
    for col in MESSAGE_COLUMNS:
        if str(messages[col].dtype) != str(pd.Series([], dtype=DTYPES[col]).dtype):
            raise SchemaError(f"column {col!r} has dtype {messages[col].dtype}, expected {DTYPES[col]}")
        if col in _NON_NULL and messages[col].isna().any():
            row = int(messages.index[messages[col].isna()][0])
            raise SchemaError(f"column {col!r} has a missing value at row {row}")
    return messages


@dataclass(frozen=True)
class UnparsedLine:
    """A non-blank source line that no record took."""

    line: int
    """1-based line number in the source."""
    text: str
    """The line as it stands in the source (without its line break)."""


@dataclass
class Chat:
    """One conversation read from an export: the message table plus what is known about it.

    Nothing is lost: every non-blank input line ends up in a record (``messages.line``
    points at its first line) or in ``unparsed``.
    """

    messages: pd.DataFrame
    """The canonical message table (see :data:`MESSAGE_COLUMNS`)."""
    group: str = ""
    """Group (conversation) name, from the export; the file stem when it has none."""
    platform: str = ""
    """qq, wechat, telegram, whatsapp, discord, slack, line or generic."""
    format: str = ""
    """The input format name from the registry (e.g. ``qq-txt``)."""
    source: str = ""
    """Path of the file read (``-`` for standard input)."""
    encoding: str = ""
    """The text encoding used to decode the source."""
    lines_total: int = 0
    """Physical lines in the source (CRLF, lone LF and lone CR each end one line)."""
    unparsed: list[UnparsedLine] = field(default_factory=list)
    """Every non-blank line that no record took, with its line number."""
    warnings: list[Note] = field(default_factory=list)
    """Assumptions the parser made (day-first dates, identity by name only, ...), as ``parse.*``
    codes with their figures; ``cli/catalogue_parse.py`` words them (and the coverage line)."""
    roster: pd.DataFrame | None = None
    """Known members from the export or ``--roster``: columns ``sender_id, sender, role, joined``."""

    @property
    def unparsed_count(self) -> int:
        """How many non-blank lines were not understood."""
        return len(self.unparsed)


ROSTER_COLUMNS: tuple[str, ...] = ("sender_id", "sender", "role", "joined")
"""Columns of :attr:`Chat.roster`. ``role`` is owner, admin or member (or missing);
``joined`` a naive timestamp or missing."""
