"""Options of county-level review (乡案县审), shared by the review solver and its checker."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ReviewOptions", "REVIEW_LEVELS"]

#: Objective levels, in lexicographic order.
REVIEW_LEVELS = ("reviewed", "max_reviews", "travel")


class ReviewOptions(BaseModel):
    """How reviews are assigned.

    ``reviewers_per_case`` (default 1): 乡案县审 asks that a township case be reviewed at
    county level by someone who did not investigate it; one such reviewer already separates
    review from investigation, and a county has only 8-15 county-level staff, many of them on
    the teams, so asking two for every case would leave cases unreviewed in small counties.
    Raise it for serious cases (run them separately).

    ``max_reviews`` (default 3): reviews one person takes in one plan, besides the cases they
    investigate (reviews do not use up ``max_cases``).  A review reads the file and the
    report and talks with the team, a few days' work; three keeps a reviewer's share small
    while a prefecture's ~9 cases per county and ~11 county staff leave ample room.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    reviewers_per_case: int = Field(1, ge=1, le=10, description="reviewers each reviewed case gets")
    max_reviews: int = Field(3, ge=0, le=1000, description="most reviews one person takes in this plan")
    time_limit: float | None = Field(60.0, gt=0, description="wall-clock seconds for the whole solve")
    deterministic_time: float | None = Field(None, gt=0, description="CP-SAT deterministic limit per level solve")
    seed: int = Field(0, ge=0)
