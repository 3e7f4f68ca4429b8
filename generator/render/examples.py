"""IR operations -> the usage examples of the README and the reference pages: Python calls, CLI
invocations and curl commands (authenticated like the client), JSON samples."""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from ..ir import Api, Operation, Parameter
from .cli_tables import cli_command, cli_options

_PATH_FIELD = re.compile(r"\{([^{}]+)\}")


def auth_for_docs(api: Api) -> dict[str, str]:
    """How the primary credential travels, for the docs: location, name and prefix; its variable,
    the scheme's kind and its command-line flag."""
    scheme = next((s for s in api.security if not s.deprecated), api.security[0] if api.security else None)
    if scheme is None:
        return {"location": "none", "name": "", "prefix": ""}
    prefix = {"bearer": "Bearer ", "oauth2": "Bearer ", "basic": "Basic "}.get(scheme.kind, "")
    env = scheme.envs[0] if scheme.envs and scheme.kind != "basic" else api.settings.api_key_env
    flag = "--" + scheme.option.replace("_", "-")
    where = {"location": scheme.location, "name": scheme.parameter, "prefix": prefix}
    return where | {"env": env, "kind": scheme.kind, "flag": flag}


def readme_operations(api: Api) -> dict[str, Operation | bool | None]:
    """What the README shows: a plain call (one needing no body, if any), a paginated list, a stream,
    an operation with a wait, and whether the API has object bodies and file uploads to explain."""
    ops = sorted(api.operations(), key=lambda op: op.deprecated)  # a deprecated one only for want of others
    plain = [op for op in ops if op.pagination is None and op.response.kind != "stream"]
    simple = [op for op in plain if op.body is None or not op.body.required]
    # The README's blocks import the package alone: a call needing `datetime` comes last.
    candidates = sorted(simple or plain or ops, key=lambda op: "datetime." in python_call(op))
    bodies = [op.body for op in ops if op.body is not None]
    return {
        "call": candidates[0] if candidates else None,
        "page": next((op for op in ops if op.pagination is not None), None),
        "stream": next((op for op in ops if op.response.stream is not None), None),
        "wait": next((op for op in ops if op.waits), None),
        "bodies": any(body.expanded for body in bodies),
        "uploads": any(body.file_fields for body in bodies),
    }


def _example_value(p: Parameter) -> str:
    if p.enum_values:
        return repr(p.enum_values[0])
    defaults = {"integer": "0", "number": "0.0", "boolean": "True", "array": "[]", "object": "{}"}
    return defaults.get(p.schema_type, repr(p.wire_name))


def python_call(op: Operation, via: str = "", *, more: tuple[str, ...] = (), method: str = "") -> str:
    """`client.beta.batch.get_status('job_id')`, with every required argument (and `more`); `via`
    goes before the method (`with_raw_response`); `method` calls another method with the same
    arguments (a wait of the operation)."""
    args = [_example_value(p) for p in op.path_parameters]
    args += [f"{p.py_name}={_example_value(p)}" for p in op.keyword_parameters if p.required]
    if op.body is not None and op.body.expanded:
        args += [f"{f.py_name}={f.example}" for f in op.body.fields if f.required]
    elif op.body is not None and op.body.required:
        args.append(f"{op.body.py_name}={op.body.example}")
    target = ".".join(["client", *op.resource_path, *([via] if via else []), method or op.method_name])
    return f"{target}({', '.join([*args, *more])})"


