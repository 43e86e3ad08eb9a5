"""Topics: what a group talks about, how focused it is, how much is 水, and how it drifts.

    from analysis import read_log
    from analysis.topics import analyze_topics
    result = analyze_topics(read_log("sample_logs/qq_txt/study_group.txt"), theme=["读书", "三体"])
    result.on_topic_ratio, result.chitchat_ratio, result.keywords.head()

Modules: :mod:`~analysis.topics.clean` (what never becomes a token),
:mod:`~analysis.topics.chitchat` (the chit-chat classifier),
:mod:`~analysis.topics.tokenize` (jieba/rjieba, distinct texts, parallel, content-hash cache),
:mod:`~analysis.topics.keywords` (terms, TF-IDF, entropy, HHI, Jaccard, NPMI),
:mod:`~analysis.topics.analyse` (the analysis), :mod:`~analysis.topics.model` (results).
jieba is imported only when text is segmented, and its logging is kept quiet.
"""

from analysis.topics.analyse import analyze_topics
from analysis.topics.model import Concentration, Drift, Theme, TopicCounts, TopicsResult
from analysis.topics.tokenize import SegmentStats, clear_memo

__all__ = [
    "Concentration",
    "Drift",
    "SegmentStats",
    "Theme",
    "TopicCounts",
    "TopicsResult",
    "analyze_topics",
    "clear_memo",
]
