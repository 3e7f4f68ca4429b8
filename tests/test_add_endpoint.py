"""Adding an endpoint is a spec edit and nothing else: the README's "Adding an endpoint" section, followed
word for word in a copy of the project, adds one endpoint of each kind it describes to
`client.beta.batch` (a POST with a JSON body, a paginated list, a stream of server-sent events, a file
upload); the rebuilt package has every method (the POST taking its body's properties as keyword
arguments), `--check` is clean, `generator diff` reports the additions the section names, and (in
the `big` group) the whole test suite passes in the copy.

Only the section is read: its YAML blocks that open with a placement comment (`# spec/paths/batch.yaml
(append)`, `# spec/openapi.yaml, under paths`) are the edits, and every file, key and command the test
relies on must be named in the section's prose, so a step missing from the README fails here. Where
the spec already has a name the section uses (a maintainer followed it before), the copy gets the
same edits under unused names: the keys, operation ids, method names, schemas and paths get a suffix.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml

REPO = goldens.REPO
# Never copied: environments, caches, version control.
NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".*_cache", ".generator-cache")
PLACEMENT = re.compile(r"# (spec/\S+\.yaml)(?: \((append)\)|, under (\S+))\n")


def readme_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Adding an endpoint\n", 1)[1].split("\n## ", 1)[0]


def edits(section: str) -> list[tuple[str, str | None, str]]:
    """(file, the key path to add under or None to append, YAML text) of each placed block."""
    found = []
    for block in re.findall(r"```yaml\n(.*?)```", section, re.S):
        text = "\n".join(line.removeprefix("   ") for line in block.splitlines()) + "\n"  # list-item indent
        placed = PLACEMENT.match(text)
        if placed is not None:
            found.append((placed.group(1), placed.group(3), text[placed.end() :]))
    return found


def prose(section: str) -> str:
    return re.sub(r"```.*?```", "", section, flags=re.S)


def operations(blocks: list[tuple[str, str | None, str]]) -> dict[str, dict[str, Any]]:
    """Method name -> operation object, for the operations the section adds."""
    found = {}
    for file, _, text in blocks:
        if file.startswith("spec/paths/"):
            for item in yaml.safe_load(text).values():
                for operation in item.values():
                    found[operation["x-method"]] = operation
    return found


def schemas(blocks: list[tuple[str, str | None, str]], file: str, under: str | None = None) -> dict[str, Any]:
    """Name -> value of the blocks placed in `file` (under the key path `under`)."""
    found: dict[str, Any] = {}
    for placed, where, text in blocks:
        if (placed, where) == (file, under):
            found.update(yaml.safe_load(text))
    return found


def body_properties(blocks: list[tuple[str, str | None, str]], operation: dict[str, Any]) -> list[str]:
    """The properties of the (JSON, referenced) body schema `operation` takes, as the section writes it."""
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    file, name = ref.split("#/")
    schema = schemas(blocks, "spec/schemas/" + Path(file).name)[name]
    return list(schema["properties"])


NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven")


def kind(operation: dict[str, Any]) -> str:
    """What an added operation is an example of."""
    body = operation.get("requestBody", {}).get("content", {})
    answers = [media for response in operation["responses"].values() for media in response.get("content", {})]
    if "x-pagination" in operation:
        return "paged"
    if "text/event-stream" in answers:
        return "stream"
    if "multipart/form-data" in body:
        return "upload"
    return "json body" if list(body) == ["application/json"] else "other"


def unused(blocks: list[tuple[str, str | None, str]], spec: Path) -> list[tuple[str, str | None, str]]:
    """The edits, their names suffixed where the spec in `spec` (a folder) already has one of them."""
    taken = set(
        re.findall(r"^([A-Za-z_][\w-]*):", "".join(p.read_text(encoding="utf-8") for p in spec.rglob("*.yaml")), re.M)
    )
    taken |= set(
        re.findall(
            r"(?:operationId|x-method): (\S+)", "".join(p.read_text(encoding="utf-8") for p in spec.rglob("*.yaml"))
        )
    )
    documents = [(file, under, yaml.safe_load(text)) for file, under, text in blocks]
    names = {key for file, _, doc in documents if file != "spec/openapi.yaml" for key in doc}
    names |= {op[k] for op in operations(blocks).values() for k in ("operationId", "x-method")}
    if not names & taken:
        return blocks
    suffix = next(str(n) for n in range(2, 100) if not {name + str(n) for name in names} & taken)

    def renamed(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                named = key in ("operationId", "x-method") or (key == "$ref" and item.rsplit("#/", 1)[-1] in names)
                out[key] = item + suffix if named and isinstance(item, str) else renamed(item)
            return out
        return [renamed(v) for v in value] if isinstance(value, list) else value

    found = []
    for file, under, doc in documents:
        if under == "paths":
            doc = {url + suffix: renamed(item) for url, item in doc.items()}
        else:
            doc = {(key + suffix if key in names else key): renamed(item) for key, item in doc.items()}
        found.append((file, under, yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)))
    return found


def test_the_section_describes_every_step_and_both_kinds_of_endpoint() -> None:
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


def apply(copy: Path, blocks: list[tuple[str, str | None, str]]) -> None:
    """Makes each edit as its placement comment says: appended to the file, or added under a key."""
    for file, under, text in blocks:
        path = copy / file
        if under is None:
            current = path.read_text(encoding="utf-8")
            path.write_text(current + ("" if current.endswith("\n") else "\n") + text, encoding="utf-8")
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        node = document
        for key in under.split("/"):
            node = node[key]
        node.update(yaml.safe_load(text))
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def run(copy: Path, *command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    paths = os.pathsep.join([str(copy), str(copy / "generated")])
    env = {**os.environ, "PYTHONPATH": paths}
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, *command], cwd=copy, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )


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


@pytest.mark.big
def test_the_whole_suite_passes_after_the_edit(added: Added, tmp_path: Path) -> None:
    """The README's test command in the copy: every test derives what it expects from the spec."""
    tests = run(
        added.copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "t"), timeout=1200
    )
    summary = tests.stdout.strip().splitlines()[-1] if tests.stdout.strip() else ""
    assert tests.returncode == 0, tests.stdout[-6000:] + tests.stderr[-2000:]
    assert re.search(r"\d+ passed", summary) and not re.search(r"failed|error", summary), summary
