"""Write the synthetic WeFlow / EchoTrace / ChatLab (sample_logs/wechat) and qq-chat-exporter
(sample_logs/qq_qce) samples: fictional people, fake wxids and QQ numbers, fixed seeds.

    python sample_logs/qq_qce/make_json_samples.py
"""
import base64
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CST = timezone(timedelta(hours=8))

# ---------------------------------------------------------------- WeChat group
GROUP_ID = "20240309demo@chatroom"
GROUP = "周末徒步群"
M = {
    "A": ("wxid_demo_linxiao", "林晓"),
    "B": ("wxid_demo_zhouming", "周明"),
    "C": ("wxid_demo_chenyu", "陈雨"),
    "D": ("wxid_demo_wangfang", "王芳"),
    "E": ("wxid_demo_liuqiang", "刘强"),
    "F": ("wxid_demo_zhaolei", "赵磊"),
    "G": ("wxid_demo_sunli", "孙丽"),
    "H": ("wxid_demo_adbot", "好物推荐官"),
}
AD = "【限时福利】户外冲锋衣工厂直销，原价899现价199！加微信 demo_ad_888 领取优惠券，前50名包邮！"
DAY1 = datetime(2024, 3, 9, 8, 0, tzinfo=CST)
DAY2 = datetime(2024, 3, 10, 9, 0, tzinfo=CST)
# (minute offset, who or None for system, weflow type, content, chatlab type, extra)
W = [
    (0, "A", "文本消息", "大家早上好！本周六徒步路线定了：香山北线，全程约12公里。", 0, {}),
    (1, "B", "文本消息", "收到👍", 0, {}),
    (2, "C", "文本消息", "这周六去香山吗？天气预报说有小雨", 0, {"key": "q"}),
    (3, "A", "引用消息", "小雨不影响，记得带雨衣", 25, {"reply": "q"}),
    (5, "D", "图片消息", "[图片]", 1, {}),
    (6, "D", "文本消息", "这是上次拍的照片[旺柴]", 0, {}),
    (8, "A", "文本消息", "集合信息：\n时间：周六 7:30\n地点：地铁植物园站B口\n费用：AA", 0, {}),
    (10, "E", "文本消息", "我带两个朋友可以吗？", 0, {}),
    (11, "A", "文本消息", "可以，提前说一声", 0, {}),
    (15, None, "系统消息", "\"周明\"邀请\"赵磊\"加入了群聊", 80, {}),
    (15, None, "系统消息", "赵磊与群里其他人都不是朋友关系，请注意隐私安全", 80, {}),
    (16, "F", "文本消息", "大家好，我是赵磊，第一次参加，请多关照", 0, {}),
    (17, "B", "文本消息", "欢迎欢迎", 0, {}),
    (20, None, "系统消息", "\"孙丽\"通过扫描你分享的二维码加入群聊", 80, {}),
    (21, "G", "动画表情", "[动画表情]", 5, {}),
    (22, "G", "文本消息", "新人报到～", 0, {}),
    (25, "A", "红包卡片", "[红包] 新人红包，欢迎加入", 20, {}),
    (26, None, "系统消息", "周明领取了你的红包", 80, {}),
    (27, None, "系统消息", "孙丽领取了你的红包", 80, {}),
    (28, "G", "文本消息", "谢谢群主！", 0, {}),
    (30, "E", "语音消息", "[语音]", 2, {}),
    (32, None, "系统消息", "\"刘强\"邀请\"好物推荐官\"加入了群聊", 80, {}),
    (33, "H", "文本消息", AD, 0, {}),
    (34, "H", "卡片式链接", "[链接] 户外装备清仓大促 https://example.com/promo", 7, {}),
    (35, "H", "文本消息", AD, 0, {}),
    (36, None, "系统消息", "你将\"好物推荐官\"移出了群聊", 80, {}),
    (37, "A", "文本消息", "群里禁止发广告，已移出。", 0, {}),
    (39, None, "系统消息", "\"陈雨\" 撤回了一条消息", 81, {}),
    (40, "C", "文本消息", "刚才发错群了，不好意思", 0, {}),
    (42, "B", "文件消息", "[文件] 香山北线路线图.pdf", 4, {}),
    (43, "C", "视频消息", "[视频]", 3, {}),
    (45, None, "拍一拍消息", "\"周明\" 拍了拍 \"林晓\"", 22, {}),
    (46, "A", "位置消息", "[位置] 地铁植物园站B口", 8, {}),
    (50, "D", "文本消息", "周六见！", 0, {}),
    (51, "E", "转账卡片", "[转账] AA费 50元", 21, {}),
    (55, "F", "文本消息", "请问需要带登山杖吗？\n没有的话山下能租吗", 0, {}),
    (56, "A", "文本消息", "建议带，山下有租的", 0, {}),
    (60, None, "系统消息", "王芳退出了群聊", 80, {}),
]
W2 = [
    (0, "A", "文本消息", "昨天的照片都传到群相册了，大家辛苦！", 0, {}),
    (3, "C", "图片消息", "[图片]", 1, {}),
    (5, "B", "文本消息", "下次什么时候？", 0, {}),
    (6, "A", "文本消息", "下个月爬长城，详情再通知", 0, {}),
    (8, "G", "文本消息", "报名+1", 0, {}),
]


