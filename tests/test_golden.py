"""Golden tests: a fresh build equals the committed output byte for byte.

* `spec/` -> the committed `generated/llamacloud/`;
* every fixture `tests/fixtures/<name>/spec.yaml` -> its committed `expected/<name>/`,
  which must also import and pass `mypy --strict`.

Goldens change only through `python tests/update_goldens.py`.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.shared import MYPY_STRICT, Build, Wanted, build_all_once, kept_mypy_cache, main_spec

REFRESH = "run `python tests/update_goldens.py`"
MAIN = "spec"  # key of the main build beside the fixture names


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    """The main spec and every fixture, built once per run (shared with other tests), concurrently."""
    fixtures = [
        Wanted(goldens.fixture_spec(name), name, seed=None, options=goldens.fixture_options(name))
        for name in goldens.FIXTURES
    ]
    # The main spec as the repository builds it, in a project: its README names `generated/llamacloud`.
    main = replace(main_spec(), in_project=True)
    done = build_all_once(tmp_path_factory, [main, *fixtures])
    return dict(zip((MAIN, *goldens.FIXTURES), done, strict=True))


def built(build: Build) -> dict[str, bytes]:
    assert build.returncode == 0, f"the build failed (exit {build.returncode}):\n{build.stdout}{build.stderr}"
    assert build.stderr == ""
    return goldens.read_tree(build.target)


def tree_mismatch(expected_root: Path, expected: dict[str, bytes], actual: dict[str, bytes]) -> str | None:
    """None when equal; else what differs, with a unified diff of the first differing file."""
    problems: list[str] = []
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    if missing:
        problems.append("committed but no longer generated: " + ", ".join(missing))
    if extra:
        problems.append("generated but not committed: " + ", ".join(extra))
    differing = sorted(p for p in expected.keys() & actual.keys() if expected[p] != actual[p])
    if differing:
        first = differing[0]
        diff = difflib.unified_diff(
            expected[first].decode("utf-8", "replace").splitlines(keepends=True),
            actual[first].decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"committed {expected_root / first}",
            tofile=f"fresh build {first}",
        )
        lines = list(diff)
        shown = "".join(lines[:200]) + (f"... ({len(lines) - 200} more diff lines)\n" if len(lines) > 200 else "")
        problems.append(f"{len(differing)} file(s) differ: {', '.join(differing)}\n{shown}")
    if not problems:
        return None
    return f"{expected_root} is not what the generator builds now; {REFRESH}\n" + "\n".join(problems)


def test_build_from_spec_equals_committed_generated_package(builds: dict[str, Build]) -> None:
    committed_root = goldens.GENERATED / goldens.MAIN_PACKAGE
    committed = goldens.read_tree(committed_root)
    fresh = built(builds[MAIN])
    assert "models/__init__.py" in committed, f"{committed_root} is missing or empty; {REFRESH}"
    mismatch = tree_mismatch(committed_root, committed, fresh)
    if mismatch is not None:
        pytest.fail(mismatch, pytrace=False)


def test_fixture_folder_holds_exactly_the_registered_fixtures() -> None:
    on_disk = sorted(
        p.name for p in goldens.FIXTURES_DIR.iterdir() if p.is_dir() and p.name not in goldens.IGNORED_DIRS
    )
    assert on_disk == sorted(goldens.FIXTURES), "register new fixtures in FIXTURES of tests/update_goldens.py"
    for name in goldens.FIXTURES:
        assert goldens.fixture_spec(name).is_file()
        expected_parent = goldens.fixture_expected(name).parent
        assert sorted(p.name for p in expected_parent.iterdir()) == [name], f"{expected_parent}; {REFRESH}"


@pytest.mark.parametrize("name", goldens.FIXTURES)
def test_fixture_build_equals_its_committed_expected_output(builds: dict[str, Build], name: str) -> None:
    expected_root = goldens.fixture_expected(name)
    expected = goldens.read_tree(expected_root)
    fresh = built(builds[name])
    assert "models/__init__.py" in expected, f"{expected_root} is missing or empty; {REFRESH}"
    mismatch = tree_mismatch(expected_root, expected, fresh)
    if mismatch is not None:
        pytest.fail(mismatch, pytrace=False)


def _module_names(package: str, tree: dict[str, bytes]) -> list[str]:
    names = []
    for path in tree:
        if path.endswith(".py"):
            parts = [package, *path.removesuffix(".py").split("/")]
            if parts[-1] == "__init__":
                parts.pop()
            names.append(".".join(parts))
    return sorted(names)


def test_fixture_outputs_import_every_module(builds: dict[str, Build], tmp_path: Path) -> None:
    """A fresh interpreter imports every module of every fixture package (nothing lazy stays broken)."""
    script = (
        "import importlib, pkgutil, sys\n"
        "names = []\n"
        "for package in sys.argv[1:]:\n"
        "    root = importlib.import_module(package)\n"
        "    names.append(package)\n"
        "    for info in pkgutil.walk_packages(root.__path__, package + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "        names.append(info.name)\n"
        "print('\\n'.join(sorted(names)))\n"
    )
    expected: list[str] = []
    for name in goldens.FIXTURES:
        expected += _module_names(name, built(builds[name]))
    env = {"PYTHONPATH": os.pathsep.join(str(builds[name].out) for name in goldens.FIXTURES)}
    done = subprocess.run(
        [sys.executable, "-c", script, *goldens.FIXTURES],
        cwd=tmp_path,  # an empty folder: only PYTHONPATH makes the packages importable
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == sorted(expected)


@pytest.mark.slow
def test_fixture_outputs_pass_mypy_strict(builds: dict[str, Build], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Over the committed goldens (what the builds give: test_fixture_build_equals_its_committed_expected_output), whose
    paths stay the same between runs, so mypy's kept cache re-checks only what changed."""
    packages = []
    for name in goldens.FIXTURES:
        assert built(builds[name])
        packages.append(str(goldens.fixture_expected(name)))
    with kept_mypy_cache(tmp_path_factory, "fixtures") as cache:
        done = subprocess.run(
            [sys.executable, "-m", "mypy", *MYPY_STRICT, "--cache-dir", str(cache), "--no-error-summary", *packages],
            cwd=goldens.FIXTURES_DIR,  # no project configuration: --strict alone decides
            env=dict(os.environ),
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
