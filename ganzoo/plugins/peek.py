"""Reading a plugin's summary from its source, without importing it.

``ganzoo list`` wants a one-line summary per plugin and an early warning for entry
points that point nowhere, but must not run plugin code. Locating a module through
the import system's finders and parsing it with :mod:`ast` gives both cheaply. When
the source cannot be read (a compiled module, an unusual import hook), the answer
is simply "unknown"; the real verdict always comes from loading.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import sys
from dataclasses import dataclass
from importlib.machinery import PathFinder

from ganzoo.plugins.loading import first_line


@dataclass(frozen=True)
class Peek:
    summary: str = ""
    #: a certain problem (module or attribute missing); "" when none is seen
    problem: str = ""


def peek(value: str) -> Peek:
    """Summary and any certain problem of the entry point ``module:attr``."""
    module, _, attr = value.partition(":")
    module, attr = module.strip(), attr.strip().split(".")[0]
    try:
        spec = _find_spec(module)
    except Exception:  # noqa: BLE001 - an odd finder: say nothing rather than guess
        return Peek()
    if spec is None:
        return Peek(problem=f"no module named {module!r}")
    if not attr or not (spec.origin or "").endswith(".py"):
        return Peek()
    try:
        tree = _parse(spec.origin)
    except (OSError, SyntaxError, ValueError) as err:
        return Peek(problem=f"cannot read {module}: {type(err).__name__}") if isinstance(err, SyntaxError) else Peek()
    return _peek_tree(tree, module, attr)


@functools.lru_cache(maxsize=256)
def _parse(path: str) -> ast.Module:
    """One parse per file: many entry points often live in one module."""
    with open(path, encoding="utf-8") as f:
        return ast.parse(f.read(), path)


def clear_cache() -> None:
    _parse.cache_clear()


def _find_spec(module: str):
    """The module's spec, found without executing any package's ``__init__``."""
    if module in sys.modules:
        return getattr(sys.modules[module], "__spec__", None)
    parent, _, _ = module.rpartition(".")
    if not parent:
        return importlib.util.find_spec(module)  # a top-level name imports nothing
    parent_spec = _find_spec(parent)
    if parent_spec is None or parent_spec.submodule_search_locations is None:
        return None
    return PathFinder.find_spec(module, list(parent_spec.submodule_search_locations))


def _peek_tree(tree: ast.Module, module: str, attr: str) -> Peek:
    dynamic = False
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == attr:
            return Peek(_class_summary(node))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name == attr:
                return Peek(_summary_keyword(node) or first_line(ast.get_docstring(node)))
            dynamic |= node.name == "__getattr__"
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == attr for t in targets):
                return Peek(_summary_keyword(node))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.asname or a.name.split(".")[0] for a in node.names]
            if attr in names:
                return Peek()
            dynamic |= "*" in names
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            dynamic = True  # names may be bound conditionally; do not judge
    if dynamic:
        return Peek()
    return Peek(problem=f"module {module!r} has no attribute {attr!r}")


def _class_summary(node: ast.ClassDef) -> str:
    for item in node.body:
        if (
            isinstance(item, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "summary" for t in item.targets)
            and isinstance(item.value, ast.Constant)
            and isinstance(item.value.value, str)
        ):
            return item.value.value.strip()
    return first_line(ast.get_docstring(node))


def _summary_keyword(node: ast.AST) -> str:
    """The string given as ``summary=`` to a call inside ``node`` (a ModelSpec(...))."""
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            for kw in call.keywords:
                if kw.arg == "summary" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    return kw.value.value.strip()
    return ""
