"""Loaders: CSV folders, .xlsx workbooks and DataFrames in, validated :class:`Tables` out.

This module is the only cleaning step.  It reads every cell as text, parses each column
against :mod:`zoneplan.data.contract` with vectorised pandas operations, and collects every
problem (up to ``max_problems``) with file, spreadsheet line, column, value and what was
expected.  Nothing downstream re-validates.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from .contract import FALSE_WORDS, LEVEL_ALIASES, LEVELS, NUMBER_CAP, TABLES, TRUE_WORDS, Column, TableSpec
from .tables import Source, Tables

__all__ = ["load", "tables_from_frames", "read_text_table", "read_side_table", "MAX_PROBLEMS"]

log = logging.getLogger(__name__)

MAX_PROBLEMS = 50
_ENCODINGS = ("utf-8-sig", "gb18030")


class _Collector:
    """Collects problems up to a cap and counts the rest."""

    def __init__(self, cap: int):
        self.cap = cap
        self.items: list[Problem] = []
        self.more = 0
        self.warnings: list[Problem] = []

    def add(self, p: Problem) -> None:
        if p.severity == "warning":
            if len(self.warnings) < self.cap:
                self.warnings.append(p)
            return
        if len(self.items) < self.cap:
            self.items.append(p)
        else:
            self.more += 1

    @property
    def failed(self) -> bool:
        return bool(self.items) or self.more > 0

    def raise_if_failed(self) -> None:
        if self.failed:
            raise InputError(self.items, self.more)


# --------------------------------------------------------------------------- reading


def _decode(raw: bytes, name: str) -> str:
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(name, None, None, None, "text in UTF-8, UTF-8 with BOM or GB18030")])


def read_text_table(raw: bytes, name: str) -> pd.DataFrame:
    """Read CSV bytes as all-text cells; blank lines are kept so line numbers stay true."""
    text = _decode(raw, name)
    if not text.strip():
        return pd.DataFrame()
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                         skip_blank_lines=False, skipinitialspace=False)
    except (pd.errors.ParserError, ValueError) as exc:  # ragged rows, bad quoting
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise InputError([Problem(name, None, None, None, f"a well-formed CSV table ({msg})")]) from None
    return df


def read_side_table(path: str | Path, file_name: str | None, expected: str) -> tuple[pd.DataFrame, str]:
    """A small side table (a plan, a zoning, a what-if file) as stripped text cells.

    ``path`` is the file itself or, when ``file_name`` is given, a folder holding it.  Returns
    the frame (headers without BOM or surrounding spaces) and the file's display name.

    Raises
    ------
    InputError
        The file does not exist (``expected`` says what was wanted) or cannot be read.
    """
    p = Path(path)
    f = p / file_name if file_name is not None and p.is_dir() else p
    if not f.is_file():
        raise InputError([Problem(str(f), None, None, None, expected)])
    df = read_text_table(f.read_bytes(), f.name)
    df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
    for c in df.columns:
        df[c] = df[c].astype(object).map(lambda v: str(v).strip())
    return df, f.name


def _xlsx_sheets(path: Path) -> dict[str, pd.DataFrame]:
    try:
        book = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False, na_filter=False,
                             header=0, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise InputError([Problem(path.name, None, None, None, f"a readable .xlsx workbook ({exc})")]) from None
    return {str(k).strip(): v for k, v in book.items()}


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# --------------------------------------------------------------------------- parsing


def _norm_header(h: object) -> str:
    return str(h).replace("\ufeff", "").strip().lower()


def _map_headers(df: pd.DataFrame, spec: TableSpec, fname: str, col: _Collector) -> pd.DataFrame | None:
    lookup: dict[str, str] = {}
    for c in spec.columns:
        lookup[c.name.lower()] = c.name
        for a in (*c.aliases, *((c.zh,) if c.zh else ())):
            lookup.setdefault(a.lower(), c.name)
    rename: dict[str, str] = {}
    seen: dict[str, str] = {}
    for h in df.columns:
        key = _norm_header(h)
        target = lookup.get(key)
        if target is None:
            continue
        if target in seen:
            col.add(Problem(fname, 1, str(h), None,
                            f"one column for {target!r}; it is also given as {seen[target]!r}"))
            continue
        seen[target] = str(h)
        rename[h] = target
    ok = True
    for c in spec.columns:
        if c.required and c.name not in seen:
            names = ", ".join([c.name, *c.aliases])
            col.add(Problem(fname, 1, c.name, None, f"a header for required column {c.name!r} (any of: {names})"))
            ok = False
    if not ok:
        return None
    return df[list(rename)].rename(columns=rename)


def _parse_table(df: pd.DataFrame, spec: TableSpec, fname: str, col: _Collector,
                 line_of: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse every column; returns the normalised frame and the spreadsheet line of each row."""
    if df.shape[1] == 0 and df.shape[0] == 0:
        df = pd.DataFrame(columns=[c.name for c in spec.columns])
    df = df.astype(object)
    lines = np.arange(len(df), dtype=np.int64) + 2 if line_of is None else np.asarray(line_of, dtype=np.int64)
    mapped = _map_headers(df, spec, fname, col)
    empty = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})
    if mapped is None:
        return empty, np.zeros(0, dtype=np.int64)
    # strip cells, drop rows that are blank in every column (blank spreadsheet lines)
    text = {}
    for c in mapped.columns:
        s = mapped[c]
        text[c] = np.array([("" if v is None else str(v)).strip() for v in s.tolist()], dtype=object)
    if text:
        blank = np.ones(len(mapped), dtype=bool)
        for v in text.values():
            blank &= v == ""
    else:
        blank = np.zeros(len(mapped), dtype=bool)
    keep = ~blank
    lines = lines[keep]
    out: dict[str, object] = {}
    for c in spec.columns:
        vals = text[c.name][keep] if c.name in text else np.full(int(keep.sum()), "", dtype=object)
        out[c.name] = _parse_column(vals, c, fname, lines, col)
    frame = pd.DataFrame(out, columns=[c.name for c in spec.columns])
    frame.index = pd.RangeIndex(len(frame))
    for c in spec.columns:
        if c.unique and len(frame):
            _check_unique(frame[c.name].to_numpy(dtype=object), c.name, fname, lines, col)
    return frame, lines


