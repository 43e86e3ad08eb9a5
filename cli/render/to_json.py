"""``-f json``: the report as the documented, stable JSON document (README, "Report JSON schema")."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.members import member_table
from analysis.report import AuditReport, summary_row
from cli.catalogue import say, say_all
from cli.catalogue_members import with_evidence
from cli.output import dumps, records
from cli.render.view import WEEKDAY_KEYS, finite, heat_grid, spam_frames

SCHEMA = "community-audit/report"
SCHEMA_VERSION = 2
"""Bumped when a key of the JSON document is renamed or removed, or a value changes type
(adding keys does not). 2: warnings and topic notes are ``{code, params, text}`` objects;
recommendations and health components carry their codes (``code``, ``params``,
``evidence_codes``); member rows carry ``evidence_code`` and spammers ``reason_rows``."""


def render(report: AuditReport, **_: Any) -> str:
    """The JSON document as text."""
    return dumps(report_dict(report))


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
        v = finite(value)
        return None if v is None else round(v, 6)
    return value


def _notes(notes, lang: str | None = None) -> list[dict[str, Any]]:
    """Notes as JSON: code and params (and, with ``lang``, the text in that language)."""
    return [{**n.as_dict(), **({"text": say(n, lang)} if lang else {})} for n in notes]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [_clean(r) for r in records(frame)] if len(frame) else []


def _counts(report: AuditReport) -> tuple[int, int, int]:
    return report.spam.spam_count, report.spam.suspect_count, len(report.spam.messages)



KEYWORD_COLUMNS = ("rank", "term", "count", "messages", "share", "tfidf", "on_theme")


def topics_dict(t, lang: str, *, full: bool = False) -> dict[str, Any]:
    """The one JSON shape of a topic analysis: the report's ``topics`` section, and with
    ``full`` (``community-audit topics -f json``) the same keys plus the details only that
    command shows (window, theme expansion and matches, every keyword column, frequent terms,
    chit-chat reasons, weekly drift, tokenizer statistics)."""
    keyword_cols = [c for c in KEYWORD_COLUMNS if c in t.keywords.columns]
    doc: dict[str, Any] = {
        "on_topic_ratio": t.on_topic_ratio, "chitchat_ratio": t.chitchat_ratio,
        "theme": {"terms": list(t.theme.terms), "source": t.theme.source},
        "counts": {"substantive": t.counts.substantive, "on_topic": t.counts.on_topic,
                   "conversational": t.counts.conversational, "chitchat": t.counts.chitchat},
        "concentration": {"entropy": t.concentration.entropy, "hhi": t.concentration.hhi,
                          "keywords": t.concentration.keywords,
                          "top20_coverage": t.concentration.top20_coverage},
        "drift_mean_jaccard": t.drift.mean_jaccard,
        "keywords": _rows(t.keywords[keyword_cols]) if len(t.keywords) else [],
        "notes": _notes(t.notes, lang),
    }
    if full:
        doc["window"] = {"start": t.window.start, "end": t.window.end}
        doc["counts"] = dict(vars(t.counts))
        doc["theme"].update(expansion=_rows(t.theme.expansion), matches=_rows(t.theme.matches))
        doc["concentration"]["hhi_raw"] = t.concentration.hhi_raw
        doc["keywords"] = _rows(t.keywords)
        doc.update(frequent=_rows(t.frequent), chitchat=_rows(t.chitchat),
                   drift={"mean_jaccard": t.drift.mean_jaccard, "weeks": _rows(t.drift.weeks),
                          "falls": _rows(t.drift.falls), "keywords": _rows(t.drift.keywords)},
                   tokenizer=vars(t.segmentation))
    return _clean(doc)


def report_dict(report: AuditReport) -> dict[str, Any]:
    """The report as the documented JSON document (see the README, "JSON schema").

    Timestamps are ISO 8601 (wall clock, no offset), shares are 0..1, durations are minutes,
    missing or undefined figures are ``null``.
    """
    a = report.activity
    lc = a.lifecycle
    spam_n, suspect_n, judged = _counts(report)
    flagged, spammers = spam_frames(report)
    heat = heat_grid(report)
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
            "spam_ratio": report.spam_ratio,
            "spammers": len(spammers),
            "flagged": _rows(flagged[flagged_cols]) if len(flagged) else [],
            "spammer_list": _rows(spammers[spammer_cols]) if len(spammers) else [],
        },
        "topics": topics_dict(t, report.lang),
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
