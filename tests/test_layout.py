"""The shape of the code: no import circle among the modules of `generator/`, among the runtime files
(`templates/runtime/` and the command line's `templates/cli/`, which become the generated package's
`_runtime/` and `_cli/`) or in a generated package; no module, runtime file or class over its size
limit; and the top level of every generated package showing its public surface only.

The source is read with `ast`, never imported. Every import counts: at the top, inside functions and
under `if TYPE_CHECKING:`. The checker itself is tried on small module trees written to a scratch
folder, so each check is known to be able to fail.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "generator"
# Copied into each generated package as its subpackages `_runtime/` and `_cli/`, whose modules import
# each other relatively (`from ._types import X`, `from .._runtime._pagination import SyncPage`):
# checked together as the subpackages of one package, `package`.
RUNTIME = ROOT / "templates" / "runtime"
CLI = ROOT / "templates" / "cli"
MCP = ROOT / "templates" / "mcp"
COPIED = {RUNTIME: "package._runtime", CLI: "package._cli", MCP: "package._mcp"}
MODULE_LINES = 400  # a module of generator/
RUNTIME_LINES = 500  # a file of templates/runtime/ or templates/cli/
CLASS_LINES = 300  # a class in any of them
# The top level of a generated package: its public modules and folders (no leading underscore), and of
# the private ones only these. At most TOP_LEVEL_ENTRIES in all, `_custom/` and `params.py` included.
PRIVATE_TOP_LEVEL = frozenset(
    {"__init__.py", "__main__.py", "_client.py", "_version.py", "_runtime", "_cli", "_mcp", "_custom"}
)
TOP_LEVEL_ENTRIES = 18


@dataclass(frozen=True)
class Module:
    name: str  # dotted; the runtime's files have no package part (`_base_client`)
    path: Path
    is_package: bool  # an __init__.py: its relative imports start from itself


def modules(root: Path, package: str) -> dict[str, Module]:
    """Every `.py` file under `root`, named as a module of the package `package` that `root` is."""
    found: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [*([package] if package else []), *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = Module(".".join(parts), path, is_package)
    return found


def _join(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


def _base_of(module: Module, node: ast.ImportFrom) -> str | None:
    """The module a `from X import ...` reads from, relative levels resolved; None when it climbs
    above the top package."""
    if node.level == 0:
        return node.module
    package = module.name.split(".") if module.name else []
    if not module.is_package:
        package = package[:-1]
    up = node.level - 1
    if up > len(package):
        return None
    return _join(*package[: len(package) - up], node.module)


def imports(module: Module, known: Mapping[str, Module]) -> set[str]:
    """The modules of `known` that `module` imports, wherever the import stands. `from X import y`
    is an import of the submodule `X.y` when there is one, else of `X`."""
    tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                prefixes = (".".join(parts[:n]) for n in range(len(parts), 0, -1))
                found.update(next(([p] for p in prefixes if p in known), []))
        elif isinstance(node, ast.ImportFrom):
            base = _base_of(module, node)
            if base is None:
                continue
            for alias in node.names:
                submodule = _join(base, alias.name)
                if submodule in known:
                    found.add(submodule)
                elif base in known:
                    found.add(base)
    found.discard(module.name)
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    known = modules(root, package)
    return {name: imports(module, known) for name, module in known.items()}


def _components(graph: Mapping[str, set[str]]) -> list[set[str]]:
    """Strongly connected components (Tarjan), those of one module without a self-import left out."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every elementary import cycle once, as a path from its smallest module back to it."""
    found: list[list[str]] = []
    for component in _components(graph):
        for start in sorted(component):

            def walk(path: list[str], start: str = start, component: set[str] = component) -> Iterator[list[str]]:
                for target in sorted(graph.get(path[-1], set()) & component):
                    if target == start:
                        yield [*path, start]
                    elif target > start and target not in path:
                        yield from walk([*path, target])

            found.extend(walk([start]))
    return sorted(found)


def oversized_files(paths: list[Path], limit: int, root: Path) -> list[str]:
    problems = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
        if lines > limit:
            problems.append(f"{path.relative_to(root)}: {lines} lines, over the limit of {limit}")
    return problems


