"""The house's walls, checked: no import circle, the one-way flow, small rooms.

Every import counts, including those inside functions: a lazy import is still a
dependency, and two modules that need each other are one module in two files. Only
imports for the type checker (`if TYPE_CHECKING:`) are left out: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import signals

PACKAGE = Path(signals.__file__).parent
LARGEST_MODULE = 500


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The modules of signals that `name` imports, anywhere in its text."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of `tree` but those under `if TYPE_CHECKING:`."""
    found: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(GRAPH[node]):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    return groups


def _reaches(start: str, prefixes: tuple[str, ...]) -> list[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for neighbour in GRAPH[todo.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                todo.append(neighbour)
    return sorted(m for m in seen if m.startswith(prefixes))


def test_the_graph_sees_the_imports() -> None:
    assert "signals.evidence" in GRAPH["signals.scoring"]
    assert "signals.store" in GRAPH["signals.assess"]


def test_no_module_imports_in_a_circle() -> None:
    assert _cycles() == []


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        # The scorer is pure: it reads no database and draws nothing.
        ("signals.scoring", ("signals.store", "signals.cli", "signals.render")),
        ("signals.hypotheses", ("signals.store", "signals.cli", "signals.render")),
        ("signals.confidence", ("signals.store", "signals.cli", "signals.render")),
        ("signals.matrix", ("signals.store", "signals.cli", "signals.render")),
        ("signals.report", ("signals.store", "signals.cli", "signals.render")),
        ("signals.review", ("signals.store", "signals.cli", "signals.render")),
        ("signals.calibration", ("signals.store", "signals.cli", "signals.render")),
        # The record's models know nothing downstream of them.
        ("signals.forecasts", ("signals.store", "signals.scoring", "signals.cli")),
        ("signals.resolution", ("signals.store", "signals.scoring", "signals.cli")),
        # The store knows no scorer and no command line.
        ("signals.store", ("signals.scoring", "signals.cli", "signals.render", "signals.report")),
        # Models know nothing downstream of them.
        ("signals.catalogue", ("signals.store", "signals.scoring", "signals.cli")),
        ("signals.events", ("signals.store", "signals.scoring", "signals.cli")),
        ("signals.evidence", ("signals.store", "signals.scoring", "signals.catalogue")),
        # Renderers turn results into text; they never fetch them.
        ("signals.render.documents", ("signals.store", "signals.cli")),
        ("signals.render.record_documents", ("signals.store", "signals.cli")),
        ("signals.render.terminal", ("signals.store", "signals.cli")),
    ],
)
def test_the_flow_runs_one_way(module: str, forbidden: tuple[str, ...]) -> None:
    assert _reaches(module, forbidden) == []


def test_no_module_is_over_the_size_of_one_sitting() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    assert {name: size for name, size in sizes.items() if size > LARGEST_MODULE} == {}


def test_only_the_command_line_and_the_renderers_import_typer_or_rich() -> None:
    outside = [
        name
        for name in MODULES
        if not name.startswith(("signals.cli", "signals.render"))
        and {"typer", "rich"}
        & {
            (alias.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
            for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8")))
            if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0)
            for alias in node.names
        }
    ]
    assert outside == []
