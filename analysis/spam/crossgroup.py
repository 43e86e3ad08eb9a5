"""The same ad template or contact handle in several groups, and the shape of every
cross-group finding (for ``batch``).

A campaign that posts the same text, or the same WeChat/QQ/phone/group number or link,
into several of an operator's groups is one of the most useful findings of a batch audit
(SPAM.md §4.4: ``dup.cross_group``). Only messages with content evidence (a contact,
lexicon or obfuscation check fired) take part, so ordinary greetings never match.

:data:`CROSS_GROUP_COLUMNS`, :func:`empty_findings`, :func:`per_key` and :func:`ranked` are
shared with the batch's spammer and member findings (:mod:`analysis.batch.crossgroup`), so
every kind of cross-group row is gathered, filtered and ordered the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

CROSS_GROUP_COLUMNS = ("kind", "key", "groups", "n_groups", "members", "messages",
                       "spam_messages", "first_seen", "last_seen", "example")
"""Columns of every cross-group finding (:func:`cross_group_repeats`, and
:attr:`analysis.batch.BatchResult.cross_group`)."""

_TIMES = ("first_seen", "last_seen")


def empty_findings() -> pd.DataFrame:
    """No finding: :data:`CROSS_GROUP_COLUMNS`, the times typed as datetimes."""
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in _TIMES else object)
                         for c in CROSS_GROUP_COLUMNS})


def join_groups(names: pd.Series) -> str:
    """Group names joined with " | ", each once, in the order first seen."""
    return " | ".join(dict.fromkeys(names))


def per_key(long: pd.DataFrame, by: str | list[str], min_groups: int, **more: tuple[str, str]) -> pd.DataFrame:
    """One row per ``by`` key of ``long``, only the keys found in at least ``min_groups`` groups.

    ``long`` has a row per occurrence with the columns ``group``, ``messages``,
    ``spam_messages``, ``first_seen`` and ``last_seen``; the row per key has ``groups``
    (:func:`join_groups`), ``n_groups`` (distinct groups), the sums of ``messages`` and
    ``spam_messages``, the earliest ``first_seen`` and latest ``last_seen``, plus the named
    aggregations ``more`` (which may also replace one of these).
    """
    columns = {"groups": ("group", join_groups), "n_groups": ("group", "nunique"),
               "messages": ("messages", "sum"), "spam_messages": ("spam_messages", "sum"),
               "first_seen": ("first_seen", "min"), "last_seen": ("last_seen", "max"), **more}
    out = long.groupby(by, sort=False).agg(**columns).reset_index()
    return out[out["n_groups"] >= min_groups]


def ranked(findings: pd.DataFrame) -> pd.DataFrame:
    """The most groups first, then the most messages (ties keep their order);
    :data:`CROSS_GROUP_COLUMNS` only."""
    findings = findings.sort_values(["n_groups", "messages"], ascending=False, kind="stable")
    return findings[list(CROSS_GROUP_COLUMNS)].reset_index(drop=True)


def cross_group_repeats(results: Sequence | Mapping[str, object], min_groups: int = 2) -> pd.DataFrame:
    """Templates and contact handles that occur in at least ``min_groups`` groups.

    Args:
        results: :class:`~analysis.spam.scoring.SpamResult` objects (their ``group`` names
            them), or a mapping group name -> result (for groups with equal names).
        min_groups: how many distinct groups make a repeat.

    Returns:
        One row per repeated key: ``kind`` (template or the handle's kind: phone, wechat, qq,
        group, telegram, kouling, bare_id, link), ``key`` (the masked template text or the
        handle), ``groups`` (names joined with " | "), ``n_groups``, ``members`` (distinct
        sender ids), ``messages``, ``spam_messages``, ``first_seen``, ``last_seen``,
        ``example`` (one sender id and message id), most groups first.
    """
    items = results.items() if isinstance(results, Mapping) else ((r.group, r) for r in results)
    frames = []
    for name, result in items:
        ev = result.evidence
        if ev is None or not len(ev):
            continue
        frames.append(ev.assign(group=name))
    if not frames:
        return empty_findings()
    ev = pd.concat(frames, ignore_index=True)
    templates = ev[ev["template"].notna()].assign(kind="template", key=ev["template"])
    handles = ev.explode("handles").dropna(subset=["handles"])
    handles = handles.assign(kind=handles["handles"].str.split(":", n=1).str[0],
                             key=handles["handles"].str.split(":", n=1).str[1])
    long = pd.concat([templates, handles], ignore_index=True)
    if not len(long):
        return empty_findings()
    long = long.assign(spam_messages=long["verdict"] == "spam", first_seen=long["timestamp"],
                       last_seen=long["timestamp"],
                       example=long["sender_id"].astype(str) + " / " + long["msg_id"].astype(str))
    out = per_key(long, ["kind", "key"], min_groups, members=("sender_id", "nunique"),
                  messages=("msg_id", "size"), example=("example", "first"))
    return ranked(out)
