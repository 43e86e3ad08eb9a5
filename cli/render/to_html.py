"""``-f html``: one self-contained page (inline CSS and SVG, no script, no external resource).

Every string that comes from the log is HTML-escaped; a Content-Security-Policy forbids scripts
and any network fetch even if something slipped through. The font stack names CJK and emoji
fonts that exist on Linux, macOS and Windows, so Chinese and emoji show wherever one is installed.
"""

from __future__ import annotations

import html
import math
from typing import Any

from analysis.report import AuditReport
from cli.render.view import ReportView, build_view

FONTS = ('system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei",'
         '"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","WenQuanYi Zen Hei",'
         'sans-serif,"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji"')
"""CJK fonts of macOS (PingFang, Hiragino), Windows (Microsoft YaHei) and Linux (Noto Sans CJK,
Source Han Sans, WenQuanYi), then the emoji fonts of each."""

CSS = """
body{font-family:FONTS;margin:0;background:#f6f7f9;color:#1d2330;line-height:1.5}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 8px;border-bottom:1px solid #d9dde5}
.card{background:#fff;border-radius:8px;padding:16px 20px;box-shadow:0 1px 2px #0001;margin:12px 0}
.score{display:flex;gap:24px;align-items:center}.muted{color:#667085;font-size:.92em}
table{border-collapse:collapse;width:100%;font-size:.93em}th,td{padding:4px 8px;border-bottom:1px solid #eceff3;
text-align:left;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.good{color:#137333}.fair{color:#b06000}.poor{color:#c5221f}.na{color:#98a2b3}
.p1{border-left:4px solid #c5221f}.p2{border-left:4px solid #f29900}.p3{border-left:4px solid #98a2b3}
ol.recs li{background:#fff;margin:6px 0;padding:6px 10px;border-radius:4px}
.kw span{display:inline-block;background:#eef2ff;border-radius:12px;padding:1px 10px;margin:2px}
.text{white-space:pre-wrap;word-break:break-word}td:not(.muted):not(.text):not(.reasons),th{white-space:nowrap}
table.spam{table-layout:fixed}table.spam col.when{width:9.5em}table.spam col.who{width:9em}
table.spam col.score{width:6.5em}table.spam col.reasons{width:30%}table.spam td{overflow:hidden}
td.reasons{font-size:.85em;color:#667085;word-break:break-word}
svg.chart{width:100%;height:auto;display:block}
""".replace("FONTS", FONTS)


def render(report: AuditReport, **_: Any) -> str:
    """The report as one HTML page."""
    return render_view(build_view(report))


def _h(value: Any) -> str:
    """HTML-escaped text (quotes too): every string from the log goes through here."""
    return html.escape("" if value is None else str(value), quote=True)


def _svg_gauge(score: float, band: str) -> str:
    colour = {"healthy": "#137333", "at risk": "#f29900", "critical": "#c5221f"}.get(band, "#667085")
    frac = max(0.0, min(1.0, score / 100))
    angle = math.pi * (1 - frac)
    x, y = 60 + 50 * math.cos(angle), 60 - 50 * math.sin(angle)
    large = 0
    return (f'<svg width="120" height="72" viewBox="0 0 120 72" role="img" aria-label="{score:g}">'
            f'<path d="M10 60 A50 50 0 0 1 110 60" fill="none" stroke="#e4e7ec" stroke-width="10"/>'
            f'<path d="M10 60 A50 50 0 {large} 1 {x:.1f} {y:.1f}" fill="none" stroke="{colour}" stroke-width="10"/>'
            f'<text x="60" y="58" text-anchor="middle" font-size="22" font-weight="bold" fill="{colour}">'
            f'{score:g}</text></svg>')


