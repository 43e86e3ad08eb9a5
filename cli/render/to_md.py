"""``-f md``: the report as Markdown (headings, tables, lists) to paste into a document."""

from __future__ import annotations

import html
from typing import Any

from analysis.report import AuditReport
from cli.output import printable_all
from cli.render.view import ReportView, build_view, flat, pad_cells, shade, sparkline


def render(report: AuditReport, **_: Any) -> str:
    """The report as Markdown."""
    return render_view(build_view(report))


def _md(text: Any, limit: int | None = None) -> str:
    """A table-cell-safe Markdown fragment: one line, ``| \\ ` * _ [ ] < >`` escaped."""
    s = flat(text, limit)
    s = html.escape(s, quote=False)
    for ch in "\\`*_[]|#":
        s = s.replace(ch, "\\" + ch)
    return s


def render_view(v: ReportView) -> str:
    v = printable_all(v)  # controls and bidi overrides from the log made visible
    L = v.L
    out: list[str] = []
    w = out.append
    w(f"# {L['title']}: {_md(v.group)}")
    w("")
    w(f"**{L['health']}: {v.score:g}/100 ({v.band_label})** · {L['stage']}: {v.stage_label}"
      + (f" · {L['anonymized']}" if v.anonymized else ""))
    w("")
    w(f"- {L['window']}: {v.window_start} → {v.window_end} ({v.days} {L['days']})")
    w(f"- {_md(v.platform)} / {_md(v.format)} · `{v.source.replace('`', '')}` · "
      f"{v.records:,} {L['records']}, {v.unparsed:,} {L['unparsed']}")
    w("")
    w(f"## {L['recommendations']}")
    w("")
    for i, r in enumerate(v.advice, 1):
        w(f"{i}. **{r.label}** ({L['priority']} {r.priority}): {_md(r.text)}  ")
        w(f"   _{_md(r.evidence)}_")
    if not v.advice:
        w(f"- {L['none']}")
    w("")
    w(f"## {L['components']}")
    w("")
    w(f"| {L['component']} | {L['value']} | {L['band']} | {L['score']} | {L['weight']} | {L['evidence']} |")
    w("|---|---:|---|---:|---:|---|")
    for c in v.components:
        w(f"| {c.label} | {c.value} | {c.band_label} | {'–' if c.score is None else f'{c.score:g}'} | "
          f"{c.weight:g} | {_md(c.evidence)} |")
    w("")
    w(f"## {L['metrics']}")
    w("")
    w("| | |\n|---|---:|")
    for label, value in v.metrics:
        w(f"| {label} | {value} |")
    w("")
    w(f"**{L['weekly']}:** `{sparkline(v.weekly)}` " + (" · ".join(f"{x:,}" for x in v.weekly) if v.weekly else L["none"]))
    w("")
    w(f"### {L['heat']}")
    w("")
    top = v.heat.max()
    w("```")
    w("     " + "".join(f"{hour:<6d}" for hour in range(0, 24, 3)))
    for i, day in enumerate(v.weekdays):
        w(f"{pad_cells(day, 5)}{''.join(shade(x, top) * 2 for x in v.heat[i])}  {int(v.heat[i].sum()):,}")
    w("```")
    w("")
    w(f"## {L['top_members']}")
    w("")
    w(f"| {L['name']} | {L['tier']} | {L['messages']} | {L['share']} | {L['active_days']} | {L['last_seen']} |")
    w("|---|---|---:|---:|---:|---|")
    for name, tier, messages, share, days, last in v.top_members:
        w(f"| {_md(name, 40)} | {tier} | {messages} | {share} | {days} | {last} |")
    w("")
    w(f"### {L['quiet']}")
    w("")
    for q in v.quiet:
        w(f"- {q.label}: **{q.count}**" + (f" ({L['eg']} {', '.join(_md(x, 30) for x in q.names[:5])})" if q.names else ""))
    w("")
    w(f"## {L['spam']}")
    w("")
    w(f"- {L['spam_messages']}: **{v.spam_messages:,}** / {v.messages:,} ({v.spam_share})"
      f" · {L['suspects']}: {v.suspect_messages:,} · {L['spammers']}: **{len(v.spammers)}**")
    for name, count, reasons in v.spammers:
        w(f"- {_md(name, 40)} ({count}): {_md(reasons, 300)}")
    spam_rows = v.flagged[v.flagged["verdict"] == "spam"].head(10) if len(v.flagged) else v.flagged
    if len(spam_rows):
        w("")
        w(f"| {L['time']} | {L['sender']} | {L['score']} | {L['text']} | {L['reasons']} |")
        w("|---|---|---:|---|---|")
        for row in spam_rows.itertuples():
            checks = ", ".join(dict.fromkeys(r[0] for r in row.reason_rows))
            w(f"| {row.timestamp:%Y-%m-%d %H:%M} | {_md(row.sender, 30)} | {row.score:g} | {_md(row.text, 80)} | "
              f"{_md(checks, 80)} |")
    w("")
    w(f"## {L['keywords']}")
    w("")
    w(" · ".join(_md(x, 30) for x in v.keywords[:20]) if v.keywords else L["none"])
    w("")
    src = f" ({L['proposed']})" if v.theme_proposed else ""
    w(f"- {L['on_topic']}: {v.on_topic} · {L['chitchat']}: {v.chitchat} · "
      f"{L['theme']}: {_md(', '.join(v.theme[:8]) or L['none'])}{src}")
    w("")
    w(f"## {L['events']}")
    w("")
    for label, figures in v.events:
        w(f"- {label}: {figures}")
    if v.warnings:
        w("")
        w(f"## {L['warnings']}")
        w("")
        for warning in v.warnings:
            w(f"- {_md(warning)}")
    return "\n".join(out) + "\n"
