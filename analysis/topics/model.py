"""Result objects of the topics analyser (frozen; every field documented).

Message classes used throughout (all counted inside the window):

- *events*: kinds recall/join/leave/system -- never members' words, never tokens.
- *conversational*: kinds text and sticker -- the base of the chit-chat ratio.
- *chit-chat*: stickers and text messages the classifier in
  :mod:`analysis.topics.chitchat` flags (greetings, acknowledgements, laughter,
  emoji-only, very short).
- *substantive*: text messages that are not chit-chat -- the base of the on-topic ratio,
  the keywords and the concentration.
- Other media (image, voice, video, file, link, card, red packet, ...) count as messages
  but are in none of the bases: a photo's subject is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.notes import Note
from analysis.topics.tokenize import SegmentStats
from analysis.window import Window


@dataclass(frozen=True)
class TopicCounts:
    """Message counts behind the ratios."""

    messages: int
    """Records in the window, events included."""
    events: int
    """recall/join/leave/system records."""
    conversational: int
    """text + sticker messages (the chit-chat ratio's base)."""
    chitchat: int
    """Chit-chat messages (stickers included)."""
    substantive: int
    """Text messages that are not chit-chat (the on-topic ratio's base)."""
    on_topic: int
    """Substantive messages that match the theme or its expansion."""
    distinct_texts: int
    """Distinct cleaned texts among the substantive messages (each segmented once)."""


@dataclass(frozen=True)
class Concentration:
    """How focused the keyword distribution is.

    The distribution: the occurrence counts of the top ``concentration_top_k`` keywords
    (ranked by TF-IDF) among substantive messages, as shares of their sum.
    """

    entropy: float
    """Normalised Shannon entropy, ``-sum(p log p) / log k``: 0..1, HIGHER = MORE SPREAD
    (no dominant subject); 0 = one keyword. NaN without keywords."""
    hhi: float
    """Normalised Herfindahl-Hirschman index, ``(sum p^2 - 1/k) / (1 - 1/k)``: 0..1,
    HIGHER = MORE CONCENTRATED; 0 = perfectly even. NaN without keywords."""
    hhi_raw: float
    """Plain HHI, ``sum p^2``: between 1/k and 1."""
    keywords: int
    """k: how many keywords the distribution has (at most ``concentration_top_k``)."""
    top20_coverage: float
    """Share of substantive messages that contain at least one of the top ``top_n`` (20)
    keywords: 0..1, higher = the keyword list describes more of the talk."""


@dataclass(frozen=True)
class Theme:
    """The theme the on-topic ratio is measured against, and how it was widened."""

    terms: tuple[str, ...]
    """The theme keywords (declared, or proposed)."""
    source: str
    """``option`` (--theme), ``config`` ([group] theme), ``proposed`` (the top keywords,
    because none was declared) or ``none`` (no keywords to propose)."""
    expansion: pd.DataFrame
    """Co-occurring terms added to the theme: ``term``, ``together`` (theme messages that
    contain it), ``messages`` (substantive messages that contain it), ``npmi``."""
    matches: pd.DataFrame
    """Evidence per term: ``term``, ``role`` (theme/expansion), ``messages`` matched."""


@dataclass(frozen=True)
class Drift:
    """Week by week (Monday to Sunday): what was talked about and how on-theme it was."""

    weeks: pd.DataFrame
    """One row per calendar week overlapping the window: ``week`` (Monday), ``messages``,
    ``conversational``, ``chitchat``, ``substantive``, ``on_topic``, ``chitchat_ratio``,
    ``on_topic_ratio``, ``compared`` (enough substantive messages to compare),
    ``previous`` (the week compared with), ``jaccard`` (top-keyword overlap with it),
    ``on_topic_change`` (on_topic_ratio minus the previous compared week's),
    ``top_keywords`` (the week's first five keywords, by TF-IDF)."""
    keywords: pd.DataFrame
    """The top ``top_n`` keywords of every compared week: ``week``, ``rank``, ``term``,
    ``count``, ``tfidf``."""
    mean_jaccard: float
    """Average week-over-week Jaccard similarity of the top keyword sets: 0..1, LOWER =
    MORE DRIFT (1 = the same keywords every week). NaN with fewer than two compared weeks."""
    falls: pd.DataFrame
    """The weeks where the theme share fell most (largest negative ``on_topic_change``):
    ``week``, ``previous``, ``on_topic_ratio``, ``on_topic_change``, ``top_keywords``."""


@dataclass(frozen=True)
class TopicsResult:
    """Everything ``community-audit topics`` reports."""

    window: Window
    """The window analysed (figures are as of its end)."""
    on_topic_ratio: float
    """on_topic / substantive: 0..1, higher = the group talks about its theme. NaN when
    there are no substantive messages."""
    chitchat_ratio: float
    """chitchat / conversational: 0..1, higher = more 水. NaN without conversational messages."""
    counts: TopicCounts
    """The counts both ratios come from."""
    chitchat: pd.DataFrame
    """Chit-chat by reason: ``reason``, ``messages``, ``share`` (of conversational messages)."""
    keywords: pd.DataFrame
    """Top ``top_n`` keywords of the window by TF-IDF: ``rank``, ``term``, ``count``
    (occurrences), ``messages`` (substantive messages containing it), ``share`` (of
    substantive messages), ``idf``, ``tfidf`` (count / all term occurrences * idf),
    ``on_theme`` (a theme or expansion term)."""
    frequent: pd.DataFrame
    """Top ``top_n`` terms by raw count (same columns as ``keywords``): the plain frequency view."""
    concentration: Concentration
    """Entropy, HHI, top-20 coverage."""
    theme: Theme
    """The theme used and its expansion."""
    drift: Drift
    """Week-over-week keywords and theme share."""
    segmentation: SegmentStats
    """How tokenisation went (engine, distinct texts, cache hits, processes, seconds)."""
    notes: tuple[Note, ...]
    """Remarks as codes (``topics.theme_proposed``, ``topics.theme_absent``, ``topics.small_weeks``,
    ``topics.nothing_to_measure``); cli/catalogue.py words them."""
