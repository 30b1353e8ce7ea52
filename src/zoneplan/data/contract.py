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

__all__ = ["Column", "TableSpec", "TABLES", "LEVELS", "NUMBER_CAP"]

Kind = Literal["str", "int", "float", "bool", "list", "level"]
#: What a column refers to; the loader resolves ids and unique names to ids (see resolve.py).
Ref = Literal["township", "investigator", "case", "person", "village"]

LEVELS = ("county", "township")

_PEOPLE = (("人", 1.0), ("名", 1.0), ("位", 1.0), ("个", 1.0))
_CASES = (("件", 1.0), ("个", 1.0), ("起", 1.0), ("宗", 1.0), ("条", 1.0))
_MINUTES = (("分钟", 1.0), ("分", 1.0), ("min", 1.0), ("mins", 1.0), ("minutes", 1.0), ("小时", 60.0),
            ("h", 60.0), ("hour", 60.0), ("hours", 60.0))


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
    ref: Ref | None = None  # ids (or unique names) of this kind; resolved at load
    outside_ok: bool = False  # a reference may name a place outside the data (a home township)
    fill_down: bool = False  # a blank among filled lines changes a rule: refused (merged cells?)
    units: tuple[tuple[str, float], ...] = ()  # units a number may carry (unit, factor)
    none_words: bool = False  # 无 / - / none say "no value" explicitly
    need_header: bool = False  # the column must be there, though a value may be blank


#: Largest number any numeric column accepts unless it sets its own ``max_value``: keeps
#: sums and weighted objectives far from integer overflow.
NUMBER_CAP = 1_000_000


