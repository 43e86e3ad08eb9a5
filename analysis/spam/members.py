"""One row per member: how many of their messages are spam, and whether they are a spammer.

Columns:

- ``messages``: messages the member wrote in the window (events excluded).
- ``spam_messages`` / ``suspect_messages``: messages with that verdict.
- ``spam_score``: the sum of the scores of the member's spam messages (0 for none); the
  operator's sort key.
- ``is_spammer``: not an owner, admin or allowlisted member, and either at least
  ``spammer_min_messages`` spam messages, or one spam message from a member who is not
  established (fewer than ``established_messages`` clean messages in the window). An
  established member with a single spam message is a one-off promotion, not a spammer.
- ``role``: owner, admin, allowlisted or member. ``promotions``: an exempt member's
  messages that would otherwise be spam or suspect.
- ``reasons``: why, in words: the checks that fired on their spam messages (with counts)
  and member-level facts (ad in the display name, hit-and-run, one-off promotion).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.spam.checks import join_groups

MEMBER_COLUMNS = ("sender_id", "sender", "messages", "spam_messages", "suspect_messages",
                  "spam_score", "is_spammer", "role", "promotions", "reasons")


def member_table(result, sender_codes: np.ndarray, sender_ids) -> pd.DataFrame:
    """The member table of a :class:`analysis.spam.scoring.SpamResult` (see module doc)."""
    msgs = result.messages
    cfg = result.config
    if not len(msgs):
        return pd.DataFrame(columns=list(MEMBER_COLUMNS))
    st = result._state
    verdict = msgs["verdict"].to_numpy(dtype=object)
    spam = verdict == "spam"
    frame = pd.DataFrame({
        "code": sender_codes,
        "spam": spam,
        "suspect": verdict == "suspect",
        "promotion": verdict == "promotion",
        "spam_score": np.where(spam, msgs["score"].to_numpy(), 0.0),
        "clean": ~st["beh"]["established"] & (msgs["score"].to_numpy() <= 0),
    })
    agg = frame.groupby("code").agg(
        messages=("spam", "size"), spam_messages=("spam", "sum"),
        suspect_messages=("suspect", "sum"), promotions=("promotion", "sum"),
        spam_score=("spam_score", "sum"), clean=("clean", "sum"),
    )
    last_name = msgs.groupby(sender_codes)["sender"].last()
    role = msgs.groupby(sender_codes)["role"].first()
    table = agg.assign(sender_id=np.asarray(sender_ids, dtype=object)[agg.index.to_numpy()],
                       sender=last_name.reindex(agg.index).to_numpy(),
                       role=role.reindex(agg.index).to_numpy())
    established = table["clean"] >= cfg.established_messages
    exempt = table["role"] != "member"
    table["is_spammer"] = ~exempt & (
        (table["spam_messages"] >= cfg.spammer_min_messages)
        | ((table["spam_messages"] >= 1) & ~established))
    table["reasons"] = ""
    table = _reasons(table, result, sender_codes, established)
    for col in ("messages", "spam_messages", "suspect_messages", "promotions"):
        table[col] = table[col].astype(np.int64)
    table = table.sort_values(["is_spammer", "spam_score", "spam_messages"], ascending=False,
                              kind="stable")
    return table[list(MEMBER_COLUMNS)].reset_index(drop=True)


def _reasons(table: pd.DataFrame, result, sender_codes: np.ndarray, established: pd.Series) -> pd.DataFrame:
    st = result._state
    msgs = result.messages
    spam_rows = np.flatnonzero(msgs["verdict"].to_numpy(dtype=object) == "spam")
    reasons: dict[int, list[str]] = {}
    if len(spam_rows):
        long = st["long"]
        long = long[(long["points"] > 0) & np.isin(long["row"].to_numpy(), spam_rows)].copy()
        long["code"] = sender_codes[long["row"].to_numpy()]
        counts = long.groupby(["code", "check"], sort=False).size().reset_index(name="k")
        counts["text"] = counts["check"] + np.where(counts["k"] > 1, " x" + counts["k"].astype(str), "")
        codes, joined = join_groups(counts["code"].to_numpy(), counts["text"].to_numpy(dtype=object), ", ")
        spam_count = table["spam_messages"].reindex(codes).to_numpy()
        for code, k, part in zip(codes.tolist(), spam_count.tolist(), joined, strict=True):
            reasons.setdefault(code, []).append(f"{int(k)} spam message{'s' if k != 1 else ''}: {part}")
    info = st["info"]
    beh = st["beh"]
    for key, label in (("name_ad", "name_detail"), ("hit_and_run", "run_span")):
        rows = np.flatnonzero(beh[key])
        if len(rows):
            first = pd.Series(info[label][rows]).groupby(sender_codes[rows]).first()
            for code, text in first.items():
                if table.loc[code, "spam_messages"] or table.loc[code, "suspect_messages"]:
                    reasons.setdefault(code, []).append(f"{key}: {text}")
    one_off = (table["spam_messages"] == 1) & established & (table["role"] == "member")
    for code in table.index[one_off]:
        reasons.setdefault(code, []).append(
            f"one-off promotion by an established member ({int(table.loc[code, 'clean'])} clean messages)")
    for code in table.index[(table["role"] != "member") & (table["promotions"] > 0)]:
        reasons.setdefault(code, []).append(
            f"{table.loc[code, 'role']}: {int(table.loc[code, 'promotions'])} promotion(s), never judged a spammer")
    for code in table.index[(table["spam_messages"] == 0) & (table["suspect_messages"] > 0)
                            & (table["role"] == "member")]:
        reasons.setdefault(code, []).append(f"{int(table.loc[code, 'suspect_messages'])} suspect message(s)")
    col = table["reasons"].to_numpy(dtype=object)
    pos = {code: i for i, code in enumerate(table.index)}
    for code, parts in reasons.items():
        col[pos[code]] = "; ".join(parts)
    table["reasons"] = col
    return table
