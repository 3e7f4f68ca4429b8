"""Refresh every golden file: the committed `generated/` package, each fixture's `expected/` tree and
the expected reports of `python -m generator diff` (tests/diff_fixtures/).

    python tests/update_goldens.py                  # all of them (the usual command)
    python tests/update_goldens.py --fixtures-only  # only tests/fixtures/*/expected/
    python tests/update_goldens.py --generated-only # only generated/ (same as `python -m generator build`)
    python tests/update_goldens.py --diffs-only     # only tests/diff_fixtures/*/expected.*
    python tests/update_goldens.py --mcp-only       # only tests/mcp_goldens/ (from the committed packages)

Goldens change only through this script, so a diff of them in review is a diff of generator output.

Fixture layout: `tests/fixtures/<name>/spec.yaml` (plus any files it `$ref`s) is built with
`--package <name>` into `tests/fixtures/<name>/expected/<name>/`; a `custom/` or `templates/` folder
beside the spec is passed as `--custom` or `--templates`. Every fixture is listed in
`FIXTURES`; `tests/test_golden.py` checks the folder holds exactly those.

The helpers below are also what the tests use to run a build and read a tree, so the tests compare
against goldens produced the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES_DIR = REPO / "tests" / "fixtures"
# One folder per kind of change: old.yaml, new.yaml and the report in each format, expected.<suffix>.
DIFF_FIXTURES_DIR = REPO / "tests" / "diff_fixtures"
DIFF_FORMATS = {"text": "txt", "markdown": "md", "json": "json"}
# The MCP server's `tools/list`, as the `mcp` SDK's client receives it, of the packages named here
# (tests/test_mcp.py): `<package>.json`.
MCP_GOLDENS_DIR = REPO / "tests" / "mcp_goldens"
MCP_GOLDEN_PACKAGES = ("llamacloud", "mcp_tools")
# The digest of spec/ the seed package's golden was made from (see mcp_golden_spec_changed).
MCP_SEED_SPEC_DIGEST = MCP_GOLDENS_DIR / "llamacloud.spec-sha256"
GENERATED = REPO / "generated"
# The public specs the tests and benchmarks read (tests/real_specs/README.md), and the seed pages spec/
# was captured from: everything a test reads is in the repository.
REAL_SPECS = REPO / "tests" / "real_specs"
SOURCES = REPO / "spec" / "sources"
MAIN_PACKAGE = "llamacloud"
# name -> a fixture under FIXTURES_DIR; the package it generates is named the same.
FIXTURES: tuple[str, ...] = (
    "minimal",
    "no_auth_text",
    "split",
    # OpenAPI coverage (tests/test_openapi_coverage.py)
    "oas30",
    "oas31",
    "composition",
    "maps_enums",
    "inline",
    "params",
    "bodies",
    "responses",
    # Streaming responses (tests/test_streaming*.py)
    "streaming",
    # OpenAPI 3.2 (tests/test_oas32.py)
    "oas32",
    # The maintainer's own code and templates, kept through regeneration (tests/test_custom_code.py)
    "custom_code",
    # every x-pagination style (tests/test_pagination_styles.py)
    "pagination",
    # Pagination recognised without x-pagination (tests/test_pagination_inference.py)
    "inferred_pagination",
    # waits (`x-poll`): several on one operation, nested and dotted field paths (tests/test_polling_waits.py)
    "polling",
    # Request bodies as keyword arguments, TypedDict params, multipart and forms (tests/test_bodies.py)
    "forms",
    "writes",
    # Schemas of large public specs that once gave code mypy refuses or the wrong class (tests/test_typing_edge.py)
    "typing_edge",
    # Shapes of Discord's and Box's specs the models once refused data for, of GitHub's and Cloudflare's
    # that once gave models mypy refuses (tests/test_real_shapes.py)
    "discord_style",
    "box_style",
    "inheritance_style",
    # Responses, parameters, headers and examples shared by $ref, DigitalOcean's way (tests/test_references.py)
    "shared_responses",
    # Names a spec's own words would stutter: titles, environment variables, params types (tests/test_names.py)
    "names",
    # The MCP server: every kind of tool, `x-mcp` names and exclusions (tests/test_mcp*.py)
    "mcp_tools",
    # OAuth 2 client credentials, a second key's keyword, `security: []`; the secret sent in the form
    # with extra fields; webhooks verified and typed (tests/test_oauth2.py, tests/test_webhooks.py)
    "oauth2",
    "oauth2_post",
    "webhooks",
    # Servers of a path item and of an operation, variables, a relative URL (tests/test_servers.py)
    "servers",
)

# Caches a build, a type check or an import may leave behind; never part of a tree.
IGNORED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


def fixture_spec(name: str) -> Path:
    return FIXTURES_DIR / name / "spec.yaml"


def fixture_expected(name: str) -> Path:
    """The committed output of fixture `name`: the package folder itself."""
    return FIXTURES_DIR / name / "expected" / name


def build_command(*args: str | os.PathLike[str]) -> list[str]:
    """A build of a fixture or a scratch spec: `--isolated`, so the repository's own `[tool.generator]`
    (its custom code, templates, overlays...) never reaches it."""
    return [sys.executable, "-m", "generator", "build", "--isolated", *(os.fspath(a) for a in args)]


def project_build_command(*args: str | os.PathLike[str]) -> list[str]:
    """`python -m generator build` as a maintainer runs it in a project: `[tool.generator]` read."""
    return [sys.executable, "-m", "generator", "build", *(os.fspath(a) for a in args)]


def fixture_options(name: str) -> tuple[str, ...]:
    """`--custom` and `--templates` for the folders of those names beside the fixture's spec."""
    options: list[str] = []
    for folder in ("custom", "templates"):
        if (FIXTURES_DIR / name / folder).is_dir():
            options += [f"--{folder}", str(FIXTURES_DIR / name / folder)]
    return tuple(options)