#: The county column of leaders.csv and offices.csv (blank: the only county of the townships).
_COUNTY_OF_AGENT = Column("county", zh="所属县区", fill_down=True,
                          aliases=("县", "县区", "所属县", "县市区", "所属县区", "所属县市区", "区县", "县名"))


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
            Column("township_id", required=True, unique=True, zh="乡镇编号",
                   aliases=("乡镇编号", "乡镇代码", "乡镇id", "编号", "代码", "id", "区划代码", "行政区划代码")),
            Column("name", zh="乡镇名称", aliases=("乡镇名称", "名称", "乡镇", "乡镇街道", "乡镇街道名称", "街道")),
            Column("county", zh="所属县区", fill_down=True,
                   aliases=("县", "县区", "所属县", "县市区", "所属县区", "所属县市区", "区县", "县名")),
            Column("lat", "float", required=True, min_value=-90, max_value=90, zh="纬度",
                   aliases=("纬度", "latitude", "北纬")),
            Column("lon", "float", required=True, min_value=-180, max_value=180, zh="经度",
                   aliases=("经度", "longitude", "lng", "long", "东经")),
            Column("villages", "int", default=0, min_value=0, zh="村社区数", units=(("个", 1.0), ("村", 1.0)),
                   aliases=("村数", "村社区数", "村居数", "行政村数", "村个数", "辖村数", "下辖村数", "村社区个数")),
            Column("zone", zh="协作区", fill_down=True, none_words=True,
                   aliases=("协作区", "片区", "zone_id", "协作片区", "所属协作区", "协作区编号", "协作区名称")),
        ),
        aliases=("乡镇", "乡镇表", "乡镇信息", "乡镇列表", "乡镇街道"), zh="乡镇",
        doc="one row per township or urban street",
    ),
    "adjacency": TableSpec(
        "adjacency", True,
        (
            Column("a", required=True, ref="township", zh="乡镇",
                   aliases=("乡镇1", "township_a", "乡镇a", "乡镇甲", "本乡镇", "乡镇一")),
            Column("b", required=True, ref="township", zh="相邻乡镇",
                   aliases=("乡镇2", "township_b", "乡镇b", "乡镇乙", "相邻乡镇", "邻接乡镇", "乡镇二")),
        ),
        aliases=("相邻", "邻接", "相邻乡镇", "相邻关系", "邻接关系", "乡镇相邻"), zh="相邻乡镇",
        doc="pairs of townships that share a border",
    ),
    "travel": TableSpec(
        "travel", True,
        (
            Column("from", required=True, ref="township", zh="起点乡镇",
                   aliases=("起点", "出发乡镇", "from_township", "起点乡镇", "出发地")),
            Column("to", required=True, ref="township", zh="终点乡镇",
                   aliases=("终点", "到达乡镇", "to_township", "终点乡镇", "目的地")),
            Column("minutes", "float", required=True, min_value=0, zh="车程分钟", units=_MINUTES,
                   aliases=("分钟", "车程", "用时", "车程分钟", "行车时间", "耗时", "通行时间", "时间分钟")),
        ),
        aliases=("车程", "路程", "车程表", "乡镇车程", "交通时间"), zh="车程",
        doc="symmetric road minutes between townships",
    ),
    "investigators": TableSpec(
        "investigators", False,
        (
            Column("investigator_id", required=True, unique=True, zh="人员编号",
                   aliases=("干部编号", "人员编号", "id", "编号", "工号")),
            Column("name", zh="姓名", aliases=("姓名", "名字")),
            Column("township_id", required=True, ref="township", fill_down=True, zh="工作乡镇",
                   aliases=("所在乡镇", "工作乡镇", "乡镇编号", "任职乡镇", "所在乡镇编号", "工作单位", "单位", "所在单位",
                            "乡镇")),
            Column("level", "level", default="township", fill_down=True, zh="层级",
                   aliases=("层级", "级别", "干部层级", "所属层级")),
            Column("home_township", ref="township", outside_ok=True, zh="籍贯乡镇",
                   aliases=("籍贯乡镇", "家乡乡镇", "户籍乡镇", "原籍乡镇", "老家乡镇", "出生地乡镇", "籍贯")),
            Column("home_village", zh="籍贯村",
                   aliases=("籍贯村", "家乡村", "户籍村", "原籍村", "老家村", "籍贯村社区", "出生村")),
            Column("skills", "list", default=(), zh="专长", aliases=("专长", "技能", "业务专长", "特长")),
            Column("can_lead", "bool", default=False, zh="可任组长",
                   aliases=("可任组长", "能否牵头", "组长", "任组长", "担任组长", "可担任组长", "牵头", "可牵头")),
            Column("max_cases", "int", default=2, min_value=0, zh="承办上限", units=_CASES,
                   aliases=("最多案件数", "承办上限", "案件上限", "最多承办", "最大案件数", "最多承办案件数")),
            Column("available", "bool", default=True, zh="可用",
                   aliases=("可用", "在岗", "状态", "在岗状态", "在岗情况", "是否在岗")),
            Column("current_cases", "int", default=0, min_value=0, zh="在办案件数", units=_CASES,
                   aliases=("在办案件数", "在办案件", "在办", "在办数"),
                   doc="cases already on hand; they use up max_cases"),
            Column("current_workload", "float", default=0.0, min_value=0, decimals=2, zh="在办工作量",
                   aliases=("在办工作量", "现有工作量", "已有工作量"),
                   doc="workload already on hand; counts in the workload balance"),
            Column("can_review", "bool", default=None, zh="可任审核人",
                   aliases=("可任审核人", "审核人", "可审核", "审核", "可参与审核", "审理", "可审理"),
                   doc="may review cases (乡案县审); blank: county-level staff may, township-level staff may not"),
        ),
        aliases=("干部", "人员", "roster", "干部花名册", "花名册", "人员名单", "干部名单", "纪检干部", "人员信息"),
        zh="干部花名册",
        doc="the roster: township-level and county-level investigators",
    ),
    "cases": TableSpec(
        "cases", False,
        (
            Column("case_id", required=True, unique=True, zh="线索编号",
                   aliases=("线索编号", "案件编号", "id", "编号", "问题线索编号")),
            Column("township_id", required=True, ref="township", zh="所在乡镇",
                   aliases=("乡镇编号", "所在乡镇", "发生乡镇", "乡镇", "涉及乡镇", "线索所在乡镇", "属地乡镇")),
            Column("village", zh="所在村", aliases=("村", "所在村", "村社区", "所在村社区", "涉及村", "村居")),
            Column("subject_id", ref="person", zh="被调查人",
                   aliases=("被调查人", "被调查人编号", "被反映人", "调查对象", "被调查人姓名", "反映对象")),
            Column("team_size", "int", default=2, min_value=1, zh="组人数", units=_PEOPLE,
                   aliases=("组人数", "人数", "所需人数", "办案人数", "需要人数")),
            Column("required_skills", "list", default=(), zh="所需专长",
                   aliases=("所需专长", "所需技能", "专长要求", "需要专长")),
            Column("needs_lead", "bool", default=True, zh="需要组长", aliases=("需要组长", "需组长", "设组长")),
            Column("escalated", "bool", default=False, zh="提级直查", aliases=("提级", "提级直查", "提级办理")),
            Column("priority", "int", default=1, min_value=1, zh="优先级", aliases=("优先级", "优先")),
            Column("workload", "float", default=1.0, min_value=0, strict_min=True, decimals=2, zh="工作量",
                   aliases=("工作量", "预计工作量")),
        ),
        aliases=("线索", "案件", "问题线索", "线索清单", "案件清单", "问题线索清单"), zh="问题线索",
        doc="problem leads to staff",
    ),
    "relations": TableSpec(
        "relations", True,
        (
            Column("a", required=True, ref="person", zh="人员1",
                   aliases=("人员1", "person_a", "人员甲", "甲", "姓名1", "人员a", "当事人1")),
            Column("b", required=True, ref="person", zh="人员2",
                   aliases=("人员2", "person_b", "人员乙", "乙", "姓名2", "人员b", "当事人2")),
            Column("relation", zh="关系", aliases=("关系", "关系类型", "亲属关系", "社会关系")),
        ),
        aliases=("关系", "社会关系", "亲属关系", "关系表"), zh="关系",
        doc="undirected people graph: kin, acquaintances",
    ),
    "conflicts": TableSpec(
        "conflicts", True,
        (
            Column("investigator_id", required=True, ref="investigator", zh="人员",
                   aliases=("干部编号", "人员编号", "人员", "干部", "姓名", "回避人员", "回避人")),
            Column("case_id", required=True, ref="case", zh="线索编号",
                   aliases=("线索编号", "案件编号", "线索", "案件")),
            Column("reason", zh="回避原因", aliases=("原因", "回避原因", "回避事由", "事由")),
        ),
        aliases=("回避", "回避清单", "回避情况", "回避申报", "申请回避"), zh="回避",
        doc="declared recusals",
    ),
    "leaders": TableSpec(
        "leaders", True,
        (
            Column("leader_id", required=True, unique=True, zh="领导编号",
                   aliases=("领导编号", "编号", "id", "人员编号")),
            Column("name", zh="姓名", aliases=("姓名", "领导姓名", "名字")),
            _COUNTY_OF_AGENT,
            Column("title", zh="职务", aliases=("职务", "职位", "领导职务")),
            Column("home_township", ref="township", outside_ok=True, zh="籍贯乡镇",
                   aliases=("籍贯乡镇", "家乡乡镇", "户籍乡镇", "原籍乡镇", "老家乡镇", "籍贯")),
        ),
        aliases=("牵头领导", "带片领导", "包片领导", "联系领导", "领导班子", "班子成员"), zh="牵头领导",
        doc="members of the county commission's leadership who lead a zone (1+1+N: the first 1)",
    ),
    "offices": TableSpec(
        "offices", True,
        (
            Column("office_id", required=True, unique=True, zh="科室编号",
                   aliases=("科室编号", "室编号", "编号", "id")),
            Column("name", zh="科室名称", aliases=("科室名称", "名称", "科室", "室名")),
            _COUNTY_OF_AGENT,
            Column("home_townships", "list", default=(), ref="township", outside_ok=True, zh="成员籍贯乡镇",
                   aliases=("成员籍贯乡镇", "成员籍贯", "籍贯乡镇", "人员籍贯乡镇"),
                   doc="home townships of the office's members, a list"),
        ),
        aliases=("纪检监察室", "联系科室", "监察室"), zh="纪检监察室",
        doc="county discipline inspection offices that coordinate a zone (1+1+N: the second 1)",
    ),
    "villages": TableSpec(
        "villages", True,
        (
            Column("village_id", required=True, unique=True, zh="村编号",
                   aliases=("村编号", "村社区编号", "村代码", "编号", "id")),
            Column("township_id", required=True, ref="township", fill_down=True, zh="所属乡镇",
                   aliases=("所属乡镇", "乡镇", "乡镇编号", "所在乡镇", "乡镇街道")),
            Column("name", zh="村名称", aliases=("村名称", "村名", "村社区名称", "名称", "村社区")),
            Column("lat", "float", required=True, min_value=-90, max_value=90, zh="纬度",
                   aliases=("纬度", "latitude", "北纬")),
            Column("lon", "float", required=True, min_value=-180, max_value=180, zh="经度",
                   aliases=("经度", "longitude", "lng", "long", "东经")),
            Column("households", "int", default=0, min_value=0, zh="户数", units=(("户", 1.0),),
                   aliases=("户数", "总户数", "农户数", "户籍户数")),
            Column("population", "int", default=0, min_value=0, zh="人口", units=(("人", 1.0),),
                   aliases=("人口", "人口数", "户籍人口", "常住人口", "总人口")),
            Column("liaison", "bool", default=False, zh="村级监督联络员",
                   aliases=("村级监督联络员", "监督联络员", "联络员", "有联络员", "设联络员"),
                   doc="the village has a liaison (村级监督联络员, often the village supervision committee head)"),
            Column("liaison_name", zh="联络员姓名", aliases=("联络员姓名", "联络员名字"),
                   doc="the liaison's name; a name marks the village as having a liaison"),
        ),
        aliases=("村社区", "村居", "行政村", "村庄", "村名单", "村社区名单", "村"), zh="村社区",
        doc="villages and communities: where they are, households, liaisons (for supervision areas)",
    ),
    "village_adjacency": TableSpec(
        "village_adjacency", True,
        (
            Column("a", required=True, ref="village", zh="村", aliases=("村1", "村a", "本村", "village_a")),
            Column("b", required=True, ref="village", zh="相邻村", aliases=("村2", "村b", "相邻村", "邻村", "village_b")),
        ),
        aliases=("相邻村", "村相邻", "相邻村社区", "村庄相邻", "村相邻关系", "邻村"), zh="相邻村",
        doc="pairs of villages that share a border",
    ),
}


