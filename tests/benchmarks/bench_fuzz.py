"""The long fuzz run: every parser against many damaged inputs (issue 10).

Run:
    FUZZ_EXAMPLES=10000 pytest tests/benchmarks/bench_fuzz.py -m benchmark -s

The same property as ``tests/test_fuzz_parsers.py``, without hypothesis (so that a long run
is cheap and every case can be replayed): for each parser, ``FUZZ_EXAMPLES`` inputs are made
from its seed files (``tests/writers/seeds.py``) with one to three random mutations
(truncation, inserted random bytes, shuffled/duplicated/deleted lines, lines in other
encodings, changed digits, other line breaks, stray BOMs; ``tests/writers/mutations.py``).
Each is read with the format forced, and every ``FUZZ_DETECT_EVERY``-th also with detection.
A read must give Chats or a typed ``AuditError`` (never another exception, never the
``UnreadableError`` last resort), and for text formats every non-blank line must be
accounted for. Example ``i`` of format ``f`` uses ``random.Random(f"{FUZZ_SEED}:{f}:{i}")``,
so a failure printed with its index and mutations replays exactly.

Environment: ``FUZZ_EXAMPLES`` (default 1000 per parser), ``FUZZ_FORMATS`` (comma-separated
names, default all), ``FUZZ_SEED`` (default 0), ``FUZZ_DETECT_EVERY`` (default 10),
``FUZZ_PROGRESS`` (print a progress line every N examples; default 0, none), ``FUZZ_START``
(the first example's index, default 0: two processes can split one run, e.g. ``FUZZ_START=0
FUZZ_EXAMPLES=12500`` and ``FUZZ_START=12500 FUZZ_EXAMPLES=12500``).
Figures printed per parser: examples, seconds, examples per second, how many gave Chats and
how many a typed error, and failures.
"""

from __future__ import annotations

import os
import random
import time

import pytest

from analysis.errors import AuditError
from analysis.parsers import FORMAT_NAMES
from tests.test_fuzz_parsers import check_damaged
from tests.writers.mutations import apply, random_mutations
from tests.writers.seeds import seeds


@pytest.mark.benchmark
def test_fuzz_every_parser(tmp_path):
    examples = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
    formats = [f for f in os.environ.get("FUZZ_FORMATS", "").split(",") if f] or list(FORMAT_NAMES)
    seed = os.environ.get("FUZZ_SEED", "0")
    detect_every = int(os.environ.get("FUZZ_DETECT_EVERY", "10"))
    progress = int(os.environ.get("FUZZ_PROGRESS", "0"))
    first = int(os.environ.get("FUZZ_START", "0"))
    path = tmp_path / "damaged.bin"
    failures: list[str] = []
    total = time.perf_counter()
    print(f"\nfuzz: {examples:,} examples per parser, seed {seed}, detection every {detect_every}")
    print(f"{'format':20s} {'examples':>9s} {'seconds':>8s} {'ex/s':>7s} {'chats':>7s} {'typed':>7s} {'failed':>6s}")
    for fmt in formats:
        start = time.perf_counter()
        chats = typed = failed = 0
        for i in range(first, first + examples):
            rng = random.Random(f"{seed}:{fmt}:{i}")
            mutations = random_mutations(rng)
            data = apply(rng.choice(seeds(fmt)), mutations)
            path.write_bytes(data)
            try:
                result = check_damaged(path, data, fmt, detect=i % detect_every == 0)
            except Exception as exc:  # noqa: BLE001 - every failure is collected and printed
                failed += 1
                failures.append(f"{fmt} #{i} {mutations!r:.300}: {type(exc).__name__}: {exc!s:.300}")
                continue
            if isinstance(result, AuditError):
                typed += 1
            else:
                chats += 1
            if progress and (i + 1 - first) % progress == 0:
                print(f"  {fmt}: {i + 1 - first:,} examples, {failed} failed, {time.perf_counter() - start:.0f} s", flush=True)
        seconds = time.perf_counter() - start
        print(f"{fmt:20s} {examples:9,d} {seconds:8.1f} {examples / seconds:7.1f} {chats:7,d} {typed:7,d} {failed:6d}",
              flush=True)
    print(f"total: {len(formats) * examples:,} examples in {time.perf_counter() - total:.0f} s")
    for line in failures[:50]:
        print("FAILED", line)
    assert not failures, f"{len(failures)} failure(s); first: {failures[0]}"


# -- memory ------------------------------------------------------------------------------------

