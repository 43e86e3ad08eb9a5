"""`community-audit formats`: the supported exports and how to make each one."""

from __future__ import annotations

from typing import Annotated

import typer

from analysis.parsers import FORMATS
from cli.output import dumps

NAME = "formats"
HELP = """List the supported export formats and how to produce each one in its app.

Example:  community-audit formats
"""


def command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output format: table or json.")] = "table",
) -> None:
    rows = [{"name": f.name, "platform": f.platform, "title": f.title, "how_to_export": f.how_to_export}
            for f in FORMATS]
    if fmt == "json":
        typer.echo(dumps(rows), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Supported exports (use the name with --log-format)", show_lines=True)
    table.add_column("name", no_wrap=True)
    table.add_column("platform")
    table.add_column("export")
    table.add_column("how to export")
    for r in rows:
        table.add_row(r["name"], r["platform"], r["title"], r["how_to_export"])
    Console().print(table)
