"""Topic analysis speed on a generated 1,000,000-message log (about 70 MB of text).

    pytest tests/benchmarks/bench_topics.py -m benchmark -s
    BENCH_MESSAGES=200000 pytest tests/benchmarks/bench_topics.py -m benchmark -s   # quicker
    BENCH_TOPICS_JIEBA=0 ...   # skip the extra run with the pure-Python jieba engine

Side by side, in one process:

- baseline: one single-process ``jieba.lcut`` pass over every message text (dictionary
  loaded beforehand, not timed);
- run 1: ``analyze_topics`` with the default settings (engine ``auto``, all cores) and a fresh
  ``--cache`` folder;
- run 2: the same again after clearing the in-process memo, so the tokens come from the
  cache folder, as in a second command-line run;
- and, for the record, run 1 with the pure-Python jieba engine (what a user without rjieba gets).

Targets (issue 7): run 1 <= 0.2x baseline, run 2 <= 0.05x baseline.

The log is drawn from a model of a busy running club's group chat, not from repeated
strings: a fifth of the messages come from a bank of ~150 chit-chat variants (收到, 好的,
哈哈哈, +1, 👍, 早安 ...), some are media placeholders, system notices, 打卡 templates with
numbers, reposted announcements and common questions, and the rest (about 58%) is free
text sampled word by word from jieba's dictionary (Zipf-weighted) with a running
vocabulary mixed in, so practically every free-text message is distinct. The distinct-text
ratio is printed.
"""

from __future__ import annotations

import gc
import os
import random
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.config import Config, TopicsConfig
from analysis.schema import Chat, build_messages

THEME = ["跑步", "配速", "马拉松"]
RUN_WORDS = ["跑步", "配速", "马拉松", "公里", "训练", "心率", "跑鞋", "半马", "全马", "间歇跑", "长距离", "拉伸",
             "热身", "晨跑", "夜跑", "奥森", "操场", "步频", "乳酸", "补给", "能量胶", "膝盖", "跑量", "节奏跑",
             "比赛", "报名", "完赛", "PB", "compression", "Garmin"]
CHITCHAT = ["收到", "好的", "好的好的", "哈哈", "哈哈哈", "哈哈哈哈哈", "+1", "+1+1", "👍", "👍👍", "🙏", "😂😂",
            "[捂脸]", "[强]", "[旺柴]", "早", "早安", "早上好", "早上好各位", "晚安", "大家好", "谢谢", "谢谢老师",
            "谢谢大家", "辛苦了", "收到！", "好嘞", "嗯嗯", "OK", "ok", "1", "666", "厉害", "牛", "赞", "同意",
            "确实", "是的", "对", "在吗", "来了", "冲", "加油", "加油💪", "哈哈好的", "好的👌", "收到收到",
            "谢谢老板", "手慢了", "恭喜发财", "hhh", "笑死", "？", "？？？", "嗯", "啊这", "可以", "明白",
            "了解", "感谢", "多谢", "棒棒哒", "太强了", "羡慕", "厉害了", "学习了", "mark", "顶", "支持"]
CHITCHAT = CHITCHAT + [c + "!" for c in CHITCHAT[:40]] + [c + "~" for c in CHITCHAT[:40]]
PARTICLES = ["了", "的", "吗", "呢", "吧", "啊", "哦", "呀"]
ENDINGS = ["", "", "", "。", "！", "？", "~", "…", "😂", "👍", "[捂脸]"]


def _dictionary_words(rng: np.random.Generator, top: int = 60000) -> tuple[np.ndarray, np.ndarray]:
    """Words of jieba's dictionary and sampling weights (frequency^0.75: Zipf-like)."""
    import jieba

    frame = pd.read_csv(Path(jieba.__file__).parent / "dict.txt", sep=" ", header=None,
                        names=["word", "freq", "tag"], quoting=3, dtype={"word": str}, na_filter=False)
    frame = frame[frame["word"].str.fullmatch(r"[\u4e00-\u9fff]{1,4}")]
    frame = frame.nlargest(top, "freq")
    weights = frame["freq"].to_numpy(float) ** 0.75
    return frame["word"].to_numpy(object), weights / weights.sum()


