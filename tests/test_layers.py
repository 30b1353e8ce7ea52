"""The package's layers, read from the source: which module imports which.

Imports inside functions count too -- an import moved into a function to dodge a cycle
still ties the two modules together.  Pure ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "zoneplan"

#: Modules that once imported each other through imports inside functions; none of them may
#: be on an import cycle again.
NO_CYCLE = (
    "zoneplan.io.plan", "zoneplan.staffing.previous", "zoneplan.data.plans",
    "zoneplan.staffing.levels", "zoneplan.staffing.model", "zoneplan.staffing.parts",
)


def _modules() -> dict[str, tuple[Path, list[str]]]:
    """Dotted name -> (file, package parts used for relative imports)."""
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
            pkg = parts
        else:
            pkg = parts[:-1]
        out[".".join(parts)] = (path, pkg)
    return out


def import_graph() -> dict[str, dict[str, bool]]:
    """Module -> {imported zoneplan module: True when imported at module level (not inside a
    function)}."""
    mods = _modules()

    def target(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, bool]] = {}
    for mod, (path, pkg) in mods.items():
        edges = graph.setdefault(mod, {})

        def walk(node: ast.AST, top: bool) -> None:
            for child in ast.iter_child_nodes(node):
                here = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                names: list[str] = []
                if isinstance(child, ast.Import):
                    names = [a.name for a in child.names]
                elif isinstance(child, ast.ImportFrom):
                    base = pkg[:len(pkg) - child.level + 1] if child.level else []
                    full = ".".join(base + ([child.module] if child.module else []))
                    names = [f"{full}.{a.name}" if f"{full}.{a.name}" in mods else full for a in child.names]
                for name in names:
                    t = target(name) if name.startswith("zoneplan") else None
                    if t is not None and t != mod:
                        edges[t] = edges.get(t, False) or here
                walk(child, here)

        walk(ast.parse(path.read_text(encoding="utf-8")), True)
    return graph


def cycles(graph: dict[str, dict[str, bool]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(graph.get(w, {}))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(comp)
    return out


def test_cycle_finder_sees_a_cycle_through_a_function_import():
    g = {"a": {"b": True}, "b": {"c": False}, "c": {"a": True}, "d": {"a": True}}
    assert cycles(g) == [{"a", "b", "c"}]
    assert cycles({"a": {"b": True}, "b": {}}) == []


def test_graph_reads_function_level_and_relative_imports():
    g = import_graph()
    assert g["zoneplan.io.plan"]["zoneplan.data.plans"] is True
    assert g["zoneplan.staffing.previous"]["zoneplan.data.plans"] is True
    assert "zoneplan.io.report" in g["zoneplan.io.plan"]  # imported inside iter_plan_files
    assert g["zoneplan.io.plan"]["zoneplan.io.report"] is False


def test_no_cycle_through_the_plan_reader_or_the_levels():
    on_cycle = {m for comp in cycles(import_graph()) for m in comp}
    assert not on_cycle & set(NO_CYCLE), sorted(on_cycle & set(NO_CYCLE))


def test_staffing_does_not_import_io_at_module_level():
    g = import_graph()
    bad = sorted((m, t) for m, edges in g.items() if m.startswith("zoneplan.staffing")
                 for t, top in edges.items() if top and t.startswith("zoneplan.io"))
    assert not bad, bad


def test_shared_helpers_sit_below_everything():
    """The report types and the graph helpers import no zoneplan module: every layer may use them."""
    g = import_graph()
    for mod in ("zoneplan.results", "zoneplan.graphs"):
        assert g[mod] == {}, (mod, sorted(g[mod]))


def test_each_domain_folder_holds_its_own_checker():
    for folder in ("staffing", "reviewing", "leadership", "areas"):
        assert (ROOT / folder / "check.py").is_file(), folder
    g = import_graph()
    for mod in ("zoneplan.staffing.check", "zoneplan.reviewing.check", "zoneplan.leadership.check",
                "zoneplan.areas.check"):
        assert g[mod].get("zoneplan.results") is True, mod  # one CheckReport for all
