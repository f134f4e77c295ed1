"""The shape of the code: no import cycles among the modules of `determinations`, no
database branches outside its backends, no oversized module or function."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "determinations"


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The modules of the package that module ``name`` at ``path`` imports, at load or inside
    a function (an import deferred into a function is a cycle put off, not removed). Its own
    packages are left out: Python loads them before it anyway, and a package choosing one of
    its modules (`search.backends.backend()`) is not a cycle."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # ``from package import module`` imports the module; other names, their module's.
            named = {f"{node.module}.{alias.name}" for alias in node.names}
            found |= named & modules
            if named - modules:
                found.add(node.module)
    return {other for other in found & modules if not name.startswith(f"{other}.")}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module, or one importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for other in graph[name]:
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            group = []
            while not group or group[-1] != name:
                group.append(stack.pop())
            if len(group) > 1 or name in graph[name]:
                found.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


def test_no_import_cycles() -> None:
    modules = module_names()
    graph = {name: imports_of(name, path, set(modules)) for name, path in modules.items()}
    assert cycles(graph) == []


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_only_the_database_backends_branch_on_the_database() -> None:
    """SQL differences live in `search/backends/` and `ingest/bulk/` (issue 29, item 6)."""
    backends = ("determinations.search.backends", "determinations.ingest.bulk")
    branching = [
        name
        for name, path in module_names().items()
        if ".vendor" in path.read_text() and not name.startswith(backends)
    ]
    assert branching == []


MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 50  # STYLE.md: split by concern past these


def oversized(paths: list[Path]) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES."""
    found = []
    for path in paths:
        source = path.read_text()
        if (lines := len(source.splitlines())) > MAX_MODULE_LINES:
            found.append(f"{path.name}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path.name} {node.name}: {length} lines")
    return found


def test_no_module_or_function_is_oversized() -> None:
    assert oversized(list(module_names().values())) == []


def test_an_oversized_function_is_found(tmp_path: Path) -> None:
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def long():\n{body}")
    assert oversized([tmp_path / "long.py"]) == ["long.py long: 51 lines"]
