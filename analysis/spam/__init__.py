"""Spam and ad detection with explained reasons, per message and per member.

    from analysis import read_log
    from analysis.spam import detect_spam
    result = detect_spam(read_log("group.txt"))
    result.flagged          # spam messages with score and reasons
    result.members          # spam_messages, spam_score, is_spammer, reasons per member
    result.explain("L123")  # every check for one message

Design (../shared/reference/SPAM.md): normalise each distinct text once
(:mod:`~analysis.spam.normalise`), run named checks that each return a hit and a detail
(:mod:`~analysis.spam.checks`, :mod:`~analysis.spam.behaviour`), add points and require
two independent kinds of evidence or one strong one (:mod:`~analysis.spam.scoring`).
Owners, admins and allowlisted members are never judged spammers; their promotions are
listed apart. :func:`cross_group_repeats` finds the same template or handle across groups;
:class:`NaiveBayes` is an optional per-community booster.
"""

from analysis.spam.crossgroup import cross_group_repeats
from analysis.spam.naive_bayes import NaiveBayes
from analysis.spam.normalise import normalise_text
from analysis.spam.scoring import DEFAULT_WEIGHTS, SpamResult, detect_spam, judge_texts
from analysis.spam.training import rule_labels, train_model

__all__ = [
    "DEFAULT_WEIGHTS",
    "NaiveBayes",
    "SpamResult",
    "cross_group_repeats",
    "detect_spam",
    "judge_texts",
    "normalise_text",
    "rule_labels",
    "train_model",
]
