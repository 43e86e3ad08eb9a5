"""`community-audit topics LOG`: keywords, concentration, on-topic and chit-chat ratios, drift."""

from __future__ import annotations

import io
import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from analysis.loading import InputOptions
from analysis.topics import TopicsResult, analyze_topics
from cli import options as o
from cli.catalogue import say
from cli.common import open_for_command
from cli.output import csv_text, dumps, printable, write_output
from cli.tables import render_frame

NAME = "topics"
HELP = """What LOG talks about: keywords, concentration, on-topic and chit-chat ratios, drift.

The on-topic ratio is the share of substantive messages (text that is not chit-chat) that
match the theme (--theme, else the theme in the config's group section) or its closest co-occurring
terms; without a theme one is proposed from the top keywords, and the output says so.
-f csv writes the keywords of the window and of every week (scope column).

Example:  community-audit topics sample_logs/qq_txt/study_group.txt --theme 读书,书,阅读
"""


class Format(str, Enum):
    """What ``topics`` writes."""

    table = "table"
    json = "json"
    csv = "csv"


ThemeOpt = Annotated[str | None, typer.Option("--theme", help="Theme keywords, comma-separated, e.g. "
                                              "'跑步,配速,马拉松' (overrides the config's group theme).")]
CacheOpt = Annotated[Path | None, typer.Option("--cache", help="Keep segmented text in this folder so the next "
                                               "run does not segment it again (default: no file is written).")]


@o.reads_log
def command(
    log: o.LogArg,
    inputs: InputOptions,
    theme: ThemeOpt = None,
    cache: CacheOpt = None,
    fmt: o.format_option(Format, Format.table) = None,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    lang: o.LangOpt = "auto",
) -> None:
    fmt = o.choose_format(fmt, output, Format.table)
    opened, lang = open_for_command(log, inputs, lang)
    result = analyze_topics(opened.chat, window=opened.window, config=opened.config, theme=theme_terms(theme),
                            cache_dir=cache)
    writers = {
        Format.json: lambda: write_output(output, text=dumps(as_json(result, lang)), inputs=(log,)),
        Format.csv: lambda: write_output(output, text=csv_text(keyword_rows(result)),
                                         bom=not no_bom and output is not None, inputs=(log,)),
        Format.table: lambda: write_output(output, inputs=(log,), text=render_table(
            result, lang=lang, color=output is None and sys.stdout.isatty())),
    }
    writers[fmt]()


def theme_terms(theme: str | None) -> list[str] | None:
    """``--theme '读书, 三体'`` (ASCII or full-width commas) -> ``['读书', '三体']``; None when empty."""
    return [t.strip() for t in (theme or "").replace("，", ",").split(",") if t.strip()] or None


def as_json(r: TopicsResult, lang: str = "en") -> dict[str, Any]:
    """The result as JSON: the report's ``topics`` section plus this command's details
    (:func:`cli.render.to_json.topics_dict`)."""
    from cli.render.to_json import topics_dict

    return topics_dict(r, lang, full=True)


def keyword_rows(r: TopicsResult) -> pd.DataFrame:
    """Keywords of the window (scope ``window``) and of each compared week (scope = its Monday)."""
    window = r.keywords[["rank", "term", "count", "tfidf"]].assign(scope="window")
    weekly = r.drift.keywords.assign(scope=r.drift.keywords["week"].dt.strftime("%Y-%m-%d"))
    return pd.concat([window, weekly[["rank", "term", "count", "tfidf", "scope"]]], ignore_index=True)[
        ["scope", "rank", "term", "count", "tfidf"]]


def _pct(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1%}"


def render_table(r: TopicsResult, *, lang: str = "en", color: bool = False, width: int = 110) -> str:
    """The human-readable report (Rich tables, rendered to text) in ``lang``."""
    from rich.console import Console
    from rich.markup import escape

    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False)
    n, c, t = r.counts, r.concentration, r.theme
    sep = "、" if lang == "zh" else ", "
    theme = printable(sep.join(t.terms)) or say("topics.none", lang)
    con.print(f"[bold]{say('topics.on_topic_line', lang)}[/]  {_pct(r.on_topic_ratio)}  " + escape(say(
        "topics.on_topic_detail", lang, on_topic=n.on_topic, substantive=n.substantive, theme=theme,
        source=say(f"theme_source.{t.source}", lang))))
    if len(t.expansion):
        con.print("  " + escape(say("topics.widened", lang, terms=printable(sep.join(t.expansion["term"])))))
    chit = sep.join(f"{say(f'chitchat_reason.{row.reason}', lang)} {row.messages:,}"
                    for row in r.chitchat.itertuples() if row.messages)
    con.print(f"[bold]{say('topics.chitchat_line', lang)}[/] {_pct(r.chitchat_ratio)}  " + escape(say(
        "topics.chitchat_detail", lang, chitchat=n.chitchat, conversational=n.conversational,
        reasons=chit or say("topics.none", lang))))
    con.print(f"[bold]{say('topics.concentration_line', lang)}[/]   " + escape(say(
        "topics.concentration_detail", lang, entropy=_f(c.entropy), hhi=_f(c.hhi), coverage=_pct(c.top20_coverage))))
    con.print(f"[bold]{say('topics.drift_line', lang)}[/]           "
              + escape(say("topics.drift_detail", lang, jaccard=_f(r.drift.mean_jaccard))))
    for item in r.notes:
        con.print(f"[yellow]{say('topics.note', lang)}[/] {escape(say(item, lang))}")
    yes = say("topics.yes", lang)
    keywords = pd.DataFrame({
        "#": r.keywords["rank"].astype(str), "keyword": r.keywords["term"],
        "count": r.keywords["count"].map("{:,}".format), "messages": r.keywords["messages"].map("{:,}".format),
        "share": r.keywords["share"].map(_pct), "tf-idf": r.keywords["tfidf"].map("{:.4f}".format),
        "theme": r.keywords["on_theme"].map(lambda v: yes if v else "")})
    buf.write(render_frame(keywords, say("topics.keywords_title", lang), lang=lang, color=color, width=width,
                           numbers=("#", "count", "messages", "share", "tf-idf")))
    falls = set(r.drift.falls["week"])
    w = r.drift.weeks
    fell = " " + say("topics.fell", lang)
    weeks = pd.DataFrame({
        "week": w["week"].dt.strftime("%Y-%m-%d"), "messages": w["messages"].map("{:,}".format),
        "chit-chat": w["chitchat_ratio"].map(_pct), "on-topic": w["on_topic_ratio"].map(_pct),
        "change": [_signed(v, lang) + (fell if week in falls else "")
                   for v, week in zip(w["on_topic_change"], w["week"], strict=True)],
        "jaccard": w["jaccard"].map(_f), "top keywords": w["top_keywords"]})
    buf.write(render_frame(weeks, say("topics.weeks_title", lang), lang=lang, color=color, width=width,
                           numbers=("messages", "chit-chat", "on-topic", "change", "jaccard")))
    s = r.segmentation
    con.print("[dim]" + escape(say("topics.segmentation", lang, engine=s.engine, distinct=s.distinct_texts,
                                   segmented=s.segmented, cached=s.from_memo + s.from_disk, jobs=s.jobs,
                                   seconds=s.seconds)) + "[/]")
    return buf.getvalue()


def _f(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.3f}"


def _signed(value: float, lang: str = "en") -> str:
    return "" if value is None or math.isnan(value) else say("pt", lang, value=value * 100)
