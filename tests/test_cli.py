"""The generated command line, `python -m llamacloud`, run as a subprocess against a local server.

Every run goes through the real entry point with `PYTHONPATH=generated` and a scrubbed environment,
so what is checked is what a user gets: the request on the wire, stdout (pretty on a terminal,
compact in a pipe, jsonl streamed page by page), one-line errors on stderr, the exit codes, `--help`
at each level, and that the API key is never printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import API_KEY, STATUS_BODY, job
from support.server import RecordedRequest, Reply, TestServer
from support.shared import Wanted, build_once

from generator.pipeline import load_api
from generator.render import CLI_RESERVED_FLAGS, cli_command, cli_options
from generator.render.wait_text import wait_command

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"
PACKAGE = GENERATED / "llamacloud"
STATUS_PATH = "/api/v1/beta/batch-processing"
EXIT_OK, EXIT_RESPONSE, EXIT_USAGE, EXIT_STATUS, EXIT_CONNECTION = 0, 1, 2, 3, 4


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a run: none of the caller's LlamaCloud settings, only `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLAMA_CLOUD_", "LLAMACLOUD_"))}
    env.update(PYTHONPATH=str(GENERATED), COLUMNS="100", **extra)
    return env


def cli(*args: str, env: Mapping[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llamacloud", *args],
        env=dict(env if env is not None else clean_env()),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def server_env(server: TestServer) -> dict[str, str]:
    return clean_env(LLAMA_CLOUD_API_KEY=API_KEY, LLAMA_CLOUD_BASE_URL=server.url)


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def assert_one_line_error(done: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert done.returncode == code, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("llamacloud: error: "), done.stderr
    for fragment in fragments:
        assert fragment in done.stderr


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as srv:
        yield srv


# -- the request on the wire, and the output ---------------------------------------------------
def test_get_status_sends_exactly_the_request_its_flags_describe(server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY))
    done = cli(
        "beta:batch", "get-status", "--job-id", "bjb/1 x", "--project-id", "proj-1",
        "--organization-id", "org-1", "--session", "s3ss",
        env=server_env(server),
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    (request,) = server.requests
    assert request.method == "GET"
    assert request.target == f"{STATUS_PATH}/bjb%2F1%20x?organization_id=org-1&project_id=proj-1"
    assert request.header("authorization") == f"Bearer {API_KEY}"
    assert request.header("accept") == "application/json"
    assert (request.header("user-agent") or "").startswith("llamacloud-python/")
    assert request.cookies == {"session": "s3ss"}
    assert request.body == b""
    # A pipe gets the body the server sent, compact, on one line: not a re-serialised model.
    assert done.stdout == compact(STATUS_BODY) + "\n"


def test_list_converts_flag_types_and_sends_them_in_spec_order(server: TestServer) -> None:
    page = {"items": [job(1)], "total_size": 1}
    server.enqueue(Reply(200, body=page))
    done = cli(
        "beta:batch", "list", "--status", "running", "--job-type", "parse", "--limit", "50",
        "--offset", "10", "--directory-id", "dir-1",
        env=server_env(server),
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert server.requests[0].query_params == [
        ("directory_id", "dir-1"), ("job_type", "parse"), ("limit", "50"), ("offset", "10"),
        ("status", "running"),
    ]  # fmt: skip
    assert done.stdout == compact(page) + "\n"  # --format json on a list: the first page, as sent


def test_numbers_in_the_body_are_printed_as_the_server_wrote_them(server: TestServer) -> None:
    body = {"job": job(1, total_items=10), "progress_percentage": 0, "extra": {"big": 12345678901234567890}}
    server.enqueue(Reply(200, body=body))
    done = cli("beta:batch", "get-status", "--job-id", "bjb-1", env=server_env(server))
    assert done.stdout == compact(body) + "\n"  # `0` stays `0` (the model's float would print `0.0`)


def run_on_a_terminal(args: list[str], env: Mapping[str, str]) -> tuple[int, str]:
    """Runs the CLI with stdout on a pseudo-terminal; the exit code and what it printed there."""
    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "llamacloud", *args], env=dict(env), stdout=terminal, stderr=subprocess.PIPE
    )
    os.close(terminal)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    code = process.wait(timeout=60)
    assert process.stderr is not None and process.stderr.read() == b""
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_terminal_gets_the_body_pretty_printed(server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY))
    code, shown = run_on_a_terminal(["beta:batch", "get-status", "--job-id", "bjb-1"], server_env(server))
    assert code == 0
    assert shown == json.dumps(STATUS_BODY, indent=2) + "\n"


def test_jsonl_on_a_single_object_is_one_compact_line(server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY))
    done = cli("beta:batch", "get-status", "--job-id", "bjb-1", "--format", "jsonl", env=server_env(server))
    assert done.stdout == compact(STATUS_BODY) + "\n"


# -- jsonl over pages --------------------------------------------------------------------------
def serve_pages(server: TestServer, total: int, size: int) -> None:
    """A list of `total` jobs served `size` at a time, following the offset of each request."""

    def handler(request: RecordedRequest) -> Reply:
        query = dict(request.query_params)
        offset = int(query.get("offset", "0"))
        items = [job(i) for i in range(offset, min(offset + size, total))]
        return Reply(200, body={"items": items, "total_size": total})

    server.set_handler(handler)


def test_jsonl_follows_all_three_pages_one_line_per_item(server: TestServer) -> None:
    serve_pages(server, total=6, size=2)
    done = cli("beta:batch", "list", "--limit", "2", "--format", "jsonl", env=server_env(server))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [compact(job(i)) for i in range(6)]
    assert [r.target for r in server.requests] == [
        f"{STATUS_PATH}?limit=2",
        f"{STATUS_PATH}?limit=2&offset=2",
        f"{STATUS_PATH}?limit=2&offset=4",
    ]


@pytest.mark.parametrize(("max_items", "pages_fetched"), [(5, 3), (4, 2), (1, 1)])
def test_max_items_stops_the_listing_and_fetches_no_page_beyond_it(
    server: TestServer, max_items: int, pages_fetched: int
) -> None:
    serve_pages(server, total=6, size=2)
    done = cli(
        "beta:batch", "list", "--limit", "2", "--format", "jsonl", "--max-items", str(max_items),
        env=server_env(server),
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [compact(job(i)) for i in range(max_items)]
    assert len(server.requests) == pages_fetched


def test_jsonl_prints_each_page_before_the_next_is_fetched(server: TestServer) -> None:
    """The lines of page 1 reach the reader while the request for page 2 is still unanswered."""
    release = threading.Event()

    def handler(request: RecordedRequest) -> Reply:
        offset = int(dict(request.query_params).get("offset", "0"))
        if offset:
            release.wait(30)
        return Reply(200, body={"items": [job(offset), job(offset + 1)] if offset < 4 else [], "total_size": 4})

    server.set_handler(handler)
    process = subprocess.Popen(
        [sys.executable, "-m", "llamacloud", "beta:batch", "list", "--format", "jsonl"],
        env=server_env(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = [process.stdout.readline(), process.stdout.readline()]
        assert first == [compact(job(0)) + "\n", compact(job(1)) + "\n"]
        assert not release.is_set() and len(server.requests) <= 2
    finally:
        release.set()
    out, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (0, "")
    assert out.splitlines() == [compact(job(2)), compact(job(3))]


def test_a_closed_pipe_ends_the_listing_quietly(server: TestServer) -> None:
    """`llamacloud ... --format jsonl | head -1`: no traceback, exit 0, and the pages stop."""
    serve_pages(server, total=10_000, size=50)
    process = subprocess.Popen(
        [sys.executable, "-m", "llamacloud", "beta:batch", "list", "--limit", "50", "--format", "jsonl"],
        env=server_env(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == compact(job(0)).encode() + b"\n"
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""
    assert len(server.requests) < 10


def test_a_stdout_that_cannot_encode_unicode_gets_escaped_json(server: TestServer) -> None:
    body = {**STATUS_BODY, "job": job(1, error_message="ünïcødé ✓")}
    server.enqueue(Reply(200, body=body))
    env = {**server_env(server), "PYTHONIOENCODING": "ascii"}
    done = cli("beta:batch", "get-status", "--job-id", "bjb-1", env=env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.isascii() and json.loads(done.stdout) == body


# -- exit codes --------------------------------------------------------------------------------
USAGE_ERRORS = {
    "no command": ([], "the following arguments are required: <resource>"),
    "unknown resource": (["beta:nope", "list"], "invalid choice: 'beta:nope'"),
    "unknown command": (["beta:batch", "delete"], "invalid choice: 'delete'"),
    "missing required flag": (["beta:batch", "get-status"], "the following arguments are required: --job-id"),
    "not an integer": (
        ["beta:batch", "list", "--limit", "ten"],
        "argument --limit: expected an integer, got 'ten'",
    ),
    "not a choice": (["beta:batch", "list", "--status", "done"], "argument --status: invalid choice: 'done'"),
    "unknown flag": (["beta:batch", "list", "--colour", "red"], "unrecognized arguments: --colour red"),
    "max-items on a plain call": (
        ["beta:batch", "get-status", "--job-id", "j", "--max-items", "2"],
        "--max-items applies only to list commands",
    ),
    "max-items without jsonl": (
        ["beta:batch", "list", "--max-items", "2"],
        "--max-items needs --format jsonl",
    ),
    "max-items not positive": (
        ["beta:batch", "list", "--format", "jsonl", "--max-items", "0"],
        "expected a positive integer",
    ),
    "an abbreviated flag": (
        ["beta:batch", "get-status", "--job", "j"],
        "the following arguments are required",
    ),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_errors_exit_2_with_argparse_usage(case: str, server: TestServer) -> None:
    args, message = USAGE_ERRORS[case]
    done = cli(*args, env=server_env(server))
    assert done.returncode == EXIT_USAGE, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("usage: llamacloud")
    assert message in done.stderr
    assert server.requests == []


def test_no_api_key_is_a_usage_error_naming_the_variable(server: TestServer) -> None:
    done = cli("beta:batch", "get-status", "--job-id", "j", env=clean_env(LLAMA_CLOUD_BASE_URL=server.url))
    assert done.returncode == EXIT_USAGE
    assert "no API key: set LLAMA_CLOUD_API_KEY or pass --api-key" in done.stderr
    assert server.requests == []


def test_an_empty_path_parameter_is_refused_before_sending(server: TestServer) -> None:
    done = cli("beta:batch", "get-status", "--job-id", "", env=server_env(server))
    assert_one_line_error(done, EXIT_USAGE, "--job-id")
    assert server.requests == []


@pytest.mark.parametrize("status", [400, 401, 404, 422, 500])
def test_an_http_error_status_exits_3_with_one_readable_line(server: TestServer, status: int) -> None:
    body = {"detail": [{"loc": ["query", "limit"], "msg": "bad", "type": "value_error"}]}
    server.enqueue(Reply(status, body=body, headers={"x-request-id": "req-42"}))
    done = cli("beta:batch", "get-status", "--job-id", "bjb-1", "--max-retries", "0", env=server_env(server))
    assert_one_line_error(done, EXIT_STATUS, f"HTTP {status} ", f"GET {STATUS_PATH}/bjb-1", compact(body), "req-42")


def test_retries_are_the_clients(server: TestServer) -> None:
    server.enqueue(Reply(503, headers={"Retry-After": "0"}), Reply(200, body=STATUS_BODY))
    done = cli("beta:batch", "get-status", "--job-id", "bjb-1", env=server_env(server))
    assert (done.returncode, done.stdout) == (0, compact(STATUS_BODY) + "\n")
    assert len(server.requests) == 2


def test_a_refused_connection_exits_4() -> None:
    with TestServer() as gone:
        url = gone.url  # a port that was just open, now closed
    env = clean_env(LLAMA_CLOUD_API_KEY=API_KEY, LLAMA_CLOUD_BASE_URL=url)
    done = cli("beta:batch", "get-status", "--job-id", "bjb-1", "--max-retries", "0", env=env)
    assert_one_line_error(done, EXIT_CONNECTION, f"no response from {url}", "Connection")


def test_a_timeout_exits_4(server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY, delay=3))
    args = ["beta:batch", "get-status", "--job-id", "bjb-1", "--timeout", "0.3", "--max-retries", "0"]
    done = cli(*args, env=server_env(server))
    assert_one_line_error(done, EXIT_CONNECTION, "timed out")


def test_a_response_that_breaks_the_schema_exits_1(server: TestServer) -> None:
    # A field off its schema is read leniently (as the client does); a body of another shape is refused.
    server.enqueue(Reply(200, body=[{"job": "not an object", "progress_percentage": 1}]))
    done = cli("beta:batch", "get-status", "--job-id", "bjb-1", env=server_env(server))
    assert_one_line_error(done, EXIT_RESPONSE, "did not match the schema")


# -- the API key -------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_api_key_is_never_printed(server: TestServer) -> None:
    """Echoed in an error body, passed by flag, mistyped as a command: it never reaches the screen."""
    echo = {"detail": f"invalid key {API_KEY}", "headers": {"authorization": f"Bearer {API_KEY}"}}
    server.enqueue(Reply(401, body=echo), Reply(200, body=STATUS_BODY))
    env = server_env(server)
    runs = [
        cli("beta:batch", "get-status", "--job-id", "bjb-1", env=env),
        cli("beta:batch", "get-status", "--job-id", "bjb-1", f"--api-key={API_KEY}", env=env),
        cli(API_KEY, env=env),
        cli("beta:batch", "get-status", API_KEY, env=env),
        cli("beta:batch", "list", "--status", API_KEY, env=env),
        cli("--help", env=env),
        cli("beta:batch", "get-status", "--help", env=env),
    ]
    assert [r.returncode for r in runs] == [EXIT_STATUS, 0, EXIT_USAGE, EXIT_USAGE, EXIT_USAGE, 0, 0]
    assert "<redacted>" in runs[0].stderr and "<redacted>" in runs[2].stderr
    for done in runs:
        assert API_KEY not in done.stdout + done.stderr


def test_global_options_go_before_the_resource_or_after_the_command(server: TestServer) -> None:
    """`--api-key` after the command (as the reference page shows) overrides the environment."""
    server.enqueue(Reply(200, body=STATUS_BODY), Reply(200, body=STATUS_BODY))
    env = clean_env(LLAMA_CLOUD_API_KEY="from-env")
    cli(
        "--base-url",
        server.url,
        "beta:batch",
        "get-status",
        "--job-id",
        "a",
        "--api-key",
        "from-flag",
        env=env,
    )
    cli("beta:batch", "get-status", "--job-id", "b", "--base-url", server.url, env=env)
    assert [r.header("authorization") for r in server.requests] == ["Bearer from-flag", "Bearer from-env"]


# -- help --------------------------------------------------------------------------------------
def test_top_level_help_lists_every_command_the_environment_and_the_exit_codes() -> None:
    done = cli("--help")
    assert (done.returncode, done.stderr) == (0, "")
    text = done.stdout
    assert text.startswith("usage: llamacloud ")
    for line in ("beta:batch list", "List Batch Jobs", "beta:batch get-status", "Get Batch Job Status"):
        assert line in text
    for name in ("LLAMA_CLOUD_API_KEY", "LLAMA_CLOUD_BASE_URL", "https://api.cloud.llamaindex.ai"):
        assert name in text
    assert "exit codes:" in text
    for code in ("0", "1", "2", "3", "4"):
        assert any(line.split()[:1] == [code] for line in text.splitlines()), code


def test_resource_help_lists_its_commands() -> None:
    done = cli("beta:batch", "--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert "usage: llamacloud beta:batch" in done.stdout
    assert "List Batch Jobs" in done.stdout and "Get Batch Job Status" in done.stdout


def test_command_help_shows_method_path_description_flags_and_exit_codes() -> None:
    text = cli("beta:batch", "list", "--help").stdout
    assert "GET /api/v1/beta/batch-processing\n" in text
    assert "List batch processing jobs with optional filtering." in text
    assert "--status {pending,running,dispatched,completed,failed,cancelled}" in text
    assert "Filter by job status (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED)" in text
    assert "--limit INTEGER" in text and "Maximum number of jobs to return" in text
    assert "query parameters:" in text and "cookie parameters:" in text and "--session STRING" in text
    assert "llamacloud beta:batch list --format jsonl --max-items 100" in text
    assert "exit codes:" in text
    text = cli("beta:batch", "get-status", "--help").stdout
    assert "GET /api/v1/beta/batch-processing/{job_id}" in text
    assert "path parameters:" in text and "--job-id STRING" in text and "(required)" in text


def test_percent_signs_in_spec_text_show_as_written() -> None:
    """argparse %-formats help text; a `%` from the spec must neither crash it nor show doubled."""
    from llamacloud._cli._main import Command, Option, Program, build_parser  # type: ignore[import-not-found, unused-ignore]

    option = Option("--share", "share", "number", "query", help="share in % (0-100%)")
    command = Command("jobs", "list", ("jobs", "list"), "GET", "/jobs", "50% of %(prog)s", "100% done", (option,))
    program = Program("tool", "T", "1", "up 99.9%", "T_KEY", "T_URL", "", True, (command,))
    shown: list[str] = []
    for words in ([], ["jobs"], ["jobs", "list"]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            build_parser(program).parse_args([*words, "--help"])
        shown.append(out.getvalue())
    assert "up 99.9%\n" in shown[0] and "50% of %(prog)s" in shown[0]
    assert "50% of %(prog)s" in shown[2] and "100% done" in shown[2] and "share in % (0-100%)" in shown[2]
    assert "%%" not in "".join(shown)


def test_version() -> None:
    """The package's version: `package-version` of [tool.generator], else the spec's info.version."""
    version = re.search(r'__version__ = "(.+)"', (PACKAGE / "_version.py").read_text(encoding="utf-8"))
    assert version is not None
    done = cli("--version")
    assert (done.returncode, done.stdout) == (0, f"llamacloud {version.group(1)}\n")


# -- the table is generated from the IR --------------------------------------------------------
def test_the_command_table_has_one_command_per_operation_and_one_flag_per_parameter() -> None:
    """Nothing in the CLI names an endpoint: `_commands.py` is the IR, laid out."""
    api, _ = load_api(ROOT / "spec" / "openapi.yaml", "llamacloud")
    from llamacloud._cli._commands import PROGRAM  # type: ignore[import-not-found, unused-ignore]
    from llamacloud._cli._table import GLOBAL_FLAGS  # type: ignore[import-not-found, unused-ignore]

    assert set(GLOBAL_FLAGS) | {"--body"} == CLI_RESERVED_FLAGS
    commands = {f"{c.resource} {c.name}": c for c in PROGRAM.commands}
    waits = {wait_command(op, wait): (op, wait) for op in api.operations() for wait in op.waits}
    assert sorted(commands) == sorted([cli_command(op) for op in api.operations()] + list(waits))
    for name, (op, wait) in waits.items():  # a wait (`x-poll`): the operation's flags, then its own
        command = commands[name]
        assert command.method == (*op.resource_path, wait.method_name)
        assert (command.wait_field, command.wait_final) == (wait.field, wait.success + wait.failure)
        flags = [o.flag for o in command.options]
        assert flags == [o["flag"] for o in cli_options(op)] + ["--poll-interval", "--poll-timeout"]
    for op in api.operations():
        command = commands[cli_command(op)]
        assert (command.http_method, command.path, command.method[-1]) == (
            op.http_method,
            op.path,
            op.method_name,
        )
        assert command.paginated == (op.pagination is not None)
        flags = {o.flag: o for o in command.options}
        generated = cli_options(op)
        assert sorted(flags) == sorted(g["flag"] for g in generated)
        # A flag per parameter, in order; then the body's (one per property of an object body and `--body`
        # for the whole of it, else `--body` alone) and one for the stream choice, where there are.
        extra = [g for g in generated if g["location"] in ("body", "response")]
        body, bodies = op.body, []
        if body is not None:
            bodies = [f.py_name for f in body.fields] + ["_body"] if body.expanded else [body.py_name]
        stream = [op.stream_choice.keyword] if op.stream_choice is not None else []
        assert [g["dest"] for g in extra] == bodies + stream
        fields = {f.py_name: f.required for f in body.fields} if body is not None else {}
        assert {g["dest"]: g["required"] for g in extra if g["dest"] in fields} == fields
        for wanted in extra:
            option = flags[wanted["flag"]]
            assert (option.location, option.required) == (wanted["location"], wanted["required"])
        for p, wanted in zip(op.parameters, [g for g in generated if g not in extra], strict=True):
            option = flags[wanted["flag"]]
            assert option.flag == "--" + p.py_name.replace("_", "-")
            assert (option.location, option.required, option.choices) == (
                p.location,
                p.required,
                p.enum_values,
            )
            assert (option.type, option.help) == (p.schema_type, p.description)


def test_the_package_declares_the_console_script() -> None:
    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"llamacloud": "llamacloud.__main__:main"}
    done = subprocess.run(
        [sys.executable, "-c", "from llamacloud.__main__ import main; raise SystemExit(main(['--help']))"],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout.split("\n", 1)[0][:17]) == (0, "usage: llamacloud")


# -- the same runtime on another spec: a JSON request body --------------------------------------
def test_a_json_body_flag_on_another_generated_package(
    server: TestServer, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The `split` fixture (API key header, POST with a JSON body), built fresh in this run."""
    spec = ROOT / "tests" / "fixtures" / "split" / "spec.yaml"
    built = build_once(tmp_path_factory, Wanted(spec, "split", seed=None))
    assert built.returncode == 0, built.stderr
    note = {"id": 7, "text": "hi"}
    server.enqueue(Reply(201, body=note))
    (tmp_path / "note.json").write_text('{"text": "hi"}', encoding="utf-8")
    env = {**clean_env(SPLIT_API_KEY=API_KEY, SPLIT_BASE_URL=server.url + "/v2"), "PYTHONPATH": str(built.out)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "split",
            "projects:notes",
            "create",
            "--project-id",
            "p1",
            "--body",
            "@note.json",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr, done.stdout) == (0, "", compact(note) + "\n")
    (request,) = server.requests
    assert (request.method, request.target, request.json()) == (
        "POST",
        "/v2/projects/p1/notes",
        {"text": "hi"},
    )
    assert request.header("x-api-key") == API_KEY
