"""``batch -r`` walks each real file once: symlink loops and symlinked duplicates are
skipped and said, never audited again (no fake cross-group findings)."""

from __future__ import annotations

import os

import pytest

from analysis.batch import expand_paths, run_batch
from tests.test_batch import reading_group

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")


@pytest.fixture
def looped(tmp_path):
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    reading_group(d / "g1.txt", "读书一群", 4, [("10001", "老林"), ("10002", "小周")])
    reading_group(d / "sub" / "g2.txt", "读书二群", 5, [("10003", "阿紫"), ("10004", "大熊")])
    os.symlink("..", d / "loop")  # d/loop -> tmp_path: d is reached again through it
    os.symlink("..", d / "sub" / "up")  # d/sub/up -> d
    os.symlink("g1.txt", d / "copy.txt")  # the same file under another name
    return d


def test_a_recursive_walk_lists_each_real_file_once(looped):
    inputs = expand_paths([str(looped)], recursive=True)
    real = [os.path.realpath(i.path) for i in inputs]
    assert sorted(real) == sorted({os.path.realpath(looped / "g1.txt"), os.path.realpath(looped / "sub" / "g2.txt")})


def test_batch_audits_each_real_file_once_and_says_what_it_skipped(looped):
    result = run_batch([str(looped)], recursive=True, jobs=1)
    assert len(result.rows) == 2 and not result.failed
    real = run_batch([str(looped / "g1.txt"), str(looped / "sub" / "g2.txt")], jobs=1)
    assert len(result.cross_group) == len(real.cross_group)  # no finding made of one file seen twice
    assert (result.cross_group["n_groups"] == 2).all()
    assert sum(s.endswith(("copy.txt", "g1.txt")) for s in result.skipped) == 1  # the file under its other name
    assert set(result.duplicates) <= set(result.skipped)
    assert any("loop" in s or "up" in s for s in result.skipped)


def test_the_same_file_named_twice_by_different_paths_is_audited_once(looped):
    result = run_batch([str(looped / "g1.txt"), str(looped / "copy.txt"), str(looped / "loop" / "d" / "g1.txt")], jobs=1)
    assert len(result.rows) == 1
