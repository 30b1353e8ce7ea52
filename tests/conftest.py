"""Shared helpers: build small, hand-checkable instances from lists of dicts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import zoneplan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"


def frame(rows, columns=None):
    return pd.DataFrame(rows, columns=columns) if rows or columns else None


def make_tables(townships, investigators, cases, relations=None, conflicts=None, travel=None, adjacency=None):
    """Validate plain rows through the public loader, exactly as files would be."""
    return zoneplan.tables_from_frames(
        townships=pd.DataFrame(townships), investigators=pd.DataFrame(investigators), cases=pd.DataFrame(cases),
        relations=pd.DataFrame(relations, columns=["a", "b", "relation"]) if relations else None,
        conflicts=pd.DataFrame(conflicts, columns=["investigator_id", "case_id", "reason"]) if conflicts else None,
        travel=pd.DataFrame(travel, columns=["from", "to", "minutes"]) if travel else None,
        adjacency=pd.DataFrame(adjacency, columns=["a", "b"]) if adjacency else None,
    )


@pytest.fixture
def tutorial():
    return zoneplan.load(EXAMPLES / "tutorial")