def generate(n: int, seed: int = 7) -> Chat:
    """A realistic ``n``-message running-club chat (see the module docstring)."""
    rng = np.random.default_rng(seed)
    prng = random.Random(seed)
    words, weights = _dictionary_words(rng)
    kinds = rng.choice(["free", "chit", "media", "event", "checkin", "notice", "question"], size=n,
                       p=[0.58, 0.20, 0.08, 0.03, 0.05, 0.02, 0.04])
    texts = np.empty(n, dtype=object)
    record_kind = np.full(n, "text", dtype=object)

    free = np.flatnonzero(kinds == "free")
    # Free text: clauses of 2-7 dictionary words; ~60% of messages talk about running.
    lengths = np.clip(rng.lognormal(2.6, 0.55, len(free)).astype(int), 3, 80)  # words per message
    pool = rng.choice(words, size=int(lengths.sum()), p=weights)
    run_pool = rng.choice(RUN_WORDS, size=int(lengths.sum()))
    on_topic = rng.random(len(free)) < 0.6
    pos = 0
    for j, i in enumerate(free):
        k = int(lengths[j])
        seq = list(pool[pos:pos + k])
        if on_topic[j]:
            for slot in rng.integers(0, k, size=1 + k // 6):
                seq[slot] = run_pool[pos + int(slot)]
        pos += k
        out, clause = [], 0
        for w in seq:
            out.append(w)
            clause += 1
            if clause >= prng.randint(2, 7):
                out.append(prng.choice(PARTICLES) + "，" if prng.random() < 0.3 else "，")
                clause = 0
        texts[i] = "".join(out).rstrip("，") + prng.choice(ENDINGS)

    chit = np.flatnonzero(kinds == "chit")
    texts[chit] = rng.choice(np.array(CHITCHAT, dtype=object), size=len(chit))
    media = np.flatnonzero(kinds == "media")
    picks = rng.integers(0, 3, size=len(media))
    texts[media] = np.array(["[图片]", "[表情]", "[语音]"], dtype=object)[picks]
    record_kind[media] = np.array(["image", "sticker", "voice"], dtype=object)[picks]
    event = np.flatnonzero(kinds == "event")
    names = [f"跑友{i}" for i in range(3000)]
    for i in event:
        what = prng.random()
        who = prng.choice(names)
        texts[i], record_kind[i] = ((f"{who}加入本群", "join") if what < 0.5 else
                                    (f"{who}退出了群聊", "leave") if what < 0.8 else (f"{who}撤回了一条消息", "recall"))
    for i in np.flatnonzero(kinds == "checkin"):
        texts[i] = (f"打卡第{prng.randint(1, 365)}天，今日跑量{prng.randint(3, 21)}公里，"
                    f"配速{prng.randint(4, 7)}分{prng.randint(0, 5) * 10}秒")
    notices = ["【通知】" + "".join(rng.choice(words, size=40, p=weights)) + "，报名链接 https://example.org/r/"
               + str(k) for k in range(200)]
    notice = np.flatnonzero(kinds == "notice")
    texts[notice] = np.array(notices, dtype=object)[rng.integers(0, 200, size=len(notice))]
    questions = ["".join(rng.choice(words, size=3, p=weights)) + prng.choice(["吗？", "？", "呢？", "怎么样？"])
                 for _ in range(300)] + ["明天几点集合？", "在哪里集合？", "今晚还跑吗？", "有人一起跑吗？"]
    question = np.flatnonzero(kinds == "question")
    texts[question] = np.array(questions, dtype=object)[rng.integers(0, len(questions), size=len(question))]

    start = pd.Timestamp("2023-01-02")
    seconds = np.sort(rng.integers(0, 364 * 86400, size=n))
    senders = (rng.pareto(1.2, size=n).astype(int) % 800 + 10001).astype(str)
    messages = build_messages({
        "timestamp": start + pd.to_timedelta(seconds, unit="s"), "sender_id": senders, "sender": senders,
        "kind": record_kind, "text": texts, "line": np.arange(1, n + 1),
    }, sort=False)
    return Chat(messages=messages, group="基准跑团", platform="qq", format="qq-txt")


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


@pytest.mark.benchmark
def test_topics_speed():
    import jieba

    from analysis.topics import analyze_topics, clear_memo
    from analysis.topics.tokenize import quiet_jieba

    n = int(os.environ.get("BENCH_MESSAGES", "1000000"))
    gen_s, chat = timed(lambda: generate(n))
    texts = chat.messages["text"].tolist()
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    distinct = len(set(texts))
    distinct_mb = sum(len(t.encode("utf-8")) for t in set(texts)) / 1e6
    print(f"\nlog: {n:,} messages, {mb:.1f} MB of text (UTF-8), generated in {gen_s:.1f} s")
    print(f"distinct texts: {distinct:,} ({distinct / n:.1%} of messages, {distinct_mb / mb:.1%} of the bytes)")

    quiet_jieba()
    jieba.initialize()
    def baseline() -> None:
        for text in texts:  # tokens are dropped at once: a million live lists would slow
            jieba.lcut(text)  # every later step through the garbage collector

    base_s, _ = timed(baseline)
    gc.collect()
    print(f"baseline  single-process jieba.lcut over all texts: {base_s:7.2f} s  ({mb / base_s:.2f} MB/s)")

    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        clear_memo()
        run1_s, r1 = timed(lambda: analyze_topics(chat, theme=THEME, cache_dir=cache))
        clear_memo()
        run2_s, r2 = timed(lambda: analyze_topics(chat, theme=THEME, cache_dir=cache))
        cache_mb = sum(p.stat().st_size for p in cache.iterdir()) / 1e6
    s1, s2 = r1.segmentation, r2.segmentation
    print(f"run 1     analyze_topics, {s1.engine}, {s1.jobs} of {cores} cores, empty --cache: {run1_s:7.2f} s"
          f"  = {run1_s / base_s:.3f}x baseline  (segmenting {s1.seconds:.2f} s of it;"
          f" {s1.segmented:,} distinct cleaned texts of {r1.counts.substantive:,} substantive messages)")
    print(f"run 2     analyze_topics, tokens from --cache ({cache_mb:.0f} MB):          {run2_s:7.2f} s"
          f"  = {run2_s / base_s:.3f}x baseline  ({s2.from_disk:,} from the cache, {s2.segmented} segmented)")
    print(f"result    on_topic_ratio {r1.on_topic_ratio:.3f}, chitchat_ratio {r1.chitchat_ratio:.3f}, "
          f"entropy {r1.concentration.entropy:.3f}, hhi {r1.concentration.hhi:.4f}, "
          f"mean weekly Jaccard {r1.drift.mean_jaccard:.3f}")
    assert r2.keywords.equals(r1.keywords) and r2.on_topic_ratio == r1.on_topic_ratio

    if os.environ.get("BENCH_TOPICS_JIEBA", "1") != "0":
        clear_memo()
        cfg = Config(topics=TopicsConfig(tokenizer="jieba"))
        jieba_s, rj = timed(lambda: analyze_topics(chat, theme=THEME, config=cfg))
        print(f"run 1j    analyze_topics, jieba engine, {rj.segmentation.jobs} processes, no cache:   {jieba_s:7.2f} s"
              f"  = {jieba_s / base_s:.3f}x baseline  (same keywords as rjieba: "
              f"{rj.keywords['term'].tolist() == r1.keywords['term'].tolist()})")

    assert run1_s <= 0.2 * base_s, f"run 1 took {run1_s / base_s:.3f}x the baseline (target 0.2x)"
    assert run2_s <= 0.05 * base_s, f"run 2 took {run2_s / base_s:.3f}x the baseline (target 0.05x)"
