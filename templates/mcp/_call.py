"""One tool call: the arguments checked against the tool's input schema (a failure names the
argument), files read from a local path or base64, the client's method called (so authentication,
retries and errors are the client's), and its answer shaped as an MCP tool result, a plain mapping
in MCP's field names:

- a JSON body: its JSON as text, and as `structuredContent` when it matches the tool's output schema
  (one that does not is an error result carrying the body, as received);
- a paginated list: one page, and the arguments that fetch the next one (text, and `_meta.next_page`);
- a stream: its events collected, at most `STREAM_EVENTS` of them or `STREAM_BYTES` of JSON;
- a binary body: an embedded resource in base64, at most `DOWNLOAD_BYTES`;
- an API error: `isError`, with the status, the error body and the request id.

Runs in a worker thread of the server, with the synchronous client."""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from .._runtime._base_client import SyncAPIClient
from .._runtime._exceptions import APIError, APIStatusError, ResponseValidationError
from .._runtime._pagination import SyncPage
from .._runtime._streaming import Stream
from .._runtime._values import jsonable
from ._table import Argument, ToolSpec, complete_schema, output_schema

STREAM_EVENTS = 1000  # events of a stream collected into one result; the rest is not read
STREAM_BYTES = 1_000_000  # characters of JSON of the events collected
DOWNLOAD_BYTES = 10_000_000  # a binary response's bytes returned in base64; a longer one is an error
UPLOAD_BYTES = 100_000_000  # a file read from a local path


class ArgumentError(ValueError):
    """An argument the tool refuses before anything is sent."""


