"""The generated package's README works as written.

Every ```python block of `generated/llamacloud/README.md` runs unchanged, in a fresh interpreter,
against a local server: `LLAMA_CLOUD_BASE_URL` and `LLAMA_CLOUD_API_KEY` point it there, as they
would point a user's code at the real API. The command-line lines of its shell blocks run too. Both
ways of installing it are exercised: `pip install ./generated/llamacloud` (offline, with the build
backend from the dev dependencies) and vendoring the folder as a
subpackage of another package.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import API_KEY, STATUS_BODY, job
from support.samples import reply_for
from support.server import RecordedRequest, Reply, TestServer

from generator.loader import SourceFiles
from generator.resolver import resolve

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"
PACKAGE = GENERATED / "llamacloud"
README = PACKAGE / "README.md"
JOBS = 5  # the list the server holds, served `limit` (default 2) at a time
SPEC = resolve(ROOT / "spec" / "openapi.yaml", SourceFiles()).document


@dataclass(frozen=True)
class Block:
    section: str  # the `## ` heading it is under
    index: int  # its place among that section's blocks of the same language
    language: str
    code: str

    @property
    def name(self) -> str:
        return f"{self.section}#{self.index}"


def readme_blocks(language: str) -> list[Block]:
    blocks: list[Block] = []
    section, fence, language_here = "", "", ""
    lines: list[str] = []
    counts: dict[str, int] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if fence:
            if line.strip() == fence:
                if language_here == language:
                    blocks.append(Block(section, counts.get(section, 0), language, "\n".join(lines) + "\n"))
                    counts[section] = counts.get(section, 0) + 1
                fence = ""
            else:
                lines.append(line)
        elif opening := re.fullmatch(r"(`{3,})(\w*)", line.strip()):
            fence, language_here, lines = opening.group(1), opening.group(2), []
        elif line.startswith("## "):
            section = line[3:].strip()
    return blocks


def handler(request: RecordedRequest) -> Reply:
    """The batch API in miniature: any job's status, and a list of JOBS jobs in pages; any other
    operation of the spec (one a maintainer added) answers a sample of its first success response."""
    if request.path.startswith("/api/v1/beta/batch-processing/") and request.path.count("/") == 5:
        return Reply(200, body=STATUS_BODY)
    if request.path == "/api/v1/beta/batch-processing":
        query = dict(request.query_params)
        offset, limit = int(query.get("offset", "0")), int(query.get("limit", "2"))
        return Reply(
            200,
            body={"items": [job(i) for i in range(offset, min(offset + limit, JOBS))], "total_size": JOBS},
        )
    return reply_for(SPEC, request)


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as srv:
        srv.set_handler(handler)
        yield srv


def readme_env(server: TestServer) -> dict[str, str]:
    """What a user sets once; nothing else is test-specific."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLAMA_CLOUD_", "LLAMACLOUD_"))}
    env.update(PYTHONPATH=str(GENERATED), LLAMA_CLOUD_API_KEY=API_KEY, LLAMA_CLOUD_BASE_URL=server.url)
    return env


def status_shown(out: str) -> bool:
    return "bjb-1" in out and "progress_percentage=40.0" in out


Check = Callable[[str, TestServer], None]


def first_call(out: str, server: TestServer) -> None:
    assert status_shown(out)
    assert [r.target for r in server.requests] == ["/api/v1/beta/batch-processing/job_id"]


def pagination(out: str, server: TestServer) -> None:
    lines = out.splitlines()
    assert sum("id='bjb-" in line for line in lines) == JOBS  # every job of every page, once
    assert lines[-3:] == ["2 items; more: True", "2 items; more: True", "1 items; more: False"]
    assert len(server.requests) == 6  # three pages, twice


def errors(out: str, server: TestServer) -> None:
    assert out.startswith("the API answered 404 ")


def retries(out: str, server: TestServer) -> None:
    assert status_shown(out)
    assert [r.target for r in server.requests] == ["/api/v1/beta/batch-processing/job_id"] * 2


def raw(out: str, server: TestServer) -> None:
    first, rest = out.split("\n", 1)
    assert first == "200 application/json"
    assert status_shown(rest)


