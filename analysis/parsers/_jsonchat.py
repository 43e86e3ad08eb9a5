"""The shared last steps of the JSON parsers: Arrow columns -> canonical message table.

Parsers collect columns (from pyarrow's JSON reader, or row by row with :class:`Columns`)
and hand them to :func:`assemble`, which converts absolute times to wall-clock time,
classifies the records flagged as system notices (:mod:`analysis.parsers._cn_notices`),
maps names in notices to ids, and builds the table. Everything is vectorised except the
notice classification, which touches only the (few) system records.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.notes import Note
from analysis.parsers._cn_notices import SELF, classify_notice
from analysis.parsers._common import DEFAULT_TZ_CN, ns_series, resolve_names, to_wall_clock
from analysis.parsers._json_stream import target_tz
from analysis.parsers._wechat import apply_system_events, system_events
from analysis.schema import (
    ACTOR_ID,
    EVENT_KINDS,
    KIND,
    KIND_DTYPE,
    LINE,
    MSG_ID,
    REPLY_TO,
    SENDER,
    SENDER_ID,
    STRING,
    TEXT,
    TIMESTAMP,
    Chat,
    UnparsedLine,
    build_messages,
    empty_messages,
)

BATCH_ROWS = 50_000
"""Rows gathered as Python values before they are turned into Arrow arrays."""

SYSTEM_ID = "system"
"""``sender_id`` of a system notice that names nobody and has no sender in the export."""
SYSTEM_NAME = "系统消息"


class Columns:
    """Accumulate rows of Python values into Arrow arrays, one batch at a time."""

    def __init__(self, schema: pa.Schema, batch_rows: int | None = None) -> None:
        self.schema = schema
        self._batch = batch_rows or BATCH_ROWS
        self._rows: list[tuple] = []
        self._chunks: dict[str, list[pa.Array]] = {name: [] for name in schema.names}
        self._count = 0

    def append(self, row: tuple) -> None:
        self._rows.append(row)
        if len(self._rows) >= self._batch:
            self._flush()

    def __len__(self) -> int:
        return self._count + len(self._rows)

    def _flush(self) -> None:
        if not self._rows:
            return
        for field, values in zip(self.schema, zip(*self._rows, strict=True), strict=True):
            try:
                arr = pa.array(values, type=field.type)
            except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError):
                # A damaged number (more digits than 64 bits hold): missing, not a crash.
                arr = pa.array([_fits(v, field.type) for v in values], type=field.type)
            self._chunks[field.name].append(arr)
        self._count += len(self._rows)
        self._rows = []

    def arrays(self) -> dict[str, pa.ChunkedArray]:
        """Every column as one chunked array."""
        self._flush()
        return {f.name: pa.chunked_array(self._chunks[f.name], type=f.type) for f in self.schema}


def _fits(value: Any, type_: pa.DataType) -> Any:
    """``value`` if Arrow can hold it as ``type_``, else None."""
    try:
        pa.scalar(value, type=type_)
    except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return value


def as_str(value: Any) -> str | None:
    """A JSON scalar as text (ids may be numbers in one export and strings in another)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return json.dumps(value, ensure_ascii=False)


def as_num(value: Any) -> float | None:
    """A JSON number, or a string of digits, as float; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def blank_to_null(arr: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Empty or all-space strings become missing (names and ids); unchanged (no copy) when
    there are none."""
    blank = pc.fill_null(pc.match_substring_regex(arr, r"^\s*$"), False)
    if not pc.any(blank).as_py():
        return arr
    return pc.if_else(blank, pa.scalar(None, pa.string()), arr)