def call_tool(client: SyncAPIClient | APIError, tool: ToolSpec, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The tool result of calling `tool` with `arguments` (`client`: the error that kept it from
    being made, a missing credential, which every call then reports)."""
    try:
        check_arguments(tool, arguments)
        keywords = _keywords(tool, arguments)
    except ArgumentError as exc:
        return error_result(str(exc))
    if isinstance(client, APIError):
        return error_result(client.message)
    try:
        return _scrubbed(client, _call(client, tool, keywords))
    except APIStatusError as exc:
        return _scrubbed(client, _status_error(exc))
    except ResponseValidationError as exc:
        return _scrubbed(client, _mismatch(str(exc.message), exc.body))
    except APIError as exc:
        return _scrubbed(client, error_result(exc.message))
    except (TypeError, ValueError) as exc:  # refused by the client before sending
        return _scrubbed(client, error_result(f"invalid arguments: {exc}"))


def check_arguments(tool: ToolSpec, arguments: Mapping[str, Any]) -> None:
    """Raises ArgumentError naming the first argument that breaks the tool's input schema."""
    import jsonschema  # type: ignore[import-untyped,import-not-found,unused-ignore]

    validator = jsonschema.Draft202012Validator(complete_schema(tool.input_schema))
    errors = sorted(validator.iter_errors(dict(arguments)), key=lambda e: [str(part) for part in e.path])
    if not errors:
        return
    # Within the first argument found wrong, the error that says most (an enum's, not its union's).
    error = jsonschema.exceptions.best_match([e for e in errors if list(e.path)[:1] == list(errors[0].path)[:1]])
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        missing = next((name for name in error.validator_value if name not in error.instance), "?")
        raise ArgumentError(f"argument `{'.'.join([*path, missing])}` is required")
    if error.validator == "additionalProperties" and not path:
        known = ", ".join(a.name for a in tool.arguments) or "none"
        unknown = sorted(set(arguments) - {a.name for a in tool.arguments})
        raise ArgumentError(f"unknown argument `{unknown[0] if unknown else '?'}` (the tool takes: {known})")
    where = ".".join(path) if path else "arguments"
    raise ArgumentError(f"argument `{where}`: {error.message}")


def _keywords(tool: ToolSpec, arguments: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for argument in tool.arguments:
        if argument.name not in arguments:
            continue
        value = arguments[argument.name]
        if argument.file == "many":
            value = [_file(argument, item) for item in value]
        elif argument.file == "one":
            value = _file(argument, value)
        elif argument.file == "content":
            value = _content(argument, value)
        found[argument.name] = value
    if tool.stream_keyword is not None:
        found[tool.stream_keyword] = False
    return found


def _content(argument: Argument, value: Mapping[str, Any]) -> bytes:
    """The bytes of a file given by `path` or `base64`."""
    if "base64" in value:
        try:
            return base64.b64decode(value["base64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ArgumentError(f"argument `{argument.name}.base64`: not base64 ({exc})") from None
    path = Path(os.path.expanduser(value["path"]))
    try:
        if path.stat().st_size > UPLOAD_BYTES:
            raise ArgumentError(f"argument `{argument.name}.path`: {path} is over {UPLOAD_BYTES} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise ArgumentError(f"argument `{argument.name}.path`: cannot read {path} ({exc.strerror})") from None


def _file(argument: Argument, value: Mapping[str, Any]) -> tuple[str | None, bytes, str | None]:
    """A multipart file: (file name, content, media type)."""
    content = _content(argument, value)
    name = value.get("filename") or (Path(value["path"]).name if "path" in value else None)
    return name, content, value.get("content_type")


def _call(client: SyncAPIClient, tool: ToolSpec, keywords: dict[str, Any]) -> dict[str, Any]:
    if tool.response == "binary":
        target: Any = client.with_streaming_response  # type: ignore[attr-defined]
        for name in tool.method:
            target = getattr(target, name)
        with target(**keywords) as streamed:
            return _download(tool, streamed.http_response, streamed.iter_bytes())
    if tool.response == "stream":
        target = client
        for name in tool.method:
            target = getattr(target, name)
        with target(**keywords) as stream:
            return _events(stream)
    target = client.with_raw_response  # type: ignore[attr-defined]
    for name in tool.method:
        target = getattr(target, name)
    raw = target(**keywords)
    response: httpx.Response = raw.http_response
    parsed = raw.parse()
    if tool.response == "none" or not response.content:
        return {"content": [{"type": "text", "text": json.dumps({"status": response.status_code})}]}
    if tool.response == "text":
        return {"content": [{"type": "text", "text": response.text}]}
    body = json.loads(response.content)
    result = _json_result(tool, body)
    if isinstance(parsed, SyncPage) and not result.get("isError"):
        _next_page(tool, parsed, result)
    return result


def _json_result(tool: ToolSpec, body: Any) -> dict[str, Any]:
    text = json.dumps(body, ensure_ascii=False)
    schema = output_schema(tool)
    if schema is None:  # no schema declared (or one too large to): an object is structured content as it is
        structured = {"structuredContent": body} if isinstance(body, dict) and tool.output_schema else {}
        return {"content": [{"type": "text", "text": text}], **structured}
    problem = _schema_problem(schema, body)
    if problem is not None:
        return _mismatch(problem, text.encode())
    return {"content": [{"type": "text", "text": text}], "structuredContent": body}


def _schema_problem(schema: Mapping[str, Any], value: Any) -> str | None:
    import jsonschema  # type: ignore[import-untyped,import-not-found,unused-ignore]

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"at `{where or '(the body)'}`: {error.message}"


def _mismatch(problem: str, body: bytes) -> dict[str, Any]:
    """A 2xx body breaking its schema: an error result that still carries the body as received."""
    text = body.decode("utf-8", errors="replace")
    return error_result(f"the response does not match its schema ({problem}); the body as received:\n{text}")


def _next_page(tool: ToolSpec, page: SyncPage[Any], result: dict[str, Any]) -> None:
    """Says which arguments fetch the page after `page`, if there is one."""
    call = page._next_call()
    paging = tool.paging
    if paging is None:
        return
    if call is None:
        note: dict[str, Any] = {"has_next_page": False}
    elif paging.keyword is not None and paging.wire is not None:
        if paging.location == "body":
            extra = call.extra_body if isinstance(call.extra_body, Mapping) else {}
            value = extra.get(paging.wire)
        else:
            value = call.query.get(paging.wire)
        note = {"has_next_page": True, "arguments": {paging.keyword: value}}
    else:
        note = {"has_next_page": True, "url": str(call.url)}
    if note.get("arguments"):
        line = f"Next page: call {tool.name} again with the same arguments and {json.dumps(note['arguments'])}."
    elif note["has_next_page"]:
        line = f"Next page: {note['url']} (this tool fetches first pages only)."
    else:
        line = "This is the last page."
    result["content"].append({"type": "text", "text": line})
    result["_meta"] = {"next_page": note}


def _events(stream: Stream[Any]) -> dict[str, Any]:
    events: list[Any] = []
    size, complete = 0, True
    for event in stream:
        data = jsonable(event)
        size += len(json.dumps(data, ensure_ascii=False))
        if len(events) >= STREAM_EVENTS or size > STREAM_BYTES:
            complete = False
            break
        events.append(data)
    body = {"events": events, "complete": complete}
    return {"content": [{"type": "text", "text": json.dumps(body, ensure_ascii=False)}], "structuredContent": body}


def _download(tool: ToolSpec, response: httpx.Response, chunks: Any) -> dict[str, Any]:
    received = bytearray()
    for chunk in chunks:
        received += chunk
        if len(received) > DOWNLOAD_BYTES:
            return error_result(f"the response is over {DOWNLOAD_BYTES} bytes: download it with the client instead")
    media_type = response.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
    resource = {"uri": str(response.url), "mimeType": media_type, "blob": base64.b64encode(received).decode()}
    return {"content": [{"type": "resource", "resource": resource}]}


def _status_error(exc: APIStatusError) -> dict[str, Any]:
    try:
        body: Any = exc.response.json()
    except ValueError:
        body = exc.response.text
    found = {"status": exc.status_code, "error": body, "request_id": exc.request_id}
    return error_result(json.dumps(found, ensure_ascii=False), found)


def error_result(message: str, structured: Mapping[str, Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"content": [{"type": "text", "text": message}], "isError": True}
    if structured is not None:
        result["structuredContent"] = dict(structured)
    return result


def _scrubbed(client: SyncAPIClient, result: dict[str, Any]) -> dict[str, Any]:
    """No credential of the client leaves in a result, whatever the server echoed: neither as sent
    (`Bearer ...`) nor as given (the key itself, from its keyword or its environment variable)."""
    text = json.dumps(result, ensure_ascii=False)
    clean = client._scrub(text)
    for secret in _secrets(client):
        clean = clean.replace(secret, "<redacted>")
    return result if clean == text else dict(json.loads(clean))


def _secrets(client: SyncAPIClient) -> list[str]:
    found = {*client._credentials.given.values()}
    found |= {os.environ.get(env, "") for scheme in client._auth_schemes for env in scheme.envs}
    return sorted((s for s in found if len(s) >= 4), key=len, reverse=True)


__all__ = ["DOWNLOAD_BYTES", "STREAM_BYTES", "STREAM_EVENTS", "ArgumentError", "call_tool", "check_arguments"]
