"""Staffing: eligibility engine, prepared instance, decomposition, models, solver, explanations."""

from .eligibility import Eligibility, build_eligibility
from .instance import StaffingInstance, build_instance
from .parts import Part, PartPlan, decompose
from .result import LevelResult, Levels, StaffingResult, Status
from .solve import staff

__all__ = ["Eligibility", "build_eligibility", "StaffingInstance", "build_instance", "Part", "PartPlan",
           "decompose", "LevelResult", "Levels", "StaffingResult", "Status", "staff"]
