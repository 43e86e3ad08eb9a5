"""`community-audit batch PATH...`: one audit per group, one row per group, cross-group findings."""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer

from analysis.batch import BatchOptions, BatchResult, run_batch, sort_by_health
from analysis.loading import InputOptions, resolve_config
from analysis.parsers import export_extensions
from cli import options as o
from cli import state
from cli.catalogue import pct, say
from cli.exit_codes import ExitCode
from cli.output import csv_text, dumps, records, write_output
from cli.tables import render_frame
from cli.topics_cmd import theme_terms

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
unchanged files; --details DIR also writes each group's report (json, html) and member CSV,
and an index.html linking them in the summary's order.
--engine dask --scheduler tcp://HOST:8786 runs the audits on a Dask cluster. Exit code 1 when
any input failed (the others are still audited).

Example:  community-audit batch sample_logs --recursive -o groups.csv
"""

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
        from cli.render import render
        from cli.words import localise_members

        folder = Path(self.folder)
        write_output(folder / f"{name}.report.json", text=render(report, "json"))
        write_output(folder / f"{name}.report.html", text=render(report, "html"))
        table = localise_members(member_table(report.members), report.members, report.lang)
        write_output(folder / f"{name}.members.csv", text=csv_text(table), bom=self.bom)

    def exists(self, name: str) -> bool:
        """True when this group's detail files are already in the folder (a cached input)."""
        folder = Path(self.folder)
        return all((folder / f"{name}{suffix}").is_file()
                   for suffix in (".report.json", ".report.html", ".members.csv"))


class Format(str, Enum):
    """What ``batch`` writes."""

    table = "table"
    csv = "csv"
    json = "json"


class Section(str, Enum):
    """Which table ``batch`` writes."""

    summary = "summary"
    cross_group = "cross_group"


class Sort(str, Enum):
    """Row order of the summary."""

    health = "health"
    input = "input"


PathsArg = Annotated[list[str], typer.Argument(help="Export files, folders and globs.", metavar="PATH")]
RecursiveOpt = Annotated[bool, typer.Option("--recursive", "-r", help="Walk subfolders too (and let ** in globs "
                                            "match folders).")]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", min=0, help="Worker processes (default: all cores; "
                                             "1 = no pool). With --engine dask and no --scheduler: workers of the "
                                             "local cluster.", rich_help_panel="Execution")]
EngineOpt = Annotated[str, typer.Option("--engine", help="local (process pool) or dask (needs the 'dask' extra).",
                                        rich_help_panel="Execution")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. "
                                                  "tcp://10.0.0.5:8786 (workers must see the same paths).",
                                                  rich_help_panel="Execution")]
CacheOpt = Annotated[Path | None, typer.Option("--cache", help="Reuse results of files whose content, options, "
                                               "config and tool version are unchanged; kept in this folder "
                                               "(nothing is written elsewhere).", file_okay=False,
                                               rich_help_panel="Execution")]
DetailsOpt = Annotated[Path | None, typer.Option("--details", help="Also write each group's report (json, html) "
                                                 "and member CSV, plus summary.csv, cross_group.csv and an "
                                                 "index.html linking them, into this folder.", file_okay=False,
                                                 rich_help_panel="Output")]
SectionOpt = Annotated[Section, typer.Option("--section", help="What to output: summary (one row per group) or "
                                             "cross_group.", case_sensitive=False, rich_help_panel="Output")]
SortOpt = Annotated[Sort, typer.Option("--sort", help="Row order: health (errors, then the least healthy first) "
                                       "or input.", case_sensitive=False, rich_help_panel="Output")]
ThemeOpt = Annotated[str | None, typer.Option("--theme", help="Theme keywords for every group, comma-separated "
                                              "(overrides the config's group theme).", rich_help_panel="Analysis")]


