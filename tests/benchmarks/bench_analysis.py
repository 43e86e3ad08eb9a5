"""Activity + members analysis time against parse time on a generated 1,000,000-message QQ log.

    pytest tests/benchmarks/bench_analysis.py -m benchmark -s
    BENCH_MESSAGES=200000 pytest tests/benchmarks/bench_analysis.py -m benchmark -s   # quicker

Prints the parse time (``read_log``), the time of ``analyse_activity`` + ``analyse_members``
on the parsed chat (each run as a user would call it, no shared work) and their ratio.
Target (issue 5): analysis <= 1x parse.
"""

from __future__ import annotations

import os
import random
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
PHRASES = ["今天读到第三章了", "有人吗？", "打卡 Day 12", "第5天打卡", "哈哈哈", "[图片]", "[表情]",
           "这本书推荐给大家", "晚安", "收到", "请问分享会几点开始", "好的👍", "https://example.org/a",
           "谢谢老板", "我觉得结尾有点仓促\n不过整体很好看", "签到", "明天见", "赞同"]


def write_log(path: Path, n_messages: int, seed: int = 11) -> int:
    """A QQ TXT export of ``n_messages`` records: 3,000 members with Pareto activity, joins
    (some never speak), renames, red packets, check-ins; about one record a minute by day."""
    rng = random.Random(seed)
    members = [(str(20000 + i), f"成员{i}") for i in range(3000)]
    t = datetime(2021, 1, 1, 8, 0, 0)
    rule = "=" * 64
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(TITLE + "\r\n\r\n" + rule + "\r\n消息分组:我的QQ群\r\n" + rule
                 + "\r\n消息对象:基准读书会\r\n" + rule + "\r\n\r\n")
        chunk: list[str] = []
        for i in range(n_messages):
            t += timedelta(seconds=rng.randint(1, 90) if 8 <= t.hour < 23 else rng.randint(60, 1800))
            k = int(rng.paretovariate(1.1)) % len(members)
            uin, name = members[k]
            if i % 50_000 == 7:  # a rename now and then
                name = name + "·新"
                members[k] = (uin, name)
            body = rng.choice(PHRASES)
            if i % 400 == 0:
                uin, name, body = "10000", "系统消息", f"新人{i}加入本群"  # never speaks
            elif i % 397 == 0:
                body = "[QQ红包]恭喜发财"
            stamp = f"{t.year}-{t.month:02d}-{t.day:02d} {t.hour}:{t.minute:02d}:{t.second:02d}"
            chunk.append(f"{stamp} {name}({uin})\r\n{body}\r\n\r\n")
            if len(chunk) >= 20_000:
                fh.write("".join(chunk))
                chunk = []
        fh.write("".join(chunk))
    return path.stat().st_size


@pytest.mark.benchmark
def test_activity_and_members_within_parse_time(tmp_path):
    from analysis import read_log
    from analysis.activity import analyse_activity
    from analysis.members import analyse_members

    n = int(os.environ.get("BENCH_MESSAGES", "1000000"))
    path = tmp_path / "bench.txt"
    size = write_log(path, n)

    t0 = time.perf_counter()
    chat = read_log(path)
    parse = time.perf_counter() - t0

    t0 = time.perf_counter()
    activity = analyse_activity(chat)
    t_activity = time.perf_counter() - t0
    t0 = time.perf_counter()
    members = analyse_members(chat)
    t_members = time.perf_counter() - t0
    analysis = t_activity + t_members

    print(f"\n{n:,} records, {size / 1e6:.0f} MB; {activity.messages:,} messages, {members.known:,} members")
    print(f"parse (read_log)      {parse:6.2f} s")
    print(f"analyse_activity      {t_activity:6.2f} s")
    print(f"analyse_members       {t_members:6.2f} s")
    print(f"analysis / parse      {analysis / parse:6.2f}x  (target <= 1x)")
    assert members.messages == activity.messages
    assert analysis <= parse, f"analysis {analysis:.2f} s > parse {parse:.2f} s"
