"""The report view: every figure a person sees, computed once from an :class:`AuditReport`.

Renderers (``to_table``, ``to_md``, ``to_html``) only format what :func:`build_view` returns:
the metrics rows, top members, tier examples, flagged messages and spammers in order (with
their reasons worded), the heat grid, the weekly series, ratios, every label in the report's
language. Adding a section means the analyser, one field here, and one line per renderer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.report import AuditReport
from cli.catalogue import pct, say, say_all
from cli.catalogue_members import member_spam_reasons
from cli.catalogue_spam import with_reasons

SPARK = "▁▂▃▄▅▆▇█"
SHADES = " ░▒▓█"
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EXAMPLES = 8
"""Names kept per quiet tier (the table shows 5, md and html all 8)."""

def pad_cells(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def weekdays(lang: str) -> list[str]:
    return [say(f"weekday.{d}", lang) for d in WEEKDAY_KEYS]


# -- small helpers -------------------------------------------------------------------------------


def finite(value: Any) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def percent(value: Any) -> str:
    v = finite(value)
    return "–" if v is None else pct(v)


def number(value: Any, digits: int = 1) -> str:
    v = finite(value)
    if v is None:
        return "–"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.{digits}f}"


def integer(value: Any) -> str:
    v = finite(value)
    return "–" if v is None else f"{int(v):,}"


def duration(value: Any, lang: str) -> str:
    if value is None or value is pd.NaT or (isinstance(value, pd.Timedelta) and pd.isna(value)):
        return "–"
    minutes = pd.Timedelta(value).total_seconds() / 60
    if minutes < 60:
        return f"{minutes:.0f} 分钟" if lang == "zh" else f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} 小时" if lang == "zh" else f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} 天" if lang == "zh" else f"{minutes / 1440:.1f} days"


def when(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None or value is pd.NaT or (isinstance(value, pd.Timestamp) and pd.isna(value)):
        return "–"
    return pd.Timestamp(value).strftime(fmt)



class Labels:
    """``L["messages"]``: the report's label in one language (``label.*`` in the catalogue)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return say(f"label.{key}", self.lang)