@o.reads_log
def command(
    paths: PathsArg,
    inputs: InputOptions,
    recursive: RecursiveOpt = False,
    jobs: JobsOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    cache: CacheOpt = None,
    details: DetailsOpt = None,
    fmt: o.format_option(Format, Format.table) = None,
    section: SectionOpt = Section.summary,
    sort: SortOpt = Sort.health,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    lang: o.LangOpt = "auto",
    theme: ThemeOpt = None,
) -> None:
    fmt = o.choose_format(fmt, output, Format.table)
    o.lang_of(lang)
    terms = theme_terms(theme)
    options = BatchOptions(inputs=inputs, config=resolve_config(inputs), lang=lang,
                           theme=tuple(terms) if terms else None)
    hook = None
    if details is not None:
        details.mkdir(parents=True, exist_ok=True)
        hook = DetailsWriter(str(details), bom=not no_bom)
    with _progress() as progress:
        result = run_batch(paths, options=options, recursive=recursive, jobs=jobs, engine=engine,
                           scheduler=scheduler, cache_dir=cache, progress=progress, details=hook)
    table_lang = lang if lang in ("zh", "en") else _main_lang(result)
    _report(result, table_lang)
    rows = result.rows
    if details is not None:  # each group's detail-file stem
        rows = rows.assign(details=[g.name for g in result.groups])
    rows = sort_by_health(rows) if sort is Sort.health else rows
    if details is not None:
        write_output(details / "summary.csv", text=csv_text(rows), bom=not no_bom)
        write_output(details / "cross_group.csv", text=csv_text(result.cross_group), bom=not no_bom)
        write_output(details / "index.html", text=index_html(rows, details, table_lang, by_health=sort is Sort.health))
    frame = rows if section is Section.summary else result.cross_group
    sources = tuple(paths)
    writers = {
        Format.csv: lambda: write_output(output, text=csv_text(frame), bom=not no_bom and output is not None,
                                         inputs=sources),
        Format.json: lambda: write_output(output, text=dumps(records(frame)), inputs=sources),
        Format.table: lambda: write_output(output, inputs=sources, text=_table(
            frame, section, result, table_lang, output is None and sys.stdout.isatty())),
    }
    writers[fmt]()
    if result.failed:
        raise typer.Exit(ExitCode.ERROR)


def _main_lang(result: BatchResult) -> str:
    """The language most audited groups were reported in (en when none was)."""
    langs = [g.lang for g in result.groups if g.lang]
    return max(("zh", "en"), key=langs.count) if langs else "en"


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


def _report(result: BatchResult, lang: str) -> None:
    """The run's summary and every error, on stderr."""
    ok = int((result.rows["status"] == "ok").sum())
    inputs = len(result.stats)
    if not inputs:
        state.print_warning(say("batch.nothing_found", lang, extensions=" ".join(export_extensions())), lang)
    note = say("batch.audited", lang, ok=ok, inputs=inputs, seconds=result.seconds)
    if result.cached:
        note += say("batch.from_cache", lang, n=len(result.cached))
    state.print_note(note)
    if result.skipped:
        more = len(result.skipped) - 5
        shown = ", ".join(result.skipped[:5]) + (say("batch.and_more", lang, n=more) if more > 0 else "")
        state.print_note(say("batch.skipped", lang, n=len(result.skipped), shown=shown))
    if result.changed:
        state.print_warning(say("batch.changed", lang, n=len(result.changed), shown=", ".join(result.changed[:5])),
                            lang)
    for row in result.errors.itertuples():
        state.print_error(row.error if str(row.source) in row.error else f"{row.source}: {row.error}")


_PERCENT_COLUMNS = ("participation", "spam_ratio", "on_topic_ratio")


def _table(frame, section: Section, result: BatchResult, lang: str, color: bool) -> str:
    import pandas as pd

    if section is Section.summary:
        frame = frame[list(TABLE_COLUMNS)].copy()
        for col in _PERCENT_COLUMNS:
            frame[col] = frame[col].map(lambda v: "" if v is None or pd.isna(v) else pct(float(v)))
        frame["lifecycle_stage"] = frame["lifecycle_stage"].map(
            lambda v: say(f"stage.{v}", lang) if isinstance(v, str) and v else "")
        frame["status"] = frame["status"].map(lambda v: say(f"status.{v}", lang) if isinstance(v, str) else "")
        title = say("batch.summary_title", lang, groups=len(frame), errors=len(result.errors))
    else:
        title = say("batch.cross_title", lang, n=len(frame))
    width = max(state.err_console().width, 160) if color else 200
    return render_frame(frame, title, lang=lang, color=color, width=width, shorten=dict.fromkeys(frame.columns, 80),
                        numbers=[c for c in frame.columns if c in ("messages", "speakers", "health_score",
                                                                   "n_groups", "members", "spam_messages",
                                                                   *_PERCENT_COLUMNS)])


