"""The shared WeChat vocabulary (analysis/parsers/_wechat.py): system texts and placeholders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis.notes import note
from analysis.parsers._wechat import (
    apply_system_events,
    arrow_extract,
    arrow_match,
    body_kinds,
    classify_system_text,
    system_events,
)
from analysis.schema import STRING, build_messages


@pytest.mark.parametrize(("text", "expected"), [
    ('"张三"邀请"李四"加入了群聊', ("join", "李四", "张三")),
    ("“张三”邀请“李四”加入了群聊", ("join", "李四", "张三")),
    ('"张三"邀请你和"李四"加入了群聊', ("join", "你", "张三")),
    ('你邀请"李四"加入了群聊', ("join", "李四", "你")),
    ('"李四"通过扫描"张三"分享的二维码加入群聊', ("join", "李四", "张三")),
    ('"李四"通过扫描你分享的二维码加入群聊', ("join", "李四", "你")),
    ('你将"李四"移出了群聊', ("leave", "李四", "你")),
    ('"张三"将"李四"移出了群聊', ("leave", "李四", "张三")),
    ("李四退出了群聊", ("leave", "李四", None)),
    ('"李四" 撤回了一条消息', ("recall", "李四", None)),
    ('<![CDATA[你撤回了一条消息 <a href="weixin://revoke_edit_click">重新编辑</a>]]>', ("recall", "你", None)),
    ('李四领取了你的<_wc_custom_link_ color="#FD9931" href="weixin://x">红包</_wc_custom_link_>',
     ("system", "李四", None)),
    ('"李四" 拍了拍 "张三"', ("system", "李四", None)),
    ('我拍了拍 "张三" 的肩膀', ("system", "你", None)),
    ('"张三"修改群名为"夜跑团"', ("system", "张三", None)),
    ("李四与群里其他人都不是朋友关系，请注意隐私安全", ("system", None, None)),
])
def test_classify_system_text(text, expected):
    assert classify_system_text(text) == expected


def test_every_member_of_a_notice_is_named():
    events = system_events(pd.Series(['"张三"邀请"李四"、"王五"加入了群聊',
                                      '"张三"邀请"李四、王五"加入了群聊',
                                      '"张三"邀请你和"李四"加入了群聊']))
    assert events["who"].tolist() == [["李四", "王五"], ["李四", "王五"], ["你", "李四"]]
    assert events["actor"].tolist() == ["张三"] * 3


def test_placeholders_are_media_and_emoji_codes_are_text():
    bodies = pd.Series(["[图片]", "[捂脸]", "哈哈[捂脸]", "[强][强]", "【表情包】 狗头", "[语音 3秒]",
                        "[文件: a.pdf]", "【红包】: 恭喜发财", "[红包]", "[红包][红包]谢谢老板",
                        "【发起转账】:￥1.00\n备注: x", "微信转账 向甲转账", "[位置] 公园 (1,2)",
                        "[链接]:title:abc", "https://example.com/a", "【限时特惠】跑鞋", "[旺柴]"])
    assert body_kinds(bodies).tolist() == [
        "image", "text", "text", "text", "sticker", "voice", "file", "red_packet", "red_packet",
        "text", "transfer", "transfer", "location", "link", "link", "text", "text"]


def test_apply_system_events_resolves_ids_and_splits_members():
    frame = build_messages({
        "msg_id": ["1", "2", "3", "4"],
        "timestamp": pd.to_datetime(["2024-01-01 10:00"] * 4),
        "sender_id": ["wxid_a", "", "wxid_b", ""],
        "sender": ["张三", "", "李四", ""],
        "kind": ["text", "system", "text", "system"],
        "text": ["hi", '你邀请"李四"、"王五"加入了群聊', "hello", "群聊邀请确认已开启"],
        "line": [1, 2, 3, 4],
    })
    out, warnings = apply_system_events(frame, np.array([False, True, False, True]),
                                        self_id="wxid_me", self_name="我自己",
                                        known_ids={"王五": "wxid_c"})
    rows = out.set_index("msg_id")
    assert rows.loc["2", ["sender_id", "actor_id", "kind"]].tolist() == ["wxid_b", "wxid_me", "join"]
    assert rows.loc["2#2", ["sender_id", "sender", "actor_id"]].tolist() == ["wxid_c", "王五", "wxid_me"]
    assert rows.loc["4", ["sender_id", "kind"]].tolist() == ["system", "system"]
    assert rows.loc["1", "kind"] == "text" and pd.isna(rows.loc["1", "actor_id"])
    assert warnings == []


def _chat_with_notices(*notices: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Two members who speak (张三 wxid_a, 李四 wxid_b), then the notices, in a canonical table."""
    texts = ["hi", "hello", *notices]
    n = len(texts)
    frame = build_messages({
        "msg_id": [str(i) for i in range(1, n + 1)],
        "timestamp": pd.date_range("2024-01-01 10:00", periods=n, freq="min"),
        "sender_id": ["wxid_a", "wxid_b", *[""] * len(notices)],
        "sender": ["张三", "李四", *[""] * len(notices)],
        "kind": ["text", "text", *["system"] * len(notices)],
        "text": texts,
        "line": list(range(1, n + 1)),
    })
    return frame, np.array([False, False, *[True] * len(notices)])


