"""The audit: every analyser composed into one :class:`AuditReport`, with the health score and
recommendations tied to the component that triggered them.

One report object feeds every renderer (table, json, csv, md, html in ``cli/``), and
:func:`summary_row` gives the flat, stable row that ``batch`` writes per group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.activity import ActivityResult, analyse_activity
from analysis.anonymize import Anonymizer
from analysis.config import Config
from analysis.events import EventsResult, analyse_events
from analysis.health import Health, score_health
from analysis.language import LANGS, detect_language, resolve_lang  # noqa: F401 (re-exported)
from analysis.members import MembersResult, analyse_members
from analysis.membership import membership
from analysis.notes import Note, note
from analysis.schema import EVENT_KINDS, KIND, TEXT, Chat
from analysis.spam import SpamResult, detect_spam
from analysis.topics import TopicsResult, analyze_topics
from analysis.window import Window, clip, resolve_window


@dataclass(frozen=True)
class Recommendation:
    """One piece of advice and the evidence behind it."""

    component: str
    """The health component (or ``timing``) that triggered it."""
    priority: int
    """1 = act now, 2 = worth doing, 3 = for information."""
    advice: Note
    """The advice as a code with its people and numbers (``advice.*``; cli words it)."""
    evidence: tuple[Note, ...]
    """The figures it rests on (the component's evidence)."""


@dataclass(frozen=True)
class AuditReport:
    """Everything one audit found, as of ``window.end``."""

    group: str
    """Group name."""
    platform: str
    """qq, wechat, telegram, ..."""
    format: str
    """Input format name."""
    source: str
    """The file read."""
    encoding: str
    """Its text encoding."""
    records: int
    """Records read from the file (whole log, events included)."""
    unparsed: int
    """Non-blank lines of the file that were not understood."""
    warnings: tuple[str, ...]
    """Assumptions the parser made."""
    window: Window
    """The window audited."""
    lang: str
    """The language a person's view of this report uses: zh or en (``--lang``, else the
    config, else the log's main language). The report itself holds codes only."""
    activity: ActivityResult
    members: MembersResult
    events: EventsResult
    spam: SpamResult
    topics: TopicsResult
    health: Health
    recommendations: tuple[Recommendation, ...]
    messages_per_speaker_day: float = math.nan
    """Human messages / speaker-days (a member speaking on a day counts once that day): the
    practitioners' "messages per active member per day" (1-5 usual, above 8 = 刷屏 risk,
    PEERS.md §1F). NaN without messages."""
    link_share: float = math.nan
    """Share of human messages that are links or carry a URL (above 25% = ad risk, PEERS.md
    §1F). NaN without messages."""
    spam_ratio: float | None = None
    """Spam messages / human messages in the window (None without messages): the spam
    component's raw figure, the ``spam_ratio`` of the summary row and the JSON."""
    anonymized: bool = False
    """True when names, ids and contacts were replaced (:func:`anonymize_report`)."""


URL_PATTERN = r"(?i)https?://|www\.[a-z0-9-]+\."
"""A message "carries a link" when its kind is link or its text matches this."""


def pressure(chat: Chat) -> tuple[float, float]:
    """``(messages_per_speaker_day, link_share)`` over ``chat`` (already clipped to the window).

    messages_per_speaker_day = human messages / sum over days of that day's distinct speakers;
    link_share = human messages of kind link or with a URL in the text / human messages.
    """
    frame = chat.messages
    human = frame[~frame[KIND].isin(EVENT_KINDS)]
    if not len(human):
        return math.nan, math.nan
    speaker_days = human.groupby([human["timestamp"].dt.normalize(), human["sender_id"]], observed=True).ngroups
    links = (human[KIND] == "link") | human[TEXT].str.contains(URL_PATTERN, regex=True).fillna(False)
    return len(human) / speaker_days if speaker_days else math.nan, float(links.mean())


def audit(
    chat: Chat,
    config: Config | None = None,
    *,
    window: Window | None = None,
    theme: list[str] | None = None,
    lang: str = "auto",
    spam_model: Any = None,
    topics_cache: str | Path | None = None,
    jobs: int | None = None,
) -> AuditReport:
    """Run every analyser over ``chat`` and score it.

    Args:
        chat: the full log (history before the window feeds first-seen, dormant, baselines).
        config: thresholds, weights, theme, staff; defaults when None.
        window: the period audited; the whole log when None.
        theme: theme keywords overriding ``[group] theme``.
        lang: auto (from the log), zh or en.
        spam_model: an optional Naive Bayes booster (``spam train``).
        topics_cache: token-cache folder for the topic analysis.
        jobs: worker processes for segmentation (None = the topics default).
    """
    config = config or Config()
    # Computed once and handed to every analyser that needs them: the window, the known
    # members as of its end (activity, members, events) and the chat clipped to it (spam,
    # topics, pressure). The analysers are siblings; none calls another.
    window = window or resolve_window(chat)
    known = membership(chat, window.end, config)
    clipped = clip(chat, window)
    activity = analyse_activity(chat, window=window, config=config, known=known)
    members = analyse_members(chat, window=window, config=config, known=known)
    events = analyse_events(chat, window=window, config=config, known=known)
    spam = detect_spam(clipped, config, model=spam_model)
    topics = analyze_topics(chat, window=window, config=config, theme=theme, cache_dir=topics_cache, jobs=jobs,
                            clipped=clipped)
    spam_messages = spam.spam_count
    spam_ratio = spam_messages / activity.messages if activity.messages else None
    per_day, links = pressure(clipped)
    language = resolve_lang(lang, config, chat)
    notes = []
    flood_line, link_line = config.health.flooding_per_person_day, config.health.link_share_risk
    if _finite(per_day) is not None:
        notes.append(note("pressure.per_speaker_day_above" if per_day > flood_line else "pressure.per_speaker_day_within",
                          value=round(per_day, 1), line=flood_line))
    if _finite(links) is not None:
        notes.append(note("pressure.links_above" if links > link_line else "pressure.links_below",
                          value=links, line=link_line))
    health = score_health(
        participation=_finite(activity.participation_weekly),
        stage=activity.lifecycle.stage,
        top10_share=_finite(activity.top10_share) if activity.speakers >= 10 else None,
        spam_ratio=spam_ratio,
        on_topic_ratio=_finite(topics.on_topic_ratio),
        newcomer_activation=_finite(events.newcomers.activation_rate),
        unanswered_share=_finite(activity.unanswered_share) if activity.questions >= 3 else None,
        config=config.health,
        spam_notes=tuple(notes),
    )
    report = AuditReport(
        group=chat.group, platform=chat.platform, format=chat.format, source=chat.source,
        encoding=chat.encoding, records=len(chat.messages), unparsed=chat.unparsed_count,
        warnings=tuple(chat.warnings), window=window, lang=language, activity=activity,
        members=members, events=events, spam=spam, topics=topics, health=health,
        recommendations=(), messages_per_speaker_day=per_day, link_share=links, spam_ratio=spam_ratio,
    )
    return replace(report, recommendations=tuple(recommend(report, config)))


def anonymize_report(report: AuditReport, chat: Chat, key: str | None = None, *,
                     anonymizer: Anonymizer | None = None) -> AuditReport:
    """The report with every member id and name replaced by a stable pseudonym and contact
    details (phones, wxids, QQ-like digit runs, e-mails, the contact handles the spam checks
    found) masked in every text it holds, and members' name parts masked among the topic
    keywords.

    The audit runs on the real log first, so the spam checks still see contact handles and
    names; then everything the renderers can show is rewritten (see :mod:`analysis.anonymize`).
    The group name, the source path, the format and the window are kept.

    Args:
        report: the audit of ``chat``.
        chat: the log the report was made from (its ids and names are what gets replaced).
        key: ``--anonymize-key``: the same key gives the same pseudonyms; random when None.
        anonymizer: the rewriter to use (:meth:`Anonymizer.for_report` of this report and
            chat when None); pass one to rewrite other output (stderr) with the same
            pseudonyms.
    """
    rewriter = anonymizer or Anonymizer.for_report(report, chat, key)
    masked = rewriter.value(report)
    masked = replace(masked, group=report.group, source=report.source, platform=report.platform,
                     format=report.format, encoding=report.encoding, lang=report.lang, window=report.window,
                     anonymized=True)
    return masked


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        return None if math.isnan(value) or math.isinf(value) else float(value)
    except TypeError:
        return None


def _names(frame: pd.DataFrame, n: int = 5) -> list[str]:
    return [str(x) for x in frame["sender"].head(n)] if len(frame) else []


def recommend(report: AuditReport, config: Config | None = None) -> list[Recommendation]:
    """Advice tied to the components that are not good, most urgent first.

    Each piece names its component (or ``timing``), a priority (1 act now, 2 worth doing,
    3 for information), an ``advice.*`` code with concrete people and numbers, and the
    component's evidence.
    """
    config = config or Config()
    band = {c.name: c for c in report.health.components}
    out: list[Recommendation] = []
    table = report.members.members

    part = band["participation"]
    dormant = table[table["tier"] == "dormant"].sort_values("messages", ascending=False)
    silent = table[table["tier"] == "silent"]
    weak = part.band in ("poor", "fair")
    level = 1 if part.band == "poor" else 2
    if weak and (len(dormant) or len(silent)):
        advice = note("advice.recall_quiet", dormant=len(dormant), silent=len(silent),
                      names=_names(dormant) or _names(silent))
        out.append(Recommendation("participation", level, advice, part.evidence))
    elif weak:
        out.append(Recommendation("participation", level, note("advice.few_speak"), part.evidence))
    elif len(dormant):
        advice = note("advice.recall_dormant", dormant=len(dormant), names=_names(dormant))
        out.append(Recommendation("participation", 3, advice, part.evidence))

    spammers = report.spam.members
    spammers = spammers[spammers["is_spammer"].astype(bool)] if len(spammers) else spammers
    spam_c = band["spam"]
    if len(spammers):
        spammers = spammers.sort_values("spam_messages", ascending=False, kind="stable")
        listed = [[str(r.sender), int(r.spam_messages)] for r in spammers.head(5).itertuples()]
        newcomer = bool(set(spammers["sender_id"].astype(str)) & _newcomer_spammers(report))
        advice = note("advice.remove_spammers", n=len(spammers), spammers=listed, newcomers=newcomer)
        out.append(Recommendation("spam", 1, advice, spam_c.evidence))
    flooding = _finite(report.messages_per_speaker_day)
    links = _finite(report.link_share)
    rules = []
    if flooding is not None and flooding > config.health.flooding_per_person_day:
        rules.append(note("rule.limit_bursts", value=round(flooding, 1)))
    if links is not None and links > config.health.link_share_risk:
        rules.append(note("rule.approve_links", value=links))
    if rules:
        out.append(Recommendation("spam", 2, note("advice.tighten_rules", rules=[r.as_dict() for r in rules]),
                                  spam_c.evidence))

    trend = band["trend"]
    if trend.band in ("poor", "fair"):
        lift = report.events.red_packets.lift_vs_before
        lift = round(lift, 1) if report.events.red_packets.count and _finite(lift) else None
        advice = note("advice.plan_event", stage=str(trend.raw), red_packet_lift=lift)
        out.append(Recommendation("trend", 1 if trend.band == "poor" else 2, advice, trend.evidence))

    conc = band["concentration"]
    core = table[table["tier"] == "core"]
    if conc.band in ("poor", "fair"):
        out.append(Recommendation("concentration", 2, note("advice.grow_regulars", names=_names(core)),
                                  conc.evidence))
    elif len(core):
        out.append(Recommendation("concentration", 3, note("advice.back_core", names=_names(core)), conc.evidence))

    new = band["newcomers"]
    if new.band in ("poor", "fair"):
        n = report.events.newcomers
        out.append(Recommendation("newcomers", 2, note("advice.welcome_newcomers", activated=n.activated,
                                                       observed=n.observed), new.evidence))

    topic = band["on_topic"]
    if topic.band in ("poor", "fair"):
        advice = note("advice.restate_theme", terms=list(report.topics.theme.terms[:5]),
                      proposed=report.topics.theme.source == "proposed")
        out.append(Recommendation("on_topic", 2, advice, topic.evidence))

    resp = band["responsiveness"]
    if resp.band in ("poor", "fair"):
        out.append(Recommendation("responsiveness", 2, note("advice.answer_questions",
                                                            n=report.activity.unanswered_questions), resp.evidence))

    peaks = report.activity.peak_hours
    if len(peaks) and report.activity.messages:
        hours = [int(h) for h in peaks["hour"].head(3)]
        evidence = (note("timing.peak_hours", hours=hours, shares=[float(x) for x in peaks["share"].head(3)]),)
        out.append(Recommendation("timing", 3, note("advice.post_at_peaks", hours=hours), evidence))
    return sorted(out, key=lambda r: r.priority)


def _newcomer_spammers(report: AuditReport) -> set[str]:
    """Ids of spammers whose spam the newcomer or join-post-leave checks marked."""
    from analysis.spam.members import spammer_checks

    checks = spammer_checks(report.spam)
    return {sid for sid, names in checks.items()
            if any(c.startswith("newcomer") or c == "hit_and_run" for c in names)}


SUMMARY_COLUMNS = (
    "group", "source", "platform", "format", "status", "error", "messages", "speakers",
    "members_known", "participation", "silent_members", "dormant_members", "spam_messages",
    "spam_ratio", "spammers", "topic_concentration", "on_topic_ratio", "chitchat_ratio",
    "lifecycle_stage", "health_score", "health_band", "window_start", "window_end",
    "records", "unparsed_lines",
)
"""The stable columns of :func:`summary_row` (batch CSV, the report's summary section)."""


def summary_row(report: AuditReport) -> dict[str, Any]:
    """One flat row of headline figures (keys: :data:`SUMMARY_COLUMNS`)."""
    tiers = report.members.tier_counts
    spam_messages = report.spam.spam_count
    spammers = report.spam.spammer_count
    a = report.activity
    return {
        "group": report.group, "source": report.source, "platform": report.platform,
        "format": report.format, "status": "ok", "error": "",
        "messages": a.messages, "speakers": a.speakers, "members_known": report.members.known,
        "participation": _round(a.participation), "silent_members": tiers.get("silent", 0),
        "dormant_members": tiers.get("dormant", 0), "spam_messages": spam_messages,
        "spam_ratio": _round(report.spam_ratio),
        "spammers": spammers, "topic_concentration": _round(report.topics.concentration.hhi),
        "on_topic_ratio": _round(report.topics.on_topic_ratio),
        "chitchat_ratio": _round(report.topics.chitchat_ratio),
        "lifecycle_stage": a.lifecycle.stage, "health_score": report.health.score,
        "health_band": report.health.band, "window_start": report.window.start.isoformat(),
        "window_end": report.window.end.isoformat(), "records": report.records,
        "unparsed_lines": report.unparsed,
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    value = _finite(value)
    return None if value is None else round(value, digits)
