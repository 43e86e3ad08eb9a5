"""Running a batch: :func:`run_batch` expands the paths, reuses cached results, runs the rest
on the ``local`` engine (a process pool, ``jobs`` processes) or the ``dask`` engine (a
``distributed`` scheduler), and assembles the :class:`BatchResult`: one row per group, the
cross-group findings, the errors and per-file statistics."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.batch.cache import ResultCache
from analysis.batch.crossgroup import cross_group_findings, rows_frame
from analysis.batch.inputs import Input, expand_paths
from analysis.batch.task import (
    BatchOptions,
    DetailsHook,
    FileOutcome,
    GroupResult,
    _failed,
    _one_line,
    _task,
)
from analysis.errors import OptionError
from analysis.loading import check_options
from analysis.report import SUMMARY_COLUMNS

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")

STATS_COLUMNS = ("source", "groups", "status", "cached", "seconds", "cpu_seconds", "worker", "peak_rss_mb",
                 "changed")

Progress = Callable[[int, int, str], None]
"""``progress(done, total, source)``: called in the calling process after each input."""


@dataclass
class BatchResult:
    """What :func:`run_batch` returns."""

    rows: pd.DataFrame
    """One row per group (input order; groups in file order): :data:`~analysis.report.SUMMARY_COLUMNS`."""
    cross_group: pd.DataFrame
    """Cross-group findings (:data:`~analysis.spam.crossgroup.CROSS_GROUP_COLUMNS`), see
    :func:`~analysis.batch.crossgroup.cross_group_findings`."""
    errors: pd.DataFrame
    """The rows with status ``error``: ``source, group, error``."""
    skipped: list[str]
    """Files a folder walk found that no format recognises, and paths not audited because
    their real file or folder was already reached (symlink loops, symlinked or repeated
    duplicates; see :attr:`duplicates`)."""
    cached: list[str]
    """Inputs whose results came from the cache."""
    stats: pd.DataFrame
    """Per input: :data:`STATS_COLUMNS` (seconds and cpu_seconds are the task's own wall and
    CPU time, 0 when cached; peak_rss_mb is the worker process's peak so far; changed: the
    input changed while it was audited, see :attr:`changed`)."""
    groups: list[GroupResult] = field(default_factory=list, repr=False)
    """The per-group results behind ``rows`` (detail-file names, cross-group payloads)."""
    seconds: float = 0.0
    """Wall time of the whole run."""
    changed: list[str] = field(default_factory=list)
    """With a cache: inputs that changed between being hashed and the end of their audit;
    their rows are what the audit read, and they were not cached."""
    duplicates: dict[str, str] = field(default_factory=dict)
    """Paths skipped because they lead to a file or folder already audited (or to a folder
    already walked: a symlink loop) -> the real path they lead to."""

    @property
    def failed(self) -> bool:
        """True when any input or group failed (the CLI exits 1)."""
        return bool(len(self.errors))


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
        paths: files, folders and globs (:func:`~analysis.batch.inputs.expand_paths`).
        options: reading, window and config options applied to every input.
        recursive: walk subfolders (and let ``**`` in globs match folders).
        jobs: local engine: worker processes (None or 0 = all cores; 1 = in this process);
            dask engine without ``scheduler``: workers of the local cluster it starts.
        engine: ``local`` (process pool) or ``dask``.
        scheduler: dask engine: a scheduler address (``tcp://host:8786``) or a
            ``distributed.Client``; None starts a local cluster of ``jobs`` workers.
        cache_dir: reuse results of inputs whose content, options, config and tool version
            are unchanged (:class:`~analysis.batch.cache.ResultCache`); nothing is written
            outside this folder.
        progress: see :data:`Progress`.
        details: see :data:`~analysis.batch.task.DetailsHook` (runs where the task runs: on a
            remote cluster the folder must be shared with the workers). A cached input whose
            detail files are missing (the hook's ``exists(name)``) is audited again.
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
    duplicates: dict[str, str] = {}
    inputs = expand_paths(paths, recursive=recursive, duplicates=duplicates)
    cache = ResultCache(cache_dir, options) if cache_dir is not None else None

    outcomes: dict[int, FileOutcome] = {}
    keys: dict[int, str | None] = {}
    snaps: dict[int, Any] = {}
    changed: set[int] = set()
    total = len(inputs)
    done = 0

    def finish(i: int, outcome: FileOutcome) -> None:
        nonlocal done
        outcomes[i] = outcome
        if cache is not None and keys.get(i) and not outcome.cached and outcome.cacheable:
            # Written only when the input is still what was hashed: a file rewritten while
            # the task read it would otherwise be stored under the key of its old content.
            if cache.snapshot(inputs[i].path) == snaps.get(i):
                cache.put(keys[i], outcome)  # type: ignore[arg-type]
            else:
                changed.add(i)
                log.warning("%s changed while it was audited: its result is not cached", outcome.source)
        done += 1
        if progress is not None:
            progress(done, total, outcome.source)

    todo: list[int] = []
    for i, item in enumerate(inputs):
        if cache is not None:
            snaps[i] = cache.snapshot(item.path)
            keys[i] = cache.key_of(snaps[i], item.path, item.walked) if snaps[i] is not None else None
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
        elif jobs == 1 or len(todo) == 1 or not _main_reimportable():
            for i in todo:
                finish(i, _task(inputs[i].path, options, details, inputs[i].walked))
        else:
            _run_pool(inputs, todo, options, details, jobs, finish)
    ordered = [outcomes[i] for i in range(total)]
    result = _assemble(ordered, min_groups, time.perf_counter() - started, [i in changed for i in range(total)])
    result.skipped += list(duplicates)
    result.duplicates = duplicates
    return result


def _main_reimportable() -> bool:
    """False when worker processes could not start: spawn and forkserver workers re-run the
    main script by its path, and a script read from standard input (``python -``) or given
    as ``-c`` has none on disk; every worker would die (BrokenProcessPool). The pool is
    then not used: the inputs are audited in this process, with a warning."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if getattr(main, "__spec__", None) is not None or path is None or os.path.isfile(path):
        return True
    log.warning("the main script %r is not a file worker processes can import (python - or -c): "
                "auditing in this process, one input at a time", path)
    return False


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


