"""Request bodies as the official SDK calls them: one keyword argument per property of an object body,
nested objects as models or plain dicts (TypedDict params), the wire body exactly what the caller gave.

`writes` holds create / cancel / list-items / upload endpoints shaped like LlamaCloud's; they are
called here with the call shapes of `llama-cloud` 2.10.0 on both clients, and the requests checked
byte for byte. `bodies` holds the other shapes: bodies that stay one `body=`, an `allOf` body,
properties named like parameters and reserved keywords, read-only properties, open objects.
"""

from __future__ import annotations

import collections.abc
import inspect
import io
import json
import pkgutil
import subprocess
import sys
import textwrap
import types
import typing
from pathlib import Path
from typing import Any

import pydantic
import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml
from support.fixtures import API_KEY, Flavour, fixture_package, run
from support.multipart import multipart
from support.server import Reply, TestServer
from support.shared import MYPY_STRICT, mypy_cache

from generator.cli import main

JOB = {"id": "bjb-1", "status": "pending", "directory_id": "dir-1", "total_items": 3}
CANCELLED = {"job_id": "bjb-1", "status": "cancelled", "message": "too slow"}
FILE = {"id": "file-1", "name": "report.pdf", "purpose": "parse", "file_size": 9}
BASIC = {"username": "user", "password": "pass"}  # the `bodies` fixture's credentials


