"""``run_batch(jobs=2)`` from a script read on standard input (``python -``), where spawn
and forkserver workers cannot re-import ``__main__``: it still works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_batch import reading_group

SCRIPT = """
import sys
from analysis.batch import run_batch
result = run_batch(sys.argv[1:], jobs=2)
print("ROWS", len(result.rows), "ERRORS", len(result.errors))
for e in result.errors["error"]:
    print("ERR", e)
"""


def test_run_batch_with_a_pool_works_from_stdin(tmp_path):
    a = reading_group(tmp_path / "g1.txt", "读书一群", 4, [("10001", "老林"), ("10002", "小周")])
    b = reading_group(tmp_path / "g2.txt", "读书二群", 5, [("10003", "阿紫"), ("10004", "大熊")])
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-", a, b], input=SCRIPT, text=True, capture_output=True,
                          cwd=root, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "ROWS 2 ERRORS 0" in done.stdout, done.stdout + done.stderr