def _bad(col: _Collector, fname: str, lines: np.ndarray, mask: np.ndarray, vals: np.ndarray,
         cname: str, expected: str) -> None:
    for i in np.flatnonzero(mask)[: col.cap + 1]:
        col.add(Problem(fname, int(lines[i]), cname, str(vals[i]), expected))
    extra = int(mask.sum()) - (col.cap + 1)
    if extra > 0:
        col.more += extra


def _parse_column(vals: np.ndarray, c: Column, fname: str, lines: np.ndarray, col: _Collector):
    n = len(vals)
    missing = vals == ""
    if c.required:
        _bad(col, fname, lines, missing, vals, c.name, "a value (this column is required)")
    if c.kind == "str":
        return vals.astype(object)
    if c.kind == "list":
        res = np.empty(n, dtype=object)
        for i, v in enumerate(vals):
            if v == "":
                res[i] = tuple(c.default)
            else:
                parts = {p.strip() for p in v.replace("；", ";").split(";")}
                parts.discard("")
                res[i] = tuple(sorted(parts))
        return res
    if c.kind == "bool":
        low = np.array([v.lower() for v in vals], dtype=object)
        is_t = np.isin(low, list(TRUE_WORDS))
        is_f = np.isin(low, list(FALSE_WORDS))
        bad = ~(is_t | is_f | missing)
        _bad(col, fname, lines, bad, vals, c.name, "true/false, 1/0, yes/no or 是/否")
        res = np.where(missing, bool(c.default), is_t)
        return res.astype(bool)
    if c.kind == "level":
        low = [LEVEL_ALIASES.get(v.lower(), LEVEL_ALIASES.get(v, None)) for v in vals]
        res = np.array([c.default if v == "" else (m or "") for v, m in zip(vals, low)], dtype=object)
        bad = (res == "") & ~missing
        _bad(col, fname, lines, bad, vals, c.name, f"one of {', '.join(LEVELS)} (or 县/乡镇)")
        return res
    # numbers
    num = pd.to_numeric(pd.Series(vals, dtype=object).where(~missing, None), errors="coerce").to_numpy(dtype=float)
    if c.decimals is not None:  # documented precision, the same for solver and checker
        scale = 10.0 ** c.decimals
        num = np.floor(num * scale + 0.5) / scale
    notnum = ~missing & ~np.isfinite(num)
    kind_word = "an integer" if c.kind == "int" else "a number"
    _bad(col, fname, lines, notnum, vals, c.name, kind_word)
    ok = ~missing & np.isfinite(num)
    if c.kind == "int":
        frac = ok & (np.abs(num - np.round(num)) > 1e-9)
        _bad(col, fname, lines, frac, vals, c.name, "a whole number")
        ok &= ~frac
    rng_bad = np.zeros(n, dtype=bool)
    desc = []
    if c.min_value is not None:
        rng_bad |= ok & ((num <= c.min_value) if c.strict_min else (num < c.min_value))
        desc.append(f"{'>' if c.strict_min else '>='} {_num(c.min_value)}")
    top = c.max_value if c.max_value is not None else NUMBER_CAP
    rng_bad |= ok & (num > top)
    desc.append(f"<= {_num(top)}")
    if desc:
        _bad(col, fname, lines, rng_bad, vals, c.name, f"{kind_word} {' and '.join(desc)}")
    default = c.default if c.default != "" else 0
    filled = np.where(ok & ~rng_bad, num, float(default))
    if c.kind == "int":
        return np.round(filled).astype(np.int64)
    return filled.astype(np.float64)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _check_unique(vals: np.ndarray, cname: str, fname: str, lines: np.ndarray, col: _Collector) -> None:
    s = pd.Series(vals)
    dup = s.duplicated(keep=False).to_numpy() & (vals != "")
    if not dup.any():
        return
    first: dict[str, int] = {}
    for i in np.flatnonzero(dup):
        v = vals[i]
        if v in first:
            col.add(Problem(fname, int(lines[i]), cname, str(v), f"a unique id; already used on line {first[v]}"))
        else:
            first[v] = int(lines[i])


