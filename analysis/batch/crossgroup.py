"""Assembling a batch: the summary rows as one frame, health order, and what several groups
share (the cross-group findings).

The ad templates and contact handles shared by groups come from
:func:`analysis.spam.crossgroup.cross_group_repeats`; this module adds the spammers and
members found in several groups, gathered, filtered and ordered by the same helpers
(:mod:`analysis.spam.crossgroup`), in the same :data:`CROSS_GROUP_COLUMNS`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.report import SUMMARY_COLUMNS
from analysis.spam.crossgroup import (
    CROSS_GROUP_COLUMNS,
    cross_group_repeats,
    empty_findings,
    join_groups,
    per_key,
    ranked,
)

if TYPE_CHECKING:
    from analysis.batch.task import GroupResult

INT_COLUMNS = ("messages", "speakers", "members_known", "silent_members", "dormant_members",
               "spam_messages", "spammers", "records", "unparsed_lines")
FLOAT_COLUMNS = ("participation", "spam_ratio", "topic_concentration", "on_topic_ratio",
                 "chitchat_ratio", "health_score")


def rows_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Summary rows as a frame with stable dtypes (counts Int64, ratios float, text string)."""
    frame = pd.DataFrame(records, columns=list(SUMMARY_COLUMNS))
    for col in frame.columns:
        if col in INT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col]).astype("Int64")
        elif col in FLOAT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col]).astype("float64")
        else:
            frame[col] = frame[col].astype("string")
    frame["error"] = frame["error"].fillna("")
    return frame


def sort_by_health(rows: pd.DataFrame) -> pd.DataFrame:
    """Errors first, then the least healthy groups (those that need attention), then by source."""
    order = rows.assign(_err=(rows["status"] != "error").astype(int),
                        _score=rows["health_score"].fillna(math.inf))
    order = order.sort_values(["_err", "_score", "source", "group"], kind="stable")
    return order.drop(columns=["_err", "_score"]).reset_index(drop=True)


def cross_group_findings(groups: Sequence[GroupResult], *, min_groups: int = 2) -> pd.DataFrame:
    """What several groups share, from the per-group payloads.

    Kinds of row (:data:`CROSS_GROUP_COLUMNS`):

    - ``spammer``: a member id judged a spammer in at least one group and present in at least
      ``min_groups`` groups (remove it everywhere); ``example`` names the groups where it was
      judged a spammer;
    - ``template`` and handle kinds (``phone``, ``wechat``, ``qq``, ``group``, ``telegram``,
      ``kouling``, ``bare_id``, ``link``): the same ad text (masked) or contact in at least
      ``min_groups`` groups (:func:`analysis.spam.crossgroup.cross_group_repeats`);
    - ``member``: a member id present (spoke, joined or in the roster) in at least ``min_groups``
      groups, only for :data:`~analysis.batch.task.GLOBAL_ID_PLATFORMS`. ``key`` is ``platform:id``.

    Groups are named by their name, plus the source file when several share a name. Sorted by
    kind (spammer, ads, member), then the most groups first.
    """
    ok = [g for g in groups if g.row.get("status") == "ok"]
    labels = _labels(ok)
    evidence = {}
    for label, g in zip(labels, ok, strict=True):
        if g.evidence:
            frame = pd.DataFrame(g.evidence)
            frame["timestamp"] = pd.to_datetime(frame["timestamp"])
            evidence[label] = SimpleNamespace(evidence=frame)
    ads = cross_group_repeats(evidence, min_groups=min_groups) if evidence else empty_findings()
    people = _member_findings(ok, labels, min_groups)
    parts = [f for f in (people[people["kind"] == "spammer"], ads, people[people["kind"] == "member"]) if len(f)]
    if not parts:
        return empty_findings()
    out = pd.concat(parts, ignore_index=True)[list(CROSS_GROUP_COLUMNS)]
    for col in ("first_seen", "last_seen"):
        out[col] = pd.to_datetime(out[col])
    return out.reset_index(drop=True)


def _labels(groups: list[GroupResult]) -> list[str]:
    """A distinct label per group: its name, with the source when names repeat."""
    names = [str(g.row.get("group") or "") for g in groups]
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    labels = [n if counts[n] == 1 else f"{n} ({g.row.get('source')})" for n, g in zip(names, groups, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return out


def _member_findings(groups: list[GroupResult], labels: list[str], min_groups: int) -> pd.DataFrame:
    """Spammer and member rows: account ids (``platform:id``) found in ``min_groups`` groups."""
    frames = []
    for label, g in zip(labels, groups, strict=True):
        if g.members:
            frame = pd.DataFrame(g.members)
            frame["group"] = label
            frame["key"] = f"{g.row.get('platform')}:" + frame["sender_id"].astype(str)
            frames.append(frame)
    if not frames:
        return empty_findings()
    long = pd.concat(frames, ignore_index=True)
    long["first_seen"] = pd.to_datetime(long["first_seen"])
    long["last_seen"] = pd.to_datetime(long["last_seen"])
    per = per_key(long, "key", min_groups, spammer_in=("is_spammer", "sum"), name=("sender", "last"))
    if not len(per):
        return empty_findings()
    flagged = long[long["is_spammer"]].groupby("key")["group"].agg(join_groups)
    per["kind"] = ["spammer" if n > 0 else "member" for n in per["spammer_in"]]
    per["members"] = 1
    per["example"] = per["name"].fillna("").astype(str)
    is_spammer = per["kind"] == "spammer"
    per.loc[is_spammer, "example"] = (per.loc[is_spammer, "example"] + " — spammer in: "
                                      + per.loc[is_spammer, "key"].map(flagged).fillna(""))
    return ranked(per)
