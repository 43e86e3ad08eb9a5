"""`community-audit topics LOG`: keywords, concentration, on-topic and chit-chat ratios, drift."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from analysis.topics import TopicsResult, analyze_topics
from cli import options as o
from cli.common import load
from cli.output import choose_format, csv_text, dumps, records, write_output

NAME = "topics"
HELP = """What LOG talks about: keywords, concentration, on-topic and chit-chat ratios, drift.

The on-topic ratio is the share of substantive messages (text that is not chit-chat) that
match the theme (--theme, else [group] theme in the config) or its closest co-occurring
terms; without a theme one is proposed from the top keywords, and the output says so.
-f csv writes the keywords of the window and of every week (scope column).

Example:  community-audit topics sample_logs/qq_txt/study_group.txt --theme 读书,书,阅读
"""


def command(
    log: o.LogArg,
    theme: Annotated[str | None, typer.Option("--theme", help="Theme keywords, comma-separated, e.g. "
                                              "'跑步,配速,马拉松' (overrides [group] theme).")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Keep segmented text in "
                                               "this folder so the next run does not segment it again "
                                               "(default: no file is written).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="Output format: table, json or csv.",
                                            rich_help_panel="Output")] = None,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
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
    fmt = choose_format(fmt, output, "table", ("table", "json", "csv"))
    loaded = load(log, log_format=log_format, tz=tz, group=group, columns=columns, dayfirst=dayfirst,
                  date=date, strict=strict, max_bytes=max_bytes, config_path=config,
                  since=since, until=until, last=last)
    terms = [t for t in (theme or "").replace("，", ",").split(",") if t.strip()] or None
    result = analyze_topics(loaded.chat, window=loaded.window, config=loaded.config, theme=terms,
                            cache_dir=cache)
    if fmt == "json":
        write_output(output, text=dumps(as_json(result)), inputs=(log,))
    elif fmt == "csv":
        write_output(output, text=csv_text(keyword_rows(result)), bom=not no_bom and output is not None,
                     inputs=(log,))
    else:
        write_output(output, text=render_table(result, color=output is None and sys.stdout.isatty()),
                     inputs=(log,))


def _num(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(value, 4)


def as_json(r: TopicsResult) -> dict[str, Any]:
    """The result as JSON-ready data (NaN -> null)."""
    c = r.concentration
    return {
        "window": {"start": r.window.start, "end": r.window.end},
        "on_topic_ratio": _num(r.on_topic_ratio),
        "chitchat_ratio": _num(r.chitchat_ratio),
        "counts": vars(r.counts),
        "theme": {"terms": list(r.theme.terms), "source": r.theme.source,
                  "expansion": records(r.theme.expansion), "matches": records(r.theme.matches)},
        "concentration": {"entropy": _num(c.entropy), "hhi": _num(c.hhi), "hhi_raw": _num(c.hhi_raw),
                          "keywords": c.keywords, "top20_coverage": _num(c.top20_coverage)},
        "keywords": records(r.keywords),
        "frequent": records(r.frequent),
        "chitchat": records(r.chitchat),
        "drift": {"mean_jaccard": _num(r.drift.mean_jaccard), "weeks": records(r.drift.weeks),
                  "falls": records(r.drift.falls), "keywords": records(r.drift.keywords)},
        "tokenizer": vars(r.segmentation),
        "notes": list(r.notes),
    }


def keyword_rows(r: TopicsResult) -> pd.DataFrame:
    """Keywords of the window (scope ``window``) and of each compared week (scope = its Monday)."""
    window = r.keywords[["rank", "term", "count", "tfidf"]].assign(scope="window")
    weekly = r.drift.keywords.assign(scope=r.drift.keywords["week"].dt.strftime("%Y-%m-%d"))
    return pd.concat([window, weekly[["rank", "term", "count", "tfidf", "scope"]]], ignore_index=True)[
        ["scope", "rank", "term", "count", "tfidf"]]


def _pct(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1%}"


def render_table(r: TopicsResult, *, color: bool = False, width: int = 110) -> str:
    """The human-readable report (Rich tables, rendered to text)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False)
    n, c, t = r.counts, r.concentration, r.theme
    theme = ", ".join(t.terms) or "(none)"
    con.print(f"[bold]On-topic ratio[/]  {_pct(r.on_topic_ratio)}  ({n.on_topic:,} of {n.substantive:,} "
              f"substantive messages; theme: {escape(theme)} {escape(f'[{t.source}]')})")
    if len(t.expansion):
        con.print(f"  widened by: {escape(', '.join(t.expansion['term']))}")
    chit = ", ".join(f"{row.reason} {row.messages:,}" for row in r.chitchat.itertuples() if row.messages)
    con.print(f"[bold]Chit-chat ratio[/] {_pct(r.chitchat_ratio)}  ({n.chitchat:,} of {n.conversational:,} "
              f"text/sticker messages: {chit or 'none'})")
    con.print(f"[bold]Concentration[/]   entropy {_f(c.entropy)} (1 = spread evenly), HHI {_f(c.hhi)} "
              f"(1 = one keyword), top-20 coverage {_pct(c.top20_coverage)}")
    con.print(f"[bold]Drift[/]           mean week-over-week keyword overlap (Jaccard) {_f(r.drift.mean_jaccard)}")
    for note in r.notes:
        con.print(f"[yellow]Note:[/] {escape(note)}")

    table = Table(title="Keywords (TF-IDF)", title_justify="left")
    for col in ("#", "keyword", "count", "messages", "share", "tf-idf", "theme"):
        table.add_column(col, justify="left" if col in ("keyword", "theme") else "right")
    for row in r.keywords.itertuples():
        table.add_row(str(row.rank), escape(row.term), f"{row.count:,}", f"{row.messages:,}",
                      _pct(row.share), f"{row.tfidf:.4f}", "yes" if row.on_theme else "")
    con.print(table)

    weeks = Table(title="Weeks", title_justify="left")
    for col in ("week", "messages", "chit-chat", "on-topic", "change", "jaccard", "top keywords"):
        weeks.add_column(col, justify="left" if col in ("week", "top keywords") else "right")
    falls = set(r.drift.falls["week"])
    for row in r.drift.weeks.itertuples():
        mark = " [red]fell[/]" if row.week in falls else ""
        weeks.add_row(row.week.strftime("%Y-%m-%d"), f"{row.messages:,}", _pct(row.chitchat_ratio),
                      _pct(row.on_topic_ratio), _signed(row.on_topic_change) + mark, _f(row.jaccard),
                      escape(row.top_keywords))
    con.print(weeks)
    s = r.segmentation
    con.print(f"[dim]{s.engine}: {s.distinct_texts:,} distinct texts, {s.segmented:,} segmented, "
              f"{s.from_memo + s.from_disk:,} from cache, {s.jobs} process(es), {s.seconds:.2f} s[/]")
    return buf.getvalue()


def _f(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.3f}"


def _signed(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value * 100:+.1f} pt"