#: Columns a staffing plan and a review plan share.
_PLAN_CASE = Column("case_id", required=True, ref="case", zh="线索编号",
                    aliases=("线索编号", "线索", "案件编号", "案件", "问题线索编号"))
_PLAN_TRAVEL = Column("travel_minutes", "float", min_value=0, zh="路程分钟", units=_MINUTES,
                      aliases=("路程分钟", "车程", "路程", "车程分钟", "分钟"))

#: Side files a planner hands in besides the tables: a zoning, what-ifs, a hand-made plan.
#: They are read with the same header matching, cell cleaning and line numbers as the tables.
SIDE_TABLES: dict[str, TableSpec] = {
    "zones": TableSpec(
        "zones", False,
        (
            Column("township_id", required=True, ref="township", zh="乡镇编号",
                   aliases=("乡镇编号", "乡镇", "乡镇街道", "id")),
            Column("zone", need_header=True, none_words=True, zh="协作区",
                   aliases=("协作区", "片区", "zone_id", "协作片区", "所属协作区", "协作区名称", "协作区编号")),
            Column("name", zh="乡镇名称", aliases=("乡镇名称", "名称")),
            Column("county", zh="所属县区", aliases=("县", "县区", "所属县", "县市区")),
            Column("zone_size", zh="协作区乡镇数"), Column("hub", zh="驻地乡镇编号"),
            Column("hub_name", zh="驻地乡镇", aliases=("驻地",)), Column("villages", zh="村社区数"),
            Column("zone_villages", zh="协作区村社区数"), Column("staff", zh="乡镇纪检干部数"),
            Column("zone_staff", zh="协作区纪检干部数"),
            Column("leader", zh="牵头领导编号"), Column("leader_name", zh="牵头领导"),
            Column("office", zh="联系科室编号"), Column("office_name", zh="联系科室"),
        ),
        aliases=("协作区", "协作区划分", "zoning"), zh="协作区",
        doc="a zoning: the zone of each township",
    ),
    "whatifs": TableSpec(
        "whatifs", False,
        (
            Column("kind", required=True, zh="类型", aliases=("类型", "操作", "假设", "whatif")),
            Column("a", required=True, zh="乡镇1", aliases=("乡镇1", "乡镇", "对象", "乡镇a", "协作区")),
            Column("b", zh="乡镇2", aliases=("乡镇2", "乡镇b", "另一乡镇")),
        ),
        aliases=("what-if", "假设", "调整"), zh="假设",
        doc="zoning what-ifs: together, apart, keep, exclude",
    ),
    "plan": TableSpec(
        "plan", False,
        (
            _PLAN_CASE,
            Column("investigator_id", required=True, ref="investigator", zh="人员编号",
                   aliases=("人员编号", "人员", "姓名", "干部", "干部编号", "办案人员")),
            Column("role", required=True, zh="角色", aliases=("角色", "分工", "身份", "组内职务")),
            _PLAN_TRAVEL,
        ),
        aliases=("assignments", "办案组", "方案"), zh="办案组",
        doc="a staffing plan: one row per investigator on a case",
    ),
    "reviews": TableSpec(
        "reviews", False,
        (
            _PLAN_CASE,
            Column("reviewer_id", required=True, ref="investigator", zh="审核人编号",
                   aliases=("审核人编号", "审核人", "审理人", "审核人员", "人员编号", "姓名")),
            _PLAN_TRAVEL,
            Column("reviewer_name", zh="审核人姓名"), Column("reviewer_township", zh="审核人工作乡镇"),
            Column("level", zh="层级"), Column("case_township", zh="线索所在乡镇"),
        ),
        aliases=("审核安排", "审核", "reviews"), zh="审核安排",
        doc="a review plan: one row per reviewer of a case",
    ),
}
