"""`community-audit formats`: the supported exports and how to make each one."""

from __future__ import annotations

import sys
from enum import Enum

from analysis.parsers import FORMATS
from cli import options as o
from cli.catalogue import say
from cli.catalogue_formats import format_words
from cli.output import dumps, write_output

NAME = "formats"
HELP = """List the supported export formats and how to produce each one in its app.

Example:  community-audit formats --lang zh
"""


class Format(str, Enum):
    """What ``formats`` writes."""

    table = "table"
    json = "json"


def command(
    fmt: o.format_option(Format, Format.table) = None,
    output: o.OutputOpt = None,
    lang: o.LangOpt = "auto",
) -> None:
    fmt = o.choose_format(fmt, output, Format.table)
    lang = o.lang_of(lang)
    lang = lang if lang in ("zh", "en") else "en"  # no log to take the language from
    rows = [{"name": f.name, "platform": f.platform, **format_words(f, lang), "folder": f.folder,
             "extensions": list(f.extensions)} for f in FORMATS]
    writers = {
        Format.json: lambda: write_output(output, text=dumps(rows)),
        Format.table: lambda: write_output(output, text=_table(rows, lang, output is None and sys.stdout.isatty())),
    }
    writers[fmt]()


def _table(rows: list[dict], lang: str, terminal: bool) -> str:
    import io

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buf = io.StringIO()
    width = max(Console().width, 100) if terminal else 120
    console = Console(file=buf, width=width, force_terminal=terminal, no_color=not terminal, highlight=False)
    table = Table(title=escape(say("formats.title", lang)), show_lines=True, expand=True)
    table.add_column(say("column.name", lang), no_wrap=True)
    table.add_column(say("column.platform", lang), no_wrap=True)
    table.add_column(say("column.export", lang), ratio=1, overflow="fold")
    table.add_column(say("column.how_to_export", lang), ratio=2, overflow="fold")
    for r in rows:
        table.add_row(escape(r["name"]), escape(r["platform"]), escape(r["title"]), escape(r["how_to_export"]))
    console.print(table)
    return buf.getvalue()
