"""Members: one row per known member, with a tier and the evidence for it (a code and the
figures it rests on, never a sentence).

Who is a *known member* (as of the window end, from the full history before it) is decided
by :func:`analysis.membership.membership`: everyone who wrote a message (any kind except the
events recall/join/leave/system), everyone named in a join or leave notice, and everyone in
``chat.roster`` unless the roster says they joined after the window end. Nothing else
creates a member; identity is ``sender_id``, so a member who renamed is one member.

Tiers (evaluated as of ``window.end`` with the full history before it; the first rule that
applies wins, so the tiers partition the known members):

1. ``left``: the member's last join/leave record is a leave notice and they wrote nothing
   after it.
2. ``dormant``: spoke at some time before the window end, but not in the last
   ``[members] dormant_days`` days before it.
3. ``silent``: no message in the window (this includes members who never spoke).
4. ``core``: among the fewest members who together wrote ``core_message_share`` of the
   window's messages, or spoke on at least ``core_day_share`` of the window's days.
5. ``active``: spoke in at least ``active_week_share`` of the window's weeks.
6. ``occasional``: spoke in the window, but less than that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.config import Config
from analysis.membership import Membership, membership
from analysis.periods import DAY, WEEK, window_days, window_weeks
from analysis.schema import Chat
from analysis.window import Window, resolve_window

TIERS: tuple[str, ...] = ("core", "active", "occasional", "silent", "dormant", "left")
"""Every tier, from the most to the least engaged (the member table is sorted this way)."""

EVIDENCE_CODES: tuple[str, ...] = (
    "tier.core_by_share", "tier.core_by_days", "tier.active", "tier.occasional",
    "tier.silent_spoke_before", "tier.silent_joined", "tier.silent_on_roster", "tier.silent_never",
    "tier.dormant", "tier.left",
)
"""Every ``evidence_code``: why a member is in their tier (see :class:`MembersResult`)."""

__all__ = ["EVIDENCE_CODES", "TABLE_COLUMNS", "TIERS", "Membership", "MembersResult", "analyse_members", "member_summary",
           "member_table", "membership"]  # Membership and membership live in analysis.membership (re-exported)


@dataclass(frozen=True)
class MembersResult:
    """The member table and its summary, as of ``window.end``."""

    window: Window
    """The window analysed; "as of" is ``window.end``."""
    members: pd.DataFrame
    """One row per known member, sorted by tier (core first) then messages (most first).
    Columns:

    - ``sender_id``: stable identity; ``sender``: latest display name; ``names``: tuple of
      every name used (JSON output only);
    - ``role``: owner, admin or member;
    - ``messages``: human messages in the window; ``share``: messages / all human
      messages in the window (0..1);
    - ``active_days``: calendar days in the window with at least one message;
      ``active_weeks``: weeks of the window (7-day periods counted back from its end)
      with at least one message;
    - ``first_seen``: first record about the member (message, join/leave notice) or the
      roster's join date, before the window end; ``last_seen``: their last message before
      the window end (NaT = never spoke); ``joined``: last join notice or roster join
      date; ``left``: when they left (NaT = still in the group);
    - ``days_silent``: whole days from the last message to the window end; for members
      who never spoke, from when they joined; missing when neither is known;
    - ``tier``: see the module docstring;
    - ``evidence_code``: why the member is in their tier, one of :data:`EVIDENCE_CODES`
      (``tier.left``, ``tier.dormant``, ``tier.silent_spoke_before``, ``tier.silent_joined``,
      ``tier.silent_on_roster``, ``tier.silent_never``, ``tier.core_by_share``,
      ``tier.core_by_days``, ``tier.active``, ``tier.occasional``). The figures each code
      rests on are the columns here and the per-window fields of the result (``k_core``,
      ``need_weeks``, ``days``, ``weeks``, ``config``); ``cli/catalogue_members.py`` words
      them. Categorical;
    - ``rank``: place by messages in the window (1 = most; ties by ``sender_id``; members
      with no message in the window rank after everyone who wrote);
    - ``core_by_share``: among the ``k_core`` top-ranked members who together wrote
      ``core_message_share`` of the window's messages (and wrote at least one);
      ``core_by_days``: spoke on at least ``core_day_share`` of the window's ``days``. Both
      are facts whatever the tier (a member who left can still have ``core_by_share``); the
      core tier is given to members with either, and ``tier.core_by_share`` wins when both.

    The library builds no sentences: ``cli.catalogue_members.with_evidence`` adds the
    worded ``evidence`` column (zh or en) for people.
    """
    tier_counts: dict[str, int]
    """Members per tier, every tier present (zeros included), in :data:`TIERS` order."""
    known: int
    """Known members (rows of ``members``)."""
    messages: int
    """Human messages in the window (= ``members.messages.sum()``)."""
    cover_50: int
    """The fewest members who wrote 50% of the window's messages (absence factor)."""
    cover_80: int
    """The fewest members who wrote 80% of the window's messages."""
    days: int
    """Calendar days the window touches (denominator of ``core_day_share``)."""
    weeks: int
    """7-day periods counted back from the window end (the first may be partial)."""
    k_core: int
    """The fewest members who together wrote ``core_message_share`` of the window's
    messages (``core_by_share`` = ``rank <= k_core``); 0 when nobody wrote."""
    need_weeks: int
    """Weeks with a message needed to be active: ``ceil(active_week_share * weeks)``, at
    least 1 (``tier.active`` when ``active_weeks >= need_weeks``, else ``tier.occasional``)."""
    config: dict
    """The ``[members]`` thresholds used: ``dormant_days`` (days without a message before
    the window end that make a member who spoke dormant), ``core_message_share`` and
    ``core_day_share`` (0..1, the two core rules), ``active_week_share`` (0..1)."""


