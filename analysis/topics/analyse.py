"""``analyze_topics(chat)``: keywords, concentration, on-topic and chit-chat ratios, drift.

The on-topic method, in full:

1. A substantive message *matches the theme* when its text (cleaned: no URLs, mentions,
   emoji) contains a theme keyword: a substring for Chinese keywords, even across word
   boundaries, and a whole word for ASCII ones; case-insensitive. So 跑步 also finds
   跑步机, and keywords need not be in jieba's dictionary. (Matching runs on the segmented
   text -- the tokens that contain a letter, space-separated -- so a cached text is never
   cleaned again.)
2. The theme is widened by its *closest co-occurring terms*: for every term, the
   normalised PMI between "the message matches the theme" and "the message contains the
   term" is computed over substantive messages (:func:`keywords.npmi`). Terms that appear
   in at least ``expansion_min_cooccurrence`` theme messages and have NPMI of at least
   ``expansion_min_npmi`` are candidates; the ``expansion_terms`` best by NPMI are added.
3. ``on_topic_ratio`` = substantive messages containing a theme keyword or an expansion
   term / substantive messages.

Without a declared theme the top ``proposed_theme_size`` keywords are proposed, the same
method runs against them, and ``theme.source`` is ``proposed``: the ratio then says how
much of the talk is about the group's own most distinctive words, a weaker statement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.config import Config
from analysis.notes import Note, note
from analysis.schema import EVENT_KINDS, KIND, TEXT, TIMESTAMP, Chat
from analysis.topics import keywords as kw
from analysis.topics.chitchat import REASONS, classify_texts
from analysis.topics.clean import as_arrow
from analysis.topics.model import Concentration, Drift, Theme, TopicCounts, TopicsResult
from analysis.topics.tokenize import TokenizerSpec, read_user_dict, resolve_engine, segment_distinct
from analysis.window import Window, clip, resolve_window

WEEK_TOP_SHOWN = 5
"""Keywords shown per week in the weeks table (the full top list is in ``drift.keywords``)."""


def tokenizer_spec(config: Config, cache_dir: str | Path | None = None) -> TokenizerSpec:
    """The tokenizer the config asks for (engine resolved, user dictionary read)."""
    topics = config.topics
    words = read_user_dict(topics.user_dict) if topics.user_dict else ()
    return TokenizerSpec(engine=resolve_engine(topics.tokenizer), user_words=words,
                         dict_dir=str(cache_dir) if cache_dir is not None else None)


def analyze_topics(
    chat: Chat,
    *,
    window: Window | None = None,
    config: Config | None = None,
    theme: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
    jobs: int | None = None,
    clipped: Chat | None = None,
) -> TopicsResult:
    """Analyse what ``chat`` talks about.

    Args:
        chat: the conversation (clipped to ``window`` if one is given).
        window: the window; default the whole log.
        config: thresholds (``[topics]``) and the declared theme (``[group] theme``).
        theme: theme keywords that override the config's (``--theme``).
        cache_dir: token-cache folder (``--cache``); default ``[topics] cache_dir``;
            None there too = no on-disk cache.
        jobs: segmenting processes; default ``[topics] jobs`` (0 = all cores).
        clipped: ``clip(chat, window)`` already made by the caller, to share work (used
            only with ``window``; ``chat`` is clipped here when None).

    Returns:
        A :class:`TopicsResult`.

    Raises:
        ConfigError: bad tokenizer name, unreadable user dictionary / stopword / IDF file,
            unusable cache folder.
    """
    config = config or Config()
    cfg = config.topics
    if window is None:
        window = resolve_window(chat)  # the whole log: nothing to clip
    else:
        chat = clipped if clipped is not None else clip(chat, window)
    cache_dir = cache_dir if cache_dir is not None else cfg.cache_dir
    jobs = jobs if jobs is not None else cfg.jobs
    spec = tokenizer_spec(config, cache_dir)
    stop = kw.stopwords(cfg.stopwords, [cfg.stopwords_file] if cfg.stopwords_file else [])
    top_n = max(1, cfg.top_n)
    notes: list[Note] = []

    msgs = chat.messages
    kind = msgs[KIND].astype(object).to_numpy()
    is_event = np.isin(kind, list(EVENT_KINDS))
    is_text = kind == "text"
    is_sticker = kind == "sticker"
    weeks, week_of = _weeks(msgs[TIMESTAMP].to_numpy("datetime64[ns]"), window)

    # Distinct raw texts -> chit-chat reason; distinct cleaned texts -> tokens.
    text_rows = np.flatnonzero(is_text)
    raw = as_arrow(msgs[TEXT]).take(pa.array(text_rows)) if len(text_rows) else pa.array([], pa.string())
    enc = pc.dictionary_encode(raw)
    raw_codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    raw_uniques = enc.dictionary
    reason_u = classify_texts(raw_uniques, extra_phrases=cfg.chitchat_phrases,
                              max_chars=cfg.chitchat_max_chars)
    substantive_u = reason_u == ""
    sub_idx = np.flatnonzero(substantive_u)
    docs = raw_uniques.take(pa.array(sub_idx))  # one doc per distinct substantive text
    doc_of_raw = np.full(len(raw_uniques), -1, np.int64)
    doc_of_raw[sub_idx] = np.arange(len(sub_idx))
    tokens, seg_stats = segment_distinct(docs, spec, cache_dir=cache_dir, jobs=jobs)
    inc = kw.build_incidence(tokens, stop, cfg.min_token_chars)

    msg_doc = doc_of_raw[raw_codes]  # per text message; -1 = chit-chat
    sub = msg_doc >= 0
    sub_docs = msg_doc[sub]
    sub_weeks = week_of[text_rows][sub]
    doc_weight = np.bincount(sub_docs, minlength=inc.n_docs).astype(float)
    n_sub = int(sub.sum())

    # Keywords over the window.
    tf, df = kw.term_counts(inc, doc_weight)
    idf = kw.idf_of(inc.vocab, cfg.idf_file)
    total_tf = tf.sum()
    ranked = kw.rank_terms(tf, idf, max(top_n, cfg.concentration_top_k))

    # Theme, proposed or declared, and its expansion.
    if theme:
        terms, source = tuple(t.strip() for t in theme if t.strip()), "option"
    elif config.group.theme:
        terms, source = tuple(t.strip() for t in config.group.theme if t.strip()), "config"
    else:
        terms = tuple(inc.vocab[ranked[: cfg.proposed_theme_size]])
        source = "proposed" if terms else "none"
        if terms:
            notes.append(note("topics.theme_proposed", terms=list(terms)))
    pattern = kw.theme_pattern(terms)
    joined = pc.binary_join(tokens, " ")  # each doc's terms-to-be, space-separated
    theme_doc = _matches(joined, pattern)
    theme_term = _matches(pa.array(inc.vocab, pa.string()), pattern)
    n_theme = float(doc_weight[theme_doc].sum())
    co = np.bincount(inc.pair_term, weights=(doc_weight * theme_doc)[inc.pair_doc], minlength=len(inc.vocab))
    score = kw.npmi(co, df, n_theme, float(n_sub)) if n_sub and n_theme else np.full(len(inc.vocab), np.nan)
    eligible = (co >= cfg.expansion_min_cooccurrence) & ~theme_term & (np.nan_to_num(score, nan=-2) >= cfg.expansion_min_npmi)
    cand = np.flatnonzero(eligible)
    cand = cand[np.lexsort((cand, -co[cand], -score[cand]))][: max(0, cfg.expansion_terms)]
    on_doc = theme_doc | kw.docs_with_terms(inc, cand)
    expansion = pd.DataFrame({"term": inc.vocab[cand].astype(str), "together": co[cand].astype(int),
                              "messages": df[cand].astype(int), "npmi": np.round(score[cand], 4)})
    matches = _theme_matches(terms, joined, theme_doc, doc_weight, expansion)
    n_on = int(doc_weight[on_doc].sum())
    if n_sub and source in ("option", "config") and n_theme == 0:
        notes.append(note("topics.theme_absent", terms=list(terms)))

    on_theme_term = theme_term.copy()
    on_theme_term[cand] = True
    keywords_frame = _keyword_frame(inc, ranked[:top_n], tf, df, idf, total_tf, n_sub, on_theme_term)
    by_count = np.flatnonzero(tf > 0)
    by_count = by_count[np.lexsort((by_count, -tf[by_count]))][:top_n]
    frequent_frame = _keyword_frame(inc, by_count, tf, df, idf, total_tf, n_sub, on_theme_term)

    # Concentration.
    dist = tf[ranked[: cfg.concentration_top_k]]
    hhi_raw, hhi_norm = kw.hhi(dist)
    top_docs = kw.docs_with_terms(inc, ranked[:top_n])
    concentration = Concentration(
        entropy=kw.normalised_entropy(dist), hhi=hhi_norm, hhi_raw=hhi_raw, keywords=int((dist > 0).sum()),
        top20_coverage=float(doc_weight[top_docs].sum() / n_sub) if n_sub else math.nan,
    )

    # Chit-chat.
    reason_msg = reason_u[raw_codes]
    chit_text = ~sub
    conversational = int(is_text.sum() + is_sticker.sum())
    n_chit = int(chit_text.sum() + is_sticker.sum())
    reason_counts = pd.Series(reason_msg[chit_text]).value_counts()
    reason_counts["sticker"] = int(is_sticker.sum())
    chit_frame = pd.DataFrame({"reason": list(REASONS),
                               "messages": [int(reason_counts.get(r, 0)) for r in REASONS]})
    chit_frame["share"] = (chit_frame["messages"] / conversational).round(4) if conversational else math.nan

    drift = _drift(weeks, week_of, is_event, is_text | is_sticker, text_rows, chit_text, is_sticker,
                   sub_docs, sub_weeks, on_doc, inc, idf, top_n, cfg.drift_min_messages, cfg.drift_falls)
    small = int((~drift.weeks["compared"] & (drift.weeks["substantive"] > 0)).sum())
    if small:
        notes.append(note("topics.small_weeks", weeks=small, min_messages=cfg.drift_min_messages))
    if not n_sub:
        notes.append(note("topics.nothing_to_measure"))

    counts = TopicCounts(
        messages=len(msgs), events=int(is_event.sum()), conversational=conversational, chitchat=n_chit,
        substantive=n_sub, on_topic=n_on, distinct_texts=len(docs),
    )
    return TopicsResult(
        window=window,
        on_topic_ratio=n_on / n_sub if n_sub else math.nan,
        chitchat_ratio=n_chit / conversational if conversational else math.nan,
        counts=counts, chitchat=chit_frame, keywords=keywords_frame, frequent=frequent_frame,
        concentration=concentration,
        theme=Theme(terms=terms, source=source, expansion=expansion, matches=matches),
        drift=drift, segmentation=seg_stats, notes=tuple(notes),
    )


def _weeks(times: np.ndarray, window: Window) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Mondays of every week overlapping the window, and each message's week index."""
    def monday(days: np.ndarray) -> np.ndarray:
        num = days.astype("datetime64[D]").astype(np.int64)
        return num - (num + 3) % 7  # 1970-01-01 was a Thursday

    first = int(monday(np.array([window.start.to_datetime64()]))[0])
    last_instant = max(window.end - pd.Timedelta(1, "ns"), window.start)
    last = int(monday(np.array([last_instant.to_datetime64()]))[0])
    weeks = pd.DatetimeIndex(np.arange(first, last + 1, 7).astype("datetime64[D]").astype("datetime64[ns]"))
    week_of = ((monday(times) - first) // 7).astype(np.int64) if len(times) else np.empty(0, np.int64)
    return weeks, np.clip(week_of, 0, max(len(weeks) - 1, 0))


def _matches(texts: pa.Array, pattern: str | None) -> np.ndarray:
    if pattern is None or not len(texts):
        return np.zeros(len(texts), bool)
    return pc.fill_null(pc.match_substring_regex(texts, pattern), False).to_numpy(zero_copy_only=False)


def _theme_matches(terms: Sequence[str], tokens: pa.Array, theme_doc: np.ndarray, doc_weight: np.ndarray,
                   expansion: pd.DataFrame) -> pd.DataFrame:
    rows = []
    on = np.flatnonzero(theme_doc)
    subset = tokens.take(pa.array(on))
    for term in terms:
        hit = _matches(subset, kw.theme_pattern([term]))
        rows.append((term, "theme", int(doc_weight[on[hit]].sum())))
    rows.extend((t, "expansion", int(m)) for t, m in zip(expansion["term"], expansion["messages"], strict=True))
    return pd.DataFrame(rows, columns=["term", "role", "messages"]).astype({"messages": "int64"})


def _keyword_frame(inc: kw.Incidence, ids: np.ndarray, tf: np.ndarray, df: np.ndarray, idf: np.ndarray,
                   total_tf: float, n_sub: int, on_theme: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "rank": np.arange(1, len(ids) + 1),
        "term": inc.vocab[ids].astype(str),
        "count": tf[ids].astype(np.int64),
        "messages": df[ids].astype(np.int64),
        "share": np.round(df[ids] / n_sub, 4) if n_sub else np.full(len(ids), np.nan),
        "idf": np.round(idf[ids], 4),
        "tfidf": np.round(tf[ids] / total_tf * idf[ids], 6) if total_tf else np.zeros(len(ids)),
        "on_theme": on_theme[ids].astype(bool),
    })


