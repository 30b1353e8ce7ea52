"""Scenarios of a sweep: which zoning to draw (sizes, zone count, what-ifs) and staff under.

A scenario is a frozen, picklable value: it crosses the wire to a Dask worker as it is.  It
holds the what-ifs already resolved to township ids, so a worker never reads a side file.
Scenarios come from flags (:func:`scenarios_from_flags`: every combination of sizes, zone
counts and what-if files) or from a scenario file (:func:`read_scenario_file`).
"""

from __future__ import annotations

import itertools
import logging
import re
from pathlib import Path
from typing import Any, Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..data.tables import Tables
from ..errors import Refusal
from ..i18n import N_

__all__ = ["Scenario", "parse_sizes", "parse_targets", "scenarios_from_flags", "read_scenario_file",
           "whatif_files", "scenario_title", "SCENARIO_COLUMNS"]

logger = logging.getLogger(__name__)

#: Columns of a scenario file (``--scenarios FILE``); only ``min_size`` and ``max_size`` are required.
SCENARIO_COLUMNS = ("scenario", "min_size", "max_size", "target_zones", "whatif")


class Scenario(BaseModel):
    """One zoning to draw exactly (as ``zoneplan zone``) and staff under (as ``staff --zones``).

    ``current=True`` stands for the zoning of the townships' ``zone`` column, staffed as it
    is (no zoning is drawn).  ``whatif`` is the label of the what-if file (its stem), and
    ``together``, ``apart``, ``keep``, ``exclude`` its content as township / zone ids.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    min_size: int = Field(2, ge=1)
    max_size: int = Field(3, ge=1)
    target_zones: int | None = Field(None, ge=0)
    whatif: str = ""
    together: tuple[tuple[str, str], ...] = ()
    apart: tuple[tuple[str, str], ...] = ()
    keep: tuple[str, ...] | bool = ()
    exclude: tuple[str, ...] = ()
    current: bool = False

    @model_validator(mode="after")
    def _sizes(self) -> Scenario:
        if self.max_size < self.min_size:
            raise ValueError(f"scenario {self.name}: max_size ({self.max_size}) < min_size ({self.min_size})")
        return self

    def zoning_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :class:`zoneplan.zoning.ZoningOptions` for this scenario."""
        return {"min_size": self.min_size, "max_size": self.max_size, "target_zones": self.target_zones,
                "together": [tuple(p) for p in self.together], "apart": [tuple(p) for p in self.apart],
                "keep": self.keep if isinstance(self.keep, bool) else list(self.keep),
                "exclude": list(self.exclude)}


_TITLE = {
    "current": N_("current zoning"),
    "range": N_("{lo}-{hi} townships a zone"),
    "one": N_("{lo} townships a zone"),
    "target": N_("{sizes}, {n} zones a county"),
    "whatif": N_("{sizes}, what-if {w}"),
    "named": N_("{name} ({sizes})"),
}


def scenario_title(name: str, min_size: Any = None, max_size: Any = None, target_zones: Any = None,
                   whatif: Any = "", lang: str = "en") -> str:
    """A scenario as a planner says it: 现行协作区 / 每区 2–3 个乡镇 / 每区 2–3 个乡镇，每县 5 个协作区
    / ..., what-if 东部; a scenario the planner named keeps its name, its sizes after it."""
    from ..i18n import tr

    if name == "current" or pd_isna(min_size):
        return tr(_TITLE["current"], lang) if name == "current" else str(name)
    lo, hi = int(min_size), int(max_size)
    sizes = tr(_TITLE["one"], lang, lo=lo) if lo == hi else tr(_TITLE["range"], lang, lo=lo, hi=hi)
    if not pd_isna(target_zones) and str(target_zones) != "":
        sizes = tr(_TITLE["target"], lang, sizes=sizes, n=int(target_zones))
    w = "" if pd_isna(whatif) else str(whatif)
    if w:
        sizes = tr(_TITLE["whatif"], lang, sizes=sizes, w=w)
    auto = _label(lo, hi, None if pd_isna(target_zones) or str(target_zones) == ""
                  else int(target_zones), w)
    return sizes if name == auto else tr(_TITLE["named"], lang, name=name, sizes=sizes)