def finished(status: str) -> dict[str, object]:
    return {**STATUS_BODY, "job": {**STATUS_BODY["job"], "status": status}}


def waited(out: str, server: TestServer) -> None:
    """The wait's example: `on_poll=print` shows the running job, then the completed one, returned."""
    lines = out.splitlines()
    assert len(lines) == 3 and "'running'>" in lines[0] and "'completed'>" in lines[1]
    assert lines[2].startswith("done: ") and "'completed'>" in lines[2]
    assert [r.target for r in server.requests] == ["/api/v1/beta/batch-processing/job_id"] * 2


def waited_async(out: str, server: TestServer) -> None:
    assert out.startswith("done: ") and "'completed'>" in out
    assert len(server.requests) == 1  # a first answer that is final returns at once


def mcp_tools_listed(out: str, server: TestServer) -> None:
    """The example prints the first three tools: one per operation, as the build's table (from spec/)
    names and orders them."""
    table = json.loads((PACKAGE / "_mcp" / "tools.json").read_text(encoding="utf-8"))
    assert out == f"{[tool['name'] for tool in table['tools']][:3]}\n"


# The blocks that send no request: the configuration read back, a response off its schema parsed, the MCP
# server's tools listed.
NO_REQUEST = ("Configuration#0", "Responses that do not match the spec#0", "Use with an AI agent (MCP)#0")
# section#index -> (replies the server gives first, what the block must print)
EXPECTED: dict[str, tuple[list[Reply], Check]] = {
    "Configuration#0": ([], lambda out, server: None),
    "Use with an AI agent (MCP)#0": ([], mcp_tools_listed),
    "First call#0": ([], first_call),
    "First call#1": ([], first_call),
    "Pagination#0": ([], pagination),
    "Errors and retries#0": ([Reply(404, body={"detail": "Job not found"})], errors),
    "Errors and retries#1": ([Reply(503, headers={"Retry-After": "0"})], retries),
    "Errors and retries#2": ([], raw),
    "Waiting for a job#0": ([Reply(200, body=STATUS_BODY), Reply(200, body=finished("completed"))], waited),
    "Waiting for a job#1": ([Reply(200, body=finished("completed"))], waited_async),
    "Responses that do not match the spec#0": ([], lambda out, server: strict_option(out)),
}


def strict_option(out: str) -> None:
    assert out == "True False\n"


def test_the_readme_has_the_examples_of_the_batch_endpoints() -> None:
    """The examples checked closely are there; any other (the README shows what the spec has: a
    stream, an upload a maintainer added) runs below too, against a sample answer."""
    assert set(EXPECTED) <= {b.name for b in readme_blocks("python")}


def runs(out: str, server: TestServer) -> None:
    """An example of an operation this test does not know: it ran and sent its request."""
    assert server.requests


@pytest.mark.parametrize("block", readme_blocks("python"), ids=lambda b: b.name)
def test_python_example_runs_unchanged_against_the_server(block: Block, server: TestServer) -> None:
    replies, check = EXPECTED.get(block.name, ([], runs))
    server.enqueue(*replies)
    done = subprocess.run(
        [sys.executable, "-c", block.code], env=readme_env(server), capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, ""), block.code
    if block.name == "Configuration#0":
        assert done.stdout == f"{server.url}/\n"
    check(done.stdout, server)
    assert server.requests or block.name in NO_REQUEST
    assert all(r.header("authorization") == f"Bearer {API_KEY}" for r in server.requests)


def command_lines() -> list[str]:
    """The `llamacloud ...` commands of the README's shell blocks, continuation lines joined."""
    commands = []
    for block in readme_blocks("sh"):
        for line in block.code.replace("\\\n", " ").splitlines():
            if line.startswith("llamacloud "):
                commands.append(line)
    return commands


