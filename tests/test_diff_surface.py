"""The surface `generator diff` compares is the one the generated code has: for every fixture with a
request body, each method's parameters in the surface (path parameters positional, the rest keywords,
an object body's properties among them) are the parameters of the method in the committed package,
read from its source, with the same ones required.
"""

from __future__ import annotations

import ast
import re

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)

from generator.diff.surface import Method, load

# Keywords every method takes that no spec declares.
METHOD_OWN = frozenset({"self", "extra_headers", "extra_query", "extra_body", "timeout"})
WITH_BODIES = [
    name
    for name in goldens.FIXTURES
    if re.search(r"^\s+requestBody:", goldens.fixture_spec(name).read_text(encoding="utf-8"), re.MULTILINE)
]


def signature(tree: ast.Module, method: str) -> tuple[list[str], dict[str, bool]]:
    """(positional parameters, keyword -> required) of the sync resource class's `method` (its last
    definition: the implementation, after any overloads)."""
    (resource,) = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name.endswith("Resource") and not node.name.startswith("Async")
    ]
    defs = [node for node in resource.body if isinstance(node, ast.FunctionDef) and node.name == method]
    args = defs[-1].args
    positional = [a.arg for a in args.args if a.arg not in METHOD_OWN]
    keywords = {
        a.arg: default is None
        for a, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
        if a.arg not in METHOD_OWN
    }
    return positional, keywords


def surface_signature(method: Method) -> tuple[list[str], dict[str, bool]]:
    params = method.params.values()
    positional = [p.name for p in sorted((p for p in params if p.position is not None), key=lambda p: p.position or 0)]
    return positional, {p.name: p.required for p in params if p.position is None}


def test_there_are_fixtures_with_object_bodies() -> None:
    assert {"bodies", "forms", "writes"} <= set(WITH_BODIES)


@pytest.mark.parametrize("name", WITH_BODIES)
def test_each_method_takes_the_parameters_the_surface_says(name: str) -> None:
    surface = load(goldens.fixture_spec(name))
    resources = goldens.fixture_expected(name) / "resources"
    body_keywords = 0
    for method in surface.methods.values():
        module = resources / f"{method.resource.replace('.', '_')}.py"
        tree = ast.parse(module.read_text(encoding="utf-8"))
        assert signature(tree, method.name) == surface_signature(method), method.qualified
        body_keywords += sum(p.wire.startswith("body ") for p in method.params.values())
    if name in ("bodies", "writes"):
        assert body_keywords > 0, "no object body spelt out as keywords"
