"""Conversation reconstruction shared by the analysers: threads split by silences, the next
message by someone else, and explicit replies. Depends only on the schema.

All functions take the human messages as sorted integer arrays (times, member codes, row
positions; see :class:`analysis.membership.Membership`) and are vectorised.
"""

from __future__ import annotations

import numpy as np

from analysis.schema import MSG_ID, REPLY_TO, Chat

__all__ = ["next_other", "replied_to", "thread_ids"]


def next_other(codes: np.ndarray) -> np.ndarray:
    """For each message, the index of the next message by a different sender (-1: none)."""
    n = len(codes)
    out = np.full(n, -1, np.int64)
    if n == 0:
        return out
    new_run = np.empty(n, bool)
    new_run[0] = True
    new_run[1:] = codes[1:] != codes[:-1]
    starts = np.flatnonzero(new_run)
    nxt = np.cumsum(new_run)  # = run id + 1
    ok = nxt < len(starts)
    out[ok] = starts[nxt[ok]]
    return out


def thread_ids(times: np.ndarray, gap: np.timedelta64) -> np.ndarray:
    """Thread number of each message (sorted times): a silence longer than ``gap`` starts one."""
    n = len(times)
    if n == 0:
        return np.zeros(0, np.int64)
    new = np.empty(n, bool)
    new[0] = True
    new[1:] = np.diff(times) > gap
    return np.cumsum(new) - 1


def replied_to(chat: Chat, rows: np.ndarray) -> np.ndarray:
    """True for the messages at ``rows`` that some record's ``reply_to`` points at."""
    reply = chat.messages[REPLY_TO]
    if not reply.notna().any():
        return np.zeros(len(rows), bool)
    targets = reply.dropna().unique()
    return chat.messages[MSG_ID].iloc[rows].isin(targets).to_numpy(bool)
