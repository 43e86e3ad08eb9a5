"""Behaviour checks: what a member does rather than what a text says (SPAM.md §4.4-4.6).

All work on the message table with numpy: members and templates become integer codes,
timestamps seconds, and "N events within W" is answered with one sort and a cumulative sum,
never a loop over messages.

Templates: the compact view with every letter/digit token that holds a digit masked
(``加微sx111505`` and ``加微ab9`` are one template); texts shorter than
``template_min_chars`` have none. Near-duplicates: texts that already carry content evidence
are clustered by MinHash over character 3-grams (5 bands of 4 hashes: pairs with Jaccard
similarity >= 0.8 land together with probability >= 0.86, pairs below 0.5 rarely), so a
campaign that varies a few characters still counts as one template.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.spam.checks import CheckInfo
from analysis.spam.normalise import Views, to_codepoints

BEHAVIOUR_CHECKS: tuple[CheckInfo, ...] = (
    CheckInfo("repeat_self", "behaviour", False,
              "the same text (exact or near-duplicate) posted again and again by one member"),
    CheckInfo("repeat_cross", "behaviour", False,
              "the same text from several members, or the same contact handle from two or more"),
    CheckInfo("flood", "behaviour", False, "many messages from one member within seconds (刷屏)"),
    CheckInfo("newcomer", None, False, "one of a member's first messages after joining"),
    CheckInfo("hit_and_run", "lifecycle", False, "joined (or first spoke), posted and left within minutes"),
    CheckInfo("name_ad", "identity", False,
              "the member's display name carries ad words or a disguised contact handle"),
    CheckInfo("new_domain", None, False, "a link to a domain few members of this group have shared"),
    CheckInfo("model_nb", "model", False,
              "the community's own Naive Bayes model (--model) finds the text spam-like; a "
              "booster only, never the sole kind of evidence"),
    CheckInfo("established", None, False,
              "credit: the member already wrote many clean messages (negative points)"),
)

_NEAR_BANDS = 5
_NEAR_ROWS = 4


def template_keys(views: Views, min_chars: int = 1) -> pa.Array:
    """Per text: the compact view with letter/digit tokens that hold a digit masked as ``#``;
    null for texts whose compact view is shorter than ``min_chars`` (they never repeat as
    templates, and skipping them keeps the work small)."""
    compact = views.compact
    long = pc.utf8_length(compact).to_numpy(zero_copy_only=False) >= min_chars
    out = pc.if_else(pa.array(long), compact, pa.scalar(None, pa.large_string()))
    digits = long & views.has_alnum  # only these can hold a digit to mask
    if digits.any():
        mask = pa.array(digits)
        masked = pc.replace_substring_regex(pc.filter(compact, mask), r"[a-z0-9_]*[0-9][a-z0-9_]*", "#")
        out = pc.replace_with_mask(out, mask, masked)
    return out


def template_ids(keys: pa.Array, evidence: np.ndarray, min_chars: int) -> np.ndarray:
    """Template id per text (-1 = too short to compare), from :func:`template_keys`.

    Texts with the same masked key share an id; among texts with ``evidence`` (content
    checks fired), near-duplicate keys are merged too.
    """
    valid = pc.is_valid(keys).to_numpy(zero_copy_only=False)
    out = np.full(len(keys), -1, dtype=np.int64)
    if not valid.any():
        return out
    enc = pc.dictionary_encode(pc.filter(keys, pa.array(valid)))
    ids = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    key_len = pc.utf8_length(enc.dictionary).to_numpy(zero_copy_only=False)
    long_key = key_len >= min_chars
    cand_keys = np.unique(ids[evidence[valid] & long_key[ids]])
    if len(cand_keys) > 1:
        rep = _near_duplicate_groups(pc.take(enc.dictionary, pa.array(cand_keys)))
        remap = np.arange(len(enc.dictionary), dtype=np.int64)
        remap[cand_keys] = cand_keys[rep]
        ids = remap[ids]
    out[valid] = np.where(long_key[enc.indices.to_numpy(zero_copy_only=False)], ids, -1)
    return out


def _near_duplicate_groups(keys: pa.Array) -> np.ndarray:
    """For each key, the index of its group's representative (MinHash LSH on 3-grams)."""
    cp, off = to_codepoints(keys)
    n = len(keys)
    if len(cp) < 3:
        return np.arange(n)
    c = cp.astype(np.uint64)
    shingle = (c[:-2] * np.uint64(0x9E3779B97F4A7C15)) ^ (c[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)) \
        ^ (c[2:] * np.uint64(0x165667B19E3779F9))
    owner = np.searchsorted(off, np.arange(len(cp) - 2), side="right") - 1
    valid = np.arange(len(cp) - 2) + 2 < off[owner + 1]
    shingle, owner = shingle[valid], owner[valid]
    rng = np.random.default_rng(20240601)
    seeds = rng.integers(1, 2**63, _NEAR_BANDS * _NEAR_ROWS, dtype=np.uint64)
    sig = np.full((_NEAR_BANDS * _NEAR_ROWS, n), np.iinfo(np.uint64).max, dtype=np.uint64)
    for k, seed in enumerate(seeds):
        h = shingle ^ seed
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        np.minimum.at(sig[k], owner, h)
    label = np.arange(n)
    has = np.bincount(owner, minlength=n) > 0
    for _ in range(4):  # label propagation across bands until stable
        before = label.copy()
        for b in range(_NEAR_BANDS):
            band = sig[b * _NEAR_ROWS:(b + 1) * _NEAR_ROWS].T
            frame = pd.DataFrame(band)
            frame["label"] = label
            frame = frame[has]
            group_min = frame.groupby(list(range(_NEAR_ROWS)))["label"].transform("min")
            label[frame.index.to_numpy()] = np.minimum(label[frame.index.to_numpy()], group_min.to_numpy())
        label = label[label]
        if np.array_equal(label, before):
            break
    return label


