"""Real-world specs (issue 14): what real APIs publish builds, with located warnings.

Each case is a small spec built by the real command line (`generator.cli.main`) in a scratch
folder: warnings are one located line with a hint, counted in the summary, reported again on a
cache hit and by `--check`, and made errors by `--strict`; then each leniency (data holding `$ref`,
references bundlers follow, YAML 1.2, enums, operations without responses, optional path
parameters, misplaced keys) and overlays. Built clients are driven on the loopback TestServer.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.server import Reply, TestServer
from support.shared import MYPY_STRICT, mypy_cache

from generator.cli import main

HEAD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"


@dataclass(frozen=True)
class Built:
    code: int
    out: str
    err: str
    target: Path

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("warning: ")]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project folder, the working directory (messages name files relative to it)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str, name: str = "spec/openapi.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def build(folder: Path, capsys: pytest.CaptureFixture[str], *args: str, package: str = "pkg") -> Built:
    spec = ["--spec", "spec/openapi.yaml"] if "--spec" not in args else []
    code = main(["build", *spec, "--out", "out", "--package", package, *args])  # in a scratch project
    captured = capsys.readouterr()
    return Built(code, captured.out, captured.err, folder / "out" / package)


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of `path` holding `text`."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def imported() -> Iterator[Any]:
    """`imported(out, package)` imports a built package; it is forgotten after the test."""
    added: list[str] = []
    names: list[str] = []

    def load(folder: Path, package: str) -> ModuleType:
        sys.path.insert(0, str(folder))
        added.append(str(folder))
        names.append(package)
        importlib.import_module(f"{package}.models")  # an attribute of the package from now on
        return importlib.import_module(package)

    yield load
    for folder in added:
        sys.path.remove(folder)
    for name in [m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in names)]:
        del sys.modules[name]


# -- the diagnostics channel --------------------------------------------------------------------
OPTIONAL_PATH_PARAMETER = (
    HEAD
    + """\
paths:
  /jobs/{id}:
    get:
      operationId: get_job
      x-methd: fetch
      parameters:
        - {name: id, in: path, schema: {type: string}}
      responses:
        '204': {description: done}
"""
)


def test_a_warning_is_one_located_line_with_a_hint_counted_in_the_summary(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write(here, OPTIONAL_PATH_PARAMETER)
    built = build(here, capsys)
    assert built.code == 0
    assert built.out.startswith("out/pkg: 1 operations, 0 models, ")
    assert built.out.rstrip().endswith(" s), 2 warnings")
    method_line, parameter_line = line_of(spec, "x-methd"), line_of(spec, "- {name: id")
    assert built.err.splitlines() == [
        f"warning: spec/openapi.yaml:{method_line}:16 #/paths/~1jobs~1{{id}}/get/x-methd: unknown extension"
        " `x-methd`; did you mean `x-method`?",
        "  hint: rename it `x-method`",
        f"warning: spec/openapi.yaml:{parameter_line}:11 #/paths/~1jobs~1{{id}}/get/parameters/0: path parameter"
        " 'id' is not marked `required: true`; taken as required, as every path parameter is",
        "  hint: add `required: true`",
    ]
    assert (built.target / "models" / "__init__.py").is_file()


def test_strict_makes_every_warning_an_error_and_writes_nothing(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(here, OPTIONAL_PATH_PARAMETER)
    strict = build(here, capsys, "--strict")
    assert strict.code == 2 and not strict.target.exists()
    errors = [line for line in strict.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2 and all("spec/openapi.yaml:" in e for e in errors)
    assert strict.err.splitlines()[-1] == "2 errors; nothing was written."
    # `strict = true` in [tool.generator] does the same; the flag `--no-strict` wins over it.
    write(here, "[tool.generator]\nstrict = true\n", "pyproject.toml")
    assert build(here, capsys).code == 2 and not strict.target.exists()
    assert build(here, capsys, "--no-strict").code == 0


def test_warnings_are_reported_again_on_a_cache_hit_and_by_check(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(here, OPTIONAL_PATH_PARAMETER)
    first = build(here, capsys)
    again = build(here, capsys)
    assert "unchanged (cached" in again.out and again.out.rstrip().endswith(", 2 warnings")
    assert again.err == first.err
    check = build(here, capsys, "--check")
    assert check.code == 0 and ": up to date (" in check.out and check.err == first.err
    assert build(here, capsys, "--strict").code == 2  # a cached build with warnings is no excuse


# -- $ref in data, references bundlers follow ---------------------------------------------------
def test_refs_inside_data_are_data(here: Path, capsys: pytest.CaptureFixture[str], imported: Any) -> None:
    scim = "{$ref: 'urn:ietf:params:scim:schemas:core:2.0:User'}"
    write(
        here,
        HEAD
        + f"""\
