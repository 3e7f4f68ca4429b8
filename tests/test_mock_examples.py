"""Every operation of the platform spec (spec/), `box.json` and `openai.yaml` called against a mock
answering from the spec's own examples, those that break the schema included (tests/support/
mock_api.py): with the default lenient responses no call fails; with `strict_response_validation=True`
the calls whose example breaks its schema raise `ResponseValidationError`, and only those, which are
the calls whose lenient reading logged a mismatch. Each call is the one the reference docs show (every
required argument); operations with servers of their own are pointed at the mock by `server_urls=`.

Box's upload goes to its declared host, `https://upload.box.com/api/2.0`, and with `server_urls=` to
a second local server, while the rest of the API stays on the first.

Box and OpenAI are built once per run and shared with tests/test_big_specs.py (`big`)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.mock_api import ExampleMock
from support.server import RecordedRequest, Reply, TestServer
from support.shared import Wanted, build_once

from generator.ir import Api
from generator.loader import SourceFiles
from generator.pipeline import load_api
from generator.render.examples import python_call
from generator.resolver import resolve

SPECS = goldens.REPO / "tests" / "real_specs"
BIG = {"box": (SPECS / "box.json", "box_client"), "openai": (SPECS / "openai.yaml", "openai_client")}

# Calls each operation as the reference docs show it, in a fresh interpreter; prints, per call, its
# method, what it gave (a type name, or the error's) and how many mismatches it logged.
SCRIPT = """
import datetime, json, logging, os, sys, warnings
import {package} as package

warnings.simplefilter("ignore")
logged = []
handler = logging.Handler()
handler.emit = logged.append
logger = logging.getLogger({package!r})
logger.addHandler(handler)
logger.propagate = False
Client = package.Client
for scheme in Client._auth_schemes:
    for env in scheme.envs:
        os.environ[env] = "mock-credential"
client = Client(
    api_key="mock-key",
    base_url=sys.argv[1],
    max_retries=0,
    server_urls=json.loads(sys.argv[2]),
    strict_response_validation=sys.argv[3] == "strict",
)
results = []


def run(name, call):
    before = len(logged)
    try:
        value = call()
        if type(value).__name__ == "Stream":
            with value:
                events = list(value)
        outcome = type(value).__name__
    except Exception as exc:
        outcome = type(exc).__name__ + ": " + str(exc)[:300]
    results.append([name, outcome, len(logged) - before])


{calls}
print(json.dumps(results))
"""


def script(api: Api) -> str:
    calls = [f"run({op.operation_id!r}, lambda: {python_call(op)})" for op in api.operations()]
    return SCRIPT.format(package=api.package, calls="\n".join(calls))


def own_servers(api: Api, url: str) -> dict[str, str]:
    return {op.server.url: url for op in api.operations() if op.server is not None}


def mode(strict: bool) -> str:
    return "strict" if strict else "lenient"


def call_every_operation(api: Api, out: Path, server: TestServer, strict: bool) -> dict[str, tuple[str, int]]:
    done = subprocess.run(
        [sys.executable, "-c", script(api), server.url, json.dumps(own_servers(api, server.url)), mode(strict)],
        cwd=out,
        env={**os.environ, "PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr[-3000:]
    results = json.loads(done.stdout)
    assert len(results) == len(api.operations())
    return {name: (outcome, logged) for name, outcome, logged in results}


def check_both_modes(spec: Path, package: str, out: Path, server: TestServer) -> dict[str, Any]:
    api, _ = load_api(spec, package)
    mock = ExampleMock(resolve(spec, SourceFiles()).document)
    server.set_handler(mock)
    lenient = call_every_operation(api, out, server, strict=False)
    failed = {name: outcome for name, (outcome, _) in lenient.items() if ":" in outcome}
    assert failed == {}, json.dumps(failed, indent=1)
    assert len(mock.answered) == len(api.operations())  # one request each, answered by its operation
    strict = call_every_operation(api, out, server, strict=True)
    refused = {name for name, (outcome, _) in strict.items() if ":" in outcome}
    assert {strict[name][0].split(":")[0] for name in refused} <= {"ResponseValidationError"}
    warned = {name for name, (_, logged) in lenient.items() if logged}
    assert refused == warned
    examples = sum(1 for *_, how in mock.answered[: len(api.operations())] if how == "example")
    return {"operations": len(api.operations()), "refused when strict": len(refused), "examples": examples}


def test_every_platform_operation_against_its_examples(server: TestServer) -> None:
    spec = goldens.REPO / "spec" / "openapi.yaml"
    figures = check_both_modes(spec, goldens.MAIN_PACKAGE, goldens.GENERATED, server)
    assert figures["operations"] >= 2


@pytest.mark.big
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BIG))
def test_every_operation_of_a_big_spec_against_its_examples(
    name: str, server: TestServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    spec, package = BIG[name]
    built = build_once(tmp_path_factory, Wanted(spec, package, seed=None))
    assert built.returncode == 0, built.stderr
    figures = check_both_modes(spec, package, built.out, server)
    print(name, figures)
    # Both specs' examples break their schemas (Box's `shared_link.accessed` is never sent): 37 of
    # Box's 296 calls and 14 of OpenAI's 288 raise when strict.
    assert figures["refused when strict"] > 0


UPLOAD = """
import json, logging, sys
import httpx
import box_client

