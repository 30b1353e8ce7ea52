"""Generated mutants: change one operator or constant of a source file at a time, run the
tests, and list the changes no test notices.

``tests/mutants.py`` holds the hand-written mutants (each named, each a known way to make
the tool claim something false) and must stay at 100 % caught.  This sweep is its
generated companion, to find the *unknown* gaps: every comparison flipped or loosened
(``<`` <-> ``<=``, ``==`` <-> ``!=``, ``in`` <-> ``not in``), ``and`` <-> ``or``, a ``not``
dropped, ``min`` <-> ``max``, ``+`` <-> ``-``, an integer constant one higher, ``True`` <->
``False``; one at a time, on the lines the tests execute (a ``coverage json`` report, if
given), a seeded sample when there are more than ``--max``::

    python -m coverage run --source=src/zoneplan/staffing -m pytest tests/test_check.py ...
    python -m coverage json -o /tmp/cov.json
    python tests/mutsweep.py src/zoneplan/staffing/check.py --coverage /tmp/cov.json \\
        --tests "tests/test_check.py tests/test_proof_audit.py" --max 40

Each mutant is the module parsed, changed in its syntax tree and written back with
:func:`ast.unparse` (comments and layout go; the meaning is the original's but for the one
change), the tests run with ``-x``, and the file restored.  Run it in a worktree of its own:
it rewrites the file while the tests run.  A survivor is either a gap in the tests or an
equivalent change (one that cannot alter behaviour); each needs a look, not a blind test.
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import pathlib
import random
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
             ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add}


def _skipped(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Docstrings, log calls and ``__all__`` are not behaviour worth mutating."""
    p = node
    while p in parents:
        p = parents[p]
        if isinstance(p, ast.Call) and isinstance(p.func, ast.Attribute) and isinstance(p.func.value, ast.Name) \
                and p.func.value.id in ("log", "logger", "logging"):
            return True
        if isinstance(p, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in p.targets):
            return True
        if isinstance(p, ast.JoinedStr):
            return True
    return False


def mutation_points(tree: ast.Module) -> list[tuple[int, str, int]]:
    """(line, description, index) of every mutation of ``tree``; ``index`` identifies the
    node in :func:`ast.walk` order and the kind of change (see :func:`apply`)."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    out = []
    for k, node in enumerate(ast.walk(tree)):
        if id(node) in docs or _skipped(node, parents):
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for j, op in enumerate(node.ops):
                if type(op) in _CMP_SWAP:
                    out.append((line, f"{type(op).__name__} -> {_CMP_SWAP[type(op)].__name__} (comparison {j})", k * 100 + j))
        elif isinstance(node, ast.BoolOp):
            out.append((line, f"{type(node.op).__name__} -> {'Or' if isinstance(node.op, ast.And) else 'And'}", k * 100))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append((line, "not dropped", k * 100))
        elif isinstance(node, ast.BinOp) and type(node.op) in _BIN_SWAP:
            out.append((line, f"{type(node.op).__name__} -> {_BIN_SWAP[type(node.op)].__name__}", k * 100))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
            out.append((line, f"{node.func.id} -> {'max' if node.func.id == 'min' else 'min'}", k * 100))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            out.append((line, f"{node.value} -> {not node.value}", k * 100))
        elif isinstance(node, ast.Constant) and type(node.value) is int and not isinstance(parents.get(node), ast.Subscript):
            out.append((line, f"{node.value} -> {node.value + 1}", k * 100))
    return out


def apply(tree: ast.Module, index: int) -> ast.Module:
    """A copy of ``tree`` with the mutation ``index`` of :func:`mutation_points` made."""
    tree = copy.deepcopy(tree)
    k, j = divmod(index, 100)
    node = list(ast.walk(tree))[k]
    if isinstance(node, ast.Compare):
        node.ops[j] = _CMP_SWAP[type(node.ops[j])]()
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.UnaryOp):
        return _drop_not(tree, k)
    elif isinstance(node, ast.BinOp):
        node.op = _BIN_SWAP[type(node.op)]()
    elif isinstance(node, ast.Call):
        node.func.id = "max" if node.func.id == "min" else "min"
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        node.value = not node.value
    elif isinstance(node, ast.Constant):
        node.value = node.value + 1
    return ast.fix_missing_locations(tree)


def _drop_not(tree: ast.Module, k: int) -> ast.Module:
    target = list(ast.walk(tree))[k]

    class Drop(ast.NodeTransformer):
        def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
            self.generic_visit(node)
            return node.operand if node is target else node

    return ast.fix_missing_locations(Drop().visit(tree))


def covered_lines(report: str | None, path: pathlib.Path) -> set[int] | None:
    """Lines of ``path`` a ``coverage json`` report saw executed (None: no report)."""
    if report is None:
        return None
    files = json.loads(pathlib.Path(report).read_text())["files"]
    for name, data in files.items():
        if pathlib.Path(name).resolve().parts[-3:] == path.resolve().parts[-3:]:
            return set(data["executed_lines"])
    return set()


def run_tests(tests: str, timeout: float) -> str:
    """CAUGHT (a test failed), SURVIVED (all passed) or TIMEOUT."""
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests.split()]
    try:
        rc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return "TIMEOUT"
    return "SURVIVED" if rc == 0 else "CAUGHT"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--tests", required=True, help="pytest arguments, quickest first (run with -x)")
    ap.add_argument("--coverage", help="a coverage json report: mutate executed lines only")
    ap.add_argument("--max", type=int, default=0, help="a seeded sample of this many mutants per file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--list", action="store_true", help="list the mutation points, run nothing")
    args = ap.parse_args(argv)
    survivors = total = 0
    for name in args.files:
        path = (ROOT / name).resolve()
        original = path.read_text(encoding="utf-8")
        tree = ast.parse(original)
        lines = covered_lines(args.coverage, path)
        points = mutation_points(tree)
        if lines is not None:
            dead = sorted({ln for ln, _, _ in points if ln not in lines})
            points = [p for p in points if p[0] in lines]
            print(f"{name}: {len(points)} mutation points on executed lines; lines not executed with one: {dead}",
                  flush=True)
        if args.max and len(points) > args.max:
            points = sorted(random.Random(args.seed).sample(points, args.max))
        if args.list:
            for line, what, _ in points:
                print(f"  {name}:{line}: {what}")
            continue
        try:
            for line, what, index in points:
                path.write_text(ast.unparse(apply(tree, index)) + "\n", encoding="utf-8")
                t0 = time.perf_counter()
                verdict = run_tests(args.tests, args.timeout)
                total += 1
                survivors += verdict == "SURVIVED"
                print(f"{verdict:8s} {name}:{line}: {what}  ({time.perf_counter() - t0:.0f} s)", flush=True)
        finally:
            path.write_text(original, encoding="utf-8")
    if total:
        print(f"{total - survivors}/{total} caught, {survivors} survived")
    return 0


if __name__ == "__main__":
    sys.exit(main())
