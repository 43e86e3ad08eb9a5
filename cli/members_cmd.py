"""`community-audit members LOG`: one row per known member, with tier and evidence."""

from __future__ import annotations

import sys
from enum import Enum

from analysis.loading import InputOptions
from analysis.members import analyse_members, member_summary, member_table
from cli import options as o
from cli import state
from cli.catalogue import say
from cli.common import open_for_command
from cli.output import csv_text, dumps, records, write_output
from cli.tables import render_frame
from cli.words import localise_members, tier_label

NAME = "members"
HELP = """List every known member of LOG with a tier (core, active, occasional, silent, dormant, left) and why.

Members come from the messages, join/leave notices, the export's member list and --roster.
Days silent and tiers count from the end of the window, never from today. With --lang zh
the table and the CSV's tier and evidence values are in Chinese (the CSV headers stay).

Example:  community-audit members sample_logs/qq_txt/study_group.txt -o members.csv
"""


class Format(str, Enum):
    """What ``members`` writes."""

    table = "table"
    csv = "csv"
    json = "json"


_TABLE_COLUMNS = ("sender_id", "sender", "role", "tier", "messages", "active_days", "last_seen", "days_silent",
                  "evidence")


@o.reads_log
def command(
    log: o.LogArg,
    inputs: InputOptions,
    fmt: o.format_option(Format, Format.table) = None,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    lang: o.LangOpt = "auto",
) -> None:
    fmt = o.choose_format(fmt, output, Format.table)
    opened, lang = open_for_command(log, inputs, lang)
    result = analyse_members(opened.chat, window=opened.window, config=opened.config)
    state.print_note(say("members.known", lang, known=result.known, as_of=f"{result.window.end:%Y-%m-%d %H:%M}",
                         tiers=", ".join(f"{tier_label(tier, lang)} {n}" for tier, n in result.tier_counts.items())))

    def table() -> str:
        frame = localise_members(member_table(result), result, lang)
        frame = frame.assign(last_seen=frame["last_seen"].dt.strftime("%Y-%m-%d"))[list(_TABLE_COLUMNS)]
        title = say("members.title", lang, as_of=f"{result.window.end:%Y-%m-%d %H:%M}")
        terminal = output is None and sys.stdout.isatty()
        return render_frame(frame, title, lang=lang, width=max(state.err_console().width, 120) if terminal else 200,
                            wide=("evidence",), numbers=("messages", "active_days", "days_silent"))

    writers = {
        Format.csv: lambda: write_output(output, text=csv_text(localise_members(member_table(result), result, lang)),
                                         bom=not no_bom and output is not None, inputs=(log,)),
        Format.json: lambda: write_output(output, text=dumps({
            **member_summary(result, opened.chat), "lang": lang,
            "members": records(localise_members(member_table(result, names=True), result, lang, tiers=False))}), inputs=(log,)),
        Format.table: lambda: write_output(output, text=table(), inputs=(log,)),
    }
    writers[fmt]()
