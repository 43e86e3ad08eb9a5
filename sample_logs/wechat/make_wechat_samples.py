"""Write the synthetic WeChat samples for PyWxDump and chatlog (FORMATS.md §2b, §2c).

One invented group chat (读书会交流群, 12345678@chatroom) over New Year's Eve 2024, rendered the
way each tool writes it. Everyone in it is fictional; the wxids are fake (wxid_demo_*).
The PyWxDump files go in their own folder, ``pywxdump/``, with the ``users.json`` PyWxDump
keeps next to them (a ``users.json`` would make ``sample_logs/wechat`` look like an export
folder, and it is not a log).

    python sample_logs/wechat/make_wechat_samples.py
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYWXDUMP = HERE / "pywxdump"
ROOM = "12345678@chatroom"
ROOM_NAME = "读书会交流群"
HOST = "127.0.0.1:5030"
SELF = "alice"

MEMBERS = {
    "alice": ("wxid_demo_alice", "林小夏"),
    "bob": ("wxid_demo_bob", "周大山"),
    "carol": ("wxid_demo_carol", "陈木木"),
    "dave": ("wxid_demo_dave", "王一鸣"),
    "frank": ("wxid_demo_frank", "孙浩"),
    "erin": ("wxid_demo_erin", "赵晴"),
    "spam": ("wxid_demo_spam", "优惠小助手"),
    "grace": ("wxid_demo_grace", "钱多多"),
}
BOOKLIST = "这是我今年读的书单：\n1.《百年孤独》\n2.《额尔古纳河右岸》\n3.《置身事内》"
RULES = "分享会规则：\n每人5分钟\n讲一本书\n\n结束后抽奖🎁"
AD1 = "【限时福利】加V：demo-ads-0000 领取正版电子书合集，原价199现在只要9.9！名额有限先到先得"
AD2 = "本群福利：兼职刷单日结200+，私聊我 138-0000-1234，手慢无"
HB = '<_wc_custom_link_ color="#FD9931" href="weixin://weixinhongbao/opendetail?sendid=10000399">红包</_wc_custom_link_>'

# (time, who, kind, payload). who "sys" is a system notice. Payload per kind:
# text: body; link: (title, des, url); quote: (body, quoted index); transfer: (amount, memo, received)
# join_invite: (inviter, [members]); join_qr: (member, sharer); leave: (remover, member);
# recall: who; receipt: (receiver, owner); pat: (patter, patted)
EVENTS = [
    ("2024-12-31 20:00:05", "alice", "text", "各位晚上好！今晚八点半开始年终读书分享，欢迎大家准备一本今年最喜欢的书[愉快]"),
    ("2024-12-31 20:01:10", "bob", "text", "收到[OK]"),
    ("2024-12-31 20:02:00", "sys", "join_invite", ("bob", ["dave", "frank"])),
    ("2024-12-31 20:03:12", "dave", "text", "大家好，我是一鸣，刚入群[旺柴]"),
    ("2024-12-31 20:04:00", "carol", "image", None),
    ("2024-12-31 20:04:30", "carol", "text", BOOKLIST),
    ("2024-12-31 20:05:00", "sys", "join_qr", ("erin", "carol")),
    ("2024-12-31 20:06:00", "erin", "sticker", None),
    ("2024-12-31 20:06:30", "alice", "red_packet", "新年快乐，大吉大利"),
    ("2024-12-31 20:06:45", "sys", "receipt", ("bob", "alice")),
    ("2024-12-31 20:06:50", "sys", "receipt", ("carol", "alice")),
    ("2024-12-31 20:08:00", "bob", "link", ("2024年度好书榜", "一份年度书单", "https://books.example.com/2024/top")),
    ("2024-12-31 20:10:00", "sys", "join_qr", ("spam", "alice")),
    ("2024-12-31 20:10:30", "spam", "text", AD1),
    ("2024-12-31 20:10:40", "spam", "text", AD1),
    ("2024-12-31 20:11:00", "sys", "leave", ("alice", "spam")),
    ("2024-12-31 20:12:00", "dave", "text", "[捂脸]刚刚那是什么"),
    ("2024-12-31 20:12:30", "sys", "recall", "dave"),
    ("2024-12-31 20:13:00", "frank", "voice", "大家新年快乐"),
    ("2024-12-31 20:14:00", "erin", "quote", ("我也想读《置身事内》", 5)),
    ("2024-12-31 20:15:00", "bob", "transfer", ("50.00", "书费", False)),
    ("2024-12-31 20:16:00", "alice", "transfer", ("50.00", "书费", True)),
    ("2024-12-31 20:20:00", "carol", "file", "年度书单.pdf"),
    ("2024-12-31 20:21:00", "frank", "video", None),
    ("2024-12-31 20:22:00", "erin", "location", ("上海图书馆", "淮海中路1555号", "31.2104", "121.4451")),
    ("2024-12-31 20:30:00", "alice", "text", RULES),
    ("2024-12-31 20:31:00", "sys", "pat", ("bob", "alice")),
    ("2024-12-31 20:35:00", "bob", "merged", None),
    ("2024-12-31 21:00:00", "sys", "recall", "alice"),
    ("2024-12-31 21:05:00", "carol", "text", "新年快乐🎉 明年见"),
    ("2025-01-01 00:00:10", "bob", "text", "新年快乐！[烟花][烟花]"),
    ("2025-01-01 00:00:30", "dave", "red_packet", "恭喜发财"),
    ("2025-01-01 00:00:45", "sys", "receipt", ("alice", "dave")),
    ("2025-01-01 00:01:00", "sys", "receipt", ("frank", "dave")),
    ("2025-01-01 09:30:00", "erin", "text", "早上好，今天开始打卡读书📚"),
    ("2025-01-01 09:31:00", "frank", "text", "打卡 Day1：读了30页《置身事内》"),
    ("2025-01-01 10:00:00", "sys", "join_invite", ("carol", ["grace"])),
    ("2025-01-01 10:01:00", "grace", "text", AD2),
    ("2025-01-01 10:02:00", "sys", "leave", ("bob", "grace")),
    ("2025-01-01 10:05:00", "carol", "call", None),
    ("2025-01-01 10:10:00", "alice", "text", "今天下午三点线上分享，链接稍后发"),
    ("2025-01-01 10:11:00", "alice", "link", ("年度分享会", "线上会议", "https://meeting.example.com/j/000000")),
    ("2025-01-01 11:00:00", "dave", "text", "读完《百年孤独》的感受：\n家族的轮回像一场梦\n推荐给大家[强]"),
    ("2025-01-01 11:05:00", "bob", "text", "[旺柴][旺柴]"),
]


def wxid(key: str) -> str:
    return MEMBERS[key][0]


def nick(key: str) -> str:
    return MEMBERS[key][1]


def digest(*parts: object) -> str:
    return hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()


def svr_id(i: int) -> str:
    return str(int(digest("svr", i)[:15], 16))


def quoted(key: str) -> str:
    return "你" if key == SELF else f'"{nick(key)}"'


def notice(kind: str, p) -> str:
    """The system notice as the exporting user (alice) sees it."""
    if kind == "join_invite":
        inviter, members = p
        return f'{quoted(inviter)}邀请"{"、".join(nick(m) for m in members)}"加入了群聊'
    if kind == "join_qr":
        member, sharer = p
        via = "你" if sharer == SELF else f'"{nick(sharer)}"'
        return f'"{nick(member)}"通过扫描{via}分享的二维码加入群聊'
    if kind == "leave":
        remover, member = p
        return f'{quoted(remover)}将"{nick(member)}"移出了群聊'
    if kind == "recall":
        return "你撤回了一条消息" if p == SELF else f'"{nick(p)}" 撤回了一条消息'
    if kind == "receipt":
        receiver, owner = p
        who = "你" if receiver == SELF else nick(receiver)
        whose = "你" if owner == SELF else nick(owner)
        return f"{who}领取了{whose}的红包"
    if kind == "pat":
        patter, patted = p
        return f'{quoted(patter)} 拍了拍 "{nick(patted)}"'
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# PyWxDump
# ---------------------------------------------------------------------------------------------

def _sysmsg_template(template: str, links: dict[str, list[str]]) -> str:
    parts = []
    for name, keys in links.items():
        members = "".join(f"<member><username><![CDATA[{wxid(k)}]]></username>"
                          f"<nickname><![CDATA[{nick(k)}]]></nickname></member>" for k in keys)
        parts.append(f'<link name="{name}" type="link_profile"><memberlist>{members}</memberlist></link>')
    return (f'<sysmsg type="sysmsgtemplate"><sysmsgtemplate><content_template type="tmpl_type_profile">'
            f"<plain><![CDATA[]]></plain><template><![CDATA[{template}]]></template>"
            f"<link_list>{''.join(parts)}</link_list></content_template></sysmsgtemplate></sysmsg>")


def pywxdump_rows(self_talker: str) -> list[dict]:
    rows = []
    for i, (ts, who, kind, p) in enumerate(EVENTS, start=1):
        src = ""
        is_sender = int(who == SELF)
        talker = self_talker if who == SELF else ("未知" if who == "sys" else wxid(who))
        day = ts[:7]
        if kind == "text":
            type_name, msg = "文本", p
        elif kind == "image":
            type_name, msg = "图片", "图片"
            src = f"FileStorage\\MsgAttach\\{digest(ROOM)}\\Image\\{day}\\{digest('img', i)}.dat"
        elif kind == "sticker":
            type_name, msg = "动画表情", "表情"
            src = f"http://emoji.example.com/stodownload?m={digest('emoji', i)}"
        elif kind == "voice":
            type_name, msg = "语音", f"语音时长：3.20秒\n翻译结果：{p}"
            src = f"{ROOM}\\{ts.replace(':', '-').replace(' ', '_')}_{is_sender}_{svr_id(i)}.wav"
        elif kind == "video":
            type_name, msg = "视频", "视频"
            src = f"FileStorage\\Video\\{day}\\{digest('video', i)}.mp4"
        elif kind == "file":
            type_name, msg = "文件", p
            src = f"FileStorage\\File\\{day}\\{p}"
        elif kind == "link":
            title, des, url = p
            type_name = "(分享)卡片式链接"
            msg = f'{title}\n{des}\n\n<a href="{url}" target="_blank">点击查看详情</a>'
            src = url
        elif kind == "merged":
            type_name, msg = "合并转发的聊天记录", "群聊的聊天记录\n周大山: 今晚有分享会吗\n陈木木: 有的，八点半"
        elif kind == "quote":
            body, qi = p
            qts, qwho, _, qtext = EVENTS[qi]
            type_name, msg = "引用回复", f"{body}\n\n[引用]({qts}){nick(qwho)}:{qtext}"
        elif kind == "transfer":
            amount, memo, received = p
            type_name = "转账"
            msg = f"{'已收款' if received else '转账'}：￥{amount}\n转账说明：{memo}\n转账时间：{ts}\n"
        elif kind == "location":
            label, addr, x, y = p
            type_name = "位置"
            msg = f"纬度:【{x}】 经度:【{y}】\n位置：{label} {addr}\n其他信息：{{}}"
        elif kind == "call":
            type_name, msg = "语音通话", "语音/视频通话[通话时长 05:12]"
        elif kind == "red_packet":
            type_name, msg = "微信红包", "微信红包"
        elif kind == "join_qr":
            member, sharer = p
            type_name = "邀请加群"
            via = "你" if sharer == SELF else '"$from$"'
            links = {"adder": [member]} | ({} if sharer == SELF else {"from": [sharer]})
            msg = _sysmsg_template(f'"$adder$"通过扫描{via}分享的二维码加入群聊', links)
        elif kind == "recall":
            type_name, msg = "系统通知", f"<revokemsg>{notice(kind, p)}</revokemsg>"
        elif kind == "receipt":
            type_name, msg = "系统通知", notice(kind, p).replace("红包", HB)
        elif kind == "pat":
            patter, patted = p
            type_name = "拍一拍"
            msg = (f"<sysmsg type=\"pat\"><pat><fromusername>{wxid(patter)}</fromusername>"
                   f"<chatusername>{ROOM}</chatusername><pattedusername>{wxid(patted)}</pattedusername>"
                   f'<template><![CDATA["${{{wxid(patter)}}}" 拍了拍 "${{{wxid(patted)}}}"]]></template></pat></sysmsg>')
        else:
            type_name, msg = "系统通知", notice(kind, p)
        rows.append({"id": i, "MsgSvrID": svr_id(i), "type_name": type_name, "is_sender": is_sender,
                     "talker": talker, "room_name": ROOM, "msg": msg, "src": src, "CreateTime": ts})
    return rows


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def write_pywxdump() -> None:
    PYWXDUMP.mkdir(exist_ok=True)
    new = pywxdump_rows("我")
    cols = ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"]
    write_csv(PYWXDUMP / "pywxdump.csv", cols, [[r[c] for c in cols] for r in new])

    old_cols = ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "content", "CreateTime"]
    old_rows = []
    for r in new:
        content = json.dumps({"src": r["src"], "msg": r["msg"]}, ensure_ascii=False)
        old_rows.append([r["id"], r["MsgSvrID"], r["type_name"], r["is_sender"], r["talker"], r["room_name"],
                         content, r["CreateTime"]])
    write_csv(PYWXDUMP / "pywxdump_old.csv", old_cols, old_rows)

    records = pywxdump_rows(wxid(SELF))
    for r in records:
        r["extra"] = {}
    (PYWXDUMP / "pywxdump.json").write_text(json.dumps(records, ensure_ascii=False, indent=4) + "\n", encoding="utf-8")

    users = {w: {"wxid": w, "nickname": n, "remark": "", "account": w.replace("wxid_demo_", "demo_"),
                 "describe": "", "headImgUrl": ""} for w, n in MEMBERS.values()}
    users[ROOM] = {"wxid": ROOM, "nickname": ROOM_NAME, "remark": "", "account": "", "describe": "",
                   "headImgUrl": ""}
    (PYWXDUMP / "users.json").write_text(json.dumps(users, ensure_ascii=False, indent=4) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# chatlog
# ---------------------------------------------------------------------------------------------

def chatlog_messages() -> list[dict]:
    out = []
    for i, (ts, who, kind, p) in enumerate(EVENTS, start=1):
        when = datetime.fromisoformat(ts)
        sender, name = (wxid(who), nick(who)) if who != "sys" else ("系统消息", "")
        m = {"seq": int(when.timestamp()) * 1000 + i % 1000, "time": when.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
             "talker": ROOM, "talkerName": ROOM_NAME, "isChatRoom": True, "sender": sender,
             "senderName": name, "isSelf": who == SELF, "type": 1, "subType": 0, "content": "", "contents": {}}
        md5 = digest("media", i)
        if kind == "text":
            m["content"] = p
            text = p
        elif kind == "image":
            m.update(type=3, contents={"md5": md5})
            text = f"![图片](http://{HOST}/image/{md5})"
        elif kind == "sticker":
            m.update(type=47, contents={"cdnurl": f"http://emoji.example.com/{md5}"})
            text = "[动画表情]"
        elif kind == "voice":
            m.update(type=34, contents={"voice": str(svr_id(i))})
            text = f"[语音](http://{HOST}/voice/{svr_id(i)})"
        elif kind == "video":
            m.update(type=43, contents={"md5": md5})
            text = f"![视频](http://{HOST}/video/{md5})"
        elif kind == "file":
            m.update(type=49, subType=6, contents={"title": p, "md5": md5})
            text = f"[文件|{p}](http://{HOST}/file/{md5})"
        elif kind == "link":
            title, _des, url = p
            m.update(type=49, subType=5, contents={"title": title, "url": url})
            text = f"[链接|{title}]({url})"
        elif kind == "merged":
            m.update(type=49, subType=19, contents={"title": "群聊的聊天记录", "desc": "周大山: 今晚有分享会吗"})
            text = ("[合并转发|群聊的聊天记录]\n  周大山 2024-12-31 19:50:00\n  今晚有分享会吗\n"
                    "  陈木木 2024-12-31 19:51:00\n  有的，八点半")
        elif kind == "quote":
            body, qi = p
            qts, qwho, _, qtext = EVENTS[qi]
            qwhen = datetime.fromisoformat(qts)
            m.update(type=49, subType=57, content=body, contents={"refer": {
                "seq": 0, "time": qwhen.strftime("%Y-%m-%dT%H:%M:%S+08:00"), "talker": "", "talkerName": "",
                "isChatRoom": False, "sender": wxid(qwho), "senderName": nick(qwho), "isSelf": False,
                "type": 1, "subType": 0, "content": qtext}})
            quote = [f"{nick(qwho)}({wxid(qwho)}) {qwhen.strftime('%m-%d %H:%M:%S')}", *qtext.split("\n")]
            text = "".join(f"> {line}\n" for line in quote if line) + body
        elif kind == "transfer":
            amount, memo, received = p
            text = f"[转账|{'接收' if received else '发送'} ¥{amount}]({memo})"
            m.update(type=49, subType=2000, content=text)
        elif kind == "location":
            label, addr, x, y = p
            m.update(type=48, contents={"label": label, "city": addr, "x": x, "y": y})
            text = f"[位置|{label}|{addr}|{x}|{y}]"
        elif kind == "call":
            m.update(type=50)
            text = "[语音通话]"
        elif kind == "red_packet":
            m.update(type=49, subType=2001, contents={"title": p})
            text = "[红包]"
        elif kind == "pat":
            patter, patted = p
            m.update(type=49, subType=62, sender=wxid(patter), senderName=nick(patter), isSelf=patter == SELF)
            text = f'"${{{wxid(patter)}}}" 拍了拍 "${{{wxid(patted)}}}"'
            m["content"] = text
        elif kind == "join_qr":
            member, sharer = p
            via = "你" if sharer == SELF else f'"{nick(sharer)}({wxid(sharer)})"'
            text = f'"{nick(member)}({wxid(member)})"通过扫描{via}分享的二维码加入群聊'
            m.update(type=10000, content=text)
        elif kind == "receipt":
            text = notice(kind, p)
            m.update(type=10000, content=text.replace("红包", HB) if p[0] == "bob" else text)
            text = m["content"]
        else:
            text = notice(kind, p)
            m.update(type=10000, content=text)
        m["_text"] = text
        out.append(m)
    return out


def header(m: dict, fmt: str) -> str:
    sender = "我" if m["isSelf"] else m["sender"]
    who = f"{m['senderName']}({sender})" if m["senderName"] else sender
    return f"{who} {datetime.fromisoformat(m['time']).strftime(fmt)}"


def write_chatlog() -> None:
    msgs = chatlog_messages()
    records = [{k: v for k, v in m.items() if k != "_text" and (k != "contents" or v)} for m in msgs]
    (HERE / "chatlog.json").write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    rows = [[datetime.fromisoformat(m["time"]).strftime("%Y-%m-%d %H:%M:%S"), m["senderName"], m["sender"],
             m["talkerName"], m["talker"], m["_text"]] for m in msgs]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")  # Go's csv.Writer: LF, quotes only when needed
    writer.writerow(["Time", "SenderName", "Sender", "TalkerName", "Talker", "Content"])
    writer.writerows(rows)
    (HERE / "chatlog.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")

    # Text: a range crossing New Year, so chatlog writes the full date.
    text = "".join(f"{header(m, '%Y-%m-%d %H:%M:%S')}\n{m['_text']}\n\n" for m in msgs)
    (HERE / "chatlog.txt").write_text(text, encoding="utf-8", newline="")
    # Text for one day (time=2024-12-31): times only.
    day = [m for m in msgs if m["time"].startswith("2024-12-31")]
    text = "".join(f"{header(m, '%H:%M:%S')}\n{m['_text']}\n\n" for m in day)
    (HERE / "chatlog_oneday.txt").write_text(text, encoding="utf-8", newline="")


if __name__ == "__main__":
    write_pywxdump()
    write_chatlog()