def fixture_build_args(name: str, out: Path) -> list[str | os.PathLike[str]]:
    return ["--spec", fixture_spec(name), "--out", out, "--package", name, *fixture_options(name)]


def main_build_args(out: Path) -> list[str | os.PathLike[str]]:
    return ["--spec", REPO / "spec" / "openapi.yaml", "--out", out, "--package", MAIN_PACKAGE]


# The bytecode of every interpreter the tests (and this script) start goes to one folder outside the
# source trees and stays there between runs: nothing is written into a package a build or a golden
# compares, and each later process loads .pyc files instead of compiling the generator again.
PYCACHE = Path(tempfile.gettempdir()) / f"openapi-client-generator-pycache-{os.getuid()}"


def bytecode_env() -> dict[str, str]:
    """What a process's environment needs for that (and PYTHONDONTWRITEBYTECODE removed)."""
    return {"PYTHONPYCACHEPREFIX": str(PYCACHE)}


def use_bytecode_cache() -> None:
    """This process, and every process it starts, keeps its bytecode in PYCACHE."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.update(bytecode_env())
    sys.pycache_prefix = str(PYCACHE)
    sys.dont_write_bytecode = False


def generator_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a build: the repository importable from any working directory."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(bytecode_env())
    env.update(extra or {})
    return env


def run(
    command: Sequence[str], *, cwd: Path = REPO, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`command` in a process of its own; a build of this repository's generator with nothing to
    set up (this working directory, this environment) runs in this process instead, as the fuzz
    builds do: the same exit code and output, without a second interpreter importing everything."""
    if env is None and list(command[:3]) == [sys.executable, "-m", "generator"] and Path.cwd() == cwd:
        return run_in_process(list(command))
    return subprocess.run(
        list(command),
        cwd=cwd,
        env=generator_env(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


_warm = False


def run_in_process(command: list[str]) -> subprocess.CompletedProcess[str]:
    """`python -m generator ...` through `generator.cli.main`. The models library is warmed once in
    this process first, so each build's forked models worker starts warm."""
    global _warm
    from generator.cli import main

    if not _warm:
        from generator.render.models import ModelsRequest, render_models

        render_models(ModelsRequest("warm", "0", {"A": {"type": "object"}}, frozenset()))
        _warm = True
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="backslashreplace") as stdout,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="backslashreplace") as stderr,
    ):
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(command[3:])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        stdout.seek(0)
        stderr.seek(0)
        return subprocess.CompletedProcess(command, code, stdout.read(), stderr.read())


def read_tree(root: Path) -> dict[str, bytes]:
    """Relative POSIX path -> bytes of every file under `root`, caches excluded."""
    files: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def _checked(done: subprocess.CompletedProcess[str], what: str) -> None:
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"building {what} failed (exit {done.returncode})")


def refresh_generated() -> None:
    """`python -m generator build` in the repository: [tool.generator] defaults, i.e. generated/llamacloud."""
    done = run(project_build_command())
    _checked(done, "generated/")
    print(done.stdout.strip())


