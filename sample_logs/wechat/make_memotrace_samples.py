"""Write the synthetic MemoTrace and WechatExporter samples (FORMATS.md §2a, §2d).

    python sample_logs/wechat/make_memotrace_samples.py

Deterministic. Every group, person and wxid is invented (wxid_demo_*):

* memotrace_v1.txt  -- 周末夜跑团 as MemoTrace v1 writes TXT: HTML/JS-escaped names, system
  text on the header line, indented link block, blank lines and a header-like line in bodies.
  (v1 TXT writes no red packets, transfers or mini programs: the exporter skips those types.)
* memotrace_v2.txt  -- 城南读书会 as MemoTrace v2 writes TXT: 【】 placeholders, time-only
  system headers, bodies with blank lines, no trailing newline.
* memotrace_v1.csv  -- 周末徒步群 as MemoTrace v1 writes CSV: raw database columns, wxids,
  XML contents, system XML (recall, 拍一拍, join templates), UTF-8 with BOM, CRLF.
* memotrace_v2.csv  -- 城南读书会 (same story as v2 TXT) as MemoTrace v2 writes CSV: Chinese
  columns, names only, two different people sharing the name 小林.
* wechatexporter.txt -- 晨读打卡群 as WechatExporter (iOS) writes TXT.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
L = " " * 12  # MemoTrace v1 indents the lines of a link block by 12 spaces

# -- MemoTrace v1 TXT ---------------------------------------------------------------------
# (time, escaped display name or None for a system line, body or system text)
V1_TXT = [
    ("2024-05-06 06:30:12", "林跑跑", "早上好！今天的晨跑路线：滨江步道 5 公里\n6:45 老地方集合"),
    ("2024-05-06 06:31:40", "Tom&amp;Jerry", "收到[OK]"),
    ("2024-05-06 06:33:05", "陈配速", "今天有点下雨，大家注意防滑[捂脸]"),
    ("2024-05-06 06:40:00", None, '"林跑跑"邀请"小周同学"加入了群聊'),
    ("2024-05-06 06:41:22", "小周同学", "大家好，我是新来的，第一次跑 5 公里，请多关照[抱拳]"),
    ("2024-05-06 06:42:10", "林跑跑", "欢迎欢迎[鼓掌]"),
    ("2024-05-06 07:35:48", "陈配速", "[图片]"),
    ("2024-05-06 07:36:02", "陈配速", "今日打卡：5.2km 配速 5'40\""),
    ("2024-05-06 07:40:15", '阿杰\\"跑者\\"', "打卡 5km，膝盖有点酸\n\n明天休息一天"),
    ("2024-05-06 07:41:30", "&lt;Sunny&gt;", "[语音]"),
    ("2024-05-06 12:05:09", None, '"Tom&Jerry" 撤回了一条消息'),
    ("2024-05-06 12:06:00", "Tom&amp;Jerry", "发错群了[捂脸][捂脸]"),
    ("2024-05-06 20:10:33", None, '"王五"通过扫描"林跑跑"分享的二维码加入群聊'),
    ("2024-05-06 20:12:47", "王五",
     "【限时特惠】专业跑鞋 3 折清仓！加微信 pao-xie-888 领券，名额有限先到先得！！！"),
    ("2024-05-06 20:13:02", "王五",
     f"\n{L}[链接]:title:跑鞋清仓 3 折起\n{L}description:正品保证 全国包邮\n"
     f"{L}url:http://example.com/shoes-sale\n{L}name:某某商城\n{L}"),
    ("2024-05-06 20:15:20", None, '你将"王五"移出了群聊'),
    ("2024-05-06 20:16:01", "林跑跑", "广告号已清理，大家注意不要点陌生链接"),
    ("2024-05-07 06:28:44", "Mike\\'s Run", "[表情包]"),
    ("2024-05-07 06:29:10", None, '"小周同学" 拍了拍 "林跑跑"'),
    ("2024-05-07 06:30:00", "小周同学", "今天几点集合？"),
    ("2024-05-07 06:30:45", "林跑跑", "还是 6:45，滨江步道入口"),
    ("2024-05-07 07:50:18", "林跑跑", "[视频]"),
    ("2024-05-07 07:52:30", "小周同学", "第一次跑完 5 公里！[破涕为笑][强]"),
    ("2024-05-07 07:53:02", "陈配速", "厉害了[强]\n引用:小周同学:第一次跑完 5 公里！[破涕为笑][强]"),
    ("2024-05-07 08:00:00", None, "你领取了林跑跑的红包"),
    ("2024-05-07 08:00:21", None, "陈配速领取了林跑跑的红包"),
    ("2024-05-07 08:01:05", "陈配速", "谢谢团长[红包][红包]"),
    ("2024-05-07 21:00:00", "林跑跑",
     "周六半马训练计划：\n1. 6:00 热身\n2. 6:15 出发，配速 6'00\"\n\n不舒服的同学别勉强"),
    ("2024-05-07 21:02:13", "林跑跑", "[文件]"),
    ("2024-05-07 21:05:40", "&lt;Sunny&gt;", "周六我请假[流泪]"),
    ("2024-05-07 21:06:02", None, "你撤回了一条消息"),
    ("2024-05-07 21:30:19", None, '"陈配速"邀请"赵小跑"、"钱多多"加入了群聊'),
    ("2024-05-07 21:31:00", "赵小跑", "[表情包]"),
    ("2024-05-07 21:33:27", "钱多多", "兼职刷单日结 300+，在家就能做，有意私聊我\n名额有限"),
    ("2024-05-07 21:34:00", None, '"林跑跑"将"钱多多"移出了群聊'),
    ("2024-05-08 06:35:55", '阿杰\\"跑者\\"', "今天恢复跑，3 公里慢跑"),
    ("2024-05-08 06:40:12", "Tom&amp;Jerry", "[音乐分享]"),
    ("2024-05-08 07:45:00", "小周同学", "打卡 4km[太阳]"),
    ("2024-05-08 07:46:31", "陈配速", "2024-05-08 07:00:00 那会儿雨最大\n还好坚持下来了"),
]


def write_memotrace_v1_txt() -> None:
    out = []
    for ts, name, body in V1_TXT:
        if name is None:
            out.append(f"{ts} {body}\n\n")
        else:
            sep = "" if body.startswith("\n") else "\n"
            out.append(f"{ts} {name}{sep}{body}\n\n")
    (HERE / "memotrace_v1.txt").write_text("".join(out), encoding="utf-8", newline="")


# -- MemoTrace v2 (TXT and CSV tell the same story) ---------------------------------------
# (time, display name or None for a system message, type name, body)
V2 = [
    ("2025-03-01 09:00:05", "书虫老周", "文本", "各位早！本周共读《额尔古纳河右岸》第三章，周日晚 8 点线上讨论"),
    ("2025-03-01 09:01:30", "安静的猫", "文本", "收到[OK]"),
    ("2025-03-01 09:02:11", None, "系统消息", '"书虫老周"邀请"林间小鹿"加入了群聊'),
    ("2025-03-01 09:03:40", "林间小鹿", "文本", "大家好，我是小鹿，刚读完第一章[害羞]"),
    ("2025-03-01 09:05:02", "书虫老周", "文本", "欢迎小鹿[玫瑰]"),
    ("2025-03-01 09:10:00", "安静的猫", "图片", "【图片】"),
    ("2025-03-01 09:10:30", "安静的猫", "文本",
     "我的读书笔记，第一段写得特别好：\n\n“我是雨和雪的老熟人了”\n\n大家怎么理解这句？"),
    ("2025-03-01 09:20:45", "阿木", "表情包", "【表情包】 捂脸"),
    ("2025-03-01 09:21:10", "阿木", "文本", "我还没开始读[捂脸]"),
    ("2025-03-01 10:00:00", "书虫老周", "红包", "【红包】: 读书会开张大吉"),
    ("2025-03-01 10:00:08", None, "系统消息", "你领取了书虫老周的红包"),
    ("2025-03-01 10:00:15", None, "系统消息", "安静的猫领取了书虫老周的红包"),
    ("2025-03-01 10:00:31", None, "系统消息", "林间小鹿领取了书虫老周的红包"),
    ("2025-03-01 10:01:00", "林间小鹿", "文本", "谢谢老周[抱拳][抱拳]"),
    ("2025-03-01 12:30:12", None, "系统消息", '"钱来也"通过扫描"阿木"分享的二维码加入群聊'),
    ("2025-03-01 12:31:00", "钱来也", "分享链接",
     "【分享链接】\n标题：零基础月入过万的副业秘籍\n描述：点击领取免费课程，仅限今天\n"
     "链接: http://example.com/side-job\n应用：\n"),
    ("2025-03-01 12:31:20", "钱来也", "文本", "加我微信 qianlaiye-001 领取资料包，名额有限！！！"),
    ("2025-03-01 12:35:00", None, "系统消息", '"书虫老周"将"钱来也"移出了群聊'),
    ("2025-03-01 12:36:40", "书虫老周", "文本", "广告已清理，新人进群请先看群公告"),
    ("2025-03-01 20:00:00", "阿木", "语音", "【语音】老周，周日我可能晚点到"),
    ("2025-03-01 20:01:12", "书虫老周", "引用消息", "好的[OK]\n引用：阿木: 【语音】老周，周日我可能晚点到"),
    ("2025-03-01 20:05:33", None, "系统消息", '"阿木" 撤回了一条消息'),
    ("2025-03-01 20:06:00", "阿木", "视频", "【视频】"),
    ("2025-03-02 08:15:20", "林间小鹿", "拍一拍", '"林间小鹿" 拍了拍 "书虫老周"'),
    ("2025-03-02 08:16:05", "书虫老周", "文本", "小鹿早[太阳]"),
    ("2025-03-02 09:30:00", "安静的猫", "文件",
     "【文件】额尔古纳河右岸-讨论提纲.docx 0.02 MB 文件/2025-03/额尔古纳河右岸-讨论提纲.docx docx "
     "7d9e0c0aa3e1b2f4c5d6e7f8a9b0c1d2"),
    ("2025-03-02 09:31:10", "林间小鹿", "转账", "【发起转账】:￥30.00\n备注: 线下活动场地费\n"),
    ("2025-03-02 09:40:00", "安静的猫", "转账", "【已收款】:￥30.00\n备注: 线下活动场地费\n"),
    ("2025-03-02 10:00:00", "阿木", "小程序",
     "【分享链接】\n标题：读书会报名\n描述：3 月线下读书会报名表\n链接: \n应用：接龙管家\n"),
    ("2025-03-02 10:05:00", "书虫老周", "位置分享",
     "【位置分享】\n坐标: (121.4737,31.2304)\n名称: 城南图书馆\n标签: 城南路 88 号\n"),
    ("2025-03-02 10:06:12", None, "系统消息", "你撤回了一条消息"),
    ("2025-03-02 11:20:00", None, "系统消息", '"书虫老周"邀请"周末读者"、"纸飞机"加入了群聊'),
    ("2025-03-02 11:22:40", "纸飞机", "合并转发的聊天记录",
     "【合并转发的聊天记录】\n\n    - 2025-03-01 21:00:00 小A: 这本书推荐给大家\n"
     "    - 2025-03-01 21:01:00 小B: 同推！\n"),
    ("2025-03-02 11:25:00", "书虫老周", "个人/公众号名片",
     "【名片】\n微信号:demo_bookclub\n昵称: 城南读书会助手\n签名: 有事找我\n性别: 未知\n地区:  \n"),
    ("2025-03-02 15:00:00", "安静的猫", "音视频通话", "【音视频通话】\n通话时长 00:12"),
    ("2025-03-02 20:00:00", "书虫老周", "文本",
     "讨论开始！\n第一个问题：\n1. 你最喜欢哪个人物？\n2. 为什么？"),
    ("2025-03-02 20:03:15", "林间小鹿", "文本", "我喜欢伊芙琳[爱心]"),
    ("2025-03-02 20:05:40", None, "系统消息", '"书虫老周"修改群名为"城南读书会·三月"'),
]
# The CSV adds two different members who both show as 小林 (one 昵称 each).
V2_CSV_EXTRA = [
    ("2025-03-02 20:06:10", "小林", "文本", "我是小林，来晚了", "林晓", "林晓"),
    ("2025-03-02 20:07:02", "小林", "文本", "我也是小林哈哈[捂脸]", "", "林一帆"),
    ("2025-03-02 20:08:30", "小林", "文本", "我更喜欢尼都萨满", "林晓", "林晓"),
]


def write_memotrace_v2() -> None:
    txt = [f"{ts}\n{body}" if name is None else f"{ts} {name}\n{body}" for ts, name, _, body in V2]
    (HERE / "memotrace_v2.txt").write_text("\n\n".join(txt), encoding="utf-8", newline="")
    rows = []
    for i, (ts, name, type_name, body) in enumerate(V2):
        server_id = str(7_300_000_000_000_000_000 + i * 7919)
        rows.append([server_id, type_name, name or "", ts, body, name or "", name or "", "more"])
    for j, (ts, name, type_name, body, remark, nick) in enumerate(V2_CSV_EXTRA):
        server_id = str(7_300_000_000_000_900_000 + j * 7919)
        rows.append([server_id, type_name, name, ts, body, remark, nick, "more"])
    write_csv(HERE / "memotrace_v2.csv", ["消息ID", "类型", "发送人", "时间", "内容", "备注", "昵称", "更多信息"],
              rows)


# -- MemoTrace v1 CSV ---------------------------------------------------------------------
ROOM = "20240601@chatroom"
MEMBERS = {  # key: (wxid, Remark, NickName)
    "self": ("wxid_demo_self", "", "山野向导"),
    "feng": ("wxid_demo_a01", "阿峰", "Feng"),
    "yu": ("wxid_demo_a02", "", "小雨"),
    "xiong": ("wxid_demo_a03", "大熊", "熊出没"),
    "lily": ("wxid_demo_a04", "", "Lily 🌿"),
    "bai": ("wxid_demo_a05", "", "新人小白"),
    "ad": ("wxid_demo_a06", "", "旅行达人"),
}
HB = ('<_wc_custom_link_ color="#FD9931" href="weixin://weixinhongbao/opendetail?sendid=100003991">'
      "红包</_wc_custom_link_>")
IMG = '<?xml version="1.0"?>\n<msg>\n\t<img aeskey="0f1e2d3c" length="102400" md5="9a8b7c6d" />\n</msg>\n'
QR_JOIN = (
    '<sysmsg type="sysmsgtemplate"><sysmsgtemplate><content_template type="tmpl_type_profile">'
    "<plain><![CDATA[]]></plain>"
    '<template><![CDATA["$adder$"通过扫描"$from$"分享的二维码加入群聊]]></template>'
    '<link_list><link name="adder" type="link_profile"><memberlist><member>'
    "<username><![CDATA[wxid_demo_a06]]></username><nickname><![CDATA[旅行达人]]></nickname>"
    '</member></memberlist></link><link name="from" type="link_profile"><memberlist><member>'
    "<username><![CDATA[wxid_demo_a01]]></username><nickname><![CDATA[Feng]]></nickname>"
    "</member></memberlist></link></link_list></content_template></sysmsgtemplate></sysmsg>"
)
INVITE = (
    '<sysmsg type="sysmsgtemplate"><sysmsgtemplate><content_template type="tmpl_type_profile">'
    "<plain><![CDATA[]]></plain>"
    '<template><![CDATA["$username$"邀请"$names$"加入了群聊]]></template>'
    '<link_list><link name="username" type="link_profile"><memberlist><member>'
    "<username><![CDATA[wxid_demo_a03]]></username><nickname><![CDATA[大熊]]></nickname>"
    '</member></memberlist></link><link name="names" type="link_profile"><memberlist>'
    "<member><username><![CDATA[wxid_demo_a07]]></username><nickname><![CDATA[潜水的鱼]]></nickname></member>"
    "<member><username><![CDATA[wxid_demo_a08]]></username><nickname><![CDATA[路过的风]]></nickname></member>"
    "</memberlist><separator><![CDATA[、]]></separator></link></link_list>"
    "</content_template></sysmsgtemplate></sysmsg>"
)
RECALL = ('<sysmsg type="revokemsg"><revokemsg><session>20240601@chatroom</session>'
          "<msgid>1013</msgid><newmsgid>5210388472913</newmsgid>"
          '<replacemsg><![CDATA["大熊" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>')
PAT = ('<sysmsg type="pat"><pat><fromusername>wxid_demo_a04</fromusername>'
       "<chatusername>20240601@chatroom</chatusername><pattedusername>wxid_demo_a01</pattedusername>"
       '<patsuffix><![CDATA[]]></patsuffix><template><![CDATA["${wxid_demo_a04}" 拍了拍 '
       '"${wxid_demo_a01}"]]></template></pat></sysmsg>')


def app(subtype: int, title: str, extra: str = "") -> str:
    return (f'<?xml version="1.0"?>\n<msg><appmsg appid="" sdkver="0"><title>{title}</title>'
            f"<type>{subtype}</type>{extra}</appmsg><fromusername></fromusername></msg>")


# (time, member key or None for a system row, Type, SubType, StrContent)
V1_CSV = [
    ("2024-06-01 08:00:00", "self", 1, 0, "周六徒步：凤凰岭北线 12 公里\n8:30 北门集合，记得带 2 升水"),
    ("2024-06-01 08:01:12", "feng", 1, 0, "收到[OK]"),
    ("2024-06-01 08:02:30", "yu", 1, 0, "我报名+1"),
    ("2024-06-01 08:10:00", None, 10000, 0, '你邀请"新人小白"加入了群聊'),
    ("2024-06-01 08:11:20", "bai", 1, 0, "大家好！第一次参加徒步，需要准备什么装备？"),
    ("2024-06-01 08:12:45", "xiong", 1, 0, "登山鞋、雨衣、头灯\n\n还有零食[偷笑]"),
    ("2024-06-01 08:13:10", "xiong", 3, 0, IMG),
    ("2024-06-01 09:00:00", None, 10000, 0, QR_JOIN),
    ("2024-06-01 09:01:30", "ad", 1, 0, "户外装备厂家直销，冲锋衣 99 元包邮，加V：outdoor-888 [玫瑰]"),
    ("2024-06-01 09:01:45", "ad", 49, 5,
     app(5, "冲锋衣清仓 1 折起", "<des>限时秒杀</des><url>http://example.com/jacket</url>")),
    ("2024-06-01 09:03:00", None, 10000, 0, '你将"旅行达人"移出了群聊'),
    ("2024-06-01 09:05:12", "feng", 1, 0, "群主手快[强]"),
    ("2024-06-01 10:00:00", "self", 49, 2001,
     app(2001, "恭喜发财，大吉大利", "<wcpayinfo><templateid>7a2a16</templateid></wcpayinfo>")),
    ("2024-06-01 10:00:05", None, 10000, 0, f"大熊领取了你的{HB}"),
    ("2024-06-01 10:00:09", None, 10000, 0, f"新人小白领取了你的{HB}"),
    ("2024-06-01 10:00:40", "xiong", 47, 0,
     '<msg><emoji fromusername="wxid_demo_a03" tousername="20240601@chatroom" type="2" '
     'md5="5d41402a" len="2048" cdnurl="http://example.com/emoji/5d41402a" /></msg>'),
    ("2024-06-01 10:05:00", "xiong", 1, 0, "刚才发错了"),
    ("2024-06-01 10:05:30", None, 10002, 0, RECALL),
    ("2024-06-01 11:20:00", "lily", 34, 0,
     '<msg><voicemsg endflag="1" length="5120" voicelength="3200" clientmsgid="4e2b" /></msg>'),
    ("2024-06-01 11:21:10", "lily", 1, 0, "路线图有吗？[疑问]"),
    ("2024-06-01 11:25:00", "self", 49, 6,
     app(6, "凤凰岭北线.gpx", "<appattach><totallen>20480</totallen><fileext>gpx</fileext></appattach>")),
    ("2024-06-01 11:26:00", "self", 48, 0,
     '<msg><location x="40.1098" y="116.0990" scale="16" label="北京市海淀区凤凰岭景区北门" '
     'poiname="凤凰岭北门" /></msg>'),
    ("2024-06-01 12:00:00", None, 10002, 0, PAT),
    ("2024-06-01 12:01:00", "feng", 49, 57,
     app(57, "同意，北门集合方便", "<refermsg><type>1</type><svrid>6012</svrid>"
         "<displayname>山野向导</displayname><content>8:30 北门集合</content></refermsg>")),
    ("2024-06-01 13:00:00", "yu", 49, 33,
     app(33, "周六徒步 AA 收款", "<sourcedisplayname>AA收款</sourcedisplayname>"
         "<weappinfo><pagepath>pages/aa</pagepath></weappinfo>")),
    ("2024-06-01 13:02:00", "bai", 49, 2000,
     app(2000, "微信转账", "<wcpayinfo><paysubtype>1</paysubtype><feedesc>￥50.00</feedesc>"
         "<pay_memo>AA 车费</pay_memo></wcpayinfo>")),
    ("2024-06-01 13:30:00", None, 10000, 0, INVITE),
    ("2024-06-01 14:00:00", "lily", 43, 0,
     '<msg><videomsg length="5242880" playlength="15" md5="e4d909c2" /></msg>'),
    ("2024-06-01 14:05:00", "yu", 42, 0,
     '<msg username="wxid_demo_guide" nickname="北山向导老李" alias="" province="北京" /></msg>'),
    ("2024-06-01 20:00:00", "self", 1, 0, "明早 8:30 北门见！\n天气预报有小雨，记得带雨衣[太阳]"),
    ("2024-06-01 20:02:00", None, 10000, 0,
     '<![CDATA[你撤回了一条消息 <a href="weixin://revoke_edit_click">重新编辑</a>]]>'),
    ("2024-06-01 20:05:00", "bai", 1, 0, "期待[爱心][爱心]"),
]


def write_memotrace_v1_csv() -> None:
    rows = []
    for i, (ts, who, mtype, sub, content) in enumerate(V1_CSV, start=1):
        when = datetime.strptime(ts, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CST)
        if who is None:
            remark = nick = wxid = ""
            is_sender = 0
        else:
            wxid, remark, nick = MEMBERS[who]
            is_sender = 1 if who == "self" else 0
        status = 2 if is_sender else 3
        rows.append([1000 + i, 7, mtype, sub, is_sender, int(when.timestamp()), status, content, ts,
                     remark or nick, nick, wxid])
    header = ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
              "StrContent", "StrTime", "Remark", "NickName", "Sender"]
    write_csv(HERE / "memotrace_v1.csv", header, rows)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)  # Python's csv default: CRLF row ends, like MemoTrace
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig", newline="")


# -- WechatExporter TXT -------------------------------------------------------------------
# (name or None for a system notice, time, message)
WE_TXT = [
    ("晨读领读人", "2024-09-02 06:00:03", "早安！今日晨读：《论语·学而》第一章\n学而时习之，不亦说乎？"),
    ("林夕", "2024-09-02 06:02:10", "打卡第 1 天[太阳]"),
    ("老王头", "2024-09-02 06:05:41", "[语音 12秒]"),
    (None, None, '"晨读领读人"邀请"阿青"加入了群聊'),
    ("阿青", "2024-09-02 06:10:00", "大家好，请问怎么打卡？[疑问]"),
    ("晨读领读人", "2024-09-02 06:11:20",
     "「阿青：大家好，请问怎么打卡？[疑问]」\n- - - - - - - - - - - - - - -\n每天读完发“打卡第 N 天”就行"),
    ("林夕", "2024-09-02 06:15:33", "[图片]"),
    ("晨读领读人", "2024-09-02 07:00:00", "[红包]"),
    (None, None, "林夕领取了晨读领读人的红包"),
    (None, None, "你领取了晨读领读人的红包"),
    ("林夕", "2024-09-02 07:01:12", "谢谢领读人[抱拳]"),
    (None, None, '"小美优选"通过扫描"老王头"分享的二维码加入群聊'),
    ("小美优选", "2024-09-02 09:30:00", "姐妹们看过来！进口面膜一折秒杀\n下单加微信 xiaomei-demo-01 返现 20 元"),
    ("小美优选", "2024-09-02 09:30:40", "双十一提前购，点这里 - 小美商城"),
    (None, None, '"晨读领读人"将"小美优选"移出了群聊'),
    ("老王头", "2024-09-02 09:40:05", "[表情]"),
    (None, None, '"老王头" 撤回了一条消息'),
    ("老王头", "2024-09-02 09:41:00", "刚才手滑了[捂脸]"),
    ("阿青", "2024-09-02 12:00:00", "微信转账 向晨读领读人转账"),
    ("晨读领读人", "2024-09-02 12:05:00", "微信转账 来自阿青的转账 - 已收款"),
    ("林夕", "2024-09-02 12:30:00", "[个人名片] 书法老师-周"),
    ("晨读领读人", "2024-09-02 13:00:00", "晨读打卡统计 - 接龙管家"),
    ("阿青", "2024-09-02 18:20:00", "[视频]"),
    ("阿青", "2024-09-02 18:21:30", "[位置] 人民公园 - 南京西路 231 号 (31.2319,121.4737)"),
    (None, None, '"阿青" 拍了拍 "晨读领读人"'),
    ("晨读领读人", "2024-09-02 20:00:00", "[文件: 论语晨读计划.pdf]"),
    ("晨读领读人", "2024-09-02 20:01:30", "明天读第二章\n\n其为人也孝弟，而好犯上者，鲜矣"),
    ("老王头", "2024-09-02 20:05:00", "[视频/语音通话]"),
    (None, None, "你撤回了一条消息"),
    ("林夕", "2024-09-03 06:01:00", "打卡第 2 天[强]"),
    ("阿青", "2024-09-03 06:03:00", "打卡第 1 天[加油]"),
]


def write_wechatexporter() -> None:
    lines = ["晨读打卡群 - 微信聊天记录", ""]
    for name, ts, message in WE_TXT:
        lines.append(message if name is None else f"{name} ({ts}):{message}")
    (HERE / "wechatexporter.txt").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")


if __name__ == "__main__":
    write_memotrace_v1_txt()
    write_memotrace_v2()
    write_memotrace_v1_csv()
    write_wechatexporter()