# --------------------------------------------------------------------------- references


def _ref(col: _Collector, t: str, frame: pd.DataFrame, lines: np.ndarray, cname: str,
         known: set[str] | pd.Index, what: str) -> None:
    vals = frame[cname].to_numpy(dtype=object)
    bad = ~pd.Index(vals).isin(pd.Index(list(known)) if isinstance(known, set) else known)
    bad &= vals != ""  # emptiness is reported by the required check
    _bad(col, t, lines, bad, vals, cname, f"a known {what}")


def _validate_references(frames: dict[str, pd.DataFrame], lines: dict[str, np.ndarray],
                         names: dict[str, str], col: _Collector) -> None:
    tw = frames["townships"]
    tids = pd.Index(tw["township_id"].to_numpy(dtype=object))
    # zones never cross counties
    if len(tw):
        z = tw[tw["zone"] != ""]
        if len(z):
            per = z.groupby("zone")["county"].nunique()
            for zone in per[per > 1].index:
                rows = np.flatnonzero((tw["zone"] == zone).to_numpy())
                counties = sorted(set(tw["county"].iloc[rows]))
                col.add(Problem(names["townships"], int(lines["townships"][rows[0]]), "zone", str(zone),
                                f"a zone inside one county; zone {zone} spans counties {', '.join(counties)}"))
    if "adjacency" in frames:
        f, ln, nm = frames["adjacency"], lines["adjacency"], names["adjacency"]
        _ref(col, nm, f, ln, "a", tids, "township_id")
        _ref(col, nm, f, ln, "b", tids, "township_id")
        self_loop = (f["a"] == f["b"]).to_numpy() & (f["a"] != "").to_numpy()
        _bad(col, nm, ln, self_loop, f["b"].to_numpy(dtype=object), "b", "a township other than column a (no self-loops)")
    if "travel" in frames:
        f, ln, nm = frames["travel"], lines["travel"], names["travel"]
        _ref(col, nm, f, ln, "from", tids, "township_id")
        _ref(col, nm, f, ln, "to", tids, "township_id")
        a = f["from"].to_numpy(dtype=object)
        b = f["to"].to_numpy(dtype=object)
        if len(f):
            lo = np.where(a <= b, a, b)
            hi = np.where(a <= b, b, a)
            g = pd.DataFrame({"lo": lo, "hi": hi, "m": f["minutes"].to_numpy()})
            spread = g.groupby(["lo", "hi"], sort=False)["m"].agg(["min", "max"])
            bad_pairs = spread[(spread["max"] - spread["min"]) > 1e-6]
            for (x, y), r in bad_pairs.head(col.cap).iterrows():
                i = int(np.flatnonzero((lo == x) & (hi == y))[-1])
                col.add(Problem(nm, int(ln[i]), "minutes", f"{f['minutes'].iloc[i]:g}",
                                f"symmetric minutes: {x}<->{y} is given as both {r['min']:g} and {r['max']:g}"))
    inv, ln_i, nm_i = frames["investigators"], lines["investigators"], names["investigators"]
    _ref(col, nm_i, inv, ln_i, "township_id", tids, "township_id")
    # home townships outside the data are allowed (people from elsewhere) but reported
    vals = inv["home_township"].to_numpy(dtype=object)
    unk = (vals != "") & ~pd.Index(vals).isin(tids)
    for i in np.flatnonzero(unk)[:10]:
        col.add(Problem(nm_i, int(ln_i[i]), "home_township", str(vals[i]),
                        "a known township_id (not found: treated as a township outside the data)", "warning"))
    cs, ln_c, nm_c = frames["cases"], lines["cases"], names["cases"]
    _ref(col, nm_c, cs, ln_c, "township_id", tids, "township_id")
    if "relations" in frames:
        f, ln, nm = frames["relations"], lines["relations"], names["relations"]
        self_loop = (f["a"] == f["b"]).to_numpy() & (f["a"] != "").to_numpy()
        _bad(col, nm, ln, self_loop, f["b"].to_numpy(dtype=object), "b", "a person other than column a (no self-loops)")
    if "conflicts" in frames:
        f, ln, nm = frames["conflicts"], lines["conflicts"], names["conflicts"]
        _ref(col, nm, f, ln, "investigator_id", pd.Index(inv["investigator_id"].to_numpy(dtype=object)), "investigator_id")
        _ref(col, nm, f, ln, "case_id", pd.Index(cs["case_id"].to_numpy(dtype=object)), "case_id")