_GROW = {
    "qq-txt": ("qq_txt/study_group.txt", 8), "memotrace-txt": ("wechat/memotrace_v1.txt", 0),
    "wechatexporter-txt": ("wechat/wechatexporter.txt", 2), "chatlog-txt": ("wechat/chatlog.txt", 0),
    "whatsapp-txt": ("whatsapp/android_en_24h.txt", 0), "line-txt": ("line/line_en.txt", 3),
    "memotrace-csv": ("wechat/memotrace_v2.csv", 1), "pywxdump-csv": ("wechat/pywxdump/pywxdump.csv", 1),
    "chatlog-csv": ("wechat/chatlog.csv", 1), "discord-csv": ("discord/channel.csv", 1),
    "chatlab-jsonl": ("wechat/chatlab.jsonl", 1), "pywxdump-json": ("wechat/pywxdump/pywxdump.json", None),
    "chatlog-json": ("wechat/chatlog.json", None), "weflow-json": ("wechat/weflow.json", None),
    "telegram-json": ("telegram/group.json", None), "discord-json": ("discord/channel.json", None),
    "qce-json": ("qq_qce/group.json", None), "chatlab-json": ("wechat/chatlab.json", None),
}
"""Format -> (sample, header lines kept once) for line formats, or (sample, None) for JSON,
whose longest list is repeated."""

_PEAK = """
import resource, sys, time
from analysis.parsers import read_chats

def peak():
    # VmHWM belongs to this process image; ru_maxrss on Linux keeps the parent's peak
    # across fork+exec, which would hide the parse's own peak.
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

base = peak()
start = time.perf_counter()
chats = read_chats(sys.argv[1], sys.argv[2], max_bytes=0)
print(base, peak(), time.perf_counter() - start, sum(len(c.messages) for c in chats))
"""


def _grown(fmt: str, target: int) -> bytes:
    """A sample of ``fmt`` repeated to about ``target`` bytes, keeping its structure."""
    import json

    from tests.conftest import SAMPLE_LOGS

    rel, keep = _GROW[fmt]
    data = (SAMPLE_LOGS / rel).read_bytes()
    if keep is not None:
        lines = data.splitlines(keepends=True)
        head, body = b"".join(lines[:keep]), b"".join(lines[keep:])
        if not body.endswith(b"\n"):
            body += b"\r\n" if b"\r\n" in data else b"\n"
        return head + body * max(1, (target - len(head)) // len(body))
    obj = json.loads(data.decode("utf-8-sig"))

    def lists(node, path=()):
        if isinstance(node, list):
            yield len(json.dumps(node)), path
        elif isinstance(node, dict):
            for key, value in node.items():
                yield from lists(value, (*path, key))

    _, path = max(lists(obj))
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    items = parent[path[-1]] if path else obj
    grown = items * max(1, target // len(json.dumps(items, ensure_ascii=False).encode()))
    if path:
        parent[path[-1]] = grown
    else:
        obj = grown
    return json.dumps(obj, ensure_ascii=False, indent=1).encode()


@pytest.mark.benchmark
def test_peak_memory_per_format(tmp_path):
    """Peak memory of reading a ~``MEMORY_MB`` MB export of each format (one fresh process
    each), as a multiple of the file size after the interpreter's own baseline. These figures
    set the default ``--max-bytes`` limits (analysis/parsers/__init__.py)."""
    import subprocess
    import sys

    from analysis.parsers import STREAM_MAX_BYTES, WHOLE_FILE_MAX_BYTES, get_format

    target = int(float(os.environ.get("MEMORY_MB", "40")) * 1_000_000)
    print(f"\npeak memory, ~{target / 1e6:.0f} MB inputs")
    print(f"{'format':20s} {'reads':>7s} {'MB':>6s} {'peak MB':>8s} {'x size':>7s} {'sec':>5s} {'messages':>9s}")
    worst = {True: 0.0, False: 0.0}
    for fmt in _GROW:
        path = tmp_path / f"{fmt}.bin"
        path.write_bytes(_grown(fmt, target))
        out = subprocess.run([sys.executable, "-c", _PEAK, str(path), fmt], capture_output=True, text=True,
                             check=True, cwd=os.getcwd())
        base, peak, seconds, messages = out.stdout.split()
        size = path.stat().st_size
        ratio = (int(peak) - int(base)) / size
        streams = get_format(fmt).streams
        worst[streams] = max(worst[streams], ratio)
        print(f"{fmt:20s} {'blocks' if streams else 'whole':>7s} {size / 1e6:6.1f} {int(peak) / 1e6:8.0f} "
              f"{ratio:7.1f} {float(seconds):5.1f} {int(messages):9,d}", flush=True)
        path.unlink()
    for streams, limit in ((True, STREAM_MAX_BYTES), (False, WHOLE_FILE_MAX_BYTES)):
        print(f"{'streamed' if streams else 'whole-file'}: worst {worst[streams]:.1f}x -> at the default "
              f"limit of {limit / 2**20:.0f} MiB about {worst[streams] * limit / 1e9:.1f} GB above the baseline")
