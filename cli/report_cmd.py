"""`community-audit report LOG`: the full audit of one group, in any output format."""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import Enum
from typing import Annotated

import typer

from analysis.anonymize import Anonymizer
from analysis.loading import InputOptions
from analysis.report import anonymize_report, audit
from cli import options as o
from cli import state
from cli.catalogue import say
from cli.common import open_for_command, report_coverage
from cli.exit_codes import ExitCode
from cli.output import write_output
from cli.render import FORMATS, SECTIONS, render
from cli.topics_cmd import theme_terms

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

Format = Enum("Format", {name: name for name in FORMATS}, type=str)
"""What ``report`` writes: one member per renderer in :data:`cli.render.RENDERERS`."""
Section = Enum("Section", {name: name for name in SECTIONS}, type=str)
"""The table ``report -f csv`` writes."""


SectionOpt = Annotated[Section, typer.Option(
    "--section", help="With -f csv: which table.", case_sensitive=False, rich_help_panel="Output")]
ThemeOpt = Annotated[str | None, typer.Option(
    "--theme", help="The group's theme keywords, comma-separated (overrides the config's group theme), "
    "e.g. '读书,三体'.", rich_help_panel="Analysis")]
AnonymizeOpt = Annotated[bool, typer.Option(
    "--anonymize", help="Replace every name and id with a stable pseudonym and mask phone numbers, wxids, "
    "QQ numbers and e-mails in every output.", rich_help_panel="Output")]
AnonymizeKeyOpt = Annotated[str | None, typer.Option(
    "--anonymize-key", help="Secret salt for --anonymize: the same key gives the same pseudonyms across runs "
    "(random per run otherwise). Implies --anonymize.", rich_help_panel="Output")]
FailUnderOpt = Annotated[float | None, typer.Option(
    "--fail-under", metavar="SCORE", help="Exit 3 when the health score is lower than SCORE "
    "(default: fail_under in the config's health section).", rich_help_panel="Output")]


@o.reads_log
def command(
    log: o.LogArg,
    inputs: InputOptions,
    fmt: o.format_option(Format, Format.table) = None,
    section: SectionOpt = Section.summary,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    lang: o.LangOpt = "auto",
    theme: ThemeOpt = None,
    anonymize: AnonymizeOpt = False,
    anonymize_key: AnonymizeKeyOpt = None,
    fail_under: FailUnderOpt = None,
) -> None:
    fmt = o.choose_format(fmt, output, Format.table)
    o.check_fail_under(fail_under)
    o.check_anonymize_key(anonymize_key)
    hide = anonymize or anonymize_key is not None
    opened, lang = open_for_command(log, inputs, lang, quiet=hide)
    report = audit(opened.chat, opened.config, window=opened.window, theme=theme_terms(theme), lang=lang)
    if hide:
        # The coverage lines (lines not understood, parser warnings) are printed after the
        # audit, from the anonymized chat, with the same pseudonyms as the report.
        rewriter = Anonymizer.for_report(report, opened.chat, anonymize_key)
        report = anonymize_report(report, opened.chat, anonymize_key, anonymizer=rewriter)
        report_coverage(replace(opened, chat=rewriter.coverage(opened.chat),
                                assumptions=tuple(rewriter.value(a) for a in opened.assumptions)), lang)
    state.print_note(say("report.done", report.lang, score=report.health.score,
                         band=say(f"band.{report.health.band}", report.lang),
                         stage=say(f"stage.{report.activity.lifecycle.stage}", report.lang)))
    color = fmt is Format.table and output is None and sys.stdout.isatty()
    text = render(report, fmt.value, section=section.value, color=color)
    write_output(output, text=text, bom=fmt is Format.csv and output is not None and not no_bom, inputs=(log,))
    threshold = fail_under if fail_under is not None else opened.config.health.fail_under
    if threshold is not None and report.health.score < threshold:
        state.print_error(f"health score {report.health.score:g} is below --fail-under {threshold:g}")
        raise typer.Exit(ExitCode.THRESHOLD)
