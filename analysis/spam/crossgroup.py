"""The same ad template or contact handle in several groups (for ``batch``).

A campaign that posts the same text, or the same WeChat/QQ/phone/group number or link,
into several of an operator's groups is one of the most useful findings of a batch audit
(SPAM.md §4.4: ``dup.cross_group``). Only messages with content evidence (a contact,
lexicon or obfuscation check fired) take part, so ordinary greetings never match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

CROSS_GROUP_COLUMNS = ("kind", "key", "groups", "n_groups", "members", "messages",
                       "spam_messages", "first_seen", "last_seen", "example")


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
        return pd.DataFrame(columns=list(CROSS_GROUP_COLUMNS))
    ev = pd.concat(frames, ignore_index=True)
    templates = ev[ev["template"].notna()].assign(kind="template", key=ev["template"])
    handles = ev.explode("handles").dropna(subset=["handles"])
    handles = handles.assign(kind=handles["handles"].str.split(":", n=1).str[0],
                             key=handles["handles"].str.split(":", n=1).str[1])
    long = pd.concat([templates, handles], ignore_index=True)
    if not len(long):
        return pd.DataFrame(columns=list(CROSS_GROUP_COLUMNS))
    long["is_spam"] = long["verdict"] == "spam"
    long["example"] = long["sender_id"].astype(str) + " / " + long["msg_id"].astype(str)
    out = long.groupby(["kind", "key"], sort=False).agg(
        groups=("group", lambda s: " | ".join(dict.fromkeys(s))),
        n_groups=("group", "nunique"),
        members=("sender_id", "nunique"),
        messages=("msg_id", "size"),
        spam_messages=("is_spam", "sum"),
        first_seen=("timestamp", "min"),
        last_seen=("timestamp", "max"),
        example=("example", "first"),
    ).reset_index()
    out = out[out["n_groups"] >= min_groups]
    out = out.sort_values(["n_groups", "messages"], ascending=False, kind="stable")
    return out[list(CROSS_GROUP_COLUMNS)].reset_index(drop=True)
