"""Every Python example of the generated docs (README.md, api.md, reference/*.md) type-checks with
`mypy --strict` and runs against the loopback server, for the main package and every fixture whose
spec has a request body: the examples of operations with a body pass its required fields, typed.

The server answers each request with the first success response of its operation in the spec, a
minimal valid body sampled from the schema (tests/support/samples.py).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.doc_examples import Package, pointed_at
from support.samples import reply_for
from support.server import RecordedRequest, Reply, TestServer
from support.shared import MYPY_STRICT, kept_mypy_cache

from generator.loader import SourceFiles
from generator.resolver import resolve

ROOT = Path(__file__).resolve().parents[1]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


@dataclass(frozen=True)
class Example:
    package: Package
    source: str  # the doc file, relative to the package
    index: int
    code: str

    @property
    def module(self) -> str:
        stem = re.sub(r"\W", "_", self.source.removesuffix(".md"))
        return f"ex_{self.package.name}_{stem}_{self.index}"


def packages() -> list[Package]:
    found = [Package(goldens.MAIN_PACKAGE, goldens.GENERATED / goldens.MAIN_PACKAGE, ROOT / "spec" / "openapi.yaml")]
    for name in goldens.FIXTURES:
        spec = goldens.fixture_spec(name)
        if re.search(r"^\s+requestBody:", spec.read_text(encoding="utf-8"), re.MULTILINE):
            found.append(Package(name, goldens.fixture_expected(name), spec))
    return found


def examples(package: Package) -> list[Example]:
    docs = [
        package.folder / "README.md",
        package.folder / "api.md",
        *sorted((package.folder / "reference").glob("*.md")),
    ]
    found = []
    for doc in docs:
        blocks = re.findall(r"^```python\n(.*?)^```$", doc.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
        found += [
            Example(package, doc.relative_to(package.folder).as_posix(), i, code) for i, code in enumerate(blocks)
        ]
    return found


PACKAGES = packages()
EXAMPLES = [example for package in PACKAGES for example in examples(package)]


def test_every_operation_has_its_example() -> None:
    assert {p.name for p in PACKAGES} >= {goldens.MAIN_PACKAGE, "bodies", "forms", "writes"}
    for package in PACKAGES:
        document = resolve(package.spec, SourceFiles()).document
        operations = [
            operation
            for item in document["paths"].values()
            for operation in [
                *(v for k, v in item.items() if k in HTTP_METHODS),
                *(item.get("additionalOperations") or {}).values(),
            ]
        ]
        waits = sum(len(operation.get("x-poll") or ()) for operation in operations)  # each has its own example
        count = len(operations) + waits
        assert len([e for e in EXAMPLES if e.package == package and e.source.startswith("reference/")]) == count


def test_the_examples_pass_mypy_strict(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One run over every example, written where they were last time, so the kept cache re-checks
    only what changed (the packages' paths are the committed ones)."""
    with kept_mypy_cache(tmp_path_factory, "doc-examples") as cache:
        folder = cache.with_name(cache.name + "-files")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for example in EXAMPLES:
            (folder / f"{example.module}.py").write_text(example.code, encoding="utf-8")
        done = subprocess.run(
            [
                *(sys.executable, "-m", "mypy", *MYPY_STRICT, "--no-error-summary", "--cache-dir", str(cache)),
                *sorted(f"{e.module}.py" for e in EXAMPLES),
            ],
            cwd=folder,
            env={"MYPYPATH": os.pathsep.join(str(p.root) for p in PACKAGES), "PATH": ""},
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.package.name}/{e.source}#{e.index}")
def test_the_example_runs(
    server: TestServer, example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an example may write a file (a download)
    if str(example.package.root) not in sys.path:
        sys.path.insert(0, str(example.package.root))
    document = resolve(example.package.spec, SourceFiles()).document
    answered: list[RecordedRequest] = []

    def handler(request: RecordedRequest) -> Reply:
        answered.append(request)
        return reply_for(document, request)

    server.set_handler(handler)
    with pointed_at(server, example.package), contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # an example of a deprecated operation
        namespace: dict[str, Any] = {"__name__": "__main__"}
        exec(compile(example.code, example.module, "exec"), namespace)
    if example.source.startswith("reference/"):
        assert answered, "an operation's example sends its request"