x-logo: {{$ref: '#/nowhere'}}
paths:
  /users:
    post:
      operationId: create_user
      x-codeSamples: [{{$ref: ./missing.yaml}}]
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/User'}}
            example: {{schemas: [{scim}]}}
            examples:
              one: {{value: {scim}}}
              two: {{$ref: '#/components/examples/Two'}}
      responses:
        '200': {{description: ok}}
components:
  examples:
    Two:
      value: {{schemas: [{scim}]}}
  schemas:
    User:
      type: object
      x-internal: {{$ref: '#/components/schemas/Gone'}}
      properties:
        meta:
          type: object
          default: {{$ref: '#/not/here'}}
          example: {scim}
        kind:
          enum: [{{$ref: a}}, {{$ref: b}}]
        fixed:
          const: {{$ref: '#/also/not/here'}}
""",
    )
    built = build(here, capsys)
    assert (built.code, built.warnings) == (0, [])
    models = imported(here / "out", "pkg").models
    field = models.User.model_fields["meta"]
    assert field.default == {"$ref": "#/not/here"}
    assert models.User.model_fields["fixed"].annotation is not None


def test_a_properties_map_given_as_a_ref_is_followed_with_a_warning(
    here: Path, capsys: pytest.CaptureFixture[str], imported: Any
) -> None:
    spec = write(
        here,
        HEAD
        + """\
paths: {}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        $ref: ./pet-properties.yaml
""",
    )
    write(here, "name: {type: string}\nage: {type: integer}\n", "spec/pet-properties.yaml")
    built = build(here, capsys)
    assert built.code == 0
    (warning,) = built.warnings
    assert warning == (
        f"warning: spec/openapi.yaml:{line_of(spec, '$ref')}:15 #/components/schemas/Pet/properties/$ref: `properties`"
        " is given as a `$ref`, which OpenAPI does not allow here; followed as bundlers do"
    )
    pet = imported(here / "out", "pkg").models.Pet
    assert set(pet.model_fields) == {"name", "age"} and pet.model_fields["name"].is_required()


# -- YAML 1.2 ----------------------------------------------------------------------------------
def test_yaml_is_read_as_yaml_12(here: Path, capsys: pytest.CaptureFixture[str], imported: Any) -> None:
    write(
        here,
        HEAD
        + """\
paths: {}
components:
  schemas:
    Switch:
      type: string
      enum: [on, off, yes, no, y, n]
    Event:
      type: object
      properties:
        day: {type: string, default: 2024-05-01, example: 2024-05-01}
        at: {type: string, example: 2024-05-01T12:00:00Z, examples: [2024-05-01 12:00:00]}
        code: {type: string, default: 0123}
        count: {type: integer, default: 012}
        ratio: {type: number, default: 1e3}
        clock: {type: string, default: 1:30}
