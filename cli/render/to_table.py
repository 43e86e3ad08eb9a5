"""``-f table``: the terminal report (Rich), ``width`` columns, colour only on a terminal."""

from __future__ import annotations

import io
from typing import Any

from analysis.report import AuditReport
from cli.output import printable_all
from cli.render.view import (
    ReportView,
    build_view,
    flat,
    pad_cells,
    shade,
    sparkline,
    wrap,
    wrap_items,
)

_BAND_STYLE = {"healthy": "bold green", "at risk": "bold yellow", "critical": "bold red"}
_COMPONENT_STYLE = {"good": "green", "fair": "yellow", "poor": "red"}
_PRIORITY_STYLE = {1: "bold red", 2: "yellow"}


def render(report: AuditReport, *, width: int | None = None, color: bool = False, **_: Any) -> str:
    """The report as Rich text."""
    return render_view(build_view(report), width=width or 100, color=color)


def render_view(v: ReportView, *, width: int = 100, color: bool = False) -> str:
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    v = printable_all(v)  # names and texts from the log: no escape sequence reaches the terminal
    L = v.L
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None, force_terminal=color,
                      highlight=False, emoji=False, markup=False, soft_wrap=False)
    band_style = _BAND_STYLE.get(v.band, "bold")

    head = Text()
    head.append(f"{L['health']} ", style="bold")
    head.append(f"{v.score:g}/100 ", style=band_style)
    head.append(v.band_label, style=band_style)
    head.append(f"   {L['stage']}: {v.stage_label}")
    if v.anonymized:
        head.append(f"   ({L['anonymized']})", style="dim")
    sub = Text(f"{L['window']}: {v.window_start} → {v.window_end} ({v.days} {L['days']})\n"
               f"{v.platform} / {v.format} · {v.source} · {v.records:,} {L['records']}, "
               f"{v.unparsed:,} {L['unparsed']}", style="dim")
    console.print(Panel(Group(head, sub), title=Text(f"{L['title']}: {v.group}", style="bold"),
                        title_align="left", box=box.ROUNDED))

    comp = Table(title=L["components"], title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
    for key, justify in (("component", "left"), ("value", "right"), ("band", "left"), ("score", "right"),
                         ("weight", "right")):
        comp.add_column(L[key], justify=justify, no_wrap=True)
    comp.add_column(L["evidence"], ratio=1, overflow="fold")
    for c in v.components:
        comp.add_row(c.label, c.value, Text(c.band_label, style=_COMPONENT_STYLE.get(c.band, "dim")),
                     "–" if c.score is None else f"{c.score:g}", f"{c.weight:g}", Text(c.evidence, style="dim"))
    console.print(comp)

    grid = Table(title=L["metrics"], title_justify="left", box=None, show_header=False, pad_edge=False, expand=True)
    for _ in range(2):
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
    half = (len(v.metrics) + 1) // 2
    for left, right in zip(v.metrics[:half], [*v.metrics[half:], ("", "")], strict=False):
        grid.add_row(left[0], left[1], right[0], right[1])
    console.print(grid)
    console.print()

    console.print(Text(L["weekly"], style="bold italic"))
    if v.weekly:
        from cli.catalogue import say

        line = Text(sparkline(v.weekly), style="cyan")
        line.append(f"  {v.weekly[0]:,} → {v.weekly[-1]:,} "
                    + say("label.weeks_span", v.lang, weeks=len(v.weekly), top=max(v.weekly)), style="dim")
        console.print(line)
    else:
        console.print(Text(L["no_messages"], style="dim"))
    console.print()

    console.print(Text(L["heat"], style="bold italic"))
    top = v.heat.max()
    header = Text("     ")
    for hour in range(0, 24, 3):
        header.append(f"{hour:<6d}", style="dim")
    console.print(header)
    for i, day in enumerate(v.weekdays):
        row = Text(pad_cells(day, 4), style="dim")
        row.append(" ")
        for value in v.heat[i]:
            row.append(shade(value, top) * 2, style="magenta")
        row.append(f"  {int(v.heat[i].sum()):,}", style="dim")
        console.print(row)
    console.print()

    if v.top_members:
        tm = Table(title=L["top_members"], title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        tm.add_column(L["name"], overflow="ellipsis", max_width=24, no_wrap=True)
        tm.add_column(L["tier"], no_wrap=True)
        for key in ("messages", "share", "active_days"):
            tm.add_column(L[key], justify="right", no_wrap=True)
        tm.add_column(L["last_seen"], no_wrap=True)
        for name, *cells in v.top_members:
            tm.add_row(Text(flat(name)), *cells)
        console.print(tm)

    quiet = Text(L["quiet"] + "\n", style="bold italic")
    for q in v.quiet:
        quiet.append(f"  {q.label}: ", style="dim")
        quiet.append(f"{q.count}")
        if q.names:
            quiet.append(f"  ({L['eg']} {', '.join(flat(x, 20) for x in q.names[:5])})", style="dim")
        quiet.append("\n")
    console.print(quiet)

    spam = Text(L["spam"] + "\n", style="bold italic")
    spam.append(f"  {L['spam_messages']}: {v.spam_messages:,} / {v.messages:,} ({v.spam_share})"
                f" · {L['suspects']}: {v.suspect_messages:,} · {L['spammers']}: {len(v.spammers)}\n")
    for name, count, reasons in v.spammers[:5]:
        lead = f"- {flat(name, 24)} ({count}): "
        wrapped = wrap(lead + flat(reasons, 160), width - 2, "    ")
        spam.append("  " + wrapped[: len(lead)], style="red")
        spam.append(wrapped[len(lead):] + "\n", style="dim")
    spam_rows = v.flagged[v.flagged["verdict"] == "spam"].head(3) if len(v.flagged) else v.flagged
    for row in spam_rows.itertuples():
        spam.append(f"  > {row.timestamp:%Y-%m-%d %H:%M} {flat(row.sender, 16)}: ", style="dim")
        spam.append(flat(row.text, 56) + "\n")
    console.print(spam)

    kw = Text(L["keywords"] + "\n", style="bold italic")
    terms = [flat(x, 20) for x in v.keywords[:15]]
    kw.append("  " + (wrap_items(terms, width - 2, indent="  ") if terms else L["none"]) + "\n")
    theme = ", ".join(v.theme[:6]) or L["none"]
    src = f" ({L['proposed']})" if v.theme_proposed else ""
    kw.append(f"  {L['on_topic']}: {v.on_topic} · {L['chitchat']}: {v.chitchat} · "
              f"{L['theme']}: {flat(theme, 60)}{src}\n", style="dim")
    console.print(kw)

    events = Text(L["events"] + "\n", style="bold italic")
    events.append("  " + " · ".join(f"{label}: {figures}" for label, figures in v.events) + "\n", style="dim")
    console.print(events)

    if v.advice:
        console.print(Text(L["recommendations"], style="bold italic"))
    for i, r in enumerate(v.advice, 1):
        lead = f"{i}. "
        body = Text(lead)
        label = f"[{r.label}] "
        body.append(label, style="dim")
        first = width - cell_len(lead) - cell_len(label)
        wrapped = wrap(r.text, width - cell_len(lead), " " * cell_len(lead))
        if cell_len(wrapped.split("\n")[0]) > first:
            wrapped = wrap(label + r.text, width - cell_len(lead), " " * cell_len(lead))[len(label):]
        body.append(wrapped, style=_PRIORITY_STYLE.get(r.priority, ""))
        console.print(body)
    if v.warnings:
        from cli.catalogue import say

        console.print(Text(say("label.warnings_line", v.lang, text=("；" if v.lang == "zh" else "; ").join(v.warnings)),
                           style="yellow"))
    return buf.getvalue()
