"""The shared WeChat vocabulary (analysis/parsers/_wechat.py): system texts and placeholders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.parsers._wechat import (
    apply_system_events,
    body_kinds,
    classify_system_text,
    system_events,
)
from analysis.schema import build_messages


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