def wechat_rows():
    rows = []
    for day, items in ((DAY1, W), (DAY2, W2)):
        for minute, who, wtype, content, ctype, extra in items:
            t = day + timedelta(minutes=minute)
            rows.append({"t": t, "who": who, "wtype": wtype, "content": content, "ctype": ctype, "extra": extra})
    for i, r in enumerate(rows):
        r["id"] = f"71000000000000{i + 1:04d}"
        r["sec"] = int(r["t"].timestamp()) + i % 3  # a few seconds apart within a minute
    keys = {r["extra"]["key"]: r["id"] for r in rows if "key" in r["extra"]}
    for r in rows:
        if "reply" in r["extra"]:
            r["reply_to"] = keys[r["extra"]["reply"]]
    return rows


def fake_base64(n, seed):
    rnd = random.Random(seed)
    raw = bytes(rnd.getrandbits(8) for _ in range(n))
    return base64.b64encode(b"\x89PNG\r\n\x1a\n" + raw).decode()


def write_weflow():
    rows = wechat_rows()
    msgs = []
    for i, r in enumerate(rows):
        wxid, name = M[r["who"]] if r["who"] else ("", "")
        m = {
            "localId": i + 1,
            "createTime": r["sec"],
            "formattedTime": datetime.fromtimestamp(r["sec"], CST).strftime("%Y-%m-%d %H:%M:%S"),
            "type": r["wtype"],
            "localType": {"文本消息": 1, "图片消息": 3, "系统消息": 10000}.get(r["wtype"], 49),
            "content": r["content"],
            "isSend": 1 if r["who"] == "A" else 0,
            "senderUsername": wxid,
            "senderDisplayName": name,
            "source": "",
            "senderAvatarKey": wxid,
            "platformMessageId": r["id"],
        }
        if "reply_to" in r:
            m["replyToMessageId"] = r["reply_to"]
            m["quotedSender"] = "陈雨"
            m["quotedContent"] = "这周六去香山吗？天气预报说有小雨"
        msgs.append(m)
    doc = {
        "weflow": {"version": "2.1.0", "exportedAt": 1710115200, "generator": "WeFlow"},
        "session": {
            "wxid": GROUP_ID, "nickname": GROUP, "remark": "", "displayName": GROUP,
            "type": "群聊", "lastTimestamp": rows[-1]["sec"], "messageCount": len(rows),
            "avatar": "data:image/png;base64," + fake_base64(54000, 7),
        },
        "messages": msgs,
    }
    (ROOT / "wechat").mkdir(parents=True, exist_ok=True)
    (ROOT / "wechat" / "weflow.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_echotrace():
    rows = wechat_rows()
    msgs = []
    for i, r in enumerate(rows):
        wxid, name = M[r["who"]] if r["who"] else (GROUP_ID, GROUP)
        msgs.append({
            "localId": 5000 + i,
            "createTime": r["sec"],
            "formattedTime": datetime.fromtimestamp(r["sec"], CST).strftime("%Y-%m-%d %H:%M:%S"),
            "type": r["wtype"],
            "localType": 1,
            "content": r["content"],
            "isSend": None if r["who"] is None else (1 if r["who"] == "A" else 0),
            "senderUsername": wxid,
            "senderDisplayName": name,
            "senderAvatarKey": wxid,
            "source": "",
        })
    doc = {
        "session": {"wxid": GROUP_ID, "nickname": GROUP, "remark": "", "displayName": GROUP,
                    "type": "群聊", "lastTimestamp": rows[-1]["sec"], "messageCount": len(rows)},
        "messages": msgs,
        "avatars": {M["A"][0]: {"displayName": "林晓", "base64": fake_base64(300, 3)}},
    }
    (ROOT / "wechat" / "echotrace.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def chatlab_messages():
    out = []
    for r in wechat_rows():
        wxid, name = M[r["who"]] if r["who"] else ("", "")
        m = {"sender": wxid, "accountName": name or "系统消息", "timestamp": r["sec"],
             "type": r["ctype"], "content": r["content"], "platformMessageId": r["id"]}
        if r["who"] == "F":
            m["groupNickname"] = "赵磊-新人"
        if "reply_to" in r:
            m["replyToMessageId"] = r["reply_to"]
        out.append(m)
    return out


def chatlab_members():
    members = []
    for key, (wxid, name) in M.items():
        m = {"platformId": wxid, "accountName": name}
        if key == "A":
            m["roles"] = [{"id": "owner"}]
        if key == "B":
            m["roles"] = [{"id": "admin"}]
        if key == "F":
            m["groupNickname"] = "赵磊-新人"
        members.append(m)
    members.append({"platformId": "wxid_demo_quiet", "accountName": "潜水的老李"})
    return members


CHATLAB_HEAD = {"version": "0.0.2", "exportedAt": 1710115200, "generator": "WeFlow"}
CHATLAB_META = {"name": GROUP, "platform": "weixin", "type": "group", "groupId": GROUP_ID,
                "ownerId": M["A"][0]}


def write_chatlab():
    doc = {"chatlab": CHATLAB_HEAD, "meta": CHATLAB_META, "members": chatlab_members(),
           "messages": chatlab_messages()}
    (ROOT / "wechat" / "chatlab.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lines = [json.dumps({"_type": "header", "chatlab": CHATLAB_HEAD, "meta": CHATLAB_META}, ensure_ascii=False)]
    lines += [json.dumps({"_type": "member", **m}, ensure_ascii=False) for m in chatlab_members()]
    lines += [json.dumps({"_type": "message", **m}, ensure_ascii=False) for m in chatlab_messages()]
    (ROOT / "wechat" / "chatlab.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- QQ group (QCE)
QQ_GROUP = "星河读书会"
Q = {
    "A": ("10001", "u_demo_10001", "林一", "林一", ""),
    "B": ("10002", "u_demo_10002", "苏青", "青青", ""),
    "C": ("10003", "u_demo_10003", "何远", "何远", "书虫"),
    "D": ("10004", "u_demo_10004", "唐宁", "Tang", ""),
    "E": ("10005", "u_demo_10005", "马骁", "马骁", ""),
    "F": ("10006", "u_demo_10006", "新人小白", "小白", ""),
    "G": ("10007", "u_demo_10007", "陆遥", "陆遥", ""),
    "H": ("10008", "u_demo_10008", "推广小助手", "推广小助手", ""),
}
QQ_AD = "💰兼职日结💰 在家动动手指，日赚300+，无需经验！有意者加QQ群 800000001 了解详情"
QDAY1 = datetime(2024, 3, 16, 19, 0, tzinfo=CST)
QDAY2 = datetime(2024, 3, 17, 20, 0, tzinfo=CST)
# (minute, who, text, elements-kind, extra)
QQ = [
    (0, "A", "各位晚上好，本周共读《百年孤独》第五章，20:30 开始线上讨论。", "text", {}),
    (1, "B", "来啦", "text", {}),
    (2, "C", "这一章的时间线有点乱，谁能帮忙梳理一下？", "text", {"key": "q"}),
    (3, "D", "[回复消息]我整理了一份人物关系图，等下发", "reply", {"reply": "q"}),
    (4, "D", "[图片:renwu_guanxi.jpg]", "image", {}),
    (5, "E", "[表情14]", "face", {}),
    (6, "C", "太有用了，谢谢！", "text", {}),
    (8, "A", "讨论提纲：\n1. 马孔多的兴衰\n2. 奥雷里亚诺上校的孤独\n3. 你最喜欢的片段", "text", {}),
    (10, None, "苏青 邀请 新人小白 加入了本群", "system", {}),
    (11, "F", "大家好，我是新人小白，刚开始读这本书", "text", {}),
    (12, "B", "欢迎～可以先看群文件里的导读", "text", {}),
    (14, None, "陆遥 加入了本群", "system", {}),
    (15, "G", "[QQ红包]读书会基金，见者有份", "redpacket", {}),
    (16, "G", "大家好，我是陆遥", "text", {}),
    (18, "E", "[语音:5秒]", "audio", {}),
    (20, "H", QQ_AD, "text", {"key": "ad1"}),
    (21, "H", QQ_AD, "text", {}),
    (22, None, "林一 撤回了 推广小助手 的消息", "system", {}),
    (23, None, "林一 将 推广小助手 移出了本群", "system", {}),
    (24, "A", "再次提醒：本群禁止广告，发广告直接移出。", "text", {}),
    (25, "C", "我觉得奥雷里亚诺上校的那段写得最好", "text", {}),
    (26, None, "何远 撤回了一条消息", "system", {}),
    (27, "C", "（刚才打错字了）奥雷里亚诺上校做小金鱼那段最动人", "text", {}),
    (28, "D", "[文件:百年孤独_第五章笔记.docx]", "file", {}),
    (30, "B", "[视频:朗读片段.mp4]", "video", {}),
    (31, "E", "@唐宁 笔记写得真好", "at", {}),
    (32, None, "马骁 拍了拍 唐宁", "system", {}),
    (34, "F", "我没看懂第五章开头，\n能有人讲讲吗？", "text", {}),
    (35, "A", "[合并转发]", "forward", {}),
    (36, "A", "上次讨论的记录转发给新朋友", "text", {}),
    (38, "D", "这条说错了，先撤回", "text", {"recalled": True}),
    (40, "G", "[JSON消息]", "json", {}),
    (42, "A", "今晚就到这里，下周继续第六章！", "text", {}),
]
QQ2 = [
    (0, "B", "第六章的导读我放群文件了", "text", {}),
    (2, "C", "收到，谢谢", "text", {}),
    (5, None, "新人小白 退出了本群", "system", {}),
    (6, "A", "本周讨论改到周六晚上 8 点", "text", {}),
]


def qq_rows():
    rows = []
    for day, items in ((QDAY1, QQ), (QDAY2, QQ2)):
        for minute, who, text, ek, extra in items:
            rows.append({"t": day + timedelta(minutes=minute), "who": who, "text": text, "ek": ek, "extra": extra})
    for i, r in enumerate(rows):
        r["id"] = f"7345000000000{i + 1:05d}"
        r["seq"] = str(1200 + i)
        r["ms"] = int(r["t"].timestamp() * 1000) + (i % 5) * 1000 + 250
    keys = {r["extra"]["key"]: r["id"] for r in rows if "key" in r["extra"]}
    for r in rows:
        if "reply" in r["extra"]:
            r["reply_to"] = keys[r["extra"]["reply"]]
    return rows


def qq_elements(r):
    ek, text = r["ek"], r["text"]
    if ek in ("text", "redpacket"):
        return [{"type": "text", "data": {"text": text}}]
    if ek == "system":
        return [{"type": "system", "data": {"text": text, "summary": text}}]
    if ek == "reply":
        body = text.replace("[回复消息]", "")
        return [{"type": "reply", "data": {"messageId": r["reply_to"], "senderUin": "10003",
                                             "senderName": "何远", "content": "这一章的时间线有点乱，谁能帮忙梳理一下？"}},
                {"type": "text", "data": {"text": body}}]
    if ek == "image":
        return [{"type": "image", "data": {"filename": "renwu_guanxi.jpg", "size": 204800, "width": 1080, "height": 1920}}]
    if ek == "face":
        return [{"type": "face", "data": {"id": 14, "name": "表情14"}}]
    if ek == "audio":
        return [{"type": "audio", "data": {"filename": "voice.amr", "duration": 5}}]
    if ek == "file":
        return [{"type": "file", "data": {"filename": "百年孤独_第五章笔记.docx", "size": 35120}}]
    if ek == "video":
        return [{"type": "video", "data": {"filename": "朗读片段.mp4", "size": 5120000, "duration": 42}}]
    if ek == "at":
        return [{"type": "at", "data": {"uid": "u_demo_10004", "name": "唐宁"}},
                {"type": "text", "data": {"text": " 笔记写得真好"}}]
    if ek == "forward":
        return [{"type": "forward", "data": {"title": "转发消息", "summary": "群聊的聊天记录"}}]
    if ek == "json":
        return [{"type": "json", "data": {"title": "读书打卡小程序", "summary": "读书打卡小程序"}}]
    raise ValueError(ek)


def qce_message(r):
    if r["who"]:
        uin, uid, card, nick, title = Q[r["who"]]
        sender = {"uid": uid, "uin": uin, "name": card, "nickname": nick, "groupCard": card,
                  "remark": "", "title": title}
    else:
        sender = {"uid": "", "uin": "0", "name": "", "nickname": "", "groupCard": "", "remark": "", "title": ""}
    els = qq_elements(r)
    resources = [{"type": e["type"], "filename": e["data"]["filename"], "size": e["data"].get("size", 0)}
                 for e in els if e["type"] in ("image", "video", "audio", "file")]
    mentions = [{"uid": "u_demo_10004", "name": "唐宁", "type": "user"}] if r["ek"] == "at" else []
    return {
        "id": r["id"], "seq": r["seq"], "timestamp": r["ms"],
        "time": datetime.fromtimestamp(r["ms"] / 1000, CST).strftime("%Y-%m-%d %H:%M:%S"),
        "sender": sender,
        "type": "system" if r["who"] is None else ("reply" if r["ek"] == "reply" else "text"),
        "content": {"text": r["text"], "html": "", "elements": els, "resources": resources, "mentions": mentions},
        "recalled": bool(r["extra"].get("recalled")),
        "system": r["who"] is None,
    }


QCE_META = {"name": "QQChatExporter", "copyright": "https://github.com/shuakami/qq-chat-exporter", "version": "5.3.1"}
QCE_INFO = {"name": QQ_GROUP, "type": "group", "selfUid": "u_demo_10001", "selfUin": "10001",
            "selfName": "林一", "peerUid": "900000001", "peerUin": "900000001", "avatar": "",
            "participantCount": 9}


def qce_stats(msgs):
    return {"totalMessages": len(msgs), "timeRange": {"start": msgs[0]["time"], "end": msgs[-1]["time"]},
            "messageTypes": {}, "senders": []}


def write_qce():
    msgs = [qce_message(r) for r in qq_rows()]
    out = ROOT / "qq_qce"
    out.mkdir(parents=True, exist_ok=True)
    doc = {"metadata": QCE_META, "chatInfo": QCE_INFO, "statistics": qce_stats(msgs), "messages": msgs,
           "avatars": {"10001": "data:image/png;base64," + fake_base64(200, 11)},
           "exportOptions": {"format": "json", "includeResourceLinks": True}}
    # QCE writes metadata/chatInfo/statistics compact, messages indented.
    (out / "group.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # chunked
    cdir = out / "chunked" / "chunks"
    cdir.mkdir(parents=True, exist_ok=True)
    parts = [msgs[:20], msgs[20:]]
    chunks = []
    for i, part in enumerate(parts, 1):
        name = f"c{i:06d}.jsonl"
        text = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in part)
        (cdir / name).write_text(text, encoding="utf-8")
        chunks.append({"index": i, "fileName": name, "relativePath": f"chunks/{name}",
                       "start": part[0]["time"], "end": part[-1]["time"], "count": len(part),
                       "bytes": len(text.encode()), "startTsMs": part[0]["timestamp"], "endTsMs": part[-1]["timestamp"]})
    manifest = {"metadata": QCE_META, "chatInfo": QCE_INFO, "statistics": qce_stats(msgs),
                "chunked": {"format": "jsonl", "chunksDir": "chunks", "chunks": chunks}}
    (out / "chunked" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_qce_old()


def write_qce_old():
    """V4-era keys: chatName, messageId, isSystemMessage/isRecalled, timestamps as ISO or s."""
    msgs = []
    for i, r in enumerate(qq_rows()):
        if r["who"]:
            uin, uid, card, nick, _ = Q[r["who"]]
        else:
            uin, uid, card, nick = "0", "", "", ""
        if i % 3 == 0:
            stamp = datetime.fromtimestamp(r["ms"] / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{r['ms'] % 1000:03d}Z"
        elif i % 3 == 1:
            stamp = r["ms"] // 1000
        else:
            stamp = str(r["ms"])
        raw_els = []
        if r["ek"] == "reply":
            raw_els.append({"elementType": 7, "replyElement": {"replayMsgSeq": "1202", "sourceMsgIdInRecords": r["reply_to"],
                                                                "senderUid": "u_demo_10003"}})
        raw_els.append({"elementType": 1, "textElement": {"content": r["text"].replace("[回复消息]", ""), "atType": 0}})
        resources = [{"type": e["type"]} for e in qq_elements(r) if e["type"] in ("image", "video", "audio", "file")]
        msgs.append({
            "messageId": r["id"],
            "timestamp": stamp,
            "sender": {"uid": uid, "uin": uin, "name": card or nick},
            "messageType": 1,
            "isSystemMessage": r["who"] is None,
            "isRecalled": bool(r["extra"].get("recalled")),
            "content": {"text": r["text"], "resources": resources,
                        "emojis": [{"type": "face"}] if r["ek"] == "face" else []},
            "rawMessage": {"senderUin": uin, "senderUid": uid, "sendNickName": nick,
                           "sendMemberName": card, "elements": raw_els, "subMsgType": 1},
        })
    doc = {"metadata": {"name": "QQChatExporter V4", "version": "4.2.0", "exportTime": "2024-03-18 10:00:00"},
           "chatName": QQ_GROUP, "messages": msgs}
    (ROOT / "qq_qce" / "group_oldkeys.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_weflow()
    write_echotrace()
    write_chatlab()
    write_qce()
    print("ok")