logging.getLogger("box_client").addHandler(logging.NullHandler())  # the examples' mismatches: not on stderr

class Forwarding(httpx.BaseTransport):
    # Another host's requests go to the second local server, as through a proxy; the URL asked is kept.
    def __init__(self, api, other):
        self.api, self.other, self.asked = httpx.URL(api), httpx.URL(other), []
        self.http = httpx.HTTPTransport()

    def handle_request(self, request):
        self.asked.append(str(request.url))
        if (request.url.host, request.url.port) != (self.api.host, self.api.port):
            request.url = request.url.copy_with(scheme="http", host=self.other.host, port=self.other.port)
        return self.http.handle_request(request)

api, other = sys.argv[1], sys.argv[2]
forwarding = Forwarding(api, other)
declared = box_client.Client(
    access_token="k", base_url=api, max_retries=0, http_client=httpx.Client(transport=forwarding)
)
overridden = box_client.Client(
    access_token="k", base_url=api, max_retries=0, server_urls={"https://upload.box.com/api/2.0": other}
)
for client in (declared, overridden):
    client.files.get_id("12345")
    uploaded = UPLOAD_CALL
print(json.dumps([forwarding.asked, type(uploaded).__name__]))
"""


UPLOADED = ("attributes={'name': 'a.txt', 'parent': {'id': '0'}}", "file=('a.txt', b'hello')")


@pytest.mark.big
@pytest.mark.slow
def test_box_upload_goes_to_its_declared_host(tmp_path_factory: pytest.TempPathFactory, server: TestServer) -> None:
    spec, package = BIG["box"]
    built = build_once(tmp_path_factory, Wanted(spec, package, seed=None))
    api, _ = load_api(spec, package)
    (upload,) = [op for op in api.operations() if op.operation_id == "post_files_content"]
    document = resolve(spec, SourceFiles()).document
    with TestServer() as other:
        seen: dict[str, list[RecordedRequest]] = {"api": [], "upload": []}
        mock = ExampleMock(document)

        def on(name: str) -> Callable[[RecordedRequest], Reply]:
            def answer(request: RecordedRequest) -> Reply:
                seen[name].append(request)
                # The upload host's own path, `/api/2.0`, is the API's server path: the spec's paths follow it.
                return mock(dataclasses.replace(request, path=request.path.removeprefix("/api/2.0")))

            return answer

        server.set_handler(on("api"))
        other.set_handler(on("upload"))
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                UPLOAD.replace("UPLOAD_CALL", python_call(upload, more=UPLOADED)),
                server.url,
                other.url,
            ],
            cwd=built.out,
            env={**os.environ, "PYTHONPATH": str(built.out)},
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr[-3000:]
    asked, uploaded = json.loads(done.stdout)
    assert asked == [f"{server.url}/files/12345", "https://upload.box.com/api/2.0/files/content"]
    assert uploaded == "Files"
    assert [(r.method, r.path) for r in seen["api"]] == [("GET", "/files/12345")] * 2
    assert [(r.method, r.path) for r in seen["upload"]] == [
        ("POST", "/api/2.0/files/content"),
        ("POST", "/files/content"),
    ]
    for request in seen["upload"]:
        assert request.header("Authorization") == "Bearer k"
        assert (request.header("Content-Type") or "").startswith("multipart/form-data; boundary=")
        assert b'name="file"; filename="a.txt"' in request.body and b"hello" in request.body