# -- the engines -------------------------------------------------------------------------


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
        return _failed(path, None, _one_line(f"worker failed: {type(exc).__name__}: {exc}"), False)


def _run_dask(inputs: list[Input], todo: list[int], options: BatchOptions, details: DetailsHook | None,
              scheduler: Any, jobs: int, finish: Callable[[int, FileOutcome], None]) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise OptionError("--engine dask needs dask.distributed, which is not installed",
                          hint='pip install "community-audit[dask]"') from None
    except Exception as exc:  # noqa: BLE001 - a broken install (mismatched dask/distributed)
        raise OptionError(f"--engine dask: dask.distributed cannot be imported: {type(exc).__name__}: {exc}",
                          hint='reinstall it: pip install -U "community-audit[dask]"') from None
    with contextlib.ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                       dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        elif isinstance(scheduler, str):
            try:
                # timeout: dask's distributed.comm.timeouts.connect (30 s by default)
                client = stack.enter_context(Client(scheduler))
            except (OSError, TimeoutError, ValueError, TypeError) as exc:  # ValueError: not an address
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


# -- assembling --------------------------------------------------------------------------


def _assemble(outcomes: list[FileOutcome], min_groups: int, seconds: float,
              changed: list[bool] | None = None) -> BatchResult:
    changed = changed or [False] * len(outcomes)
    groups = [g for o in outcomes for g in o.results]
    rows = rows_frame([{k: g.row.get(k) for k in SUMMARY_COLUMNS} for g in groups])
    errors = rows.loc[rows["status"] == "error", ["source", "group", "error"]].reset_index(drop=True)
    stats = pd.DataFrame(
        [{"source": o.source, "groups": len(o.results),
          "status": "skipped" if o.skipped else ("error" if any(g.row.get("status") == "error" for g in o.results) else "ok"),
          "cached": o.cached, "seconds": 0.0 if o.cached else o.seconds,
          "cpu_seconds": 0.0 if o.cached else o.cpu_seconds,
          "worker": "" if o.cached else o.worker, "peak_rss_mb": None if o.cached else o.peak_rss_mb,
          "changed": moved}
         for o, moved in zip(outcomes, changed, strict=True)], columns=list(STATS_COLUMNS))
    return BatchResult(
        rows=rows,
        cross_group=cross_group_findings(groups, min_groups=min_groups),
        errors=errors,
        skipped=[o.source for o in outcomes if o.skipped],
        cached=[o.source for o in outcomes if o.cached],
        stats=stats,
        groups=groups,
        seconds=round(seconds, 3),
        changed=[o.source for o, moved in zip(outcomes, changed, strict=True) if moved],
    )