def flat(text: Any, limit: int | None = None) -> str:
    """One line: newlines and tabs as spaces, shortened to ``limit`` characters."""
    s = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    s = " ".join(s.split())
    if limit and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def is_wide(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" \
        or "\uac00" <= ch <= "\ud7af"


def wrap(text: str, width: int, indent: str = "") -> str:
    """Greedy wrapping by terminal cells that may break between CJK characters (Rich only
    breaks at spaces, which Chinese text has few of); later lines start with ``indent``."""
    from rich.cells import cell_len

    words: list[str] = []
    current = ""
    for ch in flat(text):
        if ch == " " or is_wide(ch):
            if current:
                words.append(current)
                current = ""
            words.append(ch)
        else:
            current += ch
    if current:
        words.append(current)
    lines: list[str] = []
    line = ""
    for word in words:
        room = width - (cell_len(indent) if lines else 0)
        if cell_len(line + word) > room and line.strip():
            lines.append(line.rstrip())
            line = "" if word == " " else word
        else:
            line += word
    if line.strip():
        lines.append(line.rstrip())
    return ("\n" + indent).join(lines)


def wrap_items(items: list[str], width: int, sep: str = " · ", indent: str = "") -> str:
    """Join ``items`` with ``sep``, breaking lines only between items."""
    from rich.cells import cell_len

    lines: list[str] = []
    line = ""
    for item in items:
        candidate = item if not line else line + sep + item
        room = width - (cell_len(indent) if lines else 0)
        if line and cell_len(candidate) > room:
            lines.append(line + sep.rstrip())
            line = item
        else:
            line = candidate
    if line:
        lines.append(line)
    return ("\n" + indent).join(lines)


def sparkline(values: list[float]) -> str:
    """One block character per value, scaled to the largest (``▁`` for 0)."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, int(round(v / top * (len(SPARK) - 1))))] for v in values)



def shade(value: float, top: float) -> str:
    """The heat block for ``value`` on a scale whose darkest is ``top``."""
    return SHADES[0 if top <= 0 or value <= 0 else 1 + min(3, int(value / top * 4 - 1e-9))]


@dataclass(frozen=True)
class ComponentRow:
    name: str
    label: str
    value: str
    band: str
    band_label: str
    score: float | None
    weight: float
    evidence: str


@dataclass(frozen=True)
class AdviceRow:
    priority: int
    component: str
    label: str
    text: str
    evidence: str


@dataclass(frozen=True)
class QuietRow:
    tier: str
    label: str
    count: int
    names: list[str]


@dataclass(frozen=True)
class ReportView:
    """What every person-readable format shows, in the report's language."""

    lang: str
    L: Labels
    group: str
    platform: str
    format: str
    source: str
    records: int
    unparsed: int
    anonymized: bool
    window_start: str
    window_end: str
    days: int
    score: float
    band: str
    band_label: str
    stage_label: str
    stage_evidence: str
    components: list[ComponentRow]
    advice: list[AdviceRow]
    metrics: list[tuple[str, str]]
    weekly: list[int]
    week_starts: list[str]
    week_ends: list[str]
    heat: np.ndarray
    weekdays: list[str]
    top_members: list[tuple[str, str, str, str, str, str]]
    """(name, tier, messages, share, active days, last seen), most messages first (10)."""
    quiet: list[QuietRow]
    spam_messages: int
    suspect_messages: int
    messages: int
    spam_share: str
    spammers: list[tuple[str, int, str]]
    """(name, spam messages, reasons worded), most spam first (10)."""
    flagged: pd.DataFrame
    """Spam then suspect messages, highest score first; ``reasons`` worded, ``verdict_label``."""
    keywords: list[str]
    on_topic: str
    chitchat: str
    theme: list[str]
    theme_proposed: bool
    events: list[tuple[str, str]]
    """(label, figures) for red packets, check-ins, newcomers."""
    warnings: list[str]


def build_view(report: AuditReport) -> ReportView:
    """Compute every figure and word the person-readable renderers show."""
    lang = report.lang
    L = Labels(lang)
    a = report.activity
    h = report.health
    components = [ComponentRow(
        name=c.name, label=say(f"component.{c.name}", lang),
        value=say(f"stage.{c.raw}", lang) if isinstance(c.raw, str) else percent(c.raw),
        band=c.band, band_label=say(f"band.{c.band}", lang), score=c.score, weight=c.weight,
        evidence=say_all(c.evidence, lang)) for c in h.components]
    advice = [AdviceRow(priority=r.priority, component=r.component, label=say(f"component.{r.component}", lang),
                        text=say(r.advice, lang), evidence=say_all(r.evidence, lang))
              for r in report.recommendations]
    metrics = [
        (L["messages"], integer(a.messages)), (L["speakers"], integer(a.speakers)),
        (L["members"], integer(report.members.known)), (L["participation"], percent(a.participation)),
        (L["participation_weekly"], percent(a.participation_weekly)), (L["per_day"], number(a.messages_per_day)),
        (L["per_speaker_day"], number(report.messages_per_speaker_day)),
        (L["dau_mau"], f"{number(a.dau)} / {number(a.mau)}"), (L["top10"], percent(a.top10_share)),
        (L["first_response"], duration(a.median_first_response, lang)),
        (L["unanswered"], f"{integer(a.unanswered_questions)} / {integer(a.questions)}"),
        (L["links"], percent(report.link_share)), (L["last_message"], when(a.last_message)),
        (L["gini"], number(a.gini, 2)),
    ]
    weekly = a.weekly
    table = report.members.members
    top = table[table["messages"] > 0].sort_values("messages", ascending=False, kind="stable").head(10)
    top_members = [(str(r.sender), say(f"tier_name.{r.tier}", lang), integer(r.messages), percent(r.share),
                    integer(r.active_days), when(r.last_seen, "%Y-%m-%d")) for r in top.itertuples()]
    quiet = []
    for tier in ("silent", "dormant", "left"):
        rows = table[table["tier"] == tier]
        if tier == "dormant":
            rows = rows.sort_values("messages", ascending=False, kind="stable")
        quiet.append(QuietRow(tier, L[tier], len(rows), [str(x) for x in rows["sender"].head(EXAMPLES)]))
    flagged, spammers = spam_frames(report)
    spam_n, suspect_n = report.spam.spam_count, report.spam.suspect_count
    if len(flagged):
        flagged = flagged.assign(verdict_label=[say(f"verdict.{v}", lang) for v in flagged["verdict"]])
    top_spammers = spammers.head(10)
    reasons = [str(x) for x in member_spam_reasons(top_spammers, lang)] if len(top_spammers) else []
    t = report.topics
    ev = report.events
    return ReportView(
        lang=lang, L=L, group=report.group, platform=report.platform, format=report.format, source=report.source,
        records=report.records, unparsed=report.unparsed, anonymized=report.anonymized,
        window_start=when(report.window.start), window_end=when(report.window.end), days=a.days,
        score=h.score, band=h.band, band_label=say(f"band.{h.band}", lang),
        stage_label=say(f"stage.{a.lifecycle.stage}", lang), stage_evidence=say(a.lifecycle.evidence, lang),
        components=components, advice=advice, metrics=metrics,
        weekly=[int(x) for x in weekly["messages"]] if len(weekly) else [],
        week_starts=[when(x, "%Y-%m-%d") for x in weekly["week_start"]] if len(weekly) else [],
        week_ends=[when(x, "%Y-%m-%d") for x in weekly["week_end"]] if len(weekly) else [],
        heat=heat_grid(report), weekdays=weekdays(lang), top_members=top_members, quiet=quiet,
        spam_messages=spam_n, suspect_messages=suspect_n, messages=a.messages,
        spam_share=percent(report.spam_ratio),
        spammers=[(str(r.sender), int(r.spam_messages), why)
                  for r, why in zip(top_spammers.itertuples(), reasons, strict=True)],
        flagged=flagged,
        keywords=[str(x) for x in t.keywords["term"].head(30)] if len(t.keywords) else [],
        on_topic=percent(t.on_topic_ratio), chitchat=percent(t.chitchat_ratio), theme=list(t.theme.terms),
        theme_proposed=t.theme.source == "proposed",
        events=[
            (L["red_packets"], f"{ev.red_packets.count} ({L['lift']}: {number(ev.red_packets.lift_vs_before, 2)})"),
            (L["checkins"], f"{ev.checkins.count} ({L['participants']} {ev.checkins.participants})"),
            (L["newcomers"], f"{ev.newcomers.count} ({L['activated']} {ev.newcomers.activated}/"
                             f"{ev.newcomers.observed})"),
        ],
        warnings=[say(w, lang) for w in report.warnings],
    )


def spam_frames(report: AuditReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flagged messages: spam then suspect, highest score first, reasons worded in the
    report's language; spammers, most spam first)."""
    msgs = report.spam.messages
    flagged = msgs[msgs["verdict"].isin(("spam", "suspect"))] if len(msgs) else msgs
    flagged = with_reasons(flagged, report.lang) if len(flagged) else flagged
    if len(flagged):
        order = flagged["verdict"].map({"spam": 0, "suspect": 1})
        flagged = flagged.assign(_o=order).sort_values(["_o", "score", "timestamp"], ascending=[True, False, True],
                                                       kind="stable").drop(columns="_o")
    members = report.spam.members
    spammers = members[members["is_spammer"].astype(bool)] if len(members) else members
    if len(spammers):
        spammers = spammers.sort_values("spam_messages", ascending=False, kind="stable")
    return flagged.reset_index(drop=True), spammers.reset_index(drop=True)


def heat_grid(report: AuditReport) -> np.ndarray:
    """Messages by weekday (rows, Monday first) and hour (columns), 7 x 24."""
    heat = report.activity.heat
    grid = np.zeros((7, 24), dtype=np.int64)
    if heat is not None and len(heat):
        values = heat.reindex(columns=range(24), fill_value=0).to_numpy()
        grid[: min(7, values.shape[0]), :] = values[:7, :24]
    return grid
