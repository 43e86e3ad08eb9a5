"""ChatLab JSONL parse speed and memory on a generated 2,000,000-message log (issue 3).

    pytest tests/benchmarks/bench_chatlab_jsonl.py -m benchmark -s
    BENCH_MESSAGES=200000 pytest tests/benchmarks/bench_chatlab_jsonl.py -m benchmark -s   # quicker

The same synthetic conversation (600 members, Pareto-distributed activity, short Chinese
texts with placeholders, URLs and multi-line bodies, a join notice every 500 messages) is
written twice into a temporary folder: as ChatLab JSONL (header, member lines, message lines)
and as a classic QQ TXT export (``YYYY-MM-DD H:MM:SS name(uin)`` CRLF, body CRLF, blank CRLF).
Each file is parsed by ``read_log`` in its own child process; the printout gives parse time,
messages per second and the child's peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``, read
in a fresh intermediate process so one measurement cannot mask another) against the file size.

Targets (issue 3): peak RSS at most 3x the JSONL file size; JSONL throughput within 2x of the
QQ TXT parser's.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "2000000"))
"""Messages in the synthetic log (issue 3: 2,000,000)."""
TARGET_RSS_X_FILE = 3.0
TARGET_SLOWER_THAN_TXT = 2.0

TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
WORDS = ["今天", "读书", "分享", "大家好", "收到", "好的", "哈哈哈", "这本书", "推荐", "晚安", "[图片]",
         "[表情]", "有人吗", "明天见", "打卡", "第12天", "https://example.org/a", "👍", "赞同", "不错"]
CST = timezone(timedelta(hours=8))


def write_logs(folder: Path, n: int, seed: int = 11) -> tuple[Path, Path]:
    """Write the same ``n`` messages as ChatLab JSONL and as QQ TXT; return both paths."""
    rng = random.Random(seed)
    members = [(str(10000 + i), f"成员{i}号") for i in range(1, 600)]
    jsonl, txt = folder / "big.jsonl", folder / "big.txt"
    t = datetime(2020, 1, 1, 8, 0, 0, tzinfo=CST)
    dumps = json.dumps
    with open(jsonl, "w", encoding="utf-8", newline="\n") as fj, \
            open(txt, "w", encoding="utf-8", newline="") as ft:
        fj.write(dumps({"_type": "header", "chatlab": {"version": "0.0.2", "exportedAt": 1700000000},
                        "meta": {"name": "基准测试群", "platform": "qq", "type": "group"}},
                       ensure_ascii=False) + "\n")
        for uin, name in members:
            fj.write(dumps({"_type": "member", "platformId": uin, "accountName": name},
                           ensure_ascii=False) + "\n")
        rule = "=" * 64
        ft.write("\ufeff" + TITLE + "\r\n\r\n" + rule + "\r\n消息分组:我的QQ群\r\n" + rule
                 + "\r\n消息对象:基准测试群\r\n" + rule + "\r\n\r\n")
        js, ts = [], []
        for i in range(n):
            t += timedelta(seconds=rng.randint(1, 120))
            uin, name = members[int(rng.paretovariate(1.2)) % len(members)]
            body = "".join(rng.choices(WORDS, k=rng.randint(1, 8)))
            kind = 1 if body == "[图片]" else 0
            if i % 25 == 0:
                body += "\n" + "".join(rng.choices(WORDS, k=4)) + "\n\n结尾"
            txt_uin, txt_name = uin, name
            if i % 500 == 0:
                txt_uin, txt_name, body, kind = "10000", "系统消息", f"{name}加入本群", 80
            js.append(dumps({"_type": "message", "sender": uin, "accountName": name,
                             "timestamp": int(t.timestamp()), "type": kind, "content": body,
                             "platformMessageId": str(900000000 + i)}, ensure_ascii=False))
            ts.append(f"{t.year}-{t.month}-{t.day} {t.hour}:{t.minute:02d}:{t.second:02d} "
                      f"{txt_name}({txt_uin})\r\n{body}\r\n\r\n")
            if len(js) >= 20000:
                fj.write("\n".join(js) + "\n")
                ft.write("".join(ts))
                js, ts = [], []
        if js:
            fj.write("\n".join(js) + "\n")
            ft.write("".join(ts))
    return jsonl, txt


CHILD = textwrap.dedent(
    """
    import json, sys, time
    from analysis import read_log
    t0 = time.perf_counter()
    chat = read_log(sys.argv[1])
    elapsed = time.perf_counter() - t0
    print(json.dumps({"seconds": elapsed, "messages": len(chat.messages),
                      "unparsed": chat.unparsed_count, "format": chat.format}))
    """
)

MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys
    done = subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]], capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(done.stderr)
    result = json.loads(done.stdout)
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps(result))
    """
)


def _measure(path: Path) -> dict:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", MEASURE, CHILD, str(path)], capture_output=True,
                          text=True, cwd=root)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.benchmark
def test_chatlab_jsonl_speed_and_memory():
    # Our own temporary folder: pytest's tmp_path can be pruned by other pytest runs
    # while this long benchmark is still reading its files.
    with tempfile.TemporaryDirectory(prefix="bench_chatlab_") as folder:
        _run(Path(folder))


def _run(folder: Path) -> None:
    jsonl, txt = write_logs(folder, MESSAGES)
    j = _measure(jsonl)
    q = _measure(txt)
    assert j["format"] == "chatlab-jsonl" and q["format"] == "qq-txt"
    assert j["messages"] == MESSAGES and q["messages"] == MESSAGES
    assert j["unparsed"] == 0 and q["unparsed"] == 0
    j_size, q_size = jsonl.stat().st_size, txt.stat().st_size
    j_rate, q_rate = MESSAGES / j["seconds"], MESSAGES / q["seconds"]
    rss_x = j["peak_rss_kib"] * 1024 / j_size
    print(f"\n{MESSAGES:,} messages")
    for label, r, size, rate in (("ChatLab JSONL", j, j_size, j_rate), ("QQ TXT", q, q_size, q_rate)):
        print(f"  {label:13s} {size / 1e6:7.1f} MB  parse {r['seconds']:6.2f} s  {rate:10,.0f} msg/s"
              f"  peak RSS {r['peak_rss_kib'] / 1024:6.0f} MiB = {r['peak_rss_kib'] * 1024 / size:.2f}x file")
    print(f"  JSONL time / TXT time: {q_rate / j_rate:.2f}  (target <= {TARGET_SLOWER_THAN_TXT})")
    print(f"  JSONL peak RSS / file: {rss_x:.2f}  (target <= {TARGET_RSS_X_FILE})")