def refresh_fixture(name: str) -> None:
    """Builds fixture `name` into a scratch folder, then replaces its expected/ folder whole."""
    if not fixture_spec(name).is_file():
        raise SystemExit(f"fixture {name!r} has no {fixture_spec(name).relative_to(REPO)}")
    with tempfile.TemporaryDirectory(prefix=f"golden-{name}-") as scratch:
        out = Path(scratch)
        done = run(build_command(*fixture_build_args(name, out)))
        _checked(done, f"fixture {name}")
        expected_root = fixture_expected(name).parent
        before = read_tree(expected_root) if expected_root.is_dir() else {}
        if expected_root.exists():
            shutil.rmtree(expected_root)
        shutil.copytree(out / name, fixture_expected(name))
        after = read_tree(expected_root)
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    print(f"{expected_root.relative_to(REPO)}: {len(changed)} file(s) changed" + "".join(f"\n  {p}" for p in changed))


def diff_fixtures() -> list[str]:
    return sorted(p.name for p in DIFF_FIXTURES_DIR.iterdir() if (p / "old.yaml").is_file())


def diff_report(name: str, form: str) -> subprocess.CompletedProcess[str]:
    """`python -m generator diff old.yaml new.yaml --format FORM` in the fixture's folder, run in this
    process (a fresh interpreter per report cost more than the report; tests/test_diff.py runs the
    command itself too)."""
    from generator.cli import main as generator_main

    argv = ["diff", "old.yaml", "new.yaml", "--format", form]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(DIFF_FIXTURES_DIR / name), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = generator_main(argv)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def refresh_diffs() -> None:
    for name in diff_fixtures():
        changed = []
        for form, suffix in DIFF_FORMATS.items():
            done = diff_report(name, form)
            if done.returncode not in (0, 1) or done.stderr:
                sys.stderr.write(done.stdout + done.stderr)
                raise SystemExit(f"diff fixture {name} failed (exit {done.returncode})")
            path = DIFF_FIXTURES_DIR / name / f"expected.{suffix}"
            if not path.is_file() or path.read_text(encoding="utf-8") != done.stdout:
                path.write_text(done.stdout, encoding="utf-8")
                changed.append(path.name)
        print(f"{DIFF_FIXTURES_DIR.relative_to(REPO)}/{name}: {', '.join(changed) or 'unchanged'}")


def mcp_package_parent(package: str) -> Path:
    return GENERATED if package == MAIN_PACKAGE else fixture_expected(package).parent


def refresh_mcp() -> None:
    """`tools/list` of each package of MCP_GOLDEN_PACKAGES, its server started over stdio."""
    MCP_GOLDENS_DIR.mkdir(exist_ok=True)
    for package in MCP_GOLDEN_PACKAGES:
        script = REPO / "tests" / "support" / "mcp_client.py"
        done = run([sys.executable, str(script), str(mcp_package_parent(package)), package])
        _checked(done, f"the MCP tools of {package}")
        path = MCP_GOLDENS_DIR / f"{package}.json"
        changed = not path.is_file() or path.read_text(encoding="utf-8") != done.stdout
        path.write_text(done.stdout, encoding="utf-8")
        print(f"{path.relative_to(REPO)}: {'changed' if changed else 'unchanged'}")
    MCP_SEED_SPEC_DIGEST.write_text(spec_digest() + "\n", encoding="utf-8")


def spec_digest() -> str:
    """SHA-256 over spec/'s files (paths and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in (REPO / "spec").rglob("*") if p.is_file()):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def mcp_golden_spec_changed() -> bool:
    """Whether spec/ differs from the one the seed package's tools/list golden was made from: a
    maintainer who adds an endpoint edits spec/ and rebuilds, nothing else."""
    return MCP_SEED_SPEC_DIGEST.read_text(encoding="utf-8").strip() != spec_digest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--fixtures-only", action="store_true", help="refresh tests/fixtures/*/expected/ only")
    only.add_argument("--generated-only", action="store_true", help="refresh generated/ only")
    only.add_argument("--diffs-only", action="store_true", help="refresh tests/diff_fixtures/*/expected.* only")
    only.add_argument("--mcp-only", action="store_true", help="refresh tests/mcp_goldens/ only")
    args = parser.parse_args(argv)
    everything = not (args.fixtures_only or args.generated_only or args.diffs_only or args.mcp_only)
    if everything or args.generated_only:
        refresh_generated()
    if everything or args.fixtures_only:
        for name in FIXTURES:
            refresh_fixture(name)
    if everything or args.diffs_only:
        refresh_diffs()
    if everything or args.mcp_only:
        refresh_mcp()
    return 0


if __name__ == "__main__":
    sys.exit(main())
