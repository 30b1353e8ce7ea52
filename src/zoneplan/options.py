"""Options: the rules in force (shared by solver and checker) and how to solve."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["RuleOptions", "SolveOptions", "OBJECTIVE_LEVELS", "DEFAULT_WEIGHTS", "CHANGES_LEVEL",
           "CHANGES_WEIGHT", "with_changes_level"]

#: Objective levels, in the default lexicographic order.
OBJECTIVE_LEVELS = ("staffed", "max_workload", "travel")

#: The level that exists only when re-planning from a previous plan: memberships added or
#: removed versus that plan, plus cases whose lead changed (minimised).
CHANGES_LEVEL = "changes"

#: Weight of one change in weighted mode: worth 1,000 road minutes or about 17 workload
#: units, far below one staffed priority point, so a re-plan staffs first and then keeps
#: the published plan unless a change buys a great deal of workload balance or travel.
CHANGES_WEIGHT = 1_000.0

#: Weights used when ``mode="weighted"``: one staffed priority point is worth more than
#: any realistic workload or travel change; a workload unit (1.0) is worth 60 road minutes.
DEFAULT_WEIGHTS = {"staffed": 1_000_000.0, "max_workload": 60.0, "travel": 1.0}


class RuleOptions(BaseModel):
    """The hard rules in force.  The checker and the solver read the same object."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_hops: int = Field(2, ge=0, description="kin rule: exclude anyone within this many hops of the subject")
    max_travel: float = Field(90.0, ge=0, description="pool rule without zones: max road minutes posted->case")
    allow_own_township: bool = Field(False, description="cross-check rule off: township staff may work cases of their own township")
    cross_county: bool = Field(False, description="pool may reach township staff of other counties (never county staff)")
    use_zones: bool = Field(True, description="use the townships' zone column for the pool when present")
    team_kin_hops: int = Field(
        0, ge=0, description="team rule: no two members of one team within this many hops of each other in the "
        "relations graph (0: off)")
    max_per_township: int | None = Field(
        None, ge=1, description="team rule: at most this many township-level members of one team posted in the "
        "same township (None: no limit)")


class SolveOptions(BaseModel):
    """How to solve: objective order or weights, limits, seed, workers.

    ``time_limit`` bounds the search and keeps an estimated reserve for the explanations
    and the check, but three costs are never cut: preparing the instance, the greedy
    start and the independent check.  A run takes about ``max(time_limit, prepare +
    greedy + check)``; below that floor it returns the greedy plan.  Measured floors on 2
    cores: well under 0.5 s up to 40,000 eligible pairs, about 0.8 s for a dense part of
    300,000 pairs, 3.5-6 s at national scale (147,000 investigators, 26,000 cases).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["lexicographic", "weighted"] = "lexicographic"
    order: tuple[str, ...] = OBJECTIVE_LEVELS
    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    time_limit: float | None = Field(
        60.0, gt=0, description="wall-clock seconds for the whole solve (costs it cannot cut: see the class docstring)")
    deterministic_time: float | None = Field(
        None, gt=0, description="CP-SAT deterministic time limit per sub-solve; makes limited runs repeatable")
    workers: int = Field(2, ge=1, le=64)
    seed: int = Field(0, ge=0)
    log_progress: bool = False

    @field_validator("order")
    @classmethod
    def _order(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        base = [x for x in v if x != CHANGES_LEVEL]
        if sorted(base) != sorted(OBJECTIVE_LEVELS) or len(v) - len(base) > 1:
            raise ValueError(f"order must be a permutation of {', '.join(OBJECTIVE_LEVELS)} (plus {CHANGES_LEVEL} "
                             f"when re-planning from a previous plan); got {', '.join(v)}")
        return tuple(v)

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = set(v) - set(OBJECTIVE_LEVELS) - {CHANGES_LEVEL}
        if unknown:
            raise ValueError(f"unknown weight(s) {sorted(unknown)}; expected keys "
                             f"{list(OBJECTIVE_LEVELS) + [CHANGES_LEVEL]}")
        out = dict(DEFAULT_WEIGHTS)
        out.update({k: float(x) for k, x in v.items()})
        if any(x < 0 for x in out.values()):
            raise ValueError("weights must be >= 0")
        return out


def with_changes_level(order: tuple[str, ...]) -> tuple[str, ...]:
    """The order with the ``changes`` level, placed right after ``staffed`` unless the order
    already names it: a re-plan staffs what it can first, then keeps the previous plan,
    and only then balances workload and travel."""
    if CHANGES_LEVEL in order:
        return tuple(order)
    k = order.index("staffed") + 1
    return tuple(order[:k]) + (CHANGES_LEVEL,) + tuple(order[k:])
