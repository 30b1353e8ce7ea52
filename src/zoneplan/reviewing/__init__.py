"""County-level review of township cases (乡案县审): who reviews which staffed case.

Typical use::

    import zoneplan
    tables = zoneplan.load("data/examples/county")
    plan = zoneplan.staff(tables).assignments
    result = zoneplan.review(tables, plan)            # ReviewResult: reviews, unreviewed, load
    zoneplan.check_reviews(tables, plan, result.reviews).ok   # independent re-check
"""

from .check import REVIEW_RULES, check_reviews
from .options import REVIEW_LEVELS, ReviewOptions
from .solve import REVIEW_COLUMNS, ReviewResult, review

__all__ = ["review", "check_reviews", "ReviewOptions", "ReviewResult", "REVIEW_COLUMNS", "REVIEW_LEVELS",
           "REVIEW_RULES"]