def oversized_classes(paths: list[Path], limit: int, root: Path) -> list[str]:
    problems = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = node.end_lineno - first + 1
                if lines > limit:
                    problems.append(
                        f"{path.relative_to(root)}:{first}: class {node.name}: {lines} lines, over the limit of {limit}"
                    )
    return problems


def cycle_report(where: str, graph: Mapping[str, set[str]]) -> str:
    found = cycles(graph)
    return f"import cycles among the modules of {where}:\n" + "\n".join("  " + " -> ".join(c) for c in found)


def python_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def runtime_graph() -> dict[str, set[str]]:
    """The import graph of the runtime and the command line, as the subpackages they are copied to."""
    known = {name: module for root, package in COPIED.items() for name, module in modules(root, package).items()}
    return {name: imports(module, known) for name, module in known.items()}


def generated_packages() -> list[Path]:
    """The main package and every fixture's, as committed."""
    return [goldens.GENERATED / goldens.MAIN_PACKAGE, *(goldens.fixture_expected(name) for name in goldens.FIXTURES)]


def top_level_problems(package: Path) -> list[str]:
    """What keeps `package`'s top level from showing its public surface only."""
    entries = sorted(p.name for p in package.iterdir() if p.name not in goldens.IGNORED_DIRS)
    problems = [
        f"{package.name}/{name}: a private entry at the top level (the runtime goes in _runtime/, the CLI in _cli/)"
        for name in entries
        if name.startswith("_") and name not in PRIVATE_TOP_LEVEL
    ]
    if len(entries) > TOP_LEVEL_ENTRIES:
        problems.append(
            f"{package.name}/: {len(entries)} top-level entries, over {TOP_LEVEL_ENTRIES}: {', '.join(entries)}"
        )
    return problems


# -- the project ---------------------------------------------------------------------------------------
def test_the_trees_are_there() -> None:
    """So the checks below cannot pass on nothing: the CLI's imports of the runtime are seen."""
    assert "generator.cli" in modules(GENERATOR, "generator")
    graph = runtime_graph()
    assert {"package._runtime", "package._cli"} <= set(graph)
    assert "package._runtime._base_client" in graph["package._cli._main"]


def test_no_import_cycles_in_the_generator() -> None:
    graph = import_graph(GENERATOR, "generator")
    if cycles(graph):
        pytest.fail(cycle_report("generator/", graph), pytrace=False)


def test_no_import_cycles_in_the_runtime_and_the_cli() -> None:
    graph = runtime_graph()
    if cycles(graph):
        pytest.fail(cycle_report("templates/runtime/ and templates/cli/", graph), pytrace=False)


@pytest.mark.parametrize("package", generated_packages(), ids=lambda path: path.name)
def test_a_generated_package_has_no_import_cycle_and_a_public_top_level(package: Path) -> None:
    graph = import_graph(package, package.name)
    assert f"{package.name}._runtime._base_client" in graph[f"{package.name}._client"]
    problems = top_level_problems(package)
    if cycles(graph):
        problems.append(cycle_report(f"{package.relative_to(ROOT)}/", graph))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_no_generator_module_over_its_limit() -> None:
    problems = oversized_files(python_files(GENERATOR), MODULE_LINES, ROOT)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_no_runtime_file_over_its_limit() -> None:
    files = sorted(p for root in COPIED for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    problems = oversized_files(files, RUNTIME_LINES, ROOT)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_no_class_over_its_limit() -> None:
    problems = oversized_classes(
        [*python_files(GENERATOR), *python_files(RUNTIME), *python_files(CLI), *python_files(MCP)], CLASS_LINES, ROOT
    )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# -- the checker, on small trees -----------------------------------------------------------------------
def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_a_cycle_through_a_type_checking_import_is_found(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "client.py": "from .page import Page\n",
            "page.py": """\
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from .client import Client
                """,
            "types.py": "import json\n",
        },
    )
    graph = import_graph(root, "pkg")
    assert graph == {"pkg": set(), "pkg.client": {"pkg.page"}, "pkg.page": {"pkg.client"}, "pkg.types": set()}
    assert cycles(graph) == [["pkg.client", "pkg.page", "pkg.client"]]
    assert cycle_report("pkg/", graph).endswith("\n  pkg.client -> pkg.page -> pkg.client")


