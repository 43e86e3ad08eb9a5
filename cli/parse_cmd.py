"""`community-audit parse LOG`: the canonical message table itself."""

from __future__ import annotations

from typing import Annotated

import typer

from analysis.schema import Chat
from cli import options as o
from cli.common import load
from cli.output import choose_format, csv_text, jsonl_text, write_output

NAME = "parse"
HELP = """Write the canonical message table of LOG (csv, jsonl or parquet).

A one-line coverage summary (records, lines not understood, encoding, assumptions) goes
to stderr.

Example:  community-audit parse sample_logs/qq_txt/study_group.txt -o messages.csv
"""


def command(
    log: o.LogArg,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="Output format: csv, jsonl or parquet (default csv).",
                                            rich_help_panel="Output")] = None,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    unparsed: Annotated[bool, typer.Option("--unparsed", help="Write the lines not understood (line, text) instead of the messages.",
                                           rich_help_panel="Output")] = False,
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
    fmt = choose_format(fmt, output, "csv", ("csv", "jsonl", "parquet"))
    loaded = load(log, log_format=log_format, tz=tz, group=group, columns=columns, dayfirst=dayfirst,
                  date=date, strict=strict, max_bytes=max_bytes, config_path=config,
                  since=since, until=until, last=last)
    frame = _unparsed_frame(loaded.chat) if unparsed else loaded.chat.messages
    if fmt == "parquet":
        write_output(output, binary=lambda fh: frame.to_parquet(fh, index=False), inputs=(log,))
    elif fmt == "jsonl":
        write_output(output, text=jsonl_text(frame), inputs=(log,))
    else:
        write_output(output, text=csv_text(frame), bom=not no_bom and output is not None, inputs=(log,))


def _unparsed_frame(chat: Chat):
    import pandas as pd

    return pd.DataFrame({"line": [u.line for u in chat.unparsed], "text": [u.text for u in chat.unparsed]})
