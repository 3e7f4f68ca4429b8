"""Walking the maintainer's loop in a copy of the project: the README's "Adding an endpoint" section read
as edits (its placed YAML blocks), made under unused names where the spec already has them, and
commands run in the copy as a maintainer runs them there."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml

REPO = goldens.REPO
Edits = list[tuple[str, str | None, str]]  # (file, the key path to add under or None to append, YAML text)
# Never copied: environments, caches, version control.
NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".*_cache", ".generator-cache")
PLACEMENT = re.compile(r"# (spec/\S+\.yaml)(?: \((append)\)|, under (\S+))\n")


def readme_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Adding an endpoint\n", 1)[1].split("\n## ", 1)[0]


def edits(section: str) -> Edits:
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


def operations(blocks: Edits) -> dict[str, dict[str, Any]]:
    """Method name -> operation object, for the operations the section adds."""
    found = {}
    for file, _, text in blocks:
        if file.startswith("spec/paths/"):
            for item in yaml.safe_load(text).values():
                for operation in item.values():
                    found[operation["x-method"]] = operation
    return found


def schemas(blocks: Edits, file: str, under: str | None = None) -> dict[str, Any]:
    """Name -> value of the blocks placed in `file` (under the key path `under`)."""
    found: dict[str, Any] = {}
    for placed, where, text in blocks:
        if (placed, where) == (file, under):
            found.update(yaml.safe_load(text))
    return found


def body_properties(blocks: Edits, operation: dict[str, Any]) -> list[str]:
    """The properties of the (JSON, referenced) body schema `operation` takes, as the section writes it."""
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    file, name = ref.split("#/")
    schema = schemas(blocks, "spec/schemas/" + Path(file).name)[name]
    return list(schema["properties"])


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


def unused(blocks: Edits, spec: Path) -> Edits:
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


def apply(copy: Path, blocks: Edits) -> None:
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
