"""The surface `generator diff` compares is the one the generated code has: for every fixture with a
request body, each method's parameters in the surface (path parameters positional, the rest keywords,
an object body's properties among them) are the parameters of the method in the committed package,
read from its source, with the same ones required; each wait (`x-poll`) is a method there too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)

from generator.diff.compare import compare
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


def test_each_wait_of_the_surface_is_a_method_of_the_package_with_the_operations_parameters() -> None:
    """Waits (`x-poll`, tests/fixtures/polling): a method of the resource beside its operation's, taking
    the operation's parameters and the wait's own keywords."""
    surface = load(goldens.fixture_spec("polling"))
    resources = goldens.fixture_expected("polling") / "resources"
    waits = [(method, wait) for method in surface.methods.values() for wait in method.waits.values()]
    assert len(waits) == 4
    for method, wait in waits:
        tree = ast.parse((resources / f"{method.resource}.py").read_text(encoding="utf-8"))
        positional, keywords = signature(tree, wait.name)
        own = {k: keywords.pop(k) for k in ("poll_interval", "poll_timeout", "on_poll")}
        assert own == dict.fromkeys(own, False)
        assert (positional, keywords) == surface_signature(method)


def test_a_removed_operation_takes_its_waits_with_it(tmp_path: Path) -> None:
    old = goldens.fixture_spec("polling")
    text = old.read_text(encoding="utf-8")
    start, end = text.index("  /deployments/{deployment_id}:"), text.index("  /reports:")
    (tmp_path / "new.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    changes = compare(load(old), load(tmp_path / "new.yaml"))
    found = {(c.subject, c.kind, c.breaking) for c in changes if c.subject.startswith("deployments")}
    assert found == {("deployments", "resource-removed", True)}
    (message,) = [c.message for c in changes if c.subject == "deployments"]
    assert message == "resource removed with its methods `get`, `wait_until_live`"
    start, end = text.index("        - name: wait_until_downloadable"), text.index("      parameters:")
    (tmp_path / "new.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    changes = compare(load(old), load(tmp_path / "new.yaml"))
    assert [(c.subject, c.kind, c.breaking) for c in changes] == [
        ("exports.wait_until_downloadable", "wait-removed", True)
    ]
