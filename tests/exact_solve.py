"""The oracle's MIP solve: highspy and numpy only (no zoneplan, no OR-Tools), so that
:mod:`exact` can run it in a child process where the two cannot share one."""

from __future__ import annotations

import json
import math
import sys

import numpy as np


def solve(data: dict) -> list[int]:
    """Minimise ``cost . x`` over integer columns in ``[lb, ub]`` and the rows
    ``(indices, values, lo, hi)``; the column values, rounded.

    Raises
    ------
    AssertionError
        HiGHS did not prove an optimum.
    """
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)  # integral objectives: within 0.5 is optimal
    h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    n = len(data["lb"])
    inf = highspy.kHighsInf
    h.addVars(n, np.array(data["lb"], dtype=float), np.array(data["ub"], dtype=float))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(data["cost"], dtype=float))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    for idx, val, lo, hi in data["rows"]:
        h.addRow(max(-inf, lo), min(inf, hi), len(idx), np.array(idx, dtype=np.int32), np.array(val, dtype=float))
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise AssertionError(f"oracle: HiGHS ended with {h.modelStatusToString(status)}")
    return np.round(np.array(h.getSolution().col_value)).astype(np.int64).tolist()


def to_json(data: dict) -> dict:
    """``data`` with infinite row bounds written as strings (JSON has no infinity)."""
    word = lambda v: "inf" if v == math.inf else "-inf" if v == -math.inf else v  # noqa: E731
    return {**data, "rows": [(i, v, word(lo), word(hi)) for i, v, lo, hi in data["rows"]]}


def main() -> None:
    """Child process: the model as JSON on stdin, the column values as JSON on stdout."""
    data = json.loads(sys.stdin.read())
    back = {"inf": math.inf, "-inf": -math.inf}
    data["rows"] = [(i, v, back.get(lo, lo), back.get(hi, hi)) for i, v, lo, hi in data["rows"]]
    print(json.dumps(solve(data)))
