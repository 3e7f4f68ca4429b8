"""Every Python example of the project's README works as written: extracted, type-checked with
`mypy --strict`, linted with ruff's default rules and import order (the rules a downstream project
applies to the package), and run against the loopback server.

- An example that imports a generated package (`from llamacloud import Client`, or a fixture's
  package: `from streaming import Client`) runs with that package's client pointed at the server,
  which answers each operation with a sample of its spec's first success response.
- The custom-code example (files that start at `# custom/<name>.py` lines) is the folder
  `--custom` copies into the package: spec/ is built with it, the package passes `mypy --strict`,
  and each call its comments show (`# client.beta.batch.is_done("bjb-1")`) runs against the server.

No example is listed here: a new block in the README is picked up and must work.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.doc_examples import Package, pointed_at
from support.samples import reply_for
from support.server import RecordedRequest, Reply, TestServer
from support.shared import MYPY_STRICT, Wanted, build_once, mypy_cache

from generator.loader import SourceFiles
from generator.resolver import resolve

README = goldens.REPO / "README.md"
CUSTOM_FILE = re.compile(r"^# (custom/\w+\.py)$", re.MULTILINE)
RUFF_RULES = ("--isolated", "--select", "E4,E7,E9,F,I", "--target-version", "py311")


@dataclass(frozen=True)
class Block:
    index: int
    code: str

    @property
    def module(self) -> str:
        return f"readme_example_{self.index}"

    @property
    def custom_files(self) -> dict[str, str]:
        """`custom/<name>.py` -> its text, when the block is the custom-code example."""
        parts = CUSTOM_FILE.split(self.code)
        return {name: text.strip() + "\n" for name, text in zip(parts[1::2], parts[2::2], strict=True)}


def blocks() -> list[Block]:
    """The README's ```python blocks, dedented when they stand in a list item."""
    found = []
    for indent, body in re.findall(r"^( *)```python\n(.*?)^\1```$", README.read_text(encoding="utf-8"), re.M | re.S):
        lines = [line.removeprefix(indent) for line in body.splitlines()]
        found.append(Block(len(found), "\n".join(lines) + "\n"))
    return found


BLOCKS = blocks()
USAGE = [b for b in BLOCKS if not b.custom_files]
(CUSTOM,) = [b for b in BLOCKS if b.custom_files]


def package_of(block: Block) -> Package:
    """The generated package the example imports: the project's, or a fixture's."""
    imported = set(re.findall(r"^from (\w+) import", block.code, re.M)) & {goldens.MAIN_PACKAGE, *goldens.FIXTURES}
    assert len(imported) == 1, f"README example {block.index} must import one generated package: {imported}"
    (name,) = imported
    if name == goldens.MAIN_PACKAGE:
        return Package(name, goldens.GENERATED / name, goldens.REPO / "spec" / "openapi.yaml")
    return Package(name, goldens.fixture_expected(name), goldens.fixture_spec(name))


def ruff(folder: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", *RUFF_RULES, "--no-cache", *files],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def mypy(folder: Path, cache: Path, paths: list[str], *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *MYPY_STRICT, "--no-error-summary", "--cache-dir", str(cache), *targets],
        cwd=folder,
        env={**os.environ, "MYPYPATH": os.pathsep.join(paths)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_readme_has_usage_examples_and_the_custom_code_example() -> None:
    assert USAGE and CUSTOM.custom_files
    assert {package_of(b).name for b in USAGE} >= {goldens.MAIN_PACKAGE}


@pytest.mark.slow
def test_the_usage_examples_pass_ruff_and_mypy_strict(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    for block in USAGE:
        (tmp_path / f"{block.module}.py").write_text(block.code, encoding="utf-8")
    files = sorted(f"{b.module}.py" for b in USAGE)
    linted = ruff(tmp_path, *files)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    roots = sorted({str(package_of(b).root) for b in USAGE})
    checked = mypy(tmp_path, mypy_cache(tmp_path_factory, tmp_path / ".mypy_cache"), roots, *files)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("block", USAGE, ids=lambda b: f"example-{b.index}")
def test_the_usage_example_runs(
    server: TestServer, block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an example may write a file
    package = package_of(block)
    if str(package.root) not in sys.path:
        sys.path.insert(0, str(package.root))
    document = resolve(package.spec, SourceFiles()).document
    answered: list[RecordedRequest] = []

    def handler(request: RecordedRequest) -> Reply:
        answered.append(request)
        return reply_for(document, request)

    server.set_handler(handler)
    with pointed_at(server, package), contextlib.redirect_stdout(io.StringIO()):
        namespace: dict[str, Any] = {"__name__": "__main__"}
        exec(compile(block.code, block.module, "exec"), namespace)
    assert answered, "the example sends its requests"


@pytest.fixture(scope="module")
def customised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """spec/ built with the README's custom-code folder: the folder holding the package."""
    folder = tmp_path_factory.mktemp("readme-custom")
    for name, text in CUSTOM.custom_files.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    spec = goldens.REPO / "spec" / "openapi.yaml"
    build = build_once(
        tmp_path_factory, Wanted(spec, goldens.MAIN_PACKAGE, options=("--custom", str(folder / "custom")))
    )
    assert (build.returncode, build.stderr) == (0, ""), build.stdout
    return build.out


@pytest.mark.slow
def test_the_custom_code_example_passes_ruff_and_mypy_strict_in_its_package(
    customised: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    linted = ruff(customised / goldens.MAIN_PACKAGE / "_custom", *(Path(n).name for n in CUSTOM.custom_files))
    assert linted.returncode == 0, linted.stdout + linted.stderr
    cache = mypy_cache(tmp_path_factory, tmp_path / "mypy")
    checked = mypy(customised, cache, [], "-p", goldens.MAIN_PACKAGE)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_custom_code_example_runs_and_signs_every_request(customised: Path, server: TestServer) -> None:
    calls = re.findall(r"# (client\.[\w.]+\(.*\))$", CUSTOM.code, re.M)
    assert calls, "the custom-code example shows how its methods are called"
    document = resolve(goldens.REPO / "spec" / "openapi.yaml", SourceFiles()).document
    server.set_handler(lambda request: reply_for(document, request))
    script = f"from {goldens.MAIN_PACKAGE} import Client\nclient = Client()\n" + "".join(f"{c}\n" for c in calls)
    env = {
        **os.environ,
        "PYTHONPATH": str(customised),
        "LLAMA_CLOUD_BASE_URL": server.url,
        "LLAMA_CLOUD_API_KEY": "readme-key",
        "LLAMA_CLOUD_SIGNING_KEY": "secret",
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert server.requests and all(len(r.header("X-Signature") or "") == 64 for r in server.requests)
