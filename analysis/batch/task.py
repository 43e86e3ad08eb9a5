"""The per-file task: one input in, one small picklable :class:`GroupResult` per group out.

:func:`audit_file` (and :func:`_task`, what the engines send to a worker) reads an export file
or folder, audits every conversation in it and returns the summary row of each group
(:data:`analysis.report.SUMMARY_COLUMNS`) plus what the cross-group findings need: the spam
evidence of the group and its members with global ids (the *payloads*, plain lists, so a
worker ships them back cheaply and the cache stores them as JSON). It never raises for a bad
input: a file that cannot be read becomes a row with ``status`` ``error`` and a one-line error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.config import Config
from analysis.errors import AuditError, UnknownFormatError
from analysis.loading import InputOptions, open_chat, read_conversations
from analysis.report import SUMMARY_COLUMNS

GLOBAL_ID_PLATFORMS = ("qq", "wechat", "telegram", "discord", "slack")
"""Platforms whose ``sender_id`` is an account id that is the same person in every group
(QQ number, wxid, Telegram/Discord user id, Slack user id). WhatsApp and LINE exports show
names (or phone numbers as names) only, so their members are not matched across groups."""


# -- options and results ---------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    """How every input of a batch is read and audited (the same for all of them)."""

    inputs: InputOptions = field(default_factory=InputOptions)
    """Reading and window options, the same as every command's (:mod:`analysis.loading`);
    ``group`` keeps only the conversations of that name, ``roster`` is merged into every group."""
    config: Config = field(default_factory=Config)
    """Thresholds, weights, theme (``--config``)."""
    theme: tuple[str, ...] | None = None
    """Theme keywords overriding ``[group] theme`` for every group."""
    lang: str = "auto"
    """Report language (details, recommendations)."""

    def fingerprint(self) -> str:
        """A stable text that changes whenever an option or a config value changes."""
        data = {**dataclasses.asdict(self), "inputs": self.inputs.fingerprint()}
        return json.dumps(data, sort_keys=True, default=repr, ensure_ascii=False)


@dataclass
class GroupResult:
    """One group's outcome: its summary row plus what cross-group findings need. Small and
    picklable (no chat, no report), so workers ship it back cheaply and it can be cached."""

    row: dict[str, Any]
    """The summary row: keys :data:`~analysis.report.SUMMARY_COLUMNS`."""
    name: str
    """A file-name-safe, unique stem for this group's detail files."""
    evidence: dict[str, list] | None = None
    """Spam evidence, column -> list: ``msg_id, timestamp (ISO), sender_id, sender, verdict,
    score, template, handles`` (see :attr:`analysis.spam.SpamResult.evidence`)."""
    members: dict[str, list] | None = None
    """Members with a global id (:data:`GLOBAL_ID_PLATFORMS`), column -> list: ``sender_id,
    sender, messages, spam_messages, is_spammer, first_seen, last_seen`` (ISO or None)."""
    lang: str = ""
    """The language its report was written in (zh or en; empty for an error row)."""


@dataclass
class FileOutcome:
    """Everything one input gave (returned by the per-file task)."""

    source: str
    results: list[GroupResult]
    skipped: bool = False
    """A walked file no format recognised (no rows)."""
    cacheable: bool = True
    """False when an unexpected (possibly transient) failure happened."""
    seconds: float = 0.0
    """Wall time of the task."""
    cpu_seconds: float = 0.0
    """CPU time of the task's process (all its threads) during the task."""
    worker: str = ""
    """host:pid of the process that ran it."""
    peak_rss_mb: float | None = None
    """Peak resident memory of that process so far (MB)."""
    cached: bool = False


DetailsHook = Callable[[Any, str], None]
"""``details(report, name)``: called in the worker for each audited group (the CLI writes
the report and member files); ``name`` is :attr:`GroupResult.name`."""


# -- the task ----------------------------------------------------------------------------


def audit_file(path: str | os.PathLike[str], options: BatchOptions | None = None, *,
               details: DetailsHook | None = None, walked: bool = False) -> list[GroupResult]:
    """Audit every conversation in one export file (or export folder).

    Never raises for a bad input: typed library errors and unexpected exceptions alike become
    one error row (``status`` ``error``, ``error`` a one-line message; unexpected ones start
    with their type name). A file holding several groups gives one row per group; a group
    whose own audit fails is an error row while the others are audited.

    Args:
        path: the export.
        options: reading and window options; defaults when None.
        details: called with each group's full report (see :data:`DetailsHook`).
        walked: the file was found by a folder walk (an unrecognised one gives no row).
    """
    return _task(str(path), options or BatchOptions(), details, walked).results