def pd_isna(v: Any) -> bool:
    """A missing value (None, NaN, pandas' NA)."""
    import pandas as pd

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _label(min_size: int, max_size: int, target: int | None, whatif: str) -> str:
    return f"{min_size}-{max_size}" + (f" n={target}" if target is not None else "") + (f" {whatif}" if whatif else "")


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"2-3,3-4,4"`` -> ``[(2, 3), (3, 4), (4, 4)]``.

    Raises
    ------
    ValueError
        For anything but ``MIN-MAX`` or ``N`` items separated by commas, or MIN > MAX.

    Examples
    --------
    >>> parse_sizes("2-3, 3-5")
    [(2, 3), (3, 5)]
    """
    out = []
    for part in (p.strip() for p in re.split(r"[,，]", text or "") if p.strip()):
        m = re.fullmatch(r"(\d+)\s*(?:[-~～]\s*(\d+))?", part)
        if not m:
            raise Refusal(N_("--sizes expects MIN-MAX items separated by commas (e.g. 2-3,3-4), got {got!r}"),
                          got=part)
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if lo < 1 or hi < lo:
            raise Refusal(N_("--sizes: {got!r} needs 1 <= MIN <= MAX"), got=part)
        out.append((lo, hi))
    if not out:
        raise Refusal(N_("--sizes names no size range"))
    return list(dict.fromkeys(out))


def parse_targets(text: str | None) -> list[int | None]:
    """``"free,5,6"`` -> ``[None, 5, 6]`` (``free`` / ``-`` / ``不限``: no fixed zone count).

    Raises
    ------
    ValueError
        For an item that is neither a whole number >= 0 nor ``free``.
    """
    if text is None or not text.strip():
        return [None]
    out: list[int | None] = []
    for part in (p.strip() for p in re.split(r"[,，]", text) if p.strip()):
        if part.lower() in ("free", "-", "none", "不限"):
            out.append(None)
        elif part.isdigit():
            out.append(int(part))
        else:
            raise Refusal(N_("--targets expects whole numbers of zones per county or 'free', got {got!r}"), got=part)
    return list(dict.fromkeys(out))


def whatif_files(folder: Path) -> list[Path]:
    """The what-if files of a folder (CSV and workbooks), by name.

    Raises
    ------
    NotADirectoryError, ValueError
        When ``folder`` is not a folder, or holds no what-if file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"--whatif-dir {folder} is not a folder")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx", ".xlsm", ".xls")
                   and not p.name.startswith((".", "~$")))
    if not files:
        raise Refusal(N_("--whatif-dir {folder} holds no what-if file (.csv or .xlsx)"), folder=folder)
    return files


def _whatif(path: Path | None, tables: Tables) -> dict[str, Any]:
    """A what-if file read against the tables (names resolved to ids); empty for None."""
    if path is None:
        return {}
    from ..io.side import read_whatifs

    w = read_whatifs(path, tables)
    return {"together": tuple(tuple(p) for p in w["together"]), "apart": tuple(tuple(p) for p in w["apart"]),
            "keep": True if w["keep"] is True else tuple(w["keep"]), "exclude": tuple(w["exclude"])}


def scenarios_from_flags(tables: Tables, sizes: Sequence[tuple[int, int]], targets: Sequence[int | None] = (None,),
                         whatifs: Sequence[Path] = (), current: bool = True) -> list[Scenario]:
    """Every combination of ``sizes`` x ``targets`` x (no what-if + each what-if file), in that order.

    With ``current`` and a ``zone`` column in the townships, the current zoning comes first.

    Raises
    ------
    InputError
        A what-if file that cannot be read (see :func:`zoneplan.io.side.read_whatifs`).
    """
    out = []
    if current and (tables.townships["zone"] != "").any():
        out.append(Scenario(name="current", current=True))
    files: list[Path | None] = [None, *whatifs]
    read = {f: _whatif(f, tables) for f in files}
    for (lo, hi), t, f in itertools.product(sizes, targets, files):
        label = "" if f is None else f.stem
        out.append(Scenario(name=_label(lo, hi, t, label), min_size=lo, max_size=hi, target_zones=t, whatif=label,
                            **read[f]))
    _unique(out)
    return out


def read_scenario_file(path: Path, tables: Tables, current: bool = True) -> list[Scenario]:
    """Scenarios from a CSV, one a line: ``scenario, min_size, max_size, target_zones, whatif``.

    ``scenario`` (a name; default from the other columns) and ``target_zones`` (blank: free)
    and ``whatif`` (a what-if file, relative to the scenario file) may be left blank or out.

    Raises
    ------
    ValueError
        A missing column, a value that is not a whole number, a repeated scenario name.
    InputError
        A what-if file that cannot be read.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"--scenarios {path} does not exist")
    try:
        f = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"{path}: not a readable UTF-8 CSV ({exc})") from None
    f.columns = [str(c).strip().lower() for c in f.columns]
    missing = [c for c in ("min_size", "max_size") if c not in f.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(SCENARIO_COLUMNS)}")
    out = []
    if current and (tables.townships["zone"] != "").any():
        out.append(Scenario(name="current", current=True))
    read: dict[str, dict[str, Any]] = {}
    for k, row in enumerate(f.to_dict(orient="records")):
        line = k + 2

        def whole(col: str, blank_ok: bool = False) -> int | None:
            v = str(row.get(col, "")).strip()
            if not v and blank_ok:
                return None
            if not v.isdigit():
                raise ValueError(f"{path}, line {line}, column {col}: got {v!r}; expected a whole number")
            return int(v)

        lo, hi, t = whole("min_size"), whole("max_size"), whole("target_zones", blank_ok=True)
        wf = str(row.get("whatif", "")).strip()
        if wf and wf not in read:
            p = Path(wf) if Path(wf).is_absolute() else path.parent / wf
            if not p.exists():
                raise FileNotFoundError(f"{path}, line {line}, column whatif: {p} does not exist")
            read[wf] = _whatif(p, tables)
        label = Path(wf).stem if wf else ""
        name = str(row.get("scenario", "")).strip() or _label(lo, hi, t, label)
        if hi < lo:
            raise ValueError(f"{path}, line {line}: max_size {hi} < min_size {lo}")
        out.append(Scenario(name=name, min_size=lo, max_size=hi, target_zones=t, whatif=label, **read.get(wf, {})))
    if not out:
        raise ValueError(f"{path} lists no scenario")
    _unique(out, str(path))
    return out


def _unique(scenarios: Sequence[Scenario], where: str = "the flags") -> None:
    seen: set[str] = set()
    for s in scenarios:
        if s.name in seen:
            raise ValueError(f"{where}: scenario {s.name!r} appears twice")
        seen.add(s.name)
