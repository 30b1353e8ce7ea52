"""Finding the tables: files and sheets matched to tables by name, in English or Chinese (the
first stage of the loader, :mod:`.load`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem
from .collect import Collector
from .contract import TABLES
from .headers import name_key
from .quality import QualityItem
from .sheets import WORKBOOK_SUFFIXES, Grid, read_csv_grid, read_workbook_grids, unreadable_suffix

__all__ = ["match_table", "assign_sources", "folder_sources", "book_sources"]


_TEXT_EXTS = (".csv", ".txt", ".tsv")


def match_table(name: str) -> tuple[str | None, list[str]]:
    """The table a file or sheet name stands for: (table, []) or (None, ambiguous candidates)."""
    k = name_key(name)
    if not k:
        return None, []
    exact = [t for t, s in TABLES.items() if k in {name_key(x) for x in (s.name, s.zh, *s.aliases)}]
    if len(exact) == 1:
        return exact[0], []
    if len(exact) > 1:
        return None, exact
    best: dict[str, int] = {}
    for t, s in TABLES.items():
        for a in (s.name, s.zh, *s.aliases):
            ak = name_key(a)
            if len(ak) >= 2 and ak in k:
                best[t] = max(best.get(t, 0), len(ak))
    if not best:
        return None, []
    top = max(best.values())
    winners = [t for t, v in best.items() if v == top]
    return (winners[0], []) if len(winners) == 1 else (None, sorted(winners))


def assign_sources(sources: list[tuple[str, object]], col: Collector, where: str) -> dict[str, object]:
    """Map (display name, grid-or-path) sources to tables; refuse two sources for one table."""
    found: dict[str, list[tuple[str, object]]] = {}
    unread: list[str] = []
    for disp, src in sources:
        stem = disp.rsplit("[", 1)[-1].rstrip("]") if disp.endswith("]") else Path(disp).stem
        table, cands = match_table(stem)
        if table is None:
            if cands:
                col.add(Problem(disp, None, None, None, "a name that says which table it is",
                                expected_zh="能看出是哪张表的名称",
                                hint=f"{stem!r} could be {' or '.join(cands)}: rename it",
                                hint_zh=f"“{stem}”可能是 {' 或 '.join(TABLES[c].zh for c in cands)}，请改名"))
            else:
                unread.append(disp)
            continue
        found.setdefault(table, []).append((disp, src))
    out: dict[str, object] = {}
    for table, items in found.items():
        if len(items) > 1:
            names = ", ".join(d for d, _ in items)
            col.add(Problem(items[1][0], None, None, None, f"one {TABLES[table].zh} ({table}) table",
                            expected_zh=f"只有一张{TABLES[table].zh}（{table}）表",
                            hint=f"{names} all look like the {table} table: keep one",
                            hint_zh=f"{names} 都像是{TABLES[table].zh}表，请只保留一个"))
            continue
        out[table] = items[0][1]
    if unread:
        col.note(QualityItem("read", "note", where, f"not read (no table of that name): {', '.join(unread)}",
                             f"未读取（不是已知的表名）：{'、'.join(unread)}"))
    out["__found__"] = [d for d, _ in sources]
    return out




def folder_sources(p: Path, col: Collector) -> tuple[dict[str, Grid], list[str]]:
    files = sorted((x for x in p.iterdir() if x.is_file() and not x.name.startswith(("~$", ".~", "."))),
                   key=lambda x: x.name)
    texts = [x for x in files if x.suffix.lower() in _TEXT_EXTS]
    books = [x for x in files if x.suffix.lower() in WORKBOOK_SUFFIXES]
    for x in files:
        bad = unreadable_suffix(x)
        if bad is not None and match_table(x.stem)[0] is not None:
            col.add(bad)
    assigned = assign_sources([(x.name, x) for x in texts + books], col, p.name)
    found = assigned.pop("__found__")
    grids: dict[str, Grid] = {}
    for t, f in assigned.items():
        assert isinstance(f, Path)
        if f.suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = [g for g in read_workbook_grids(f) if not g.cells.empty]
            if not sheets:
                col.add(Problem(f.name, None, None, None, "a sheet with the table", expected_zh="含有数据表的工作表"))
                continue
            named = [g for g in sheets if match_table(g.name.rsplit("[", 1)[-1].rstrip("]"))[0] == t]
            grids[t] = (named or sheets)[0]
        else:
            grids[t] = read_csv_grid(f.read_bytes(), f.name)
    if not grids and len(books) == 1:  # one workbook holding every table as a sheet
        return book_sources(books[0], col)
    if not grids and len(books) > 1:
        col.add(Problem(p.name, None, None, None, "one workbook, or files named like the tables",
                        expected_zh="一个工作簿，或按表命名的文件",
                        hint=f"found several workbooks: {', '.join(b.name for b in books)}",
                        hint_zh=f"找到多个工作簿：{'、'.join(b.name for b in books)}"))
    return grids, found


def book_sources(path: Path, col: Collector) -> tuple[dict[str, Grid], list[str]]:
    sheets = read_workbook_grids(path)
    assigned = assign_sources([(g.name, g) for g in sheets if not g.cells.empty], col, path.name)
    found = [g.name for g in sheets]
    assigned.pop("__found__")
    return {t: g for t, g in assigned.items() if isinstance(g, Grid)}, found
