"""Staffing: eligibility engine, CP-SAT model, solver and explanations."""

from .eligibility import Eligibility, build_eligibility
from .model import SubProblem, build_model
from .result import LevelResult, StaffingResult
from .solve import decompose, staff

__all__ = ["Eligibility", "build_eligibility", "SubProblem", "build_model", "LevelResult",
           "StaffingResult", "decompose", "staff"]
