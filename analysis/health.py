"""The health score: a transparent 0-100 number built from documented components.

Each component takes one raw figure from the analysers, puts it in a band by two
thresholds, and maps it to a 0-100 sub-score by straight lines: at or beyond the ``good``
threshold 100, at or beyond the ``bad`` threshold 0, linear in between. The score is the
weighted mean of the sub-scores of the components that apply (a group with no newcomers
has no newcomer component; the weights of the others are renormalised). Every threshold and
weight lives in ``[health]`` of the config file; the defaults and their sources are in
:class:`analysis.config.HealthConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from analysis.config import HealthConfig

STAGE_SCORES: dict[str, float] = {"growing": 100.0, "stable": 80.0, "new": 70.0, "declining": 35.0, "dead": 0.0}
"""Sub-score of each lifecycle stage (the trend component)."""


@dataclass(frozen=True)
class Component:
    """One part of the health score, with everything needed to check it by hand."""

    name: str
    """Stable id: participation, trend, concentration, spam, on_topic, newcomers, responsiveness."""
    raw: float | str | None
    """The figure it was computed from (a share 0..1, or the lifecycle stage)."""
    band: str
    """good, fair or poor (or n/a when the component does not apply)."""
    score: float | None
    """0-100, or None when it does not apply."""
    weight: float
    """Its weight in the overall score (before renormalising over applicable components)."""
    evidence: str
    """One sentence saying what was measured and against which thresholds."""


@dataclass(frozen=True)
class Health:
    """The overall score and its parts."""

    score: float
    """Weighted mean of the applicable components' sub-scores, 0-100 (higher = healthier)."""
    band: str
    """healthy (>= 70), at risk (>= 40) or critical (< 40)."""
    components: tuple[Component, ...]
    """Every component, applicable or not, in a fixed order."""


def linear_score(value: float, good: float, bad: float) -> float:
    """100 at ``good`` or beyond, 0 at ``bad`` or beyond, linear in between (either direction)."""
    if good == bad:
        return 100.0 if (value >= good) else 0.0
    fraction = (value - bad) / (good - bad)
    return round(100.0 * min(1.0, max(0.0, fraction)), 1)


def _band(score: float) -> str:
    return "good" if score >= 70 else "fair" if score >= 40 else "poor"


_WHAT_ZH = {
    "weekly speakers / members": "周发言人数 / 成员数",
    "messages written by the top 10% of speakers": "前 10% 发言者所写消息占比",
    "messages flagged as spam or flooding": "判为广告或刷屏的消息占比",
    "substantive messages on the group's theme": "与群主题相关的实质消息占比",
    "newcomers who spoke within 7 days of joining": "入群 7 天内发言的新人占比",
    "questions nobody answered": "无人回应的提问占比",
}
"""The measured figures' names in Chinese, for a report in zh."""
STAGE_NAMES_ZH = {"growing": "增长", "stable": "平稳", "new": "新建", "declining": "衰退", "dead": "沉寂"}
"""Lifecycle stages in Chinese (evidence, recommendations, renderers)."""


def _share(name: str, value: float | None, good: float, bad: float, weight: float, what: str,
           lang: str = "en") -> Component:
    zh = lang == "zh"
    label = _WHAT_ZH.get(what, what) if zh else what
    if value is None:
        return Component(name, None, "n/a", None, weight,
                         f"{label}：本时段无法计算" if zh else f"{what}: not measurable in this window")
    score = linear_score(value, good, bad)
    if zh:
        direction = "至少" if good > bad else "至多"
        evidence = f"{label} {percent(value)}（良好：{direction} {percent(good)}；较差：{percent(bad)}）"
    else:
        direction = "at least" if good > bad else "at most"
        evidence = f"{what} {percent(value)} (good: {direction} {percent(good)}; poor: {percent(bad)})"
    return Component(name, value, _band(score), score, weight, evidence)


def percent(value: float) -> str:
    """A share as a percentage: one decimal below 10% (0.1% of spam matters), none above."""
    text = f"{value:.1%}" if abs(value) < 0.1 and value != 0 else f"{value:.0%}"
    return text.replace(".0%", "%")


def score_health(
    *,
    participation: float | None,
    stage: str | None,
    top10_share: float | None,
    spam_ratio: float | None,
    on_topic_ratio: float | None,
    newcomer_activation: float | None,
    unanswered_share: float | None,
    config: HealthConfig | None = None,
    spam_notes: tuple[str, ...] = (),
    lang: str = "en",
) -> Health:
    """Combine the raw figures into the health score.

    Args:
        participation: mean weekly speakers / members (activity).
        stage: lifecycle stage (new, growing, stable, declining, dead).
        top10_share: share of messages by the top 10% of speakers.
        spam_ratio: flagged spam messages / human messages.
        on_topic_ratio: share of substantive messages on the group's theme.
        newcomer_activation: share of newcomers who spoke within 7 days; None without newcomers.
        unanswered_share: share of question-like messages nobody answered.
        config: thresholds and weights.
        spam_notes: further spam-pressure signals (flooding, link share) added to the spam
            component's evidence; they do not change its sub-score.
        lang: the language of the evidence sentences (en or zh); the figures are the same.
    """
    c = config or HealthConfig()
    parts = [
        _share("participation", participation, c.participation_good, c.participation_poor,
               c.weight_participation, "weekly speakers / members", lang),
        _stage(stage, c.weight_trend, lang),
        _share("concentration", top10_share, c.top10_share_good, c.top10_share_poor,
               c.weight_concentration, "messages written by the top 10% of speakers", lang),
        _share("spam", spam_ratio, c.spam_ratio_good, c.spam_ratio_poor, c.weight_spam,
               "messages flagged as spam or flooding", lang),
        _share("on_topic", on_topic_ratio, c.on_topic_good, c.on_topic_poor, c.weight_on_topic,
               "substantive messages on the group's theme", lang),
        _share("newcomers", newcomer_activation, c.newcomers_good, c.newcomers_poor,
               c.weight_newcomers, "newcomers who spoke within 7 days of joining", lang),
        _share("responsiveness", unanswered_share, c.unanswered_good, c.unanswered_poor,
               c.weight_responsiveness, "questions nobody answered", lang),
    ]
    if spam_notes:
        spam = parts[3]
        parts[3] = replace(spam, evidence=("；" if lang == "zh" else "; ").join((spam.evidence, *spam_notes)))
    applicable = [p for p in parts if p.score is not None and p.weight > 0]
    total = sum(p.weight for p in applicable)
    score = round(sum(p.score * p.weight for p in applicable) / total, 1) if total else 0.0
    band = "healthy" if score >= 70 else "at risk" if score >= 40 else "critical"
    return Health(score=score, band=band, components=tuple(parts))


def _stage(stage: str | None, weight: float, lang: str = "en") -> Component:
    zh = lang == "zh"
    if stage is None or stage not in STAGE_SCORES:
        return Component("trend", stage, "n/a", None, weight, "生命周期阶段：未知" if zh else "lifecycle stage: not known")
    score = STAGE_SCORES[stage]
    if zh:
        scale = "、".join(f"{STAGE_NAMES_ZH[s]} {v:g}" for s, v in STAGE_SCORES.items())
        evidence = f"生命周期阶段：{STAGE_NAMES_ZH[stage]}（{scale}）"
    else:
        scale = ", ".join(f"{s} {v:g}" for s, v in STAGE_SCORES.items())
        evidence = f"lifecycle stage {stage} ({scale})"
    return Component("trend", stage, _band(score), score, weight, evidence)
