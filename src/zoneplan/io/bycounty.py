"""A plan written per county: every county's workbook and report, built in one pass.

A national run has 2,000 counties; building each county's files from its own slice of the
plan (a pandas selection, a template, a workbook per county) costs some 50 ms a county,
100 s in all.  Here every table row, every case card and every appendix row is built once
for the whole run, in county order, with row numbers counted within its county; each
county's files are then its slices joined, a header, and the summary rows that differ
(the rest of the summary sheet is the same text for every county and is built once).
The files are the same as :func:`zoneplan.io.workbook.plan_workbook` and
:func:`zoneplan.io.report.render_plan_html` would write for a county's view
(:func:`zoneplan.io.planview.county_views`); a test compares them.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..bycode import RowsByCode
from ..i18n import tr
from .planview import PlanView
from .secondprocess import SecondProcess
from .report import CARD_LIMIT, _lines, _template, card_html, group_contexts, summary_context, workload_html
from .sheetwriter import Sheet, book_bytes
from .workbook import (BANDS, COLUMNS, SHEETS, _column_values, _summary_sheet, audit_solve_sheet, empty_note, headers,
                       long_width, table_frame)
from .xlsx import display_width, wrap_height

__all__ = ["county_files"]


def _codes(keys: list, counties: list) -> np.ndarray:
    index = {c: k for k, c in enumerate(counties)}
    return np.fromiter((index.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))


class _Table:
    """One table sheet for every county of a batch at once: row XML with county-local row
    numbers, per-county column widths."""

    def __init__(self, key: str, frame: pd.DataFrame, lang: str, sl: RowsByCode):
        cols = COLUMNS[key]
        band_by = BANDS.get(key)
        self.key, self.cols, self.lang = key, cols, lang
        self.headers = headers(key, lang)
        order = sl.order[sl.start[0]:sl.start[-1]]  # rows of no county of the batch left out
        first = int(sl.start[0])
        n = len(order)
        data = []
        for c in cols:
            v = frame[c.key].tolist()
            data.append(_column_values([v[i] for i in order], c.kind, lang) if n else [])
        self.width_of_rows = []
        for c, vals in zip(cols, data):  # display width of every cell, by distinct value
            if c.kind == "long":
                self.width_of_rows.append(None)
                continue
            texts = [f"{v:.2f}" if v is not None else "" for v in vals] if c.kind == "num2" else \
                [v if isinstance(v, str) else str(v) for v in vals]
            w = {t: display_width(t) for t in set(texts)}
            self.width_of_rows.append(np.fromiter((w[t] for t in texts), dtype=np.int64, count=len(texts)))
        # county-local row numbers (header on row 1) and band shading restarting per county
        start = sl.start - first
        county_of_row = np.repeat(np.arange(len(start) - 1), np.diff(start))
        local = np.arange(n) - start[county_of_row] + 2
        if band_by is not None and n:
            band_values = frame[band_by].tolist()
            band = [band_values[i] for i in order]
            new = np.ones(n, dtype=bool)
            new[1:] = [(a != b) for a, b in zip(band[1:], band[:-1])]
            new[start[:-1][np.diff(start) > 0]] = True
            group = np.cumsum(new)
            head = group[start[county_of_row]]
            shaded = ((group - head) % 2 == 1).tolist()  # as plan_workbook: the first group plain
        else:
            shaded = [False] * n
        long = [(k, long_width(c.key)) for k, c in enumerate(cols) if c.kind == "long"]
        heights = [wrap_height((data[k][r], w) for k, w in long) for r in range(n)] if long else [None] * n
        self.start = start
        self._rows = _local_rows(data, [c.kind for c in cols], shaded, heights, local) if n else []
        self.header = Sheet("x")
        self.header.add_row([(h, "header") for h in self.headers], height=30.0)

    def sheet(self, k: int) -> Sheet:
        a, b = self.start[k], self.start[k + 1]
        n = b - a
        widths = []
        for c, h, w in zip(self.cols, self.headers, self.width_of_rows):
            if c.kind == "long":
                widths.append(long_width(c.key))
                continue
            widest = int(w[a:b].max()) if n else 0
            widths.append(float(min(60, max(6, max(widest, display_width(h)) + 2))))
        ws = Sheet(tr(SHEETS[self.key], self.lang), widths=widths, freeze_header=True, print_titles=True,
                   landscape=True, autofilter=f"A1:{_letter(len(self.cols))}{n + 1}" if n else None)
        ws.chunks = [self.header.chunks[0], "".join(self._rows[a:b])]
        ws.rows, ws.cols = n + 1, len(self.cols)
        if not n:
            empty_note(ws, self.key, self.lang, len(self.cols))
        return ws


def _letter(k: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(k)


def _local_rows(data: list[list[Any]], kinds: list[str], shaded: list[bool], heights: list, local: np.ndarray
                ) -> list[str]:
    """Row XML of every row, numbered ``local`` (the same cells as :meth:`Sheet.table`)."""
    from .sheetwriter import NUMBER_KINDS, _no_empty_values, row_templates, row_values

    prepared, templates = row_templates(data, kinds)
    plain, band = templates[False] + "</row>", templates[True] + "</row>"
    rows = local.tolist()
    out = [(f'<row r="{r}" ht="{ht:g}" customHeight="1">' if ht else f'<row r="{r}">') + (band if sh else plain) % vals
           for vals, sh, ht, r in zip(row_values(prepared, rows), shaded, heights, rows)]
    if any(kind in NUMBER_KINDS for kind in kinds):
        out = [_no_empty_values(x) for x in out]
    return out


def county_files(view: PlanView, names: dict[str, str], note: tuple[str, str], workers: int = 1,
                 side: "SecondProcess | None" = None) -> Iterator[tuple[str, str, bytes, bytes, dict[str, Any]]]:
    """For each county (in name order): its name, its file stem, its workbook, its report, and
    its line of the index (figures and file names).

    The counties are built a batch at a time (:data:`_BATCH`), each batch from the view cut to
    its counties (:class:`_Cut`).  With ``workers`` >= 2 and at least :data:`_SIDE_MIN_BATCHES`
    batches, a second process builds every other batch while this one builds the rest
    (:func:`_side_by_side`; ``side``, one started already by :func:`start_second_process`,
    which the caller stops); the files are the same."""
    counties = sorted(names, key=str)
    nc = len(counties)
    cut = _Cut(view, counties)
    batches = [(k, min(nc, k + _BATCH)) for k in range(0, nc, _BATCH)]

    def part(b: int) -> tuple[PlanView, dict[str, str], tuple[str, str], int]:
        k0, k1 = batches[b]
        return cut.view(k0, k1), {c: names[c] for c in counties[k0:k1]}, note, nc

    if workers >= 2 and len(batches) >= _SIDE_MIN_BATCHES:
        yield from _side_by_side(part, len(batches), side)
        return
    for b in range(len(batches)):
        yield from _county_files(*part(b))


#: Counties built together (bounds the memory of a national run; a unit of work for the second process).
_BATCH = 100

#: The second process is started for this many batches or more: it takes about a second to
#: start (Python, pandas, the templates), a county some 7 ms to build, so below some 300
#: counties it would finish after the planner had built everything alone.
_SIDE_MIN_BATCHES = 4


class _Cut:
    """The view's rows by county (a person by the county of their post; a team row, an
    unstaffed case, a recusal and a change by the county of the case), to cut the view to a
    batch of counties."""

    FRAMES = ("cases", "teams", "unstaffed", "workload", "recusals", "groups", "changes")

    def __init__(self, view: PlanView, counties: list[str]):
        self.src = view
        case_county = dict(zip(view.cases["case_id"].tolist(), view.cases["county"].tolist()))
        nc = len(counties)
        self.slices: dict[str, RowsByCode] = {}
        for key in self.FRAMES:
            frame = getattr(view, key)
            if frame is None:
                continue
            keys = frame["county"].tolist() if key in ("cases", "workload", "groups") else \
                [case_county.get(c) for c in frame["case_id"].tolist()]
            self.slices[key] = RowsByCode(_codes(keys, counties), nc)

    def view(self, k0: int, k1: int) -> PlanView:
        """The view of counties ``k0 .. k1 - 1`` (rows in their order in the whole view)."""
        v = self.src
        frames = {key: getattr(v, key).take(sl.order[sl.start[k0]:sl.start[k1]]).reset_index(drop=True)
                  for key, sl in self.slices.items()}
        return PlanView(lang=v.lang, summary=v.summary, quality=v.quality.iloc[0:0], changes=frames.pop("changes", None),
                        **frames)


def start_second_process(n_counties: int, workers: int) -> "SecondProcess | None":
    """The second process for :func:`county_files`, started before the plan view is built so
    its start-up (about a second) is over when the first batch is ready; None when the run
    will not use one.  The caller stops it (:meth:`SecondProcess.stop`) whatever happens."""
    if workers < 2 or -(-n_counties // _BATCH) < _SIDE_MIN_BATCHES:
        return None
    return SecondProcess.start()


def _side_by_side(part, n: int, given: "SecondProcess | None" = None
                  ) -> Iterator[tuple[str, str, bytes, bytes, dict[str, Any]]]:
    """Batches ``0 .. n - 1`` in order: the odd ones built by a second process
    (:mod:`zoneplan.io.secondprocess`) while this one builds the even ones.  A batch the second
    process does not answer is built here; any way out of here ends that process."""
    side = given or SecondProcess.start()
    if side is None:  # pragma: no cover - no second process here
        for b in range(n):
            yield from _county_files(*part(b))
        return
    try:
        sent = False
        for b in range(n):
            if b % 2:
                answer = side.receive() if sent else None
                yield from answer if answer is not None else _county_files(*part(b))
                continue
            sent = b + 1 < n and side.send("county", part(b + 1))
            yield from _county_files(*part(b))
    finally:
        side.stop()


def _county_files(view: PlanView, names: dict[str, str], note: tuple[str, str], run_counties: int
                  ) -> Iterator[tuple[str, str, bytes, bytes, dict[str, Any]]]:
    """The files of the counties ``names`` from ``view`` (cut to them, or the whole run's);
    ``run_counties`` is the number of counties of the whole run."""
    lang = view.lang
    counties = sorted(names, key=str)
    nc = len(counties)
    case_county = dict(zip(view.cases["case_id"].tolist(), view.cases["county"].tolist()))

    def by_case(frame: pd.DataFrame) -> RowsByCode:
        return RowsByCode(_codes([case_county.get(c) for c in frame["case_id"].tolist()], counties), nc)

    s_cases = RowsByCode(_codes(view.cases["county"].tolist(), counties), nc)
    s_teams, s_un, s_rec = by_case(view.teams), by_case(view.unstaffed), by_case(view.recusals)
    s_work = RowsByCode(_codes(view.workload["county"].tolist(), counties), nc)
    s_groups = RowsByCode(_codes(view.groups["county"].tolist(), counties), nc)
    tables = [_Table("teams", table_frame("teams", view), lang, s_teams)]
    if view.changes is not None:
        tables.append(_Table("changes", table_frame("changes", view), lang, by_case(view.changes)))
    tables += [_Table("unstaffed", view.unstaffed, lang, s_un),
               _Table("workload", table_frame("workload", view), lang, s_work),
               _Table("recusals", table_frame("recusals", view), lang, s_rec)]
    audit = [_Table("audit_people", table_frame("audit_people", view), lang, s_work),
             _Table("audit_recusals", table_frame("audit_recusals", view), lang, s_rec)]

    # the report's pieces
    work_rows = workload_html(view)
    c = view.cases
    c_ids, c_group, c_staffed = c["case_id"].tolist(), c["group"].tolist(), c["staffed"].to_numpy(dtype=bool)
    c_prio = c["priority"].to_numpy(dtype=np.int64)
    t_inv, t_travel = view.teams["investigator_id"].tolist(), view.teams["travel_minutes"].to_numpy(dtype=float)
    w = view.workload
    w_ids, w_names, w_load = w["investigator_id"].tolist(), w["name"].tolist(), w["workload"].to_numpy(dtype=float)
    un = view.unstaffed
    un_rows = [{"id": a, "township": b, "kind": k, "reason": r} for a, b, k, r in
               zip(un["case_id"].tolist(), un["township"].tolist(), un["kind"].tolist(), un["reason"].tolist())]
    g = view.groups
    g_rows = list(g.itertuples(index=False))
    s = view.summary
    lines = _lines(view)
    township_count = g.groupby("county")["township_count"].sum().to_dict() if len(g) else {}
    audit_solve = audit_solve_sheet(view)  # the run's solve and inputs: the same for every county
    cards = card_html(view)

    for k, county in enumerate(counties):
        ci = s_cases.rows(k)
        if len(ci) > CARD_LIMIT:  # a large county: the general path (table of cases instead of cards)
            from .planview import county_views
            from .report import render_plan_html
            from .workbook import plan_workbook

            sub = next(v for cc, v in county_views(view, run_counties) if cc == county)
            line = _line(county, names[county], sub.summary, float(sub.workload["workload"].max())
                         if len(sub.workload) else 0.0, float(sub.teams["travel_minutes"].sum()))
            yield county, names[county], plan_workbook(sub, with_quality=False, extra=[note]), \
                render_plan_html(sub, {}).encode("utf-8"), line
            continue
        ti, wi = s_teams.rows(k), s_work.rows(k)
        staffed = c_staffed[ci]
        people_used = len({t_inv[i] for i in ti})
        summary = {**s, "counties": [county] if county else [], "cases": int(len(ci)),
                   "cases_staffed": int(staffed.sum()), "cases_unstaffed": int((~staffed).sum()),
                   "staffed_points": int(c_prio[ci][staffed].sum()), "priority_total": int(c_prio[ci].sum()),
                   "people_used": people_used, "investigators": int(len(wi)),
                   "townships": int(township_count.get(county, 0)),
                   "sheet_keys": ("teams", "changes", "unstaffed", "workload", "recusals"),
                   "run_counties": run_counties}
        # workbook: the people's summary, the tables, then the audit appendix
        head_view = PlanView(lang=lang, summary=summary, cases=view.cases.iloc[0:0], teams=view.teams.iloc[0:0],
                             unstaffed=view.unstaffed.iloc[0:0], workload=view.workload.iloc[0:0],
                             recusals=view.recusals.iloc[0:0], groups=view.groups.iloc[0:0],
                             quality=view.quality.iloc[0:0], changes=view.changes)
        ws = _summary_sheet(head_view, [note])
        book = book_bytes([ws, *(tb.sheet(k) for tb in tables), audit_solve, *(tb.sheet(k) for tb in audit)])
        # report
        loads = w_load[wi]
        top = [j for j in wi if w_load[j] == loads.max()] if len(wi) else []
        travel = float(np.floor(t_travel[ti] + 0.5).sum())  # whole minutes per member, as the travel level
        cases_by_group: dict[str, list[str]] = {}
        for i in ci:
            cases_by_group.setdefault(c_group[i], []).append(cards[c_ids[i]])
        county_groups = [g_rows[gi] for gi in s_groups.rows(k)]
        any_zone = any(gr.is_zone for gr in county_groups)
        ctx = summary_context(lang, summary, subtitle=county, top=[(w_ids[j], w_names[j]) for j in top],
                              max_load=float(loads.max()) if len(wi) else 0.0, travel=travel, trips=len(ti),
                              unstaffed=[un_rows[i] for i in s_un.rows(k)])
        ctx["groups"] = group_contexts(county_groups, any_zone, lang, cases_by_group, lines, {})
        ctx["contents"] = ctx["groups"]
        ctx["workload_html"] = Markup("".join(work_rows[w_ids[j]] for j in wi if w_ids[j] in work_rows))
        html = _template().render(**ctx).encode("utf-8")
        yield county, names[county], book, html, _line(county, names[county], summary,
                                                       float(loads.max()) if len(wi) else 0.0, travel)


def _line(county: str, name: str, summary: dict[str, Any], max_workload: float, travel: float) -> dict[str, Any]:
    return {"county": county, "townships": summary["townships"], "investigators": summary["investigators"],
            "cases": summary["cases"], "staffed": summary["cases_staffed"], "unstaffed": summary["cases_unstaffed"],
            "points": summary["staffed_points"], "people": summary["people_used"], "max_workload": max_workload,
            "travel": travel, "workbook": f"counties/{name}.xlsx", "report": f"counties/{name}.html"}

