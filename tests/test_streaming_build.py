"""What the generator makes of streaming responses: the types it gives (read from the committed
`streaming` fixture package), and the located errors of a wrong `x-stream` (exit 2, nothing written)."""

from __future__ import annotations

import inspect
import textwrap
import typing
from pathlib import Path
from typing import Any

import pytest
from support.streams import models, streaming

from generator.cli import main


def hints(function: Any) -> dict[str, Any]:
    names = (
        vars(importlib_module("streaming._runtime._types")) | vars(inspect.getmodule(function)) | {"_models": models}
    )
    return typing.get_type_hints(function, names)


def returns(function: Any) -> Any:
    return hints(function)["return"]


# -- the types of the fixture package ----------------------------------------------------------
def test_a_stream_operation_returns_a_stream_of_its_item_type() -> None:
    jobs = importlib_module("streaming.resources.jobs")
    assert returns(jobs.JobsResource.watch) == streaming.Stream[models.JobProgress]
    assert returns(jobs.AsyncJobsResource.watch) == streaming.AsyncStream[models.JobProgress]
    assert returns(jobs.JobsResource.tail_log) == streaming.Stream[str]  # no schema: the text of each event
    assert returns(jobs.JobsResource.export_results) == streaming.Stream[models.JobResult]


def test_item_schema_wins_and_an_inline_one_is_hoisted() -> None:
    metrics = importlib_module("streaming.resources.metrics")
    assert returns(metrics.MetricsResource.stream) == streaming.Stream[models.StreamMetricsEvent]
    assert returns(metrics.MetricsResource.sequence) == streaming.Stream[models.Sample]


def test_json_or_stream_is_chosen_by_typed_overloads() -> None:
    chat = importlib_module("streaming.resources.chat")
    overloads = typing.get_overloads(chat.ChatResource.create_completion)
    shapes = [(hints(o)["stream"], returns(o)) for o in overloads]
    assert shapes == [
        (typing.Literal[False], models.Completion),
        (typing.Literal[True], streaming.Stream[models.CompletionChunk]),
        (bool, models.Completion | streaming.Stream[models.CompletionChunk]),
    ]
    signature = inspect.signature(chat.ChatResource.create_completion)
    assert signature.parameters["stream"].default is False
    assert signature.parameters["stream"].kind is inspect.Parameter.KEYWORD_ONLY


def test_the_choice_keyword_steps_aside_for_a_parameter_named_stream() -> None:
    reports = importlib_module("streaming.resources.reports")
    parameters = inspect.signature(reports.ReportsResource.get).parameters
    assert hints(reports.ReportsResource.get)["stream"] == str | streaming.Omit
    assert parameters["stream_"].default is False


def test_binary_operations_return_bytes() -> None:
    files = importlib_module("streaming.resources.files")
    assert returns(files.FilesResource.download) is bytes
    assert returns(files.AsyncFilesResource.preview) is bytes


def test_every_resource_has_with_streaming_response() -> None:
    for name in ("chat", "files", "jobs", "metrics", "reports"):
        module = importlib_module(f"streaming.resources.{name}")
        for prefix in ("", "Async"):
            resource = getattr(module, f"{prefix}{name.capitalize()}Resource")
            wrapper = returns(resource.__dict__["with_streaming_response"].func)
            assert wrapper.__name__ == f"{prefix}{name.capitalize()}ResourceWithStreamingResponse"
            operations = [n for n, v in vars(resource).items() if inspect.isfunction(v) and not n.startswith("_")]
            assert operations and sorted(vars(wrapper(resource(None)))) == sorted(["_resource", *operations])


def importlib_module(name: str) -> Any:
    import importlib

    return importlib.import_module(name)


# -- x-stream, checked where it is written ----------------------------------------------------
SPEC = """\
openapi: 3.1.0
info: {{title: t, version: '1'}}
paths:
  /events:
    get:
      operationId: events
{operation}      responses:
        '200':
          description: ok
          content:
{content}"""
SSE = """\
            text/event-stream:
              schema: {type: object}
"""
NDJSON = """\
            application/x-ndjson:
              schema: {type: object}
"""
JSON = """\
            application/json:
              schema: {type: object}
"""


def build(tmp_path: Path, capsys: pytest.CaptureFixture[str], operation: str, content: str) -> tuple[int, str]:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC.format(operation=textwrap.indent(operation, "      "), content=content), encoding="utf-8")
    code = main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "pkg"])
    assert not (tmp_path / "out" / "pkg").exists() or code == 0
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("operation", "content", "expected"),
    [
        (
            "x-stream: {terminator: '[DONE]', end: x}\n",
            SSE,
            [
                "openapi.yaml:7:",
                "#/paths/~1events/get/x-stream/end: unknown `x-stream` key 'end'",
                "hint: x-stream takes",
            ],
        ),
        (
            "x-stream: [DONE]\n",
            SSE,
            ["#/paths/~1events/get/x-stream: `x-stream` must be a mapping", "hint: write e.g."],
        ),
        ("x-stream: {terminator: 7}\n", SSE, ["x-stream/terminator: `x-stream` terminator must be a non-empty string"]),
        ("x-stream: {error-event: ''}\n", SSE, ["x-stream/error-event: `x-stream` error-event must be a non-empty"]),
        (
            "x-stream: {error-event: error}\n",
            NDJSON,
            ["x-stream/error-event: `error-event` names a server-sent event", "hint: remove it"],
        ),
        (
            "x-stream: {terminator: '[DONE]'}\n",
            JSON,
            ["#/paths/~1events/get/x-stream: `x-stream` on an operation with no streaming 2xx response"],
        ),
    ],
    ids=["unknown-key", "not-a-mapping", "not-a-string", "empty", "error-event-not-sse", "no-stream"],
)
def test_a_wrong_x_stream_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], operation: str, content: str, expected: list[str]
) -> None:
    code, err = build(tmp_path, capsys, operation, content)
    assert code == 2, err
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in err, err


def test_x_stream_on_a_media_type_that_is_no_stream_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = JSON.replace("schema: {type: object}", "x-stream: {terminator: x}\n              schema: {type: object}")
    code, err = build(tmp_path, capsys, "", content + SSE)
    assert code == 2
    assert "content/application~1json/x-stream: `x-stream` on a media type that is not a stream" in err


def test_x_stream_on_the_media_type_is_read_and_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = SSE.replace(
        "schema: {type: object}", "x-stream: {terminator: media}\n              schema: {type: object}"
    )
    code, err = build(tmp_path, capsys, "x-stream: {terminator: operation, error-event: failure}\n", content)
    assert (code, err) == (0, "")
    text = (tmp_path / "out" / "pkg" / "resources" / "events.py").read_text()
    assert 'StreamSpec(\n        "sse",\n        terminator="media",\n        error_event="failure",\n    )' in text


def test_ndjson_is_a_stream_not_a_json_body(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = build(tmp_path, capsys, "", NDJSON)
    assert (code, err) == (0, "")
    text = (tmp_path / "out" / "pkg" / "resources" / "events.py").read_text()
    assert "request_stream(" in text and 'accept="application/x-ndjson"' in text
