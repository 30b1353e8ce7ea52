"""Imported once by the job fork server, so every job process starts with zoneplan loaded
(pandas, OR-Tools, the plan writers, matplotlib and its Chinese font) instead of importing
them anew for each job."""

import zoneplan  # noqa: F401
import zoneplan.compare  # noqa: F401
import zoneplan.diff  # noqa: F401
import zoneplan.io.history  # noqa: F401
import zoneplan.io.plan  # noqa: F401
import zoneplan.io.planview  # noqa: F401
import zoneplan.io.report  # noqa: F401
import zoneplan.io.workbook  # noqa: F401
import zoneplan.maps  # noqa: F401
import zoneplan.staffing  # noqa: F401
import zoneplan.zoning  # noqa: F401
import zoneplan.zoning.adapter  # noqa: F401

from . import worker  # noqa: F401
