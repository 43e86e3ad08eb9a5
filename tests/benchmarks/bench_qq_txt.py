"""QQ TXT parse speed and memory on a generated 1,000,000-message log.

    pytest tests/benchmarks/bench_qq_txt.py -m benchmark -s
    BENCH_MESSAGES=200000 pytest tests/benchmarks/bench_qq_txt.py -m benchmark -s   # quicker

Prints parse time, messages per second and the parse process's peak RSS, beside the time of
one ``re.split`` pass of the parser's own header regex over the same decoded text (the floor:
the least work any parser of this layout must do). Targets (issue 2): parse <= 2.5x floor,
peak RSS <= 4x the file size.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
WORDS = ["今天", "读书", "分享", "大家好", "收到", "好的", "哈哈哈", "这本书", "推荐", "晚安", "[图片]",
         "[表情]", "有人吗", "明天见", "打卡", "第12天", "https://example.org/a", "👍", "赞同", "不错"]


def write_qq_log(path: Path, n_messages: int, seed: int = 7) -> int:
    """Write a realistic QQ TXT export of ``n_messages`` records; return its size in bytes."""
    rng = random.Random(seed)
    members = [(str(10000 + i), f"成员{i}号" if i % 7 else f"【活跃】Member_{i}") for i in range(1, 600)]
    t = datetime(2020, 1, 1, 8, 0, 0)
    rule = "=" * 64
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\ufeff" + TITLE + "\r\n\r\n" + rule + "\r\n消息分组:我的QQ群\r\n" + rule
                 + "\r\n消息对象:基准测试群\r\n" + rule + "\r\n\r\n")
        chunk = []
        for i in range(n_messages):
            t += timedelta(seconds=rng.randint(1, 120))
            uin, name = members[int(rng.paretovariate(1.2)) % len(members)]
            words = rng.choices(WORDS, k=rng.randint(1, 8))
            body = "".join(words)
            if i % 25 == 0:
                body += "\n" + "".join(rng.choices(WORDS, k=4)) + "\n\n" + "结尾"
            if i % 500 == 0:
                uin, name, body = "10000", "系统消息", f"{name}加入本群"
            chunk.append(f"{t.year}-{t.month}-{t.day} {t.hour}:{t.minute:02d}:{t.second:02d} {name}({uin})\r\n{body}\r\n\r\n")
            if len(chunk) >= 10000:
                fh.write("".join(chunk))
                chunk = []
        fh.write("".join(chunk))
    return path.stat().st_size


CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    path, what = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    if what == "parse":
        from analysis import read_log
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        chat = read_log(path)
        elapsed = time.perf_counter() - t0
        n = len(chat.messages)
        unparsed = chat.unparsed_count
    else:
        from analysis.parsers import qq_txt
        import re
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        text = open(path, encoding="utf-8-sig", newline="").read()
        regex = qq_txt._header_regex("crlf", True)
        t0 = time.perf_counter()
        parts = regex.split(text)
        elapsed = time.perf_counter() - t0
        n = (len(parts) - 1) // (regex.groups + 1)
        unparsed = 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "messages": n, "unparsed": unparsed,
                      "peak_rss_kib": peak, "rss_after_imports_kib": base}))
    """
)


def _run(path: Path, what: str) -> dict:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), what], capture_output=True,
                          text=True, cwd=root, check=True)
    return json.loads(done.stdout)


@pytest.mark.benchmark
def test_qq_txt_parse_speed_and_memory(tmp_path):
    n = int(os.environ.get("BENCH_MESSAGES", "1000000"))
    path = tmp_path / "big.txt"
    size = write_qq_log(path, n)
    floor = _run(path, "split")
    parse = _run(path, "parse")
    assert parse["messages"] == n and parse["unparsed"] == 0
    mb = size / 1e6
    ratio = parse["seconds"] / floor["seconds"]
    rss_ratio = parse["peak_rss_kib"] * 1024 / size
    print(f"\nQQ TXT: {n:,} messages, {mb:.1f} MB")
    print(f"  floor (one re.split of the header regex over decoded text): {floor['seconds']:.2f} s")
    print(f"  parse (read_log, decode included):                          {parse['seconds']:.2f} s"
          f"  = {ratio:.2f}x floor, {n / parse['seconds']:,.0f} msg/s")
    print(f"  peak RSS of the parse process: {parse['peak_rss_kib'] / 1024:.0f} MiB = {rss_ratio:.2f}x file size"
          f" (after imports: {parse['rss_after_imports_kib'] / 1024:.0f} MiB)")
    grown = (parse["peak_rss_kib"] - parse["rss_after_imports_kib"]) * 1024 / size
    print(f"  of which the parse itself (peak minus the interpreter with pandas/pyarrow loaded): {grown:.2f}x file size")
    print("  targets: parse <= 2.5x floor; peak RSS <= 4x file size")
