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
from analysis.notes import Note, note

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
    evidence: tuple[Note, ...]
    """What was measured and against which thresholds (``health.share``,
    ``health.not_measurable``, ``health.stage``), then any further signals (the spam
    component's ``pressure.*`` notes); cli words them."""


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


METRICS = {
    "participation": "weekly_speakers",
    "concentration": "top10_share",
    "spam": "spam_share",
    "on_topic": "on_topic_share",
    "newcomers": "newcomer_activation",
    "responsiveness": "unanswered_share",
}
"""Each share component's measured figure, as the ``metric`` parameter of its evidence
(``metric.<name>`` in the catalogue: "weekly speakers / members", ...)."""


def _share(name: str, value: float | None, good: float, bad: float, weight: float) -> Component:
    metric = METRICS[name]
    if value is None:
        return Component(name, None, "n/a", None, weight, (note("health.not_measurable", metric=metric),))
    score = linear_score(value, good, bad)
    code = "health.share_at_least" if good > bad else "health.share_at_most"
    return Component(name, value, _band(score), score, weight,
                     (note(code, metric=metric, value=value, good=good, bad=bad),))


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
    spam_notes: tuple[Note, ...] = (),
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
    """
    c = config or HealthConfig()
    parts = [
        _share("participation", participation, c.participation_good, c.participation_poor, c.weight_participation),
        _stage(stage, c.weight_trend),
        _share("concentration", top10_share, c.top10_share_good, c.top10_share_poor, c.weight_concentration),
        _share("spam", spam_ratio, c.spam_ratio_good, c.spam_ratio_poor, c.weight_spam),
        _share("on_topic", on_topic_ratio, c.on_topic_good, c.on_topic_poor, c.weight_on_topic),
        _share("newcomers", newcomer_activation, c.newcomers_good, c.newcomers_poor, c.weight_newcomers),
        _share("responsiveness", unanswered_share, c.unanswered_good, c.unanswered_poor, c.weight_responsiveness),
    ]
    if spam_notes:
        spam = parts[3]
        parts[3] = replace(spam, evidence=(*spam.evidence, *spam_notes))
    applicable = [p for p in parts if p.score is not None and p.weight > 0]
    total = sum(p.weight for p in applicable)
    score = round(sum(p.score * p.weight for p in applicable) / total, 1) if total else 0.0
    band = "healthy" if score >= 70 else "at risk" if score >= 40 else "critical"
    return Health(score=score, band=band, components=tuple(parts))


def _stage(stage: str | None, weight: float) -> Component:
    if stage is None or stage not in STAGE_SCORES:
        return Component("trend", stage, "n/a", None, weight, (note("health.stage_unknown"),))
    score = STAGE_SCORES[stage]
    return Component("trend", stage, _band(score), score, weight,
                     (note("health.stage", stage=stage, scale=dict(STAGE_SCORES)),))
