"""Many groups at once: one audit per export file, in a process pool or on a Dask cluster.

The unit of work is one *input*: an export file, or an export folder (an unzipped Slack
workspace, a QCE chunked export). :func:`audit_file` reads it, audits every conversation in
it and returns one small, picklable :class:`GroupResult` per group: the summary row
(:data:`analysis.report.SUMMARY_COLUMNS`) plus what the cross-group findings need (the spam
evidence of the group, and its members with global ids). It never raises for a bad input:
a file that cannot be read becomes a row with ``status`` ``error`` and a one-line error.

:func:`run_batch` expands paths (files, folders, globs), reuses cached results, runs the
rest on the ``local`` engine (a process pool, ``jobs`` processes) or the ``dask`` engine
(a ``distributed`` scheduler), and assembles the :class:`BatchResult`: one row per group,
the cross-group findings, the errors and per-file statistics.

Which files a folder walk picks up (:func:`expand_paths`):

- a folder some format reads as one export (Slack workspace with ``channels.json``, QCE
  export with ``manifest.json``) is one input, never walked into;
- otherwise its files whose names end in :data:`EXPORT_EXTENSIONS` (what the formats
  declare: ``.txt .csv .tsv .json .jsonl .ndjson .zip``) are picked, hidden names (starting with ``.``) and sidecar files
  (:data:`SIDECAR_NAMES`, e.g. PyWxDump's ``users.json``) are not; subfolders are walked with
  ``recursive`` only (export folders inside are always picked);
- a file picked by a walk whose content no format recognises is *skipped* and listed in
  :attr:`BatchResult.skipped` (a README or a script beside the exports is not an export),
  unless ``log_format`` forces the format;
- paths named explicitly (or matched by a glob) are always tried: if they fail, they are
  error rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import math
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from analysis.config import Config
from analysis.errors import AuditError, OptionError, UnknownFormatError
from analysis.loading import InputOptions, check_options, open_chat, read_conversations
from analysis.parsers import export_extensions, sidecar_names
from analysis.report import SUMMARY_COLUMNS

log = logging.getLogger(__name__)

EXPORT_EXTENSIONS: tuple[str, ...] = export_extensions()
"""File name endings a folder walk picks up: the union of every format's declared
:attr:`~analysis.logformat.LogFormat.extensions`."""

SIDECAR_NAMES: frozenset[str] = sidecar_names()
"""Files that travel beside an export but are not one (PyWxDump's and Slack's ``users.json``,
Slack's channel lists, QCE's manifest), as the formats declare them
(:attr:`~analysis.logformat.LogFormat.sidecars`): a walk never picks them up on their own."""

GLOBAL_ID_PLATFORMS = ("qq", "wechat", "telegram", "discord", "slack")
"""Platforms whose ``sender_id`` is an account id that is the same person in every group
(QQ number, wxid, Telegram/Discord user id, Slack user id). WhatsApp and LINE exports show
names (or phone numbers as names) only, so their members are not matched across groups."""

ENGINES = ("local", "dask")
CACHE_FORMAT = 2
"""Bumped when the cached payload changes shape."""

INT_COLUMNS = ("messages", "speakers", "members_known", "silent_members", "dormant_members",
               "spam_messages", "spammers", "records", "unparsed_lines")
FLOAT_COLUMNS = ("participation", "spam_ratio", "topic_concentration", "on_topic_ratio",
                 "chitchat_ratio", "health_score")

CROSS_GROUP_COLUMNS = ("kind", "key", "groups", "n_groups", "members", "messages",
                       "spam_messages", "first_seen", "last_seen", "example")
"""Columns of :attr:`BatchResult.cross_group` (the same as
:data:`analysis.spam.crossgroup.CROSS_GROUP_COLUMNS`)."""

STATS_COLUMNS = ("source", "groups", "status", "cached", "seconds", "cpu_seconds", "worker", "peak_rss_mb")


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


@dataclass
class BatchResult:
    """What :func:`run_batch` returns."""

    rows: pd.DataFrame
    """One row per group (input order; groups in file order): :data:`~analysis.report.SUMMARY_COLUMNS`."""
    cross_group: pd.DataFrame
    """Cross-group findings (:data:`CROSS_GROUP_COLUMNS`), see :func:`cross_group_findings`."""
    errors: pd.DataFrame
    """The rows with status ``error``: ``source, group, error``."""
    skipped: list[str]
    """Files a folder walk found that no format recognises."""
    cached: list[str]
    """Inputs whose results came from the cache."""
    stats: pd.DataFrame
    """Per input: :data:`STATS_COLUMNS` (seconds and cpu_seconds are the task's own wall and
    CPU time, 0 when cached; peak_rss_mb is the worker process's peak so far)."""
    groups: list[GroupResult] = field(default_factory=list, repr=False)
    """The per-group results behind ``rows`` (detail-file names, cross-group payloads)."""
    seconds: float = 0.0
    """Wall time of the whole run."""

    @property
    def failed(self) -> bool:
        """True when any input or group failed (the CLI exits 1)."""
        return bool(len(self.errors))


# -- the per-file task ------------------------------------------------------------------


DetailsHook = Callable[[Any, str], None]
"""``details(report, name)``: called in the worker for each audited group (the CLI writes
the report and member files); ``name`` is :attr:`GroupResult.name`."""


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


# -- expanding paths --------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """One unit of work: a path, and whether a folder walk (not the user) named it."""

    path: str
    walked: bool = False


def expand_paths(paths: Iterable[str | os.PathLike[str]], *, recursive: bool = False) -> list[Input]:
    """Files, folders and globs -> the inputs to audit (see the module docstring for the rules).

    A path that does not exist and holds no glob characters is kept (it becomes an error row);
    so is a glob that matches nothing. Duplicates (the same path twice) are dropped.
    """
    out: list[Input] = []
    for raw in paths:
        text = str(raw)
        if not Path(text).exists() and any(ch in text for ch in "*?["):
            import glob

            matches = sorted(glob.glob(text, recursive=recursive))
            if not matches:
                out.append(Input(text))
            for match in matches:
                out.extend(_expand_one(Path(match), recursive))
            continue
        out.extend(_expand_one(Path(text), recursive))
    seen: set[str] = set()
    unique = []
    for item in out:
        key = os.path.normpath(item.path)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _expand_one(path: Path, recursive: bool) -> list[Input]:
    if not path.is_dir() or is_export_folder(path):
        return [Input(str(path))]
    return list(_walk(path, recursive))


def _walk(folder: Path, recursive: bool) -> Iterable[Input]:
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        yield Input(str(folder))  # unreadable folder: an error row says why
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if is_export_folder(entry):
                yield Input(str(entry), walked=True)
            elif recursive:
                yield from _walk(entry, recursive)
        elif entry.suffix.lower() in EXPORT_EXTENSIONS and entry.name.lower() not in SIDECAR_NAMES:
            yield Input(str(entry), walked=True)


def is_export_folder(path: Path) -> bool:
    """True when some format reads the folder as one export (Slack workspace, QCE chunked)."""
    from analysis.parsers import detect_format
    from analysis.source import Source

    try:
        detect_format(Source.open(path))
    except (AuditError, OSError):
        return False
    return True


# -- the cache --------------------------------------------------------------------------


def tool_version() -> str:
    """The installed version of community-audit (``0+unknown`` when run from a checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("community-audit")
    except PackageNotFoundError:
        return "0+unknown"


def content_hash(path: str) -> str | None:
    """SHA-256 of an input's bytes (a folder: every file's relative path and bytes; a file:
    its bytes plus a :data:`SIDECAR_NAMES` file beside it, which some formats read). None
    when it cannot be read (the task then reports why)."""
    p = Path(path)
    digest = hashlib.sha256()
    try:
        if p.is_dir():
            for file in sorted(q for q in p.rglob("*") if q.is_file()):
                digest.update(str(file.relative_to(p)).encode("utf-8", "surrogatepass") + b"\0")
                _hash_file(digest, file)
        elif p.is_file():
            _hash_file(digest, p)
            for name in sorted(SIDECAR_NAMES):
                side = p.parent / name
                if side.is_file() and side != p:
                    digest.update(b"\0sidecar:" + name.encode())
                    _hash_file(digest, side)
        else:
            return None
    except OSError:
        return None
    return digest.hexdigest()


def _hash_file(digest, path: Path) -> None:
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)


class ResultCache:
    """Per-input results on disk, keyed by content hash + options/config + tool version.

    Layout: ``DIR/batch-v<CACHE_FORMAT>/<key>.json``; written atomically (a temporary file
    in the same folder, then renamed). Nothing is written outside ``DIR``.
    """

    def __init__(self, directory: str | os.PathLike[str], options: BatchOptions) -> None:
        root = Path(directory)
        if root.exists() and not root.is_dir():
            raise OptionError(f"--cache {directory}: not a folder", hint="name a folder (it is created)")
        self.folder = root / f"batch-v{CACHE_FORMAT}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OptionError(f"--cache {directory}: cannot create it: {exc.strerror or exc}") from None
        self._salt = f"{CACHE_FORMAT}\0{tool_version()}\0{options.fingerprint()}"

    def key(self, path: str, walked: bool) -> str | None:
        """The cache key of an input, or None when it cannot be hashed."""
        digest = content_hash(path)
        if digest is None:
            return None
        # The path is part of the key: rows carry ``source``, and detail names derive from it.
        text = f"{self._salt}\0{digest}\0{os.path.normpath(path)}\0{walked}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> FileOutcome | None:
        """The cached outcome, or None (missing or unreadable entries are ignored)."""
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            results = [GroupResult(**g) for g in data["results"]]
            return FileOutcome(source=data["source"], results=results, skipped=data["skipped"], cached=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, outcome: FileOutcome) -> None:
        """Store an outcome (best effort: a full disk only costs the reuse)."""
        data = {"source": outcome.source, "skipped": outcome.skipped,
                "results": [dataclasses.asdict(r) for r in outcome.results]}
        try:
            fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, default=_json_default)
            os.replace(tmp, self.folder / f"{key}.json")
        except OSError as exc:
            log.warning("could not write the batch cache entry: %s", exc)
            with contextlib.suppress(OSError, UnboundLocalError):
                Path(tmp).unlink(missing_ok=True)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


# -- running ----------------------------------------------------------------------------


Progress = Callable[[int, int, str], None]
"""``progress(done, total, source)``: called in the calling process after each input."""


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_batch(
    paths: Iterable[str | os.PathLike[str]],
    *,
    options: BatchOptions | None = None,
    recursive: bool = False,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: Any = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    details: DetailsHook | None = None,
    min_groups: int = 2,
) -> BatchResult:
    """Audit every group in ``paths`` and gather the cross-group findings.

    Args:
        paths: files, folders and globs (:func:`expand_paths`).
        options: reading, window and config options applied to every input.
        recursive: walk subfolders (and let ``**`` in globs match folders).
        jobs: local engine: worker processes (None or 0 = all cores; 1 = in this process);
            dask engine without ``scheduler``: workers of the local cluster it starts.
        engine: ``local`` (process pool) or ``dask``.
        scheduler: dask engine: a scheduler address (``tcp://host:8786``) or a
            ``distributed.Client``; None starts a local cluster of ``jobs`` workers.
        cache_dir: reuse results of inputs whose content, options, config and tool version
            are unchanged (:class:`ResultCache`); nothing is written outside this folder.
        progress: see :data:`Progress`.
        details: see :data:`DetailsHook` (runs where the task runs: on a remote cluster the
            folder must be shared with the workers). A cached input whose detail files are
            missing (the hook's ``exists(name)``) is audited again.
        min_groups: how many groups make a cross-group finding.

    Raises:
        OptionError: unknown engine, a dask engine without dask installed or an unreachable
            scheduler, an unusable cache folder, a bad ``date``.
    """
    started = time.perf_counter()
    options = options or BatchOptions()
    if engine not in ENGINES:
        raise OptionError(f"--engine {engine!r} is not one of {', '.join(ENGINES)}")
    if scheduler is not None and engine != "dask":
        raise OptionError("--scheduler needs --engine dask")
    check_options(options.inputs)  # a bad --date is a usage error, not an error row per file
    jobs = default_jobs() if not jobs or jobs < 0 else jobs
    paths = list(paths)
    if any(str(p) == "-" for p in paths):
        raise OptionError("batch reads files and folders, not standard input ('-')",
                          hint="save the export to a file, or use 'community-audit report -'")
    inputs = expand_paths(paths, recursive=recursive)
    cache = ResultCache(cache_dir, options) if cache_dir is not None else None

    outcomes: dict[int, FileOutcome] = {}
    keys: dict[int, str | None] = {}
    total = len(inputs)
    done = 0

    def finish(i: int, outcome: FileOutcome) -> None:
        nonlocal done
        outcomes[i] = outcome
        if cache is not None and keys.get(i) and not outcome.cached and outcome.cacheable:
            cache.put(keys[i], outcome)  # type: ignore[arg-type]
        done += 1
        if progress is not None:
            progress(done, total, outcome.source)

    todo: list[int] = []
    for i, item in enumerate(inputs):
        if cache is not None:
            keys[i] = cache.key(item.path, item.walked)
            hit = cache.get(keys[i]) if keys[i] else None
            if hit is not None and not _details_present(details, hit):
                hit = None  # the report is needed for the detail files: audit again
            if hit is not None:
                hit.source = item.path
                finish(i, hit)
                continue
        todo.append(i)
    # Biggest inputs first: the pool ends with small tasks and the workers finish together.
    todo.sort(key=lambda i: -_size(inputs[i].path))
    if todo:
        if engine == "dask":
            _run_dask(inputs, todo, options, details, scheduler, jobs, finish)
        elif jobs == 1 or len(todo) == 1:
            for i in todo:
                finish(i, _task(inputs[i].path, options, details, inputs[i].walked))
        else:
            _run_pool(inputs, todo, options, details, jobs, finish)
    ordered = [outcomes[i] for i in range(total)]
    return _assemble(ordered, min_groups, time.perf_counter() - started)


def _details_present(details: DetailsHook | None, outcome: FileOutcome) -> bool:
    """True unless ``details`` is asked for and some audited group's files are missing (a
    hook with an ``exists(name)`` method says; without one, a cached input is re-audited)."""
    if details is None:
        return True
    exists = getattr(details, "exists", None)
    if exists is None:
        return False
    return all(exists(g.name) for g in outcome.results if g.row.get("status") == "ok")


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _run_pool(inputs: list[Input], todo: list[int], options: BatchOptions, details: DetailsHook | None,
              jobs: int, finish: Callable[[int, FileOutcome], None]) -> None:
    import multiprocessing

    # Never fork a process that may hold threads (pyarrow's pools): forkserver or spawn. The
    # fork server imports the analysers once; each worker forked from it starts warm.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["analysis.report", "analysis.batch"])
    else:  # pragma: no cover - Windows
        context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
        pending: dict[Future, int] = {
            pool.submit(_task, inputs[i].path, options, details, inputs[i].walked): i for i in todo}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    i = pending.pop(future)
                    finish(i, _outcome_of(future, inputs[i].path))
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _outcome_of(future, path: str) -> FileOutcome:
    """The task's outcome, or an error row when the worker itself died (crash, out of memory)."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001
        message = _one_line(f"worker failed: {type(exc).__name__}: {exc}")
        outcome = _failed(path, None, message, False)
        return outcome


def _run_dask(inputs: list[Input], todo: list[int], options: BatchOptions, details: DetailsHook | None,
              scheduler: Any, jobs: int, finish: Callable[[int, FileOutcome], None]) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise OptionError("--engine dask needs dask.distributed, which is not installed",
                          hint='pip install "community-audit[dask]"') from None
    with contextlib.ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                       dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        elif isinstance(scheduler, str):
            try:
                # timeout: dask's distributed.comm.timeouts.connect (30 s by default)
                client = stack.enter_context(Client(scheduler))
            except (OSError, TimeoutError) as exc:
                raise OptionError(f"cannot reach the dask scheduler at {scheduler}: {exc}",
                                  hint="check --scheduler (e.g. tcp://host:8786); start one with 'dask scheduler'") from None
        else:
            client = scheduler  # a Client the caller manages
        futures = {}
        for i in todo:
            future = client.submit(_task, inputs[i].path, options, details, inputs[i].walked, pure=False,
                                   key=f"community-audit-{i}-{os.getpid()}-{time.time_ns()}")
            futures[future] = i
        for future in as_completed(list(futures)):
            i = futures[future]
            finish(i, _outcome_of(future, inputs[i].path))


# -- assembling -------------------------------------------------------------------------


def _assemble(outcomes: list[FileOutcome], min_groups: int, seconds: float) -> BatchResult:
    groups = [g for o in outcomes for g in o.results]
    records = []
    for g in groups:
        row = {k: g.row.get(k) for k in SUMMARY_COLUMNS}
        records.append(row)
    rows = rows_frame(records)
    errors = rows.loc[rows["status"] == "error", ["source", "group", "error"]].reset_index(drop=True)
    stats = pd.DataFrame(
        [{"source": o.source, "groups": len(o.results),
          "status": "skipped" if o.skipped else ("error" if any(g.row.get("status") == "error" for g in o.results) else "ok"),
          "cached": o.cached, "seconds": 0.0 if o.cached else o.seconds,
          "cpu_seconds": 0.0 if o.cached else o.cpu_seconds,
          "worker": "" if o.cached else o.worker, "peak_rss_mb": None if o.cached else o.peak_rss_mb}
         for o in outcomes], columns=list(STATS_COLUMNS))
    return BatchResult(
        rows=rows,
        cross_group=cross_group_findings(groups, min_groups=min_groups),
        errors=errors,
        skipped=[o.source for o in outcomes if o.skipped],
        cached=[o.source for o in outcomes if o.cached],
        stats=stats,
        groups=groups,
        seconds=round(seconds, 3),
    )


def rows_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Summary rows as a frame with stable dtypes (counts Int64, ratios float, text string)."""
    frame = pd.DataFrame(records, columns=list(SUMMARY_COLUMNS))
    for col in frame.columns:
        if col in INT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col]).astype("Int64")
        elif col in FLOAT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col]).astype("float64")
        else:
            frame[col] = frame[col].astype("string")
    frame["error"] = frame["error"].fillna("")
    return frame


def sort_by_health(rows: pd.DataFrame) -> pd.DataFrame:
    """Errors first, then the least healthy groups (those that need attention), then by source."""
    order = rows.assign(_err=(rows["status"] != "error").astype(int),
                        _score=rows["health_score"].fillna(math.inf))
    order = order.sort_values(["_err", "_score", "source", "group"], kind="stable")
    return order.drop(columns=["_err", "_score"]).reset_index(drop=True)


def _labels(groups: list[GroupResult]) -> list[str]:
    """A distinct label per group: its name, with the source when names repeat."""
    names = [str(g.row.get("group") or "") for g in groups]
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    labels = [n if counts[n] == 1 else f"{n} ({g.row.get('source')})" for n, g in zip(names, groups, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return out


def cross_group_findings(groups: Sequence[GroupResult], *, min_groups: int = 2) -> pd.DataFrame:
    """What several groups share, from the per-group payloads.

    Kinds of row (:data:`CROSS_GROUP_COLUMNS`):

    - ``spammer``: a member id judged a spammer in at least one group and present in at least
      ``min_groups`` groups (remove it everywhere); ``example`` names the groups where it was
      judged a spammer;
    - ``template`` and handle kinds (``phone``, ``wechat``, ``qq``, ``group``, ``telegram``,
      ``kouling``, ``bare_id``, ``link``): the same ad text (masked) or contact in at least
      ``min_groups`` groups (:func:`analysis.spam.crossgroup.cross_group_repeats`);
    - ``member``: a member id present (spoke, joined or in the roster) in at least ``min_groups``
      groups, only for :data:`GLOBAL_ID_PLATFORMS`. ``key`` is ``platform:id``.

    Groups are named by their name, plus the source file when several share a name. Sorted by
    kind (spammer, ads, member), then the most groups first.
    """
    from analysis.spam.crossgroup import cross_group_repeats

    ok = [g for g in groups if g.row.get("status") == "ok"]
    labels = _labels(ok)
    evidence = {}
    for label, g in zip(labels, ok, strict=True):
        if g.evidence:
            frame = pd.DataFrame(g.evidence)
            frame["timestamp"] = pd.to_datetime(frame["timestamp"])
            evidence[label] = SimpleNamespace(evidence=frame)
    ads = cross_group_repeats(evidence, min_groups=min_groups) if evidence else _empty_cross()
    people = _member_findings(ok, labels, min_groups)
    parts = [f for f in (people[people["kind"] == "spammer"], ads, people[people["kind"] == "member"]) if len(f)]
    if not parts:
        return _empty_cross()
    out = pd.concat(parts, ignore_index=True)[list(CROSS_GROUP_COLUMNS)]
    for col in ("first_seen", "last_seen"):
        out[col] = pd.to_datetime(out[col])
    return out.reset_index(drop=True)


def _empty_cross() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in ("first_seen", "last_seen") else object)
                         for c in CROSS_GROUP_COLUMNS})


def _member_findings(groups: list[GroupResult], labels: list[str], min_groups: int) -> pd.DataFrame:
    frames = []
    for label, g in zip(labels, groups, strict=True):
        if g.members:
            frame = pd.DataFrame(g.members)
            frame["group"] = label
            frame["key"] = f"{g.row.get('platform')}:" + frame["sender_id"].astype(str)
            frames.append(frame)
    if not frames:
        return _empty_cross()
    long = pd.concat(frames, ignore_index=True)
    long["first_seen"] = pd.to_datetime(long["first_seen"])
    long["last_seen"] = pd.to_datetime(long["last_seen"])
    per = long.groupby("key", sort=False).agg(
        groups=("group", lambda s: " | ".join(dict.fromkeys(s))),
        n_groups=("group", "nunique"),
        messages=("messages", "sum"),
        spam_messages=("spam_messages", "sum"),
        spammer_in=("is_spammer", "sum"),
        first_seen=("first_seen", "min"),
        last_seen=("last_seen", "max"),
        name=("sender", "last"),
    ).reset_index()
    per = per[per["n_groups"] >= min_groups]
    if not len(per):
        return _empty_cross()
    flagged = long[long["is_spammer"]].groupby("key")["group"].agg(lambda s: " | ".join(dict.fromkeys(s)))
    per["kind"] = ["spammer" if n > 0 else "member" for n in per["spammer_in"]]
    per["members"] = 1
    per["example"] = per["name"].fillna("").astype(str)
    is_spammer = per["kind"] == "spammer"
    per.loc[is_spammer, "example"] = (per.loc[is_spammer, "example"] + " — spammer in: "
                                      + per.loc[is_spammer, "key"].map(flagged).fillna(""))
    per = per.sort_values(["n_groups", "messages"], ascending=False, kind="stable")
    return per[list(CROSS_GROUP_COLUMNS)].reset_index(drop=True)


__all__ = [
    "CROSS_GROUP_COLUMNS",
    "EXPORT_EXTENSIONS",
    "GLOBAL_ID_PLATFORMS",
    "BatchOptions",
    "BatchResult",
    "GroupResult",
    "Input",
    "ResultCache",
    "audit_file",
    "cross_group_findings",
    "expand_paths",
    "run_batch",
    "sort_by_health",
]
