"""Inputs of the zoning core: the townships as dense arrays, and the options in force.

The core works on dense township indices ``0..n-1``; ids appear only in options (what-ifs)
and in results.  :class:`ZoningInput` is the one place where the plain data is checked
(lengths, unique ids, edges in range); model building does no cleaning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from zoneplan.geo import estimated_minutes, gabriel_adjacency

__all__ = ["COST_SCALE", "MinutesFn", "ZoningInput", "ZoningOptions", "ZoningWeights"]

logger = logging.getLogger(__name__)

#: Integer scaling policy of the CP-SAT objective.  A zone's cost is first computed in
#: *weighted minutes* (floats, see :class:`ZoningWeights`), then multiplied by
#: ``COST_SCALE`` and rounded to the nearest integer (numpy ``rint``, half to even) once
#: per zone.  The reported objective is the sum of these integers divided by
#: ``COST_SCALE``, i.e. it has a resolution of 0.1 weighted minute.
COST_SCALE = 10

MinutesFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _frozen_array(values: Any, dtype: Any, n: int, what: str) -> np.ndarray:
    arr = np.array(values, dtype=dtype, copy=True).reshape(-1)
    if arr.shape[0] != n:
        raise ValueError(f"{what} has {arr.shape[0]} entries; expected one per township ({n})")
    if arr.dtype.kind in "fi" and np.any(~np.isfinite(arr.astype(float))):
        raise ValueError(f"{what} holds non-finite values")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class ZoningInput:
    """The townships to zone, as dense arrays indexed ``0..n-1``.

    Parameters
    ----------
    township_ids, names, county
        One entry per township.  Ids must be unique; ``county`` may be ``""`` (one
        county without a name).
    lat, lon
        Township seat coordinates (degrees), used for maps only.
    villages
        Villages/communities per township (balance term).
    edges
        Adjacency as index pairs.  Pairs are normalised to ``i < j`` and de-duplicated;
        pairs across counties are ignored (zones never cross a county).
    minutes
        ``minutes(i, j)`` returns road minutes between index arrays ``i`` and ``j``
        element-wise; it must be symmetric and vectorised.
    current_zone
        Existing zone id per township (``""`` for none); needed for ``keep`` what-ifs and
        for comparing with the current zoning.
    staff, leads, cases
        Optional per-township counts: investigators posted, those able to lead an
        inquiry, and cases (problem leads) per year.  ``staff`` and ``cases`` enter the
        balance terms when given; ``leads`` is reported in metrics only.

    Raises
    ------
    ValueError
        On length mismatch, duplicate ids, self-loops or out-of-range edges.
    """

    township_ids: list[str]
    names: list[str]
    county: list[str]
    lat: np.ndarray
    lon: np.ndarray
    villages: np.ndarray
    edges: list[tuple[int, int]]
    minutes: MinutesFn
    current_zone: list[str] | None = None
    staff: np.ndarray | None = None
    leads: np.ndarray | None = None
    cases: np.ndarray | None = None
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _members: dict[str, list[int]] = field(init=False, repr=False, compare=False)
    _county_edges: dict[str, list[tuple[int, int]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = [str(t) for t in self.township_ids]
        n = len(ids)
        if len(set(ids)) != n:
            seen: set[str] = set()
            dup = sorted({t for t in ids if t in seen or seen.add(t)})  # type: ignore[func-returns-value]
            raise ValueError(f"duplicate township ids: {', '.join(dup[:10])}")
        names = [str(x) for x in self.names]
        county = [str(x) for x in self.county]
        if len(names) != n or len(county) != n:
            raise ValueError(f"names ({len(names)}) and county ({len(county)}) need one entry per township ({n})")
        set_ = object.__setattr__
        set_(self, "township_ids", ids)
        set_(self, "names", names)
        set_(self, "county", county)
        set_(self, "lat", _frozen_array(self.lat, float, n, "lat"))
        set_(self, "lon", _frozen_array(self.lon, float, n, "lon"))
        villages = _frozen_array(self.villages, float, n, "villages")
        set_(self, "villages", villages)
        for key in ("staff", "leads", "cases"):
            val = getattr(self, key)
            if val is not None:
                set_(self, key, _frozen_array(val, float, n, key))
        if self.current_zone is not None:
            cz = ["" if z is None else str(z) for z in self.current_zone]
            if len(cz) != n:
                raise ValueError(f"current_zone has {len(cz)} entries; expected {n}")
            set_(self, "current_zone", cz)
        edges: set[tuple[int, int]] = set()
        dropped = 0
        for a, b in self.edges:
            a, b = int(a), int(b)
            if not (0 <= a < n and 0 <= b < n):
                raise ValueError(f"edge ({a}, {b}) refers to a township index outside 0..{n - 1}")
            if a == b:
                raise ValueError(f"edge ({a}, {b}) is a self-loop on township {ids[a]}")
            if county[a] != county[b]:
                dropped += 1
                continue
            edges.add((min(a, b), max(a, b)))
        if dropped:
            logger.debug("ignored %d adjacency pairs across counties", dropped)
        set_(self, "edges", sorted(edges))
        set_(self, "_index", {t: i for i, t in enumerate(ids)})
        # per-county lookups, built once: a national input has 2,000 counties, and a scan
        # of all townships and edges per county would cost seconds
        members: dict[str, list[int]] = {}
        for i, c in enumerate(county):
            members.setdefault(c, []).append(i)
        by_county: dict[str, list[tuple[int, int]]] = {c: [] for c in members}
        for a, b in self.edges:
            by_county[county[a]].append((a, b))
        set_(self, "_members", members)
        set_(self, "_county_edges", by_county)

    @property
    def n(self) -> int:
        """Number of townships."""
        return len(self.township_ids)

    def index(self, township_id: str) -> int:
        """Dense index of a township id (``KeyError`` when unknown)."""
        return self._index[township_id]

    def has(self, township_id: str) -> bool:
        """Whether ``township_id`` is one of the townships."""
        return township_id in self._index

    def counties(self) -> list[str]:
        """Counties in sorted order."""
        return sorted(self._members)

    def members(self, county: str) -> list[int]:
        """Indices of the townships of ``county``, ascending (empty for an unknown county)."""
        return list(self._members.get(county, ()))

    def county_edges(self, county: str) -> list[tuple[int, int]]:
        """Adjacency pairs ``(i, j)``, ``i < j``, inside ``county``."""
        return list(self._county_edges.get(county, ()))

    def minutes_matrix(self, idx: Sequence[int]) -> np.ndarray:
        """Dense road-minute matrix among townships ``idx`` (zero diagonal)."""
        idx = np.asarray(idx, dtype=np.int64)
        k = len(idx)
        if k == 0:
            return np.zeros((0, 0))
        ii, jj = np.meshgrid(idx, idx, indexing="ij")
        m = np.asarray(self.minutes(ii.ravel(), jj.ravel()), dtype=float).reshape(k, k)
        m = (m + m.T) / 2.0  # guard against tiny asymmetries in user tables
        np.fill_diagonal(m, 0.0)
        return m

    @classmethod
    def from_coordinates(
        cls,
        township_ids: Sequence[str],
        names: Sequence[str] | None,
        county: Sequence[str],
        lat: Sequence[float],
        lon: Sequence[float],
        villages: Sequence[float] | None = None,
        edges: Sequence[tuple[int, int]] | None = None,
        *,
        current_zone: Sequence[str] | None = None,
        staff: Sequence[float] | None = None,
        leads: Sequence[float] | None = None,
        cases: Sequence[float] | None = None,
    ) -> ZoningInput:
        """Build an input from coordinates, with the documented fall-backs of :mod:`zoneplan.geo`.

        Road minutes are :func:`~zoneplan.geo.estimated_minutes`; when ``edges`` is None
        the adjacency is :func:`~zoneplan.geo.gabriel_adjacency` per county.

        Examples
        --------
        >>> inp = ZoningInput.from_coordinates(["a", "b"], None, ["c", "c"], [0, 0], [0, 0.1])
        >>> inp.edges
        [(0, 1)]
        """
        ids = list(township_ids)
        n = len(ids)
        lat_a = np.array(lat, dtype=float)
        lon_a = np.array(lon, dtype=float)
        if edges is None:
            edges = gabriel_adjacency(lat_a, lon_a, list(county))

        def minutes(i: np.ndarray, j: np.ndarray) -> np.ndarray:
            return estimated_minutes(lat_a[i], lon_a[i], lat_a[j], lon_a[j])

        return cls(
            township_ids=ids,
            names=list(names) if names is not None else list(ids),
            county=list(county),
            lat=lat_a,
            lon=lon_a,
            villages=np.zeros(n) if villages is None else np.asarray(villages),
            edges=list(edges),
            minutes=minutes,
            current_zone=None if current_zone is None else list(current_zone),
            staff=None if staff is None else np.asarray(staff),
            leads=None if leads is None else np.asarray(leads),
            cases=None if cases is None else np.asarray(cases),
        )


class ZoningWeights(BaseModel):
    """Weights that turn each cost term into *weighted minutes*; combined in one place.

    A zone's cost is ``compactness x hub_minutes + villages x |V - k m_V| + cases x
    |C - k m_C| + staff x |S - k m_S| + pool x sum_t max(0, pool_need - P_t / m_S)`` where
    ``k`` is the zone size, ``V, C, S`` the zone's villages, cases and staff, and ``m_*`` the
    county's mean per (non-excluded) township.  ``hub_minutes`` is the total road minutes from
    the zone's hub to its other townships.  Defaults: 1 village, 1 case or 0.1 investigator of
    imbalance costs as much as one road minute (a typical township is ~15 villages, ~14
    cases/year, 2-3 staff).  Terms whose data is missing (no cases, no staff) are zero.

    Pool strength (交叉互查 needs people from the *other* townships): ``P_t`` is the township
    staff of the zone's other townships, the people who may work township ``t``'s cases; it
    is measured in average townships (``P_t / m_S``) and falls short when below
    ``pool_need`` (default 2: what a zone of three average townships gives, the size the
    published practices run -- Tongren 178 townships in 60 zones, Leling 16 in 4, Shashi 10
    in 3).  Each missing average township's staff costs ``pool`` weighted minutes (default
    30, i.e. 10 per investigator at three per township, the staff-balance weight): a pair of
    average townships pays 60, more than the ~25 extra hub minutes a compact triple costs.
    Without a roster every township counts as one average township.  ``pool=0`` gives the
    objective of earlier versions, which picks pairs wherever it can.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    compactness: float = Field(1.0, ge=0, description="per road minute from hub to members")
    villages: float = Field(1.0, ge=0, description="per village of imbalance")
    cases: float = Field(1.0, ge=0, description="per case of imbalance (when cases given)")
    staff: float = Field(10.0, ge=0, description="per investigator of imbalance (when staff given)")
    pool: float = Field(30.0, ge=0, description="per average township's staff missing from a township's pool")
    pool_need: float = Field(2.0, ge=0, description="pool a township needs, in average townships' staff")


