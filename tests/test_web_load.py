"""Load on the desk (``benchmarks/web_load.py``, without the clock): 4 planners on the example
county and 1 on a generated prefecture at once, on 127.0.0.1 (the benchmark runs 10 and 3).  No request fails, every job
finishes, and every plan is byte-identical to ``zoneplan staff DATA --out`` for the same data.
The request times are reported by ``python -m benchmarks.web_load`` (benchmarks/WEB_LOAD.md)."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.web_load import run_load
from webdesk import COUNTY


def test_four_county_planners_and_a_prefecture_planner_at_once_get_the_cli_plan(tmp_path):
    pref = tmp_path / "prefecture"
    subprocess.run([sys.executable, "-m", "zoneplan.synth", "prefecture", str(pref), "--seed", "0"], check=True,
                   capture_output=True, timeout=300)
    res = run_load(COUNTY, pref, county_users=4, prefecture_users=1, jobs=2, workdir=tmp_path / "run",
                   job_timeout=600)
    assert res.failures == []
    assert len(res.plans_equal) == 5 and all(res.plans_equal)
    assert len(res.jobs) == 5
    assert all(status < 400 for _, _, status in res.timings)
