"""Shared CLI pieces: the app, exit codes, the error guard, option declarations."""

from __future__ import annotations

import functools
import logging
import os
import sys
from typing import Callable, NoReturn, Optional

import typer
from pydantic import ValidationError

from ..errors import InputError, InternalError, Refusal
from ..i18n import N_, NC_, tr

__all__ = ["app", "_guard", "EXIT_OK", "EXIT_VIOLATIONS", "EXIT_INPUT", "EXIT_NOT_OPTIMAL", "EXIT_INTERNAL",
           "EXIT_INTERRUPTED", "INTERRUPTED", "INTERRUPTED_AFTER", "command_elapsed", "require_cluster", "raise_on_interrupt", "report_violations"]

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_NOT_OPTIMAL, EXIT_INTERNAL = 0, 1, 2, 3, 4
#: Ctrl-C (SIGINT) or SIGTERM: the shell convention 128 + 2.
EXIT_INTERRUPTED = 130
INTERRUPTED = N_("interrupted; nothing was written")
#: The interrupt came after an output folder was put in place in full (it stays so).
INTERRUPTED_AFTER = N_("interrupted after writing {folders} in full; nothing else was written")
#: The language of the running command (for the interrupt message, said outside the command).
_INTERRUPT_LANG = {"lang": "en"}

#: Set by the console entry point: leave with ``os._exit`` after an interrupt, so solver
#: threads still winding down never meet interpreter shutdown.
HARD_EXIT = {"on": False}

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Plan collaboration zones and conflict-free investigation teams.")
log = logging.getLogger("zoneplan")


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def _lang_of(kwargs: dict) -> str:
    """The command's language (``--lang``, ``ZONEPLAN_LANG``, a Chinese input, the locale), for
    messages printed before the command itself could decide it."""
    from ..i18n import default_lang, lang_for

    try:
        return lang_for(kwargs.get("lang"), kwargs.get("data_dir") or kwargs.get("data"))
    except ValueError:
        return default_lang()


#: Set when SIGINT/SIGTERM arrived: whatever error follows (a library may wrap the
#: interrupt, e.g. pandas reading a CSV turns it into a parse error) is the interrupt.
SIGNALLED = {"on": False}


def _on_signal(signum, frame):  # pragma: no cover - exercised by the interrupt tests in subprocesses
    SIGNALLED["on"] = True
    raise KeyboardInterrupt


def raise_on_interrupt() -> None:
    """SIGINT and SIGTERM raise ``KeyboardInterrupt`` in the main thread (the solvers run on
    worker threads and are stopped from there; CP-SAT never installs its own handler)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)


def _written_since(mark: int) -> list:
    """Output folders the command put in place since ``mark`` (none when nothing was written)."""
    write = sys.modules.get("zoneplan.io.write")  # not imported yet: nothing can have been written
    return [] if write is None else write.written()[mark:]


def _write_mark() -> int:
    write = sys.modules.get("zoneplan.io.write")
    return 0 if write is None else len(write.written())


def _interrupted(mark: int = 0) -> None:
    """Say what is on disk, remove any temporary folder, exit 130."""
    write = sys.modules.get("zoneplan.io.write")
    if write is not None:
        write.discard_pending()
    done = _written_since(mark)
    lang = _INTERRUPT_LANG["lang"]
    _err(tr(INTERRUPTED_AFTER, lang, folders=", ".join(f"{p}/" for p in done)) if done else tr(INTERRUPTED, lang))
    if HARD_EXIT["on"]:  # pragma: no cover - the real command line only
        leave(EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_INTERRUPTED)


def leave(code: object) -> NoReturn:
    """End the console command now with ``code`` (as :exc:`SystemExit` has it: None is 0, a
    text is printed and gives 1), its output flushed, without Python's shut-down (see
    :func:`zoneplan.cli.main`).  Only the console entry point calls it: the command's files
    are written and renamed into place, and its second process stopped, before it returns."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more to say there
            pass
    os._exit(status)


#: When the running command started: ``perf_counter`` at the guard's entry, plus what the
#: process had spent before it (interpreter start-up, imports) for the console command.
_STARTED = {"at": 0.0, "before": 0.0}


def command_elapsed() -> float:
    """Seconds the running command has taken so far (start-up included for the console
    command; from the call for a command run inside another program, e.g. a test)."""
    import time

    return _STARTED["before"] + time.perf_counter() - _STARTED["at"]


