"""Known members: who is in the group as of an instant, and their human messages as integer
arrays. Shared by the activity, members and events analysers (computed once per audit and
passed to each), so that all of them agree on who the members are.

Who is a *known member* (as of ``end``, from the full history before it):

- everyone who wrote a message (any kind except the events recall/join/leave/system);
- everyone named in a join or leave notice (``sender_id`` of a join/leave record);
- everyone in ``chat.roster`` (the export's own member list, merged with ``--roster``),
  unless the roster says they joined after ``end``.

Nothing else creates a member: a name mentioned with ``@`` in a message, or the inviter or
remover named in a join/leave notice, is text, not an identity. Identity is ``sender_id``,
so a member who renamed is one member; every name they used is kept.

Depends only on the schema and the config (no analyser).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.config import Config
from analysis.kinds import human_mask
from analysis.schema import KIND, ROSTER_COLUMNS, SENDER, SENDER_ID, TIMESTAMP, Chat

__all__ = ["Membership", "membership", "present_counts", "staff_codes"]


@dataclass(frozen=True)
class Membership:
    """Who is known as of ``end``, and the human messages before ``end`` as integer arrays.

    Shared by the activity, members and events analysers (one per audit, passed to each)
    so that all three agree on who the members are. Row ``i`` of ``members`` is the member
    with code ``i``.
    """

    end: pd.Timestamp
    """The "as of" instant (exclusive)."""
    members: pd.DataFrame
    """One row per known member (index = member code 0..n-1). Columns: ``sender_id``;
    ``sender`` (the latest name: on their last record, else the roster's); ``names``
    (tuple of every name used, in order of first use); ``role`` (owner, admin or member:
    config ``[group] owners/admins`` first, then the roster); ``first_seen`` (the earlier
    of their first record and the roster's join date); ``first_known`` (the same, but NaT
    for a roster member without a join date: known from the start); ``joined`` (last join notice before the end, else the roster's
    join date); ``left`` (time of the leave notice when they have left, else NaT);
    ``first_message`` / ``last_message`` (their first/last human message before the end);
    ``messages_total`` (human messages before the end)."""
    times: np.ndarray
    """datetime64[ns] of every human message before ``end`` (sorted)."""
    codes: np.ndarray
    """Member code of each of those messages (aligned with ``times``)."""
    rows: np.ndarray
    """Row positions of those messages in ``chat.messages`` (aligned with ``times``)."""


def membership(chat: Chat, end: pd.Timestamp, config: Config | None = None) -> Membership:
    """Known members of ``chat`` as of ``end`` (see the module docstring for who counts).

    Vectorised: one factorisation of the ids and a few group-bys, whatever the log size.
    """
    config = config or Config()
    msgs = chat.messages
    ts_all = msgs[TIMESTAMP].to_numpy()
    before = ts_all < np.datetime64(end.to_datetime64(), "ns")
    kind = msgs[KIND]
    human = human_mask(msgs) & before
    is_join = (kind == "join").to_numpy(bool) & before
    is_leave = (kind == "leave").to_numpy(bool) & before
    membership_event = is_join | is_leave
    take = human | membership_event
    rows_taken = np.flatnonzero(take)

    sub_ts = ts_all[rows_taken]
    # Factorise in Arrow (no Python string per message); the roster's ids join the codes.
    sub_codes, uniques = pd.factorize(msgs[SENDER_ID].take(rows_taken))
    uniq = np.asarray(uniques, dtype=object)
    roster = _roster_as_of(chat.roster, end)
    r_ids = roster["sender_id"].to_numpy(dtype=object)
    r_codes = pd.Index(uniq).get_indexer(r_ids) if len(uniq) else np.full(len(r_ids), -1)
    fresh = r_codes < 0
    r_codes[fresh] = len(uniq) + np.arange(int(fresh.sum()))
    uniques = np.concatenate([uniq, r_ids[fresh]]) if fresh.any() else uniq
    n = len(uniques)
    name_codes, name_uniques = pd.factorize(msgs[SENDER].take(rows_taken))
    name_uniques = np.asarray(name_uniques, dtype=object)

    h = human[rows_taken]
    j = is_join[rows_taken]
    lv = is_leave[rows_taken]
    nat = np.datetime64("NaT", "ns")

    def agg_time(mask: np.ndarray, how: str) -> np.ndarray:
        out = np.full(n, nat, dtype="datetime64[ns]")
        if mask.any():
            s = pd.Series(sub_ts[mask]).groupby(sub_codes[mask])
            vals = s.min() if how == "min" else s.max()
            out[vals.index.to_numpy()] = vals.to_numpy()
        return out

    first_message = agg_time(h, "min")
    last_message = agg_time(h, "max")
    last_join = agg_time(j, "max")
    last_leave = agg_time(lv, "max")
    first_record = agg_time(np.ones(len(rows_taken), bool), "min")
    messages_total = np.bincount(sub_codes[h], minlength=n)

    r_joined = np.full(n, nat, dtype="datetime64[ns]")
    r_name = np.full(n, None, dtype=object)
    r_role = np.full(n, None, dtype=object)
    on_roster = np.zeros(n, bool)
    if len(roster):
        r_joined[r_codes] = roster["joined"].to_numpy(dtype="datetime64[ns]")
        r_name[r_codes] = roster["sender"].to_numpy(dtype=object, na_value=None)
        r_role[r_codes] = roster["role"].to_numpy(dtype=object, na_value=None)
        on_roster[r_codes] = True

    # first_known: the earliest of the first record and the roster's join date; a roster
    # member without a date is known from the start (NaT).
    first_seen = _nanmin(first_record, r_joined)
    first_known = first_seen.copy()
    first_known[on_roster & np.isnat(r_joined)] = nat
    joined = np.where(np.isnat(last_join), r_joined, last_join)

    # Left: the last membership notice is a leave, and no message after it.
    after_leave = np.isnat(last_join) | (last_leave > last_join)
    quiet_after = np.isnat(last_message) | (last_message < last_leave)
    has_left = ~np.isnat(last_leave) & after_leave & quiet_after
    left = np.where(has_left, last_leave, nat)

    # Names, in order of first use; the latest name is the one on the last record.
    names = np.empty(n, dtype=object)
    names[:] = [()] * n
    sender = np.array(r_name, dtype=object)
    if len(sub_codes):
        width = len(name_uniques) + 1
        pair = sub_codes.astype(np.int64) * width + (name_codes + 1)  # name code -1 = missing
        keys, first_at = np.unique(pair, return_index=True)
        order = np.lexsort((first_at, keys // width))
        keys = keys[order]
        pc_, nc_ = keys // width, keys % width - 1
        ok = nc_ >= 0
        pc_, nc_ = pc_[ok], nc_[ok]
        cuts = np.flatnonzero(np.diff(pc_)) + 1
        owners = pc_[np.r_[0, cuts]] if len(pc_) else pc_
        for owner, chunk in zip(owners, np.split(name_uniques[nc_], cuts), strict=True):  # per member
            names[owner] = tuple(chunk)
        rev_codes, rev_first = np.unique(sub_codes[::-1], return_index=True)
        last_name = name_codes[len(sub_codes) - 1 - rev_first]
        has = last_name >= 0
        sender[rev_codes[has]] = name_uniques[last_name[has]]
    missing = pd.isna(sender)
    sender[missing] = np.asarray(uniques, dtype=object)[missing]
    # Roster names count among the names used; a member with no name is known by their id.
    # (One step per roster member or nameless member, never per message.)
    for code in np.flatnonzero(on_roster & pd.notna(r_name)):
        if r_name[code] not in names[code]:
            names[code] = (*names[code], r_name[code])
    for code in np.flatnonzero(np.fromiter((len(x) == 0 for x in names), bool, n)):
        names[code] = (sender[code],)

    role = _roles(np.asarray(uniques, dtype=object), r_role, config)
    frame = pd.DataFrame({
        "sender_id": pd.array(np.asarray(uniques, dtype=object), dtype="string"),
        "sender": pd.array(sender, dtype="string"),
        "names": names,
        "role": role,
        "first_seen": first_seen,
        "first_known": first_known,
        "joined": joined,
        "left": left,
        "first_message": first_message,
        "last_message": last_message,
        "messages_total": messages_total.astype(np.int64),
    })
    hc = sub_codes[h]
    return Membership(end=end, members=frame, times=sub_ts[h], codes=hc, rows=rows_taken[h])


def _nanmin(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = a.copy()
    use_b = np.isnat(a) | (~np.isnat(b) & (b < a))
    out[use_b] = b[use_b]
    return out


def _roster_as_of(roster: pd.DataFrame | None, end: pd.Timestamp) -> pd.DataFrame:
    """Roster rows known by ``end`` (no join date, or joined before it), one per id."""
    if roster is None or not len(roster):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in ROSTER_COLUMNS})
    r = roster[list(ROSTER_COLUMNS)].copy()
    r["joined"] = pd.to_datetime(r["joined"]).astype("datetime64[ns]")
    r = r[r["sender_id"].notna() & (r["joined"].isna() | (r["joined"] < end))]
    return r.drop_duplicates("sender_id", keep="last").reset_index(drop=True)


def _roles(ids: np.ndarray, roster_roles: np.ndarray, config: Config) -> np.ndarray:
    role = np.where(pd.isna(roster_roles), "member", roster_roles).astype(object)
    role = np.where(np.isin(role, ["owner", "admin"]), role, "member").astype(object)
    role[np.isin(ids, list(config.group.admins))] = "admin"
    role[np.isin(ids, list(config.group.owners))] = "owner"
    return role


def staff_codes(known: Membership) -> np.ndarray:
    """Member codes of the owners and admins."""
    return np.flatnonzero(known.members["role"].isin(["owner", "admin"]).to_numpy(bool))


def present_counts(known: Membership, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many known members were present in each period ``[starts[i], ends[i])``:
    known before the period ends and not left before it starts (vectorised)."""
    fk = known.members["first_known"].to_numpy()
    fk_sorted = np.sort(np.where(np.isnat(fk), np.datetime64(-(2**62), "ns"), fk).view("i8"))
    lf = known.members["left"].to_numpy()
    lf_sorted = np.sort(lf[~np.isnat(lf)].view("i8"))
    known_by = np.searchsorted(fk_sorted, ends.astype("datetime64[ns]").view("i8"), side="left")
    gone = np.searchsorted(lf_sorted, starts.astype("datetime64[ns]").view("i8"), side="left")
    return (known_by - gone).astype(np.int64)
