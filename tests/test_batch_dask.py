"""The dask engine: the same per-file task on a 2-worker local cluster gives the local rows."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analysis.batch import run_batch
from tests.conftest import ROOT, SAMPLE_LOGS

distributed = pytest.importorskip("distributed")


def test_a_local_dask_cluster_gives_the_local_engines_rows(tmp_path, monkeypatch):
    # Worker processes import the project from the checkout when it is not installed.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    broken = tmp_path / "broken.json"
    broken.write_text((SAMPLE_LOGS / "telegram" / "group.json").read_text(encoding="utf-8")[:3000], encoding="utf-8")
    paths = [SAMPLE_LOGS / "qq_txt" / "all_messages.txt", SAMPLE_LOGS / "slack", broken,
             SAMPLE_LOGS / "wechat" / "chatlab.json", SAMPLE_LOGS / "wechat" / "weflow.json"]
    local = run_batch(paths, jobs=1)
    seen = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = run_batch(paths, engine="dask", scheduler=cluster.scheduler_address,
                           progress=lambda done, total, source: seen.append(done))
    pd.testing.assert_frame_equal(remote.rows, local.rows)  # row for row, input order
    pd.testing.assert_frame_equal(remote.cross_group, local.cross_group)
    assert list(remote.errors["source"]) == [str(broken)]
    assert "wechat:wxid_demo_adbot" in set(remote.cross_group["key"])  # the ad bot of both WeChat exports
    assert sorted(seen) == list(range(1, len(remote.stats) + 1))
    assert remote.stats["worker"].nunique() >= 1 and remote.stats["peak_rss_mb"].notna().all()
    assert {w.split(":")[-1] for w in remote.stats["worker"]} != {str(os.getpid())}  # ran elsewhere


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path):
    import dask

    from analysis.errors import OptionError

    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}), \
            pytest.raises(OptionError, match="cannot reach the dask scheduler"):
        run_batch([tmp_path / "a.txt"], engine="dask", scheduler="tcp://127.0.0.1:9")
