"""Telegram result.json: time and peak memory of the streaming parse against json.load.

Run: pytest tests/benchmarks/bench_telegram.py -m benchmark -s

Each measurement runs in a fresh interpreter so its peak RSS (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_PARSE = """
import resource, sys, time
from analysis import read_log
t = time.perf_counter()
chat = read_log(sys.argv[1], tz="UTC")
print(len(chat.messages), round(time.perf_counter() - t, 2),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""
_JSON_LOAD = """
import json, resource, sys, time
t = time.perf_counter()
doc = json.load(open(sys.argv[1], encoding="utf-8"))
print(len(doc["messages"]), round(time.perf_counter() - t, 2),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""
_BASELINE = """
import resource
import analysis
print(0, 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _write_export(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{\n "name": "Bench 群",\n "type": "private_supergroup",\n "id": 1,\n "messages": [\n')
        for i in range(n):
            msg = {"id": i + 1, "type": "message", "date": "2024-01-01T08:00:00",
                   "date_unixtime": str(1704067200 + i * 7), "from": f"成员{i % 500}",
                   "from_id": f"user{i % 500}",
                   "text": [f"第 {i} 条消息 hello world ", {"type": "link", "text": "https://t.me/x"}],
                   "text_entities": [{"type": "plain", "text": f"第 {i} 条消息 hello world "},
                                     {"type": "link", "text": "https://t.me/x"}]}
            if i % 50 == 0:
                msg["reply_to_message_id"] = max(i - 3, 1)
            fh.write(("  " if i == 0 else " ,") + json.dumps(msg, ensure_ascii=False, indent=1) + "\n")
        fh.write(" ]\n}\n")


def _run(code: str, path: Path) -> tuple[int, float, int]:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2])


@pytest.mark.benchmark
def test_bench_telegram_stream(tmp_path):
    for n in (100_000, 400_000):
        path = tmp_path / f"result_{n}.json"
        _write_export(path, n)
        size = path.stat().st_size / 2**20
        base = _run(_BASELINE, path)[2]
        rows, secs, rss = _run(_PARSE, path)
        _, jsecs, jrss = _run(_JSON_LOAD, path)
        assert rows == n
        print(f"\n{n:,} messages, {size:,.0f} MB file: read_log {secs:.1f} s, peak RSS {rss:,} MB "
              f"(imports alone {base:,} MB); json.load only {jsecs:.1f} s, peak RSS {jrss:,} MB")
