"""The shape of the house: pathways never set a provider's state, no import loops, every folder says what it holds.

Like the regime test, these read the source, so a change that breaks the architecture fails here at once.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import ihoabm

PACKAGE = Path(ihoabm.__file__).parent
PATHWAYS = sorted((PACKAGE / "pathways").glob("*.py"))
# What a pathway may write: the population's arrays, the model's prevention stock, and its own local arrays.
ALLOWED_ROOTS = ("pop.", "m.pop.", "m.prevention_stock")


def _targets(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            yield from ((node.lineno, t) for t in node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            yield node.lineno, node.target


def provider_writes(source: str) -> list[str]:
    """Assignments in `source` that set an attribute of anything but the population (or a local array)."""
    found = []
    for line, target in _targets(ast.parse(source)):
        for t in (target.elts if isinstance(target, ast.Tuple) else [target]):
            base = t
            while isinstance(base, ast.Subscript):
                base = base.value
            if not isinstance(base, ast.Attribute):
                continue  # a local name, or an item of a local array
            text = ast.unparse(base)
            if not text.startswith(ALLOWED_ROOTS) and text != "m.prevention_stock":
                found.append(f"{line}: {ast.unparse(t)}")
    return found


@pytest.mark.parametrize("path", PATHWAYS, ids=lambda p: p.name)
def test_no_pathway_writes_a_providers_attribute(path):
    offenders = provider_writes(path.read_text())
    assert not offenders, f"{path.name} sets provider state; call a provider method instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize("snippet", [
    "m.community.ucr_slots_today -= used",
    "acute = m.acute\nacute.occupancy_recent += 1.0",
    "m.acute.occupant[beds] = -1",
    "m.community.caseload_size, x = 3, 4",
    "m.waiting_list.rows = rows",
])
def test_the_check_would_catch_a_provider_write(snippet):
    assert provider_writes(snippet)


def test_the_check_allows_population_and_local_writes():
    assert not provider_writes("pop.state[rows] = 1\nm.pop.state[r] = 2\nm.prevention_stock += 1\nx[y] = 3")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def import_graph() -> nx.DiGraph:
    """Every import between ihoabm modules: module level, inside functions and under TYPE_CHECKING."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base]).strip(".")
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                if target.startswith("ihoabm") and target in modules and target != name:
                    graph.add_edge(name, target)
    return graph


def test_there_are_no_import_loops_type_only_ones_included():
    cycles = list(nx.simple_cycles(import_graph()))
    shown = "\n".join(" -> ".join([*c, c[0]]) for c in sorted(cycles, key=len)[:10])
    assert not cycles, f"{len(cycles)} import loops, for example:\n{shown}"


def test_the_loop_check_sees_function_level_and_type_only_imports():
    graph = import_graph()
    assert graph.has_edge("ihoabm.core.world", "ihoabm.providers.acute")       # under TYPE_CHECKING
    assert graph.has_edge("ihoabm.core.model", "ihoabm.pathways.emergency")


@pytest.mark.parametrize("folder", sorted(p.parent for p in PACKAGE.rglob("__init__.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_every_folder_says_what_lives_there(folder):
    doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text()))
    assert doc and len(doc) > 40, f"{folder.name}/__init__.py needs a docstring saying what lives there"


def test_providers_have_no_empty_step():
    """An agent's step() does its job or is gone."""
    for path in sorted((PACKAGE / "providers").glob("*.py")) + sorted((PACKAGE / "money").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name == "step":
                body = [b for b in node.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
                assert body and not all(isinstance(b, ast.Pass) for b in body), f"{path.name}: empty step()"
