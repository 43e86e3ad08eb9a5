"""The per-community Naive Bayes booster: fit, save/load, refuse tiny data, boost but never decide."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from analysis.errors import AuditError, InputError
from analysis.spam import NaiveBayes, judge_texts

HAM_WORDS = "今天 跑步 配速 训练 马拉松 早上 晚上 天气 公园 膝盖 跑鞋 拉伸 心率 补水 周末 一起".split()
SPAM_WORDS = "兼职 刷单 日结 返利 宝妈 在家 轻松 赚钱 佣金 名额 有限 速来 私聊 日赚".split()


def corpus(seed=3):
    rng = random.Random(seed)
    ham = ["".join(rng.sample(HAM_WORDS, 4)) for _ in range(300)]
    spam = ["".join(rng.sample(SPAM_WORDS, 4)) for _ in range(60)]
    return ham + spam, [False] * len(ham) + [True] * len(spam)


def test_fit_predict_save_load_roundtrip(tmp_path):
    texts, labels = corpus()
    model = NaiveBayes.fit(texts, labels)
    p = model.predict_texts(["在家轻松赚钱刷单返利", "周末公园跑步拉伸", "", "𝐀𝐁𝐂"])
    assert p[0] > 0.9 and p[1] < 0.1
    assert p[2] == pytest.approx(p[3])  # no known bigram: the prior
    path = tmp_path / "model.json"
    model.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "community-audit-spam-nb" and data["n_spam"] == 60
    again = NaiveBayes.load(path)
    assert np.allclose(again.predict_texts(["在家轻松赚钱刷单返利"]), p[:1], atol=1e-6)
    why = model.explain_params("在家轻松赚钱刷单返利", 0.99)
    assert why["p"] == 0.99 and 1 <= len(why["bigrams"]) <= 3
    assert all(g in "在家轻松赚钱刷单返利" for g in why["bigrams"])
    assert model.explain("在家轻松赚钱刷单返利", 0.99) == "p=0.99; " + ", ".join(why["bigrams"])


def test_refuses_too_few_examples_and_bad_files(tmp_path):
    with pytest.raises(AuditError, match="too few examples"):
        NaiveBayes.fit(["刷单"] * 5 + ["跑步"] * 5, [True] * 5 + [False] * 5)
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(InputError, match="not a community-audit spam model"):
        NaiveBayes.load(bad)
    with pytest.raises(InputError, match="not found"):
        NaiveBayes.load(tmp_path / "missing.json")


def test_model_boosts_but_is_never_the_only_reason():
    texts, labels = corpus()
    model = NaiveBayes.fit(texts, labels)
    got = judge_texts(["在家轻松赚钱刷单", "名额有限佣金有限", "在家轻松赚钱 加微信 run2024"], model=model)
    # lexicon + model: two kinds -> spam, with the model named in the reasons
    assert got.iloc[0]["verdict"] == "spam" and "model_nb: p=" in got.iloc[0]["reasons"]
    model_row = [row for row in got.iloc[0]["reason_rows"] if row[0] == "model_nb"][0]
    assert model_row[2] == "detail.model_nb" and set(model_row[3]) == {"p", "bigrams"}
    assert model_row[4].startswith(f"p={model_row[3]['p']:.2f}")
    # the model alone (no rule fired) never makes spam, however sure it is
    assert model.predict_texts(["名额有限佣金有限"])[0] > 0.9
    assert got.iloc[1]["verdict"] == ""
    assert "model_nb" not in judge_texts(["在家轻松赚钱刷单"]).iloc[0]["reasons"]
