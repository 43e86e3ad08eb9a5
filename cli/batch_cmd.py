"""`community-audit batch PATH...`: one audit per group, one row per group, cross-group findings."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from analysis.batch import BatchOptions, BatchResult, run_batch, sort_by_health
from analysis.config import load_config
from analysis.errors import OptionError
from cli import options as o
from cli import state
from cli.exit_codes import ExitCode
from cli.output import choose_format, csv_text, dumps, records, write_output

NAME = "batch"
HELP = """Audit many groups at once: one row per group (health, activity, spam, topics) and cross-group findings.

PATH can be files, folders and globs. Every file named explicitly is tried (a failure is a row
with status 'error'). In a folder, files ending in .txt .csv .tsv .json .jsonl .ndjson .zip are
picked (hidden files and sidecars such as users.json are not), subfolders only with
--recursive, and an export folder (Slack workspace, QCE chunked export) counts as one input;
a file found in a folder that no format recognises is skipped and listed on stderr. A file
holding several groups gives one row per group. The summary is sorted by health, errors and
the least healthy groups first. --section cross_group lists the same ad text, contact,
spammer or member (by account id) found in several groups. --cache DIR reuses the results of
unchanged files; --details DIR also writes each group's report (json, html) and member CSV.
--engine dask --scheduler tcp://HOST:8786 runs the audits on a Dask cluster. Exit code 1 when
any input failed (the others are still audited).

Example:  community-audit batch sample_logs --recursive -o groups.csv
"""

SECTIONS = ("summary", "cross_group")
TABLE_COLUMNS = ("group", "source", "status", "messages", "speakers", "participation", "spam_ratio",
                 "on_topic_ratio", "lifecycle_stage", "health_score", "error")


@dataclass(frozen=True)
class DetailsWriter:
    """The ``details`` hook: runs in the worker; writes ``NAME.report.json``,
    ``NAME.report.html`` and ``NAME.members.csv`` into ``folder`` (picklable)."""

    folder: str
    bom: bool = True

    def __call__(self, report: Any, name: str) -> None:
        from analysis.members import member_table
        from cli.render_report import render

        folder = Path(self.folder)
        write_output(folder / f"{name}.report.json", text=render(report, "json"))
        write_output(folder / f"{name}.report.html", text=render(report, "html"))
        write_output(folder / f"{name}.members.csv", text=csv_text(member_table(report.members)), bom=self.bom)

    def exists(self, name: str) -> bool:
        """True when this group's detail files are already in the folder (a cached input)."""
        folder = Path(self.folder)
        return all((folder / f"{name}{suffix}").is_file()
                   for suffix in (".report.json", ".report.html", ".members.csv"))


