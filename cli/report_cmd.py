"""`community-audit report LOG`: the full audit of one group, in any output format."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from analysis.errors import OptionError
from analysis.report import anonymize_report, audit
from cli import options as o
from cli import state
from cli.common import load
from cli.exit_codes import ExitCode
from cli.output import choose_format, write_output
from cli.render_report import FORMATS, SECTIONS, render

NAME = "report"
HELP = """The full audit of one group: a 0-100 health score from documented components, activity,
members (core, silent, dormant), spam, topics, events, and recommendations tied to the
component that triggered them.

-f picks the output: table (default), json (stable schema), csv (--section summary, health,
members, spam, activity or topics), md (to paste into a document) or html (one
self-contained file). --anonymize replaces every name and id with a stable pseudonym and
masks phone numbers, wxids, QQ numbers and e-mails; --fail-under exits 3 when the score is lower.

Example:  community-audit report sample_logs/qq_txt/study_group.txt -o report.html
"""

FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", help="Output format: table, json, csv, md or html (default table; from -o's extension).",
    rich_help_panel="Output")]
SectionOpt = Annotated[str, typer.Option(
    "--section", help=f"With -f csv: which table ({', '.join(SECTIONS)}).", rich_help_panel="Output")]
LangOpt = Annotated[str, typer.Option(
    "--lang", help="Language of the report: auto (the log's main language), zh or en.", rich_help_panel="Output")]
ThemeOpt = Annotated[str | None, typer.Option(
    "--theme", help="The group's theme keywords, comma-separated (overrides [group] theme), e.g. '读书,三体'.",
    rich_help_panel="Analysis")]
AnonymizeOpt = Annotated[bool, typer.Option(
    "--anonymize", help="Replace every name and id with a stable pseudonym and mask phone numbers, wxids, "
    "QQ numbers and e-mails in every output.", rich_help_panel="Output")]
AnonymizeKeyOpt = Annotated[str | None, typer.Option(
    "--anonymize-key", help="Secret salt for --anonymize: the same key gives the same pseudonyms across runs "
    "(random per run otherwise). Implies --anonymize.", rich_help_panel="Output")]
FailUnderOpt = Annotated[float | None, typer.Option(
    "--fail-under", metavar="SCORE", help="Exit 3 when the health score is lower than SCORE "
    "(default: [health] fail_under).", rich_help_panel="Output")]


def command(
    log: o.LogArg,
    fmt: FormatOpt = None,
    section: SectionOpt = "summary",
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    lang: LangOpt = "auto",
    theme: ThemeOpt = None,
    anonymize: AnonymizeOpt = False,
    anonymize_key: AnonymizeKeyOpt = None,
    fail_under: FailUnderOpt = None,
    log_format: o.LogFormatOpt = None,
    tz: o.TzOpt = None,
    group: o.GroupOpt = None,
    columns: o.ColumnsOpt = None,
    dayfirst: o.DayfirstOpt = None,
    date: o.DateOpt = None,
    strict: o.StrictOpt = False,
    max_bytes: o.MaxBytesOpt = None,
    config: o.ConfigOpt = None,
    since: o.SinceOpt = None,
    until: o.UntilOpt = None,
    last: o.LastOpt = None,
) -> None:
    fmt = choose_format(fmt, output, "table", FORMATS)
    if lang not in ("auto", "zh", "en"):
        raise OptionError(f"--lang {lang!r} is not one of auto, zh, en")
    if section not in SECTIONS:
        raise OptionError(f"--section {section!r} is not one of {', '.join(SECTIONS)}")
    loaded = load(log, log_format=log_format, tz=tz, group=group, columns=columns, dayfirst=dayfirst,
                  date=date, strict=strict, max_bytes=max_bytes, config_path=config,
                  since=since, until=until, last=last)
    terms = [t.strip() for t in theme.split(",") if t.strip()] if theme else None
    report = audit(loaded.full, loaded.config, window=loaded.window, theme=terms, lang=lang)
    if anonymize or anonymize_key is not None:
        report = anonymize_report(report, loaded.full, anonymize_key)
    state.print_note(f"health {report.health.score:g}/100 ({report.health.band}), stage {report.activity.lifecycle.stage}")
    color = fmt == "table" and output is None and sys.stdout.isatty()
    text = render(report, fmt, section=section, color=color)
    write_output(output, text=text, bom=fmt == "csv" and output is not None and not no_bom, inputs=(log,))
    threshold = fail_under if fail_under is not None else loaded.config.health.fail_under
    if threshold is not None and report.health.score < threshold:
        state.print_error(f"health score {report.health.score:g} is below --fail-under {threshold:g}")
        raise typer.Exit(ExitCode.THRESHOLD)
