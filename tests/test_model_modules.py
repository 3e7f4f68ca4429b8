"""The `models` package: classes split into modules without import cycles, each imported on first use
with exactly the classes it reaches, validators built on first use; and the models generated in
two parts at once (a large spec) give the same package as one run.

The committed fixture packages are read and imported in fresh interpreters; the parts are forced on
small fixtures by lowering the threshold.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)

from generator.cli import main
from generator.render import models_worker
from generator.render.model_modules import split_models
from generator.render.model_parts import join_sources, partition

FIXTURES = ("composition", "typing_edge", "inline", "bodies")


def model_modules(name: str) -> dict[str, Path]:
    folder = goldens.fixture_expected(name) / "models"
    return {path.stem: path for path in sorted(folder.glob("_*.py"))}


def imports_of(path: Path) -> set[str]:
    """The sibling model modules a module imports (`from ._team import Team`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module and node.module.startswith("_")
    }


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for other in graph[stack.pop()] - seen:
            seen.add(other)
            stack.append(other)
    return seen


def run_python(code: str, *roots: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(map(str, roots))},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


@pytest.mark.parametrize("name", FIXTURES)
def test_model_modules_import_each_other_without_a_cycle(name: str) -> None:
    modules = model_modules(name)
    graph = {module: imports_of(path) for module, path in modules.items()}
    assert graph and all(imported <= set(modules) for imported in graph.values())
    for module in graph:
        assert all(module not in reachable(graph, other) for other in graph[module]), f"{module} is in a cycle"


@pytest.mark.parametrize("name", FIXTURES)
def test_a_model_imports_the_modules_it_reaches_and_no_others(name: str) -> None:
    """In a fresh interpreter, each class of the package alone: the model modules loaded are its own
    and those it imports, directly or not; its validator is built on first use, not at import."""
    graph = {module: imports_of(path) for module, path in model_modules(name).items()}
    package = goldens.fixture_expected(name).parent
    script = f"""
import importlib, json, sys
models = importlib.import_module("{name}.models")
found = {{}}
for cls_name in models.__all__:
    for loaded in [m for m in sys.modules if m.startswith("{name}.models.")]:
        del sys.modules[loaded]
    models = importlib.reload(models)
    cls = getattr(models, cls_name)
    deferred = getattr(cls, "__pydantic_complete__", None)
    found[cls_name] = [
        cls.__module__.rsplit(".", 1)[1],
        sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("{name}.models.")),
        deferred,
    ]
print(json.dumps(found))
"""
    found = json.loads(run_python(script, package))
    assert sorted(found) == sorted(
        json.loads(run_python(f"import {name}.models as m, json; print(json.dumps(m.__all__))", package))
    )
    for cls_name, (home, loaded, complete) in found.items():
        assert loaded == sorted(reachable(graph, home)), cls_name
        assert complete in (False, None), f"{cls_name} built its validator at import"


def test_a_model_builds_its_validator_on_first_use() -> None:
    package = goldens.fixture_expected("composition").parent
    script = """
from composition.models import Team
print(Team.__pydantic_complete__)
team = Team.model_validate({"title": "t", "members": [{"name": "a", "team": {"title": "u", "members": []}}]})
print(Team.__pydantic_complete__, type(team.members[0].team).__name__)
"""
    assert run_python(script, package).split() == ["False", "True", "Team"]


def test_unknown_names_are_refused_and_every_model_is_listed() -> None:
    package = goldens.fixture_expected("composition").parent
    script = """
import composition.models as models
try:
    models.Nothing
except AttributeError as exc:
    print(exc)
print(set(models.__all__) <= set(dir(models)))
"""
    assert run_python(script, package).splitlines() == [
        "module 'composition.models' has no attribute 'Nothing'",
        "True",
    ]


# -- the models generated in parts ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["typing_edge", "composition"])
def test_a_build_generating_its_models_in_parts_equals_the_golden(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    joined = tmp_path / "joined"

    def counting_join(sources: list[str]) -> str | None:  # runs in the worker: it leaves a trace
        with joined.open("a", encoding="utf-8") as trace:
            trace.write(f"{len(sources)}\n")
        return join_sources(sources)

    monkeypatch.setattr(models_worker, "PARALLEL_FROM", 1)
    monkeypatch.setattr(models_worker, "join_sources", counting_join)
    out = tmp_path / "out"
    assert (
        main(["build", "--isolated", "--spec", str(goldens.fixture_spec(name)), "--out", str(out), "--package", name])
        == 0
    )
    assert joined.read_text(encoding="utf-8") == "2\n"  # two parts, generated at once and joined
    assert goldens.read_tree(out / name) == goldens.read_tree(goldens.fixture_expected(name))


def test_schemas_that_refer_to_each_other_stay_in_one_part() -> None:
    ref = {"$ref": "#/components/schemas/A"}
    schemas = {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "string"},
        "C": {"type": "array", "items": ref},  # with A (and so B)
        "D": {"type": "object", "properties": {"e": {"type": "integer"}}, "default": ref},  # a default is data
        "E": {"type": "string", "x-see": ref},  # an extension's value is data
    }
    document = {"openapi": "3.1.0", "info": {}, "paths": {}, "components": {"schemas": schemas}}
    parts = partition(document, 2)
    assert [list(p["components"]["schemas"]) for p in parts] == [["A", "B", "C"], ["D", "E"]]
    assert all(p["openapi"] == "3.1.0" for p in parts)
    connected = {**schemas, "D": {"allOf": [ref]}, "E": {"items": {"$ref": "#/components/schemas/D"}}}
    one = partition({**document, "components": {"schemas": connected}}, 2)
    assert [list(p["components"]["schemas"]) for p in one] == [["A", "B", "C", "D", "E"]]


def test_parts_whose_classes_share_a_name_do_not_join() -> None:
    first = (
        "from pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: int\n\n\nclass Item1(BaseModel):\n    y: int\n"
    )
    second = "from pydantic import BaseModel, RootModel\n\n\nclass B(RootModel[int]):\n    root: int\n"
    joined = join_sources([first, second])
    assert joined is not None
    assert joined.startswith("from pydantic import BaseModel\nfrom pydantic import BaseModel, RootModel\n\n\nclass A(")
    assert split_models(joined).members == {"_a": ["A"], "_item1": ["Item1"], "_b": ["B"]}
    clash = second.replace("class B(", "class Item1(")
    assert join_sources([first, clash]) is None


def test_a_class_named_in_any_alphabet_is_imported_where_it_is_used() -> None:
    source = (
        "from pydantic import BaseModel\n\n\n"
        "class Ünïcødé(BaseModel):\n    x: int\n\n\n"
        "class A(BaseModel):\n    u: Ünïcødé\n\n\n"
        'class B(BaseModel):\n    """Like A."""\n\n    u: Ünïcødé\n    note: str = "see A"  # not A\n'
    )
    package = split_models(source)
    assert package.members == {"_unicde": ["Ünïcødé"], "_a": ["A"], "_b": ["B"]}  # text about A is no reference
    assert package.modules["_a"].startswith("from pydantic import BaseModel\nfrom ._unicde import Ünïcødé\n")
    assert package.modules["_b"].startswith("from pydantic import BaseModel\nfrom ._unicde import Ünïcødé\n")
