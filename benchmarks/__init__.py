"""Benchmarks of zoneplan against two baselines, on generated instances at several sizes.

Modules
-------
greedy
    A priority-ordered greedy staffing heuristic (quality baseline, fast).
mip
    The same staffing model as a MIP solved by HiGHS through ``highspy`` (exact baseline).
run
    The runner behind ``python -m benchmarks``: generates and caches instances, runs each
    solver in a fresh subprocess, checks every plan with :func:`zoneplan.check`, and writes
    ``results.csv``, ``results.json``, a markdown table and ``scaling.png``.
plot
    The scaling plot.

Importing this package has no side effects; only the runner's ``main`` prints.
"""

__all__ = ["greedy", "mip", "plot", "run"]
