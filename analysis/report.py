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
from analysis.health import STAGE_NAMES_ZH, Health, percent, score_health
from analysis.members import MembersResult, analyse_members, membership
from analysis.schema import EVENT_KINDS, KIND, TEXT, Chat
from analysis.spam import SpamResult, detect_spam
from analysis.topics import TopicsResult, analyze_topics
from analysis.window import Window, clip, resolve_window

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Recommendation:
    """One piece of advice and the evidence behind it."""

    component: str
    """The health component (or ``timing``) that triggered it."""
    priority: int
    """1 = act now, 2 = worth doing, 3 = for information."""
    text: str
    """The advice, in the report's language."""
    evidence: str
    """The figures it rests on."""


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
    """Language of the recommendations: zh or en."""
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
    anonymized: bool = False
    """True when names, ids and contacts were replaced (:func:`anonymize_report`)."""


def detect_language(chat: Chat) -> str:
    """zh when at least a fifth of members' texts contain Chinese characters (and Japanese kana
    is not as common: a Japanese group gets English), else en."""
    texts = chat.messages.loc[~chat.messages[KIND].isin(EVENT_KINDS), TEXT]
    if not len(texts):
        return "en"
    sample = texts.iloc[:: max(1, len(texts) // 5000)]
    share = sample.str.contains(r"[\u4e00-\u9fff]", regex=True).fillna(False).mean()
    kana = sample.str.contains(r"[\u3040-\u30ff]", regex=True).fillna(False).mean()
    return "zh" if share >= 0.2 and kana < share / 2 else "en"


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
    window = window or resolve_window(chat)
    known = membership(chat, window.end, config)
    activity = analyse_activity(chat, window=window, config=config, known=known)
    members = analyse_members(chat, window=window, config=config)
    events = analyse_events(chat, window=window, config=config, known=known)
    clipped = clip(chat, window)
    spam = detect_spam(clipped, config, model=spam_model)
    topics = analyze_topics(chat, window=window, config=config, theme=theme, cache_dir=topics_cache, jobs=jobs)
    spam_messages = int((spam.messages["verdict"] == "spam").sum()) if len(spam.messages) else 0
    per_day, links = pressure(clipped)
    language = lang if lang in LANGS else (config.general.lang if config.general.lang in LANGS else detect_language(chat))
    zh = language == "zh"
    notes = []
    flood_line, link_line = config.health.flooding_per_person_day, config.health.link_share_risk
    if _finite(per_day) is not None:
        above = per_day > flood_line
        notes.append(f"人均每天 {per_day:.1f} 条消息（{'高于' if above else '未超过'}提示刷屏的 {flood_line:g} 条）" if zh else
                     f"{per_day:.1f} messages per speaker per day ({'above' if above else 'within'} the "
                     f"{flood_line:g} that suggests flooding)")
    if _finite(links) is not None:
        above = links > link_line
        notes.append(f"{percent(links)} 的消息带链接（{'高于' if above else '低于'} {percent(link_line)} 的广告风险线）" if zh else
                     f"links in {percent(links)} of messages ({'above' if above else 'below'} the {percent(link_line)} "
                     "ad-risk line)")
    health = score_health(
        participation=_finite(activity.participation_weekly),
        stage=activity.lifecycle.stage,
        top10_share=_finite(activity.top10_share) if activity.speakers >= 10 else None,
        spam_ratio=spam_messages / activity.messages if activity.messages else None,
        on_topic_ratio=_finite(topics.on_topic_ratio),
        newcomer_activation=_finite(events.newcomers.activation_rate),
        unanswered_share=_finite(activity.unanswered_share) if activity.questions >= 3 else None,
        config=config.health,
        spam_notes=tuple(notes),
        lang=language,
    )
    report = AuditReport(
        group=chat.group, platform=chat.platform, format=chat.format, source=chat.source,
        encoding=chat.encoding, records=len(chat.messages), unparsed=chat.unparsed_count,
        warnings=tuple(chat.warnings), window=window, lang=language, activity=activity,
        members=members, events=events, spam=spam, topics=topics, health=health,
        recommendations=(), messages_per_speaker_day=per_day, link_share=links,
    )
    return replace(report, recommendations=tuple(recommend(report, config)))


def anonymize_report(report: AuditReport, chat: Chat, key: str | None = None) -> AuditReport:
    """The report with every member id and name replaced by a stable pseudonym and contact
    details (phones, wxids, QQ-like digit runs, e-mails) masked in every text it holds.

    The audit runs on the real log first, so the spam checks still see contact handles and
    names; then everything the renderers can show is rewritten (see :mod:`analysis.anonymize`).
    The group name, the source path, the format and the window are kept.

    Args:
        report: the audit of ``chat``.
        chat: the log the report was made from (its ids and names are what gets replaced).
        key: ``--anonymize-key``: the same key gives the same pseudonyms; random when None.
    """
    rewriter = Anonymizer(chat, key, zh=report.lang == "zh")
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


def _names(frame: pd.DataFrame, zh: bool, n: int = 5) -> str:
    return ("、" if zh else ", ").join(str(x) for x in frame["sender"].head(n)) if len(frame) else ""


def recommend(report: AuditReport, config: Config | None = None) -> list[Recommendation]:
    """Advice tied to the components that are not good, most urgent first.

    Each piece names its component (or ``timing``), a priority (1 act now, 2 worth doing,
    3 for information), concrete people and numbers, and the component's evidence.
    """
    config = config or Config()
    zh = report.lang == "zh"
    band = {c.name: c for c in report.health.components}
    out: list[Recommendation] = []
    table = report.members.members

    part = band["participation"]
    dormant = table[table["tier"] == "dormant"].sort_values("messages", ascending=False)
    silent = table[table["tier"] == "silent"]
    if part.band in ("poor", "fair") and (len(dormant) or len(silent)):
        who = _names(dormant, zh) or _names(silent, zh)
        text = (f"召回沉默成员：优先私聊曾经活跃、近期沉默的 {len(dormant)} 人（如 {who}），再欢迎 {len(silent)} 位从未发言的成员。"
                if zh else
                f"Recall quiet members: first message the {len(dormant)} who were active and went quiet (e.g. {who}), "
                f"then welcome the {len(silent)} who never spoke.")
        out.append(Recommendation("participation", 1 if part.band == "poor" else 2, text, part.evidence))
    elif part.band in ("poor", "fair"):
        text = ("发言的人太少：每周固定一个人人能答的话题（投票、打卡、接龙），点名邀请成员参与。" if zh else
                "Few people speak: run a weekly prompt anyone can answer (a poll, a check-in) and invite members by name.")
        out.append(Recommendation("participation", 1 if part.band == "poor" else 2, text, part.evidence))
    elif len(dormant):
        text = (f"{len(dormant)} 位曾经活跃的成员近期沉默，可私聊召回：{_names(dormant, zh)}。" if zh else
                f"{len(dormant)} member(s) who used to talk went quiet; a private word may bring them back: "
                f"{_names(dormant, zh)}.")
        out.append(Recommendation("participation", 3, text, part.evidence))

    spammers = report.spam.members
    spammers = spammers[spammers["is_spammer"].astype(bool)] if len(spammers) else spammers
    spam_c = band["spam"]
    if len(spammers):
        spammers = spammers.sort_values("spam_messages", ascending=False, kind="stable")
        listed = ", ".join(f"{r.sender}({int(r.spam_messages)})" for r in spammers.head(5).itertuples())
        reasons = " ".join(spammers["reasons"].astype(str))
        newcomer = any(tag in reasons for tag in ("newcomer", "hit_and_run"))
        gate = ((("多数广告号是新入群即发广告：开启入群验证或审批。" if newcomer else "考虑开启入群验证。")) if zh else
                (" Most came in and advertised at once: turn on join approval or an entry question." if newcomer
                 else " Consider an entry check for new members."))
        text = (f"移除 {len(spammers)} 个广告号：{listed}（括号内为广告条数）。{gate}" if zh else
                f"Remove {len(spammers)} spammer(s): {listed} (spam messages in brackets).{gate}")
        out.append(Recommendation("spam", 1, text, spam_c.evidence))
    flooding = _finite(report.messages_per_speaker_day)
    links = _finite(report.link_share)
    rules = []
    if flooding is not None and flooding > config.health.flooding_per_person_day:
        rules.append(f"人均每天 {flooding:.1f} 条，有刷屏迹象：在群规中限制连续刷屏" if zh else
                     f"{flooding:.1f} messages per speaker per day suggests flooding: limit bursts in the rules")
    if links is not None and links > config.health.link_share_risk:
        rules.append(f"{percent(links)} 的消息带链接：规定外链须经管理员同意" if zh else
                     f"{percent(links)} of messages carry links: require admin approval for links")
    if rules:
        text = ("收紧群规：" + "；".join(rules) + "。") if zh else ("Tighten the group rules: " + "; ".join(rules) + ".")
        out.append(Recommendation("spam", 2, text, spam_c.evidence))

    trend = band["trend"]
    if trend.band in ("poor", "fair"):
        lift = report.events.red_packets.lift_vs_before
        extra = ""
        if report.events.red_packets.count and _finite(lift):
            extra = (f"红包后 30 分钟消息是之前的 {lift:.1f} 倍，可作为唤醒手段。" if zh else
                     f" Red packets brought {lift:.1f}x the messages of the half hour before them.")
        stage = STAGE_NAMES_ZH.get(str(trend.raw), str(trend.raw)) if zh else trend.raw
        text = (f"群处于{stage}阶段：策划一次主题活动或分享会。{extra}" if zh else
                f"The group is {stage}: plan an event or a themed session.{extra}")
        out.append(Recommendation("trend", 1 if trend.band == "poor" else 2, text, trend.evidence))

    conc = band["concentration"]
    core = table[table["tier"] == "core"]
    if conc.band in ("poor", "fair"):
        text = (f"群聊过度依赖少数人：培养更多活跃成员，请核心成员（{_names(core, zh)}）带新话题、点名邀请他人参与。" if zh else
                f"The group leans on a few people: grow more regulars; ask the core members ({_names(core, zh)}) "
                "to open topics and bring others in.")
        out.append(Recommendation("concentration", 2, text, conc.evidence))
    elif len(core):
        text = (f"支持核心成员（{_names(core, zh)}）：给予身份或小奖励，他们撑起了群的活跃。" if zh else
                f"Back the core members ({_names(core, zh)}): a title or a small reward; they carry the group.")
        out.append(Recommendation("concentration", 3, text, conc.evidence))

    new = band["newcomers"]
    if new.band in ("poor", "fair"):
        n = report.events.newcomers
        text = (f"新人激活不足（{n.observed} 位新人中 {n.activated} 位 7 天内发言）：新人入群 24 小时内欢迎并 @ 他们，附上群规和自我介绍模板。"
                if zh else
                f"Newcomers stay silent ({n.activated} of {n.observed} spoke within 7 days): welcome and @-mention them "
                "within 24 hours, with the rules and an intro template.")
        out.append(Recommendation("newcomers", 2, text, new.evidence))

    topic = band["on_topic"]
    if topic.band in ("poor", "fair"):
        terms = ("、" if zh else ", ").join(report.topics.theme.terms[:5])
        proposed = report.topics.theme.source == "proposed"
        hint = (("（主题词为自动推测，可用 --theme 或配置 [group] theme 声明群主题以得到准确比例）" if zh else
                 " (the theme was guessed from the top keywords; declare it with --theme or [group] theme)")
                if proposed else "")
        text = (f"话题偏离群定位（{terms}）：重申群规与主题，定期发布主题内容{hint}。" if zh else
                f"Talk drifts off the theme ({terms}): restate the group's purpose and post themed content "
                f"regularly{hint}.")
        out.append(Recommendation("on_topic", 2, text, topic.evidence))

    resp = band["responsiveness"]
    if resp.band in ("poor", "fair"):
        n = report.activity.unanswered_questions
        text = (f"{n} 个提问无人回应：安排管理员轮值答疑。" if zh else
                f"{n} question(s) got no answer: have admins take turns answering.")
        out.append(Recommendation("responsiveness", 2, text, resp.evidence))

    peaks = report.activity.peak_hours
    if len(peaks) and report.activity.messages:
        hours = ", ".join(f"{int(h):02d}:00" for h in peaks["hour"].head(3))
        text = (f"在活跃高峰发布重要内容：{hours}。" if zh else f"Post important content at the peak hours: {hours}.")
        evidence = ", ".join(f"{int(r.hour):02d}:00 {r.share:.0%}" for r in peaks.head(3).itertuples())
        out.append(Recommendation("timing", 3, text, evidence))
    return sorted(out, key=lambda r: r.priority)


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
    spam_messages = int((report.spam.messages["verdict"] == "spam").sum()) if len(report.spam.messages) else 0
    spammers = int(report.spam.members["is_spammer"].astype(bool).sum()) if len(report.spam.members) else 0
    a = report.activity
    return {
        "group": report.group, "source": report.source, "platform": report.platform,
        "format": report.format, "status": "ok", "error": "",
        "messages": a.messages, "speakers": a.speakers, "members_known": report.members.known,
        "participation": _round(a.participation), "silent_members": tiers.get("silent", 0),
        "dormant_members": tiers.get("dormant", 0), "spam_messages": spam_messages,
        "spam_ratio": _round(spam_messages / a.messages) if a.messages else None,
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
