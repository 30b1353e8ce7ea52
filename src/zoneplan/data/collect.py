"""The loader's bookkeeping: problems collected up to a cap, notes for the data-quality report,
expected-value texts, and a table after parsing (:class:`Parsed`) that knows where each value
came from (file, Excel line, column as typed)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, sort_problems
from .contract import TableSpec
from .quality import QualityItem

__all__ = ["Collector", "Parsed", "empty_frame", "expect", "EXPECT", "HINT"]


class Collector:
    """Collects problems up to a cap and counts the rest; keeps quality items."""

    def __init__(self, cap: int):
        self.cap = cap
        self.items: list[Problem] = []
        self.more = 0
        self.quality: list[QualityItem] = []
        self._resolved: dict[tuple[str, str], tuple[dict[str, list[str]], set[str]]] = {}
        self.near_people: list = []  # people.NearPair taken as different people, checked again by deep kin rules

    def add(self, p: Problem) -> None:
        if len(self.items) < self.cap:
            self.items.append(p)
        else:
            self.more += 1

    def note(self, item: QualityItem) -> None:
        self.quality.append(item)

    def resolved(self, what: tuple[str, str], table: str, column: str, values) -> None:
        """Count distinct values of one kind (townships, people...) written by name or a variant;
        :meth:`resolution_notes` makes one note per kind of them."""
        entry = self._resolved.setdefault(what, ({}, set()))
        entry[0].setdefault(table, []).append(column)
        entry[1].update(values)

    def resolution_notes(self) -> None:
        for (en, zh), (where, values) in self._resolved.items():
            if not values:
                continue
            places = "; ".join(f"{t}: {', '.join(dict.fromkeys(cs))}" for t, cs in where.items())
            places_zh = "；".join(f"{t}：{'、'.join(dict.fromkeys(cs))}" for t, cs in where.items())
            self.note(QualityItem("read", "note", "", f"{len(values)} {en} written by name or another spelling, "
                                  f"resolved ({places})", f"{len(values)} 个{zh}以名称或其他写法填写，已对应（{places_zh}）"))
        self._resolved = {}

    @property
    def failed(self) -> bool:
        return bool(self.items) or self.more > 0

    def raise_if_failed(self) -> None:
        if self.failed:
            raise InputError(sort_problems(self.items), self.more)


#: Expected-value texts, English and Chinese.
EXPECT = {
    "required": ("a value (this column is required)", "填写内容（此列必填）"),
    "bool": ("yes or no: 是/否, √/×, 有/无, true/false or 1/0", "是或否：是/否、√/×、有/无、true/false 或 1/0"),
    "level": ("a level: county (县级) or township (乡镇级)", "层级：县级 或 乡镇级"),
    "int": ("a whole number", "整数"),
    "float": ("a number", "数字"),
    "unique": ("a unique id; already used on line {line}", "不重复的编号；第 {line} 行已用过"),
    "unique_variant": ("a unique id; line {line} has {other!r}, the same id up to case or spaces",
                       "不重复的编号；第 {line} 行的“{other}”只差大小写或空格，视为同一编号"),
    "error": ("a value, not an Excel error", "有效的值，而不是 Excel 错误值"),
    "formula": ("a value; the cell holds a formula with no saved result", "数值；该单元格是没有保存结果的公式"),
    "date": ("text or a number; Excel turned this cell into a date", "文本或数字；Excel 把该单元格变成了日期"),
    "long": ("an exact id; Excel keeps only 15 digits of a number", "准确的编号；Excel 数字只保留 15 位有效数字"),
    "one": ("one value per cell (one person, place or id per line)", "每个单元格只填一个值（每行一个人、一个地点或一个编号）"),
    "list": ("a list separated by 、 ， , ； ; / | + & or line breaks, without other marks in an item",
             "以 、，,；;/|+& 或换行分隔的列表，各项中不含其他符号"),
}
HINT = {
    "error": ("the formula in this cell failed (e.g. a VLOOKUP that found nothing): fix it or type the value",
              "该单元格的公式出错（例如 VLOOKUP 没有找到），请修正公式或直接填写"),
    "formula": ("open the workbook in Excel/WPS and save it, so formulas keep their results",
                "请用 Excel/WPS 打开并保存一次工作簿，使公式保存计算结果"),
    "date": ("format the column as text (文本) and type the value again", "请把该列设置为“文本”格式后重新输入"),
    "long": ("format the column as text (文本) and type the id again", "请把该列设置为“文本”格式后重新输入编号"),
    "one": ("this cell holds a list: put each on a line of its own", "该单元格填了多个值：请每个值单独一行"),
    "list": ("separate the items with 、 (or another separator of the list)", "请用顿号“、”（或上述分隔符）分隔各项"),
    "fill": ("if these were merged cells, fill the value down on every line (Excel/WPS: select the column, "
             "Ctrl+G -> blanks, type = and the cell above, Ctrl+Enter)",
             "如原为合并单元格，请在每一行都填上该值（Excel/WPS：选中该列，Ctrl+G 定位空值，输入 = 上一格，Ctrl+Enter）"),
}


def expect(kind: str, **kw) -> tuple[str, str]:
    en, zh = EXPECT[kind]
    return en.format(**kw), zh.format(**kw)




@dataclass
class Parsed:
    """One table after header matching and parsing, with where each value came from."""

    spec: TableSpec
    name: str
    sha256: str
    frame: pd.DataFrame
    lines: np.ndarray
    typed: dict[str, str] = field(default_factory=dict)  # column -> header as typed
    letters: dict[str, str] = field(default_factory=dict)  # column -> Excel letter
    ok: bool = True  # the header was usable: the table may take part in reference checks

    def problem(self, row: int | None, column: str | None, value: str | None, expected: tuple[str, str],
                hint: tuple[str, str] = ("", "")) -> Problem:
        line = None if row is None else int(self.lines[row])
        typed = self.typed.get(column, column) if column else None
        return Problem(self.name, line, typed, value, expected[0], letter=self.letters.get(column) if column else None,
                       field=column, expected_zh=expected[1], hint=hint[0], hint_zh=hint[1])


def empty_frame(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})
