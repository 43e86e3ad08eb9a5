"""Renderers of the audit report: table (Rich), json, csv, md and html.

One :class:`~analysis.report.AuditReport` feeds every format; :func:`render` is the one
entry point (``report`` and ``batch --details`` call it). The JSON document
(:func:`report_dict`) is the documented, stable schema; the other formats show the same
facts for people.
"""

from __future__ import annotations

import html
import io
import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import OptionError
from analysis.members import member_table
from analysis.report import AuditReport, summary_row
from cli.catalogue import pct, say, say_all
from cli.catalogue_members import member_spam_reasons, with_evidence
from cli.catalogue_spam import with_reasons
from cli.output import csv_text, dumps, records
from cli.words import localise_members

FORMATS = ("table", "json", "csv", "md", "html")
"""Output formats of ``community-audit report``."""
SECTIONS = ("summary", "health", "members", "spam", "activity", "topics")
"""CSV sections (``--section``)."""
SCHEMA = "community-audit/report"
SCHEMA_VERSION = 2
"""Bumped when a key of the JSON document is renamed or removed, or a value changes type
(adding keys does not). 2: warnings and topic notes are ``{code, params, text}`` objects;
recommendations and health components carry their codes (``code``, ``params``,
``evidence_codes``); member rows carry ``evidence_code`` and spammers ``reason_rows``."""

SPARK = "▁▂▃▄▅▆▇█"
SHADES = " ░▒▓█"

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _pad_cells(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def _weekdays(lang: str) -> list[str]:
    return [say(f"weekday.{d}", lang) for d in WEEKDAY_KEYS]


# -- small helpers -------------------------------------------------------------------------------


def _finite(value: Any) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def _pct(value: Any) -> str:
    v = _finite(value)
    return "–" if v is None else pct(v)


def _num(value: Any, digits: int = 1) -> str:
    v = _finite(value)
    if v is None:
        return "–"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.{digits}f}"


def _int(value: Any) -> str:
    v = _finite(value)
    return "–" if v is None else f"{int(v):,}"


def _duration(value: Any, lang: str) -> str:
    if value is None or value is pd.NaT or (isinstance(value, pd.Timedelta) and pd.isna(value)):
        return "–"
    minutes = pd.Timedelta(value).total_seconds() / 60
    if minutes < 60:
        return f"{minutes:.0f} 分钟" if lang == "zh" else f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} 小时" if lang == "zh" else f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} 天" if lang == "zh" else f"{minutes / 1440:.1f} days"


def _when(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None or value is pd.NaT or (isinstance(value, pd.Timestamp) and pd.isna(value)):
        return "–"
    return pd.Timestamp(value).strftime(fmt)


def _iso(value: Any) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, pd.Timestamp) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat()


def _minutes(value: Any) -> float | None:
    if value is None or value is pd.NaT or (isinstance(value, pd.Timedelta) and pd.isna(value)):
        return None
    return round(pd.Timedelta(value).total_seconds() / 60, 2)


def _clean(value: Any) -> Any:
    """JSON-friendly: NaN/inf -> None, numpy -> Python, timestamps -> ISO, rounded floats."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_clean(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return _iso(value)
    if isinstance(value, pd.Timedelta):
        return _minutes(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = _finite(value)
        return None if v is None else round(v, 6)
    return value


def _notes(notes, lang: str | None = None) -> list[dict[str, Any]]:
    """Notes as JSON: code and params (and, with ``lang``, the text in that language)."""
    return [{**n.as_dict(), **({"text": say(n, lang)} if lang else {})} for n in notes]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [_clean(r) for r in records(frame)] if len(frame) else []


class _Labels:
    """``L["messages"]``: the report's label in one language (``label.*`` in the catalogue)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return say(f"label.{key}", self.lang)


def _labels(lang: str) -> _Labels:
    return _Labels(lang)


def _component_name(name: str, lang: str) -> str:
    return say(f"component.{name}", lang)


def _band(band: str, lang: str) -> str:
    return say(f"band.{band}", lang)


def _stage(stage: str, lang: str) -> str:
    return say(f"stage.{stage}", lang)


def _tier(tier: str, lang: str) -> str:
    return say(f"tier_name.{tier}", lang)


def _raw(component: Any, lang: str) -> str:
    if isinstance(component.raw, str):
        return _stage(component.raw, lang)
    return _pct(component.raw)


