"""Adding an endpoint is a spec edit and nothing else: the README's "Adding an endpoint" section, followed
word for word in a copy of the project, adds one endpoint of each kind it describes to
`client.beta.batch` (a POST with a JSON body, a paginated list, a stream of server-sent events, a file
upload); the rebuilt package has every method (the POST taking its body's properties as keyword
arguments), `--check` is clean, `generator diff` reports the additions the section names, and (in
the `big` group, tests/test_project_settings.py) the whole test suite passes in such a copy.

Only the section is read: its YAML blocks that open with a placement comment (`# spec/paths/batch.yaml
(append)`, `# spec/openapi.yaml, under paths`) are the edits, and every file, key and command the test
relies on must be named in the section's prose, so a step missing from the README fails here. Where
the spec already has a name the section uses (a maintainer followed it before), the copy gets the
same edits under unused names: the keys, operation ids, method names, schemas and paths get a suffix.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.maintainer import (
    NOT_COPIED,
    apply,
    body_properties,
    edits,
    kind,
    operations,
    prose,
    readme_section,
    run,
    schemas,
    unused,
)

REPO = goldens.REPO
NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven")


def test_the_section_describes_every_step_and_every_kind_of_endpoint() -> None:
    section = readme_section()
    blocks = edits(section)
    written = prose(section)
    assert {file for file, _, _ in blocks} == {"spec/paths/batch.yaml", "spec/schemas/batch.yaml", "spec/openapi.yaml"}
    for file, under, _ in blocks:
        assert f"`{file}`" in written, f"the steps never name {file}"
        assert under is None or f"`{under}`" in written, f"the steps never say where in {file}: {under}"
    for word in ("`spec/paths/*.yaml`", "`spec/schemas/*.yaml`", "`x-resource`", "`x-method`", "`requestBody`"):
        assert word in written, word
    for word in ("`application/json`", "`x-pagination`", "`python -m generator build`", "`python -m pytest`"):
        assert word in written, word
    added = operations(blocks)
    assert {(op["x-resource"], kind(op)) for op in added.values()} == {
        ("beta.batch", kind) for kind in ("json body", "paged", "stream", "upload")
    }
    for word in ("`text/event-stream`", "`multipart/form-data`", "`format: binary`"):
        assert word in written, word
    pagination_keys = {key for op in added.values() for key in op.get("x-pagination", {})}
    assert pagination_keys <= set(re.findall(r"^  ([\w-]+):", section, re.M))  # each key explained below


@dataclass(frozen=True)
class Added:
    copy: Path  # the project, the edits made and the package rebuilt
    blocks: list[tuple[str, str | None, str]]  # the edits as made there (under unused names)


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory) -> Added:
    copy = tmp_path_factory.mktemp("added") / "project"
    shutil.copytree(REPO, copy, ignore=NOT_COPIED)
    assert not (copy / ".venv").exists() and not list(copy.rglob("__pycache__"))
    blocks = unused(edits(readme_section()), copy / "spec")
    apply(copy, blocks)
    done = run(copy, "-m", "generator", "build")
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    return Added(copy, blocks)


@pytest.mark.slow
def test_following_the_readme_adds_every_method(added: Added) -> None:
    copy, blocks = added.copy, added.blocks
    assert run(copy, "-m", "generator", "build", "--check").returncode == 0
    methods = sorted(operations(blocks))
    check = (
        "import sys, inspect, llamacloud\n"
        "for client in (llamacloud.Client, llamacloud.AsyncClient):\n"
        "    batch = client(api_key='k', base_url='http://127.0.0.1:9').beta.batch\n"
        "    print(' '.join(n for n in sys.argv[1:] if inspect.ismethod(getattr(batch, n, None))))\n"
    )
    shown = run(copy, "-c", check, *methods)
    assert (shown.returncode, shown.stdout.split()) == (0, methods * 2), shown.stderr
    # The body's properties are keyword arguments of the POST method, as the section says.
    (method, operation), *_ = [(name, op) for name, op in operations(blocks).items() if kind(op) == "json body"]
    keywords = (
        "import inspect, llamacloud\n"
        f"signature = inspect.signature(llamacloud.Client(api_key='k').beta.batch.{method})\n"
        "print(' '.join(n for n, p in signature.parameters.items() if p.kind is p.KEYWORD_ONLY))\n"
    )
    shown = run(copy, "-c", keywords)
    assert shown.returncode == 0, shown.stderr
    properties = body_properties(blocks, operation)
    assert properties and shown.stdout.split()[: len(properties)] == properties
    written = prose(readme_section())
    for name in operations(edits(readme_section())):
        assert f"{name}(" in written, f"the section never shows a call of {name}"
    assert f"{properties[0]}=" in written

    # `generator diff` says what the section says it says: the methods and models added, a minor version.
    done = run(
        copy, "-m", "generator", "diff", str(REPO / "spec" / "openapi.yaml"), "spec/openapi.yaml", "--format", "json"
    )
    report = json.loads(done.stdout)
    models = schemas(blocks, "spec/openapi.yaml", "components/schemas")
    assert (done.returncode, report["breaking"], report["bump"]) == (0, [], "minor"), done.stderr
    assert sorted((c["kind"], c["subject"]) for c in report["non_breaking"]) == sorted(
        [("method-added", f"beta.batch.{name}") for name in methods] + [("model-added", f"models.{m}") for m in models]
    )
    said = f"{NUMBERS[len(methods)]} methods and {NUMBERS[len(models)]} models added, a minor version"
    assert said in " ".join(written.split())