def test_an_import_inside_a_function_counts(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "_base.py": "def raw():\n    from ._response import Raw\n    return Raw\n",
            "_response.py": "from ._base import MARK\n",
        },
    )
    assert cycles(import_graph(root, "")) == [["_base", "_response", "_base"]]


def test_from_dot_import_resolves_to_the_submodule_when_there_is_one(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "gen",
        {
            "__init__.py": "from .lower import lower_api\n",
            "lower/__init__.py": "from . import naming\nfrom .core import lower_api\n",
            "lower/core.py": "from . import naming, CONSTANT\nfrom .. import render\n",
            "lower/naming.py": "import re\n",
            "render/__init__.py": "from gen.render import jinja\nimport gen.lower.naming\n",
            "render/jinja.py": "from ..lower.naming import snake\n",
        },
    )
    assert import_graph(root, "gen") == {
        "gen": {"gen.lower"},
        "gen.lower": {"gen.lower.naming", "gen.lower.core"},
        # `naming` is a submodule; `CONSTANT` is a name of the package itself
        "gen.lower.core": {"gen.lower.naming", "gen.lower", "gen.render"},
        "gen.lower.naming": set(),
        "gen.render": {"gen.render.jinja", "gen.lower.naming"},
        "gen.render.jinja": {"gen.lower.naming"},
    }
    assert cycles(import_graph(root, "gen")) == [["gen.lower", "gen.lower.core", "gen.lower"]]


def test_an_acyclic_tree_passes(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "_types.py": "import httpx\n",
            "_exceptions.py": "from ._types import Omit\n",
            "_base_client.py": """\
                from ._exceptions import APIError
                from ._types import Omit
                from . import _pagination
                """,
            "_pagination.py": """\
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from ._types import Omit
                """,
        },
    )
    graph = import_graph(root, "")
    assert graph["_base_client"] == {"_exceptions", "_types", "_pagination"}
    assert cycles(graph) == []


def test_every_cycle_of_a_knot_is_listed(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "_base_client.py": "from ._pagination import Page\nfrom . import _response\n",
            "_pagination.py": "from ._base_client import Call\n",
            "_response.py": "from ._base_client import RAW\n",
            "_cli.py": "from ._base_client import Client\n",
        },
    )
    assert cycles(import_graph(root, "")) == [
        ["_base_client", "_pagination", "_base_client"],
        ["_base_client", "_response", "_base_client"],
    ]


def test_a_private_module_or_a_crowd_at_the_top_level_is_named(tmp_path: Path) -> None:
    public = {"__init__.py": "", "_client.py": "", "_runtime/__init__.py": "", "types.py": "", "py.typed": ""}
    assert top_level_problems(write_tree(tmp_path / "fine", public)) == []
    assert top_level_problems(write_tree(tmp_path / "leak", {**public, "_types.py": ""})) == [
        "leak/_types.py: a private entry at the top level (the runtime goes in _runtime/, the CLI in _cli/)"
    ]
    crowd = {**public, **{f"module{i}.py": "" for i in range(14)}}
    assert top_level_problems(write_tree(tmp_path / "crowd", crowd))[0].startswith("crowd/: 19 top-level entries")


def test_an_oversize_class_and_module_are_named(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(8))
    text = f"import dataclasses\n\n\n@dataclasses.dataclass\nclass Big:\n{body}\n\nclass Small:\n    y = 1\n"
    root = write_tree(tmp_path, {"big.py": text})
    big = root / "big.py"
    assert oversized_classes([big], 8, tmp_path) == ["big.py:4: class Big: 10 lines, over the limit of 8"]
    assert oversized_classes([big], 10, tmp_path) == []
    assert oversized_files([big], 16, tmp_path) == ["big.py: 17 lines, over the limit of 16"]
    assert oversized_files([big], 17, tmp_path) == []