class ZoningOptions(BaseModel):
    """Zone size rules, objective weights, what-ifs, and solver limits.

    ``keep=True`` keeps every existing zone of ``current_zone``; a list keeps those zone
    ids.  ``target_zones`` fixes the number of zones per county (an int for every county,
    or a dict county -> int; counties missing from the dict are free).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_size: int = Field(2, ge=1, description="fewest townships per zone")
    max_size: int = Field(3, ge=1, description="most townships per zone")
    target_zones: int | dict[str, int] | None = Field(None, description="exact zones per county")
    weights: ZoningWeights = Field(default_factory=ZoningWeights)
    together: list[tuple[str, str]] = Field(default_factory=list, description="pairs that share a zone")
    apart: list[tuple[str, str]] = Field(default_factory=list, description="pairs in different zones")
    keep: list[str] | bool = Field(False, description="existing zone ids kept as they are (True = all)")
    exclude: list[str] = Field(default_factory=list, description="townships left out of every zone")
    time_limit: float = Field(60.0, gt=0, description="wall-clock seconds for the whole solve")
    workers: int = Field(1, ge=1, le=64, description=(
        "CP-SAT workers per county sub-problem.  1 (default) is deterministic and fastest for "
        "counties of 10-30 townships; more switches on interleaved (still deterministic) parallel "
        "search, which only pays off for large counties or large zones"))
    seed: int = Field(0, ge=0)
    max_candidates: int = Field(500_000, ge=1, description="refuse counties with more candidate zones")
    diagnose: bool = Field(True, description="re-solve with assumptions to name conflicting what-ifs")

    @model_validator(mode="after")
    def _sizes(self) -> ZoningOptions:
        if self.max_size < self.min_size:
            raise ValueError(f"max_size ({self.max_size}) must be >= min_size ({self.min_size})")
        return self

    @field_validator("target_zones")
    @classmethod
    def _target(cls, v: int | dict[str, int] | None) -> int | dict[str, int] | None:
        vals = [v] if isinstance(v, int) else list(v.values()) if isinstance(v, dict) else []
        if any(x < 0 for x in vals):
            raise ValueError("target_zones must be >= 0")
        return v

    @field_validator("together", "apart")
    @classmethod
    def _pairs(cls, v: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for a, b in v:
            if a == b:
                raise ValueError(f"pair ({a}, {b}) names the same township twice")
        return v

    def target_for(self, county: str) -> int | None:
        """The exact zone count asked for ``county``, or None when free."""
        if isinstance(self.target_zones, dict):
            return self.target_zones.get(county)
        return self.target_zones