def _task(path: str, options: BatchOptions, details: DetailsHook | None, walked: bool) -> FileOutcome:
    _relax_malloc_trim()
    start, cpu = time.perf_counter(), time.process_time()
    outcome = _audit_input(path, options, details, walked)
    outcome.seconds = round(time.perf_counter() - start, 3)
    outcome.cpu_seconds = round(time.process_time() - cpu, 3)
    outcome.worker = f"{_host()}:{os.getpid()}"
    outcome.peak_rss_mb = _peak_rss_mb()
    return outcome


def _audit_input(path: str, options: BatchOptions, details: DetailsHook | None, walked: bool) -> FileOutcome:
    from analysis.parsers import choose_group, detect_format, get_format
    from analysis.source import Source

    fmt = None
    inputs = options.inputs
    try:
        source = Source.open(path, max_bytes=inputs.max_bytes)
        fmt = get_format(inputs.log_format) if inputs.log_format else detect_format(source)
        chats, roster = read_conversations(path, dataclasses.replace(inputs, log_format=fmt.name), options.config)
        if not chats:
            raise UnknownFormatError("the export holds no conversation", path=path)
        if inputs.group is not None:
            chosen = choose_group(chats, inputs.group, path)
            chats = [c for c in chats if c is chosen]
    except UnknownFormatError as exc:
        if walked and fmt is None:
            return FileOutcome(source=path, results=[], skipped=True)
        return _failed(path, fmt, *_describe(exc))
    except Exception as exc:  # noqa: BLE001 - isolation is the point: one bad file is one row
        return _failed(path, fmt, *_describe(exc))
    names = _unique_names(path, [c.group for c in chats])
    results = [_audit_group(chat, roster, name, options, details) for chat, name in zip(chats, names, strict=True)]
    flags = [r.row.pop("_cacheable", True) for r in results]  # pop from every row
    cacheable = all(flags)
    return FileOutcome(source=path, results=results, cacheable=cacheable)


def _audit_group(chat, roster, name: str, options: BatchOptions, details: DetailsHook | None) -> GroupResult:
    from analysis.report import audit, summary_row

    try:
        opened = open_chat(chat, options.inputs, options.config, roster)
        chat = opened.chat
        report = audit(chat, options.config, window=opened.window,
                       theme=list(options.theme) if options.theme else None, lang=options.lang, jobs=1)
        row = summary_row(report)
        result = GroupResult(row=row, name=name, lang=report.lang, evidence=_evidence_payload(report.spam.evidence),
                             members=_members_payload(report, chat.platform))
    except Exception as exc:  # noqa: BLE001
        message, cacheable = _describe(exc)
        row = _error_row(chat.source, message, group=chat.group, platform=chat.platform, fmt=chat.format)
        row["_cacheable"] = cacheable
        return GroupResult(row=row, name=name)
    if details is not None:
        try:
            details(report, name)
        except Exception as exc:  # noqa: BLE001 - the audit stands; the missing files are an error
            message, _ = _describe(exc)
            row.update(status="error", error=f"writing details failed: {message}")
            row["_cacheable"] = False
    return result


# -- error rows --------------------------------------------------------------------------


def _describe(exc: BaseException) -> tuple[str, bool]:
    """One line for an error row, and whether the failure is a property of the content."""
    if isinstance(exc, AuditError):
        return _one_line(str(exc)), True
    return _one_line(f"{type(exc).__name__}: {exc}"), False


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def _failed(path: str, fmt, message: str, cacheable: bool) -> FileOutcome:
    row = _error_row(path, message, platform=fmt.platform if fmt else "", fmt=fmt.name if fmt else "")
    return FileOutcome(source=path, results=[GroupResult(row=row, name=_unique_names(path, [""])[0])],
                       cacheable=cacheable)


def _error_row(source: str, message: str, *, group: str = "", platform: str = "", fmt: str = "") -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
    row.update(group=group, source=source, platform=platform, format=fmt, status="error", error=message)
    return row