def _drift(weeks: pd.DatetimeIndex, week_of: np.ndarray, is_event: np.ndarray, is_conv: np.ndarray,
           text_rows: np.ndarray, chit_text: np.ndarray, is_sticker: np.ndarray, sub_docs: np.ndarray,
           sub_weeks: np.ndarray, on_doc: np.ndarray, inc: kw.Incidence, idf: np.ndarray, top_n: int,
           min_messages: int, falls_shown: int) -> Drift:
    n_weeks = len(weeks)

    def per_week(mask_rows: np.ndarray, weights=None) -> np.ndarray:
        return np.bincount(mask_rows, weights=weights, minlength=n_weeks)[:n_weeks].astype(np.int64)

    messages = per_week(week_of[~is_event])
    conversational = per_week(week_of[is_conv])
    chitchat = per_week(week_of[text_rows][chit_text]) + per_week(week_of[is_sticker])
    substantive = per_week(sub_weeks)
    on_topic = per_week(sub_weeks[on_doc[sub_docs]]) if len(sub_docs) else np.zeros(n_weeks, np.int64)

    # Term counts per week: expand each distinct (week, doc) pair into the doc's entries.
    n_docs = max(inc.n_docs, 1)
    keys, counts = np.unique(sub_weeks * n_docs + sub_docs, return_counts=True)
    pair_week, pair_doc = keys // n_docs, keys % n_docs
    ptr = inc.entry_ptr
    lengths = ptr[pair_doc + 1] - ptr[pair_doc]
    offsets = np.repeat(ptr[pair_doc] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    entry_idx = offsets + np.arange(int(lengths.sum()))
    e_term = inc.entry_term[entry_idx]
    e_weight = np.repeat(counts, lengths).astype(float)
    e_week = np.repeat(pair_week, lengths)
    bounds = np.searchsorted(e_week, np.arange(n_weeks + 1))

    compared = substantive >= max(1, min_messages)
    top_sets: list[list[str]] = [[] for _ in range(n_weeks)]
    kw_rows = []
    for w in np.flatnonzero(compared):
        a, b = bounds[w], bounds[w + 1]
        tf = np.bincount(e_term[a:b], weights=e_weight[a:b], minlength=len(inc.vocab))
        ids = kw.rank_terms(tf, idf, top_n)
        total = tf.sum()
        top_sets[w] = list(inc.vocab[ids].astype(str))
        kw_rows.extend((weeks[w], r + 1, inc.vocab[t], int(tf[t]), round(float(tf[t] / total * idf[t]), 6))
                       for r, t in enumerate(ids))

    with np.errstate(divide="ignore", invalid="ignore"):
        chit_ratio = np.where(conversational > 0, chitchat / np.maximum(conversational, 1), np.nan)
        on_ratio = np.where(substantive > 0, on_topic / np.maximum(substantive, 1), np.nan)
    previous = [pd.NaT] * n_weeks
    jac = np.full(n_weeks, np.nan)
    change = np.full(n_weeks, np.nan)
    last = None
    for w in np.flatnonzero(compared):
        if last is not None:
            previous[w] = weeks[last]
            jac[w] = kw.jaccard(top_sets[w], top_sets[last])
            change[w] = on_ratio[w] - on_ratio[last]
        last = w
    frame = pd.DataFrame({
        "week": weeks, "messages": messages, "conversational": conversational, "chitchat": chitchat,
        "substantive": substantive, "on_topic": on_topic, "chitchat_ratio": np.round(chit_ratio, 4),
        "on_topic_ratio": np.round(on_ratio, 4), "compared": compared,
        "previous": pd.to_datetime(pd.Series(previous, dtype="datetime64[ns]")),
        "jaccard": np.round(jac, 4), "on_topic_change": np.round(change, 4),
        "top_keywords": [", ".join(s[:WEEK_TOP_SHOWN]) for s in top_sets],
    })
    falls = frame[frame["on_topic_change"] < 0].sort_values(["on_topic_change", "week"], kind="stable")
    falls = falls.head(max(0, falls_shown))[["week", "previous", "on_topic_ratio", "on_topic_change", "top_keywords"]]
    keywords = pd.DataFrame(kw_rows, columns=["week", "rank", "term", "count", "tfidf"])
    valid = jac[~np.isnan(jac)]
    return Drift(weeks=frame, keywords=keywords, mean_jaccard=float(valid.mean()) if len(valid) else math.nan,
                 falls=falls.reset_index(drop=True))


__all__ = ["analyze_topics", "tokenizer_spec"]