""",
    )
    built = build(here, capsys)
    assert (built.code, built.warnings) == (0, [])
    source = "".join(p.read_text(encoding="utf-8") for p in sorted((built.target / "models").glob("*.py")))
    assert "datetime.datetime(" not in source and "datetime.date(" not in source
    models = imported(here / "out", "pkg").models
    assert [m.value for m in models.Switch] == ["on", "off", "yes", "no", "y", "n"]
    defaults = {name: field.default for name, field in models.Event.model_fields.items()}
    # `0123` is a YAML 1.2 integer, which does not fit `type: string` and is dropped.
    assert defaults == {"day": "2024-05-01", "at": None, "code": None, "count": 12, "ratio": 1000.0, "clock": "1:30"}
    assert models.Event.model_fields["at"].examples == ["2024-05-01 12:00:00"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!float .inf", "'.inf' is not a JSON number"),
        ("!!timestamp 2024-05-01", "could not determine a constructor for the tag 'tag:yaml.org,2002:timestamp'"),
        ("!!binary aGk=", "could not determine a constructor for the tag 'tag:yaml.org,2002:binary'"),
    ],
)
def test_yaml_values_json_does_not_have_are_refused_where_they_stand(
    here: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    write(here, HEAD + f"paths: {{}}\nx-value: {value}\n")
    built = build(here, capsys)
    assert built.code == 2 and not built.target.exists()
    assert built.err.startswith(f"error: spec/openapi.yaml:4:10: invalid YAML: {message}")


def test_json_nan_is_refused_where_it_stands(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},\n "paths": {}, "x-ratio": NaN}\n'
    write(here, text, "spec/openapi.json")
    built = build(here, capsys, "--spec", "spec/openapi.json")
    assert built.code == 2
    assert built.err.startswith("error: spec/openapi.json:2:26: invalid JSON: NaN is not a JSON number")


# -- enums -------------------------------------------------------------------------------------
ENUMS = (
    HEAD
    + """\
