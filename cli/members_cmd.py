"""`community-audit members LOG`: one row per known member, with tier and evidence."""

from __future__ import annotations

import dataclasses
import io
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from analysis.members import MembersResult, analyse_members, member_summary, member_table
from analysis.roster import merge_roster, read_roster
from cli import options as o
from cli import state
from cli.common import load
from cli.output import choose_format, csv_text, dumps, records, write_output

NAME = "members"
HELP = """List every known member of LOG with a tier (core, active, occasional, silent, dormant, left) and why.

Members come from the messages, join/leave notices, the export's member list and --roster.
Days silent and tiers count from the end of the window, never from today.

Example:  community-audit members sample_logs/qq_txt/study_group.txt -o members.csv
"""

FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", help="Output format: table, csv or json (default table; from -o's extension).",
    rich_help_panel="Output")]
RosterOpt = Annotated[Path | None, typer.Option(
    "--roster", help="Member list CSV with a header id,name,role,joined (members who never spoke).",
    dir_okay=False, rich_help_panel="Input")]


def command(
    log: o.LogArg,
    fmt: FormatOpt = None,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    roster: RosterOpt = None,
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
    fmt = choose_format(fmt, output, "table", ("table", "csv", "json"))
    loaded = load(log, log_format=log_format, tz=tz, group=group, columns=columns, dayfirst=dayfirst,
                  date=date, strict=strict, max_bytes=max_bytes, config_path=config,
                  since=since, until=until, last=last)
    chat = loaded.full
    if roster is not None:
        chat = dataclasses.replace(chat, roster=merge_roster(chat.roster, read_roster(roster)))
    result = analyse_members(chat, window=loaded.window, config=loaded.config)
    counts = ", ".join(f"{tier} {n}" for tier, n in result.tier_counts.items())
    state.print_note(f"{result.known} known members as of {result.window.end:%Y-%m-%d %H:%M}: {counts}")
    if fmt == "csv":
        write_output(output, text=csv_text(member_table(result)), bom=not no_bom and output is not None,
                     inputs=(log,))
    elif fmt == "json":
        data = {**member_summary(result, chat), "members": records(member_table(result, names=True))}
        write_output(output, text=dumps(data), inputs=(log,))
    else:
        write_output(output, text=_table_text(result, output is None), inputs=(log,))


def _table_text(result: MembersResult, terminal: bool) -> str:
    table = Table(title=f"Members as of {result.window.end:%Y-%m-%d %H:%M}")
    numbers = ("messages", "active_days", "days_silent")
    for col in ("sender_id", "sender", "role", "tier", *numbers[:2], "last_seen", numbers[2], "evidence"):
        table.add_column(col, justify="right" if col in numbers else "left",
                         no_wrap=col != "evidence", overflow="fold", ratio=1 if col == "evidence" else None)
    for row in records(member_table(result)):
        table.add_row(*(Text("" if v is None else str(v)) for v in (
            row["sender_id"], row["sender"], row["role"], row["tier"], row["messages"], row["active_days"],
            (row["last_seen"] or "")[:10], row["days_silent"], row["evidence"])))
    buffer = io.StringIO()
    width = max(Console().width, 120) if terminal and sys.stdout.isatty() else 200
    Console(file=buffer, width=width, highlight=False, color_system=None).print(table)
    return buffer.getvalue()