def _unique_names(source: str, groups: Sequence[str]) -> list[str]:
    """File-name-safe stems: the group's name (CJK kept), then a hash of the source path."""
    tag = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    seen: dict[str, int] = {}
    out = []
    for group in groups:
        slug = re.sub(r"[^\w\-]+", "_", group or Path(source).stem, flags=re.UNICODE).strip("_")[:60] or "group"
        stem = f"{slug}-{tag}"
        seen[stem] = seen.get(stem, 0) + 1
        out.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return out


# -- payloads ----------------------------------------------------------------------------


def _iso(series: pd.Series) -> list:
    text = series.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return text.astype(object).where(series.notna(), None).tolist()


def _evidence_payload(evidence: pd.DataFrame) -> dict[str, list] | None:
    if evidence is None or not len(evidence):
        return None
    out: dict[str, list] = {}
    for col in ("msg_id", "sender_id", "sender", "verdict", "template"):
        out[col] = evidence[col].astype(object).where(evidence[col].notna(), None).tolist()
    out["timestamp"] = _iso(pd.to_datetime(evidence["timestamp"]))
    out["score"] = [float(x) for x in evidence["score"]]
    out["handles"] = [list(h) if isinstance(h, (list, tuple)) else [] for h in evidence["handles"]]
    return out


def _members_payload(report, platform: str) -> dict[str, list] | None:
    """Members whose id is an account id of a :data:`GLOBAL_ID_PLATFORMS` platform.

    An id counts when it differs from the member's display name (exports without ids put the
    name there), or, for QQ, when it is a QQ number.
    """
    table = report.members.members
    if platform not in GLOBAL_ID_PLATFORMS or not len(table):
        return None
    ids = table["sender_id"].astype("string")
    names = table["sender"].astype("string")
    keep = (ids != names).fillna(False)
    if platform == "qq":
        keep |= ids.str.fullmatch(r"[1-9]\d{4,11}").fillna(False)
    table = table[keep.to_numpy(bool)]
    if not len(table):
        return None
    spam = report.spam.members
    if len(spam):
        spam = spam.drop_duplicates("sender_id").set_index("sender_id")
        spam_messages = table["sender_id"].map(spam["spam_messages"]).fillna(0).astype(int)
        spammer = table["sender_id"].map(spam["is_spammer"].astype(bool)).fillna(False).astype(bool)
    else:
        spam_messages = pd.Series(0, index=table.index)
        spammer = pd.Series(False, index=table.index)
    return {
        "sender_id": table["sender_id"].astype(str).tolist(),
        "sender": table["sender"].astype(object).where(table["sender"].notna(), None).tolist(),
        "messages": [int(x) for x in table["messages"].fillna(0)],
        "spam_messages": [int(x) for x in spam_messages],
        "is_spammer": [bool(x) for x in spammer],
        "first_seen": _iso(pd.to_datetime(table["first_seen"])),
        "last_seen": _iso(pd.to_datetime(table["last_seen"])),
    }


# -- the worker process -----------------------------------------------------------------


TRIM_THRESHOLD_BYTES = 64 * 1024 * 1024
"""glibc's trim threshold in a worker started with ``MALLOC_TRIM_THRESHOLD_`` set (Dask's
nanny sets 64 KiB so workers hand freed memory back at once). With it the audit's many
short-lived pandas/pyarrow buffers are returned to the OS and faulted in again: on the
200 x 5,000-message benchmark a Dask worker spent about 35% more CPU per group than a pool
worker (measured: 40 groups, 15.3 vs 11.5 CPU s). 64 MiB keeps that churn in the process and
still returns memory between groups."""

_malloc_tuned = False


def _relax_malloc_trim() -> None:
    """Raise glibc's trim threshold to :data:`TRIM_THRESHOLD_BYTES`, only in processes whose
    environment lowered it (Dask workers); elsewhere glibc's adaptive default stays."""
    global _malloc_tuned
    if _malloc_tuned or "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    _malloc_tuned = True
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-1, TRIM_THRESHOLD_BYTES)  # -1 = M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc (macOS, musl, Windows): nothing to tune
        pass


def _host() -> str:
    import socket

    return socket.gethostname()


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    import sys

    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
