"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

LOG_HELP = "The exported chat log (any supported export; '-' reads standard input)."

LogArg = Annotated[str, typer.Argument(help=LOG_HELP, metavar="LOG")]

LogFormatOpt = Annotated[
    str | None,
    typer.Option("--log-format", help="Force the INPUT export format (e.g. qq-txt); "
                 "detected from content otherwise. See 'community-audit formats'.",
                 rich_help_panel="Input"),
]
TzOpt = Annotated[
    str | None,
    typer.Option("--tz", help="Time zone for absolute timestamps, e.g. Asia/Shanghai or UTC.",
                 rich_help_panel="Input"),
]
GroupOpt = Annotated[
    str | None,
    typer.Option("--group", help="Which conversation to read from a file that holds several "
                 "(QQ 'all messages' export, Telegram full export).", rich_help_panel="Input"),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option("--columns", help="Generic CSV/TSV/JSONL: map canonical columns to the file's, "
                 "e.g. 'timestamp=Time,sender=User,text=Message'.", rich_help_panel="Input"),
]
DayfirstOpt = Annotated[
    bool | None,
    typer.Option("--dayfirst/--monthfirst", help="Date order when the log cannot decide (WhatsApp).",
                 show_default=False, rich_help_panel="Input"),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="The date of a log whose lines carry only times (chatlog text), e.g. 2025-03-01.",
                 rich_help_panel="Input"),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Fail (exit 1) if any non-blank line is not understood.",
                 rich_help_panel="Input"),
]
MaxBytesOpt = Annotated[
    int | None,
    typer.Option("--max-bytes", help="Refuse inputs larger than this many bytes (default: 512 MiB for "
                 "formats read in blocks, 128 MiB for formats read whole; 0 = no limit).", rich_help_panel="Input"),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="TOML configuration file (default: ./community-audit.toml if present).",
                 dir_okay=False, rich_help_panel="Input"),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Start of the window (inclusive), e.g. 2024-03-01.", rich_help_panel="Window"),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="End of the window (exclusive), e.g. 2024-04-01.", rich_help_panel="Window"),
]
LastOpt = Annotated[
    str | None,
    typer.Option("--last", help="Only the last span of the log, e.g. 30d, 12w, 6m, 1y; counted back "
                 "from the log's end (or --until), never from today.", rich_help_panel="Window"),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of stdout (format from the "
                 "extension when -f is not given). Written atomically; never the input file.",
                 dir_okay=False, rich_help_panel="Output"),
]
NoBomOpt = Annotated[
    bool,
    typer.Option("--no-bom", help="Do not start a .csv file with a UTF-8 BOM (the BOM lets Excel show Chinese).",
                 rich_help_panel="Output"),
]
