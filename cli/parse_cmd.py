"""`community-audit parse LOG`: the canonical message table itself."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from analysis.loading import InputOptions
from analysis.schema import Chat
from cli import options as o
from cli.common import open_for_command
from cli.output import csv_text, jsonl_text, write_output

NAME = "parse"
HELP = """Write the canonical message table of LOG (csv, jsonl or parquet).

A one-line coverage summary (records, lines not understood, encoding, assumptions) goes
to stderr.

Example:  community-audit parse sample_logs/qq_txt/study_group.txt -o messages.csv
"""


class Format(str, Enum):
    """What ``parse`` writes."""

    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


UnparsedOpt = Annotated[bool, typer.Option(
    "--unparsed", help="Write the lines not understood (line, text) instead of the messages.",
    rich_help_panel="Output")]


@o.reads_log
def command(
    log: o.LogArg,
    inputs: InputOptions,
    fmt: o.format_option(Format, Format.csv) = None,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    unparsed: UnparsedOpt = False,
    lang: o.LangOpt = "auto",
) -> None:
    fmt = o.choose_format(fmt, output, Format.csv)
    opened, lang = open_for_command(log, inputs, lang)
    frame = _unparsed_frame(opened.clipped) if unparsed else opened.clipped.messages
    writers = {
        Format.csv: lambda: write_output(output, text=csv_text(frame), bom=not no_bom and output is not None,
                                         inputs=(log,)),
        Format.jsonl: lambda: write_output(output, text=jsonl_text(frame), inputs=(log,)),
        Format.parquet: lambda: write_output(output, binary=lambda fh: frame.to_parquet(fh, index=False),
                                             inputs=(log,)),
    }
    writers[fmt]()


def _unparsed_frame(chat: Chat):
    import pandas as pd

    return pd.DataFrame({"line": [u.line for u in chat.unparsed], "text": [u.text for u in chat.unparsed]})