def first_present(*arrays: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """``coalesce`` that returns the first array itself (no copy) when it has no gaps."""
    if arrays[0].null_count == 0 or len(arrays) == 1:
        return arrays[0]
    rest = [a for a in arrays[1:] if a.null_count < len(a)]
    return pc.coalesce(arrays[0], *rest) if rest else arrays[0]


def normalise_text(arr: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Missing bodies become ``""``; CRLF and lone CR inside bodies become ``\\n``."""
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    if pc.any(pc.match_substring(arr, "\r")).as_py():
        arr = pc.replace_substring_regex(arr, r"\r\n|\r", "\n")
    return arr


MS_THRESHOLD = 1e11
"""Epoch values above this are milliseconds, not seconds (1e11 s is the year 5138; 1e11 ms
is 1973), so exports that write either (QCE: ms; WeFlow, ChatLab: s) read the same."""


def zone(tz: str | None, default: str = DEFAULT_TZ_CN) -> tuple[str, list[Note]]:
    """The zone to show absolute times in, and the warnings to give.

    A ``--tz`` is checked (:func:`analysis.parsers._json_stream.target_tz`). Without one,
    QQ and WeChat exports use Asia/Shanghai silently (their users are in China, as the other
    QQ/WeChat parsers assume); any other default is named in a warning.

    Raises:
        OptionError: ``tz`` is not an IANA zone name.
    """
    if tz is not None:
        return target_tz(tz)
    if default == DEFAULT_TZ_CN:
        return default, []
    return target_tz(None, default)


def seconds_to_utc(seconds: pa.ChunkedArray | pa.Array | np.ndarray) -> pd.Series:
    """Unix epoch numbers (seconds, or ms above :data:`MS_THRESHOLD`; may be missing) as a
    tz-aware UTC series (missing -> NaT)."""
    values = seconds.to_numpy(zero_copy_only=False) if hasattr(seconds, "to_numpy") else seconds
    values = np.asarray(values, dtype="float64")
    ns = np.full(len(values), np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    ok = np.isfinite(values) & (np.abs(values) < 9.2e12)
    ms = ok & (np.abs(values) > MS_THRESHOLD)
    sec = ok & ~ms & (np.abs(values) < 9.2e9)
    # Whole and fractional parts apart, so float rounding never moves a time by a nanosecond.
    ns[ms] = np.round(values[ms]).astype(np.int64) * 1_000_000
    whole = np.floor(values[sec])
    ns[sec] = whole.astype(np.int64) * 1_000_000_000 + np.round((values[sec] - whole) * 1e9).astype(np.int64)
    return pd.Series(ns.view("datetime64[ns]")).dt.tz_localize("UTC")


def assemble(
    cols: dict[str, Any],
    *,
    utc: pd.Series | None,
    naive: pd.Series | None = None,
    tz: str,
    notice: np.ndarray | None = None,
    self_id: str | None = None,
    group: str = "",
    platform: str = "",
    unparsed: Sequence[UnparsedLine] = (),
    warnings: Sequence[Note] = (),
    roster: pd.DataFrame | None = None,
    aliases: Any = None,
    known: Sequence[tuple[Any, Any]] = (),
) -> Chat:
    """Build one Chat from column arrays.

    The string columns stay in Arrow buffers throughout (no Python string per message);
    only the notice rows and the messages of the members they name become a small pandas
    frame for classification.

    Args:
        cols: ``msg_id, sender_id, sender, kind, text, reply_to, line`` (Arrow or array-like;
            ``kind`` as strings). Rows with a missing time or ``sender_id`` go to ``unparsed``.
        utc: absolute times (tz-aware UTC), converted to wall-clock time in ``tz``.
        naive: wall-clock times used where ``utc`` is missing (exports with a local time string).
        notice: rows flagged as system notices by the export: their text decides
            kind/who/actor (:func:`classify_notice`, or the WeChat rules of
            :mod:`analysis.parsers._wechat` when ``platform`` is wechat).
        self_id: the exporting account's id, for notices that say ``你``.
        aliases: another name per row (the account name when ``sender`` is a group
            nickname): notices may use either.
        known: more ``(name, id)`` pairs (a member list). Names in notices are matched to
            ids through these and ``aliases`` first (when a name means one id only), then
            through the names on members' messages.
    """
    unparsed = list(unparsed)
    warnings = list(warnings)
    n = len(cols[LINE])
    if n == 0:
        return Chat(messages=empty_messages(), group=group, platform=platform,
                    unparsed=unparsed, warnings=warnings, roster=roster)
    ts = to_wall_clock(utc, tz) if utc is not None else pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    ts = ts.astype("datetime64[ns]").reset_index(drop=True)
    if naive is not None:
        ts = ts.where(ts.notna(), ns_series(naive.reset_index(drop=True)))
    ts_values = ts.to_numpy()
    del ts
    arr = {c: _arrow_str(cols[c]) for c in (MSG_ID, SENDER_ID, SENDER, TEXT, REPLY_TO)}
    arr[ACTOR_ID] = pa.chunked_array([pa.nulls(n, pa.string())])
    alias = _arrow_str(aliases) if aliases is not None else None
    kinds = np.asarray(_np(cols[KIND]), dtype=object)
    lines = _np(cols[LINE])
    mask = np.zeros(n, bool) if notice is None else np.asarray(notice, bool)
    if mask.any():
        # A notice with no sender in the export is the system's (it may name a member below).
        pa_mask = pa.array(mask)
        for col, value in ((SENDER_ID, SYSTEM_ID), (SENDER, SYSTEM_NAME)):
            fill = pc.and_(pa_mask, pc.is_null(arr[col]))
            if pc.any(fill).as_py():
                arr[col] = pc.if_else(fill, value, arr[col])

    bad = np.isnat(ts_values) | pc.is_null(arr[SENDER_ID]).to_numpy(zero_copy_only=False)
    if bad.any():
        ids = arr[MSG_ID].to_numpy(zero_copy_only=False)
        for i in np.flatnonzero(bad):
            why = "no usable time" if np.isnat(ts_values[i]) else "no sender"
            line = lines[i]
            unparsed.append(UnparsedLine(int(line) if pd.notna(line) else 0, f"record {ids[i]}: {why}"))
        keep = pa.array(~bad)
        arr = {c: a.filter(keep) for c, a in arr.items()}
        alias = alias.filter(keep) if alias is not None else None
        ts_values, kinds, lines, mask = ts_values[~bad], kinds[~bad], lines[~bad], mask[~bad]
    if mask.any():
        order, kinds, warns = _apply_notices(arr, kinds, lines, mask, alias, platform=platform,
                                             self_id=self_id, known=known)
        warnings += warns
        if order is not None:  # notices naming several members became several records
            ts_values, lines = ts_values[order], lines[order]
    arr[SENDER] = first_present(arr[SENDER], arr[SENDER_ID])
    pa.default_memory_pool().release_unused()
    if arr[MSG_ID].null_count:
        line_ids = pc.binary_join_element_wise("L", pa.array(lines, pa.int64()).cast(pa.string()), "")
        arr[MSG_ID] = pc.coalesce(arr[MSG_ID], line_ids)
    frame = pd.DataFrame({
        MSG_ID: pd.array(arr.pop(MSG_ID), dtype=STRING),
        TIMESTAMP: ts_values,
        SENDER_ID: pd.array(arr.pop(SENDER_ID), dtype=STRING),
        SENDER: pd.array(arr.pop(SENDER), dtype=STRING),
        KIND: pd.Categorical(kinds, dtype=KIND_DTYPE),
        TEXT: pd.array(arr.pop(TEXT), dtype=STRING),
        REPLY_TO: pd.array(arr.pop(REPLY_TO), dtype=STRING),
        ACTOR_ID: pd.array(arr.pop(ACTOR_ID), dtype=STRING),
        LINE: pd.array(lines, dtype="Int64"),
    })
    del kinds, ts_values
    ordered = bool(frame[TIMESTAMP].is_monotonic_increasing)
    messages = build_messages({c: frame.pop(c) for c in list(frame.columns)}, sort=not ordered)
    return Chat(messages=messages, group=group, platform=platform, unparsed=unparsed,
                warnings=warnings, roster=roster)


def _arrow_str(values: Any) -> pa.ChunkedArray:
    if isinstance(values, pa.ChunkedArray):
        return values if values.type == pa.string() else values.cast(pa.string())
    if isinstance(values, pa.Array):
        return pa.chunked_array([values if values.type == pa.string() else values.cast(pa.string())])
    return pa.chunked_array([pa.array(pd.Series(values, dtype=object).where(pd.notna(values), None)
                                      .tolist(), pa.string())])


def _np(values: Any) -> np.ndarray:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.to_numpy(zero_copy_only=False)
    return np.asarray(values)


_ALIAS = "__alias_name"
_POS = "__row_position"
_EDITED = (MSG_ID, SENDER_ID, SENDER, ACTOR_ID)


def _apply_notices(arr: dict[str, pa.ChunkedArray], kinds: np.ndarray, lines: np.ndarray,
                   mask: np.ndarray, alias: pa.ChunkedArray | None, *, platform: str,
                   self_id: str | None, known: Sequence[tuple[Any, Any]],
                   ) -> tuple[np.ndarray | None, np.ndarray, list[Note]]:
    """Classify the notice rows and name their members (``arr`` is updated in place).

    Name resolution needs only the notices and, for each name they mention, the distinct
    ids that name was used with on members' messages (and in ``alias``/``known``). Those
    become a small frame (however long the log), the notices are processed there, and the
    results are written back with Arrow's ``replace_with_mask``.

    Returns:
        ``(order, kinds, warnings)``: ``order`` is None when every notice stayed one record;
        else the row indices that expand the other columns (a notice naming several members
        became several records, which ``arr`` and the returned ``kinds`` already hold).
    """
    idx = np.flatnonzero(mask)
    take = pa.array(idx)
    notices = pd.DataFrame({c: pd.Series(arr[c].take(take).to_pylist(), dtype=object)
                            for c in (MSG_ID, SENDER_ID, SENDER, TEXT, ACTOR_ID)})
    notices[TEXT] = notices[TEXT].fillna("")
    notices[KIND] = kinds[idx]
    notices[LINE] = pd.array(lines[idx], dtype="Int64")
    notices[_POS] = idx
    if platform == "wechat":
        events = system_events(notices[TEXT])
        mentioned = {n for names in events["who"] for n in names} | set(events["actor"].dropna())
    else:
        mentioned = {n for t in notices[TEXT] for n in classify_notice(t)[1:] if n}
    names = pa.array(sorted(mentioned - {SELF}), pa.string())

    # Distinct (name, id) pairs of members' own messages, for the names mentioned only.
    spoke = ~(mask | np.isin(kinds, list(EVENT_KINDS)))
    own_pairs = _distinct_pairs(arr[SENDER], arr[SENDER_ID], spoke, names)
    alias_pairs = (_distinct_pairs(alias, arr[SENDER_ID], spoke, names) if alias is not None
                   else [])
    reference = pd.DataFrame({
        MSG_ID: [f"__ref{i}" for i in range(len(own_pairs))],
        SENDER_ID: [i for _, i in own_pairs], SENDER: [n for n, _ in own_pairs],
        TEXT: "", ACTOR_ID: None, KIND: "text", LINE: pd.array([None] * len(own_pairs), dtype="Int64"),
        _POS: -1,
    })
    self_name = None
    if self_id is not None:
        mine = pc.fill_null(pc.equal(arr[SENDER_ID], self_id), False).to_numpy(zero_copy_only=False)
        own = np.flatnonzero(mine & spoke)
        self_name = arr[SENDER][int(own[-1])].as_py() if len(own) else None

    sub = pd.concat([notices, reference], ignore_index=True)
    sub_mask = np.zeros(len(sub), bool)
    sub_mask[: len(notices)] = True
    ids = _known_ids([*known, *alias_pairs])
    if platform == "wechat":
        sub, warns = apply_system_events(sub, sub_mask, self_id=self_id, self_name=self_name,
                                         known_ids=ids)
        done = sub[sub[_POS].to_numpy() >= 0].reset_index(drop=True)
    else:
        warns = _classify(sub, sub_mask, self_id, self_name, ids)
        done = sub[sub_mask].reset_index(drop=True)
    order = None
    target = mask
    if len(done) != len(idx):
        # Repeat each notice row once per member it names; then write the records over them.
        counts = np.ones(len(mask), dtype=np.int64)
        per_notice = done.groupby(_POS, sort=False).size()
        counts[per_notice.index.to_numpy()] = per_notice.to_numpy()
        order = np.repeat(np.arange(len(mask)), counts)
        take_all = pa.array(order)
        for col in list(arr):
            arr[col] = arr[col].take(take_all)
        kinds = kinds[order]
        target = mask[order]
    pa_target = pa.array(target)
    for col in _EDITED:
        values = pa.array(done[col].astype(object).where(done[col].notna(), None).tolist(), pa.string())
        arr[col] = pc.replace_with_mask(arr[col], pa_target, values)
    kinds = kinds.copy() if order is None else kinds
    kinds[np.flatnonzero(target)] = done[KIND].astype(object).to_numpy()
    return order, kinds, warns


def _distinct_pairs(names: pa.ChunkedArray, ids: pa.ChunkedArray, rows: np.ndarray,
                    wanted: pa.Array) -> list[tuple[str, str]]:
    """Distinct ``(name, id)`` pairs over ``rows`` whose name is in ``wanted``."""
    if not len(wanted):
        return []
    keep = pc.and_(pa.array(rows), pc.fill_null(pc.is_in(names, value_set=wanted), False))
    table = pa.table({"n": names, "i": ids}).filter(keep)
    table = table.group_by(["n", "i"]).aggregate([])
    return [(n, i) for n, i in zip(table.column("n").to_pylist(), table.column("i").to_pylist(),
                                   strict=True) if n is not None and i is not None]


def _known_ids(pairs: Sequence[tuple[Any, Any]]) -> dict[str, str]:
    """Name -> id for the names that mean exactly one id among ``pairs``."""
    if not pairs:
        return {}
    frame = pd.DataFrame(list(pairs), columns=["name", "id"]).dropna().astype(str).drop_duplicates()
    frame = frame[frame["name"].str.strip() != ""]
    unique = frame.groupby("name")["id"].transform("nunique") == 1
    return dict(zip(frame.loc[unique, "name"], frame.loc[unique, "id"], strict=True))


def _resolve_known(frame: pd.DataFrame, names: pd.Series,
                   known: dict[str, str]) -> tuple[pd.Series, list[Note]]:
    known_ids = names.map(known) if known else pd.Series(None, index=names.index, dtype=object)
    ids, warnings = resolve_names(frame, names.where(known_ids.isna()))
    return known_ids.where(known_ids.notna(), ids), warnings


def _classify(frame: pd.DataFrame, mask: np.ndarray, self_id: str | None,
              self_name: str | None, known: dict[str, str]) -> list[Note]:
    """QQ notices: kinds, members and actors of the notice rows, in place; returns warnings.
    (WeChat notices go through :func:`analysis.parsers._wechat.apply_system_events`.)"""
    idx = np.flatnonzero(mask)
    texts = frame[TEXT].to_numpy(dtype=object)[idx]
    old_kinds = frame[KIND].astype(object).to_numpy()[idx]
    kinds, who, actor = [], [], []
    for text, old in zip(texts, old_kinds, strict=True):
        kind, w, a = classify_notice(text)
        if kind == "system" and w is None and old == "recall":
            kind = "recall"  # the export said recall; keep its sender
        kinds.append(kind)
        who.append(w)
        actor.append(a if kind != "system" else None)  # actor_id is for join/leave/recall
    kind_values = frame[KIND].astype(object).to_numpy(copy=True)
    kind_values[idx] = kinds
    frame[KIND] = pd.Categorical(kind_values, dtype=KIND_DTYPE)

    warnings: list[Note] = []
    who_s = pd.Series(None, index=frame.index, dtype=object)
    actor_s = pd.Series(None, index=frame.index, dtype=object)
    who_s.iloc[idx] = who
    actor_s.iloc[idx] = actor
    ids, warn = _resolve_known(frame, who_s.where(who_s != SELF), known)
    warnings += warn
    actor_ids, warn_a = _resolve_known(frame, actor_s.where(actor_s != SELF), known)
    if not warn:
        warnings += warn_a
    if self_id is not None:
        ids = ids.where(who_s != SELF, self_id)
        actor_ids = actor_ids.where(actor_s != SELF, self_id)
    else:
        ids = ids.where(who_s != SELF, SELF)
        actor_ids = actor_ids.where(actor_s != SELF, SELF)
    has_who = who_s.notna().to_numpy()
    names = who_s.where(who_s != SELF, self_name or SELF)
    frame.loc[has_who, SENDER_ID] = ids[has_who].astype(str).to_numpy()
    frame.loc[has_who, SENDER] = names[has_who].astype(str).to_numpy()
    has_actor = actor_s.notna().to_numpy()
    frame.loc[has_actor, ACTOR_ID] = actor_ids[has_actor].astype(str).to_numpy()
    return warnings


def kinds_by_code(codes: Any, table: dict[Any, str | None], texts: pa.ChunkedArray | pa.Array,
                  fallback: Any) -> np.ndarray:
    """Kind per row from an export's type code; codes mapped to None (or unknown) fall back to
    ``fallback(texts)`` (body placeholders). Returns an object array of kind names."""
    keys = list(table)
    if isinstance(codes, (pa.Array, pa.ChunkedArray)):
        codes_arr = codes
    else:
        codes_arr = pa.array(codes)
    key_type = codes_arr.type
    index = pc.index_in(codes_arr, value_set=pa.array(keys, type=key_type)).to_numpy(zero_copy_only=False)
    found = ~np.isnan(index.astype(float))
    values = np.array([table[k] for k in keys] + [None], dtype=object)
    kinds = values[np.where(found, np.nan_to_num(index.astype(float), nan=len(keys)), len(keys)).astype(int)]
    missing = pd.isna(kinds)
    if missing.any():
        body = np.asarray(fallback(texts), dtype=object)
        kinds[missing] = body[missing]
    return kinds