def python_example(op: Operation, api: Api) -> str:
    lines = [
        *(["import datetime", ""] if "datetime." in python_call(op) else []),
        f"from {api.package} import {api.settings.class_name}",
        "",
        f"client = {api.settings.class_name}()",
    ]
    if op.pagination is not None:
        lines += [f"for item in {python_call(op)}:", "    print(item)"]
    elif op.response.kind == "stream":
        lines += [f"with {python_call(op)} as stream:", "    for event in stream:", "        print(event)"]
    elif op.response.kind == "none":
        lines.append(python_call(op))
    else:
        lines += [f"response = {python_call(op)}", "print(response)"]
    if op.stream_choice is not None:
        streamed = python_call(op, more=(f"{op.stream_choice.keyword}=True",))
        lines += ["", "# Or as a stream of events:", f"with {streamed} as stream:", "    for event in stream:"]
        lines.append("        print(event)")
    if op.response.kind == "binary":
        lines += [
            "",
            "# Or written to a file as it arrives, never whole in memory:",
            f"with {python_call(op, 'with_streaming_response')} as streamed:",
            f'    streamed.stream_to_file("{op.method_name}.bin")',
        ]
    return "\n".join(lines)


def cli_example(op: Operation, api: Api) -> str:
    def value(option: dict[str, Any]) -> str:
        if option["choices"]:
            return shlex.quote(option["choices"][0])
        defaults = {
            **{"integer": "0", "number": "0", "boolean": "true", "object": "'{}'", "json": "'{}'"},
            **{"file": "@file.pdf", "files": "@file.pdf", "binary": "@body.bin"},
        }
        return defaults.get(option["type"], shlex.quote(option["dest"]))

    words = [f"{api.package} {cli_command(op)}"]
    words += [f"{o['flag']} {value(o)}" for o in cli_options(op) if o["required"]]
    if op.response.kind == "binary":
        words.append(f"--output {op.method_name}.bin")
    return " \\\n  ".join(words)


def _shell_var(name: str, braces: bool = False) -> str:
    name = re.sub(r"\W", "_", name).upper() or "VALUE"
    return "${" + name + "}" if braces else "$" + name


def _shell_path(path: str) -> str:
    """`/jobs/{job_id}` -> `/jobs/$JOB_ID`."""
    return _PATH_FIELD.sub(lambda m: _shell_var(m.group(1), bool(re.match(r"\w", path[m.end() :]))), path)


def _dq(text: str) -> str:
    return '"' + re.sub(r'(["\\`])', r"\\\1", text) + '"'


def curl_example(op: Operation, api: Api) -> str:
    """A curl call with the required parameters as shell variables, authenticated like the client."""
    auth = auth_for_docs(api)
    key = "$" + auth.get("env", api.settings.api_key_env)
    query = [f"{p.wire_name}={_shell_var(p.wire_name)}" for p in op.in_location("query") if p.required]
    headers = [f"{p.wire_name}: {_shell_var(p.wire_name)}" for p in op.in_location("header") if p.required]
    cookies = [f"{p.wire_name}={_shell_var(p.wire_name)}" for p in op.in_location("cookie") if p.required]
    if auth["location"] == "header":
        headers.insert(0, f"{auth['name']}: {auth['prefix']}{key}")
    elif auth["location"] in ("query", "cookie"):
        (query if auth["location"] == "query" else cookies).insert(0, f"{auth['name']}={key}")
    url = (api.settings.default_base_url.rstrip("/") or "http://localhost") + _shell_path(op.path)
    url += "?" + "&".join(query) if query else ""
    words = ["curl" + ("" if op.http_method == "GET" else f" -X {op.http_method}")]
    words[0] += " " + (url if re.fullmatch(r"[\w\-./:${}]+", url) else _dq(url))
    words += [f"-H {_dq(h)}" for h in headers] + ([f"-b {_dq('; '.join(cookies))}"] if cookies else [])
    if op.body is not None and op.body.kind == "multipart":
        fields = op.body.fields
        words += [
            f"-F {_dq(f.wire_name + ('=@file.pdf' if f.file else '=' + f.wire_name))}" for f in fields if f.required
        ]
    elif op.body is not None:
        data = "--data-binary @body.json" if op.body.kind == "json" else "--data-binary @body"
        words += [f"-H {_dq('Content-Type: ' + op.body.media_type)}", data]
    return " \\\n    ".join(words)


def json_example(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