def in_burst(groups: np.ndarray, seconds: np.ndarray, n: int, window: float) -> np.ndarray:
    """True for rows that belong to some run of ``n`` rows of the same group within
    ``window`` seconds (rows with a negative group never do)."""
    m = len(groups)
    out = np.zeros(m, dtype=bool)
    if m < n or n < 1:
        return out
    if m < 2 or np.all(seconds[1:] >= seconds[:-1]):
        order = np.argsort(groups, kind="stable")  # rows are in time order already
    else:
        order = np.lexsort((seconds, groups))
    g, t = groups[order], seconds[order]
    j = np.arange(m - n + 1)
    start_ok = (g[j + n - 1] == g[j]) & (t[j + n - 1] - t[j] <= window) & (g[j] >= 0)
    csum = np.zeros(m + 1, dtype=np.int64)
    csum[1:len(start_ok) + 1] = np.cumsum(start_ok)
    csum[len(start_ok) + 1:] = csum[len(start_ok)]
    i = np.arange(m)
    out[order] = (csum[i + 1] - csum[np.maximum(i - n + 1, 0)]) > 0
    return out


@dataclass
class BehaviourInput:
    """What the behaviour checks need, aligned with the judged messages."""

    sender: np.ndarray
    """Member code per message (int)."""
    seconds: np.ndarray
    """Message time in seconds (int64)."""
    template: np.ndarray
    """Template id per message (-1 = none)."""
    evidence: np.ndarray
    """Content evidence per message (bool): some content check fired."""


def repeat_self(inp: BehaviourInput, count: int, hours: float) -> tuple[np.ndarray, np.ndarray]:
    """(hit, times): the member posted this template ``count`` times within ``hours``;
    ``times`` is how often they posted it in the whole window."""
    n = len(inp.template)
    hit = np.zeros(n, dtype=bool)
    times = np.zeros(n, dtype=np.int64)
    valid = np.flatnonzero(inp.template >= 0)
    if not len(valid):
        return hit, times
    key = inp.sender[valid] * (int(inp.template.max()) + 2) + inp.template[valid]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    times[valid] = counts[inverse]
    cand = valid[counts[inverse] >= count]  # only members who posted it often enough
    if len(cand):
        hit[cand] = in_burst(key[counts[inverse] >= count], inp.seconds[cand], count, hours * 3600)
    return hit, times


def repeat_cross(inp: BehaviourInput, senders: int) -> tuple[np.ndarray, np.ndarray]:
    """(hit, members): the template came from at least ``senders`` distinct members."""
    frame = pd.DataFrame({"t": inp.template, "s": inp.sender})
    distinct = frame[frame["t"] >= 0].drop_duplicates().groupby("t")["s"].size()
    members = frame["t"].map(distinct).fillna(0).astype(np.int64).to_numpy()
    return members >= senders, members


def flood(inp: BehaviourInput, messages: int, seconds: float) -> np.ndarray:
    """The message is part of a run of ``messages`` from one member within ``seconds``."""
    return in_burst(inp.sender, inp.seconds, messages, seconds)
