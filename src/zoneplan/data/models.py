"""Typed row records, generated from the one input contract (no second declaration).

For callers who build instances in Python rather than tables::

    from zoneplan.data.models import Township, Investigator, Case, tables_from_records
    t = tables_from_records(
        townships=[Township(township_id="A", lat=37.0, lon=117.0), ...],
        investigators=[Investigator(investigator_id="I1", township_id="A"), ...],
        cases=[Case(case_id="X1", township_id="A"), ...],
    )

Each model validates its fields (types, bounds, defaults) with pydantic; the table-level
rules (unique ids, references that resolve, symmetric travel, zones inside one county) are
then checked by the same loader that reads files, so both paths accept exactly the same data.
"""

from __future__ import annotations

from typing import Any, Iterable, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, create_model

from .contract import TABLES, Column
from .load import tables_from_frames
from .tables import Tables

__all__ = ["Township", "Adjacency", "Travel", "Investigator", "Case", "Relation", "Conflict", "Leader", "Office",
           "Village", "VillageAdjacency", "RECORD_MODELS", "tables_from_records"]

_CLASS_NAMES = {"townships": "Township", "adjacency": "Adjacency", "travel": "Travel",
                "investigators": "Investigator", "cases": "Case", "relations": "Relation",
                "conflicts": "Conflict", "leaders": "Leader", "offices": "Office", "villages": "Village",
                "village_adjacency": "VillageAdjacency"}


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, populate_by_name=True)


def _field(c: Column) -> tuple[Any, Any]:
    kw: dict[str, Any] = {"description": c.doc or None}
    if c.min_value is not None:
        kw["gt" if c.strict_min else "ge"] = c.min_value
    if c.max_value is not None:
        kw["le"] = c.max_value
    if c.name == "from":  # a Python keyword: the attribute is from_, the column stays "from"
        kw["alias"] = "from"
    typ: Any = {"str": str, "int": int, "float": float, "bool": bool, "list": tuple[str, ...],
                "level": Literal["county", "township"]}[c.kind]
    if c.default is None:  # blank means "by rule" (can_review: by level)
        typ = typ | None
    if c.required:
        return typ, Field(..., min_length=1, **kw) if c.kind == "str" else Field(..., **kw)
    return typ, Field(c.default, **kw)


def _model(table: str) -> type[BaseModel]:
    fields = {("from_" if c.name == "from" else c.name): _field(c) for c in TABLES[table].columns}
    doc = f"One row of {TABLES[table].file}: {TABLES[table].doc}."
    return create_model(_CLASS_NAMES[table], __base__=_Record, __doc__=doc, **fields)


RECORD_MODELS: dict[str, type[BaseModel]] = {t: _model(t) for t in TABLES}
Township = RECORD_MODELS["townships"]
Adjacency = RECORD_MODELS["adjacency"]
Travel = RECORD_MODELS["travel"]
Investigator = RECORD_MODELS["investigators"]
Case = RECORD_MODELS["cases"]
Relation = RECORD_MODELS["relations"]
Conflict = RECORD_MODELS["conflicts"]
Leader = RECORD_MODELS["leaders"]
Office = RECORD_MODELS["offices"]
Village = RECORD_MODELS["villages"]
VillageAdjacency = RECORD_MODELS["village_adjacency"]


def _frame(table: str, rows: Iterable[BaseModel | dict] | None) -> pd.DataFrame | None:
    if rows is None:
        return None
    model = RECORD_MODELS[table]
    recs = [r if isinstance(r, model) else model.model_validate(r) for r in rows]
    cols = [c.name for c in TABLES[table].columns]
    data = [r.model_dump(by_alias=True) for r in recs]
    return pd.DataFrame(data, columns=cols)


def tables_from_records(townships: Iterable, investigators: Iterable, cases: Iterable,
                        relations: Iterable | None = None, conflicts: Iterable | None = None,
                        adjacency: Iterable | None = None, travel: Iterable | None = None,
                        leaders: Iterable | None = None, offices: Iterable | None = None,
                        villages: Iterable | None = None, village_adjacency: Iterable | None = None) -> Tables:
    """Validated :class:`Tables` from record objects (or dicts validated into them).

    Raises
    ------
    pydantic.ValidationError
        A field is missing, of the wrong type or out of bounds.
    zoneplan.InputError
        A table-level rule is broken (duplicate id, unknown reference, ...).
    """
    return tables_from_frames(
        townships=_frame("townships", townships), investigators=_frame("investigators", investigators),
        cases=_frame("cases", cases), relations=_frame("relations", relations),
        conflicts=_frame("conflicts", conflicts), adjacency=_frame("adjacency", adjacency),
        travel=_frame("travel", travel), leaders=_frame("leaders", leaders), offices=_frame("offices", offices),
        villages=_frame("villages", villages), village_adjacency=_frame("village_adjacency", village_adjacency),
    )
