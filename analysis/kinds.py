"""Message-kind masks shared by the analysers: human messages versus events, and the kind of
given rows. Depends only on the schema.

A *human message* is any record whose kind is not an event (recall, join, leave, system;
:data:`analysis.schema.EVENT_KINDS`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.schema import EVENT_KINDS, KIND, Chat

__all__ = ["human_mask", "kinds_at"]


def human_mask(messages: pd.DataFrame) -> np.ndarray:
    """True for the rows of ``messages`` that are human messages (not events)."""
    return ~messages[KIND].isin(EVENT_KINDS).to_numpy(bool)


def kinds_at(chat: Chat, rows: np.ndarray) -> np.ndarray:
    """The kind of the messages at ``rows`` as an object array (via the category codes)."""
    kind = chat.messages[KIND]
    cats = np.asarray(kind.cat.categories, dtype=object)
    return cats[kind.cat.codes.to_numpy()[rows]]
