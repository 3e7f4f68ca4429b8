"""`x-poll` declarations are checked at build time like the other extensions: every key against the
extension's description (generator/extensions.py), the field path against the response schema, the
success and failure values against the field's type and enum, the pace against its bounds and each
wait's name against the other methods of its resource. A wrong one stops the build with
`file:line:col #/pointer: what` and a hint (a did-you-mean where one fits), exit code 2, nothing
written."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main

JOB = {
    "type": "object",
    "properties": {
        "job": {
            "type": "object",
            "properties": {
                "status": {"$ref": "#/components/schemas/Status"},
                "attempts": {"type": "integer"},
                "labels": {"type": "array", "items": {"type": "string"}},
            },
        },
        "ready": {"type": "boolean"},
    },
}
STATUS = {"type": "string", "enum": ["pending", "running", "completed", "failed"]}
WAIT = {"name": "wait", "field": "job.status", "success": ["completed"], "failure": ["failed"]}


def spec(poll: Any, *, schema: Any = JOB, parameters: Any = (), extra: Any = None) -> str:
    """A spec of one GET on `jobs` (`client.jobs.get`, and `client.jobs.cancel` beside it); JSON is YAML,
    and each key sits on a line of its own."""
    get: dict[str, Any] = {
        "operationId": "get_job",
        "x-resource": "jobs",
        "x-method": "get",
        "x-poll": poll,
        "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}, *parameters],
        "responses": {"200": {"description": "the job", "content": {"application/json": {"schema": schema}}}},
        **(extra or {}),
    }
    cancel = {
        "operationId": "cancel_job",
        "x-resource": "jobs",
        "x-method": "cancel",
        "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"204": {"description": "cancelled"}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/jobs/{job_id}": {"get": get}, "/jobs/{job_id}/cancel": {"post": cancel}},
        "components": {"schemas": {"Status": STATUS}},
    }
    return json.dumps(document, indent=2)


def build(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str]:
    (tmp_path / "openapi.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    args = ["build", "--isolated", "--spec", str(tmp_path / "openapi.yaml"), "--out", str(tmp_path / "out")]
    code = main([*args, "--package", "pkg", *flags])
    return code, capsys.readouterr().err


POINTER = "#/paths/~1jobs~1{job_id}/get/x-poll"
CASES: dict[str, tuple[str, list[str]]] = {
    "not a list": (spec(WAIT), [f"{POINTER}: `x-poll` must be a list of waits", "hint: write e.g. `x-poll: [{"]),
    "a wait that is no mapping": (spec(["wait"]), [f"{POINTER}/0: a wait of `x-poll` must be a mapping"]),
    "a misspelt key": (
        spec([{**WAIT, "intervall": 3}]),
        [f"{POINTER}/0/intervall: unknown `x-poll` key 'intervall'; did you mean `interval`?", "hint: rename it"],
    ),
    "an unknown key": (
        spec([{**WAIT, "every": 3}]),
        [f"{POINTER}/0/every: unknown `x-poll` key 'every'", "hint: keys: name, field, success, failure"],
    ),
    "a required key missing": (
        spec([{"name": "wait", "field": "job.status"}]),
        [f"{POINTER}/0: a wait of `x-poll` needs `success`"],
    ),
    "a field naming no property": (
        spec([{**WAIT, "field": "job.stauts"}]),
        [
            f"{POINTER}/0/field: `x-poll` field (job.stauts) names no property of the response: 'stauts' is not one; "
            "did you mean `status`?",
            "hint: properties there: status, attempts, labels",
        ],
    ),
    "a field that is no path": (
        spec([{**WAIT, "field": "job..status"}]),
        [f"{POINTER}/0/field: `x-poll` field must be a field path such as `status` or `job.status`"],
    ),
    "a field that is no scalar": (
        spec([{**WAIT, "field": "job.labels", "success": ["x"], "failure": []}]),
        [f"{POINTER}/0/field: `x-poll` field (job.labels) must be a string, number or boolean, not array"],
    ),
    "a success value the enum does not list": (
        spec([{**WAIT, "success": ["complete"]}]),
        [
            f"{POINTER}/0/success/0: `x-poll` success value 'complete' is not a value of the field; "
            "did you mean `completed`?",
            "hint: its values: pending, running, completed, failed",
        ],
    ),
    "a failure value the enum does not list": (
        spec([{**WAIT, "failure": ["failed", "cancelled"]}]),
        [f"{POINTER}/0/failure/1: `x-poll` failure value 'cancelled' is not a value of the field"],
    ),
    "a value of another type than the field's": (
        spec([{"name": "wait", "field": "job.attempts", "success": ["three"]}]),
        [f"{POINTER}/0/success/0: `x-poll` success value 'three' is not of the field's type (integer)"],
    ),
    "no success value": (
        spec([{**WAIT, "success": []}]),
        [f"{POINTER}/0/success: `x-poll` success must be a list of the field's values, such as `[completed]`"],
    ),
    "a value both success and failure": (
        spec([{**WAIT, "failure": ["completed"]}]),
        [f"{POINTER}/0/failure: `x-poll` value 'completed' is both a success and a failure"],
    ),
    "a name that is no method name": (
        spec([{**WAIT, "name": "wait-for"}]),
        [f"{POINTER}/0/name: `x-poll` name 'wait-for' is not a Python method name"],
    ),
    "a name clashing with the operation's method": (
        spec([{**WAIT, "name": "get"}]),
        [
            f"{POINTER}/0/name: the wait `jobs.get()` has the name of a method of `jobs`",
            "hint: give the wait another `name`, such as `wait_for_get`",
        ],
    ),
    "a name clashing with another operation's method": (
        spec([{**WAIT, "name": "cancel"}]),
        [f"{POINTER}/0/name: the wait `jobs.cancel()` has the name of a method of `jobs`"],
    ),
    "a name clashing with what every resource has": (
        spec([{**WAIT, "name": "with_raw_response"}]),
        [f"{POINTER}/0/name: the wait `jobs.with_raw_response()` has the name of an attribute of every resource"],
    ),
    "two waits of one name": (
        spec([WAIT, {**WAIT, "field": "ready", "success": [True], "failure": []}]),
        [f"{POINTER}/1/name: two waits of the operation are named `wait`"],
    ),
    "an interval that is no number": (
        spec([{**WAIT, "interval": "2s"}]),
        [f"{POINTER}/0/interval: `x-poll` interval must be a number of seconds above 0, not '2s'"],
    ),
    "a backoff below 1": (
        spec([{**WAIT, "backoff": 0.5}]),
        [f"{POINTER}/0/backoff: `x-poll` backoff must be a number of at least 1, not 0.5"],
    ),
    "a bound below the interval": (
        spec([{**WAIT, "interval": 10, "max-interval": 5}]),
        [f"{POINTER}/0/max-interval: `x-poll` max-interval (5) is shorter than interval (10)"],
    ),
    "a negative timeout": (
        spec([{**WAIT, "timeout": -1}]),
        [f"{POINTER}/0/timeout: `x-poll` timeout must be a number of seconds above 0, not -1"],
    ),
    "an operation answering no JSON": (
        spec([WAIT]).replace('"application/json"', '"text/plain"'),
        [f"{POINTER}: `x-poll` needs an operation answering one JSON body"],
    ),
    "a parameter taking a wait's keyword": (
        spec([WAIT], parameters=[{"name": "poll_timeout", "in": "query", "schema": {"type": "integer"}}]),
        [f"{POINTER}: the operation has a parameter `poll_timeout`, a keyword every wait method takes"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_wrong_declaration_is_refused_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    text, fragments = CASES[case]
    code, err = build(tmp_path, text, capsys)
    assert code == 2, err
    assert not (tmp_path / "out").exists()
    assert "Traceback" not in err
    assert err.startswith("error: ")
    assert "openapi.yaml:" in err.splitlines()[0]
    for fragment in fragments:
        assert fragment in err


def test_the_error_names_the_line_and_column_of_the_wrong_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = spec([{**WAIT, "success": ["done"]}]).splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if '"done"' in text)
    column = lines[line - 1].index('"done"') + 1
    code, err = build(tmp_path, "\n".join(lines), capsys)
    assert code == 2
    assert f"openapi.yaml:{line}:{column} {POINTER}/0/success/0: `x-poll` success value 'done'" in err


def test_a_misspelt_extension_is_warned_with_the_right_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = spec([WAIT]).replace('"x-poll"', '"x-pool"')
    code, err = build(tmp_path, text, capsys)
    assert code == 0, err
    assert f"{POINTER[: -len('/x-poll')]}/x-pool: unknown extension `x-pool`; did you mean `x-poll`?" in err
    assert "def wait(" not in (tmp_path / "out" / "pkg" / "resources" / "jobs.py").read_text(encoding="utf-8")
    code, err = build(tmp_path, text, capsys, "--strict")
    assert code == 2 and "did you mean `x-poll`?" in err


def test_a_right_declaration_builds_its_wait(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    waits = [WAIT, {"name": "wait_until_ready", "field": ["ready"], "success": [True], "interval": 0.5}]
    code, err = build(tmp_path, spec(waits), capsys)
    assert code == 0, err
    resource = (tmp_path / "out" / "pkg" / "resources" / "jobs.py").read_text(encoding="utf-8")
    assert resource.count("    def wait(\n") == 1 and resource.count("    async def wait(\n") == 1
    assert resource.count("    def wait_until_ready(\n") == 1
    flat = " ".join(resource.split())  # as ruff wrapped it, or not
    assert 'PollSpec( "jobs.wait_until_ready", ("ready",), (True,), failure=(), interval=0.5 )' in flat
    assert 'PollSpec( "jobs.wait", ("job", "status"), ("completed",), failure=("failed",), interval=2.0 )' in flat


def test_a_broken_response_reference_is_reported_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = build(tmp_path, spec([WAIT], schema={"$ref": "#/components/schemas/Missing"}), capsys)
    assert code == 2
    assert "Missing" in err and "x-poll" not in err  # the wait's field is not looked for in what is not there
    assert err.endswith("1 error; nothing was written.\n")