def spec(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(goldens.fixture_spec(name).read_text(encoding="utf-8"))
    return loaded


def signature(name: str, module: str, cls: str, method: str) -> inspect.Signature:
    resource = getattr(fixture_package(name, f"resources.{module}"), cls)
    return inspect.signature(getattr(resource, method))


def item(index: int) -> dict[str, Any]:
    return {"item_id": f"item-{index}", "status": "completed", "error_message": None}


# -- the official SDK's call shapes, on the wire ----------------------------------------------
def test_official_call_shapes_on_the_wire(server: TestServer, flavour: Flavour, tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7\n")
    server.enqueue(
        Reply(200, body=JOB),
        Reply(200, body=CANCELLED),
        Reply(200, body={"items": [item(1), item(2)], "total_size": 3}),
        Reply(200, body=FILE),
    )

    def scenario(client: Any) -> list[Any]:
        return [
            client.beta.batch.create(
                job_config={
                    "job_name": "parse_raw_file_job",
                    "parameters": {"lang": "en", "webhook_configurations": [{"webhook_url": "https://hook"}]},
                    "partitions": {"bucket": "b1"},
                },
                directory_id="dir-1",
                item_ids=["a", "b"],
                temporal_namespace="ns-1",
                project_id="proj-1",
            ),
            client.beta.batch.cancel("bjb-1", reason="too slow"),
            client.beta.batch.job_items.list("bjb-1", limit=2, status="completed"),
            client.files.create(file=report, purpose="parse", external_file_id="ext-1"),
        ]

    created, cancelled, page, uploaded = run(flavour, "writes", server, scenario)
    m = fixture_package("writes", "models")
    assert type(created) is m.BatchJob and created.total_items == 3
    assert type(cancelled) is m.BatchCancelResponse and cancelled.status == "cancelled"
    assert [i.item_id for i in page.items] == ["item-1", "item-2"]
    assert type(uploaded) is m.File
    create, cancel, first_page, upload = server.requests
    for request in server.requests:
        assert request.header("Authorization") == f"Bearer {API_KEY}"

    assert (create.method, create.target) == ("POST", "/api/v1/beta/batch-processing?project_id=proj-1")
    assert (create.header("Content-Type"), create.header("temporal-namespace")) == ("application/json", "ns-1")
    assert create.body == (
        b'{"job_config":{"job_name":"parse_raw_file_job","parameters":{"lang":"en","webhook_configurations":'
        b'[{"webhook_url":"https://hook"}]},"partitions":{"bucket":"b1"}},"directory_id":"dir-1",'
        b'"item_ids":["a","b"]}'
    )

    assert (cancel.method, cancel.target, cancel.body) == (
        "POST",
        "/api/v1/beta/batch-processing/bjb-1/cancel",
        b'{"reason":"too slow"}',
    )
    assert cancel.header("Content-Type") == "application/json"

    assert (first_page.method, first_page.target, first_page.body) == (
        "GET",
        "/api/v1/beta/batch-processing/bjb-1/items?limit=2&status=completed",
        b"",
    )

    assert (upload.method, upload.target) == ("POST", "/api/v1/beta/files")
    file_part, purpose, external = multipart(upload)
    assert file_part.headers == [
        ("Content-Disposition", 'form-data; name="file"; filename="report.pdf"'),
        ("Content-Type", "application/pdf"),
    ]
    assert file_part.content == b"%PDF-1.7\n"
    assert (purpose.headers, purpose.content) == ([("Content-Disposition", 'form-data; name="purpose"')], b"parse")
    assert (external.name, external.content, external.header("Content-Type")) == ("external_file_id", b"ext-1", None)


def test_the_list_follows_its_pages(server: TestServer, flavour: Flavour) -> None:
    server.enqueue(
        Reply(200, body={"items": [item(1), item(2)], "total_size": 3}),
        Reply(200, body={"items": [item(3)], "total_size": 3}),
    )

    def scenario(client: Any) -> Any:
        if flavour == "sync":
            return [i.item_id for i in client.beta.batch.job_items.list("bjb-1", limit=2)]

        async def collect() -> list[str]:
            return [i.item_id async for i in client.beta.batch.job_items.list("bjb-1", limit=2)]

        return collect()

    assert run(flavour, "writes", server, scenario) == ["item-1", "item-2", "item-3"]
    assert [r.target for r in server.requests] == [
        "/api/v1/beta/batch-processing/bjb-1/items?limit=2",
        "/api/v1/beta/batch-processing/bjb-1/items?limit=2&offset=2",
    ]


def test_models_are_sent_by_alias_with_what_was_set(server: TestServer, flavour: Flavour) -> None:
    m = fixture_package("writes", "models")
    server.enqueue(Reply(200, body=JOB), Reply(200, body=JOB))
    config = m.BatchParseJobRecordCreate(parameters=m.BatchParseJobConfig(lang="fr", max_pages=None))
    rules = [m.ClassifierRule(type="invoice", description="an invoice")]
    classify = {"id": "c1", "project_id": "p", "rules": rules, "status": m.StatusEnum.PENDING, "user_id": "u"}
    run(
        flavour,
        "writes",
        server,
        lambda c: [c.beta.batch.create(job_config=config), c.beta.batch.create(job_config=classify)],
    )
    from_model, from_dict = server.requests
    # Only the fields set, a None given kept as null; nested models inside a dict serialised too.
    assert from_model.body == b'{"job_config":{"parameters":{"lang":"fr","max_pages":null}}}'
    assert from_dict.json() == {
        "job_config": {
            "id": "c1",
            "project_id": "p",
            "rules": [{"type": "invoice", "description": "an invoice"}],
            "status": "PENDING",
            "user_id": "u",
        }
    }
    m_bodies = fixture_package("bodies", "models")
    server.enqueue(Reply(200, body={"ok": True}))
    schedule = m_bodies.ProjectSettingsSchedule(cron="* * * * *", x_mode="strict")
    run(
        flavour,
        "bodies",
        server,
        lambda c: c.projects.put_settings("p1", body_project_id="p1", timeout_=5, schedule=schedule),
        **BASIC,
    )
    assert server.requests[-1].json()["schedule"] == {"cron": "* * * * *", "x-mode": "strict"}  # the alias


# -- the signatures: spec order, required first, descriptions in the docstring ------------------
def test_signatures_follow_the_spec() -> None:
    body = spec("writes")["components"]["schemas"]["BatchCreateRequest"]
    create = signature("writes", "beta_batch", "BetaBatchResource", "create")
    omit = fixture_package("writes", "_runtime._types").omit
    keywords = {name: p for name, p in create.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    fields = [name for name in keywords if name in body["properties"]]
    required = [name for name in body["properties"] if name in body["required"]]
    optional = [name for name in body["properties"] if name not in body["required"]]
    assert fields == required + optional  # required ones first, each group in spec order
    assert all(keywords[name].default is inspect.Parameter.empty for name in required)
    assert all(keywords[name].default is omit for name in optional)
    doc = inspect.getdoc(fixture_package("writes").Client(api_key="k").beta.batch.create) or ""
    for name, prop in body["properties"].items():
        assert f"{name}: {prop['description']}" in " ".join(doc.split())


def test_typed_dict_params_mirror_the_schemas() -> None:
    schemas = spec("writes")["components"]["schemas"]
    params = fixture_package("writes", "params")
    for name in ("BatchParseJobRecordCreate", "BatchParseJobConfig", "WebhookConfiguration", "ClassifyJob"):
        typed = getattr(params, name + "Param")
        assert list(typing.get_type_hints(typed)) == list(schemas[name]["properties"])
    # A key the class syntax cannot hold is still a key: `type` goes through the functional syntax.
    assert set(typing.get_type_hints(params.ClassifierRuleParam)) == {"type", "description"}
    hints = typing.get_type_hints(params.ClassifyJobParam)
    m = fixture_package("writes", "models")
    assert typing.get_args(hints["rules"])[0] == m.ClassifierRule | params.ClassifierRuleParam


def test_a_params_type_stands_in_a_users_model_and_a_type_adapter() -> None:
    # pydantic refuses typing's TypedDict before Python 3.12; the params types are typing_extensions'.
    params = fixture_package("writes", "params")
    rules = [{"type": "invoice", "description": "An invoice."}]
    job = {"id": "cj-1", "project_id": "p-1", "rules": rules, "status": "PENDING", "user_id": "u-1"}

    class Saved(pydantic.BaseModel):
        job: params.ClassifyJobParam  # the functional syntax inside (ClassifierRuleParam) too

    saved = Saved.model_validate({"job": job})
    assert saved.job == job and saved.model_dump(mode="json") == {"job": job}
    adapter = pydantic.TypeAdapter(list[params.ClassifierRuleParam])
    assert adapter.validate_python(rules) == rules
    with pytest.raises(pydantic.ValidationError):
        adapter.validate_python([{"type": 3}])


def test_read_only_properties_are_no_keywords() -> None:
    settings = spec("bodies")["components"]["schemas"]["ProjectSettings"]["properties"]
    assert settings["created_at"]["readOnly"] is True
    put = signature("bodies", "projects", "ProjectsResource", "put_settings")
    assert "created_at" not in put.parameters


# -- names that clash ---------------------------------------------------------------------------
def test_clashing_names_keep_both_reachable(server: TestServer, flavour: Flavour) -> None:
    put = signature("bodies", "projects", "ProjectsResource", "put_settings")
    keywords = [n for n, p in put.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    # A parameter keeps its name, the property gets `body_`; a keyword or the method's own name a `_`.
    assert keywords == [
        *("body_project_id", "timeout_", "version", "extra_headers_", "self_", "class_", "display_name"),
        *("body_version", "body", "schedule", "rules", "limits"),
        *("extra_headers", "extra_query", "extra_body", "timeout"),
    ]
    server.enqueue(Reply(200, body={"ok": True}))
    run(
        flavour,
        "bodies",
        server,
        lambda c: c.projects.put_settings(
            "p1",
            body_project_id="p2",
            timeout_=30,
            version=3,
            extra_headers_={"X-Hook": "1"},
            self_=True,
            class_="gold",
            display_name="Main",
            body_version=4,
            body="text",
            extra_headers={"X-Call": "yes"},
            timeout=5.0,
        ),
        **BASIC,
    )
    (request,) = server.requests
    assert (request.method, request.target) == ("PUT", "/projects/p1/settings?version=3")
    assert request.header("X-Call") == "yes" and request.header("X-Hook") is None
    assert request.body == (
        b'{"project_id":"p2","timeout":30,"extra_headers":{"X-Hook":"1"},"self":true,"class":"gold",'
        b'"display-name":"Main","version":4,"body":"text"}'
    )


def test_extra_body_merges_into_the_json(server: TestServer) -> None:
    """`additionalProperties` keys go through `extra_body`; it is merged last."""
    server.enqueue(Reply(200, body={"ok": True}), Reply(200, body=JOB))
    with fixture_package("bodies").Client(base_url=server.url, **BASIC) as client:
        client.projects.put_settings("p1", body_project_id="p1", timeout_=1, extra_body={"custom": [1], "timeout": 2})
    with fixture_package("writes").Client(api_key=API_KEY, base_url=server.url) as client:
        client.beta.batch.create(job_config={}, extra_body={"priority": "high"})
    settings, create = server.requests
    assert settings.body == b'{"project_id":"p1","timeout":2,"custom":[1]}'
    assert create.body == b'{"job_config":{},"priority":"high"}'


# -- bodies that stay one argument, and the other object shapes ---------------------------------
def test_bodies_that_are_no_object_stay_one_keyword(server: TestServer, flavour: Flavour) -> None:
    m, params = fixture_package("bodies", "models"), fixture_package("bodies", "params")
    for method, members in (
        ("set_tags", {list[str]}),
        ("create_notes", {collections.abc.Sequence[m.Note | params.NoteParam]}),
        ("post_message", {m.Note, params.NoteParam, str}),
    ):
        hints = typing.get_type_hints(
            getattr(fixture_package("bodies", "resources.notes").NotesResource, method),
            globalns={
                **vars(fixture_package("bodies", "_runtime._types")),
                **vars(fixture_package("bodies", "resources.notes")),
            },
        )
        union = typing.get_origin(hints["body"]) in (typing.Union, types.UnionType)
        assert set(typing.get_args(hints["body"]) if union else [hints["body"]]) == members, method
    server.enqueue(Reply(204), Reply(200, body=[{"title": "a"}, {"title": "b"}]), Reply(204), Reply(204), Reply(204))

    def scenario(client: Any) -> list[Any]:
        return [
            client.notes.set_tags("n1", body=["x", "y"]),
            client.notes.create_notes(body=[m.Note(title="a"), {"title": "b", "pinned": True}]),
            client.notes.post_message(body="plain text"),
            client.notes.post_message(body={"title": "t"}),
            client.scores.post(body=0.5),
        ]

    _, notes, *_ = run(flavour, "bodies", server, scenario, **BASIC)
    assert [type(n) for n in notes] == [m.Note, m.Note]
    assert [(r.method, r.path, r.body) for r in server.requests] == [
        ("PUT", "/notes/n1/tags", b'["x","y"]'),
        ("POST", "/notes/batch", b'[{"title":"a"},{"title":"b","pinned":true}]'),
        ("POST", "/messages", b'"plain text"'),
        ("POST", "/messages", b'{"title":"t"}'),
        ("POST", "/scores", b"0.5"),
    ]


def test_an_all_of_body_takes_the_properties_of_its_parts(server: TestServer) -> None:
    note = spec("bodies")["components"]["schemas"]["Note"]["properties"]
    filed = signature("bodies", "notes", "NotesResource", "create_filed")
    assert [n for n in filed.parameters if n in note or n == "folder"] == ["title", "folder", "body", "pinned"]
    server.enqueue(Reply(200, body={"title": "t"}))
    with fixture_package("bodies").Client(base_url=server.url, **BASIC) as client:
        client.notes.create_filed(title="t", folder="inbox", pinned=False)
    assert server.requests[0].body == b'{"title":"t","pinned":false,"folder":"inbox"}'


def test_an_optional_object_body_is_sent_only_when_given(server: TestServer, flavour: Flavour) -> None:
    server.enqueue(*(Reply(200, body={"title": "t"}) for _ in range(3)))
    run(
        flavour,
        "bodies",
        server,
        lambda c: [c.notes.patch(), c.notes.patch(body=None), c.notes.patch(extra_body={"x": 1})],
        **BASIC,
    )
    nothing, null, extra = server.requests
    assert (nothing.body, nothing.header("Content-Type")) == (b"", None)
    assert null.body == b'{"body":null}'  # nullable, and given
    assert extra.body == b'{"x":1}'


# -- type checking ------------------------------------------------------------------------------
GOOD = """
    from pathlib import Path

    from writes import Client
    from writes.models import BatchParseJobConfig, BatchParseJobRecordCreate, ClassifierRule
    from writes.params import ClassifyJobParam, WebhookConfigurationParam

    client = Client()
    hooks: list[WebhookConfigurationParam] = [{"webhook_url": "https://hook", "webhook_events": ["parse.success"]}]
    client.beta.batch.create(
        job_config={"job_name": "parse_raw_file_job", "parameters": {"lang": "en", "webhook_configurations": hooks}},
        directory_id="dir-1",
        item_ids=["a"],
        temporal_namespace="ns",
    )
    job: ClassifyJobParam = {
        "id": "c1", "project_id": "p", "rules": [ClassifierRule(type="t", description="d")], "status": "PENDING",
        "user_id": "u",
    }
    client.beta.batch.create(job_config=job, page_size=10)
    client.beta.batch.create(job_config=BatchParseJobRecordCreate(parameters=BatchParseJobConfig(lang="en")))
    client.beta.batch.cancel("bjb-1", reason="too slow")
    client.beta.batch.cancel("bjb-1", reason=None)
    client.files.create(file=Path("a.pdf"), purpose="parse")
    client.files.create(file=("a.pdf", b"...", "application/pdf", {"X-Trace": "1"}), purpose="parse")
    with open("a.pdf", "rb") as handle:
        client.files.create(file=handle, purpose="parse", external_file_id=None)
"""
BAD = """
    from writes import Client
    from writes.params import ClassifyJobParam

    client = Client()
    client.beta.batch.create(directory_id="dir-1")
    client.beta.batch.create(job_config={"parameters": {"lang": 1}})
    client.beta.batch.create(job_config={"id": "c1"}, page_size=None)
    client.beta.batch.cancel("bjb-1", body={"reason": "x"})
    client.files.create(file="a.pdf", purpose="parse")
    job: ClassifyJobParam = {"id": "c1", "project_id": "p", "rules": [], "status": "PENDING"}
"""


def test_plain_dicts_and_models_type_check(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    (tmp_path / "good.py").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    (tmp_path / "bad.py").write_text(textwrap.dedent(BAD), encoding="utf-8")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", *MYPY_STRICT, "--no-error-summary"),
            *("--cache-dir", str(mypy_cache(tmp_path_factory, tmp_path / ".mypy_cache")), "good.py", "bad.py"),
        ],
        cwd=tmp_path,
        env={"MYPYPATH": str(goldens.fixture_expected("writes").parent), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if e.startswith("good.py")], done.stdout
    lines = sorted({int(e.split(":")[1]) for e in errors if e.startswith("bad.py")})
    assert lines == [6, 7, 8, 9, 10, 11], done.stdout  # each wrong call (a required key missing last)


def test_type_hints_resolve_on_every_method() -> None:
    for name in ("writes", "bodies", "forms"):
        resources = fixture_package(name, "resources")
        for module_name in sorted(m.name for m in pkgutil.iter_modules(resources.__path__)):
            module = fixture_package(name, f"resources.{module_name}")
            namespace = {**vars(fixture_package(name, "_runtime._types")), **vars(module)}
            for cls in (v for k, v in vars(module).items() if k.endswith("Resource")):
                for method in (v for k, v in vars(cls).items() if inspect.isfunction(v) and not k.startswith("_")):
                    typing.get_type_hints(method, globalns=namespace)


def test_a_json_body_keeps_unicode_and_refuses_nan(server: TestServer) -> None:
    server.enqueue(Reply(200, body=CANCELLED))
    with fixture_package("writes").Client(api_key=API_KEY, base_url=server.url) as client:
        client.beta.batch.cancel("bjb-1", reason="trop lent — ✓")
        with pytest.raises(ValueError):
            client.beta.batch.create(job_config={}, continue_as_new_threshold=float("nan"))  # type: ignore[arg-type]
    assert (
        server.requests[0].body
        == json.dumps({"reason": "trop lent — ✓"}, ensure_ascii=False, separators=(",", ":")).encode()
    )
    assert len(server.requests) == 1


def test_upload_from_a_file_object(server: TestServer, flavour: Flavour) -> None:
    server.enqueue(Reply(200, body=FILE))
    run(flavour, "writes", server, lambda c: c.files.create(file=io.BytesIO(b"abc"), purpose="parse"))
    (part, _) = multipart(server.requests[0])
    # No name of its own: the field's wire name is the file name, so servers take it for a file.
    assert part.headers[0] == ("Content-Disposition", 'form-data; name="file"; filename="file"')
    assert (part.header("Content-Type"), part.content) == ("application/octet-stream", b"abc")


# -- a bad `encoding` -----------------------------------------------------------------------------
BAD_ENCODING = """
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /up:
    post:
      operationId: up
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
            encoding:
              file:
                contentType: 7
                explode: 'yes'
      responses:
        '204': {description: ok}
"""


def test_a_bad_encoding_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(BAD_ENCODING, encoding="utf-8")
    code = main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "pkg"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out" / "pkg").exists()
    pointer = "#/paths/~1up/post/requestBody/content/multipart~1form-data/encoding/file"
    assert f"openapi.yaml:17:30 {pointer}/contentType: `contentType` must be a string" in err, err
    assert "hint: name a media type, e.g. `contentType: application/pdf`" in err
    assert f"openapi.yaml:18:26 {pointer}/explode: `explode` must be a boolean" in err, err
    assert "hint: use true or false" in err
    assert "Traceback" not in err