def command(
    paths: Annotated[list[str], typer.Argument(help="Export files, folders and globs.", metavar="PATH")],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Walk subfolders too (and let ** in globs match folders).")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=0, help="Worker processes (default: all cores; 1 = no pool). With --engine dask and no --scheduler: workers of the local cluster.", rich_help_panel="Execution")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or dask (needs the 'dask' extra).", rich_help_panel="Execution")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (workers must see the same paths).", rich_help_panel="Execution")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Reuse results of files whose content, options, config and tool version are unchanged; kept in this folder (nothing is written elsewhere).", file_okay=False, rich_help_panel="Execution")] = None,
    details: Annotated[Path | None, typer.Option("--details", help="Also write each group's report (json, html) and member CSV, plus summary.csv and cross_group.csv, into this folder.", file_okay=False, rich_help_panel="Output")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="Output format: table, csv or json (default table; from -o's extension).", rich_help_panel="Output")] = None,
    section: Annotated[str, typer.Option("--section", help="What to output: summary (one row per group) or cross_group.", rich_help_panel="Output")] = "summary",
    sort: Annotated[str, typer.Option("--sort", help="Row order: health (errors, then the least healthy first) or input.", rich_help_panel="Output")] = "health",
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    log_format: o.LogFormatOpt = None,
    tz: o.TzOpt = None,
    dayfirst: o.DayfirstOpt = None,
    date: o.DateOpt = None,
    strict: o.StrictOpt = False,
    max_bytes: o.MaxBytesOpt = None,
    config: o.ConfigOpt = None,
    since: o.SinceOpt = None,
    until: o.UntilOpt = None,
    last: o.LastOpt = None,
) -> None:
    if section not in SECTIONS:
        raise OptionError(f"--section {section!r} is not one of {', '.join(SECTIONS)}")
    if sort not in ("health", "input"):
        raise OptionError(f"--sort {sort!r} is not one of health, input")
    fmt = choose_format(fmt, output, "table", ("table", "csv", "json"))
    options = BatchOptions(config=load_config(config), log_format=log_format, tz=tz, dayfirst=dayfirst,
                           date=date, strict=strict, max_bytes=max_bytes, since=since, until=until, last=last)
    hook = None
    if details is not None:
        details.mkdir(parents=True, exist_ok=True)
        hook = DetailsWriter(str(details), bom=not no_bom)
    with _progress() as progress:
        result = run_batch(paths, options=options, recursive=recursive, jobs=jobs, engine=engine,
                           scheduler=scheduler, cache_dir=cache, progress=progress, details=hook)
    _report(result)
    rows = result.rows
    if details is not None:  # each group's detail-file stem
        rows = rows.assign(details=[g.name for g in result.groups])
    rows = sort_by_health(rows) if sort == "health" else rows
    if details is not None:
        write_output(details / "summary.csv", text=csv_text(rows), bom=not no_bom)
        write_output(details / "cross_group.csv", text=csv_text(result.cross_group), bom=not no_bom)
    frame = rows if section == "summary" else result.cross_group
    inputs = tuple(paths)
    if fmt == "csv":
        write_output(output, text=csv_text(frame), bom=not no_bom and output is not None, inputs=inputs)
    elif fmt == "json":
        write_output(output, text=dumps(records(frame)), inputs=inputs)
    else:
        write_output(output, text=_table(frame, section, result, output is None and sys.stdout.isatty()),
                     inputs=inputs)
    if result.failed:
        raise typer.Exit(ExitCode.ERROR)


class _progress:
    """A Rich progress bar on stderr when it is a terminal; a no-op callback otherwise."""

    def __enter__(self):
        console = state.err_console()
        if not console.is_terminal:
            self._bar = None
            return None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                             TextColumn("{task.description}"), console=console, transient=True)
        self._bar.__enter__()
        task = self._bar.add_task("", total=None)

        def update(done: int, total: int, source: str) -> None:
            self._bar.update(task, completed=done, total=total, description=Path(source).name)

        return update

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _report(result: BatchResult) -> None:
    """The run's summary and every error, on stderr."""
    ok = int((result.rows["status"] == "ok").sum())
    inputs = len(result.stats)
    if not inputs:
        state.print_warning("no export found (folders are walked for .txt .csv .tsv .json .jsonl .ndjson .zip; "
                            "subfolders only with --recursive)")
    note = f"audited {ok} group(s) from {inputs} input(s) in {result.seconds:.1f} s"
    if result.cached:
        note += f"; {len(result.cached)} input(s) from cache"
    state.print_note(note)
    if result.skipped:
        shown = ", ".join(result.skipped[:5]) + (f" and {len(result.skipped) - 5} more" if len(result.skipped) > 5 else "")
        state.print_note(f"skipped {len(result.skipped)} file(s) no format recognises: {shown} "
                         "(name a file explicitly, or pass --log-format, to see why)")
    for row in result.errors.itertuples():
        state.print_error(row.error if str(row.source) in row.error else f"{row.source}: {row.error}")


def _table(frame, section: str, result: BatchResult, color: bool) -> str:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    if section == "summary":
        frame = frame[list(TABLE_COLUMNS)]
        title = f"{len(frame)} group(s), sorted by health; {len(result.errors)} error(s)"
    else:
        title = f"{len(frame)} finding(s) shared by several groups"
    buf = io.StringIO()
    width = max(state.err_console().width, 160) if color else 200
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False)
    table = Table(title=escape(title), title_justify="left")
    for col in frame.columns:
        number = frame[col].dtype.kind in "iuf"
        table.add_column(col, overflow="fold", justify="right" if number else "left", no_wrap=number,
                         ratio=None if number else 1)
    for row in records(frame):
        table.add_row(*(escape("" if v is None else str(v)[:80]) for v in row.values()))
    console.print(table)
    return buf.getvalue()
