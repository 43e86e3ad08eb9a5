"""A small multinomial Naive Bayes on character bigrams, fitted on one community's messages.

Why so small and so local: SPAM.md §0 measured that a character-bigram NB is good inside
the data it was trained on (F1 0.76-0.93) and poor on another community's (F1 0.05-0.73),
so the audit never ships a global model. ``community-audit spam LOG --train model.json``
fits one on the audited group's own labels (a ``--labels`` CSV) or on the rule verdicts
(spam messages vs clean messages of established members), and ``--model model.json`` uses
it as a *booster*: it adds points and counts as a kind of evidence only next to another.

Features: bigrams of the ``compact`` view (Chinese characters, a-z, 0-9; homoglyphs and
traditional characters folded), counted per occurrence. Laplace smoothing (alpha = 1) over
the bigrams seen at least twice in training. Training refuses fewer than 20 spam or 200 ham
texts (SPAM.md §4.7; tg-spam #97: an empty ham class made NB flag everyone). Scoring is
vectorised: bigram codes are looked up in a sorted array, log-ratios summed per text.
The file is JSON: ``{"format": "community-audit-spam-nb", "version": 1, ...}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.errors import AuditError, InputError
from analysis.spam.normalise import Views, normalise, to_codepoints

FORMAT = "community-audit-spam-nb"
VERSION = 1
MIN_SPAM = 20
"""Fewest distinct spam texts to train on (SPAM.md §4.7)."""
MIN_HAM = 200
"""Fewest distinct ham texts to train on (SPAM.md §4.7)."""


def _bigram_codes(views: Views) -> tuple[np.ndarray, np.ndarray]:
    """(codes, owner): one int64 code per bigram of each compact text, and its text index."""
    cp, off = to_codepoints(views.compact)
    if len(cp) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    c = cp.astype(np.int64)
    codes = (c[:-1] << 21) | c[1:]
    pos = np.arange(len(cp) - 1)
    owner = np.searchsorted(off, pos, side="right") - 1
    valid = pos + 1 < off[owner + 1]
    return codes[valid], owner[valid]


def _decode(code: int) -> str:
    return chr(code >> 21) + chr(code & ((1 << 21) - 1))


@dataclass
class NaiveBayes:
    """A fitted model: log-ratio per bigram and the prior log-odds."""

    codes: np.ndarray
    """Sorted bigram codes (int64)."""
    weights: np.ndarray
    """log P(bigram | spam) - log P(bigram | ham), aligned with ``codes``."""
    prior: float
    """log(spam texts / ham texts) in training."""
    n_spam: int
    n_ham: int

    @classmethod
    def fit(cls, texts, labels, alpha: float = 1.0) -> NaiveBayes:
        """Fit on texts and boolean labels (True = spam); duplicate texts count once.

        Raises:
            AuditError: fewer than :data:`MIN_SPAM` spam or :data:`MIN_HAM` ham texts.
        """
        import pandas as pd

        frame = pd.DataFrame({"text": list(texts), "label": np.asarray(labels, dtype=bool)})
        frame = frame.dropna().drop_duplicates("text")
        n_spam = int(frame["label"].sum())
        n_ham = int((~frame["label"]).sum())
        if n_spam < MIN_SPAM or n_ham < MIN_HAM:
            raise AuditError(
                f"too few examples to train on: {n_spam} spam and {n_ham} ham texts "
                f"(need at least {MIN_SPAM} and {MIN_HAM})",
                hint="label more messages in a --labels CSV (text,label), or use a longer log")
        views = normalise(frame["text"].astype(str).to_numpy())
        codes, owner = _bigram_codes(views)
        spam_tok = frame["label"].to_numpy()[owner]
        vocab, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
        keep = counts >= 2
        n_s = np.bincount(inverse, weights=spam_tok, minlength=len(vocab))[keep]
        n_h = np.bincount(inverse, weights=~spam_tok, minlength=len(vocab))[keep]
        vocab = vocab[keep]
        v = len(vocab)
        log_s = np.log((n_s + alpha) / (n_s.sum() + alpha * v))
        log_h = np.log((n_h + alpha) / (n_h.sum() + alpha * v))
        return cls(codes=vocab, weights=log_s - log_h, prior=float(np.log(n_spam / n_ham)),
                   n_spam=n_spam, n_ham=n_ham)

    def predict_proba(self, views: Views) -> np.ndarray:
        """P(spam) per text of ``views`` (the prior for texts without known bigrams)."""
        logit = np.full(len(views), self.prior)
        codes, owner = _bigram_codes(views)
        if len(codes) and len(self.codes):
            pos = np.clip(np.searchsorted(self.codes, codes), 0, len(self.codes) - 1)
            known = self.codes[pos] == codes
            logit += np.bincount(owner[known], weights=self.weights[pos[known]], minlength=len(views))
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))

    def predict_texts(self, texts) -> np.ndarray:
        """P(spam) per raw text."""
        return self.predict_proba(normalise(texts))

    def explain_params(self, compact: str, p: float, top: int = 3) -> dict:
        """Why the model scored one compact text ``p``: ``{"p": p, "bigrams": [...]}``, the
        (at most ``top``) known bigrams that push it most towards spam. The parameters of
        the ``detail.model_nb`` detail code (``cli/catalogue_spam.py`` words it)."""
        grams = {compact[i:i + 2] for i in range(len(compact) - 1)}
        scored = []
        for g in grams:
            code = (ord(g[0]) << 21) | ord(g[1])
            pos = int(np.searchsorted(self.codes, code))
            if pos < len(self.codes) and self.codes[pos] == code:
                scored.append((float(self.weights[pos]), g))
        best = [g for wgt, g in sorted(scored, reverse=True)[:top] if wgt > 0]
        return {"p": float(p), "bigrams": best}

    def explain(self, compact: str, p: float, top: int = 3) -> str:
        """``p=0.97; 刷单, 日结`` for one compact text: the probability and the top bigrams
        (figures and the text's own characters; :meth:`explain_params` gives them as data)."""
        params = self.explain_params(compact, p, top)
        return f"p={params['p']:.2f}" + (f"; {', '.join(params['bigrams'])}" if params["bigrams"] else "")

    def save(self, path: str | Path) -> None:
        """Write the model as JSON."""
        data = {
            "format": FORMAT, "version": VERSION, "features": "char-bigrams of the compact view",
            "n_spam": self.n_spam, "n_ham": self.n_ham, "prior_log_odds": self.prior,
            "bigrams": {_decode(int(c)): round(float(w), 6) for c, w in zip(self.codes, self.weights, strict=True)},
        }
        Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> NaiveBayes:
        """Read a model written by :meth:`save`.

        Raises:
            InputError: missing, not JSON, or not a model of this format.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("model file not found", path=str(path)) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"cannot read the model: {exc}", path=str(path)) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            raise InputError("not a community-audit spam model", path=str(path),
                             hint="train one with: community-audit spam LOG --train model.json")
        grams = data["bigrams"]
        codes = np.array([(ord(g[0]) << 21) | ord(g[1]) for g in grams], dtype=np.int64)
        weights = np.array(list(grams.values()), dtype=float)
        order = np.argsort(codes)
        return cls(codes=codes[order], weights=weights[order], prior=float(data["prior_log_odds"]),
                   n_spam=int(data["n_spam"]), n_ham=int(data["n_ham"]))