@pytest.mark.parametrize("known_ids", [None, {"王五": "wxid_c"}, {"赵六": "wxid_d"}])
def test_notice_naming_several_members_with_names_nobody_knows(known_ids):
    """Regression: exploding a notice repeated its index label, and name resolution then
    assigned through the duplicated index (pandas InvalidIndexError)."""
    frame, mask = _chat_with_notices('"张三"邀请"李四"、"王五"、"赵六"加入了群聊', '"王五"将"李四"、"孙七"移出了群聊')
    out, warnings = apply_system_events(frame, mask, known_ids=known_ids)
    events = out[out["kind"].isin(["join", "leave"])]
    known = known_ids or {}
    expect = {"李四": "wxid_b", "王五": known.get("王五", "王五"), "赵六": known.get("赵六", "赵六"),
              "孙七": "孙七"}
    assert events["msg_id"].tolist() == ["3", "3#2", "3#3", "4", "4#2"]
    assert events["sender"].tolist() == ["李四", "王五", "赵六", "李四", "孙七"]
    assert events["sender_id"].tolist() == [expect[n] for n in events["sender"]]
    assert events["actor_id"].tolist() == ["wxid_a"] * 3 + [expect["王五"]] * 2
    assert out["msg_id"].tolist()[:2] == ["1", "2"] and out.index.is_unique
    unknown = sum(1 for name, wxid in expect.items() if name == wxid)
    assert warnings == [note("parse.notice_names_unresolved", n=unknown)]


def test_a_name_unknown_as_member_and_as_actor_is_counted_once_per_name():
    frame, mask = _chat_with_notices('"王五"邀请"赵六"加入了群聊', '"王五"将"赵六"移出了群聊')
    _, warnings = apply_system_events(frame, mask)
    assert warnings == [note("parse.notice_names_unresolved", n=2)]


def test_apply_system_events_keeps_callers_columns_and_takes_any_index():
    frame, mask = _chat_with_notices('"张三"邀请"李四"、"王五"加入了群聊')
    frame = frame.assign(extra=["a", "b", "c"]).set_axis([7, 7, 7])
    out, _ = apply_system_events(frame, mask)
    assert out["extra"].tolist() == ["a", "b", "c", "c"]
    assert out.index.tolist() == [0, 1, 2, 3]


def _arrow_backed() -> dict[str, pd.Series]:
    texts = ["[图片]", "你好[捂脸]", None, "【表情包】 狗头", "https://example.com/a"]
    chunks = pa.chunked_array([texts[:2], texts[2:]], pa.string())
    return {
        "canonical string[pyarrow]": pd.Series(texts, dtype=STRING, index=[10, 11, 12, 13, 14]),
        "two Arrow chunks": pd.Series(pd.arrays.ArrowStringArray(chunks), index=[10, 11, 12, 13, 14]),
        "ArrowDtype": pd.Series(chunks, dtype=pd.ArrowDtype(pa.string()), index=[10, 11, 12, 13, 14]),
    }


@pytest.mark.parametrize("name", sorted(_arrow_backed()))
def test_body_kinds_reads_arrow_backed_text(name):
    """Regression: Arrow-backed Series gave a ChunkedArray, which has no ``.field``."""
    kinds = body_kinds(_arrow_backed()[name])
    assert kinds.tolist() == ["image", "text", "text", "sticker", "link"]
    assert kinds.index.tolist() == [10, 11, 12, 13, 14]


def test_body_kinds_of_the_canonical_text_column():
    frame, _ = _chat_with_notices()
    frame.loc[1, "text"] = "[语音 3秒]"
    assert body_kinds(frame["text"]).tolist() == ["text", "voice"]


def test_arrow_match_anchors_the_whole_pattern():
    texts = pd.Series(["xb", "a1", None, "b"], dtype=STRING)
    assert arrow_match(texts, "a|b").tolist() == [False, True, False, True]
    assert arrow_match(texts, r"^.*b").tolist() == [True, False, False, True]


def test_arrow_extract_is_str_extract_with_empty_groups_missing():
    texts = pd.Series(["张三(wxid_a)", "李四", "(wxid_b)", None], dtype=STRING, index=[5, 6, 7, 8])
    found = arrow_extract(texts, r"^(?P<name>.*)\((?P<id>[^()]+)\)$")
    assert found.index.tolist() == [5, 6, 7, 8]
    assert found["name"].tolist() == ["张三", pd.NA, pd.NA, pd.NA]
    assert found["id"].tolist() == ["wxid_a", pd.NA, "wxid_b", pd.NA]
