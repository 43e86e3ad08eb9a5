"""Parse speed of the PyWxDump CSV and chatlog JSON/CSV/text parsers on a generated group log.

    pytest tests/benchmarks/bench_wechat_pywxdump_chatlog.py -m benchmark -s
    BENCH_MESSAGES=50000 pytest tests/benchmarks/bench_wechat_pywxdump_chatlog.py -m benchmark -s

One synthetic conversation (300 members, a join notice naming two members every 50 messages,
multi-line bodies, WeChat emoji codes, a quote every 97 messages) is written in four layouts
into a temporary folder; each is read with ``read_log`` and the time and messages per second
are printed.
"""

from __future__ import annotations

import csv
import json
import os
import time
from datetime import datetime, timedelta

import pytest

from analysis import read_log
from analysis.parsers import ParseOptions

N = int(os.environ.get("BENCH_MESSAGES", "200000"))


def _events(n: int):
    t = datetime(2024, 1, 1, 8, 0, 0)
    for i in range(n):
        t += timedelta(seconds=7)
        if i % 50 == 0:
            yield t, None, f'"用户{i % 300}"邀请"新人{i}、新人{i + 1}"加入了群聊'
        elif i % 97 == 0:
            yield t, i % 300, "我同意[旺柴]"
        else:
            yield t, i % 300, f"第{i}条消息 [捂脸]\n第二行"


@pytest.mark.benchmark
def test_parse_speed(tmp_path):
    rows = list(_events(N))
    paths = {}
    with open(tmp_path / "pywxdump.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"])
        for i, (t, who, text) in enumerate(rows):
            w.writerow([i, 10**15 + i, "系统通知" if who is None else "文本", 0,
                        "未知" if who is None else f"wxid_demo_{who}", "1@chatroom", text, "",
                        t.strftime("%Y-%m-%d %H:%M:%S")])
    paths["pywxdump-csv"] = tmp_path / "pywxdump.csv"
    records = [{"seq": i, "time": t.strftime("%Y-%m-%dT%H:%M:%S+08:00"), "talker": "1@chatroom",
                "talkerName": "基准群", "isChatRoom": True, "sender": "系统消息" if who is None else f"wxid_demo_{who}",
                "senderName": "" if who is None else f"用户{who}", "isSelf": False,
                "type": 10000 if who is None else 1, "subType": 0, "content": text}
               for i, (t, who, text) in enumerate(rows)]
    (tmp_path / "chatlog.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    paths["chatlog-json"] = tmp_path / "chatlog.json"
    with open(tmp_path / "chatlog.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["Time", "SenderName", "Sender", "TalkerName", "Talker", "Content"])
        for r in records:
            w.writerow([r["time"][:19].replace("T", " "), r["senderName"], r["sender"], "基准群", "1@chatroom",
                        r["content"]])
    paths["chatlog-csv"] = tmp_path / "chatlog.csv"
    with open(tmp_path / "chatlog.txt", "w", encoding="utf-8", newline="") as fh:
        for r in records:
            who = f"{r['senderName']}({r['sender']})" if r["senderName"] else r["sender"]
            fh.write(f"{who} {r['time'][:19].replace('T', ' ')}\n{r['content']}\n\n")
    paths["chatlog-txt"] = tmp_path / "chatlog.txt"

    print()
    for fmt, path in paths.items():
        start = time.perf_counter()
        chat = read_log(path, fmt, options=ParseOptions())
        took = time.perf_counter() - start
        assert chat.unparsed == []
        joins = int((chat.messages["kind"] == "join").sum())
        print(f"{fmt:14} {N:>9,} records in {took:6.2f} s = {N / took:>9,.0f}/s "
              f"({path.stat().st_size / 1e6:.1f} MB, {joins:,} join records)")
