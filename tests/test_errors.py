"""Bad specs: one clear error per problem (file:line:col #pointer: what; hint: how), exit 2."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]

GOOD_OPERATION = """
    get:
      operationId: get_job
      responses:
        '200': {description: ok}
"""


def build(tmp_path: Path, spec_text: str, capsys: pytest.CaptureFixture[str], **files: str) -> tuple[int, str]:
    spec = tmp_path / "spec" / "openapi.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(textwrap.dedent(spec_text), encoding="utf-8")
    for name, text in files.items():
        (spec.parent / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
        (spec.parent / name.replace("__", "/")).write_text(textwrap.dedent(text), encoding="utf-8")
    code = main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "pkg"])
    err = capsys.readouterr().err
    assert not (tmp_path / "out" / "pkg").exists(), "a failed build must write nothing"
    return code, err


def spec_with(paths: str, components: str = "") -> str:
    head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n"
    return (
        head
        + textwrap.indent(textwrap.dedent(paths), "  ")
        + ("components:\n" + textwrap.indent(textwrap.dedent(components), "  ") if components else "")
    )


CASES: dict[str, tuple[str, dict[str, str], list[str]]] = {
    "yaml_syntax": (
        "openapi: 3.1.0\ninfo: {title: t\npaths: {}\n",
        {},
        ["spec/openapi.yaml:2:7", "invalid YAML: the `{` opened here is never closed", "hint: close it with `}`"],
    ),
    "not_a_mapping": ("- one\n- two\n", {}, ["spec/openapi.yaml:1:1", "must be a mapping, not a list"]),
    "empty": ("", {}, ["spec/openapi.yaml:1:1", "the spec is empty"]),
    "missing_openapi": (
        "info: {title: t, version: '1'}\npaths: {}\n",
        {},
        ["missing `openapi` version field", "hint: add `openapi: 3.1.0`"],
    ),
    "swagger_2": (
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        {},
        [
            "spec/openapi.yaml:1:10 #/swagger",
            "Swagger 2.0 (OpenAPI 2.0) is not supported",
            "convert it to OpenAPI 3",
        ],
    ),
    "openapi_4": (
        "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        {},
        ["#/openapi: unsupported OpenAPI version '4.0.0'", "3.0.x, 3.1.x and 3.2.x"],
    ),
    "unknown_ref_target": (
        spec_with(
            """
            /a:
              get:
                responses:
                  '200':
                    description: ok
                    content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}
            """
        ),
        {},
        [
            "spec/openapi.yaml:10:48 #/paths/~1a/get/responses/200/content/application~1json/schema",
            "$ref target #/components/schemas/Nope does not exist",
        ],
    ),
    "ref_missing_file": (
        spec_with("/a:\n  $ref: paths/a.yaml\n"),
        {},
        ["spec/openapi.yaml:5:", "file not found", "paths/a.yaml", "hint: check the path of the $ref"],
    ),
    "ref_cycle_non_schema": (
        spec_with(
            """
            /a:
              get:
                parameters: [{$ref: '#/components/parameters/A'}]
                responses: {'200': {description: ok}}
            """,
            """
            parameters:
              A: {$ref: '#/components/parameters/B'}
              B: {$ref: '#/components/parameters/A'}
            """,
        ),
        {},
        ["$ref cycle:", "#/components/parameters/A -> ", "only schemas may refer to themselves"],
    ),
    "duplicate_operation_id": (
        spec_with("/a:" + GOOD_OPERATION.replace("\n", "\n  ") + "\n/b:" + GOOD_OPERATION.replace("\n", "\n  ")),
        {},
        ["#/paths/~1b/get/operationId: duplicate operationId 'get_job'", "also used at /paths/~1a/get"],
    ),
    "path_param_not_in_template": (
        spec_with(
            """
            /jobs/{job_id}:
              get:
                parameters: [{name: jobid, in: path, required: true, schema: {type: string}}]
                responses: {'200': {description: ok}}
            """
        ),
        {},
        [
            "spec/openapi.yaml:7:",
            "#/paths/~1jobs~1{job_id}/get/parameters/0/name: path parameter 'jobid' is not in the path "
            "template '/jobs/{job_id}'",
            "has {job_id} but no path parameter 'job_id' is declared",
        ],
    ),
    "parameter_without_schema": (
        spec_with(
            """
            /a:
              get:
                parameters: [{name: q, in: query}]
                responses: {'200': {description: ok}}
            """
        ),
        {},
        ["parameter 'q' has neither `schema` nor `content`", "add a `schema`"],
    ),
    "unknown_type": (
        spec_with(
            "/a:\n  get:\n    responses: {'200': {description: ok}}\n",
            "schemas:\n  Thing: {type: object, properties: {n: {type: strng}}}\n",
        ),
        {},
        ["#/components/schemas/Thing/properties/n/type: unknown type 'strng'", "use one of array, boolean"],
    ),
    "same_method_name": (
        spec_with(
            """
            /a:
              get: {operationId: a, x-resource: jobs, x-method: list, responses: {'200': {description: ok}}}
            /b:
              get: {operationId: b, x-resource: jobs, x-method: list, responses: {'200': {description: ok}}}
            """
        ),
        {},
        ["two operations would both be `jobs.list()`", "give one of them another `x-method`"],
    ),
    "empty_names": (
        spec_with(
            "/a:\n  get: {x-method: '!!!', responses: {'200': {description: ok}}}\n",
            "schemas:\n  '***': {type: object}\n",
        ),
        {},
        ["the method name is empty after cleaning x-method", "schema name '***' has no letters or digits"],
    ),
    "remote_ref": (
        spec_with("/a:\n  $ref: 'https://example.com/a.yaml'\n"),
        {},
        ["remote $ref 'https://example.com/a.yaml' is not fetched"],
    ),
    "ref_escapes_root": (
        spec_with("/a:\n  $ref: '../../outside.yaml'\n"),
        {},
        ["leaves the spec's folder", "keep every referenced file inside the folder of the root spec"],
    ),
    "required_not_names": (
        spec_with(
            "/a:\n  get: {responses: {'200': {description: ok}}}\n",
            "schemas:\n  A: {type: object, required: [{x: 1}], properties: {x: {type: string}}}\n",
        ),
        {},
        ["#/components/schemas/A/required: `required` must be a list of property names"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_spec_is_reported_clearly(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, files, expected = CASES[case]
    code, err = build(tmp_path, text, capsys, **files)
    assert code == 2
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert "Traceback" not in err
    assert err.rstrip().endswith("nothing was written.")


def test_all_problems_are_reported_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = build(
        tmp_path,
        spec_with(
            """
            /jobs/{job_id}:
              get:
                operationId: x
                parameters:
                  - {name: q, in: query}
                  - {$ref: 'missing.yaml#/P'}
                responses: {'200': {description: ok}}
            /b:
              get: {operationId: x, responses: {'200': {description: ok}}}
            """
        ),
        capsys,
    )
    assert code == 2
    assert err.count("error: ") == 4, err
    assert "4 errors; nothing was written." in err


def test_no_traceback_from_the_command_line(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: [\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--spec",
            str(spec),
            "--out",
            str(tmp_path),
            "--package",
            "p",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "invalid YAML" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


HEADER_NAMES_SPEC = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: list_things
      parameters:
        - name: X Trace Id
          in: header
          schema: {type: string}
        - name: good-one
          in: header
          schema: {type: string}
        - name: "sess:ion"
          in: cookie
          schema: {type: string}
      responses:
        '200': {description: ok}
"""


def test_a_header_name_that_is_no_http_token_is_refused_at_build_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(textwrap.dedent(HEADER_NAMES_SPEC), encoding="utf-8")
    code = main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "pkg"])
    err = capsys.readouterr().err
    assert code == 2
    assert not (tmp_path / "out" / "pkg").exists()
    assert (
        "openapi.yaml:8:17 #/paths/~1things/get/parameters/0/name: header parameter name 'X Trace Id' is not a "
        "valid HTTP token" in err
    )
    assert "openapi.yaml:14:17 #/paths/~1things/get/parameters/2/name: cookie parameter name 'sess:ion'" in err
    assert "good-one" not in err
    assert "hint: use letters, digits and" in err
    assert "Traceback" not in err