# -- index.html of --details -------------------------------------------------------------

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The Content-Security-Policy of the report HTML (:mod:`cli.render.to_html`): no script, no
fetch; the index carries the same one."""

_INDEX_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:0;background:#f6f7f9;color:#1d2330;line-height:1.5}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:1.5em;margin:0 0 4px}
.muted{color:#667085;font-size:.9em}.card{background:#fff;border-radius:8px;padding:12px 16px;
box-shadow:0 1px 2px #0001;margin:12px 0;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.93em}th,td{padding:4px 8px;border-bottom:1px solid #eceff3;
text-align:left;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.error td{background:#fdf0ef}.err{color:#c5221f;word-break:break-word}a{color:#1a56db}
"""


def index_html(rows, folder: Path, lang: str, *, by_health: bool) -> str:
    """``index.html`` of ``--details``: one row per group in the order of ``rows`` (the summary
    with its ``details`` column), linking each group's report and member CSV that exist in
    ``folder``. Self-contained (inline CSS, no script); every value from the logs is escaped."""
    errors = int((rows["status"] == "error").sum())
    title = say("batch.index_title", lang, groups=len(rows))
    order = say("batch.index_order_health" if by_health else "batch.index_order_input", lang)
    heads = "".join(f'<th{cls}>{_h(say(f"batch.index_{key}", lang))}</th>' for key, cls in (
        ("group", ""), ("health", ' class="n"'), ("band", ""), ("stage", ""), ("messages", ' class="n"'),
        ("status", ""), ("files", "")))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title><style>{_INDEX_CSS}</style></head><body><main>",
        f"<h1>{_h(title)}</h1>",
        f'<p class="muted">{_h(say("batch.index_counts", lang, groups=len(rows), errors=errors))} {_h(order)} '
        + " · ".join(filter(None, (_link(folder, name, say(f"batch.index_{key}", lang))
                                   for name, key in (("summary.csv", "summary"), ("cross_group.csv", "cross")))))
        + "</p>",
        f'<div class="card"><table><thead><tr>{heads}</tr></thead><tbody>',
    ]
    out += [_index_row(row, folder, lang) for row in rows.to_dict("records")]
    out.append("</tbody></table></div></main></body></html>")
    return "\n".join(out) + "\n"


def _index_row(row: dict[str, Any], folder: Path, lang: str) -> str:
    """One ``<tr>``: group (and source), health, band, stage, messages, status/error, links."""
    group, source, error = _text(row.get("group")), _text(row.get("source")), _text(row.get("error"))
    status, band, stage = _text(row.get("status")), _text(row.get("health_band")), _text(row.get("lifecycle_stage"))
    score, messages, name = row.get("health_score"), row.get("messages"), _text(row.get("details"))
    links = (_link(folder, f"{name}.report.html", say("batch.index_report", lang)),
             _link(folder, f"{name}.members.csv", say("batch.index_members", lang))) if name else ()
    cells = [
        (f"<b>{_h(group)}</b>" if group else "") + f'<div class="muted">{_h(source)}</div>',
        "–" if _missing(score) else f"{float(score):g}",
        _h(say(f"band.{band}", lang)) if band else "",
        _h(say(f"stage.{stage}", lang)) if stage else "",
        "" if _missing(messages) else f"{int(messages):,}",
        (_h(say(f"status.{status}", lang)) if status else "") + (f'<div class="err">{_h(error)}</div>' if error else ""),
        " · ".join(filter(None, links)),
    ]
    classes = ("group", "n", "", "", "n", "", "")
    tds = "".join(f'<td class="{c}">{cell}</td>' if c else f"<td>{cell}</td>" for c, cell in zip(classes, cells, strict=True))
    return f'<tr class="{_h(status)}">{tds}</tr>'


def _link(folder: Path, file: str, label: str) -> str:
    """A relative link to ``file`` in ``folder``, or nothing when it is not there."""
    if not (folder / file).is_file():
        return ""
    return f'<a href="{_h(quote(file))}">{_h(label)}</a>'


def _h(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)