paths:
  /paint:
    get:
      operationId: get_paint
      parameters:
        - {name: shade, in: query, schema: {$ref: '#/components/schemas/Shade'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Paint'}
components:
  schemas:
    Shade: {enum: [red, amber, null, 42]}
    Switch: {enum: [true, "off"]}
    Paint:
      type: object
      properties:
        shade: {$ref: '#/components/schemas/Shade'}
        switch: {$ref: '#/components/schemas/Switch'}
        size: {type: integer, enum: []}
        corner: {enum: [[0, 0], [1, 1]]}
        label: {type: string, enum: [a, b, a]}
"""
)


def test_enums_real_specs_write(
    here: Path,
    capsys: pytest.CaptureFixture[str],
    imported: Any,
    server: TestServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    spec = write(here, ENUMS)
    built = build(here, capsys)
    assert built.code == 0
    assert built.warnings == [
        f"warning: spec/openapi.yaml:{line_of(spec, 'size:')}:37 #/components/schemas/Paint/properties/size/enum:"
        " `enum` is empty (no value would be valid); ignored: the schema reads as if it had no `enum`",
        f"warning: spec/openapi.yaml:{line_of(spec, 'label:')}:37 #/components/schemas/Paint/properties/label/enum:"
        " enum value 'a' is listed twice",
    ]
    package = imported(here / "out", "pkg")
    m = package.models
    assert [member.value for member in m.Shade] == ["red", "amber", 42]
    assert [member.value for member in m.Switch] == [True, "off"]
    server.enqueue(Reply(200, body={"shade": "blue", "switch": "off", "size": 7, "corner": [0, 0], "label": "a"}))
    with package.Client(api_key="k", base_url=server.url, max_retries=0) as client:
        paint = client.paint.get(shade=42)
    assert server.requests[0].query_params == [("shade", "42")]
    # Mixed enums are open, like the others: a value the spec does not list yet still parses.
    assert paint.shade.value == "blue" and paint.switch is m.Switch.OFF
    assert (paint.size, paint.corner, paint.label) == (7, [0, 0], m.PaintLabel.A)
    cache = mypy_cache(tmp_path_factory, here / "mypy-cache")
    mypy = [sys.executable, "-m", "mypy", *MYPY_STRICT, "--cache-dir", str(cache), "--no-error-summary", "pkg"]
    done = subprocess.run(mypy, cwd=here / "out", capture_output=True, text=True, check=False, timeout=300)
    assert (done.returncode, done.stdout) == (0, "")


# -- operations, parameters, responses -----------------------------------------------------------
def no_responses(version: str) -> str:
    return f"""\
openapi: {version}
info: {{title: t, version: '1'}}
paths:
  /ping:
    post:
      operationId: ping
"""


def test_an_operation_without_responses_returns_the_json_as_it_is(
    here: Path, capsys: pytest.CaptureFixture[str], imported: Any, server: TestServer
) -> None:
    write(here, no_responses("3.1.0"))
    built = build(here, capsys)
    assert (built.code, built.warnings) == (0, [])
    package = imported(here / "out", "pkg")
    server.enqueue(Reply(204), Reply(200, body={"pong": [1, 2]}), Reply(200, body=b"3"))
    with package.Client(api_key="k", base_url=server.url, max_retries=0) as client:
        assert client.ping.ping() is None
        assert client.ping.ping() == {"pong": [1, 2]}
        assert client.ping.ping() == 3


def test_an_operation_without_responses_in_30_is_warned(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(here, no_responses("3.0.3"))
    built = build(here, capsys)
    assert built.code == 0
    assert built.warnings == [
        "warning: spec/openapi.yaml:6:7 #/paths/~1ping/post: the operation declares no response; its method"
        " returns the JSON body as it is (None when empty)"
    ]


def test_an_optional_path_parameter_is_required(
    here: Path, capsys: pytest.CaptureFixture[str], imported: Any, server: TestServer
) -> None:
    write(here, OPTIONAL_PATH_PARAMETER.replace("      x-methd: fetch\n", ""))
    assert len(build(here, capsys).warnings) == 1
    package = imported(here / "out", "pkg")
    server.enqueue(Reply(204))
    with package.Client(api_key="k", base_url=server.url, max_retries=0) as client:
        assert client.jobs.get("j 1") is None  # `get_job` of `jobs`: positional, required
    assert server.requests[0].path == "/jobs/j%201"


def test_a_status_that_is_no_code_or_range_is_an_error(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(
        here,
        HEAD
        + """\
paths:
  /a:
    get:
      responses:
        '200': {description: ok}
        abcdef: {description: what}
        2xx: {description: fine, a range}
""",
    )
    built = build(here, capsys)
    assert built.code == 2 and not built.target.exists()
    assert built.err.splitlines()[:2] == [
        f"error: spec/openapi.yaml:{line_of(spec, 'abcdef')}:17 #/paths/~1a/get/responses/abcdef: 'abcdef' is not"
        " a status code",
        "  hint: use a code (`200`), a range (`2XX`) or `default`",
    ]


# -- keys where OpenAPI does not allow them ------------------------------------------------------
def test_misplaced_keys_are_warned_with_what_was_meant(
    here: Path, capsys: pytest.CaptureFixture[str], imported: Any, server: TestServer
) -> None:
    spec = write(
        here,
        HEAD
        + """\
x-client: {branded_name: Notes}
paths:
  /notes:
    query: {responses: {'200': {description: a 3.2 method in a 3.1 document}}}
    post:
      operationId: create_note
      x-resourceId: notes
      requestBody:
        content:
          application/json:
          schema: {$ref: '#/components/schemas/Note'}
      respones:
        '200': {description: ok}
components:
  schemas:
    Note: {type: object, properties: {title: {type: string}}}
""",
    )
    built = build(here, capsys)
    assert built.code == 0
    line = {key: line_of(spec, key) for key in ("x-client", "query:", "schema: {$ref", "respones")}
    assert built.warnings == [
        f"warning: spec/openapi.yaml:{line['x-client']}:26 #/x-client/branded_name: `branded_name` is not a key of"
        " `x-client`; not read (did you mean `branded-name`?)",
        f"warning: spec/openapi.yaml:{line['query:']}:12 #/paths/~1notes/query: `query` is a field of OpenAPI 3.2,"
        " and this is an OpenAPI 3.1 document; not read",
        f"warning: spec/openapi.yaml:{line['respones'] + 1}:9 #/paths/~1notes/post/respones: `respones` is not a field"
        " of an operation; not read (did you mean `responses`?)",
        f"warning: spec/openapi.yaml:{line['schema: {$ref']}:19 #/paths/~1notes/post/requestBody/content/schema:"
        " `schema` stands beside `application/json` in `content`; read as the media type's `schema`",
    ]  # `x-resourceId` is an extension of its own, not a misspelt `x-resource`
    # The slipped `schema` is the body's: a Note model, not `Any`.
    package = imported(here / "out", "pkg")
    server.enqueue(Reply(204))
    with package.Client(api_key="k", base_url=server.url, max_retries=0) as client:
        client.notes.create(title="t")
    assert server.requests[0].json() == {"title": "t"}


# -- overlays ----------------------------------------------------------------------------------
PLAIN = (
    HEAD
    + """\
paths:
  /v1/things/{id}:
    get:
      operationId: read_thing_v1_things__id__get
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: debug, in: query, schema: {type: boolean}}
      responses:
        '200': {description: ok}
"""
)
OVERLAY = """\
overlay: 1.0.0
info: {title: names for a spec we do not own, version: '1'}
actions:
  - target: $.paths['/v1/things/{id}'].get
    update:
      x-resource: store.things
      x-method: fetch
      description: Fetch one thing.
  - target: $.paths.*.get.parameters[?@.name == 'debug']
    remove: true
  - target: $.paths['/v1/things/{id}'].get.parameters
    update: {name: X-Trace, in: header, schema: {type: string}}
  - target: $.paths['/v2/nothing']
    update: {summary: gone}
"""


def test_an_overlay_updates_removes_and_appends_before_anything_else(
    here: Path, capsys: pytest.CaptureFixture[str], imported: Any, server: TestServer
) -> None:
    write(here, PLAIN)
    overlay = write(here, OVERLAY, "fixes.overlay.yaml")
    built = build(here, capsys, "--overlay", "fixes.overlay.yaml")
    assert built.code == 0
    assert built.warnings == [
        f"warning: fixes.overlay.yaml:{line_of(overlay, '/v2/nothing')}:13 #/actions/3/target: the target"
        " \"$.paths['/v2/nothing']\" selects nothing in the spec"
    ]
    package = imported(here / "out", "pkg")
    server.enqueue(Reply(200, body={}))
    with package.Client(api_key="k", base_url=server.url, max_retries=0) as client:
        client.store.things.fetch("t1", x_trace="abc")
        assert not hasattr(client, "things")
    (request,) = server.requests
    assert (request.path, request.query, request.header("X-Trace")) == ("/v1/things/t1", "", "abc")


def test_overlay_problems_point_into_the_overlay(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(here, PLAIN)
    overlay = write(
        here,
        """\
        overlay: 1.0.0
        info: {title: t, version: '1'}
        actions:
          - target: $.paths[
            update: {}
          - target: $.info.title
            update: {x: 1}
        """,
        "bad.yaml",
    )
    built = build(here, capsys, "--overlay", "bad.yaml")
    assert built.code == 2 and not built.target.exists()
    assert built.err.splitlines()[0].startswith(
        f"error: bad.yaml:{line_of(overlay, '$.paths[')}:13 #/actions/0/target: invalid JSONPath '$.paths['"
    )
    assert f"error: bad.yaml:{line_of(overlay, '$.info.title')}:13 #/actions/1/target: the target selects" in built.err
    # A problem inside what an overlay inserted is located in the overlay.
    inserted = write(
        here,
        """\
        overlay: 1.0.0
        info: {title: t, version: '1'}
        actions:
          - target: $.paths['/v1/things/{id}'].get.parameters
            update: {name: trace, in: body, schema: {type: string}}
        """,
        "inserted.yaml",
    )
    built = build(here, capsys, "--overlay", "inserted.yaml")
    assert built.code == 2
    assert (
        f"error: inserted.yaml:{line_of(inserted, 'in: body')}:31 #/actions/0/update/in: parameter 'trace' has"
        " unknown location `in: body`"
    ) in built.err


def test_overlays_from_the_configuration_and_the_build_cache(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(here, PLAIN)
    overlay = write(here, OVERLAY, "fixes.overlay.yaml")
    write(here, '[tool.generator]\noverlays = ["fixes.overlay.yaml"]\n', "pyproject.toml")
    first = build(here, capsys)
    assert first.code == 0 and "resources/store_things.py" in [
        p.relative_to(first.target).as_posix() for p in first.target.rglob("*.py")
    ]
    assert "(cached" in build(here, capsys).out
    # An edited overlay is another build; so is leaving the overlays out (`--overlay` wins over the list).
    overlay.write_text(OVERLAY.replace("x-method: fetch", "x-method: load"), encoding="utf-8")
    edited = build(here, capsys)
    assert "(cached" not in edited.out and "def load(" in (edited.target / "resources/store_things.py").read_text()
    other = write(
        here, "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info, update: {}}]\n", "o.yaml"
    )
    plain = build(here, capsys, "--overlay", str(other.relative_to(here)))
    assert "(cached" not in plain.out and (plain.target / "resources/things.py").is_file()


def test_a_ref_an_overlay_inserts_is_read_as_written_in_the_spec(
    here: Path, capsys: pytest.CaptureFixture[str], imported: Any, server: TestServer
) -> None:
    """The spec and the overlay in folders of their own: the `$ref`s the overlay writes (one local to
    the spec, one to a file beside it) are the spec's, not the overlay's."""
    write(
        here,
        HEAD
        + textwrap.dedent(
            """\
        paths:
          /runs:
            post:
              operationId: create_run
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        tool_choice: {$ref: '#/components/schemas/ToolChoice'}
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Run'}
        components:
          schemas:
            ToolChoice:
              type: object
              required: [id]
              properties: {id: {type: string}}
            Run:
              type: object
              properties:
                id: {type: string}
                tool_choice: {$ref: '#/components/schemas/ToolChoice'}
        """
        ),
        "vendor/acme/openapi.yaml",
    )
    write(here, "Kind: {type: string, enum: [function, file_search]}\n", "vendor/acme/kinds.yaml")
    write(
        here,
        """\
        overlay: 1.0.0
        info: {title: a clearer name, version: '1'}
        actions:
          - target: $.components.schemas
            update:
              AssistantToolChoice:
                type: object
                required: [id]
                properties:
                  id: {type: string}
                  kind: {$ref: 'kinds.yaml#/Kind'}
          - target: $.components.schemas.Run.properties
            update:
              tool_choice: {$ref: '#/components/schemas/AssistantToolChoice'}
          - target: $.paths['/runs'].post.requestBody.content['application/json'].schema.properties
            update:
              tool_choice: {$ref: '#/components/schemas/AssistantToolChoice'}
          - target: $.components.schemas.ToolChoice
            remove: true
        """,
        "overlays/names.overlay.yaml",
    )
    built = build(here, capsys, "--spec", "vendor/acme/openapi.yaml", "--overlay", "overlays/names.overlay.yaml")
    assert (built.code, built.warnings) == (0, []), built.err
    package = imported(here / "out", "pkg")
    assert not hasattr(package.models, "ToolChoice")
    server.enqueue(Reply(200, body={"id": "run-1", "tool_choice": {"id": "t", "kind": "file_search"}}))
    with package.Client(api_key="k", base_url=server.url, max_retries=0) as client:
        run = client.runs.create(tool_choice={"id": "t", "kind": "function"})
    assert isinstance(run.tool_choice, package.models.AssistantToolChoice)
    assert run.tool_choice.kind == package.models.Kind.FILE_SEARCH
    assert server.requests[0].json() == {"tool_choice": {"id": "t", "kind": "function"}}