def _flat(text: Any, limit: int | None = None) -> str:
    """One line: newlines and tabs as spaces, shortened to ``limit`` characters."""
    s = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    s = " ".join(s.split())
    if limit and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def _is_wide(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" \
        or "\uac00" <= ch <= "\ud7af"


def wrap(text: str, width: int, indent: str = "") -> str:
    """Greedy wrapping by terminal cells that may break between CJK characters (Rich only
    breaks at spaces, which Chinese text has few of); later lines start with ``indent``."""
    from rich.cells import cell_len

    words: list[str] = []
    current = ""
    for ch in _flat(text):
        if ch == " " or _is_wide(ch):
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


def _spam_frames(report: AuditReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flagged messages: spam then suspect, highest score first; spammers, most spam first)."""
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


def _counts(report: AuditReport) -> tuple[int, int, int]:
    msgs = report.spam.messages
    if not len(msgs):
        return 0, 0, 0
    verdict = msgs["verdict"]
    return int((verdict == "spam").sum()), int((verdict == "suspect").sum()), len(msgs)


def _spammer_reasons(spammers: pd.DataFrame, lang: str) -> list[str]:
    """Each spammer's reasons in ``lang`` (check ids kept; the README explains them)."""
    if not len(spammers):
        return []
    return [str(x) for x in member_spam_reasons(spammers, lang)]


def _tier_examples(report: AuditReport, tier: str, n: int = 5) -> tuple[int, list[str]]:
    table = report.members.members
    rows = table[table["tier"] == tier]
    if tier == "dormant":
        rows = rows.sort_values("messages", ascending=False, kind="stable")
    return len(rows), [str(x) for x in rows["sender"].head(n)]


def _heat(report: AuditReport) -> np.ndarray:
    heat = report.activity.heat
    grid = np.zeros((7, 24), dtype=np.int64)
    if heat is not None and len(heat):
        values = heat.reindex(columns=range(24), fill_value=0).to_numpy()
        grid[: min(7, values.shape[0]), :] = values[:7, :24]
    return grid


def _weekly_counts(report: AuditReport) -> list[int]:
    weekly = report.activity.weekly
    return [int(x) for x in weekly["messages"]] if len(weekly) else []


def sparkline(values: list[float]) -> str:
    """One block character per value, scaled to the largest (``▁`` for 0)."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, int(round(v / top * (len(SPARK) - 1))))] for v in values)


# -- the JSON document -------------------------------------------------------------------------


def report_dict(report: AuditReport) -> dict[str, Any]:
    """The report as the documented JSON document (see the README, "JSON schema").

    Timestamps are ISO 8601 (wall clock, no offset), shares are 0..1, durations are minutes,
    missing or undefined figures are ``null``.
    """
    a = report.activity
    lc = a.lifecycle
    spam_n, suspect_n, judged = _counts(report)
    flagged, spammers = _spam_frames(report)
    heat = _heat(report)
    t = report.topics
    ev = report.events
    newcomers = ev.newcomers
    members = with_evidence(member_table(report.members, names=True), report.members, report.lang)
    weekly = a.weekly[[c for c in ("week_start", "week_end", "days", "messages", "speakers", "members",
                                   "participation") if c in a.weekly.columns]]
    flagged_cols = ["msg_id", "line", "timestamp", "sender_id", "sender", "score", "verdict", "reasons", "reason_rows",
                    "text"]
    spammer_cols = ["sender_id", "sender", "messages", "spam_messages", "suspect_messages", "spam_score", "reasons",
                    "reason_rows"]
    keyword_cols = [c for c in ("rank", "term", "count", "messages", "share", "tfidf", "on_theme")
                    if c in t.keywords.columns]
    doc = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "group": report.group,
        "platform": report.platform,
        "format": report.format,
        "source": report.source,
        "encoding": report.encoding,
        "lang": report.lang,
        "anonymized": report.anonymized,
        "window": {"start": _iso(report.window.start), "end": _iso(report.window.end), "days": a.days},
        "coverage": {"records": report.records, "unparsed_lines": report.unparsed,
                     "warnings": _notes(report.warnings, report.lang)},
        "health": {
            "score": report.health.score,
            "band": report.health.band,
            "stage": lc.stage,
            "components": [
                {"name": c.name, "raw": c.raw, "band": c.band, "score": c.score, "weight": c.weight,
                 "evidence": say_all(c.evidence, report.lang), "evidence_codes": _notes(c.evidence)}
                for c in report.health.components
            ],
        },
        "recommendations": [
            {"priority": r.priority, "component": r.component, "code": r.advice.code, "params": r.advice.params,
             "text": say(r.advice, report.lang), "evidence": say_all(r.evidence, report.lang),
             "evidence_codes": _notes(r.evidence)}
            for r in report.recommendations
        ],
        "activity": {
            "messages": a.messages, "speakers": a.speakers, "members": a.members,
            "participation": a.participation, "participation_weekly": a.participation_weekly,
            "messages_per_speaker": a.messages_per_speaker, "messages_per_day": a.messages_per_day,
            "messages_per_speaker_day": report.messages_per_speaker_day, "link_share": report.link_share,
            "days": a.days, "active_days": a.active_days, "joins": a.joins, "leaves": a.leaves,
            "dau": a.dau, "mau": a.mau, "stickiness": a.stickiness, "gini": a.gini,
            "top1_share": a.top1_share, "top10_share": a.top10_share,
            "last_message": a.last_message, "days_since_last": a.days_since_last,
            "longest_gap_minutes": a.longest_gap, "longest_gap_start": a.longest_gap_start,
            "thread_count": a.thread_count, "single_message_share": a.single_message_share,
            "median_first_response_minutes": a.median_first_response, "responded_share": a.responded_share,
            "questions": a.questions, "unanswered_questions": a.unanswered_questions,
            "unanswered_share": a.unanswered_share, "staff_messages": a.staff_messages,
            "announcement_share": a.announcement_share,
            "lifecycle": {"stage": lc.stage, "evidence": say(lc.evidence, report.lang),
                          "evidence_code": lc.evidence.as_dict(), "metric": lc.metric, "recent": lc.recent,
                          "baseline": lc.baseline, "ratio": lc.ratio, "age_days": lc.age_days},
            "weekly": _rows(weekly),
            "daily": _rows(a.daily),
            "heat": {"weekdays": [d.capitalize() for d in WEEKDAY_KEYS], "hours": list(range(24)), "messages": heat.tolist()},
            "peak_hours": _rows(a.peak_hours),
        },
        "members": {
            "known": report.members.known,
            "tiers": dict(report.members.tier_counts),
            "cover_50": report.members.cover_50,
            "cover_80": report.members.cover_80,
            "list": _rows(members),
        },
        "spam": {
            "judged": judged, "spam_messages": spam_n, "suspect_messages": suspect_n,
            "spam_ratio": spam_n / a.messages if a.messages else None,
            "spammers": len(spammers),
            "flagged": _rows(flagged[flagged_cols]) if len(flagged) else [],
            "spammer_list": _rows(spammers[spammer_cols]) if len(spammers) else [],
        },
        "topics": {
            "on_topic_ratio": t.on_topic_ratio, "chitchat_ratio": t.chitchat_ratio,
            "theme": {"terms": list(t.theme.terms), "source": t.theme.source},
            "counts": {"substantive": t.counts.substantive, "on_topic": t.counts.on_topic,
                       "conversational": t.counts.conversational, "chitchat": t.counts.chitchat},
            "concentration": {"entropy": t.concentration.entropy, "hhi": t.concentration.hhi,
                              "keywords": t.concentration.keywords,
                              "top20_coverage": t.concentration.top20_coverage},
            "drift_mean_jaccard": t.drift.mean_jaccard,
            "keywords": _rows(t.keywords[keyword_cols]) if len(t.keywords) else [],
            "notes": _notes(t.notes, report.lang),
        },
        "events": {
            "red_packets": {"count": ev.red_packets.count, "lift_vs_before": ev.red_packets.lift_vs_before,
                            "lift_vs_baseline": ev.red_packets.lift_vs_baseline},
            "checkins": {"count": ev.checkins.count, "participants": ev.checkins.participants,
                         "days": ev.checkins.days, "completion": ev.checkins.completion},
            "newcomers": {"count": newcomers.count, "observed": newcomers.observed,
                          "activated": newcomers.activated, "activation_rate": newcomers.activation_rate,
                          "spoke": newcomers.spoke,
                          "median_minutes_to_first": newcomers.median_time_to_first,
                          "answered_share": newcomers.answered_share},
        },
        "summary": summary_row(report),
    }
    return _clean(doc)


# -- CSV -----------------------------------------------------------------------------------------


def section_frame(report: AuditReport, section: str) -> pd.DataFrame:
    """The table behind ``-f csv --section SECTION``."""
    if section == "summary":
        return pd.DataFrame([summary_row(report)])
    if section == "health":
        return pd.DataFrame([{"component": c.name, "raw": c.raw, "band": c.band, "score": c.score,
                              "weight": c.weight, "evidence": say_all(c.evidence, report.lang)}
                             for c in report.health.components])
    if section == "members":
        return localise_members(member_table(report.members), report.members, report.lang)
    if section == "spam":
        flagged, _ = _spam_frames(report)
        cols = ["msg_id", "line", "timestamp", "sender_id", "sender", "score", "verdict", "reasons", "text"]
        return flagged[cols] if len(flagged) else pd.DataFrame(columns=cols)
    if section == "activity":
        return report.activity.daily.copy()
    if section == "topics":
        kw = report.topics.keywords
        cols = [c for c in ("rank", "term", "count", "messages", "share", "tfidf", "on_theme") if c in kw.columns]
        return kw[cols].copy()
    raise OptionError(f"--section {section!r} is not one of {', '.join(SECTIONS)}")


# -- table (Rich) ------------------------------------------------------------------------------


def render_table(report: AuditReport, *, width: int = 100, color: bool = False) -> str:
    """The terminal report: a summary panel and one block per section, ``width`` columns."""
    from rich import box
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    lang = report.lang
    L = _labels(lang)
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None, force_terminal=color,
                      highlight=False, emoji=False, markup=False, soft_wrap=False)
    a = report.activity
    h = report.health
    band_style = {"healthy": "bold green", "at risk": "bold yellow", "critical": "bold red"}.get(h.band, "bold")

    head = Text()
    head.append(f"{L['health']} ", style="bold")
    head.append(f"{h.score:g}/100 ", style=band_style)
    head.append(_band(h.band, lang), style=band_style)
    head.append(f"   {L['stage']}: {_stage(a.lifecycle.stage, lang)}")
    if report.anonymized:
        head.append(f"   ({L['anonymized']})", style="dim")
    sub = Text(f"{L['window']}: {_when(report.window.start)} → {_when(report.window.end)} ({a.days} {L['days']})\n"
               f"{report.platform} / {report.format} · {report.source} · {report.records:,} {L['records']}, "
               f"{report.unparsed:,} {L['unparsed']}", style="dim")
    console.print(Panel(Group(head, sub), title=Text(f"{L['title']}: {report.group}", style="bold"),
                        title_align="left", box=box.ROUNDED))

    comp = Table(title=L["components"], title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
    comp.add_column(L["component"], no_wrap=True)
    comp.add_column(L["value"], justify="right", no_wrap=True)
    comp.add_column(L["band"], no_wrap=True)
    comp.add_column(L["score"], justify="right", no_wrap=True)
    comp.add_column(L["weight"], justify="right", no_wrap=True)
    comp.add_column(L["evidence"], ratio=1, overflow="fold")
    for c in h.components:
        style = {"good": "green", "fair": "yellow", "poor": "red"}.get(c.band, "dim")
        comp.add_row(_component_name(c.name, lang), _raw(c, lang), Text(_band(c.band, lang), style=style),
                     "–" if c.score is None else f"{c.score:g}", f"{c.weight:g}", Text(say_all(c.evidence, lang), style="dim"))
    console.print(comp)

    metrics = [
        (L["messages"], _int(a.messages)), (L["speakers"], _int(a.speakers)),
        (L["members"], _int(report.members.known)), (L["participation"], _pct(a.participation)),
        (L["participation_weekly"], _pct(a.participation_weekly)), (L["per_day"], _num(a.messages_per_day)),
        (L["per_speaker_day"], _num(report.messages_per_speaker_day)),
        (L["dau_mau"], f"{_num(a.dau)} / {_num(a.mau)}"), (L["top10"], _pct(a.top10_share)),
        (L["first_response"], _duration(a.median_first_response, lang)),
        (L["unanswered"], f"{_int(a.unanswered_questions)} / {_int(a.questions)}"),
        (L["links"], _pct(report.link_share)), (L["last_message"], _when(a.last_message)),
        (L["gini"], _num(a.gini, 2)),
    ]
    grid = Table(title=L["metrics"], title_justify="left", box=None, show_header=False, pad_edge=False,
                 expand=True)
    for _ in range(2):
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
    half = (len(metrics) + 1) // 2
    for left, right in zip(metrics[:half], [*metrics[half:], ("", "")], strict=False):
        grid.add_row(left[0], left[1], right[0], right[1])
    console.print(grid)
    console.print()

    weekly = _weekly_counts(report)
    console.print(Text(L["weekly"], style="bold italic"))
    if weekly:
        line = Text(sparkline(weekly), style="cyan")
        line.append(f"  {weekly[0]:,} → {weekly[-1]:,} " + say("label.weeks_span", lang, weeks=len(weekly),
                                                                 top=max(weekly)), style="dim")
        console.print(line)
    else:
        console.print(Text(L["no_messages"], style="dim"))
    console.print()

    console.print(Text(L["heat"], style="bold italic"))
    grid_heat = _heat(report)
    top = grid_heat.max()
    header = Text("     ")
    for hour in range(0, 24, 3):
        header.append(f"{hour:<6d}", style="dim")
    console.print(header)
    for i, day in enumerate(_weekdays(lang)):
        row = Text(_pad_cells(day, 4), style="dim")
        row.append(" ")
        for value in grid_heat[i]:
            level = 0 if top <= 0 or value <= 0 else 1 + min(3, int(value / top * 4 - 1e-9))
            row.append(SHADES[level] * 2, style="magenta")
        row.append(f"  {int(grid_heat[i].sum()):,}", style="dim")
        console.print(row)
    console.print()

    table = report.members.members
    top_members = table[table["messages"] > 0].sort_values("messages", ascending=False, kind="stable").head(10)
    tm = Table(title=L["top_members"], title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    tm.add_column(L["name"], overflow="ellipsis", max_width=24, no_wrap=True)
    tm.add_column(L["tier"], no_wrap=True)
    tm.add_column(L["messages"], justify="right", no_wrap=True)
    tm.add_column(L["share"], justify="right", no_wrap=True)
    tm.add_column(L["active_days"], justify="right", no_wrap=True)
    tm.add_column(L["last_seen"], no_wrap=True)
    for row in top_members.itertuples():
        tm.add_row(Text(_flat(row.sender)), _tier(str(row.tier), lang), _int(row.messages), _pct(row.share),
                   _int(row.active_days), _when(row.last_seen, "%Y-%m-%d"))
    if len(top_members):
        console.print(tm)

    quiet = Text(L["quiet"] + "\n", style="bold italic")
    for tier, label in (("silent", L["silent"]), ("dormant", L["dormant"]), ("left", L["left"])):
        n, names = _tier_examples(report, tier)
        quiet.append(f"  {label}: ", style="dim")
        quiet.append(f"{n}")
        if names:
            quiet.append(f"  ({L['eg']} {', '.join(_flat(x, 20) for x in names)})", style="dim")
        quiet.append("\n")
    console.print(quiet)

    spam_n, suspect_n, judged = _counts(report)
    flagged, spammers = _spam_frames(report)
    spam = Text(L["spam"] + "\n", style="bold italic")
    spam.append(f"  {L['spam_messages']}: {spam_n:,} / {a.messages:,} ({_pct(spam_n / a.messages if a.messages else None)})"
                f" · {L['suspects']}: {suspect_n:,} · {L['spammers']}: {len(spammers)}\n")
    for row, reasons in zip(spammers.head(5).itertuples(), _spammer_reasons(spammers.head(5), lang), strict=True):
        lead = f"- {_flat(row.sender, 24)} ({int(row.spam_messages)}): "
        wrapped = wrap(lead + _flat(reasons, 160), width - 2, "    ")
        spam.append("  " + wrapped[: len(lead)], style="red")
        spam.append(wrapped[len(lead):] + "\n", style="dim")
    for row in flagged[flagged["verdict"] == "spam"].head(3).itertuples() if len(flagged) else ():
        spam.append(f"  > {_when(row.timestamp)} {_flat(row.sender, 16)}: ", style="dim")
        spam.append(_flat(row.text, 56) + "\n")
    console.print(spam)

    t = report.topics
    kw = Text(L["keywords"] + "\n", style="bold italic")
    terms = [str(x) for x in t.keywords["term"].head(15)] if len(t.keywords) else []
    kw.append("  " + (wrap_items([_flat(x, 20) for x in terms], width - 2, indent="  ") if terms else L["none"]) + "\n")
    theme = ", ".join(t.theme.terms[:6]) or L["none"]
    src = f" ({L['proposed']})" if t.theme.source == "proposed" else ""
    kw.append(f"  {L['on_topic']}: {_pct(t.on_topic_ratio)} · {L['chitchat']}: {_pct(t.chitchat_ratio)} · "
              f"{L['theme']}: {_flat(theme, 60)}{src}\n", style="dim")
    console.print(kw)

    ev = report.events
    events = Text(L["events"] + "\n", style="bold italic")
    events.append(f"  {L['red_packets']}: {ev.red_packets.count} ({L['lift']}: {_num(ev.red_packets.lift_vs_before, 2)})"
                  f" · {L['checkins']}: {ev.checkins.count} ({L['participants']} {ev.checkins.participants})"
                  f" · {L['newcomers']}: {ev.newcomers.count} ({L['activated']} {ev.newcomers.activated}/"
                  f"{ev.newcomers.observed})\n", style="dim")
    console.print(events)

    if report.recommendations:
        console.print(Text(L["recommendations"], style="bold italic"))
    for i, r in enumerate(report.recommendations, 1):
        style = {1: "bold red", 2: "yellow"}.get(r.priority, "")
        lead = f"{i}. "
        body = Text(lead)
        label = f"[{_component_name(r.component, lang)}] "
        body.append(label, style="dim")
        from rich.cells import cell_len

        first = width - cell_len(lead) - cell_len(label)
        advice = say(r.advice, lang)
        wrapped = wrap(advice, width - cell_len(lead), " " * cell_len(lead))
        if cell_len(wrapped.split("\n")[0]) > first:
            wrapped = wrap(label + advice, width - cell_len(lead), " " * cell_len(lead))[len(label):]
        body.append(wrapped, style=style)
        console.print(body)
    if report.warnings:
        console.print(Text(say("label.warnings_line", lang, text=say_all(report.warnings, lang)), style="yellow"))
    return buf.getvalue()


# -- Markdown -------------------------------------------------------------------------------------


def _md(text: Any, limit: int | None = None) -> str:
    """A table-cell-safe Markdown fragment: one line, ``| \\ ` * _ [ ] < >`` escaped."""
    s = _flat(text, limit)
    s = html.escape(s, quote=False)
    for ch in "\\`*_[]|#":
        s = s.replace(ch, "\\" + ch)
    return s


def render_md(report: AuditReport) -> str:
    """The report as Markdown (headings, tables, lists) to paste into a document."""
    lang = report.lang
    L = _labels(lang)
    a = report.activity
    h = report.health
    out: list[str] = []
    w = out.append
    w(f"# {L['title']}: {_md(report.group)}")
    w("")
    w(f"**{L['health']}: {h.score:g}/100 ({_band(h.band, lang)})** · {L['stage']}: {_stage(a.lifecycle.stage, lang)}"
      + (f" · {L['anonymized']}" if report.anonymized else ""))
    w("")
    w(f"- {L['window']}: {_when(report.window.start)} → {_when(report.window.end)} ({a.days} {L['days']})")
    w(f"- {_md(report.platform)} / {_md(report.format)} · `{report.source.replace('`', '')}` · "
      f"{report.records:,} {L['records']}, {report.unparsed:,} {L['unparsed']}")
    w("")
    w(f"## {L['recommendations']}")
    w("")
    for i, r in enumerate(report.recommendations, 1):
        w(f"{i}. **{_component_name(r.component, lang)}** ({L['priority']} {r.priority}): {_md(say(r.advice, lang))}  ")
        w(f"   _{_md(say_all(r.evidence, lang))}_")
    if not report.recommendations:
        w(f"- {L['none']}")
    w("")
    w(f"## {L['components']}")
    w("")
    w(f"| {L['component']} | {L['value']} | {L['band']} | {L['score']} | {L['weight']} | {L['evidence']} |")
    w("|---|---:|---|---:|---:|---|")
    for c in h.components:
        w(f"| {_component_name(c.name, lang)} | {_raw(c, lang)} | {_band(c.band, lang)} | "
          f"{'–' if c.score is None else f'{c.score:g}'} | {c.weight:g} | {_md(say_all(c.evidence, lang))} |")
    w("")
    w(f"## {L['metrics']}")
    w("")
    w("| | |\n|---|---:|")
    for label, value in (
        (L["messages"], _int(a.messages)), (L["speakers"], _int(a.speakers)),
        (L["members"], _int(report.members.known)), (L["participation"], _pct(a.participation)),
        (L["participation_weekly"], _pct(a.participation_weekly)), (L["per_day"], _num(a.messages_per_day)),
        (L["per_speaker_day"], _num(report.messages_per_speaker_day)),
        (L["dau_mau"], f"{_num(a.dau)} / {_num(a.mau)}"), (L["top10"], _pct(a.top10_share)),
        (L["first_response"], _duration(a.median_first_response, lang)),
        (L["unanswered"], f"{_int(a.unanswered_questions)} / {_int(a.questions)}"),
        (L["links"], _pct(report.link_share)), (L["last_message"], _when(a.last_message)),
    ):
        w(f"| {label} | {value} |")
    w("")
    weekly = _weekly_counts(report)
    w(f"**{L['weekly']}:** `{sparkline(weekly)}` " + (" · ".join(f"{x:,}" for x in weekly) if weekly else L["none"]))
    w("")
    w(f"### {L['heat']}")
    w("")
    grid = _heat(report)
    top = grid.max()
    w("```")
    w("     " + "".join(f"{hour:<6d}" for hour in range(0, 24, 3)))
    for i, day in enumerate(_weekdays(lang)):
        cells = "".join(SHADES[0 if top <= 0 or v <= 0 else 1 + min(3, int(v / top * 4 - 1e-9))] * 2
                        for v in grid[i])
        w(f"{_pad_cells(day, 5)}{cells}  {int(grid[i].sum()):,}")
    w("```")
    w("")
    table = report.members.members
    top_members = table[table["messages"] > 0].sort_values("messages", ascending=False, kind="stable").head(10)
    w(f"## {L['top_members']}")
    w("")
    w(f"| {L['name']} | {L['tier']} | {L['messages']} | {L['share']} | {L['active_days']} | {L['last_seen']} |")
    w("|---|---|---:|---:|---:|---|")
    for row in top_members.itertuples():
        w(f"| {_md(row.sender, 40)} | {_tier(str(row.tier), lang)} | {_int(row.messages)} | {_pct(row.share)} | "
          f"{_int(row.active_days)} | {_when(row.last_seen, '%Y-%m-%d')} |")
    w("")
    w(f"### {L['quiet']}")
    w("")
    for tier, label in (("silent", L["silent"]), ("dormant", L["dormant"]), ("left", L["left"])):
        n, names = _tier_examples(report, tier)
        w(f"- {label}: **{n}**" + (f" ({L['eg']} {', '.join(_md(x, 30) for x in names)})" if names else ""))
    w("")
    spam_n, suspect_n, _judged = _counts(report)
    flagged, spammers = _spam_frames(report)
    w(f"## {L['spam']}")
    w("")
    w(f"- {L['spam_messages']}: **{spam_n:,}** / {a.messages:,} ({_pct(spam_n / a.messages if a.messages else None)})"
      f" · {L['suspects']}: {suspect_n:,} · {L['spammers']}: **{len(spammers)}**")
    for row, reasons in zip(spammers.head(10).itertuples(), _spammer_reasons(spammers.head(10), lang), strict=True):
        w(f"- {_md(row.sender, 40)} ({int(row.spam_messages)}): {_md(reasons, 300)}")
    spam_rows = flagged[flagged["verdict"] == "spam"].head(10) if len(flagged) else flagged
    if len(spam_rows):
        w("")
        w(f"| {L['time']} | {L['sender']} | {L['score']} | {L['text']} | {L['reasons']} |")
        w("|---|---|---:|---|---|")
        for row in spam_rows.itertuples():
            w(f"| {_when(row.timestamp)} | {_md(row.sender, 30)} | {row.score:g} | {_md(row.text, 80)} | "
              f"{_md(', '.join(dict.fromkeys(r[0] for r in row.reason_rows)), 80)} |")
    w("")
    t = report.topics
    w(f"## {L['keywords']}")
    w("")
    terms = [str(x) for x in t.keywords["term"].head(20)] if len(t.keywords) else []
    w(" · ".join(_md(x, 30) for x in terms) if terms else L["none"])
    w("")
    src = f" ({L['proposed']})" if t.theme.source == "proposed" else ""
    w(f"- {L['on_topic']}: {_pct(t.on_topic_ratio)} · {L['chitchat']}: {_pct(t.chitchat_ratio)} · "
      f"{L['theme']}: {_md(', '.join(t.theme.terms[:8]) or L['none'])}{src}")
    w("")
    ev = report.events
    w(f"## {L['events']}")
    w("")
    w(f"- {L['red_packets']}: {ev.red_packets.count} ({L['lift']}: {_num(ev.red_packets.lift_vs_before, 2)})")
    w(f"- {L['checkins']}: {ev.checkins.count} ({L['participants']} {ev.checkins.participants})")
    w(f"- {L['newcomers']}: {ev.newcomers.count} ({L['activated']} {ev.newcomers.activated}/{ev.newcomers.observed})")
    if report.warnings:
        w("")
        w(f"## {L['warnings']}")
        w("")
        for warning in report.warnings:
            w(f"- {_md(say(warning, lang))}")
    return "\n".join(out) + "\n"


# -- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:0;
background:#f6f7f9;color:#1d2330;line-height:1.5}
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
.text{white-space:pre-wrap;word-break:break-word}td:not(.muted):not(.text),th{white-space:nowrap}
"""


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


def _svg_weekly(report: AuditReport) -> str:
    weekly = report.activity.weekly
    if not len(weekly):
        return ""
    values = [int(v) for v in weekly["messages"]]
    top = max(values) or 1
    n = len(values)
    bar_w = max(4.0, min(40.0, 880 / n - 2))
    width = int(n * (bar_w + 2) + 40)
    parts = [f'<svg width="{width}" height="150" viewBox="0 0 {width} 150" role="img">']
    for i, (value, start) in enumerate(zip(values, weekly["week_start"], strict=True)):
        height = 110 * value / top
        x = 30 + i * (bar_w + 2)
        parts.append(f'<rect x="{x:.1f}" y="{120 - height:.1f}" width="{bar_w:.1f}" height="{height:.1f}" '
                     f'fill="#4f6bed"><title>{_h(_when(start, "%Y-%m-%d"))}: {value:,}</title></rect>')
    parts.append(f'<text x="2" y="14" font-size="11" fill="#667085">{top:,}</text>')
    parts.append(f'<line x1="28" y1="120" x2="{width - 6}" y2="120" stroke="#98a2b3"/>')
    parts.append(f'<text x="30" y="138" font-size="11" fill="#667085">{_h(_when(weekly["week_start"].iloc[0], "%Y-%m-%d"))}</text>')
    parts.append(f'<text x="{width - 6}" y="138" font-size="11" text-anchor="end" fill="#667085">'
                 f'{_h(_when(weekly["week_end"].iloc[-1], "%Y-%m-%d"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_heat(report: AuditReport, lang: str) -> str:
    grid = _heat(report)
    top = grid.max() or 1
    cell = 28
    days = _weekdays(lang)
    width, height = 40 + 24 * cell, 24 + 7 * cell
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">']
    for hour in range(24):
        parts.append(f'<text x="{40 + hour * cell + cell / 2}" y="14" font-size="10" text-anchor="middle" '
                     f'fill="#667085">{hour}</text>')
    for d in range(7):
        y = 20 + d * cell
        parts.append(f'<text x="4" y="{y + cell / 2 + 4}" font-size="11" fill="#667085">{_h(days[d])}</text>')
        for hour in range(24):
            value = int(grid[d, hour])
            opacity = 0.06 + 0.94 * value / top if value else 0.03
            parts.append(f'<rect x="{40 + hour * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" '
                         f'fill="#7b3fe4" fill-opacity="{opacity:.2f}"><title>{_h(days[d])} {hour:02d}:00: '
                         f'{value:,}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_bar(score: float | None) -> str:
    if score is None:
        return ""
    colour = "#137333" if score >= 70 else "#f29900" if score >= 40 else "#c5221f"
    return (f'<svg width="100" height="10" viewBox="0 0 100 10"><rect width="100" height="10" fill="#eceff3"/>'
            f'<rect width="{score:.1f}" height="10" fill="{colour}"/></svg>')


def render_html(report: AuditReport) -> str:
    """One self-contained HTML file: inline CSS and SVG, no script, no external resource.

    Every string that comes from the log is HTML-escaped; a Content-Security-Policy forbids
    scripts and any network fetch even if something slipped through.
    """
    lang = report.lang
    L = _labels(lang)
    a = report.activity
    h = report.health
    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>")
    w(f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">')
    w('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
      'img-src data:">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{_h(L['title'])}: {_h(report.group)}</title><style>{_CSS}</style></head><body><main>")
    w(f"<h1>{_h(L['title'])}: {_h(report.group)}</h1>")
    w(f'<p class="muted">{_h(report.platform)} / {_h(report.format)} · {_h(report.source)} · '
      f"{report.records:,} {_h(L['records'])}, {report.unparsed:,} {_h(L['unparsed'])}"
      + (f" · {_h(L['anonymized'])}" if report.anonymized else "") + "</p>")
    w('<div class="card score">' + _svg_gauge(h.score, h.band) +
      f"<div><div><b>{_h(L['health'])}: {h.score:g}/100 · {_h(_band(h.band, lang))}</b></div>"
      f"<div>{_h(L['stage'])}: {_h(_stage(a.lifecycle.stage, lang))} "
      f'<span class="muted">({_h(say(a.lifecycle.evidence, lang))})</span></div>'
      f"<div class=\"muted\">{_h(L['window'])}: {_h(_when(report.window.start))} → {_h(_when(report.window.end))} "
      f"({a.days} {_h(L['days'])})</div></div></div>")

    w(f"<h2>{_h(L['recommendations'])}</h2><ol class=\"recs\">")
    for r in report.recommendations:
        w(f'<li class="p{r.priority}"><b>{_h(_component_name(r.component, lang))}</b>: {_h(say(r.advice, lang))}'
          f'<br><span class="muted">{_h(say_all(r.evidence, lang))}</span></li>')
    w("</ol>")

    w(f"<h2>{_h(L['components'])}</h2><div class=\"card\"><table><thead><tr><th>{_h(L['component'])}</th>"
      f"<th class=\"n\">{_h(L['value'])}</th><th>{_h(L['band'])}</th><th class=\"n\">{_h(L['score'])}</th><th></th>"
      f"<th class=\"n\">{_h(L['weight'])}</th><th>{_h(L['evidence'])}</th></tr></thead><tbody>")
    for c in h.components:
        css = c.band if c.band in ("good", "fair", "poor") else "na"
        w(f"<tr><td>{_h(_component_name(c.name, lang))}</td><td class=\"n\">{_h(_raw(c, lang))}</td>"
          f"<td class=\"{css}\">{_h(_band(c.band, lang))}</td>"
          f"<td class=\"n\">{'–' if c.score is None else f'{c.score:g}'}</td><td>{_svg_bar(c.score)}</td>"
          f"<td class=\"n\">{c.weight:g}</td><td class=\"muted\">{_h(say_all(c.evidence, lang))}</td></tr>")
    w("</tbody></table></div>")

    w(f"<h2>{_h(L['metrics'])}</h2><div class=\"card\"><table><tbody>")
    for label, value in (
        (L["messages"], _int(a.messages)), (L["speakers"], _int(a.speakers)),
        (L["members"], _int(report.members.known)), (L["participation"], _pct(a.participation)),
        (L["participation_weekly"], _pct(a.participation_weekly)), (L["per_day"], _num(a.messages_per_day)),
        (L["per_speaker_day"], _num(report.messages_per_speaker_day)),
        (L["dau_mau"], f"{_num(a.dau)} / {_num(a.mau)}"), (L["top10"], _pct(a.top10_share)),
        (L["first_response"], _duration(a.median_first_response, lang)),
        (L["unanswered"], f"{_int(a.unanswered_questions)} / {_int(a.questions)}"),
        (L["links"], _pct(report.link_share)), (L["last_message"], _when(a.last_message)),
    ):
        w(f"<tr><td>{_h(label)}</td><td class=\"n\">{_h(value)}</td></tr>")
    w("</tbody></table></div>")

    w(f"<h2>{_h(L['weekly'])}</h2><div class=\"card\">{_svg_weekly(report) or _h(L['no_messages'])}</div>")
    w(f"<h2>{_h(L['heat'])}</h2><div class=\"card\">{_svg_heat(report, lang)}</div>")

    table = report.members.members
    top_members = table[table["messages"] > 0].sort_values("messages", ascending=False, kind="stable").head(10)
    w(f"<h2>{_h(L['top_members'])}</h2><div class=\"card\"><table><thead><tr><th>{_h(L['name'])}</th>"
      f"<th>{_h(L['tier'])}</th><th class=\"n\">{_h(L['messages'])}</th><th class=\"n\">{_h(L['share'])}</th>"
      f"<th class=\"n\">{_h(L['active_days'])}</th><th>{_h(L['last_seen'])}</th></tr></thead><tbody>")
    for row in top_members.itertuples():
        w(f"<tr><td>{_h(row.sender)}</td><td>{_h(_tier(str(row.tier), lang))}</td><td class=\"n\">"
          f"{_int(row.messages)}</td><td class=\"n\">{_pct(row.share)}</td><td class=\"n\">{_int(row.active_days)}</td>"
          f"<td>{_h(_when(row.last_seen, '%Y-%m-%d'))}</td></tr>")
    w("</tbody></table>")
    w("<ul>")
    for tier, label in (("silent", L["silent"]), ("dormant", L["dormant"]), ("left", L["left"])):
        n, names = _tier_examples(report, tier, 8)
        w(f"<li>{_h(label)}: <b>{n}</b>" + (f" <span class=\"muted\">({_h(L['eg'])} {_h(', '.join(names))})</span>"
                                             if names else "") + "</li>")
    w("</ul></div>")

    spam_n, suspect_n, _judged = _counts(report)
    flagged, spammers = _spam_frames(report)
    w(f"<h2>{_h(L['spam'])}</h2><div class=\"card\"><p>{_h(L['spam_messages'])}: <b>{spam_n:,}</b> / "
      f"{a.messages:,} ({_pct(spam_n / a.messages if a.messages else None)}) · {_h(L['suspects'])}: {suspect_n:,} · "
      f"{_h(L['spammers'])}: <b>{len(spammers)}</b></p>")
    if len(spammers):
        w("<ul>")
        for row, reasons in zip(spammers.head(10).itertuples(), _spammer_reasons(spammers.head(10), lang),
                                strict=True):
            w(f"<li>{_h(row.sender)} ({int(row.spam_messages)}): <span class=\"muted\">"
              f"{_h(reasons)}</span></li>")
        w("</ul>")
    if len(flagged):
        w(f"<table><thead><tr><th>{_h(L['time'])}</th><th>{_h(L['sender'])}</th><th class=\"n\">{_h(L['score'])}"
          f"</th><th>{_h(L['text'])}</th><th>{_h(L['reasons'])}</th></tr></thead><tbody>")
        for row in flagged.head(30).itertuples():
            w(f"<tr><td>{_h(_when(row.timestamp))}</td><td>{_h(row.sender)}</td><td class=\"n\">{row.score:g} "
              f"{_h(say('verdict.' + row.verdict, lang))}</td><td class=\"text\">{_h(row.text)}</td><td class=\"muted\">"
              f"{_h(row.reasons)}</td></tr>")
        w("</tbody></table>")
    w("</div>")

    t = report.topics
    terms = [str(x) for x in t.keywords["term"].head(30)] if len(t.keywords) else []
    src = f" ({L['proposed']})" if t.theme.source == "proposed" else ""
    w(f"<h2>{_h(L['keywords'])}</h2><div class=\"card\"><p class=\"kw\">"
      + ("".join(f"<span>{_h(x)}</span>" for x in terms) or _h(L["none"])) + "</p>"
      f"<p class=\"muted\">{_h(L['on_topic'])}: {_pct(t.on_topic_ratio)} · {_h(L['chitchat'])}: "
      f"{_pct(t.chitchat_ratio)} · {_h(L['theme'])}: {_h(', '.join(t.theme.terms[:8]) or L['none'])}{_h(src)}</p></div>")

    ev = report.events
    w(f"<h2>{_h(L['events'])}</h2><div class=\"card\"><ul>"
      f"<li>{_h(L['red_packets'])}: {ev.red_packets.count} ({_h(L['lift'])}: {_num(ev.red_packets.lift_vs_before, 2)})</li>"
      f"<li>{_h(L['checkins'])}: {ev.checkins.count} ({_h(L['participants'])} {ev.checkins.participants})</li>"
      f"<li>{_h(L['newcomers'])}: {ev.newcomers.count} ({_h(L['activated'])} {ev.newcomers.activated}/"
      f"{ev.newcomers.observed})</li></ul></div>")
    if report.warnings:
        w(f"<h2>{_h(L['warnings'])}</h2><ul>" + "".join(f"<li>{_h(say(x, lang))}</li>" for x in report.warnings) + "</ul>")
    w(f"<p class=\"muted\">community-audit · {_h(L['as_of'])} {_h(_when(report.window.end))}</p>")
    w("</main></body></html>")
    return "\n".join(out) + "\n"


# -- the entry point ------------------------------------------------------------------------------


def render(report: AuditReport, fmt: str, *, section: str = "summary", width: int | None = None,
           color: bool = False) -> str:
    """The report in ``fmt`` (table, json, csv, md, html) as text.

    Args:
        report: the audit.
        fmt: the output format.
        section: for csv, which table (:data:`SECTIONS`).
        width: for table, the width in columns (100 when None).
        color: for table, ANSI colours (only when writing to a terminal).

    Raises:
        OptionError: an unknown format or section.
    """
    if fmt == "table":
        return render_table(report, width=width or 100, color=color)
    if fmt == "json":
        return dumps(report_dict(report))
    if fmt == "csv":
        if section not in SECTIONS:
            raise OptionError(f"--section {section!r} is not one of {', '.join(SECTIONS)}")
        return csv_text(section_frame(report, section))
    if fmt == "md":
        return render_md(report)
    if fmt == "html":
        return render_html(report)
    raise OptionError(f"report writes {', '.join(FORMATS)}, not {fmt!r}", hint="pick one with -f")
