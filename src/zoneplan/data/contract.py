"""The input contract: tables, columns, types, defaults and header aliases.

This is the single declaration of what zoneplan reads.  Loaders parse against it, the
README documents it, and error messages quote it.  Every loaded table is normalised to a
pandas DataFrame whose columns are exactly the ``name`` fields below, in this order:

* ``str`` columns hold Python ``str`` (``""`` when empty and not required);
* ``list`` columns hold sorted ``tuple[str, ...]`` parsed from a ``;``-separated cell;
* ``bool``/``int``/``float`` columns hold numpy bool / int64 / float64.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Column", "TableSpec", "TABLES", "TRUE_WORDS", "FALSE_WORDS", "LEVELS", "NUMBER_CAP"]

Kind = Literal["str", "int", "float", "bool", "list", "level"]

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "t", "是", "对", "真"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "f", "否", "不", "假"})
LEVELS = ("county", "township")
LEVEL_ALIASES = {"county": "county", "township": "township", "县": "county", "县级": "county",
                 "乡": "township", "乡镇": "township", "乡镇级": "township", "街道": "township"}


@dataclass(frozen=True)
class Column:
    """One column: its kind, whether it must be present and non-empty, its default."""

    name: str
    kind: Kind = "str"
    required: bool = False
    default: Any = ""
    aliases: tuple[str, ...] = ()
    min_value: float | None = None  # inclusive lower bound for numbers
    strict_min: bool = False  # True: value must be > min_value
    max_value: float | None = None
    unique: bool = False
    doc: str = ""
    decimals: int | None = None  # numbers kept to this many decimals (rounded half up at load)
    zh: str = ""  # the Chinese header a template writes (also accepted as an alias)


#: Largest number any numeric column accepts unless it sets its own ``max_value``: keeps
#: sums and weighted objectives far from integer overflow.
NUMBER_CAP = 1_000_000


@dataclass(frozen=True)
class TableSpec:
    name: str
    optional: bool
    columns: tuple[Column, ...] = field(default_factory=tuple)
    aliases: tuple[str, ...] = ()  # file/sheet name aliases
    doc: str = ""
    zh: str = ""  # the Chinese sheet name a template writes (also accepted as an alias)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


TABLES: dict[str, TableSpec] = {
    "townships": TableSpec(
        "townships", False,
        (
            Column("township_id", required=True, unique=True, aliases=("乡镇编号", "乡镇代码", "id"), zh="乡镇编号"),
            Column("name", aliases=("乡镇名称", "名称", "乡镇"), zh="乡镇名称"),
            Column("county", aliases=("县", "县区", "所属县", "县市区"), zh="所属县区"),
            Column("lat", "float", required=True, aliases=("纬度", "latitude"), min_value=-90, max_value=90, zh="纬度"),
            Column("lon", "float", required=True, aliases=("经度", "longitude", "lng"), min_value=-180, max_value=180, zh="经度"),
            Column("villages", "int", default=0, aliases=("村数", "村社区数", "村（社区）数"), min_value=0, zh="村社区数"),
            Column("zone", aliases=("协作区", "片区", "zone_id"), zh="协作区"),
        ),
        aliases=("乡镇",), zh="乡镇",
        doc="one row per township or urban street",
    ),
    "adjacency": TableSpec(
        "adjacency", True,
        (
            Column("a", required=True, aliases=("乡镇1", "township_a"), zh="乡镇1"),
            Column("b", required=True, aliases=("乡镇2", "township_b"), zh="乡镇2"),
        ),
        aliases=("相邻", "邻接"), zh="相邻乡镇",
        doc="pairs of townships that share a border",
    ),
    "travel": TableSpec(
        "travel", True,
        (
            Column("from", required=True, aliases=("起点", "出发乡镇", "from_township"), zh="起点乡镇"),
            Column("to", required=True, aliases=("终点", "到达乡镇", "to_township"), zh="终点乡镇"),
            Column("minutes", "float", required=True, aliases=("分钟", "车程", "用时"), min_value=0, zh="车程分钟"),
        ),
        aliases=("车程", "路程"), zh="车程",
        doc="symmetric road minutes between townships",
    ),
    "investigators": TableSpec(
        "investigators", False,
        (
            Column("investigator_id", required=True, unique=True, aliases=("干部编号", "人员编号", "id"), zh="人员编号"),
            Column("name", aliases=("姓名",), zh="姓名"),
            Column("township_id", required=True, aliases=("所在乡镇", "工作乡镇", "乡镇编号"), zh="工作乡镇"),
            Column("level", "level", default="township", aliases=("层级", "级别"), zh="层级"),
            Column("home_township", aliases=("籍贯乡镇", "家乡乡镇", "户籍乡镇"), zh="籍贯乡镇"),
            Column("home_village", aliases=("籍贯村", "家乡村", "户籍村"), zh="籍贯村"),
            Column("skills", "list", default=(), aliases=("专长", "技能"), zh="专长"),
            Column("can_lead", "bool", default=False, aliases=("可任组长", "能否牵头"), zh="可任组长"),
            Column("max_cases", "int", default=2, aliases=("最多案件数", "承办上限"), min_value=0, zh="承办上限"),
            Column("available", "bool", default=True, aliases=("可用", "是否可用", "在岗"), zh="可用"),
            Column("current_cases", "int", default=0, aliases=("在办案件数",), min_value=0,
                   doc="cases already on hand; they use up max_cases", zh="在办案件数"),
            Column("current_workload", "float", default=0.0, aliases=("在办工作量",), min_value=0, decimals=2,
                   doc="workload already on hand; counts in the workload balance", zh="在办工作量"),
        ),
        aliases=("干部", "人员", "roster"), zh="干部花名册",
        doc="the roster: township-level and county-level investigators",
    ),
    "cases": TableSpec(
        "cases", False,
        (
            Column("case_id", required=True, unique=True, aliases=("线索编号", "案件编号", "id"), zh="线索编号"),
            Column("township_id", required=True, aliases=("乡镇编号", "所在乡镇", "发生乡镇"), zh="所在乡镇"),
            Column("village", aliases=("村", "所在村", "村（社区）"), zh="所在村"),
            Column("subject_id", aliases=("被调查人", "被调查人编号"), zh="被调查人"),
            Column("team_size", "int", default=2, aliases=("组人数", "人数"), min_value=1, zh="组人数"),
            Column("required_skills", "list", default=(), aliases=("所需专长", "所需技能"), zh="所需专长"),
            Column("needs_lead", "bool", default=True, aliases=("需要组长",), zh="需要组长"),
            Column("escalated", "bool", default=False, aliases=("提级", "提级直查"), zh="提级直查"),
            Column("priority", "int", default=1, aliases=("优先级",), min_value=1, zh="优先级"),
            Column("workload", "float", default=1.0, aliases=("工作量",), min_value=0, strict_min=True, decimals=2, zh="工作量"),
        ),
        aliases=("线索", "案件", "问题线索"), zh="问题线索",
        doc="problem leads to staff",
    ),
    "relations": TableSpec(
        "relations", True,
        (
            Column("a", required=True, aliases=("人员1", "person_a"), zh="人员1"),
            Column("b", required=True, aliases=("人员2", "person_b"), zh="人员2"),
            Column("relation", aliases=("关系",), zh="关系"),
        ),
        aliases=("关系",), zh="关系",
        doc="undirected people graph: kin, acquaintances",
    ),
    "conflicts": TableSpec(
        "conflicts", True,
        (
            Column("investigator_id", required=True, aliases=("干部编号", "人员编号"), zh="人员"),
            Column("case_id", required=True, aliases=("线索编号", "案件编号"), zh="线索编号"),
            Column("reason", aliases=("原因", "回避原因"), zh="回避原因"),
        ),
        aliases=("回避",), zh="回避",
        doc="declared recusals",
    ),
}
