"""The generated MCP server (`python -m <package> mcp`), driven by the `mcp` SDK's own client over stdio
and over Streamable HTTP, its tools calling the local test server: what goes on the wire and what the
MCP client receives. The tool definitions are goldens (tests/mcp_goldens/, `tools/list` as received)
and every schema in them is valid JSON Schema. The server of the seed package (generated/llamacloud) and
of the fixture that has every kind of tool (tests/fixtures/mcp_tools)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest
import update_goldens as goldens
from conftest import API_KEY, STATUS_BODY, job
from mcp import Client
from support.mcp_client import call, http_server, package_env, stdio, text_of, tools_list
from support.server import Reply, TestServer
from support.shared import kept_mypy_cache

LLAMA = goldens.GENERATED
NOTES = goldens.fixture_expected("mcp_tools").parent
STATUS_PATH = "/api/v1/beta/batch-processing"
NOTE = {"id": "n-1", "title": "Groceries", "tags": ["home"], "priority": "high"}


def llama_env(server: TestServer, **extra: str) -> dict[str, str]:
    return package_env(LLAMA, LLAMA_CLOUD_API_KEY=API_KEY, LLAMA_CLOUD_BASE_URL=server.url, **extra)


def notes_env(server: TestServer) -> dict[str, str]:
    return package_env(NOTES, NOTES_API_KEY=API_KEY, NOTES_BASE_URL=server.url)


def session(client: Client, test: Callable[[Client], Awaitable[None]]) -> None:
    async def main() -> None:
        async with client:
            await test(client)

    anyio.run(main)


# -- the seed package: stdio and Streamable HTTP --------------------------------------------------------
async def _get_and_list(client: Client, server: TestServer) -> None:
    server.enqueue(
        Reply(200, body=STATUS_BODY),
        Reply(200, body={"items": [job(1), job(2)], "next_page_token": None, "total_size": 5}),
    )
    result = await call(client, "beta_batch_get_status", {"job_id": "bjb-1", "project_id": "proj-1"})
    assert result == {
        "content": [{"type": "text", "text": json.dumps(STATUS_BODY)}],
        "structuredContent": STATUS_BODY,
        "isError": False,
    }
    page = await call(client, "beta_batch_list", {"status": "running", "limit": 2})
    assert page["structuredContent"]["items"] == [job(1), job(2)]
    assert (
        page["content"][1]["text"] == 'Next page: call beta_batch_list again with the same arguments and {"offset": 2}.'
    )
    assert page["_meta"] == {"next_page": {"has_next_page": True, "arguments": {"offset": 2}}}
    first, second = server.requests
    assert first.target == f"{STATUS_PATH}/bjb-1?project_id=proj-1"
    assert second.target == f"{STATUS_PATH}?limit=2&status=running"
    assert {first.header("authorization"), second.header("authorization")} == {f"Bearer {API_KEY}"}


async def _api_error(client: Client, server: TestServer) -> None:
    server.enqueue(Reply(404, headers={"x-request-id": "req-42"}, body={"detail": "Job not found"}))
    result = await call(client, "beta_batch_get_status", {"job_id": "nope"})
    error = {"status": 404, "error": {"detail": "Job not found"}, "request_id": "req-42"}
    assert result == {
        "content": [{"type": "text", "text": json.dumps(error)}],
        "structuredContent": error,
        "isError": True,
    }


def test_stdio_a_get_with_path_and_query_parameters_and_a_paginated_list() -> None:
    with TestServer() as server:

        async def test(client: Client) -> None:
            await _get_and_list(client, server)
            server.requests.clear()
            await _api_error(client, server)

        session(stdio("llamacloud", llama_env(server)), test)


def test_streamable_http_serves_the_same_tools() -> None:
    with TestServer() as server, http_server("llamacloud", llama_env(server)) as url:

        async def test(client: Client) -> None:
            assert [tool["name"] for tool in await tools_list(client)] == seed_tool_names()
            await _get_and_list(client, server)
            server.requests.clear()
            await _api_error(client, server)

        session(Client(url), test)


def test_last_page_and_arguments_refused_before_sending_name_the_argument() -> None:
    with TestServer() as server:

        async def test(client: Client) -> None:
            server.enqueue(Reply(200, body={"items": [], "total_size": 0}))
            page = await call(client, "beta_batch_list", {})
            assert page["content"][1]["text"] == "This is the last page."
            refusals = {
                "argument `job_id` is required": {},
                "argument `job_id`: 7 is not of type 'string'": {"job_id": 7},
                "argument `status`: 'asleep' is not one of": {"status": "asleep"},
                "unknown argument `jobid` (the tool takes: job_id, organization_id, project_id, session)": {
                    "job_id": "a",
                    "jobid": "b",
                },
            }
            for message, arguments in refusals.items():
                tool = "beta_batch_list" if "status" in arguments else "beta_batch_get_status"
                result = await call(client, tool, arguments)
                assert result["isError"] is True and text_of(result).startswith(message), text_of(result)
            unknown = await call(client, "beta_batch_wait", {})
            assert text_of(unknown) == "unknown tool `beta_batch_wait`" and unknown["isError"]

        session(stdio("llamacloud", llama_env(server)), test)
        assert len(server.requests) == 1


def test_a_missing_credential_is_an_error_result_naming_its_variable_and_a_key_is_never_echoed() -> None:
    with TestServer() as server:

        async def no_key(client: Client) -> None:
            assert len(await tools_list(client)) == len(seed_tool_names())  # the server starts without it
            result = await call(client, "beta_batch_get_status", {"job_id": "bjb-1"})
            assert result["isError"] and "LLAMA_CLOUD_API_KEY" in text_of(result)

        env = llama_env(server)
        del env["LLAMA_CLOUD_API_KEY"]
        session(stdio("llamacloud", env), no_key)
        assert server.requests == []

        async def echoed(client: Client) -> None:
            server.enqueue(Reply(401, body={"detail": f"bad key {API_KEY}"}))
            result = await call(client, "beta_batch_get_status", {"job_id": "bjb-1"})
            assert API_KEY not in json.dumps(result) and "bad key <redacted>" in text_of(result)

        session(stdio("llamacloud", llama_env(server)), echoed)


def test_a_response_breaking_its_output_schema_is_an_error_result_carrying_the_body() -> None:
    broken = {"job": {"id": "bjb-1"}, "progress_percentage": "forty"}
    with TestServer() as server:

        async def test(client: Client) -> None:
            server.enqueue(Reply(200, body=broken))
            result = await call(client, "beta_batch_get_status", {"job_id": "bjb-1"})
            assert result["isError"] is True and "structuredContent" not in result
            assert text_of(result).startswith("the response does not match its schema")
            assert json.loads(text_of(result).split("the body as received:\n", 1)[1]) == broken

        session(stdio("llamacloud", llama_env(server)), test)


def test_without_the_mcp_package_the_command_says_how_to_install_it_and_exits_2(tmp_path: Path) -> None:
    """A `sitecustomize` that makes `import mcp` fail, as on a machine without the extra."""
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "class _NoMcp:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('mcp', 'mcp_types'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _NoMcp())\n",
        encoding="utf-8",
    )
    env = package_env(LLAMA)
    env["PYTHONPATH"] = f"{tmp_path}:{LLAMA}"
    done = subprocess.run(
        [sys.executable, "-m", "llamacloud", "mcp"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        'llamacloud mcp: error: the MCP server needs the `mcp` package: pip install "llamacloud[mcp]"'
        " (or pip install mcp)\n"
    )


def test_importing_the_package_or_running_a_command_imports_no_mcp_code() -> None:
    code = (
        "import sys, llamacloud, llamacloud.__main__\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types', 'starlette', 'uvicorn')"
        " or m.startswith('llamacloud._mcp')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=package_env(LLAMA), capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == "[]\n"


# -- the fixture: every kind of tool ---------------------------------------------------------------------
def test_a_json_body_post_a_delete_and_an_idempotent_put() -> None:
    with TestServer() as server:

        async def test(client: Client) -> None:
            server.enqueue(Reply(201, body=NOTE), Reply(204), Reply(200, body=NOTE))
            created = await call(client, "notes_create", {"title": "Groceries", "tags": ["home"], "priority": "high"})
            assert created["structuredContent"] == NOTE and not created["isError"]
            deleted = await call(client, "notes_delete", {"note_id": "n-1"})
            assert deleted == {"content": [{"type": "text", "text": '{"status": 204}'}], "isError": False}
            pinned = await call(client, "notes_pin", {"note_id": "n-1"})
            assert pinned["structuredContent"] == NOTE
            refused = await call(client, "notes_create", {"title": ""})
            assert text_of(refused) == "argument `title`: '' should be non-empty"

        session(stdio("mcp_tools", notes_env(server)), test)
        post, delete, put = server.requests
        assert (post.method, post.path, json.loads(post.body)) == (
            "POST",
            "/notes",
            {"title": "Groceries", "tags": ["home"], "priority": "high"},
        )
        assert (delete.method, delete.path, put.method, put.path) == ("DELETE", "/notes/n-1", "PUT", "/notes/n-1/pin")


def test_an_upload_from_a_path_and_from_base64_and_a_bounded_download(tmp_path: Path) -> None:
    local = tmp_path / "receipt.txt"
    local.write_bytes(b"milk 1.20\n")
    attachment = {"id": "a-1", "filename": "receipt.txt", "size": 10}
    with TestServer() as server:

        async def test(client: Client) -> None:
            server.enqueue(
                Reply(200, body=attachment),
                Reply(200, body=attachment),
                Reply(200, headers={"content-type": "image/png"}, body=b"\x89PNG\r\n"),
            )
            by_path = await call(client, "attachments_upload", {"file": {"path": str(local)}, "note_id": "n-1"})
            assert by_path["structuredContent"] == attachment
            content = base64.b64encode(b"eggs 2.10\n").decode()
            by_content = {"base64": content, "filename": "eggs.txt", "content_type": "text/plain"}
            await call(client, "attachments_upload", {"file": by_content})
            download = await call(client, "attachments_content", {"attachment_id": "a-1"})
            resource = download["content"][0]["resource"]
            assert (resource["mimeType"], base64.b64decode(resource["blob"])) == ("image/png", b"\x89PNG\r\n")
            assert resource["uri"] == f"{server.url}/attachments/a-1/content"
            missing = await call(client, "attachments_upload", {"file": {"path": str(tmp_path / "none.txt")}})
            assert text_of(missing).startswith("argument `file.path`: cannot read") and missing["isError"]
            both = await call(client, "attachments_upload", {"file": {}})
            assert both["isError"] and text_of(both).startswith("argument `file`:")

        session(stdio("mcp_tools", notes_env(server)), test)
        first, second, _ = server.requests
        assert b'name="file"; filename="receipt.txt"' in first.body and b"milk 1.20\n" in first.body
        assert b'name="note_id"' in first.body
        assert b'filename="eggs.txt"' in second.body and b"Content-Type: text/plain" in second.body
        assert b"eggs 2.10\n" in second.body


def test_a_stream_is_collected_and_a_cursor_page_names_the_next_cursor() -> None:
    events = "".join(f"data: {json.dumps({'text': word})}\n\n" for word in ("Buy", "milk"))
    with TestServer() as server:

        async def test(client: Client) -> None:
            server.enqueue(
                Reply(200, headers={"content-type": "text/event-stream"}, body=events),
                Reply(200, body={"data": [NOTE], "next_cursor": "c-2"}),
            )
            summary = await call(client, "notes_summarize", {"note_id": "n-1"})
            body = {"events": [{"text": "Buy"}, {"text": "milk"}], "complete": True}
            assert summary["structuredContent"] == body
            page = await call(client, "notes_list", {"tag": "home"})
            assert page["_meta"] == {"next_page": {"has_next_page": True, "arguments": {"cursor": "c-2"}}}

        session(stdio("mcp_tools", notes_env(server)), test)


def test_tools_are_chosen_by_globs_and_x_mcp_and_named_within_64_characters() -> None:
    async def names(client: Client) -> list[str]:
        return [tool["name"] for tool in await tools_list(client)]

    env = package_env(NOTES)
    found: dict[str, list[str]] = {}

    async def collect(key: str, client: Client) -> None:
        async with client:
            found[key] = await names(client)

    async def main() -> None:
        await collect("all", stdio("mcp_tools", env))
        await collect(
            "globs", stdio("mcp_tools", env, "--tools", "notes_*", "--tools", "fetch_*", "--exclude", "*_delete")
        )

    anyio.run(main)
    assert found["all"] == [
        "notes_list",
        "notes_create",
        "fetch_note",
        "notes_delete",
        "notes_pin",
        "notes_summarize",
        "attachments_upload",
        "attachments_content",
        "archive_exports_scheduled_retrieve_the_status_of_a_sche_ef38be3f",
    ]
    assert all(len(name) <= 64 for name in found["all"])
    assert found["globs"] == ["notes_list", "notes_create", "fetch_note", "notes_pin", "notes_summarize"]


def test_the_dynamic_mode_lists_describes_and_invokes() -> None:
    with TestServer() as server:

        async def test(client: Client) -> None:
            assert [t["name"] for t in await tools_list(client)] == [
                "list_operations",
                "describe_operation",
                "invoke_operation",
            ]
            found = (await call(client, "list_operations", {"search": "pin"}))["structuredContent"]
            assert found["operations"][0] == {
                "name": "notes_pin",
                "title": "Pin a note",
                "method": "PUT",
                "path": "/notes/{note_id}/pin",
            }
            described = (await call(client, "describe_operation", {"name": "fetch_note"}))["structuredContent"]
            assert described["inputSchema"]["required"] == ["note_id"]
            assert described["description"] == "One note by its id, with its tags."
            server.enqueue(Reply(200, body=NOTE))
            invoked = await call(client, "invoke_operation", {"name": "fetch_note", "arguments": {"note_id": "n-1"}})
            assert json.loads(text_of(invoked)) == NOTE
            unknown = await call(client, "describe_operation", {"name": "notes_pinn"})
            assert unknown["isError"] and "close: notes_pin" in text_of(unknown)

        session(stdio("mcp_tools", notes_env(server), "--dynamic"), test)
        assert server.requests[0].path == "/notes/n-1"


def test_create_mcp_server_takes_a_client_made_in_python() -> None:
    sys.path.insert(0, str(NOTES))
    try:
        import mcp_tools

        with TestServer() as server:
            made = mcp_tools.Client(api_key="from-python-1234", base_url=server.url)
            server.enqueue(Reply(200, body=NOTE))

            async def test(client: Client) -> None:
                result = await call(client, "fetch_note", {"note_id": "n-1"})
                assert result["structuredContent"] == NOTE

            session(Client(mcp_tools.create_mcp_server(made, tools=["fetch_*"])), test)
            assert server.requests[0].header("authorization") == "Bearer from-python-1234"
    finally:
        sys.path.remove(str(NOTES))


# -- the definitions -------------------------------------------------------------------------------------
def seed_tool_names() -> list[str]:
    """The tools of the seed package, as its build wrote them from spec/ (test_golden checks the build)."""
    table = goldens.GENERATED / goldens.MAIN_PACKAGE / "_mcp" / "tools.json"
    return [tool["name"] for tool in json.loads(table.read_text(encoding="utf-8"))["tools"]]


@pytest.mark.parametrize("package", goldens.MCP_GOLDEN_PACKAGES)
def test_tools_list_is_its_golden_and_every_schema_is_valid_json_schema(package: str) -> None:
    listed: list[dict[str, Any]] = []

    async def test(client: Client) -> None:
        listed.extend(await tools_list(client))

    session(stdio(package, package_env(goldens.mcp_package_parent(package))), test)
    golden = goldens.MCP_GOLDENS_DIR / f"{package}.json"
    if package == goldens.MAIN_PACKAGE and goldens.mcp_golden_spec_changed():
        # spec/ was edited since the golden was made (a maintainer adding an endpoint): the tools are
        # those of the rebuilt package's table, in its order.
        assert [tool["name"] for tool in listed] == seed_tool_names()
    else:
        assert listed == json.loads(golden.read_text(encoding="utf-8")), (
            "run: python tests/update_goldens.py --mcp-only"
        )
    for tool in listed:
        for key in ("inputSchema", "outputSchema"):
            if key in tool:
                jsonschema.Draft202012Validator.check_schema(tool[key])
                assert tool[key]["type"] == "object"


# -- without the extra -----------------------------------------------------------------------------------
#: What `pip install "<package>[mcp]"` brings beside the package's own dependencies.
MCP_EXTRA = ("mcp", "mcp_types", "jsonschema", "uvicorn", "starlette", "sse_starlette")


def python_without_the_extra(folder: Path) -> Path:
    """A venv whose site-packages holds every package of this one but the `mcp` extra's (as links)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=60)
    site = Path(jsonschema.__file__).resolve().parents[1]
    target = next((folder / "lib").glob("python*/site-packages"))
    for entry in site.iterdir():
        if entry.name.split("-")[0].split(".")[0] not in MCP_EXTRA:
            (target / entry.name).symlink_to(entry)
    return folder / "bin" / "python"


@pytest.mark.slow
@pytest.mark.parametrize("package", goldens.MCP_GOLDEN_PACKAGES)
def test_the_package_passes_mypy_strict_without_the_extra(
    package: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # The venv and mypy's cache at paths kept between runs: a second run re-checks what changed.
    with kept_mypy_cache(tmp_path_factory, f"without-mcp-{package}") as cache:
        venv = cache.with_name(cache.name + "-venv")
        shutil.rmtree(venv, ignore_errors=True)
        python = python_without_the_extra(venv)
        assert subprocess.run([str(python), "-c", "import mcp"], capture_output=True, check=False).returncode == 1
        done = subprocess.run(
            [
                *(sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python)),
                *("--cache-dir", str(cache), package),
            ],
            cwd=goldens.mcp_package_parent(package),
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr
