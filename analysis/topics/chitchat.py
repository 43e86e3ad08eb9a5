"""Chit-chat (水): greetings, acknowledgements, laughter, emoji/sticker-only and very short messages.

The classifier is a fixed set of rules, applied in this order, to a message's text with
emoji, bracket codes such as ``[捂脸]``, punctuation, symbols and spaces ignored, and
letters compared without regard to case (the *core text*):

1. ``sticker`` -- the record's kind is ``sticker`` (``[表情]``, ``[动画表情]``).
2. ``emoji`` -- a text message whose core text is empty: only emoji, emoji codes,
   punctuation (``👍👍``, ``[强]``, ``？？？``).
3. ``greeting`` -- the core text is nothing but greetings, repeated and optionally
   addressed (``早``, ``早上好各位``, ``大家好``, ``晚安``, ``hi``, ``在吗``).
4. ``laugh`` -- nothing but laughter (``哈哈哈``, ``hhh``, ``233``, ``笑死``, ``lol``).
5. ``ack`` -- nothing but acknowledgements (``收到``, ``好的好的``, ``+1``, ``1``, ``ok``,
   ``谢谢老师``, ``辛苦了``, ``同意``), possibly mixed with greetings and laughter
   (``哈哈好的``).
6. ``short`` -- at most ``chitchat_max_chars`` characters of core text (default 2:
   ``嗯``, ``啊这``, ``？？`` after punctuation is gone).

Anything else is *substantive*. The phrase lists are below; ``[topics] chitchat_phrases``
adds phrases to the acknowledgement list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.topics.clean import CONTENT_CLASS, NOISE

REASONS: tuple[str, ...] = ("sticker", "emoji", "greeting", "laugh", "ack", "short")
"""Why a message is chit-chat, in the order the rules are tried."""

GREETINGS: tuple[str, ...] = (
    "早", "早安", "早上好", "上午好", "中午好", "下午好", "晚上好", "晚安", "午安",
    "大家好", "你好", "您好", "你们好", "哈喽", "嗨", "在吗", "在不在", "在么", "新年好",
    "新年快乐", "节日快乐", "周末愉快", "欢迎", "欢迎欢迎", "欢迎新朋友", "欢迎新人",
    "hi", "hello", "hey", "morning", "goodmorning", "goodnight", "gm", "gn",
)
"""Greetings and welcomes (a message of only these is chit-chat)."""

ACKS: tuple[str, ...] = (
    "收到", "好的", "好", "好滴", "好哒", "好嘞", "好吧", "行", "行吧", "可以", "可以的", "嗯",
    "嗯嗯", "嗯呢", "哦", "哦哦", "噢", "噢噢", "喔", "对", "对的", "对啊", "是的", "是啊",
    "没错", "同意", "赞", "赞赞", "棒", "真棒", "厉害", "牛", "牛逼", "666", "6", "1",
    "谢谢", "感谢", "多谢", "谢啦", "谢了", "3q", "辛苦", "辛苦了", "辛苦啦", "不客气",
    "没事", "没关系", "知道了", "明白", "明白了", "了解", "懂了", "ok", "okay", "k", "yes",
    "yep", "yeah", "sure", "thanks", "thankyou", "thx", "ty", "np", "got", "gotit",
    "nice", "cool", "great", "agreed", "done", "冲", "冲冲冲", "加油", "打卡", "已打卡",
    "签到", "已签到", "顶", "支持", "报名", "在", "来了", "到", "确实", "确实是", "有道理",
    "赞同", "没毛病", "可不是", "真的", "是呀", "对呀", "好呀", "懂", "了解了", "get", "mark",
    "马克", "码住", "插眼", "围观", "路过", "前排", "沙发",
    # red-packet reactions (抢红包)
    "谢谢老板", "老板大气", "恭喜发财", "大吉大利", "手慢了", "抢到了", "没抢到",
)
"""Acknowledgements, agreement, thanks, one-word cheers and red-packet reactions (``+1`` becomes ``1`` once
symbols are gone). 打卡/签到 alone are chit-chat here; the events analyser counts them."""

LAUGHS: tuple[str, ...] = (
    "哈", "哈哈", "呵", "呵呵", "嘿", "嘿嘿", "嘻", "嘻嘻", "hh", "h", "hiahia", "233",
    "23333", "lol", "lmao", "rofl", "haha", "hehe", "xswl", "笑死", "笑死我了", "笑哭",
    "绝了", "草",
)
"""Laughter (repeats such as 哈哈哈哈哈 and 233333 are covered by repetition)."""

ADDRESSEES = r"(?:大家|各位|老师|老板|群主|管理|亲|亲们|宝宝们|宝子们|姐妹们|兄弟们|朋友们|小伙伴们|同学们|家人们|all|guys|everyone)"
"""Who a greeting or thanks may be addressed to: ``谢谢老师``, ``早上好各位``."""

DEFAULT_MAX_CHARS = 2
"""``[topics] chitchat_max_chars`` default: messages of at most 2 characters of core
text (``嗯``, ``啊这``, ``ok``) carry no topic; three characters already can (``跑完了``)."""


def _alternation(words: Iterable[str]) -> str:
    unique = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in unique) + ")"


def _only(words: Iterable[str]) -> str:
    """Nothing but ``words`` (repeated), an optional addressee before or after, and noise
    (emoji, codes, punctuation, spaces) anywhere between them."""
    n = f"{NOISE}*"
    return f"(?i)^{n}(?:{ADDRESSEES}{n})?(?:{_alternation(words)}{n})+(?:{ADDRESSEES}{n})?$"


def classify_texts(texts: pa.Array, *, extra_phrases: Iterable[str] = (),
                   max_chars: int = DEFAULT_MAX_CHARS) -> np.ndarray:
    """The chit-chat reason of each text message, or ``""`` when it is substantive.

    Each rule is one anchored RE2 match over the raw text (noise -- emoji, bracket codes,
    punctuation, spaces -- is skipped by the pattern itself), so a long substantive
    message is rejected after its first few characters.

    Args:
        texts: message bodies (Arrow string array; typically the distinct texts).
        extra_phrases: more acknowledgement phrases (``[topics] chitchat_phrases``).
        max_chars: the ``short`` rule's limit (``[topics] chitchat_max_chars``).

    Returns:
        A numpy object array of reasons from :data:`REASONS` (never ``sticker``: that
        comes from the record's kind) or ``""``.
    """
    n = f"{NOISE}*"
    patterns = (
        ("emoji", f"^{n}$"),
        ("greeting", _only(GREETINGS)),
        ("laugh", _only(LAUGHS)),
        # ``ack`` accepts mixtures, so pure greetings and laughter are told apart first.
        ("ack", _only((*ACKS, *extra_phrases, *GREETINGS, *LAUGHS))),
        ("short", f"^{n}(?:{CONTENT_CLASS}{n}){{0,{max(0, int(max_chars))}}}$"),
    )
    reason = np.full(len(texts), "", dtype=object)
    undecided = np.ones(len(texts), dtype=bool)
    for name, pattern in patterns:  # each pattern fails within a few characters of a real message
        hit = pc.fill_null(pc.match_substring_regex(texts, pattern), False).to_numpy(zero_copy_only=False)
        hit &= undecided
        reason[hit] = name
        undecided &= ~hit
    return reason