def _run(fn: Callable, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except typer.Exit:
        raise
    except Exception:
        if SIGNALLED["on"]:
            raise KeyboardInterrupt from None
        raise


def _guard(fn: Callable) -> Callable:
    """Turn known failures into messages and exit codes; never a traceback for bad input;
    an interrupt writes nothing and exits 130.

    Input problems are printed in the command's ``--lang`` (default: see :mod:`zoneplan.i18n`).
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        raise_on_interrupt()
        SIGNALLED["on"] = False  # a signal of an earlier command run in this process is not ours
        mark = _write_mark()
        import time

        from ..runner import process_elapsed

        _STARTED["at"] = time.perf_counter()
        _STARTED["before"] = process_elapsed() if HARD_EXIT["on"] else 0.0
        try:
            return _run(fn, *args, **kwargs)
        except KeyboardInterrupt:
            _INTERRUPT_LANG["lang"] = _lang_of(kwargs)
            _interrupted(mark)
        except InputError as exc:
            lang = _lang_of(kwargs)
            n = len(exc.problems) + exc.more
            _err(tr(_WORDS["input"], lang, n=n))
            for line in exc.render(lang):
                _err(f"  {line}")
            raise typer.Exit(EXIT_INPUT)
        except ValidationError as exc:
            lang = _lang_of(kwargs)
            _err(tr(_WORDS["options"], lang))
            for e in exc.errors():
                loc = ".".join(str(x) for x in e.get("loc", ()))
                _err(f"  {loc}: {e.get('msg')}")
            raise typer.Exit(EXIT_INPUT)
        except (ValueError, FileNotFoundError, NotADirectoryError) as exc:
            _err(tr(_WORDS["refused"], _lang_of(kwargs), why=refusal_text(exc, _lang_of(kwargs))))
            raise typer.Exit(EXIT_INPUT)
        except InternalError as exc:
            _err(tr(_WORDS["internal"], _lang_of(kwargs), why=exc))
            raise typer.Exit(EXIT_INTERNAL)
        except typer.Exit:
            raise
        except BrokenPipeError:  # output piped into e.g. `head`: the work is done, stay quiet
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(EXIT_OK)
        except Exception as exc:  # pragma: no cover - last resort, keeps the promise of no traceback
            if os.environ.get("ZONEPLAN_DEBUG"):
                raise
            _err(tr(_WORDS["bug"], _lang_of(kwargs), why=f"{type(exc).__name__}: {exc}"))
            raise typer.Exit(EXIT_INTERNAL)

    return wrapper


def require_cluster(what: str) -> None:
    """Refuse, before any work, a command that needs Dask where the ``cluster`` extra is not
    installed (exit 2 with how to install it)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise Refusal(N_("{what} runs on Dask, which is not installed here: install it with pip install "
                         "'zoneplan[cluster]' (or pip install 'dask[distributed]')"), what=what) from None


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


class _Progress:
    """A progress bar on stderr while solving (only when stderr is a terminal)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self._bar = None
        self._task = None
        self._stage = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._bar.__enter__()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        from ..runner import fault_point

        fault_point("during-solve")
        log.info("%s: %d/%d parts", stage, done, total)
        if self._bar is None:
            return
        if stage != self._stage:
            self._stage = stage
            self._task = self._bar.add_task(stage, total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _rules(max_hops: int, max_travel: float, allow_own_township: bool, cross_county: bool, no_zones: bool,
           team_kin_hops: int = 0, max_per_township: Optional[int] = None):
    from ..options import RuleOptions

    return RuleOptions(max_hops=max_hops, max_travel=max_travel, allow_own_township=allow_own_township,
                       cross_county=cross_county, use_zones=not no_zones, team_kin_hops=team_kin_hops,
                       max_per_township=max_per_township)


def _solve_opts(time_limit: float, det_time: Optional[float], workers: int, seed: int, order: str,
                weights: Optional[str]):
    from ..options import SolveOptions

    kw: dict = dict(time_limit=time_limit, deterministic_time=det_time, workers=workers, seed=seed,
                    order=tuple(s.strip() for s in order.split(",") if s.strip()))
    if weights:
        w = {}
        for part in weights.split(","):
            if "=" not in part:
                raise Refusal(N_("--weights expects name=value pairs separated by commas, got {got!r}"), got=part)
            k, v = part.split("=", 1)
            try:
                w[k.strip()] = float(v)
            except ValueError:
                raise Refusal(N_("--weights: {got!r} is not a number"), got=v) from None
        kw.update(mode="weighted", weights=w)
    return SolveOptions(**kw)


# shared option declarations
MaxHops = typer.Option(2, "--max-hops", help="Kin rule: exclude anyone within this many hops of the subject.")
MaxTravel = typer.Option(90.0, "--max-travel", help="Pool without zones: max road minutes posted -> case.")
AllowOwn = typer.Option(False, "--allow-own-township", help="Switch the cross-check rule off (not advised).")
CrossCounty = typer.Option(False, "--cross-county", help="Let the travel pool reach other counties' township staff.")
NoZones = typer.Option(False, "--no-zones", help="Ignore the zone column; use the travel pool.")
TimeLimit = typer.Option(60.0, "--time-limit", help="Wall-clock seconds for the whole solve.")
DetTime = typer.Option(None, "--deterministic-time", help="CP-SAT deterministic time limit per sub-solve (repeatable).")
Workers = typer.Option(2, "--workers", help="Parallel threads (parts are solved side by side).")
Seed = typer.Option(0, "--seed", help="Random seed (the same seed and inputs give the same plan).")
Order = typer.Option("staffed,max_workload,travel", "--order", help="Lexicographic order of objective levels.")
Weights = typer.Option(None, "--weights", help="Weighted mode instead, e.g. staffed=1000000,max_workload=60,travel=1.")
Verbose = typer.Option(False, "--verbose", "-v", help="Log progress to stderr.")
Lang = typer.Option(None, "--lang", help="zh or en: language of plan.xlsx, plan.html and messages "
                    "(default: ZONEPLAN_LANG, else the system locale).")
Strict = typer.Option(False, "--strict", help="Refuse the input when a rule cannot protect someone "
                                              "(every data-quality gap becomes an error).")
TeamKinHops = typer.Option(0, "--team-kin-hops", help="Team rule: no two members within H hops of each other in "
                           "the relations graph (0: off, the default).")
MaxPerTownship = typer.Option(None, "--max-per-township", help="Team rule: at most N township-level members of a "
                              "team posted in one township (default: no limit).")


def _print_quality(tables, lang: str, gaps_only: bool = True, notes_in: str | None = None) -> None:
    """The data-quality report of the loaded tables, one item a line, gaps first.  With
    ``gaps_only`` the notes (how the input was read) are counted in one line that says where
    they are (``notes_in``), so the gap that matters is not buried under routine lines."""
    items = tables.quality.gaps if gaps_only else tables.quality.items
    notes = len(tables.quality.notes) if gaps_only else 0
    if not items and not notes:
        return
    typer.echo(tr(_WORDS["quality"], lang))
    for item in items:
        typer.echo(f"  [{tr(_WORDS[item.kind], lang)}] {_quality_line(item, lang)}")
    if notes:
        typer.echo("  " + tr(_WORDS["notes_in"], lang, n=notes, where=notes_in or "plan.xlsx"))


def _quality_line(item, lang: str) -> str:
    """A data-quality item in ``lang`` (:meth:`zoneplan.data.quality.QualityItem.render`)."""
    return item.render(lang)


def report_violations(report, out, what: str, levels: tuple[str, ...], lang: str = "en") -> None:
    """Print a checker's report (objective, then violations or "0 violations"), write
    ``violations.csv`` to ``out`` when given, and exit 1 on violations."""
    from ..io.write import frame_to_csv_bytes, write_outputs

    from ..io.wording import list_sep
    from .present import level_label

    frame = report.to_frame()
    if out is not None:
        write_outputs(out, {"violations.csv": frame_to_csv_bytes(frame)})
    obj = report.objective
    if lang == "en":
        figures = ", ".join(f"{n} {obj[n]:g}" for n in levels)
        typer.echo(f"{len(report.staffed_cases)} case(s) {what}; objective: {figures}")
    else:
        figures = list_sep(lang).join(f"{level_label(n, lang)} {obj[n]:g}" for n in levels)
        typer.echo(tr(_WORDS[f"checked_{what}"], lang, n=len(report.staffed_cases), figures=figures))
    if report.ok:
        typer.echo(tr(_WORDS["clean"], lang))
        return
    typer.echo(tr(_WORDS["violations"], lang, n=len(frame)))
    if lang != "en":
        frame = frame.rename(columns={c: tr(_VIOLATION_COLUMNS[c], lang) for c in frame.columns
                                      if c in _VIOLATION_COLUMNS})
    typer.echo(frame.to_string(index=False, max_colwidth=90))
    raise typer.Exit(EXIT_VIOLATIONS)


_WORDS = {
    "input": N_("error: {n} problem(s) in the input; nothing was written."),
    "options": N_("error: invalid option(s); nothing was written."),
    "refused": N_("error: {why}; nothing was written."),
    "internal": N_("internal error (please report it): {why}"),
    "bug": N_("internal error (please report it; set ZONEPLAN_DEBUG=1 for details): {why}"),
    "quality": N_("data quality:"),
    "notes_in": N_("{n} note(s) on how the input was read: see {where}"),

    "gap": NC_("io.planview", "gap"), "note": N_("note"),
    "checked_staffed": N_("{n} case(s) staffed; objective: {figures}"),
    "checked_reviewed": N_("{n} case(s) reviewed; objective: {figures}"),
    "clean": N_("0 violations"),
    "violations": N_("{n} violation(s):"),
}
_VIOLATION_COLUMNS = {"rule": NC_("column", "Rule id"), "case_id": NC_("column", "Case"),
                      "investigator_id": NC_("column", "Person id"), "detail": NC_("column", "Detail")}


def refusal_text(exc: BaseException, lang: str) -> str:
    """Why a command refused, in ``lang``: a :class:`~zoneplan.errors.Refusal` says it from the
    catalog; other errors keep their own words."""
    render = getattr(exc, "render", None)
    return render(lang) if callable(render) and not isinstance(exc, InputError) else str(exc)
