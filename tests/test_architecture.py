"""The layer order of the code: every import points down (or within its own layer).

    edges (cli, render, web)  →  engine  →  backends  →  backend interface  →  understanding
        →  entities  →  ingest  →  foundation (models, errors, settings, analysis, ...)

and neither backend imports the other. Read with ``ast`` from the source files (nothing
is imported or run), so it takes milliseconds and catches an import inside a function as
well as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Layers from the top. A module belongs to the longest entry naming it or a package above
#: it; a module may import its own layer and any layer below it, never one above.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("edges", ("web", "search.cli", "search.render")),
    ("engine", ("search.engine", "search.backend_choice", "search.entity_views", "search.terms",
                "search.trends")),
    ("backends", ("search.backends",)),
    ("backend interface", ("search.backends.base",)),
    ("understanding", ("search.understanding",)),
    ("entities", ("search.entities",)),
    ("ingest", ("search.ingest",)),
    ("foundation", ("search.models", "search.errors", "search.settings", "search.analysis",
                    "search.budget", "search.dedup", "search")),
)

#: Packages of one layer that must not import each other: each backend stands alone (what
#: both need sits below them, in ``search.understanding`` or the interface ``backends.base``).
SIBLINGS = ("search.backends.embedded", "search.backends.opensearch")

#: Imports against the order that are known and meant, with why. Kept short.
ALLOWED = {
    ("search.models", "search.ingest.ids"):
        "Article.id hashes the article with ingest's id rule; a local import, ids imports "
        "models only for its type hints",
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("search", "web"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom, known) -> list[str]:
    """The modules of ours an import statement reaches (the longest known name)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        if node.level:
            base = base[:len(base) - node.level + 1]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        names = [f"{prefix}.{alias.name}" for alias in node.names]
    out = []
    for name in names:
        while name not in known and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in known and name != module:
            out.append(name)
    return out


def import_graph() -> dict[str, set[str]]:
    """Each module of ``search`` and ``web`` with the modules of ours it imports."""
    known = _modules()
    graph = {}
    for module, path in known.items():
        graph[module] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[module].update(_targets(module, path, node, known))
    return graph


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layer_of(module: str) -> int | None:
    matches = [(len(member), rank) for rank, (_, members) in enumerate(LAYERS)
               for member in members
               if member == module or (member != "search" and _within(module, member))]
    return max(matches)[1] if matches else None


def violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        here = layer_of(module)
        if here is None:
            found.append(f"{module} has no layer: add it to LAYERS in tests/test_architecture.py")
            continue
        for target in sorted(targets):
            if (module, target) in ALLOWED:
                continue
            there = layer_of(target)
            if there is not None and there < here:
                found.append(f"{module} ({LAYERS[here][0]}) imports {target} ({LAYERS[there][0]})")
            mine = next((s for s in SIBLINGS if _within(module, s)), None)
            theirs = next((s for s in SIBLINGS if _within(target, s)), None)
            if mine and theirs and mine != theirs:
                found.append(f"{module} imports {target}: one backend imports another")
    return found


def test_imports_follow_the_layer_order():
    found = violations(import_graph())
    assert not found, "imports against the layer order:\n" + "\n".join(found)


def test_the_allowed_exceptions_still_exist():
    """An exception nobody needs any more is removed, not kept as a hole."""
    graph = import_graph()
    assert [pair for pair in ALLOWED if pair[1] not in graph.get(pair[0], ())] == []


def test_the_check_sees_an_upward_import():
    """The checker itself: a shared module importing a backend, one backend importing the
    other, and a module outside every layer are each reported."""
    graph = {"search.understanding.query": {"search.backends.embedded.schema"},
             "search.backends.opensearch.engine": {"search.backends.embedded.facets"},
             "search.backends.embedded.schema": set(), "search.backends.embedded.facets": set(),
             "search.stray": set()}
    assert violations(graph) == [
        "search.backends.opensearch.engine imports search.backends.embedded.facets: "
        "one backend imports another",
        "search.stray has no layer: add it to LAYERS in tests/test_architecture.py",
        "search.understanding.query (understanding) imports search.backends.embedded.schema "
        "(backends)",
    ]