@pytest.mark.parametrize("command", command_lines())
def test_command_line_example_runs(command: str, server: TestServer) -> None:
    words = shlex.split(command, comments=True)
    if "--poll-timeout" in words:  # a wait: the job is done at once (tests/test_polling.py waits longer)
        server.enqueue(Reply(200, body=finished("completed")))
    done = subprocess.run(
        [sys.executable, "-m", "llamacloud", *words[1:]],
        env=readme_env(server),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout
    if "--format jsonl" in command:
        assert len(done.stdout.splitlines()) == JOBS


def test_exit_code_table_matches_the_cli() -> None:
    from llamacloud._cli._table import EXIT_CODES  # type: ignore[import-not-found, unused-ignore]

    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", README.read_text(encoding="utf-8"), re.M)
    assert [(int(code), meaning) for code, meaning in rows] == list(EXIT_CODES)


def test_configuration_names_the_environment_and_both_installations() -> None:
    text = README.read_text(encoding="utf-8")
    for fact in (
        "LLAMA_CLOUD_API_KEY",
        "LLAMA_CLOUD_BASE_URL",
        "https://api.cloud.llamaindex.ai",
        "pip install ./generated/llamacloud",
        "cp -r generated/llamacloud your_project/_vendor/",
        "python -m llamacloud",
        "[api.md](api.md)",
    ):
        assert fact in text, fact


@pytest.mark.parametrize(
    ("out", "command", "copy"),
    [
        ("clients/py", "pip install ./clients/py/notes", "cp -r clients/py/notes your_project/_vendor/"),
        # Outside the project: the command works from the folder that holds the package.
        ("{outside}", "pip install ./notes", "cp -r notes your_project/_vendor/"),
    ],
)
def test_the_install_commands_follow_the_output_folder(
    out: str, command: str, copy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cli import main

    project = tmp_path / "project"
    (project / "api").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.generator]\nspec = "api/openapi.yaml"\npackage = "notes"\n')
    (project / "api" / "openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: Notes, version: '1'}\n"
        "paths: {/notes: {get: {operationId: list_notes, responses: {'204': {description: none}}}}}\n"
    )
    monkeypatch.chdir(project / "api")  # a flag's path is the working directory's; the project is the pyproject's
    out_folder = str(tmp_path / "elsewhere") if out == "{outside}" else str(project / out)
    assert main(["build", "--out", out_folder]) == 0
    text = (Path(out_folder) / "notes" / "README.md").read_text(encoding="utf-8")
    assert command in text.splitlines() and copy in text.splitlines()
    folder = command.split("./", 1)[1]
    base = project if out != "{outside}" else Path(out_folder)
    assert (base / folder / "pyproject.toml").is_file()  # what pip installs, from where the README says


# -- installing it -----------------------------------------------------------------------------
@pytest.mark.big  # pip builds and installs the package in a venv: seconds, in CI's big group
def test_pip_install_of_the_folder_gives_the_package_and_the_command(tmp_path: Path) -> None:
    before = {p.relative_to(PACKAGE) for p in PACKAGE.rglob("*") if "__pycache__" not in p.parts}
    target = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            # Offline: the build backend comes from the dev dependencies, not the package index.
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    after = {p.relative_to(PACKAGE) for p in PACKAGE.rglob("*") if "__pycache__" not in p.parts}
    assert after == before, "the build wrote into the package folder"  # no build/, no *.egg-info
    installed = sorted(p.relative_to(target / "llamacloud").as_posix() for p in (target / "llamacloud").rglob("*.py"))
    assert installed == sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
    assert (target / "llamacloud" / "py.typed").is_file()
    script = target / "bin" / "llamacloud"
    env = {**os.environ, "PYTHONPATH": str(target)}
    shown = subprocess.run([str(script), "--version"], env=env, capture_output=True, text=True, timeout=60)
    version = re.search(r'__version__ = "(.+)"', (PACKAGE / "_version.py").read_text(encoding="utf-8"))
    assert version is not None
    assert (shown.returncode, shown.stdout) == (0, f"llamacloud {version.group(1)}\n")


def test_a_vendored_copy_works_inside_another_package(tmp_path: Path) -> None:
    vendor = tmp_path / "your_project" / "_vendor"  # as the README's Vendoring section says
    shutil.copytree(PACKAGE, vendor / "llamacloud", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in (vendor.parent, vendor):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(tmp_path)}
    code = "from your_project._vendor.llamacloud import LlamaCloud; print(LlamaCloud(api_key='k').base_url)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "https://api.cloud.llamaindex.ai/\n", "")
    done = subprocess.run(
        [sys.executable, "-m", "your_project._vendor.llamacloud", "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "beta:batch get-status" in done.stdout
