"""Options of village supervision areas (监督片区), shared by the solver and its checker."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["AreaOptions", "AREA_LEVELS", "areas_for"]

#: Objective levels, in lexicographic order.
AREA_LEVELS = ("no_liaison", "largest", "smallest", "cut")


class AreaOptions(BaseModel):
    """How each zone's villages are split into supervision areas.

    The number of areas of a zone is ``areas`` when given, else ``villages / villages_per_area``
    rounded, kept within ``min_areas..max_areas`` (the practice: 3-5 areas a zone; Shashi's
    zones hold about 34 villages, three areas of about 11) and never above the villages.

    Exactness: every zone first gets areas from a deterministic local search (grow, then
    recombine and move; :mod:`~zoneplan.areas.heuristic`).  A zone of at most
    ``exact_villages`` villages (default 25) is then solved exactly by CP-SAT from that start,
    each objective level within ``deterministic_time`` (CP-SAT's deterministic units, about
    seconds on one core; the same input gives the same areas): measured on the example
    county's townships, 19-26 villages are proven optimal in 2-4 s, 28-33 villages reach a
    gap of 0.1-1 % in 10-30 s.  Larger zones keep the local-search areas, with the gap to
    the simple bound (the largest area weighs at least the zone's weight / areas).
    ``time_limit`` is a wall-clock safety net for the run; ``workers`` zones are solved side by
    side (each by one CP-SAT worker, so the areas do not depend on it).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_areas: int = Field(3, ge=1, le=20, description="fewest areas per zone")
    max_areas: int = Field(5, ge=1, le=20, description="most areas per zone")
    villages_per_area: float = Field(10.0, gt=0, description="about this many villages per area (chooses the count)")
    areas: int | None = Field(None, ge=1, le=20, description="exactly this many areas per zone")
    exact_villages: int = Field(25, ge=0, description="zones up to this many villages are solved exactly by CP-SAT")
    deterministic_time: float = Field(2.0, gt=0, description="CP-SAT deterministic limit per zone and level")
    time_limit: float | None = Field(300.0, gt=0, description="wall-clock seconds for the whole run")
    workers: int = Field(2, ge=1, le=64, description="zones solved side by side (threads; the areas do not change)")
    seed: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _range(self) -> AreaOptions:
        if self.max_areas < self.min_areas:
            raise ValueError(f"max_areas ({self.max_areas}) must be >= min_areas ({self.min_areas})")
        return self


def areas_for(villages: int, options: AreaOptions) -> int:
    """The number of areas of a zone with ``villages`` villages (see :class:`AreaOptions`).

    Examples
    --------
    >>> [areas_for(n, AreaOptions()) for n in (2, 20, 34, 44, 90)]
    [2, 3, 3, 4, 5]
    """
    if options.areas is not None:
        k = options.areas
    else:
        k = min(options.max_areas, max(options.min_areas, int(villages / options.villages_per_area + 0.5)))
    return max(0, min(k, villages))
