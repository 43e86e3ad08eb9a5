"""Events: do the group's mechanics work? Red packets and their lift, check-ins and streaks,
newcomers' activation and welcome.

Counts are human messages (events excluded), as in :mod:`analysis.activity`; identities
and join times come from :func:`analysis.membership.membership`, so the three analysers agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.config import Config
from analysis.kinds import kinds_at
from analysis.membership import Membership, membership
from analysis.periods import DAY
from analysis.schema import KIND, SENDER_ID, TEXT, TIMESTAMP, Chat
from analysis.textmatch import match_any
from analysis.threads import next_other, replied_to, thread_ids
from analysis.window import Window, resolve_window

__all__ = ["Checkins", "EventsResult", "Newcomers", "RedPackets", "analyse_events"]

NAT = np.datetime64("NaT", "ns")


@dataclass(frozen=True)
class RedPackets:
    """Red packets (kind ``red_packet``) in the window and the activity around them.

    Counts around a packet are human messages other than red packets, from anyone, in the
    ``red_packet_minutes`` after the packet (``[t, t+span)``) and before it (``[t-span, t)``).
    The baseline of a packet is the mean, over the window's days, of the messages (and
    distinct speakers) in the same slot of the day (slots of ``red_packet_minutes``, e.g.
    20:00-20:30) the packet fell in.
    """

    count: int
    """Red-packet messages in the window."""
    senders: pd.DataFrame
    """``sender_id, sender, packets``, most packets first."""
    packets: pd.DataFrame
    """One row per packet: ``time, sender_id, messages_before, messages_after,
    speakers_before, speakers_after, baseline_messages, baseline_speakers``."""
    lift_vs_before: float
    """sum(messages_after) / sum(messages_before) (> 1 = packets wake the group; NaN if 0)."""
    lift_vs_baseline: float
    """sum(messages_after) / sum(baseline_messages) (> 1 = busier than that time of day usually is)."""
    speaker_lift_vs_before: float
    """sum(speakers_after) / sum(speakers_before)."""
    speaker_lift_vs_baseline: float
    """sum(speakers_after) / sum(baseline_speakers)."""


@dataclass(frozen=True)
class Checkins:
    """Check-in messages: text messages matching ``[events] checkin_patterns``."""

    count: int
    """Check-in messages in the window."""
    participants: int
    """Members with at least one check-in."""
    days: int
    """Days on which anyone checked in (the group's check-in days)."""
    daily: pd.DataFrame
    """One row per check-in day: ``date, checkins, members``."""
    members: pd.DataFrame
    """One row per participant, most check-in days first: ``sender_id, sender, checkins,
    days, first, last, longest_streak`` (most consecutive calendar days), ``current_streak``
    (the streak still running on the window's last day or the day before it, else 0),
    ``completion`` (their check-in days / the group's check-in days from their first one on,
    0..1)."""
    completion: float
    """Mean of the participants' completion (NaN without check-ins)."""


@dataclass(frozen=True)
class Newcomers:
    """Members who joined in the window (a join notice, or a roster join date, inside it)."""

    count: int
    """Newcomers."""
    observed: int
    """Newcomers who joined at least ``newcomer_days`` days before the window end (the
    only ones whose activation can be judged)."""
    activated: int
    """Observed newcomers who wrote a message within ``newcomer_days`` days of joining."""
    activation_rate: float
    """activated / observed (NaN if none observed; higher = newcomers get involved)."""
    spoke: int
    """Newcomers who wrote anything before the window end."""
    median_time_to_first: pd.Timedelta
    """Median time from joining to the first message, over those who spoke (NaT if none)."""
    answered: int
    """Newcomers whose first message got an answer within ``newcomer_answer_hours``: a reply
    pointing at it, a later message by someone else in the same conversation thread, or a
    message by someone else mentioning ``@their name``."""
    answered_share: float
    """answered / spoke (NaN if nobody spoke)."""
    table: pd.DataFrame
    """One row per newcomer: ``sender_id, sender, joined, first_message, time_to_first,
    spoke_in_time`` (NA when not yet judgeable), ``answered`` (NA when they never spoke)."""


@dataclass(frozen=True)
class EventsResult:
    """Red packets, check-ins and newcomers over a window."""

    window: Window
    """The window analysed."""
    red_packets: RedPackets
    """Red packets and their lift."""
    checkins: Checkins
    """Check-ins, streaks and completion."""
    newcomers: Newcomers
    """Newcomers' activation and welcome."""
    config: dict
    """The ``[events]`` settings used."""


def analyse_events(
    chat: Chat,
    *,
    window: Window | None = None,
    config: Config | None = None,
    known: Membership | None = None,
) -> EventsResult:
    """Red packets, check-ins and newcomers of ``chat`` over ``window`` (default: whole log).

    Args:
        chat: the full log; the look-around of packets and newcomers may reach before the window.
        window: the period analysed, "as of" its end.
        config: ``[events]`` settings (and ``[activity] thread_gap_minutes`` for answers).
        known: a :func:`analysis.membership.membership` for the same end, to share work
            (computed here when None or for another end).
    """
    config = config or Config()
    window = window or resolve_window(chat)
    known = known if known is not None and known.end == window.end else membership(chat, window.end, config)
    ec = config.events
    return EventsResult(
        window=window,
        red_packets=_red_packets(chat, known, window, config),
        checkins=_checkins(chat, known, window, config),
        newcomers=_newcomers(chat, known, window, config),
        config={k: getattr(ec, k) for k in ec.__dataclass_fields__},
    )


def _ratio(a: float, b: float) -> float:
    return float(a) / float(b) if b else float("nan")


def _range_distinct(lo: np.ndarray, hi: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Distinct ``codes[lo[i]:hi[i]]`` for each i (vectorised over all ranges at once)."""
    lengths = np.maximum(hi - lo, 0)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(len(lo), np.int64)
    owner = np.repeat(np.arange(len(lo)), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    idx = lo[owner] + offsets
    width = int(codes.max()) + 1
    key = np.unique(owner.astype(np.int64) * width + codes[idx])
    return np.bincount(key // width, minlength=len(lo)).astype(np.int64)


def _red_packets(chat: Chat, known: Membership, window: Window, config: Config) -> RedPackets:
    span = np.timedelta64(int(config.events.red_packet_minutes * 60e9), "ns")
    start64 = np.datetime64(window.start.to_datetime64(), "ns")
    kinds = kinds_at(chat, known.rows)
    packet = kinds == "red_packet"
    p_in = packet & (known.times >= start64)
    pt, pc_ = known.times[p_in], known.codes[p_in]
    ot, oc = known.times[~packet], known.codes[~packet]
    ids = known.members["sender_id"].to_numpy(dtype=object)
    names = known.members["sender"].to_numpy(dtype=object)

    lo_b = np.searchsorted(ot, pt - span, side="left")
    mid = np.searchsorted(ot, pt, side="left")
    hi_a = np.searchsorted(ot, pt + span, side="left")
    before, after = mid - lo_b, hi_a - mid
    spk_before = _range_distinct(lo_b, mid, oc)
    spk_after = _range_distinct(mid, hi_a, oc)

    # Baseline: the same slot of the day, averaged over the window's days.
    slot_ns = span.astype(np.int64)
    day_ns = DAY.astype(np.int64)
    n_slots = int(-(-day_ns // slot_ns))
    ow = ot >= start64
    wt, wc = ot[ow].view("i8"), oc[ow]
    days = max(int((window.end - pd.Timedelta(1, "ns")).normalize().to_datetime64().astype("datetime64[D]").astype(np.int64)
                   - np.datetime64(window.start.normalize().to_datetime64(), "D").astype(np.int64)) + 1, 1)
    slot = np.mod(wt, day_ns) // slot_ns
    slot_msgs = np.bincount(slot, minlength=n_slots)[:n_slots] / days
    day_slot = (wt // day_ns) * n_slots + slot
    if len(wt):
        width = int(wc.max()) + 1
        pairs = np.unique(day_slot * width + wc) // width
        slot_spk = np.bincount(np.mod(pairs, n_slots), minlength=n_slots)[:n_slots] / days
    else:
        slot_spk = np.zeros(n_slots)
    p_slot = np.mod(pt.view("i8"), day_ns) // slot_ns
    base_m, base_s = slot_msgs[p_slot], slot_spk[p_slot]

    packets = pd.DataFrame({
        "time": pt, "sender_id": pd.array(ids[pc_], dtype="string"),
        "messages_before": before.astype(np.int64), "messages_after": after.astype(np.int64),
        "speakers_before": spk_before, "speakers_after": spk_after,
        "baseline_messages": base_m.astype(float), "baseline_speakers": base_s.astype(float),
    })
    counts = np.bincount(pc_, minlength=len(ids))
    who = np.flatnonzero(counts)
    who = who[np.lexsort((ids[who].astype(str), -counts[who]))]
    senders = pd.DataFrame({"sender_id": pd.array(ids[who], dtype="string"),
                            "sender": pd.array(names[who], dtype="string"),
                            "packets": counts[who].astype(np.int64)})
    return RedPackets(
        count=len(pt), senders=senders, packets=packets,
        lift_vs_before=_ratio(after.sum(), before.sum()),
        lift_vs_baseline=_ratio(after.sum(), base_m.sum()),
        speaker_lift_vs_before=_ratio(spk_after.sum(), spk_before.sum()),
        speaker_lift_vs_baseline=_ratio(spk_after.sum(), base_s.sum()),
    )


def _checkins(chat: Chat, known: Membership, window: Window, config: Config) -> Checkins:
    start64 = np.datetime64(window.start.to_datetime64(), "ns")
    in_win = known.times >= start64
    rows, codes, times = known.rows[in_win], known.codes[in_win], known.times[in_win]
    kinds = kinds_at(chat, rows)
    text = kinds == "text"
    hit = np.zeros(len(rows), bool)
    if text.any():
        hit[text] = match_any(chat.messages[TEXT].iloc[rows[text]], config.events.checkin_patterns,
                              "[events] checkin_patterns")
    c, t = codes[hit], times[hit]
    d = t.astype("datetime64[D]").astype(np.int64)
    ids = known.members["sender_id"].to_numpy(dtype=object)
    names = known.members["sender"].to_numpy(dtype=object)
    group_days = np.unique(d)

    if len(c):
        width = int(d.max() - d.min()) + 1
        key = np.unique(c.astype(np.int64) * width + (d - d.min()))
        kc, kd = key // width, key % width + d.min()
        new = np.r_[True, (kc[1:] != kc[:-1]) | (np.diff(kd) != 1)]
        streak = np.cumsum(new) - 1
        length = np.bincount(streak)
        s_code = kc[new]
        s_last = kd[np.r_[np.flatnonzero(new)[1:] - 1, len(kd) - 1]]
        who = np.unique(kc)
        longest = pd.Series(length).groupby(s_code).max().reindex(who).to_numpy()
        last_day = np.datetime64((window.end - pd.Timedelta(1, "ns")).normalize().to_datetime64(), "D").astype(np.int64)
        running = s_last >= last_day - 1
        current = pd.Series(np.where(running, length, 0)).groupby(s_code).max().reindex(who).to_numpy()
        n_days = np.bincount(kc)[who]
        first = pd.Series(kd).groupby(kc).min().reindex(who).to_numpy()
        last = pd.Series(kd).groupby(kc).max().reindex(who).to_numpy()
        possible = len(group_days) - np.searchsorted(group_days, first, side="left")
        members = pd.DataFrame({
            "sender_id": pd.array(ids[who], dtype="string"),
            "sender": pd.array(names[who], dtype="string"),
            "checkins": np.bincount(c)[who].astype(np.int64),
            "days": n_days.astype(np.int64),
            "first": first.astype("datetime64[D]").astype("datetime64[ns]"),
            "last": last.astype("datetime64[D]").astype("datetime64[ns]"),
            "longest_streak": longest.astype(np.int64),
            "current_streak": current.astype(np.int64),
            "completion": n_days / possible,
        }).sort_values(["days", "checkins", "sender_id"], ascending=[False, False, True], kind="stable")
        members = members.reset_index(drop=True)
        per_day_members = np.bincount(np.searchsorted(group_days, kd), minlength=len(group_days))
    else:
        members = pd.DataFrame({
            "sender_id": pd.Series([], dtype="string"), "sender": pd.Series([], dtype="string"),
            "checkins": pd.Series([], dtype=np.int64), "days": pd.Series([], dtype=np.int64),
            "first": pd.Series([], dtype="datetime64[ns]"), "last": pd.Series([], dtype="datetime64[ns]"),
            "longest_streak": pd.Series([], dtype=np.int64), "current_streak": pd.Series([], dtype=np.int64),
            "completion": pd.Series([], dtype=float)})
        per_day_members = np.zeros(0, np.int64)
    daily = pd.DataFrame({
        "date": group_days.astype("datetime64[D]").astype("datetime64[ns]"),
        "checkins": np.bincount(np.searchsorted(group_days, d), minlength=len(group_days)).astype(np.int64),
        "members": per_day_members.astype(np.int64),
    })
    return Checkins(count=int(hit.sum()), participants=len(members), days=len(group_days), daily=daily,
                    members=members,
                    completion=float(members["completion"].mean()) if len(members) else float("nan"))


def _newcomers(chat: Chat, known: Membership, window: Window, config: Config) -> Newcomers:
    ec = config.events
    msgs = chat.messages
    ts = msgs[TIMESTAMP]
    in_win = ((ts >= window.start) & (ts < window.end)).to_numpy(bool)
    joins = msgs[(msgs[KIND] == "join").to_numpy(bool) & in_win]
    first_join = joins.groupby(SENDER_ID, observed=True)[TIMESTAMP].min()
    members = known.members
    ids = members["sender_id"].to_numpy(dtype=object)
    code_of = pd.Series(np.arange(len(ids)), index=pd.Index(ids, dtype=object))
    joined = np.full(len(ids), NAT, dtype="datetime64[ns]")
    if len(first_join):
        joined[code_of.reindex(first_join.index.astype(object)).to_numpy(dtype=np.int64)] = first_join.to_numpy()
    # A roster join date inside the window counts when there is no join notice.
    r_joined = members["joined"].to_numpy()
    start64 = np.datetime64(window.start.to_datetime64(), "ns")
    end64 = np.datetime64(window.end.to_datetime64(), "ns")
    use_roster = np.isnat(joined) & ~np.isnat(r_joined) & (r_joined >= start64) & (r_joined < end64)
    joined[use_roster] = r_joined[use_roster]
    new = np.flatnonzero(~np.isnat(joined))

    # First message at or after joining (an as-of join per member, vectorised).
    first_msg = np.full(len(new), NAT, dtype="datetime64[ns]")
    first_idx = np.full(len(new), -1, np.int64)
    if len(new) and len(known.times):
        left = pd.DataFrame({"at": joined[new], "code": new, "k": np.arange(len(new))}).sort_values("at")
        right = pd.DataFrame({"at": known.times, "code": known.codes, "i": np.arange(len(known.times))})
        hit = pd.merge_asof(left, right, on="at", by="code", direction="forward", allow_exact_matches=True)
        found = hit["i"].notna().to_numpy()
        k = hit["k"].to_numpy()[found]
        first_idx[k] = hit["i"].to_numpy()[found].astype(np.int64)
        first_msg[k] = known.times[first_idx[k]]

    span = np.timedelta64(int(ec.newcomer_days * 86400e9), "ns")
    spoke = first_idx >= 0
    delay = np.where(spoke, first_msg - joined[new], np.timedelta64("NaT", "ns"))
    in_time = spoke & (delay <= span)
    observed = (end64 - joined[new]) >= span
    judgeable = observed | in_time
    spoke_in_time = pd.array(np.where(judgeable, in_time, False), dtype="boolean")
    spoke_in_time[~judgeable] = pd.NA

    answered = _answered(chat, known, new, first_idx, config)
    answered_arr = pd.array(answered, dtype="boolean")
    answered_arr[~spoke] = pd.NA
    table = pd.DataFrame({
        "sender_id": pd.array(ids[new], dtype="string"),
        "sender": pd.array(members["sender"].to_numpy(dtype=object)[new], dtype="string"),
        "joined": joined[new],
        "first_message": first_msg,
        "time_to_first": delay.astype("timedelta64[ns]"),
        "spoke_in_time": spoke_in_time,
        "answered": answered_arr,
    }).sort_values(["joined", "sender_id"], kind="stable").reset_index(drop=True)
    n_obs = int(observed.sum())
    activated = int((in_time & observed).sum())
    return Newcomers(
        count=len(new), observed=n_obs, activated=activated, activation_rate=_ratio(activated, n_obs),
        spoke=int(spoke.sum()),
        median_time_to_first=pd.Timedelta(np.median(delay[spoke].astype("i8"))) if spoke.any() else pd.NaT,
        answered=int(answered[spoke].sum()), answered_share=_ratio(int(answered[spoke].sum()), int(spoke.sum())),
        table=table,
    )


def _answered(chat: Chat, known: Membership, new: np.ndarray, first_idx: np.ndarray, config: Config) -> np.ndarray:
    """Whether each newcomer's first message (index into ``known.times``) was answered."""
    out = np.zeros(len(new), bool)
    spoke = first_idx >= 0
    if not spoke.any():
        return out
    t, c = known.times, known.codes
    limit = np.timedelta64(int(config.events.newcomer_answer_hours * 3600e9), "ns")
    gap = np.timedelta64(int(config.activity.thread_gap_minutes * 60e9), "ns")
    tid = thread_ids(t, gap)
    nxt = next_other(c)
    f = first_idx[spoke]
    j = nxt[f]
    ok = (j >= 0)
    same = np.zeros(len(f), bool)
    same[ok] = (tid[j[ok]] == tid[f[ok]]) & (t[j[ok]] - t[f[ok]] <= limit)
    explicit = replied_to(chat, known.rows[f])
    # @mentions of the newcomer by someone else within the answer window.
    mentioned = np.zeros(len(f), bool)
    texts = chat.messages[TEXT]
    names = known.members["names"].to_numpy(dtype=object)
    codes_new = new[spoke]
    for k in range(len(f)):  # one step per newcomer who spoke, never per message
        lo = f[k] + 1
        hi = int(np.searchsorted(t, t[f[k]] + limit, side="right"))
        if hi <= lo:
            continue
        others = np.flatnonzero(c[lo:hi] != codes_new[k]) + lo
        if not len(others):
            continue
        pattern = "|".join("@" + re.escape(str(n)) for n in names[codes_new[k]] if n)
        if pattern:
            mentioned[k] = bool(texts.iloc[known.rows[others]].str.contains(pattern, regex=True).fillna(False).any())
    out[spoke] = same | explicit | mentioned
    return out
