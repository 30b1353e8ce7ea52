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

from ..i18n import tr
from .planview import PlanView
from .report import CARD_LIMIT, _lines, _template, card_html, group_contexts, summary_context, workload_html
from .sheetwriter import Sheet, book_bytes
from .workbook import (BANDS, COLUMNS, SHEETS, _column_values, _summary_sheet, audit_solve_sheet, empty_note, headers,
                       long_width, table_frame)
from .xlsx import display_width, wrap_height

__all__ = ["county_files"]


def _codes(keys: list, counties: list) -> np.ndarray:
    index = {c: k for k, c in enumerate(counties)}
    return np.fromiter((index.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))


class _Slices:
    """Rows of one frame in county order: ``order`` (positions in the frame), and for
    county ``k`` the rows ``order[start[k]:start[k + 1]]``."""

    def __init__(self, codes: np.ndarray, n_counties: int):
        self.order = np.argsort(codes, kind="stable")
        self.start = np.searchsorted(codes[self.order], np.arange(n_counties + 1))

    def rows(self, k: int) -> np.ndarray:
        return self.order[self.start[k]:self.start[k + 1]]


class _Table:
    """One table sheet for every county at once: row XML with county-local row numbers,
    per-county column widths."""

    def __init__(self, key: str, frame: pd.DataFrame, lang: str, sl: _Slices):
        cols = COLUMNS[key]
        band_by = BANDS.get(key)
        self.key, self.cols, self.lang, self.sl = key, cols, lang, sl
        self.headers = headers(key, lang)
        order = sl.order
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
        county_of_row = np.repeat(np.arange(len(sl.start) - 1), np.diff(sl.start))
        local = np.arange(n) - sl.start[county_of_row] + 2
        if band_by is not None and n:
            band_values = frame[band_by].tolist()
            band = [band_values[i] for i in order]
            new = np.ones(n, dtype=bool)
            new[1:] = [(a != b) for a, b in zip(band[1:], band[:-1])]
            new[sl.start[:-1][np.diff(sl.start) > 0]] = True
            group = np.cumsum(new)
            first = group[sl.start[county_of_row]]
            shaded = ((group - first) % 2 == 1).tolist()  # as plan_workbook: the first group plain
        else:
            shaded = [False] * n
        long = [(k, long_width(c.key)) for k, c in enumerate(cols) if c.kind == "long"]
        self.long_widths = long
        self.data, self.kinds, self.shaded, self.local = data, [c.kind for c in cols], shaded, local
        self.heights = [wrap_height((data[k][r], w) for k, w in long) for r in range(n)] if long else [None] * n
        self.header = Sheet("x")
        self.header.add_row([(h, "header") for h in self.headers], height=30.0)
        self._rows: list[str] = []
        self._first = 0

    def load(self, k0: int, k1: int) -> None:
        """Build the row XML of counties ``k0 .. k1 - 1`` (a batch: the rows of the whole run
        are never held at once)."""
        a, b = int(self.sl.start[k0]), int(self.sl.start[k1])
        self._first = a
        self._rows = _local_rows([col[a:b] for col in self.data], self.kinds, self.shaded[a:b], self.heights[a:b],
                                 self.local[a:b]) if b > a else []

    def sheet(self, k: int) -> Sheet:
        a, b = self.sl.start[k], self.sl.start[k + 1]
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
        ws.chunks = [self.header.chunks[0], "".join(self._rows[a - self._first:b - self._first])]
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
    from .sheetwriter import _no_empty_values, row_templates

    prepared, templates = row_templates(data, kinds)
    out = []
    for vals, sh, ht, r in zip(zip(*prepared), shaded, heights, local.tolist()):
        head = f'<row r="{r}" ht="{ht:g}" customHeight="1">' if ht else f'<row r="{r}">'
        out.append(_no_empty_values(head + templates[bool(sh)].replace("{r}", str(r)) % vals + "</row>"))
    return out


def county_files(view: PlanView, names: dict[str, str], note: tuple[str, str]
                 ) -> Iterator[tuple[str, str, bytes, bytes, dict[str, Any]]]:
    """For each county (in name order): its name, its file stem, its workbook, its report, and
    its line of the index (figures and file names)."""
    lang = view.lang
    counties = sorted(names, key=str)
    nc = len(counties)
    case_county = dict(zip(view.cases["case_id"].tolist(), view.cases["county"].tolist()))

    def by_case(frame: pd.DataFrame) -> _Slices:
        return _Slices(_codes([case_county.get(c) for c in frame["case_id"].tolist()], counties), nc)

    s_cases = _Slices(_codes(view.cases["county"].tolist(), counties), nc)
    s_teams, s_un, s_rec = by_case(view.teams), by_case(view.unstaffed), by_case(view.recusals)
    s_work = _Slices(_codes(view.workload["county"].tolist(), counties), nc)
    s_groups = _Slices(_codes(view.groups["county"].tolist(), counties), nc)
    tables = [_Table("teams", table_frame("teams", view), lang, s_teams)]
    if view.changes is not None:
        tables.append(_Table("changes", table_frame("changes", view), lang, by_case(view.changes)))
    tables += [_Table("unstaffed", view.unstaffed, lang, s_un),
               _Table("workload", table_frame("workload", view), lang, s_work),
               _Table("recusals", table_frame("recusals", view), lang, s_rec)]
    audit = [_Table("audit_people", table_frame("audit_people", view), lang, s_work),
             _Table("audit_recusals", table_frame("audit_recusals", view), lang, s_rec)]

    # the report's pieces, built once (the cards a batch at a time)
    cards: dict[str, str] = {}
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

    for k, county in enumerate(counties):
        if k % _BATCH == 0:  # the next batch of counties: their table rows and case cards
            k1 = min(nc, k + _BATCH)
            for tb in (*tables, *audit):
                tb.load(k, k1)
            cards = card_html(_batch(view, [x.order[x.start[k]:x.start[k1]] for x in (s_cases, s_teams, s_un, s_rec)]))
        ci = s_cases.rows(k)
        if len(ci) > CARD_LIMIT:  # a large county: the general path (table of cases instead of cards)
            from .planview import county_views
            from .report import render_plan_html
            from .workbook import plan_workbook

            sub = next(v for cc, v in county_views(view) if cc == county)
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
                   "sheet_keys": ("teams", "changes", "unstaffed", "workload", "recusals"), "run_counties": nc}
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


#: Counties whose table rows and cards are built together (bounds the memory of a national run).
_BATCH = 200


def _batch(view: PlanView, rows: list[np.ndarray]) -> PlanView:
    """The cases, teams, unstaffed cases and recusals at ``rows`` (positions in each frame)."""
    cases, teams, unstaffed, recusals = rows
    return PlanView(lang=view.lang, summary=view.summary, cases=view.cases.take(cases),
                    teams=view.teams.take(teams), unstaffed=view.unstaffed.take(unstaffed),
                    workload=view.workload.iloc[0:0], recusals=view.recusals.take(recusals),
                    groups=view.groups.iloc[0:0], quality=view.quality.iloc[0:0])


def _line(county: str, name: str, summary: dict[str, Any], max_workload: float, travel: float) -> dict[str, Any]:
    return {"county": county, "townships": summary["townships"], "investigators": summary["investigators"],
            "cases": summary["cases"], "staffed": summary["cases_staffed"], "unstaffed": summary["cases_unstaffed"],
            "points": summary["staffed_points"], "people": summary["people_used"], "max_workload": max_workload,
            "travel": travel, "workbook": f"counties/{name}.xlsx", "report": f"counties/{name}.html"}

