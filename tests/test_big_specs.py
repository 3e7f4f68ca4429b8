"""The large public specs of tests/real_specs: `box.json` (296 operations, 305 schemas),
`stripe.yaml` (468 operations, 819 schemas) and `openai.yaml` (288 operations, 1,422 schemas) build
without a warning; every operation is a method of both clients and has its endpoint; every module
imports; the package passes `mypy --strict`; and a first call parses its answer,
importing the model modules its answer reaches and no others. OpenAI's chat completions, responses,
file uploads and vector stores are called on the loopback server with the bodies its docs show.

Box and stripe take about 80 s of CPU (`stripe.yaml` alone a build of 13 s on both cores, mypy and
the imports of 4,774 classes), OpenAI about 40 s more (a build of 16 s, the imports of 3,173
classes): more than the default suite can take, so they
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
from support.multipart import multipart
from support.server import Reply, TestServer
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
    "stripe": Case(
        SPECS / "stripe.yaml",
        "stripe_client",
        'customers.get_customer("cus_1")',
        {"id": "cus_1", "object": "customer", "created": 1, "livemode": False},
        "Customer",
    ),
    "openai": Case(
        SPECS / "openai.yaml",
        "openai_client",
        'files.retrieve("file-abc123")',
        {"id": "file-abc123", "object": "file", "bytes": 120000, "created_at": 1677610602, "filename": "mydata.jsonl"}
        | {"purpose": "fine-tune", "status": "processed"},
        "OpenAIFile",
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


def run_python(big: Big, code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
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
        # A client naming its credentials has its own `with_options`; `webhooks` verifies, it sends nothing.
        if name.startswith("_") or name in ("with_raw_response", "with_streaming_response", "with_options"):
            continue
        if isinstance(attr, functools.cached_property):
            value = getattr(resource, name)
            if not type(value).__module__.endswith("._runtime._webhooks"):
                found |= walk(value, (*path, name))
        elif inspect.isfunction(attr):
            # Async: a coroutine function, or a list returning its pages (`async for`, or `await` it).
            paged = "AsyncPaginator[" in str(attr.__annotations__.get("return"))
            found[".".join((*path, name))] = inspect.iscoroutinefunction(attr) or paged
    return found

sync = walk(package.Client(api_key="k", base_url="http://127.0.0.1:9"))
async_ = walk(package.AsyncClient(api_key="k", base_url="http://127.0.0.1:9"))
endpoints = []
for info in pkgutil.iter_modules(importlib.import_module("{package}.resources").__path__):
    module = importlib.import_module("{package}.resources." + info.name)
    # An operation answering a stream or a plain body has a second endpoint, `<NAME>__STREAM`.
    endpoints += [
        [v.method, v.path] for k, v in vars(module).items() if isinstance(v, Endpoint) and not k.endswith("__STREAM")
    ]
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
    # OpenAI's: the streaming calls a caller writes, each chunk typed as the chunk model (`assert_type`).
    callers = [str(tmp_path / "openai_streams.py")] if big.case.package == "openai_client" else []
    (tmp_path / "openai_streams.py").write_text(OPENAI_STREAMS, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", *MYPY_STRICT, "--cache-dir", str(cache), "--no-error-summary"]
    done = subprocess.run(
        [*command, big.case.package, *callers],
        cwd=big.out,  # no project configuration: --strict alone decides
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.slow
def test_every_returns_section_of_the_reference_says_what_comes_back(big: Big) -> None:
    # Box writes 127 of its responses as `allOf`s of models: their fields are listed too.
    empty = []
    for page in sorted((big.target / "reference").glob("*.md")):
        for section in page.read_text(encoding="utf-8").split("\n### Returns\n")[1:]:
            if not section.split("\n### ", 1)[0].strip():
                empty.append(page.name)
    assert empty == []


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
# Box's scheme is OAuth 2: its token is `access_token` (a credential any client takes by name).
given = {{"api_key": "k", "credentials": {{"access_token": "k"}}}}
client = package.Client(**given, base_url="http://test", http_client=http_client)
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


# -- OpenAI on the wire ---------------------------------------------------------------------------
# Answers as OpenAI's API reference shows them (x-oaiMeta examples of tests/real_specs/openai.yaml).
CHAT_COMPLETION = {
    "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
    "object": "chat.completion",
    "created": 1741569952,
    "model": "gpt-5.4",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Hello! How can I assist you today?",
                "refusal": None,
                "annotations": [],
            },
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 19,
        "completion_tokens": 10,
        "total_tokens": 29,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    },
    "service_tier": "default",
}
STORY = "In a peaceful grove beneath a silver moon, a unicorn named Lumina discovered a hidden pool."
RESPONSE = {
    "id": "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    "object": "response",
    "created_at": 1741476542,
    "status": "completed",
    "completed_at": 1741476543,
    "error": None,
    "incomplete_details": None,
    "instructions": None,
    "max_output_tokens": None,
    "model": "gpt-5.4",
    "output": [
        {
            "type": "message",
            "id": "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": STORY, "annotations": [], "logprobs": []}],
        }
    ],
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "reasoning": {"effort": None, "summary": None},
    "store": True,
    "temperature": 1.0,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [],
    "top_p": 1.0,
    "truncation": "disabled",
    "usage": {
        "input_tokens": 36,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": 87,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 123,
    },
    "user": None,
    "metadata": {},
}
FILE = {
    "id": "file-abc123",
    "object": "file",
    "bytes": 120000,
    "created_at": 1677610602,
    "expires_at": 1677614202,
    "filename": "mydata.jsonl",
    "purpose": "fine-tune",
    "status": "processed",
}
VECTOR_STORE = {
    "id": "vs_abc123",
    "object": "vector_store",
    "created_at": 1699061776,
    "name": "Support FAQ",
    "description": "Contains commonly asked questions and answers, organized by topic.",
    "bytes": 139920,
    "usage_bytes": 139920,
    "status": "completed",
    "last_active_at": 1699061776,
    "metadata": {},
    "file_counts": {"in_progress": 0, "completed": 3, "failed": 0, "cancelled": 0, "total": 3},
}
VECTOR_STORES = {
    "object": "list",
    "data": [VECTOR_STORE, {**VECTOR_STORE, "id": "vs_abc456", "name": "Support FAQ v2", "description": None}],
    "first_id": "vs_abc123",
    "last_id": "vs_abc456",
    "has_more": False,
}
VECTOR_STORE_FILE = {
    "id": "file-abc123",
    "object": "vector_store.file",
    "created_at": 1699061776,
    "usage_bytes": 1234,
    "vector_store_id": "vs_abcd",
    "status": "completed",
    "last_error": None,
}
SEARCH = {
    "object": "vector_store.search_results.page",
    "search_query": ["What is the return policy?"],
    "data": [
        {
            "file_id": "file_123",
            "filename": "document.pdf",
            "score": 0.95,
            "attributes": {"author": "John Doe", "date": "2023-01-01"},
            "content": [{"type": "text", "text": "Relevant chunk"}],
        }
    ],
    "has_more": False,
    "next_page": None,
}
UPLOADED = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n'
OPENAI_CALLS = """
import json, sys
import openai_client