# --------------------------------------------------------------------------- entry points


#: Tables every staffing run needs; zoning needs only townships.
STAFFING_TABLES = ("townships", "investigators", "cases")


def _build(raw: Mapping[str, tuple[pd.DataFrame, str, str, np.ndarray | None]], cap: int,
           require: tuple[str, ...] = STAFFING_TABLES) -> Tables:
    """raw: table name -> (text frame, display name, sha256, line numbers or None).

    Tables in ``require`` must be present; other absent tables become empty frames.
    """
    col = _Collector(cap)
    frames: dict[str, pd.DataFrame] = {}
    lines: dict[str, np.ndarray] = {}
    names: dict[str, str] = {}
    for tname, spec in TABLES.items():
        if tname not in raw:
            if tname in require:
                col.add(Problem(spec.file, None, None, None,
                                f"the required table {tname} ({spec.file}, or a sheet named {tname})"))
            continue
        df, disp, _, line_of = raw[tname]
        frames[tname], lines[tname] = _parse_table(df, spec, disp, col, line_of)
        names[tname] = disp
    if all(t in frames for t in require):
        for t in STAFFING_TABLES:  # absent and not required: an empty table
            if t not in frames:
                frames[t] = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in TABLES[t].columns})
                lines[t], names[t] = np.zeros(0, dtype=np.int64), TABLES[t].file
        _validate_references(frames, lines, names, col)
    col.raise_if_failed()
    for p in col.warnings:
        log.warning("%s", p)

    def norm(name: str) -> pd.DataFrame:
        if name in frames:
            return frames[name]
        return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in TABLES[name].columns})

    adjacency = frames.get("adjacency")
    if adjacency is not None:
        a = adjacency["a"].to_numpy(dtype=object)
        b = adjacency["b"].to_numpy(dtype=object)
        lo, hi = np.where(a <= b, a, b), np.where(a <= b, b, a)
        adjacency = pd.DataFrame({"a": lo, "b": hi}).drop_duplicates().sort_values(["a", "b"], kind="stable")
        adjacency = adjacency.reset_index(drop=True)
    sources = {t: Source(raw[t][1], raw[t][2], tuple(int(x) for x in lines[t])) for t in frames if t in raw}
    return Tables(
        townships=frames["townships"],
        investigators=frames["investigators"],
        cases=frames["cases"],
        relations=norm("relations"),
        conflicts=norm("conflicts"),
        adjacency=adjacency,
        travel=frames.get("travel"),
        sources=sources,
        warnings=tuple(str(p) for p in col.warnings),
    )


