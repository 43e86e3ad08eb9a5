"""Normalisation: disguised handles and words come out readable; ordinary text is not mangled."""

from __future__ import annotations

import pytest

from analysis.spam.normalise import normalise, normalise_text


@pytest.mark.parametrize(("raw", "expected"), [
    # zero-width and format characters inside a number
    ("加q\u200bq 7\u200d5\u20622753636", "加qq 752753636"),
    # full-width letters and digits
    ("ＱＱ：７５２７５３６３６", "qq:752753636"),
    # circled, dingbat and mathematical digits / letters
    ("①⑨➊❾⓵5", "191915"),
    ("𝐇𝕌𝐗457", "hux457"),
    ("🅥🅧 abc123", "微信 abc123"),  # negative-circled letters, then vx -> 微信
    # separators inside digit runs and between single letters
    ("138-0000-1234", "13800001234"),
    ("2591 1478", "25911478"),
    ("k u c 2 3 5", "kuc235"),
    # Chinese numerals in a contact number (five or more in a run)
    ("电话一三八零零零零一二三四", "电话13800001234"),
    # homophones and variants of 微信 / QQ / 群
    ("薇信 abc123", "微信 abc123"),
    ("威信：abc123", "微信:abc123"),
    ("V❤ abc123", "微信 abc123"),
    ("vx: abc123", "微信: abc123"),
    ("佳喂 sx111505", "加微 sx111505"),
    ("扣扣 12345678", "qq 12345678"),
    ("家-企-鹅752753636", "家-qq752753636"),
    ("🐧 12345678", "qq 12345678"),
    ("君羊 473151831", "群 473151831"),
    ("进裙 88886666", "进群 88886666"),
    # traditional and phrase-variant characters, 点com
    ("註冊送彩金 d9623點com", "注册送彩金 d9623.com"),
    ("炷冊凂曊鎹埰唫", "注册免费送彩金"),
    # Cyrillic / Greek look-alikes
    ("ΕКХ596", "ekx596"),
])
def test_disguises_are_undone(raw, expected):
    assert normalise_text(raw) == expected


@pytest.mark.parametrize("text", [
    "今天天气不错，我们去跑步吧",
    "三四个人一起去",               # numerals outside a long run stay
    "他很有威望",
    "https://mp.weixin.qq.com/s/abc",  # a link keeps its dots and its 'weixin'
    "",
])
def test_ordinary_text_survives(text):
    out = normalise_text(text)
    assert out == text.lower().replace("，", ",")


def test_counts_on_the_raw_text_and_compact_view():
    v = normalise(["\u200b加 V：ａｂｃ１２３ 😀😀", "代.理 证 券", None])
    assert list(v.n_invisible) == [1, 0, 0]
    assert list(v.n_stylised) == [6, 0, 0]
    assert list(v.n_emoji) == [2, 0, 0]
    assert v.compact.to_pylist()[1] == "代理证券"
    assert v.norm.to_pylist()[2] == ""
    # raw is kept for display
    assert v.raw.to_pylist()[0].startswith("\u200b")


def test_long_texts_are_counted_exactly():
    text = "😀" * 5000 + "\u200b" * 3
    v = normalise([text, "x"])
    assert v.n_emoji[0] == 5000 and v.n_invisible[0] == 3 and v.n_emoji[1] == 0
