"""A spec edit changes only the generated files that show what was edited, plus the manifest (`_version.py`,
which records the spec's hash): the headers hold no hash, so one new description or parameter is a small diff.

Each test edits a copy of spec/ where the IR says the edited thing stands, rebuilds, and compares with the
shared build of spec/. The files expected to change are derived, not counted: the edit brings in a word no
file held before, and exactly the files that hold it afterwards (and the manifest) may differ.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml
from support.shared import build_once, main_spec

from generator.errors import unescape_pointer
from generator.ir import Operation
from generator.loader import SourceFiles
from generator.pipeline import load_api
from generator.resolver import resolve

SPEC_DIR = goldens.REPO / "spec"
PACKAGE = goldens.MAIN_PACKAGE
MANIFEST = "_version.py"
WORD = "zephyrine"  # in no generated file of spec/ (checked), so where it shows is where the edit shows


def where_written(spec: Path, operation: Operation) -> tuple[Path, list[str]]:
    """The file and the JSON pointer (as segments) of `operation`'s object, following $refs."""
    resolved = resolve(spec, SourceFiles())
    origin = resolved.origins[id(resolved.document["paths"][operation.path][operation.http_method.lower()])]
    return origin.file, [unescape_pointer(s) for s in origin.pointer.split("/")[1:]]


def edit(file: Path, pointer: list[str], change: Callable[[dict[str, Any]], None]) -> None:
    """Applies `change` to the mapping at `pointer` of a YAML file (the file is rewritten: same content)."""
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    node = document
    for segment in pointer:
        node = node[int(segment)] if isinstance(node, list) else node[segment]
    change(node)
    file.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def changed_files(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, spec: Path) -> dict[str, set[str]]:
    """Builds the edited copy: the files that differ from the build of spec/, and those holding WORD."""
    before = build_once(tmp_path_factory, main_spec())
    assert before.returncode == 0, before.stderr
    old = goldens.read_tree(before.target)
    assert [p for p, data in old.items() if WORD.encode() in data.lower()] == []
    done = goldens.run(goldens.project_build_command("--spec", spec, "--out", tmp_path / "out", "--package", PACKAGE))
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    new = goldens.read_tree(tmp_path / "out" / PACKAGE)
    return {
        "changed": {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)},
        "showing": {p for p, data in new.items() if WORD.encode() in data.lower()},
        "all": set(new),
    }


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    shutil.copytree(SPEC_DIR, tmp_path / "spec")
    return tmp_path / "spec" / "openapi.yaml"


def test_a_description_edit_changes_the_files_showing_it_and_the_manifest(
    spec_copy: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    api, _ = load_api(spec_copy, PACKAGE)
    operation, parameter = next((op, p) for op in api.operations() for p in op.parameters if p.description)
    file, pointer = where_written(spec_copy, operation)

    def reword(node: dict[str, Any]) -> None:
        (written,) = [p for p in node["parameters"] if p.get("name") == parameter.wire_name]
        written["description"] = f"{written['description']} ({WORD.capitalize()})"

    edit(file, pointer, reword)
    found = changed_files(tmp_path, tmp_path_factory, spec_copy)
    assert found["showing"], "the new description shows nowhere"
    assert found["changed"] == found["showing"] | {MANIFEST}
    assert len(found["changed"]) < len(found["all"]) // 2


def test_a_new_parameter_changes_the_files_rendering_its_operation_and_the_manifest(
    spec_copy: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    api, _ = load_api(spec_copy, PACKAGE)
    operation = api.operations()[-1]
    file, pointer = where_written(spec_copy, operation)

    def add_parameter(node: dict[str, Any]) -> None:
        node.setdefault("parameters", []).append(
            {"name": f"{WORD}_mode", "in": "query", "required": False, "schema": {"type": "string"}}
        )

    edit(file, pointer, add_parameter)
    found = changed_files(tmp_path, tmp_path_factory, spec_copy)
    resource_module = f"resources/{'_'.join(operation.resource_path)}.py"
    assert resource_module in found["showing"]
    assert found["changed"] == found["showing"] | {MANIFEST}
    assert len(found["changed"]) < len(found["all"]) // 2
