"""One builder for the Rich tables the commands print (members, spam, topics, batch).

Column headers are the frame's stable snake_case names, worded through the catalogue
(``column.<name>``) in the report's language; values are shown as they are (timestamps to
the second, missing as blank), long texts shortened, markup escaped, control characters and bidi controls made visible
(:func:`cli.output.printable`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import pandas as pd

from cli.catalogue import MESSAGES, say
from cli.output import printable


def header(column: str, lang: str) -> str:
    """A column's header in ``lang`` (the name itself when the catalogue has no entry)."""
    code = f"column.{column}"
    return say(code, lang) if code in MESSAGES else column


def render_frame(
    frame: pd.DataFrame,
    title: str,
    *,
    lang: str = "en",
    color: bool = False,
    width: int = 140,
    shorten: Mapping[str, int] | None = None,
    wide: Sequence[str] | Mapping[str, int] = (),
    numbers: Sequence[str] | None = None,
) -> str:
    """``frame`` as a Rich table rendered to text.

    Args:
        shorten: column -> longest text shown (longer ones end in "...").
        wide: columns that take the spare width and wrap (a message's text, evidence); a
            mapping gives each its share of it (``{"text": 3, "reasons": 2}``).
        numbers: right-aligned columns (default: the numeric dtypes).
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    shorten = dict(shorten or {})
    if numbers is None:
        numbers = [c for c in frame.columns if frame[c].dtype.kind in "iuf"]
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False)
    ratios = dict(wide) if isinstance(wide, Mapping) else dict.fromkeys(wide, 3)
    table = Table(title=escape(printable(title)), title_justify="left", expand=bool(ratios))
    for col in frame.columns:
        is_wide = col in ratios
        table.add_column(escape(printable(header(col, lang))), overflow="fold", justify="right" if col in numbers else "left",
                         no_wrap=not is_wide and col in numbers, ratio=ratios.get(col))
    for row in frame.itertuples(index=False):
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            if isinstance(value, pd.Timestamp):
                value = value.strftime("%Y-%m-%d %H:%M:%S")
            text = "" if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)) else str(value)
            limit = shorten.get(col)
            if limit and len(text) > limit:
                text = text[: limit - 3] + "..."
            cells.append(escape(printable(text.replace("\n", " "))))
        table.add_row(*cells)
    console.print(table)
    return buf.getvalue()
