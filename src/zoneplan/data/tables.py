"""The loaded tables: normalised DataFrames plus where each row came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .quality import QualityReport

__all__ = ["Source", "Tables"]


@dataclass(frozen=True)
class Source:
    """Where a table came from: file (or sheet), content hash, spreadsheet row numbers."""

    path: str
    sha256: str
    rows: tuple[int, ...] = ()  # spreadsheet line number of each data row, in order


@dataclass(frozen=True)
class Tables:
    """Normalised input tables (see :mod:`zoneplan.data.contract` for the columns).

    ``adjacency`` and ``travel`` are ``None`` when the user gave none (fall-backs apply);
    ``relations`` and ``conflicts`` are empty DataFrames when absent, and so are ``leaders``,
    ``offices`` and ``villages``; ``village_adjacency`` is ``None`` when not given.
    """

    townships: pd.DataFrame
    investigators: pd.DataFrame
    cases: pd.DataFrame
    relations: pd.DataFrame
    conflicts: pd.DataFrame
    adjacency: pd.DataFrame | None = None
    travel: pd.DataFrame | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # the data-quality gaps, as English lines
    quality: QualityReport = field(default_factory=QualityReport)  # what rules cannot protect; how input was read
    boundaries: object | None = None  # zoneplan.maps.Boundaries from boundaries.geojson, when given
    # the living plan's optional tables (1+1+N leadership, villages); empty when absent
    leaders: pd.DataFrame = field(default_factory=lambda: _empty("leaders"))
    offices: pd.DataFrame = field(default_factory=lambda: _empty("offices"))
    villages: pd.DataFrame = field(default_factory=lambda: _empty("villages"))
    village_adjacency: pd.DataFrame | None = None  # None: derived from the village points
    # people whose names are close but were taken as different people (data.people.NearPair):
    # no kin distance up to data.people.NEAR_HOPS depends on them; a deeper kin rule checks again
    near_people: tuple = ()


def _empty(table: str) -> pd.DataFrame:
    """An empty table with the contract's columns."""
    from .contract import TABLES

    return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in TABLES[table].columns})
