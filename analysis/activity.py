"""Activity: is the group alive, when is it active, who talks to whom, and its lifecycle stage.

Every figure counts *human messages*: records whose kind is not an event (recall, join,
leave, system; see :data:`analysis.schema.EVENT_KINDS`). Figures are computed over the
window and "as of" its end; history before the window is used only where a figure says so
(known members, days since the last message, DAU/MAU look-back, the lifecycle baseline).

Weeks are 7-day periods counted back from the window end, so the latest week is always
complete and a figure never depends on the weekday the log happens to end on; the first
week of the window may be partial (its ``days`` column says how long it is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.config import Config
from analysis.errors import ConfigError
from analysis.kinds import kinds_at
from analysis.membership import Membership, membership, present_counts, staff_codes
from analysis.notes import Note, note
from analysis.periods import DAY, WEEK, window_days, window_weeks
from analysis.schema import KIND, TEXT, TIMESTAMP, Chat
from analysis.textmatch import match_any
from analysis.threads import next_other, replied_to, thread_ids
from analysis.window import Window, resolve_window

__all__ = ["STAGES", "ActivityResult", "Lifecycle", "analyse_activity", "match_any"]  # match_any: analysis.textmatch

STAGES: tuple[str, ...] = ("new", "growing", "stable", "declining", "dead")
"""Lifecycle stages."""

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOUR = np.timedelta64(1, "h").astype("timedelta64[ns]")
NAT = np.datetime64("NaT", "ns")


@dataclass(frozen=True)
class Lifecycle:
    """The lifecycle stage and the numbers behind it.

    Rule, first match wins (thresholds in ``[activity]``):

    1. ``dead``: no human message in the last ``dead_days`` days before the window end.
    2. ``new``: the first record is fewer than ``new_days`` days before the window end, or
       there is no complete week before the recent ones to form a baseline.
    3. Otherwise ``ratio`` = recent / baseline, where *recent* is the mean of the
       ``lifecycle_metric`` (messages or speakers) over the last ``recent_weeks`` weeks and
       *baseline* is the median over up to ``baseline_weeks`` complete weeks before them
       (the group's own history, before or inside the window). ``growing`` if ratio >=
       ``growing_ratio``, ``declining`` if ratio <= ``declining_ratio``, else ``stable``.
    """

    stage: str
    """One of :data:`STAGES`."""
    evidence: Note
    """The rule that fired, with its numbers (``lifecycle.<stage>``; cli words it)."""
    metric: str
    """The weekly series judged: "messages" or "speakers"."""
    recent: float
    """Mean weekly value over the recent weeks (NaN when not computed)."""
    baseline: float
    """Median weekly value over the baseline weeks (NaN when not computed)."""
    ratio: float
    """recent / baseline (inf when the baseline is 0 and recent is not; NaN when not computed)."""
    age_days: float
    """Days from the first record to the window end."""
    days_since_last: float
    """Days from the last human message to the window end (inf if nobody ever spoke)."""
    weeks: pd.DataFrame
    """The complete weeks of the full history up to the window end, oldest first:
    ``week_start, week_end, messages, speakers, part`` (part = recent, baseline or empty)."""


@dataclass(frozen=True)
class ActivityResult:
    """Activity over a window. Counts are human messages (events excluded)."""

    window: Window
    """The window analysed; "as of" is ``window.end``."""
    messages: int
    """Human messages in the window."""
    speakers: int
    """Members with at least one human message in the window."""
    members: int
    """Known members present during the window: known before its end and not gone before
    its start (see :mod:`analysis.membership` for who is known)."""
    participation: float
    """speakers / members over the whole window (0..1; higher = more of the group talks).
    Operators' rule of thumb (PEERS §1F): weekly 15-25% is healthy, below 10% a notice board."""
    participation_weekly: float
    """Mean of the weekly participation over the window's complete weeks (all weeks when
    none is complete)."""
    messages_per_speaker: float
    """messages / speakers (NaN without speakers). Above ~8 per person per day suggests flooding."""
    days: int
    """Calendar days the window touches."""
    active_days: int
    """Days of the window with at least one human message."""
    messages_per_day: float
    """messages / days."""
    joins: int
    """Join notices in the window."""
    leaves: int
    """Leave notices in the window."""
    daily: pd.DataFrame
    """One row per calendar day of the window: ``date, messages, speakers, mau`` (mau =
    distinct speakers in the trailing ``mau_days`` days, looking back before the window)."""
    weekly: pd.DataFrame
    """One row per week (7-day periods counted back from the window end), oldest first:
    ``week_start, week_end, days, messages, speakers, members, participation``
    (members present that week; participation = speakers / members)."""
    monthly: pd.DataFrame
    """One row per calendar month the window touches: ``month`` (YYYY-MM), ``messages``,
    ``speakers`` (MAU by calendar month)."""
    dau: float
    """Mean speakers per day over the window's days."""
    mau: float
    """Mean, over the window's days, of distinct speakers in the trailing ``mau_days`` days."""
    stickiness: float
    """dau / mau (0..1; higher = the same people come back daily). NaN without speakers."""
    gini: float
    """Gini coefficient of messages per speaker (0 = all speakers wrote equally, towards 1 =
    one person writes everything). NaN without speakers."""
    top1_share: float
    """Share of the window's messages written by the top 1% of speakers (at least one person)."""
    top10_share: float
    """Share of the window's messages written by the top 10% of speakers (at least one person)."""
    buckets: pd.DataFrame
    """90-9-1 by content share (Nielsen 2006; van Mierlo 2014): present members ranked by
    messages; ``superusers`` = top 1% (at least one), ``contributors`` = the next 9%,
    ``lurkers`` = the rest. Columns ``bucket, members, messages, member_share,
    message_share``. van Mierlo measured message shares of about 74.7 / 24.0 / 1.3%."""
    heat: pd.DataFrame
    """Messages by weekday (rows Mon..Sun) and hour of day (columns 0..23), wall-clock time."""
    peak_hours: pd.DataFrame
    """The ``peak_hours`` busiest hours of the day: ``hour, messages, share`` (most first)."""
    longest_gap: pd.Timedelta
    """Longest silence between two consecutive human messages in the window (NaT if < 2)."""
    longest_gap_start: pd.Timestamp
    """The message that starts that silence (NaT if none)."""
    longest_gap_end: pd.Timestamp
    """The message that ends it (NaT if none)."""
    last_message: pd.Timestamp
    """The last human message before the window end (looking before the window too)."""
    days_since_last: float
    """Days from ``last_message`` to the window end (inf if nobody ever spoke; lower = alive)."""
    threads: pd.DataFrame
    """Conversation threads: a silence longer than ``thread_gap_minutes`` starts a new one.
    Columns ``start, end, messages, speakers, opener_id, first_response`` (time from the
    thread's first message to the first message by someone else, within
    ``response_window_hours``; NaT if none)."""
    thread_count: int
    """Number of threads in the window."""
    thread_median_messages: float
    """Median messages per thread."""
    single_message_share: float
    """Share of threads with one message only (nobody joined in; lower = more conversation)."""
    median_first_response: pd.Timedelta
    """Median of the threads' ``first_response`` over threads that got one (NaT if none;
    lower = faster)."""
    responded_share: float
    """Share of threads whose opener got a response from someone else within
    ``response_window_hours`` (higher = fewer messages into the void)."""
    questions: int
    """Question-like text messages (``question_patterns``)."""
    unanswered_questions: int
    """Questions nobody else answered: no reply pointing at them and no message by another
    member later in the same thread."""
    unanswered_share: float
    """unanswered_questions / questions (NaN without questions; lower = better)."""
    staff_messages: int
    """Messages by owners and admins (config ``[group] owners/admins`` and roster roles)."""
    announcement_share: float
    """staff_messages / messages: the "announcement board" share (towards 1 = only staff
    talk; NaN without messages)."""
    staff_replied: int
    """Staff messages that got any reply from a non-staff member (a reply pointing at them,
    or a non-staff message later in the same thread)."""
    staff_replied_share: float
    """staff_replied / staff_messages (NaN without staff messages; higher = members engage)."""
    lifecycle: Lifecycle
    """The lifecycle stage (new, growing, stable, declining, dead) and its evidence."""
    config: dict
    """The ``[activity]`` settings used."""


def _distinct_count(groups: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Distinct codes per group (groups in 0..n_groups-1)."""
    if not len(groups):
        return np.zeros(n_groups, np.int64)
    key = np.unique(groups.astype(np.int64) * (int(codes.max()) + 1) + codes)
    return np.bincount(key // (int(codes.max()) + 1), minlength=n_groups).astype(np.int64)


def _ratio(a: float, b: float) -> float:
    return float(a) / float(b) if b else float("nan")


def _gini(counts: np.ndarray) -> float:
    """Gini of positive counts: sum_i (2i - n - 1) x_(i) / (n sum x), x ascending, i = 1..n."""
    x = np.sort(counts[counts > 0]).astype(float)
    n = len(x)
    if n == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * x).sum() / (n * x.sum()))


def analyse_activity(
    chat: Chat,
    *,
    window: Window | None = None,
    config: Config | None = None,
    known: Membership | None = None,
) -> ActivityResult:
    """Activity figures of ``chat`` over ``window`` (default: the whole log).

    Args:
        chat: the full log; history before the window feeds the look-backs named in
            :class:`ActivityResult` (known members, DAU/MAU, days since last, lifecycle).
        window: the period analysed, "as of" its end.
        config: ``[activity]`` thresholds and ``[group] owners/admins``.
        known: a :func:`analysis.membership.membership` for the same end, to share work
            (computed here when None or for another end).
    """
    config = config or Config()
    ac = config.activity
    window = window or resolve_window(chat)
    known = known if known is not None and known.end == window.end else membership(chat, window.end, config)
    n_members = len(known.members)
    start64 = np.datetime64(window.start.to_datetime64(), "ns")
    end64 = np.datetime64(window.end.to_datetime64(), "ns")

    in_win = known.times >= start64
    t = known.times[in_win]
    c = known.codes[in_win]
    rows = known.rows[in_win]
    n = len(t)
    speakers_by = np.bincount(c, minlength=n_members)
    speakers = int((speakers_by > 0).sum())

    # Who was present: known before the end and not gone before the start.
    present = present_counts(known, np.array([start64]), np.array([end64]))[0]

    # Days.
    days = window_days(window)
    day0 = np.datetime64(window.start.normalize().to_datetime64(), "D").astype(np.int64)
    dayidx = t.astype("datetime64[D]").astype(np.int64) - day0
    day_msgs = np.bincount(dayidx, minlength=days)[:days]
    day_spk = _distinct_count(dayidx, c, days)[:days]
    mau = _trailing_distinct(known, day0, days, ac.mau_days)
    daily = pd.DataFrame({
        "date": (np.arange(days) + day0).astype("datetime64[D]").astype("datetime64[ns]"),
        "messages": day_msgs.astype(np.int64), "speakers": day_spk, "mau": mau,
    })

    # Weeks counted back from the end.
    weeks = window_weeks(window)
    widx = ((end64 - t - np.timedelta64(1, "ns")) // WEEK).astype(np.int64)
    w_msgs = np.bincount(widx, minlength=weeks)[:weeks][::-1]
    w_spk = _distinct_count(widx, c, weeks)[:weeks][::-1]
    w_end = end64 - np.arange(weeks)[::-1] * WEEK
    w_start = np.maximum(w_end - WEEK, start64)
    w_members = present_counts(known, w_start, w_end)
    weekly = pd.DataFrame({
        "week_start": w_start, "week_end": w_end,
        "days": (w_end - w_start) / DAY,
        "messages": w_msgs.astype(np.int64), "speakers": w_spk, "members": w_members,
    })
    weekly["participation"] = np.where(w_members > 0, w_spk / np.maximum(w_members, 1), np.nan)
    full = weekly[weekly["days"] >= 7 - 1e-9]
    part_weekly = float((full if len(full) else weekly)["participation"].mean()) if len(weekly) else float("nan")

    # Calendar months.
    months = pd.period_range(window.start, window.end - pd.Timedelta(1, "ns"), freq="M")
    m_first = np.datetime64(window.start.to_datetime64(), "M").astype(np.int64)
    midx = t.astype("datetime64[M]").astype(np.int64) - m_first
    monthly = pd.DataFrame({
        "month": [str(p) for p in months],
        "messages": np.bincount(midx, minlength=len(months))[: len(months)].astype(np.int64),
        "speakers": _distinct_count(midx, c, len(months))[: len(months)],
    })

    # Inequality.
    spoke_counts = speakers_by[speakers_by > 0]
    desc = np.sort(spoke_counts)[::-1]
    top1 = desc[: max(math.ceil(0.01 * len(desc)), 1)].sum() if len(desc) else 0
    top10 = desc[: max(math.ceil(0.10 * len(desc)), 1)].sum() if len(desc) else 0
    buckets = _buckets(known, speakers_by, start64, n)

    # Hour x weekday.
    tn = t.view("i8")
    days_since_epoch = np.floor_divide(tn, DAY.astype("i8"))
    weekday = (days_since_epoch + 3) % 7  # 1970-01-01 was a Thursday
    hour = np.floor_divide(np.mod(tn, DAY.astype("i8")), HOUR.astype("i8"))
    heat = pd.DataFrame(np.bincount(weekday * 24 + hour, minlength=168).reshape(7, 24).astype(np.int64),
                        index=pd.Index(WEEKDAYS, name="weekday"), columns=pd.RangeIndex(24, name="hour"))
    by_hour = heat.sum(axis=0).to_numpy()
    top_hours = np.lexsort((np.arange(24), -by_hour))[: ac.peak_hours]
    top_hours = top_hours[by_hour[top_hours] > 0]
    peak = pd.DataFrame({"hour": top_hours.astype(np.int64), "messages": by_hour[top_hours].astype(np.int64),
                         "share": by_hour[top_hours] / n if n else by_hour[top_hours] * 0.0})

    # Gaps and the last message.
    if n >= 2:
        gaps = np.diff(t)
        g = int(np.argmax(gaps))
        longest, gap_start, gap_end = pd.Timedelta(gaps[g]), pd.Timestamp(t[g]), pd.Timestamp(t[g + 1])
    else:
        longest, gap_start, gap_end = pd.NaT, pd.NaT, pd.NaT
    last = pd.Timestamp(known.times[-1]) if len(known.times) else pd.NaT
    since_last = (window.end - last) / pd.Timedelta(days=1) if len(known.times) else float("inf")

    # Threads and responses.
    gap = np.timedelta64(int(ac.thread_gap_minutes * 60e9), "ns")
    tid = thread_ids(t, gap)
    nxt = next_other(c)
    same_thread = np.zeros(n, bool)
    has_next = nxt >= 0
    same_thread[has_next] = tid[nxt[has_next]] == tid[has_next]
    threads = _threads(t, c, tid, nxt, known, ac)
    n_threads = len(threads)
    resp = threads["first_response"]
    explicit = replied_to(chat, rows)

    # Questions.
    kinds = kinds_at(chat, rows)
    is_text = kinds == "text"
    text_rows = rows[is_text]
    q = np.zeros(n, bool)
    if len(text_rows):
        q[is_text] = match_any(chat.messages[TEXT].iloc[text_rows], ac.question_patterns,
                               "[activity] question_patterns")
    answered = same_thread | explicit
    questions = int(q.sum())
    unanswered = int((q & ~answered).sum())

    # Announcement board.
    staff = np.isin(c, staff_codes(known))
    non_staff_pos = np.flatnonzero(~staff)
    staff_pos = np.flatnonzero(staff)
    j = np.searchsorted(non_staff_pos, staff_pos, side="right")
    ok = j < len(non_staff_pos)
    staff_ok = np.zeros(len(staff_pos), bool)
    nxt_ns = non_staff_pos[j[ok]]
    staff_ok[ok] = tid[nxt_ns] == tid[staff_pos[ok]]
    staff_ok |= explicit[staff_pos]
    staff_messages = int(staff.sum())

    lifecycle = _lifecycle(chat, known, window, ac)
    return ActivityResult(
        window=window,
        messages=n,
        speakers=speakers,
        members=int(present),
        participation=_ratio(speakers, present),
        participation_weekly=part_weekly,
        messages_per_speaker=_ratio(n, speakers),
        days=days,
        active_days=int((day_msgs > 0).sum()),
        messages_per_day=_ratio(n, days),
        joins=_count_kind(chat, "join", window),
        leaves=_count_kind(chat, "leave", window),
        daily=daily,
        weekly=weekly,
        monthly=monthly,
        dau=float(day_spk.mean()) if days else float("nan"),
        mau=float(mau.mean()) if days else float("nan"),
        stickiness=_ratio(day_spk.mean(), mau.mean()) if days and speakers else float("nan"),
        gini=_gini(spoke_counts),
        top1_share=_ratio(top1, n),
        top10_share=_ratio(top10, n),
        buckets=buckets,
        heat=heat,
        peak_hours=peak,
        longest_gap=longest,
        longest_gap_start=gap_start,
        longest_gap_end=gap_end,
        last_message=last,
        days_since_last=float(since_last),
        threads=threads,
        thread_count=n_threads,
        thread_median_messages=float(threads["messages"].median()) if n_threads else float("nan"),
        single_message_share=_ratio(int((threads["messages"] == 1).sum()), n_threads),
        median_first_response=pd.Timedelta(resp.dropna().median()) if resp.notna().any() else pd.NaT,
        responded_share=_ratio(int(resp.notna().sum()), n_threads),
        questions=questions,
        unanswered_questions=unanswered,
        unanswered_share=_ratio(unanswered, questions),
        staff_messages=staff_messages,
        announcement_share=_ratio(staff_messages, n),
        staff_replied=int(staff_ok.sum()),
        staff_replied_share=_ratio(int(staff_ok.sum()), staff_messages),
        lifecycle=lifecycle,
        config={k: getattr(ac, k) for k in ac.__dataclass_fields__},
    )


def _count_kind(chat: Chat, kind: str, window: Window) -> int:
    msgs = chat.messages
    ts = msgs[TIMESTAMP]
    return int(((msgs[KIND] == kind) & (ts >= window.start) & (ts < window.end)).sum())


def _trailing_distinct(known: Membership, day0: int, days: int, span: int) -> np.ndarray:
    """Distinct speakers in the ``span`` days ending on each of ``days`` days from ``day0``.

    Each (member, active day) counts on that day and the ``span - 1`` days after; a
    member's overlapping spans are merged first, so nobody counts twice on a day.
    """
    if not len(known.times) or days <= 0:
        return np.zeros(max(days, 0), np.int64)
    d = known.times.astype("datetime64[D]").astype(np.int64)
    lo = int(d.min())
    nd = int(d.max()) - lo + 1
    key = np.unique(known.codes.astype(np.int64) * nd + (d - lo))
    code, day = key // nd, key % nd
    prev_same = np.r_[False, code[1:] == code[:-1]]
    prev_day = np.r_[0, day[:-1]]
    begin = np.where(prev_same, np.maximum(day, prev_day + span), day)
    stop = day + span
    keep = begin < stop
    size = nd + span + 1
    diff = np.bincount(begin[keep], minlength=size)[:size] - np.bincount(stop[keep], minlength=size)[:size]
    level = np.cumsum(diff)
    idx = np.arange(days) + day0 - lo
    out = np.zeros(days, np.int64)
    ok = (idx >= 0) & (idx < size)
    out[ok] = level[idx[ok]]
    return out


def _buckets(known: Membership, counts: np.ndarray, start64: np.datetime64, n: int) -> pd.DataFrame:
    left = known.members["left"].to_numpy()
    present = np.isnat(left) | (left >= start64)
    x = np.sort(counts[present])[::-1]
    m = len(x)
    k1 = min(max(math.ceil(0.01 * m), 1), m)
    k10 = min(max(math.ceil(0.10 * m), k1), m)
    sizes = np.array([k1, k10 - k1, m - k10])
    msgs = np.array([x[:k1].sum(), x[k1:k10].sum(), x[k10:].sum()]) if m else np.zeros(3, np.int64)
    return pd.DataFrame({
        "bucket": ["superusers", "contributors", "lurkers"],
        "members": sizes.astype(np.int64),
        "messages": msgs.astype(np.int64),
        "member_share": sizes / m if m else np.full(3, np.nan),
        "message_share": msgs / n if n else np.full(3, np.nan),
    })


def _threads(t, c, tid, nxt, known: Membership, ac) -> pd.DataFrame:
    n = len(t)
    if n == 0:
        return pd.DataFrame({"start": pd.Series([], dtype="datetime64[ns]"),
                             "end": pd.Series([], dtype="datetime64[ns]"),
                             "messages": pd.Series([], dtype=np.int64), "speakers": pd.Series([], dtype=np.int64),
                             "opener_id": pd.Series([], dtype="string"),
                             "first_response": pd.Series([], dtype="timedelta64[ns]")})
    k = int(tid[-1]) + 1
    first = np.flatnonzero(np.r_[True, tid[1:] != tid[:-1]])
    last = np.r_[first[1:] - 1, n - 1]
    response = np.full(k, np.timedelta64("NaT"), dtype="timedelta64[ns]")
    j = nxt[first]
    ok = j >= 0
    delay = np.full(k, np.timedelta64("NaT"), dtype="timedelta64[ns]")
    delay[ok] = t[j[ok]] - t[first[ok]]
    limit = np.timedelta64(int(ac.response_window_hours * 3600e9), "ns")
    within = ok & (delay <= limit)
    response[within] = delay[within]
    ids = known.members["sender_id"].to_numpy(dtype=object)
    return pd.DataFrame({
        "start": t[first], "end": t[last],
        "messages": (last - first + 1).astype(np.int64),
        "speakers": _distinct_count(tid, c, k),
        "opener_id": pd.array(ids[c[first]], dtype="string"),
        "first_response": response,
    })


def _lifecycle(chat: Chat, known: Membership, window: Window, ac) -> Lifecycle:
    end = window.end
    end64 = np.datetime64(end.to_datetime64(), "ns")
    ts = chat.messages[TIMESTAMP]
    before = ts[ts < end]
    first = before.min() if len(before) else pd.NaT
    age = (end - first) / pd.Timedelta(days=1) if len(before) else 0.0
    since = (end - pd.Timestamp(known.times[-1])) / pd.Timedelta(days=1) if len(known.times) else float("inf")
    metric = ac.lifecycle_metric
    if metric not in ("messages", "speakers"):
        raise ConfigError(f"[activity] lifecycle_metric must be messages or speakers, not {metric!r}")

    n_weeks = int(math.floor((end - first) / pd.Timedelta(days=7))) if len(before) else 0
    t = known.times
    keep = t >= end64 - n_weeks * WEEK
    widx = ((end64 - t[keep] - np.timedelta64(1, "ns")) // WEEK).astype(np.int64)
    msgs = np.bincount(widx, minlength=n_weeks)[:n_weeks][::-1]
    spk = _distinct_count(widx, known.codes[keep], n_weeks)[:n_weeks][::-1]
    w_end = end64 - np.arange(n_weeks)[::-1] * WEEK
    series = msgs if metric == "messages" else spk
    r = min(ac.recent_weeks, n_weeks)
    base = series[max(n_weeks - r - ac.baseline_weeks, 0): n_weeks - r]
    part = np.full(n_weeks, "", dtype=object)
    part[n_weeks - r:] = "recent"
    part[max(n_weeks - r - ac.baseline_weeks, 0): n_weeks - r] = "baseline"
    weeks = pd.DataFrame({"week_start": w_end - WEEK, "week_end": w_end, "messages": msgs.astype(np.int64),
                          "speakers": spk.astype(np.int64), "part": part})
    recent = float(series[n_weeks - r:].mean()) if r > 0 else float("nan")
    baseline = float(np.median(base)) if len(base) else float("nan")
    ratio = float("nan")

    if since >= ac.dead_days:
        stage = "dead"
        evidence = (note("lifecycle.nobody_spoke") if math.isinf(since) else
                    note("lifecycle.dead", days=round(since), dead_days=ac.dead_days))
    elif age < ac.new_days or not len(base) or r < ac.recent_weeks:
        stage = "new"
        evidence = note("lifecycle.new", age_days=round(age), new_days=ac.new_days)
    else:
        ratio = recent / baseline if baseline else (float("inf") if recent else float("nan"))
        if ratio >= ac.growing_ratio:
            stage = "growing"
        elif ratio <= ac.declining_ratio:
            stage = "declining"
        else:
            stage = "stable"
        evidence = note(f"lifecycle.{stage}", weeks=r, recent=round(recent, 1), metric=metric,
                        baseline=round(baseline, 1), baseline_weeks=len(base), ratio=round(ratio, 2),
                        growing_ratio=ac.growing_ratio, declining_ratio=ac.declining_ratio)
    return Lifecycle(stage=stage, evidence=evidence, metric=metric, recent=recent, baseline=baseline,
                     ratio=ratio, age_days=float(age), days_since_last=float(since), weeks=weeks)