def _find_file(folder: Path, spec: TableSpec) -> Path | None:
    names = [spec.name, *spec.aliases]
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    for n in names:
        for ext in (".csv", ".txt"):
            p = files.get(f"{n}{ext}".lower())
            if p is not None:
                return p
    return None


def load(path: str | Path, max_problems: int = MAX_PROBLEMS,
         require: tuple[str, ...] = STAFFING_TABLES) -> Tables:
    """Load the tables from a folder of CSV files or from an .xlsx workbook.

    A folder may hold ``townships.csv``, ``investigators.csv``, ... (see the contract) or a
    single ``.xlsx`` workbook with one sheet per table.  ``require`` names the tables that
    must be present (zoning needs only ``("townships",)``); others absent load as empty.

    Raises
    ------
    InputError
        Listing every problem found (up to ``max_problems``), each with file, line, column,
        value and what was expected.
    """
    p = Path(path)
    if not p.exists():
        raise InputError([Problem(str(p), None, None, None, "an existing folder or .xlsx workbook")])
    if p.is_file():
        if p.suffix.lower() != ".xlsx":
            raise InputError([Problem(p.name, None, None, None, "a folder of CSV files or an .xlsx workbook")])
        return _load_xlsx(p, max_problems, require)
    csvs = {t: _find_file(p, s) for t, s in TABLES.items()}
    if not any(csvs.values()):
        books = sorted(x for x in p.iterdir() if x.suffix.lower() == ".xlsx" and not x.name.startswith("~$"))
        if len(books) == 1:
            return _load_xlsx(books[0], max_problems, require)
    raw: dict[str, tuple[pd.DataFrame, str, str, np.ndarray | None]] = {}
    for t, f in csvs.items():
        if f is None:
            continue
        data = f.read_bytes()
        raw[t] = (read_text_table(data, f.name), f.name, _sha256(data), None)
    tables = _build(raw, max_problems, require)
    if (p / "boundaries.geojson").is_file():  # optional township polygons beside the CSVs
        from ..maps.boundaries import load_boundaries

        tables = load_boundaries(p, tables)
    return tables


def _load_xlsx(path: Path, max_problems: int, require: tuple[str, ...] = STAFFING_TABLES) -> Tables:
    data = path.read_bytes()
    digest = _sha256(data)
    sheets = _xlsx_sheets(path)
    lower = {k.lower(): k for k in sheets}
    raw: dict[str, tuple[pd.DataFrame, str, str, np.ndarray | None]] = {}
    for t, spec in TABLES.items():
        for n in (spec.name, *spec.aliases, *((spec.zh,) if spec.zh else ())):
            key = lower.get(n.lower())
            if key is not None:
                raw[t] = (sheets[key], f"{path.name}[{key}]", digest, None)
                break
    return _build(raw, max_problems, require)


def tables_from_frames(
    townships: pd.DataFrame,
    investigators: pd.DataFrame,
    cases: pd.DataFrame,
    relations: pd.DataFrame | None = None,
    conflicts: pd.DataFrame | None = None,
    adjacency: pd.DataFrame | None = None,
    travel: pd.DataFrame | None = None,
    max_problems: int = MAX_PROBLEMS,
) -> Tables:
    """Validate DataFrames (from another tool) exactly as files are validated.

    Cells may be text or typed values; a row's "line" in messages is its position + 2, as if
    the frame were saved to a sheet with a header row.  The caller's frames are not changed.
    """
    given = {"townships": townships, "investigators": investigators, "cases": cases,
             "relations": relations, "conflicts": conflicts, "adjacency": adjacency, "travel": travel}
    raw: dict[str, tuple[pd.DataFrame, str, str, np.ndarray | None]] = {}
    for t, df in given.items():
        if df is None:
            continue
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"{t} must be a pandas DataFrame, got {type(df).__name__}")
        text = df.reset_index(drop=True).copy()
        for c in text.columns:
            text[c] = [_cell_text(v) for v in text[c].tolist()]
        digest = _sha256(pd.util.hash_pandas_object(text.astype(str), index=False).to_numpy().tobytes())
        raw[t] = (text, f"<{t} DataFrame>", digest, None)
    return _build(raw, max_problems)


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (list, tuple, set, frozenset)):
        return ";".join(str(x) for x in sorted(v))
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if v is pd.NA or v is pd.NaT:
        return ""
    return str(v)
