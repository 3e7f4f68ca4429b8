"""A generated package fits into the project that vendors it, as its README's "Vendoring" section says.

Every generated package (the main one and each fixture's) passes `ruff check` with ruff's default rules
(`mypy --strict`: tests/test_golden.py and tests/test_quality.py). A project with stricter settings
copies the main package into `your_project/_vendor/`, takes the README's ruff and mypy snippet, and
is clean: the folder is left out, its own code still type-checked against the package. Generated
under another name (`--package`) with the README's overlay, the package reads the environment
variables and logs to the logger the overlay names; without one it logs under its import path.

The generated packages declare the lowest versions of httpx and pydantic they work with, and CI runs
the tests of tests/runtime_tests.txt on exactly those (.ci/run): the list is checked here.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml
from support import floors
from support.shared import kept_mypy_cache

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = goldens.GENERATED / goldens.MAIN_PACKAGE
PACKAGES = [PACKAGE, *(goldens.fixture_expected(name) for name in goldens.FIXTURES)]
VENDOR = Path("your_project", "_vendor")  # where the README puts the package
# A project stricter than ruff's and mypy's defaults, in the ways a vendored package is not written
# for: a shorter line, more rule families, no explicit `Any`.
STRICTER = """\
[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "RUF"]

[tool.ruff.lint.pycodestyle]
max-line-length = 79

[tool.mypy]
strict = true
disallow_any_explicit = true
warn_unreachable = true
"""
APP = '''\
"""The project's own code, calling the vendored client."""

from your_project._vendor.{package} import Client


def base_url(api_key: str) -> str:
    """The URL the client calls."""
    return str(Client(api_key=api_key).base_url)