def _nice_top(value: int) -> int:
    """The smallest "round" number (1, 2 or 5 times a power of ten) at or above ``value``."""
    if value <= 0:
        return 1
    power = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _svg_weekly(v: ReportView) -> str:
    """Weekly messages as bars that scale to the page (viewBox), with a labelled y axis (0, half,
    top) and the first day of every few weeks on the x axis."""
    values = v.weekly
    if not values:
        return ""
    n = len(values)
    top = _nice_top(max(values))
    left, right, plot_top, plot_h = 56, 12, 12, 160
    width = 900
    step = (width - left - right) / n
    bar_w = max(1.0, step * 0.8)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {plot_top + plot_h + 44}" role="img" '
             f'aria-label="{_h(v.L["weekly"])}">']
    for frac in (0, 0.5, 1):
        y = plot_top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e4e7ec"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" fill="#667085">'
                     f'{int(top * frac):,}</text>')
    for i, value in enumerate(values):
        height = plot_h * value / top
        x = left + i * step + (step - bar_w) / 2
        parts.append(f'<rect x="{x:.1f}" y="{plot_top + plot_h - height:.1f}" width="{bar_w:.1f}" '
                     f'height="{height:.1f}" fill="#4f6bed"><title>{_h(v.week_starts[i])} – {_h(v.week_ends[i])}: '
                     f'{value:,}</title></rect>')
    every = max(1, math.ceil(n / 8))
    for i in range(0, n, every):
        x = left + i * step + step / 2
        parts.append(f'<text x="{x:.1f}" y="{plot_top + plot_h + 18}" font-size="12" text-anchor="middle" '
                     f'fill="#667085">{_h(v.week_starts[i][5:] if n > 1 else v.week_starts[i])}</text>')
    parts.append(f'<text x="{left}" y="{plot_top + plot_h + 38}" font-size="12" fill="#667085">'
                 f'{_h(v.week_starts[0])} → {_h(v.week_ends[-1])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_heat(v: ReportView) -> str:
    grid = v.heat
    top = grid.max() or 1
    cell = 28
    width, height = 40 + 24 * cell, 24 + 7 * cell
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_h(v.L["heat"])}">']
    for hour in range(24):
        parts.append(f'<text x="{40 + hour * cell + cell / 2}" y="14" font-size="10" text-anchor="middle" '
                     f'fill="#667085">{hour}</text>')
    for d in range(7):
        y = 20 + d * cell
        parts.append(f'<text x="4" y="{y + cell / 2 + 4}" font-size="11" fill="#667085">{_h(v.weekdays[d])}</text>')
        for hour in range(24):
            value = int(grid[d, hour])
            opacity = 0.06 + 0.94 * value / top if value else 0.03
            parts.append(f'<rect x="{40 + hour * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" '
                         f'fill="#7b3fe4" fill-opacity="{opacity:.2f}"><title>{_h(v.weekdays[d])} {hour:02d}:00: '
                         f'{value:,}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_bar(score: float | None) -> str:
    if score is None:
        return ""
    colour = "#137333" if score >= 70 else "#f29900" if score >= 40 else "#c5221f"
    return (f'<svg width="100" height="10" viewBox="0 0 100 10"><rect width="100" height="10" fill="#eceff3"/>'
            f'<rect width="{score:.1f}" height="10" fill="{colour}"/></svg>')


def render_view(v: ReportView) -> str:
    L = v.L
    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>")
    w(f'<html lang="{"zh-CN" if v.lang == "zh" else "en"}"><head><meta charset="utf-8">')
    w('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
      'img-src data:">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{_h(L['title'])}: {_h(v.group)}</title><style>{CSS}</style></head><body><main>")
    w(f"<h1>{_h(L['title'])}: {_h(v.group)}</h1>")
    w(f'<p class="muted">{_h(v.platform)} / {_h(v.format)} · {_h(v.source)} · '
      f"{v.records:,} {_h(L['records'])}, {v.unparsed:,} {_h(L['unparsed'])}"
      + (f" · {_h(L['anonymized'])}" if v.anonymized else "") + "</p>")
    w('<div class="card score">' + _svg_gauge(v.score, v.band) +
      f"<div><div><b>{_h(L['health'])}: {v.score:g}/100 · {_h(v.band_label)}</b></div>"
      f"<div>{_h(L['stage'])}: {_h(v.stage_label)} <span class=\"muted\">({_h(v.stage_evidence)})</span></div>"
      f"<div class=\"muted\">{_h(L['window'])}: {_h(v.window_start)} → {_h(v.window_end)} "
      f"({v.days} {_h(L['days'])})</div></div></div>")

    w(f"<h2>{_h(L['recommendations'])}</h2><ol class=\"recs\">")
    for r in v.advice:
        w(f'<li class="p{r.priority}"><b>{_h(r.label)}</b>: {_h(r.text)}'
          f'<br><span class="muted">{_h(r.evidence)}</span></li>')
    w("</ol>")

    w(f"<h2>{_h(L['components'])}</h2><div class=\"card\"><table><thead><tr><th>{_h(L['component'])}</th>"
      f"<th class=\"n\">{_h(L['value'])}</th><th>{_h(L['band'])}</th><th class=\"n\">{_h(L['score'])}</th><th></th>"
      f"<th class=\"n\">{_h(L['weight'])}</th><th>{_h(L['evidence'])}</th></tr></thead><tbody>")
    for c in v.components:
        css = c.band if c.band in ("good", "fair", "poor") else "na"
        w(f"<tr><td>{_h(c.label)}</td><td class=\"n\">{_h(c.value)}</td><td class=\"{css}\">{_h(c.band_label)}</td>"
          f"<td class=\"n\">{'–' if c.score is None else f'{c.score:g}'}</td><td>{_svg_bar(c.score)}</td>"
          f"<td class=\"n\">{c.weight:g}</td><td class=\"muted\">{_h(c.evidence)}</td></tr>")
    w("</tbody></table></div>")

    w(f"<h2>{_h(L['metrics'])}</h2><div class=\"card\"><table><tbody>")
    for label, value in v.metrics:
        w(f"<tr><td>{_h(label)}</td><td class=\"n\">{_h(value)}</td></tr>")
    w("</tbody></table></div>")

    w(f"<h2>{_h(L['weekly'])}</h2><div class=\"card\">{_svg_weekly(v) or _h(L['no_messages'])}</div>")
    w(f"<h2>{_h(L['heat'])}</h2><div class=\"card\">{_svg_heat(v)}</div>")

    w(f"<h2>{_h(L['top_members'])}</h2><div class=\"card\"><table><thead><tr><th>{_h(L['name'])}</th>"
      f"<th>{_h(L['tier'])}</th><th class=\"n\">{_h(L['messages'])}</th><th class=\"n\">{_h(L['share'])}</th>"
      f"<th class=\"n\">{_h(L['active_days'])}</th><th>{_h(L['last_seen'])}</th></tr></thead><tbody>")
    for name, tier, messages, share, days, last in v.top_members:
        w(f"<tr><td>{_h(name)}</td><td>{_h(tier)}</td><td class=\"n\">{messages}</td><td class=\"n\">{share}</td>"
          f"<td class=\"n\">{days}</td><td>{_h(last)}</td></tr>")
    w("</tbody></table>")
    w("<ul>")
    for q in v.quiet:
        w(f"<li>{_h(q.label)}: <b>{q.count}</b>" + (f" <span class=\"muted\">({_h(L['eg'])} {_h(', '.join(q.names))})"
                                                   "</span>" if q.names else "") + "</li>")
    w("</ul></div>")

    w(f"<h2>{_h(L['spam'])}</h2><div class=\"card\"><p>{_h(L['spam_messages'])}: <b>{v.spam_messages:,}</b> / "
      f"{v.messages:,} ({v.spam_share}) · {_h(L['suspects'])}: {v.suspect_messages:,} · "
      f"{_h(L['spammers'])}: <b>{len(v.spammers)}</b></p>")
    if v.spammers:
        w("<ul>")
        for name, count, reasons in v.spammers:
            w(f"<li>{_h(name)} ({count}): <span class=\"muted\">{_h(reasons)}</span></li>")
        w("</ul>")
    if len(v.flagged):
        w('<table class="spam"><colgroup><col class="when"><col class="who"><col class="score"><col class="text">'
          '<col class="reasons"></colgroup>')
        w(f"<thead><tr><th>{_h(L['time'])}</th><th>{_h(L['sender'])}</th><th class=\"n\">{_h(L['score'])}"
          f"</th><th>{_h(L['text'])}</th><th>{_h(L['reasons'])}</th></tr></thead><tbody>")
        for row in v.flagged.head(30).itertuples():
            w(f"<tr><td>{row.timestamp:%Y-%m-%d %H:%M}</td><td class=\"text\">{_h(row.sender)}</td>"
              f"<td class=\"n\">{row.score:g} {_h(row.verdict_label)}</td><td class=\"text\">{_h(row.text)}</td>"
              f"<td class=\"reasons\">{_h(row.reasons)}</td></tr>")
        w("</tbody></table>")
    w("</div>")

    src = f" ({L['proposed']})" if v.theme_proposed else ""
    w(f"<h2>{_h(L['keywords'])}</h2><div class=\"card\"><p class=\"kw\">"
      + ("".join(f"<span>{_h(x)}</span>" for x in v.keywords) or _h(L["none"])) + "</p>"
      f"<p class=\"muted\">{_h(L['on_topic'])}: {v.on_topic} · {_h(L['chitchat'])}: {v.chitchat} · "
      f"{_h(L['theme'])}: {_h(', '.join(v.theme[:8]) or L['none'])}{_h(src)}</p></div>")

    w(f"<h2>{_h(L['events'])}</h2><div class=\"card\"><ul>"
      + "".join(f"<li>{_h(label)}: {_h(figures)}</li>" for label, figures in v.events) + "</ul></div>")
    if v.warnings:
        w(f"<h2>{_h(L['warnings'])}</h2><ul>" + "".join(f"<li>{_h(x)}</li>" for x in v.warnings) + "</ul>")
    w(f"<p class=\"muted\">community-audit · {_h(L['as_of'])} {_h(v.window_end)}</p>")
    w("</main></body></html>")
    return "\n".join(out) + "\n"