def _cover(sorted_desc: np.ndarray, share: float) -> int:
    """The fewest items (largest first) whose sum reaches ``share`` of the total."""
    total = sorted_desc.sum()
    if total <= 0:
        return 0
    return int(np.searchsorted(np.cumsum(sorted_desc), share * total - 1e-9, side="left") + 1)


def analyse_members(
    chat: Chat,
    *,
    window: Window | None = None,
    config: Config | None = None,
    known: Membership | None = None,
) -> MembersResult:
    """The member table of ``chat`` over ``window`` (default: the whole log).

    Args:
        chat: the full log (history before the window decides first_seen, dormant, left).
        window: the period analysed; tiers are "as of" its end.
        config: thresholds (``[members]``) and staff (``[group] owners/admins``).
        known: a :func:`analysis.membership.membership` for the same end, to share work
            (computed here when None or for another end).
    """
    config = config or Config()
    mc = config.members
    window = window or resolve_window(chat)
    known = known if known is not None and known.end == window.end else membership(chat, window.end, config)
    m = known.members
    n = len(m)
    end64 = np.datetime64(window.end.to_datetime64(), "ns")
    start64 = np.datetime64(window.start.to_datetime64(), "ns")

    in_win = known.times >= start64
    wc = known.codes[in_win]
    wt = known.times[in_win]
    messages = np.bincount(wc, minlength=n).astype(np.int64)
    day = wt.astype("datetime64[D]").view("i8")
    active_days = _distinct_per_code(wc, day, n)
    week = ((end64 - wt - np.timedelta64(1, "ns")) // WEEK).astype(np.int64) if len(wt) else day
    active_weeks = _distinct_per_code(wc, week, n)
    total = int(messages.sum())
    days = window_days(window)
    weeks = window_weeks(window)

    # Core by message share: rank by messages (most first, sender_id breaks ties).
    order = np.lexsort((m["sender_id"].to_numpy(dtype=object).astype(str), -messages))
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(1, n + 1)
    k_core = _cover(messages[order], mc.core_message_share)
    core_by_share = (rank <= k_core) & (messages > 0)
    core_by_days = (active_days >= mc.core_day_share * days) & (messages > 0)
    need_weeks = max(math.ceil(mc.active_week_share * weeks - 1e-9), 1)
    active_ok = active_weeks >= need_weeks

    last = m["last_message"].to_numpy()
    left = m["left"].to_numpy()
    joined = m["joined"].to_numpy()
    has_left = ~np.isnat(left)
    spoke = ~np.isnat(last)
    dormant_cut = end64 - np.timedelta64(int(mc.dormant_days * 86400), "s").astype("timedelta64[ns]")
    dormant = spoke & (last < dormant_cut)
    silent = messages == 0
    tier = np.select(
        [has_left, dormant, silent, core_by_share | core_by_days, active_ok],
        ["left", "dormant", "silent", "core", "active"],
        default="occasional",
    ).astype(object)

    since = np.where(spoke, last, joined)
    unknown = np.isnat(since)
    elapsed = (end64.astype("i8") - np.where(unknown, end64, since).astype("i8")) // DAY.astype("i8")
    days_silent = pd.array(np.where(unknown, 0, elapsed), dtype="Int64")
    days_silent[unknown] = pd.NA

    first_seen = m["first_seen"].to_numpy()
    evidence_code = _evidence_codes(tier=tier, core_by_share=core_by_share, spoke=spoke,
                                    joined=joined, on_roster_only=np.isnat(m["first_known"].to_numpy()))
    frame = pd.DataFrame({
        "sender_id": m["sender_id"],
        "sender": m["sender"],
        "role": m["role"],
        "messages": messages,
        "share": messages / total if total else np.zeros(n),
        "active_days": active_days,
        "active_weeks": active_weeks,
        "first_seen": first_seen,
        "last_seen": last,
        "joined": joined,
        "left": left,
        "days_silent": days_silent,
        "tier": pd.Categorical(tier, categories=list(TIERS), ordered=True),
        "evidence_code": pd.Categorical(evidence_code, categories=list(EVIDENCE_CODES)),
        "rank": rank,
        "core_by_share": core_by_share,
        "core_by_days": core_by_days,
        "names": m["names"],
    })
    frame = frame.sort_values(["tier", "messages", "sender_id"], ascending=[True, False, True],
                              kind="stable").reset_index(drop=True)
    counts = frame["tier"].value_counts().reindex(list(TIERS), fill_value=0)
    sorted_msgs = np.sort(messages)[::-1]
    return MembersResult(
        window=window, members=frame, tier_counts={t: int(counts[t]) for t in TIERS},
        known=n, messages=total, cover_50=_cover(sorted_msgs, 0.5), cover_80=_cover(sorted_msgs, 0.8),
        days=days, weeks=weeks, k_core=k_core, need_weeks=need_weeks,
        config={"dormant_days": mc.dormant_days, "core_message_share": mc.core_message_share,
                "core_day_share": mc.core_day_share, "active_week_share": mc.active_week_share},
    )


def _distinct_per_code(codes: np.ndarray, keys: np.ndarray, n: int) -> np.ndarray:
    """Number of distinct ``keys`` per code (e.g. distinct days per member)."""
    if not len(codes):
        return np.zeros(n, np.int64)
    k = keys.astype(np.int64) - int(keys.min())
    width = int(k.max()) + 1
    pair = np.unique(codes.astype(np.int64) * width + k)
    return np.bincount(pair // width, minlength=n).astype(np.int64)


def _evidence_codes(*, tier: np.ndarray, core_by_share: np.ndarray, spoke: np.ndarray,
                    joined: np.ndarray, on_roster_only: np.ndarray) -> np.ndarray:
    """The :data:`EVIDENCE_CODES` entry of each member (vectorised)."""
    silent = np.select([spoke, ~np.isnat(joined), on_roster_only],
                       ["tier.silent_spoke_before", "tier.silent_joined", "tier.silent_on_roster"],
                       default="tier.silent_never")
    core = np.where(core_by_share, "tier.core_by_share", "tier.core_by_days")
    return np.select(
        [tier == "left", tier == "dormant", tier == "silent", tier == "core", tier == "active"],
        ["tier.left", "tier.dormant", silent, core, "tier.active"],
        default="tier.occasional",
    ).astype(object)


TABLE_COLUMNS: tuple[str, ...] = (
    "sender_id", "sender", "role", "messages", "share", "active_days", "active_weeks",
    "first_seen", "last_seen", "joined", "left", "days_silent", "tier", "evidence_code",
    "rank", "core_by_share", "core_by_days",
)
"""Columns of the library's member table, in order (``names`` is added in JSON). The CLI
inserts the worded ``evidence`` after ``tier`` (``cli.catalogue_members.with_evidence``)."""


def member_table(result: MembersResult, *, names: bool = False) -> pd.DataFrame:
    """The member frame ready for output: :data:`TABLE_COLUMNS` (plus ``names`` as lists
    when ``names``), tier and evidence_code as plain text, share rounded to 4 places.

    No sentence: ``cli.catalogue_members.with_evidence(table, result, lang)`` adds the
    ``evidence`` column people read."""
    cols = list(TABLE_COLUMNS) + (["names"] if names else [])
    out = result.members[cols].copy()
    out["tier"] = out["tier"].astype(str)
    out["evidence_code"] = out["evidence_code"].astype(str)
    out["share"] = out["share"].round(4)
    if names:
        out["names"] = [list(n) for n in out["names"]]  # one per member
    return out


def member_summary(result: MembersResult, chat: Chat) -> dict:
    """Group-level facts for the JSON output: group, window, tier counts, cover factors,
    and the per-window figures the evidence codes cite (days, weeks, k_core, need_weeks,
    thresholds)."""
    return {
        "group": chat.group,
        "source": chat.source,
        "window": {"start": result.window.start.isoformat(), "end": result.window.end.isoformat()},
        "as_of": result.window.end.isoformat(),
        "known": result.known,
        "messages": result.messages,
        "tiers": dict(result.tier_counts),
        "cover_50": result.cover_50,
        "cover_80": result.cover_80,
        "days": result.days,
        "weeks": result.weeks,
        "k_core": result.k_core,
        "need_weeks": result.need_weeks,
        "thresholds": dict(result.config),
    }