'''
MISUSE = """\
from your_project._vendor.{package} import Client

Client(max_retries="2")
"""
# What the generator needs beyond what its generated packages need: none of it may be imported by a
# test that CI runs on the packages' lowest versions, in a venv without it.
GENERATOR_ONLY = frozenset(
    {"generator", "yaml", "jinja2", "datamodel_code_generator", "jsonpath_rfc9535", "ruff", "mypy"}
    | {"hypothesis", "openapi_spec_validator", "jsonschema", "llama_cloud", "openapi_python_client"}
)


def vendoring_blocks(readme: Path) -> dict[str, str]:
    """The code blocks of the README's "Vendoring" section by language (list items' indent removed)."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("\n## Vendoring\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^( *)```(\w+)\n(.*?)^\1```$", section, re.M | re.S)
    return {language: textwrap.dedent(code) for _, language, code in blocks}


def vendored(root: Path, package: Path = PACKAGE) -> Path:
    """`package` copied into `root/your_project/_vendor/` as the README says; `root`."""
    shutil.copytree(package, root / VENDOR / package.name, ignore=shutil.ignore_patterns(*goldens.IGNORED_DIRS))
    for folder in (root / VENDOR.parent, root / VENDOR):
        (folder / "__init__.py").touch()
    return root


def python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter at `cwd`, with `env` as the only variables of the client's."""
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith(("LLAMA", "YOUR_"))}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=clean | env, capture_output=True, text=True, timeout=60
    )


def test_every_generated_package_passes_ruff_with_its_default_rules() -> None:
    """`ruff check --isolated`: ruff's default rules and line length, whatever the project around."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", *map(str, PACKAGES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_snippet_leaves_the_package_out_of_a_stricter_ruff(tmp_path: Path) -> None:
    project = vendored(tmp_path)
    (project / VENDOR.parent / "app.py").write_text(APP.format(package=PACKAGE.name), encoding="utf-8")
    ruff = [sys.executable, "-m", "ruff", "check", "--no-cache"]
    (project / "pyproject.toml").write_text(STRICTER, encoding="utf-8")
    without = subprocess.run([*ruff, "."], cwd=project, capture_output=True, text=True, check=False)
    assert without.returncode == 1 and f"{VENDOR / PACKAGE.name}/" in without.stdout  # what it would flag
    (project / "pyproject.toml").write_text(STRICTER + "\n" + vendoring_blocks(PACKAGE / "README.md")["toml"])
    checked = subprocess.run([*ruff, "--show-files", "."], cwd=project, capture_output=True, text=True, check=True)
    assert checked.stdout.count(str(VENDOR.parent / "app.py")) == 1
    assert str(VENDOR / PACKAGE.name) not in checked.stdout
    done = subprocess.run([*ruff, "."], cwd=project, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_readme_snippet_leaves_the_package_out_of_a_stricter_mypy(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The stricter mypy flags the package; with the snippet it reports only the project's own
    mistake, a call of the vendored client checked against its types."""
    # The project and a cache per configuration kept between runs: a second run re-checks what changed.
    with (
        kept_mypy_cache(tmp_path_factory, "vendoring-stricter") as stricter,
        kept_mypy_cache(tmp_path_factory, "vendoring-snippet") as snippet,
    ):
        folder = stricter.with_name(stricter.name + "-files")
        shutil.rmtree(folder, ignore_errors=True)
        project = vendored(folder / "project")
        (project / VENDOR.parent / "app.py").write_text(APP.format(package=PACKAGE.name), encoding="utf-8")
        (project / VENDOR.parent / "misuse.py").write_text(MISUSE.format(package=PACKAGE.name), encoding="utf-8")
        mypy = [sys.executable, "-m", "mypy", "--no-error-summary", "your_project"]
        env = {**os.environ, "MYPYPATH": ""}
        (project / "pyproject.toml").write_text(STRICTER, encoding="utf-8")
        without = subprocess.run(
            [*mypy, "--cache-dir", str(stricter)], cwd=project, env=env, capture_output=True, text=True, check=False
        )
        assert f"{VENDOR / PACKAGE.name}/" in without.stdout  # what it would flag
        (project / "pyproject.toml").write_text(STRICTER + "\n" + vendoring_blocks(PACKAGE / "README.md")["toml"])
        done = subprocess.run(
            [*mypy, "--cache-dir", str(snippet)], cwd=project, env=env, capture_output=True, text=True, check=False
        )
    errors = done.stdout.splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"{VENDOR.parent / 'misuse.py'}:3: error: "), done.stdout
    assert "[arg-type]" in errors[0]


def test_a_vendored_package_logs_under_its_import_path(tmp_path: Path) -> None:
    project = vendored(tmp_path)
    variable = re.search(r"`(\w+)=debug`", (PACKAGE / "README.md").read_text(encoding="utf-8"))
    assert variable is not None
    name = ".".join([*VENDOR.parts, PACKAGE.name])
    code = f"""if True:
        import logging
        from {name} import Client
        Client(api_key="k")
        print(logging.getLogger({name!r}).level, len(logging.getLogger({name!r}).handlers))
        print(len(logging.getLogger({PACKAGE.name!r}).handlers))
    """
    done = python(code, project, **{variable.group(1): "debug"})
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [f"{10} 1", "0"]  # DEBUG, one handler; none on a top-level name


@pytest.mark.slow
def test_a_renamed_package_takes_the_names_of_the_readme_overlay(tmp_path: Path) -> None:
    overlay_text = vendoring_blocks(PACKAGE / "README.md")["yaml"]
    names = yaml.safe_load(overlay_text)["actions"][0]["update"]["x-client"]
    overlay = tmp_path / "vendored.overlay.yaml"
    overlay.write_text(overlay_text, encoding="utf-8")
    project = tmp_path / "project"
    (project / VENDOR).mkdir(parents=True)
    for folder in (project / VENDOR.parent, project / VENDOR):
        (folder / "__init__.py").touch()
    spec = ROOT / "spec" / "openapi.yaml"
    args = ("--spec", spec, "--overlay", overlay, "--package", "other_name", "--out", project / VENDOR)
    built = subprocess.run(
        goldens.build_command(*args), env=goldens.generator_env(), capture_output=True, text=True, timeout=300
    )
    assert built.returncode == 0, built.stderr
    module = ".".join([*VENDOR.parts, "other_name"])
    code = f"""if True:
        import logging
        from {module} import APIError, Client
        try:
            Client().beta.batch.get_status("bjb-1")  # the key is required by the call, before sending
        except APIError as error:
            print(error)
        import os
        os.environ[{names["api-key-env"]!r}] = "k-123456"
        client = Client()
        logger = logging.getLogger({names["logger"]!r})
        print(client.base_url, logger.level, len(logger.handlers))
    """
    done = python(code, project, **{names["base-url-env"]: "http://127.0.0.1:9/", names["log-env"]: "debug"})
    assert (done.returncode, done.stderr) == (0, "")
    missing, configured = done.stdout.splitlines()
    assert names["api-key-env"] in missing
    assert configured == "http://127.0.0.1:9/ 10 1"
    shown = subprocess.run(
        [sys.executable, "-m", module, "--help"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0
    for key in ("api-key-env", "base-url-env", "log-env"):
        assert f"  {names[key]} " in shown.stdout, key


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("logger", "my lib", "x-client logger 'my lib' is not a logger name"),
        ("logger", "mylib.", "x-client logger 'mylib.' is not a logger name"),
        ("log-env", "MY-LOG", "'MY-LOG' is not an environment variable name"),
    ],
)
def test_a_wrong_logger_or_log_variable_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, message: str
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
        f"x-client:\n  {key}: {value}\n"
        "paths:\n  /things:\n    get:\n      operationId: list_things\n      responses: {'200': {description: ok}}\n",
        encoding="utf-8",
    )
    code = main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "pkg"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out").exists()
    assert f"openapi.yaml:4:{len(key) + 5} #/x-client/{key}: {message}" in err


# -- the lowest versions, proven by CI --------------------------------------------------------------
def runtime_test_modules() -> list[Path]:
    lines = (ROOT / "tests" / "runtime_tests.txt").read_text(encoding="utf-8").splitlines()
    return [ROOT / line for line in lines if line.strip() and not line.startswith("#")]


def imported(path: Path) -> set[str]:
    """The modules `path` imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_the_runtime_tests_import_nothing_of_the_generator() -> None:
    """What tests/runtime_tests.txt lists, and the test helpers they import, run in CI's venv of the
    lowest versions, where the generator's own dependencies are not installed."""
    modules = runtime_test_modules()
    assert modules and all(path.is_file() for path in modules)
    seen: set[Path] = set()
    pending = [*modules, ROOT / "tests" / "conftest.py"]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        names = imported(path)
        assert not {name.split(".")[0] for name in names} & GENERATOR_ONLY, path
        helpers = [ROOT / "tests" / (name.replace(".", "/") + ".py") for name in names if name.startswith("support.")]
        pending += [helper for helper in helpers if helper.is_file()]
    assert ROOT / "tests" / "support" / "server.py" in seen  # the helpers were followed


def test_ci_pins_every_dependency_of_every_package_at_its_lowest_version() -> None:
    wanted = floors.requirements()
    for package in PACKAGES:
        declared = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
        assert floors.floor_pins(declared) == wanted[: len(declared)], package.name
    assert [pin.split("==")[0] for pin in wanted[len(floors.floor_pins(declared)) :]] == list(floors.TEST_TOOLS)
    assert floors.floor_pins(["httpx>=0.27.0,<1", "pydantic >= 2.7.0, < 3"]) == ["httpx==0.27.0", "pydantic==2.7.0"]
    with pytest.raises(ValueError, match="declares no lowest version"):
        floors.floor_pins(["httpx<1"])
