"""The large public specs of tests/real_specs: `box.json` (296 operations, 305 schemas),
`openai.yaml` (288 operations, 1,422 schemas) and `stripe.yaml` (468 operations, 819 schemas) build
without a warning; every operation is a method of
both clients and has its endpoint; every module imports; the package passes `mypy --strict`; and a
first call parses its answer, importing the model modules its answer reaches and no others.

Together they take minutes of CPU (`stripe.yaml` alone a build of 13 s on both cores, mypy and the
imports of thousands of classes): more than the default suite can take, so they
are marked `big`, a group the README's `pytest` leaves out and CI runs in a step of its own
(`pytest -m big`, .ci/run). Each build is made once per run and shared by the parallel workers;
the checks run in fresh interpreters.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.shared import MYPY_STRICT, Wanted, build_once, mypy_cache

SPECS = Path(__file__).resolve().parents[1] / "tests" / "real_specs"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
pytestmark = pytest.mark.big


@dataclass(frozen=True)
class Case:
    spec: Path
    package: str
    call: str  # `resource.method(args)`, answered with `body`
    body: dict[str, Any]
    model: str  # the class the call returns


CASES = {
    "box": Case(SPECS / "box.json", "box_client", 'files.get_id("12345")', {"id": "12345", "type": "file"}, "FileFull"),
    "openai": Case(
        SPECS / "openai.yaml",
        "openai_client",
        'models.retrieve("gpt-4o")',
        {"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "openai"},
        "Model",
    ),
    "stripe": Case(
        SPECS / "stripe.yaml",
        "stripe_client",
        'customers.get_customer("cus_1")',
        {"id": "cus_1", "object": "customer", "created": 1, "livemode": False},
        "Customer",
    ),
}


@dataclass(frozen=True)
class Big:
    case: Case
    out: Path  # the folder holding the package
    returncode: int
    stdout: str
    stderr: str

    @property
    def target(self) -> Path:
        return self.out / self.case.package


@pytest.fixture(scope="module", params=sorted(CASES))
def big(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Big:
    case = CASES[request.param]
    done = build_once(tmp_path_factory, Wanted(case.spec, case.package, seed=None))
    return Big(case, done.out, done.returncode, done.stdout, done.stderr)


def spec_operations(case: Case) -> list[tuple[str, str]]:
    """(HTTP method, path) of every operation of the spec."""
    text = case.spec.read_text(encoding="utf-8")
    document = json.loads(text) if case.spec.suffix == ".json" else yaml.load(text, Loader=_Loader)
    return sorted(
        (method.upper(), path) for path, item in document["paths"].items() for method in item if method in HTTP_METHODS
    )


def run_python(big: Big, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=big.out,
        env={**os.environ, "PYTHONPATH": str(big.out)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_builds_without_a_warning(big: Big) -> None:
    assert big.returncode == 0, big.stdout + big.stderr
    assert big.stderr == ""
    assert f": {len(spec_operations(big.case))} operations, " in big.stdout


_SURFACE = """
import functools, importlib, inspect, json, pkgutil
package = importlib.import_module("{package}")
from {package}._runtime._base_client import Endpoint

def walk(resource, path=()):
    found = {{}}
    for name, attr in vars(type(resource)).items():
        if name.startswith("_") or name in ("with_raw_response", "with_streaming_response"):
            continue
        if isinstance(attr, functools.cached_property):
            found |= walk(getattr(resource, name), (*path, name))
        elif inspect.isfunction(attr):
            found[".".join((*path, name))] = inspect.iscoroutinefunction(attr)
    return found

sync = walk(package.Client(api_key="k", base_url="http://127.0.0.1:9"))
async_ = walk(package.AsyncClient(api_key="k", base_url="http://127.0.0.1:9"))
endpoints = []
for info in pkgutil.iter_modules(importlib.import_module("{package}.resources").__path__):
    module = importlib.import_module("{package}.resources." + info.name)
    endpoints += [[v.method, v.path] for v in vars(module).values() if isinstance(v, Endpoint)]
print(json.dumps({{"sync": sync, "async": async_, "endpoints": sorted(endpoints)}}))
"""


@pytest.mark.slow
def test_every_operation_is_a_method_of_both_clients_with_its_endpoint(big: Big) -> None:
    operations = spec_operations(big.case)
    found = json.loads(run_python(big, _SURFACE.format(package=big.case.package)))
    # An operation answering a body or a stream as asked declares an endpoint for each.
    assert sorted({tuple(e) for e in found["endpoints"]}) == operations
    assert len(found["sync"]) == len(operations)
    assert sorted(found["sync"]) == sorted(found["async"])
    assert not any(found["sync"].values()) and all(found["async"].values())


@pytest.mark.slow
def test_every_module_imports(big: Big) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"root = importlib.import_module({big.case.package!r})\n"
        "names = [info.name for info in pkgutil.walk_packages(root.__path__, root.__name__ + '.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "models = importlib.import_module(root.__name__ + '.models')\n"
        "from typing_extensions import TypeAliasType\n"
        "assert all(isinstance(getattr(models, name), type | TypeAliasType) for name in models.__all__)\n"
        "print(len(names), len(models.__all__))\n"
    )
    modules, classes = map(int, run_python(big, code).split())
    on_disk = [p for p in big.target.rglob("*.py") if p.name != "__init__.py" or p.parent != big.target]
    assert modules == len(on_disk)
    assert classes > 0


@pytest.mark.slow
def test_passes_mypy_strict(big: Big, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = mypy_cache(tmp_path_factory, tmp_path / "mypy-cache")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", *MYPY_STRICT, "--cache-dir", str(cache), "--no-error-summary", big.case.package],
        cwd=big.out,  # no project configuration: --strict alone decides
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def model_imports(folder: Path) -> dict[str, set[str]]:
    """Model module -> the model modules it imports."""
    graph: dict[str, set[str]] = {}
    for path in folder.glob("_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[path.stem] = {
            node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
        }
    return graph


@pytest.mark.slow
def test_a_first_call_parses_its_answer_and_imports_only_the_models_it_reaches(big: Big) -> None:
    case = big.case
    code = f"""
import json, sys
import httpx
import {case.package} as package
body = json.dumps({case.body!r}).encode()
reply = lambda request: httpx.Response(200, content=body, headers={{"content-type": "application/json"}})
http_client = httpx.Client(transport=httpx.MockTransport(reply))
client = package.Client(api_key="k", base_url="http://test", http_client=http_client)
value = client.{case.call}
loaded = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("{case.package}.models._"))
print(json.dumps([type(value).__name__, type(value).__module__.rsplit(".", 1)[1], loaded]))
"""
    name, home, loaded = json.loads(run_python(big, code))
    assert name == case.model
    graph = model_imports(big.target / "models")
    reached, stack = {home}, [home]
    while stack:
        for other in graph[stack.pop()] - reached:
            reached.add(other)
            stack.append(other)
    assert loaded == sorted(reached)
    assert len(loaded) < len(graph)
