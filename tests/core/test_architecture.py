"""Guards of the house (docs/architecture.md): the arrows between modules and the size of route functions.

They read the source with `ast`, so they catch an import hidden inside a function as well as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

NEC = Path(__file__).resolve().parents[2] / "nec"
GROUND_FLOOR = ("core", "accounts", "events")
FEATURE_MODULES = ("programme", "proposals", "registrations", "visio", "library", "api")
SOLVER = NEC / "programme" / "solver"
ROUTE_METHODS = {"route", "get", "post", "put", "patch", "delete"}
MAX_ROUTE_LINES = 40


def _module_name(path: Path) -> str:
    parts = path.relative_to(NEC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module imported by the file (line, absolute name), skipping the `if TYPE_CHECKING:` blocks."""
    found: list[tuple[int, str]] = []
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            if module == "nec":  # `from nec import programme` imports the module programme
                found.extend((node.lineno, f"nec.{alias.name}") for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return found


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_ground_floor_imports_no_feature_module():
    feature_packages = [f"nec.{module}" for module in FEATURE_MODULES]
    offenders = []
    for folder in GROUND_FLOOR:
        for path in sorted((NEC / folder).rglob("*.py")):
            for line, name in _imports(path):
                if any(_inside(name, package) for package in feature_packages):
                    offenders.append(f"{path.relative_to(NEC.parent)}:{line} imports {name}")
    assert not offenders, (
        "The ground floor (nec/core, nec/accounts, nec/events) must not import a feature module; "
        "let the feature module register what the ground floor needs through nec.core.hooks "
        "(see docs/architecture.md), or import it under `if TYPE_CHECKING:` for annotations only:\n"
        + "\n".join(offenders)
    )


def test_solver_is_a_package_apart():
    assert SOLVER.is_dir(), (
        "nec/programme/solver/ does not exist: the solver (instance, solve, checker) lives in its own "
        "package that imports neither Flask nor anything of nec outside itself."
    )
    offenders = []
    for path in sorted(SOLVER.rglob("*.py")):
        for line, name in _imports(path):
            if _inside(name, "flask") or (_inside(name, "nec") and not _inside(name, "nec.programme.solver")):
                offenders.append(f"{path.relative_to(NEC.parent)}:{line} imports {name}")
    assert not offenders, (
        "The solver takes plain data and returns plain data: no Flask and nothing of nec outside "
        "nec.programme.solver (turn models into the solver's data in nec/programme/generator/):\n"
        + "\n".join(offenders)
    )


def _is_route_decorator(decorator: ast.expr) -> bool:
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_METHODS
        and isinstance(decorator.func.value, ast.Name)
    )


def test_route_functions_are_short():
    offenders = []
    for path in sorted(NEC.rglob("*views*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not any(_is_route_decorator(d) for d in node.decorator_list):
                continue
            length = node.end_lineno - node.lineno + 1
            if length > MAX_ROUTE_LINES:
                offenders.append(f"{path.relative_to(NEC.parent)}:{node.lineno} {node.name}() is {length} lines")
    assert not offenders, (
        f"Route functions longer than {MAX_ROUTE_LINES} lines (from `def` to the last line, decorators "
        "excluded); move the rules into a service taking `actor` and let core.actions.run own the "
        "transaction:\n" + "\n".join(offenders)
    )
