"""IR operations and resources -> the text client modules carry: method and resource docstrings and
the httpx keyword a request body travels as."""

from __future__ import annotations

from ..ir import Operation, RequestBody, Resource
from .text import docstring


def method_docstring(op: Operation) -> str:
    parts: list[str] = []
    if op.deprecated:
        parts.append("Deprecated: the API marks this operation as deprecated.")
    summary = op.description.strip() or op.summary.strip()
    if summary:
        parts.append(summary)
    parts.append(f"`{op.http_method} {op.path}`")
    if op.response.kind == "stream":
        parts.append(
            "Returns a stream: iterating it gives each event's data, parsed, as it arrives\n"
            "(`.events()` gives the raw events); the connection closes when the loop ends."
        )
    args = [
        f"{p.py_name}: {p.description.strip()}" + (" (deprecated)" if p.deprecated else "")
        for p in op.parameters
        if p.description.strip()
    ]
    if op.body is not None and op.body.description.strip():
        args.append(f"{op.body.py_name}: {op.body.description.strip()}")
    if op.stream_choice is not None:
        carried = op.stream_choice.body_property
        args.append(
            f"{op.stream_choice.keyword}: True for the answer as a stream of events, each event's data\n"
            "parsed as it arrives; False (the default) for the whole response"
            + (f" (sent as the body's `{carried}`)" if carried else "")
        )
    args += [
        "extra_headers: Send extra headers",
        "extra_query: Add additional query parameters to the request",
        "extra_body: Add additional JSON properties to the request",
        "timeout: Override the client-level default timeout for this request, in seconds",
    ]
    parts.append("Args:\n" + "\n\n".join("  " + a.replace("\n", "\n    ") for a in args))
    return docstring("\n\n".join(parts))


def resource_docstring(resource: Resource) -> str:
    names = ", ".join(op.method_name for op in resource.operations) or "none"
    return docstring(f"`{'.'.join(resource.path)}` operations: {names}.")


def body_keyword(body: RequestBody) -> str:
    return {"json": "json", "multipart": "multipart", "form": "form", "binary": "content"}[body.kind]
