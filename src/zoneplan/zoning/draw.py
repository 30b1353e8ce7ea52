"""A zoning map as a PNG file (kept for callers of ``zoneplan.zoning.draw_map``).

The drawing lives in :mod:`zoneplan.maps`; this writes its bytes to a file.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from zoneplan.zoning.data import ZoningInput

__all__ = ["draw_map"]

logger = logging.getLogger(__name__)


def draw_map(inp: ZoningInput, zones_df: pd.DataFrame, path: str | Path, title: str | None = None,
             lang: str | None = None, boundaries=None) -> Path:
    """Draw the zoning of all townships to a PNG file and return its path.

    See :func:`zoneplan.maps.zoning_map_png` for what the map shows; parent folders are
    created.
    """
    from zoneplan.maps import zoning_map_png

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zoning_map_png(inp, zones_df, title=title, lang=lang, boundaries=boundaries))
    logger.info("wrote zoning map %s", path)
    return path