UPLOADED = sys.argv[2].encode()
client = openai_client.Client(api_key="sk-test", base_url=sys.argv[1], max_retries=0)
chat = client.chat.create_completion(
    model="gpt-5.4",
    messages=[
        {"role": "developer", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Hello!"},
    ],
)
response = client.responses.create(model="gpt-5.4", input="Tell me a three sentence bedtime story about a unicorn.")
uploaded = client.files.create(file=("mydata.jsonl", UPLOADED), purpose="fine-tune")
store = client.vector_stores.create(name="Support FAQ", file_ids=["file-abc123"])
stores = client.vector_stores.list(limit=2)
added = client.vector_stores.create_file("vs_abc123", file_id="file-abc123")
found = client.vector_stores.search("vs_abc123", query="What is the return policy?", max_num_results=1)
unwrap = lambda value: getattr(value, "root", value)  # a union of models may come wrapped in a RootModel
text = unwrap(unwrap(response.output[0]).content[0]).text
print(json.dumps([
    [type(chat).__name__, chat.choices[0].message.content, chat.usage.total_tokens],
    [type(response).__name__, response.status, text],
    [type(uploaded).__name__, uploaded.id, uploaded.purpose],
    [type(store).__name__, store.id, store.file_counts.completed],
    [type(stores).__name__, [s.name for s in stores.items], stores.has_next_page(), stores.parsed_body.last_id],
    [type(added).__name__, added.vector_store_id, added.status],
    [type(found).__name__, [(r.filename, r.score) for r in found.data]],
]))
"""


@pytest.mark.slow
def test_openai_chat_responses_files_and_vector_stores_on_the_wire(
    tmp_path_factory: pytest.TempPathFactory, server: TestServer
) -> None:
    case = CASES["openai"]
    built = build_once(tmp_path_factory, Wanted(case.spec, case.package, seed=None))
    big = Big(case, built.out, built.returncode, built.stdout, built.stderr)
    for body in (CHAT_COMPLETION, RESPONSE, FILE, VECTOR_STORE, VECTOR_STORES, VECTOR_STORE_FILE, SEARCH):
        server.enqueue(Reply(200, body=body))
    results = json.loads(run_python(big, OPENAI_CALLS, server.url, UPLOADED.decode()))
    assert results == [
        ["CreateChatCompletionResponse", "Hello! How can I assist you today?", 29],
        ["Response", "completed", STORY],
        ["OpenAIFile", "file-abc123", "fine-tune"],
        ["VectorStoreObject", "vs_abc123", 3],
        ["SyncPage", ["Support FAQ", "Support FAQ v2"], False, "vs_abc456"],  # paged, with no overlay
        ["VectorStoreFileObject", "vs_abcd", "completed"],
        ["VectorStoreSearchResultsPage", [["document.pdf", 0.95]]],
    ]
    chat, response, upload, store, stores, added, search = server.requests
    assert all(r.header("Authorization") == "Bearer sk-test" for r in server.requests)
    assert [(r.method, r.target) for r in server.requests] == [
        ("POST", "/chat/completions"),
        ("POST", "/responses"),
        ("POST", "/files"),
        ("POST", "/vector_stores"),
        ("GET", "/vector_stores?limit=2"),
        ("POST", "/vector_stores/vs_abc123/files"),
        ("POST", "/vector_stores/vs_abc123/search"),
    ]
    assert chat.json() == {
        "model": "gpt-5.4",
        "messages": [
            {"role": "developer", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Hello!"},
        ],
        "stream": False,  # the body's `stream`, the method's choice of the JSON answer
    }
    assert response.json() == {
        "model": "gpt-5.4",
        "input": "Tell me a three sentence bedtime story about a unicorn.",
        "stream": False,
    }
    assert store.json() == {"name": "Support FAQ", "file_ids": ["file-abc123"]}
    assert added.json() == {"file_id": "file-abc123"}
    assert search.json() == {"query": "What is the return policy?", "max_num_results": 1}
    assert stores.body == b""
    parts = multipart(upload)
    assert [(p.name, p.filename, p.content) for p in parts] == [
        ("file", "mydata.jsonl", UPLOADED),
        ("purpose", None, b"fine-tune"),
    ]


# -- OpenAI's chat completions streamed --------------------------------------------------------------
# The chunks as the API streams them (the x-oaiMeta streaming example of tests/real_specs/openai.yaml),
# one server-sent event each, ending at `data: [DONE]`, nothing declaring that terminator.
CHUNK = {"id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1694268190, "model": "gpt-4o-mini"}
CHUNKS = [
    CHUNK | {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]},
    CHUNK | {"choices": [{"index": 0, "delta": {"content": "Hello"}, "logprobs": None, "finish_reason": None}]},
    CHUNK | {"choices": [{"index": 0, "delta": {"content": "!"}, "logprobs": None, "finish_reason": None}]},
    CHUNK | {"choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]},
]
MESSAGES = [{"role": "user", "content": "Hello!"}]
SSE_REPLY = b"".join(b"data: " + json.dumps(chunk).encode() + b"\n\n" for chunk in CHUNKS) + b"data: [DONE]\n\n"
OPENAI_STREAMS = """
import asyncio, json, sys
from typing import assert_type
import openai_client
from openai_client.models import CreateChatCompletionStreamResponse
from openai_client.params import ChatCompletionRequestUserMessageParam

MESSAGES: list[ChatCompletionRequestUserMessageParam] = [{"role": "user", "content": "Hello!"}]


def sync_chat(base_url: str) -> list[str]:
    client = openai_client.Client(api_key="sk-test", base_url=base_url, max_retries=0)
    text = []
    for chunk in client.chat.create_completion(model="gpt-4o-mini", messages=MESSAGES, stream=True):
        assert_type(chunk, CreateChatCompletionStreamResponse)
        text.append(type(chunk).__name__ + ":" + (chunk.choices[0].delta.content or ""))
    return text


async def async_chat(base_url: str) -> list[str]:
    client = openai_client.AsyncClient(api_key="sk-test", base_url=base_url, max_retries=0)
    text = []
    stream = await client.chat.create_completion(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    async with stream:
        async for chunk in stream:
            assert_type(chunk, CreateChatCompletionStreamResponse)
            text.append(type(chunk).__name__ + ":" + (chunk.choices[0].delta.content or ""))
    whole = await client.chat.create_completion(model="gpt-4o-mini", messages=MESSAGES)
    assert_type(whole, openai_client.models.CreateChatCompletionResponse)
    return text + [type(whole).__name__]


if __name__ == "__main__":
    print(json.dumps([sync_chat(sys.argv[1]), asyncio.run(async_chat(sys.argv[1]))]))
"""


@pytest.mark.slow
def test_openai_chat_completions_stream_sync_and_async_until_done(
    tmp_path_factory: pytest.TempPathFactory, server: TestServer
) -> None:
    case = CASES["openai"]
    built = build_once(tmp_path_factory, Wanted(case.spec, case.package, seed=None))
    big = Big(case, built.out, built.returncode, built.stdout, built.stderr)
    headers = {"Content-Type": "text/event-stream; charset=utf-8", "X-Request-Id": "req_1"}
    # After [DONE] comes nothing the client reads: a chunk sent after it would fail the test.
    server.enqueue(
        Reply(200, headers=headers, body=SSE_REPLY + b"data: not json\n\n"),
        Reply(200, headers=headers, body=SSE_REPLY),
        Reply(200, body=CHAT_COMPLETION),
    )
    sync, asynchronous = json.loads(run_python(big, OPENAI_STREAMS, server.url))
    chunks = [f"CreateChatCompletionStreamResponse:{text}" for text in ("", "Hello", "!", "")]
    assert sync == chunks
    assert asynchronous == [*chunks, "CreateChatCompletionResponse"]
    streamed, streamed_async, whole = server.requests
    for request in (streamed, streamed_async):
        assert (request.method, request.target) == ("POST", "/chat/completions")
        assert request.header("accept") == "text/event-stream"
        assert request.json() == {"model": "gpt-4o-mini", "messages": MESSAGES, "stream": True}
    assert whole.json() == {"model": "gpt-4o-mini", "messages": MESSAGES, "stream": False}


# -- pages with no overlay: OpenAI's lists, Box's folder items --------------------------------------
OPENAI_PAGES = """
import asyncio, json, sys
import openai_client

FIRST = {"limit": 2}


def sync_pages(base_url: str) -> list[object]:
    client = openai_client.Client(api_key="sk-test", base_url=base_url, max_retries=0)
    files = [f.id for f in client.files.list(limit=2)]
    stores = [s.id for s in client.vector_stores.list(limit=2)]
    models = [m.id for m in client.models.list()]  # one page, the whole listing
    return [files, stores, models]


async def async_pages(base_url: str) -> list[object]:
    client = openai_client.AsyncClient(api_key="sk-test", base_url=base_url, max_retries=0)
    files = [f.id async for f in client.files.list(limit=2)]
    page = await client.vector_stores.list(limit=2)
    return [files, [s.id for s in page.items], page.has_next_page()]


print(json.dumps([sync_pages(sys.argv[1]), asyncio.run(async_pages(sys.argv[1]))]))
"""


def openai_list(items: list[dict[str, Any]], more: bool) -> dict[str, Any]:
    return {"object": "list", "data": items, "first_id": items[0]["id"], "last_id": items[-1]["id"], "has_more": more}


@pytest.mark.slow
def test_openai_lists_page_with_no_overlay_until_has_more_false(
    tmp_path_factory: pytest.TempPathFactory, server: TestServer
) -> None:
    case = CASES["openai"]
    built = build_once(tmp_path_factory, Wanted(case.spec, case.package, seed=None))
    big = Big(case, built.out, built.returncode, built.stdout, built.stderr)
    files = [FILE | {"id": f"file-{n}"} for n in range(3)]
    stores = [VECTOR_STORE | {"id": f"vs_{n}"} for n in range(3)]
    model = {"object": "model", "created": 1686935002, "owned_by": "openai"}
    models = {"object": "list", "data": [model | {"id": "gpt-5.4"}, model | {"id": "gpt-4o-mini"}]}
    for flavour in ("sync", "async"):
        server.enqueue(Reply(200, body=openai_list(files[:2], True)), Reply(200, body=openai_list(files[2:], False)))
        if flavour == "sync":
            server.enqueue(
                Reply(200, body=openai_list(stores[:2], True)), Reply(200, body=openai_list(stores[2:], False))
            )
            server.enqueue(Reply(200, body=models))
    server.enqueue(Reply(200, body=openai_list(stores[:2], True)))  # the async first page: one request
    sync, asynchronous = json.loads(run_python(big, OPENAI_PAGES, server.url))
    assert sync == [["file-0", "file-1", "file-2"], ["vs_0", "vs_1", "vs_2"], ["gpt-5.4", "gpt-4o-mini"]]
    assert asynchronous == [["file-0", "file-1", "file-2"], ["vs_0", "vs_1"], True]
    # Each listing stops at `has_more: false`: two requests each, never a third.
    assert [r.target for r in server.requests] == [
        "/files?limit=2",
        "/files?limit=2&after=file-1",
        "/vector_stores?limit=2",
        "/vector_stores?limit=2&after=vs_1",
        "/models",
        "/files?limit=2",
        "/files?limit=2&after=file-1",
        "/vector_stores?limit=2",
    ]
    assert ": 288 operations, 63 paginated (63 inferred), " in big.stdout


BOX_PAGES = """
import json, sys
import box_client

client = box_client.Client(access_token="box-token", base_url=sys.argv[1], max_retries=0)
by_marker = [(item.type, item.id) for item in client.folders.get_id_items("0", usemarker=True, limit=2)]
pages = list(client.folders.get_id_items("0", limit=2).iter_pages())
print(json.dumps([by_marker, [[item.id for item in page.items] for page in pages]]))
"""


@pytest.mark.slow
def test_box_folder_items_page_by_marker_with_no_overlay(
    tmp_path_factory: pytest.TempPathFactory, server: TestServer
) -> None:
    case = CASES["box"]
    built = build_once(tmp_path_factory, Wanted(case.spec, case.package, seed=None))
    big = Big(case, built.out, built.returncode, built.stdout, built.stderr)
    entries = [
        {"id": "11", "type": "file", "etag": "1", "name": "a.txt"},
        {"id": "12", "type": "folder", "etag": "1", "name": "b"},
        {"id": "13", "type": "web_link", "etag": "1", "name": "c", "url": "https://example.com"},
    ]
    server.enqueue(
        Reply(
            200,
            body={
                "entries": entries[:2],
                "limit": 2,
                "next_marker": "JV9IRGZmieiBasejOG9yDCRNgd2ymoZIbjsxbJMjIs3kioVii",
            },
        ),
        Reply(200, body={"entries": entries[2:], "limit": 2}),
        Reply(200, body={"entries": entries[:2], "limit": 2, "offset": 0, "total_count": 3}),
        Reply(200, body={"entries": entries[2:], "limit": 2, "offset": 2, "total_count": 3}),
    )
    by_marker, by_offset = json.loads(run_python(big, BOX_PAGES, server.url))
    assert by_marker == [["file", "11"], ["folder", "12"], ["web_link", "13"]]
    assert by_offset == [["11", "12"], ["13"]]
    assert [r.target for r in server.requests] == [
        "/folders/0/items?usemarker=true&limit=2",
        "/folders/0/items?usemarker=true&marker=JV9IRGZmieiBasejOG9yDCRNgd2ymoZIbjsxbJMjIs3kioVii&limit=2",
        "/folders/0/items?limit=2",
        "/folders/0/items?offset=2&limit=2",
    ]
