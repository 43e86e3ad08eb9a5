"""Training data for the per-community Naive Bayes booster.

Two sources, both from the audited community itself (SPAM.md §4.7):

- a labels file: CSV (UTF-8, header) with ``label`` and either ``text`` or ``msg_id``
  (an id of the log); labels 1/0, spam/ham, true/false, yes/no;
- rule labels: the rule verdicts of :func:`detect_spam` -- spam messages are positives,
  and messages without any content evidence from members who are not spammers are
  negatives. Suspect and promotion messages are left out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import Config
from analysis.errors import InputError
from analysis.schema import Chat
from analysis.spam.naive_bayes import NaiveBayes

LABELS_MAX_BYTES = 256 * 1024 * 1024
"""The largest labels CSV read (256 MiB). It is read whole into memory; the limit keeps
``--labels /dev/zero`` or a wrong huge file from exhausting it."""

_TRUE = {"1", "spam", "true", "yes", "ad", "y"}
_FALSE = {"0", "ham", "false", "no", "n", "ok", "clean"}


def rule_labels(result) -> tuple[list[str], list[bool]]:
    """(texts, labels) from a :class:`SpamResult`'s verdicts (see module doc)."""
    msgs = result.messages
    spammers = set(result.members.loc[result.members["is_spammer"], "sender_id"].astype(str))
    spam = msgs["verdict"] == "spam"
    ham = (msgs["verdict"] == "") & (msgs["score"] <= 0) & ~msgs["sender_id"].astype(str).isin(spammers)
    texts = pd.concat([msgs.loc[spam, "text"], msgs.loc[ham, "text"]]).astype(str).tolist()
    labels = [True] * int(spam.sum()) + [False] * int(ham.sum())
    return texts, labels


def read_labels(path: str | Path, chat: Chat | None = None) -> tuple[list[str], list[bool]]:
    """(texts, labels) from a labels CSV (see module doc).

    Raises:
        InputError: unreadable file, not a regular file, larger than :data:`LABELS_MAX_BYTES`,
            missing columns, unknown label values.
    """
    import io

    from analysis.config import read_side_file

    try:
        data = read_side_file(path, limit=LABELS_MAX_BYTES, what="labels file", error=InputError)
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("labels file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the labels: {exc}", path=str(path)) from None
    if "label" not in frame or not ({"text", "msg_id"} & set(frame.columns)):
        raise InputError("the labels CSV needs a 'label' column and a 'text' or 'msg_id' column",
                         path=str(path), hint="header e.g. text,label")
    values = frame["label"].str.strip().str.lower()
    bad = ~values.isin(_TRUE | _FALSE)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"unknown label {frame['label'].iloc[row]!r}", path=str(path), line=row + 2,
                         hint="use 1/0, spam/ham, true/false or yes/no")
    labels = values.isin(_TRUE)
    if "text" in frame:
        return frame["text"].tolist(), labels.tolist()
    if chat is None:
        raise InputError("labels by msg_id need the log", path=str(path))
    lookup = chat.messages.drop_duplicates("msg_id").set_index("msg_id")["text"]
    texts = frame["msg_id"].map(lookup)
    missing = texts.isna()
    if missing.any():
        row = int(missing.to_numpy().nonzero()[0][0])
        raise InputError(f"msg_id {frame['msg_id'].iloc[row]!r} is not in the log", path=str(path),
                         line=row + 2)
    return texts.astype(str).tolist(), labels.tolist()


def train_model(chat: Chat, config: Config | None = None, labels: str | Path | None = None) -> NaiveBayes:
    """Fit the booster on ``labels`` (a CSV) or, without one, on the rule verdicts of ``chat``.

    Raises:
        AuditError: too few examples; InputError: a bad labels file.
    """
    if labels is not None:
        texts, y = read_labels(labels, chat)
    else:
        from analysis.spam.scoring import detect_spam

        texts, y = rule_labels(detect_spam(chat, config))
    return NaiveBayes.fit(texts, y)
