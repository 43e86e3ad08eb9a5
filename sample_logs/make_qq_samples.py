"""Write the synthetic QQ TXT samples in sample_logs/qq_txt/ (deterministic; no real people).

    python sample_logs/make_qq_samples.py

study_group.txt is a fictional reading club (读书会) over seven weeks: a core of regulars,
occasional speakers, members who joined and never spoke, members who went quiet, a member
who renamed, an ad poster who joins, posts and leaves, red packets, daily check-ins (打卡),
multi-line messages, media placeholders and owner announcements.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent / "qq_txt"
TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
RULE = "=" * 64
CRLF = "\r\n"

OWNER = ("10001", "【群主】林书远")
ADMIN = ("10002", "【管理员】周小舟")
CORE = [("10003", "陈一苇"), ("10004", "阿拉蕾"), ("10005", "王不二")]
ACTIVE = [("10006", "夏目"), ("10007", "苏打绿茶"), ("10008", "老K"), ("10009", "Momo🌙"),
          ("10010", "程 序 猿")]
OCCASIONAL = [("10011", "路人甲"), ("10012", "晴天"), ("10013", "Leo"), ("10014", "半夏"),
              ("10015", "小鹿乱撞"), ("10016", "北方的狼")]
QUIET_LATER = [("10017", "风吹麦浪"), ("10018", "一只猫")]  # speak in weeks 1-2 only
SILENT_JOINERS = [("10019", "静静"), ("10020", "潜水员"), ("10021", "木头人"), ("10022", "小透明")]
RENAMED = ("10023", "旧名字阿豪", "阿豪-已读完三体")
SPAMMER = ("10099", "兼职招聘小助理")

BOOKS = ["《三体》", "《百年孤独》", "《活着》", "《人类简史》", "《围城》", "《红楼梦》"]
TOPIC_LINES = [
    "这周读到{b}第{n}章了，大家进度怎么样？",
    "{b}里面那段描写太精彩了",
    "我觉得{b}的结尾有点仓促",
    "推荐大家配合有声书一起看{b}",
    "{b}的人物关系有点乱，有人画过图吗？",
    "今晚的读书分享会几点开始？",
    "读书笔记已经写好了，等下发群文件",
    "有没有人一起讨论一下{b}的主题",
    "我更喜欢作者早期的作品",
    "这一章的伏笔终于收回来了",
    "第{n}页那句话值得反复读",
    "大家有没有同款读后感：{b}越读越有味道",
]
CHITCHAT = ["哈哈哈", "收到", "好的", "+1", "👍", "早上好", "晚安", "确实", "同意", "哈哈", "[表情]", "[图片]"]
QUESTIONS = ["{b}值得二刷吗？", "有人知道{b}的作者还写过什么吗？", "下次读什么书？", "分享会有回放吗？"]
ANSWERS = ["值得，第二遍感受完全不同", "我记得还有一本散文集", "投票决定吧", "有的，群文件里"]
ADS = [
    "兼职日赚300+，手机就能做，加薇信 vx123456 详聊",
    "免费领取读书会员，扫码进裙 88886666，名额有限！！！",
    "【招商加盟】零成本代理，日赚500，联系QQ 2233445566",
]


def _header(ts: datetime, name: str, uin: str, twelve_hour: bool = False) -> str:
    date = f"{ts.year}-{ts.month:02d}-{ts.day:02d}"
    if twelve_hour:
        hour = ts.hour % 12 or 12
        clock = f"{hour}:{ts.minute:02d}:{ts.second:02d} {'PM' if ts.hour >= 12 else 'AM'}"
    else:
        clock = f"{ts.hour}:{ts.minute:02d}:{ts.second:02d}"
    return f"{date} {clock} {name}({uin})"


def _record(ts: datetime, who: tuple[str, str], body: str) -> str:
    # Real exports: CRLF ends the header and the record; breaks inside a body are lone LF.
    return _header(ts, who[1], who[0]) + CRLF + body.replace("\n", "\n") + CRLF + CRLF


def study_group(rng: random.Random) -> str:
    start = datetime(2024, 3, 4, 8, 0, 0)
    records: list[tuple[datetime, str]] = []

    def add(ts: datetime, who: tuple[str, str], body: str) -> None:
        records.append((ts, _record(ts, who, body)))

    def system(ts: datetime, body: str) -> None:
        records.append((ts, _record(ts, ("10000", "系统消息"), body)))

    # Joins in week 1 (silent joiners too), later joiners in week 5.
    for i, (uin, name) in enumerate(CORE + ACTIVE + OCCASIONAL + QUIET_LATER + SILENT_JOINERS[:2]):
        add_at = start + timedelta(hours=1, minutes=7 * i)
        if i % 3 == 0:
            system(add_at, f"{ADMIN[1][5:]}邀请{name}加入本群")
        else:
            system(add_at, f"{name}加入本群")
    system(start + timedelta(hours=3), f"{RENAMED[1]}加入本群")
    late = start + timedelta(days=29, hours=2)
    for j, (_, name) in enumerate(SILENT_JOINERS[2:]):
        system(late + timedelta(minutes=11 * j), f"{name}加入本群")

    speakers_by_week = {
        w: CORE * 6 + ACTIVE * 3 + OCCASIONAL + ([OWNER, ADMIN] * 2) + (QUIET_LATER * 2 if w < 2 else [])
        for w in range(7)
    }
    for day in range(49):
        date = start + timedelta(days=day)
        week = day // 7
        weekend = date.weekday() >= 5
        # Activity grows in weeks 1-3, then slowly declines: a believable lifecycle.
        base = [28, 36, 42, 40, 34, 30, 26][week] + (8 if weekend else 0)
        for _ in range(base + rng.randint(-6, 6)):
            hour = rng.choice([8, 9, 12, 12, 13, 19, 20, 20, 21, 21, 22, 22, 23])
            ts = date.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
            who = rng.choice(speakers_by_week[week])
            roll = rng.random()
            if who == RENAMED[:2]:
                pass
            if roll < 0.55:
                body = rng.choice(TOPIC_LINES).format(b=rng.choice(BOOKS), n=rng.randint(1, 30))
            elif roll < 0.85:
                body = rng.choice(CHITCHAT)
            elif roll < 0.93:
                q = rng.randrange(len(QUESTIONS))
                add(ts, who, QUESTIONS[q].format(b=rng.choice(BOOKS)))
                answerer = rng.choice(CORE + ACTIVE)
                if rng.random() < 0.75:
                    add(ts + timedelta(minutes=rng.randint(1, 40)), answerer, ANSWERS[q])
                continue
            else:
                body = f"{rng.choice(TOPIC_LINES).format(b=rng.choice(BOOKS), n=rng.randint(1, 30))}\n补充一句：\n\n{rng.choice(TOPIC_LINES).format(b=rng.choice(BOOKS), n=2)}"
            add(ts, who, body)
        # Daily check-in thread in the evening.
        for k, who in enumerate(CORE + ACTIVE[:2]):
            if rng.random() < 0.8:
                add(date.replace(hour=21, minute=30 + k, second=rng.randint(0, 59)), who, f"打卡 第{day + 1}天 今日阅读{rng.randint(10, 60)}页")
        # The renamed member speaks in week 1-3 under the old name, later under the new one.
        if rng.random() < 0.5:
            name = RENAMED[1] if week < 3 else RENAMED[2]
            add(date.replace(hour=20, minute=rng.randint(0, 59), second=7), (RENAMED[0], name),
                rng.choice(TOPIC_LINES).format(b=rng.choice(BOOKS), n=rng.randint(1, 30)))
        # Owner's weekly announcement (Mondays) with a link, and a red packet on Fridays.
        if date.weekday() == 0:
            add(date.replace(hour=9, minute=0, second=0), OWNER,
                f"【本周共读】{BOOKS[week % len(BOOKS)]}\n分享会：周六晚8点\n报名表 https://example.org/club/week{week + 1}\n有问题联系管理员")
        if date.weekday() == 4:
            ts = date.replace(hour=20, minute=0, second=30)
            add(ts, rng.choice([OWNER, ADMIN, CORE[0]]), "[QQ红包]我发了一个“口令红包”，请使用新版手机QQ查收红包。")
            for m, who in enumerate(rng.sample(CORE + ACTIVE, 5)):
                add(ts + timedelta(seconds=20 + 9 * m), who, rng.choice(["谢谢老板", "手慢了", "哈哈抢到了", "[表情]"]))
    # The ad poster: joins in week 4, floods three ads in two minutes, then leaves.
    spam_at = start + timedelta(days=24, hours=14, minutes=3)
    system(spam_at, f"{SPAMMER[1]}加入本群")
    for i, ad in enumerate(ADS):
        add(spam_at + timedelta(seconds=40 + 30 * i), SPAMMER, ad)
    system(spam_at + timedelta(minutes=5), f"{SPAMMER[1]}被{ADMIN[1][5:]}移出本群")
    system(spam_at + timedelta(minutes=6), f"{CORE[1][1]}撤回了一条消息")
    # An occasional member leaves in week 6.
    system(start + timedelta(days=40, hours=10), f"{OCCASIONAL[5][1]}退出本群")

    records.sort(key=lambda r: r[0])
    head = TITLE + CRLF + CRLF + RULE + CRLF + "消息分组:我的QQ群" + CRLF + RULE + CRLF + "消息对象:星火读书会" + CRLF + RULE + CRLF + CRLF
    return "\ufeff" + head + "".join(r for _, r in records)


def edge_cases() -> str:
    """Small file with every layout trap from FORMATS.md §1a."""
    h = TITLE + CRLF + CRLF + RULE + CRLF + "消息分组:我的QQ群" + CRLF + RULE + CRLF + "消息对象:边界测试群" + CRLF + RULE + CRLF + CRLF
    recs = [
        "2023-1-5 7:03:09 【管理员】Alice(20001)" + CRLF + "one-digit month, day and hour" + CRLF + CRLF,
        "2023-01-05 8:43:38 PM 骰娘-Roll100(20002)" + CRLF + "twelve-hour clock, evening" + CRLF + CRLF,
        "2023-01-05 12:01:00 AM 夜猫子(20003)" + CRLF + "12 AM is just after midnight" + CRLF + CRLF,
        "2023-01-05 21:00:00 (20004)" + CRLF + "empty display name" + CRLF + CRLF,
        "2023-01-05 21:01:00 20005(20005)" + CRLF + "display name equal to the number" + CRLF + CRLF,
        "2023-01-05 21:02:00 大数据-小王<xiaowang@example.com>" + CRLF + "e-mail account" + CRLF + CRLF,
        "2023-01-05 21:03:00 小号 (备用)(20006)" + CRLF + "brackets inside the name" + CRLF + CRLF,
        "2023-01-05 21:04:00 Bob(20007)" + CRLF + "line one\nline two after a lone LF\rline three after a lone CR" + CRLF + CRLF,
        "2023-01-05 21:05:00 Bob(20007)" + CRLF + "a body with a blank line\n\nand a header-like line:\n2023-01-05 21:06:00 Fake(99999)\nstill the same message" + CRLF + CRLF,
        "2023-01-05 21:06:00 Carol(20008)" + CRLF + CRLF + "body starting with a blank line" + CRLF + CRLF,
        "2023-01-05 21:07:00 Carol(20008)" + CRLF + CRLF,
        "2023-01-05 21:08:00 Dave(20009)" + CRLF + "[图片]" + CRLF + CRLF,
        "2023-01-05 21:08:30 Dave(20009)" + CRLF + "[图片]这样的咩？mixed placeholder stays text" + CRLF + CRLF,
        "2023-01-05 21:09:00 Dave(20009)" + CRLF + "[表情]" + CRLF + CRLF,
        "2023-01-05 21:10:00 系统消息(10000)" + CRLF + "Alice邀请Eve加入本群" + CRLF + CRLF,
        "2023-01-05 21:11:00 系统消息(10000)" + CRLF + "Frank加入本群" + CRLF + CRLF,
        "2023-01-05 21:12:00 系统消息(10000)" + CRLF + "Bob撤回了一条消息" + CRLF + CRLF,
        "2023-01-05 21:13:00 系统消息(10000)" + CRLF + "[图片] Carol 分享文件 21:13:00\n\"notes.txt\" 下载" + CRLF + CRLF,
        "2023-01-05 21:14:00 系统消息(10000)" + CRLF + "Frank被Alice移出本群" + CRLF + CRLF,
        "2023-01-05 21:15:00 系统消息(10000)" + CRLF + "群名称已修改为 边界测试群2" + CRLF + CRLF,
        "2023-01-05 21:16:00 骰娘-Roll100(20002)" + CRLF + "[QQ红包]我发了一个“专享红包”，请使用新版手机QQ查收红包。" + CRLF + CRLF,
        "2023-01-05 21:17:00 小号 (备用)(20006)" + CRLF + "https://example.org/article/42" + CRLF + CRLF,
        "2023-01-05 21:18:00 Alice(20001)" + CRLF + "last message without trailing blank line",
    ]
    return h + "".join(recs)


def all_messages() -> str:
    """An 'all messages' export: two conversations, one of them split across two folders."""
    def block(folder: str, obj: str) -> str:
        return RULE + CRLF + f"消息分组:{folder}" + CRLF + RULE + CRLF + f"消息对象:{obj}" + CRLF + RULE + CRLF + CRLF
    return (
        "\ufeff" + TITLE + CRLF + CRLF
        + block("我的QQ群", "跑步群")
        + "2023-05-01 6:30:00 晨跑者(30001)" + CRLF + "今天5公里，配速6分" + CRLF + CRLF
        + "2023-05-01 6:45:00 小马(30002)" + CRLF + "打卡" + CRLF + CRLF
        + block("我的QQ群", "摄影群")
        + "2023-05-01 9:00:00 光圈(30003)" + CRLF + "[图片]" + CRLF + CRLF
        + "2023-05-01 9:05:00 快门(30004)" + CRLF + "好看！" + CRLF + CRLF
        + block("旧群", "跑步群")
        + "2023-05-02 6:31:00 晨跑者(30001)" + CRLF + "今天10公里" + CRLF + CRLF
    )


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    files = {
        "study_group.txt": study_group(random.Random(20240304)),
        "edge_cases.txt": edge_cases(),
        "all_messages.txt": all_messages(),
    }
    for name, text in files.items():
        (HERE / name).write_bytes(text.encode("utf-8"))
    # The same edge cases as GB18030 without BOM (older Windows exports).
    (HERE / "edge_cases_gb18030.txt").write_bytes(edge_cases().encode("gb18030"))


if __name__ == "__main__":
    main()
