"""IR operations and resources -> the text client modules carry: method and resource docstrings, the
httpx keyword and runtime description (`BodySpec`) of a request body, and what a method's
deprecation says to type checkers and at run time."""

from __future__ import annotations

from typing import NamedTuple

from ..ir import Operation, RequestBody, Resource
from ..lower.param_types import PARAMS
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
    args = argument_lines(op)
    if op.stream_choice is not None:
        carried = op.stream_choice.body_property
        args.append(
            f"{op.stream_choice.keyword}: True for the answer as a stream of events, each event's data\n"
            "parsed as it arrives; False (the default) for the whole response"
            + (f" (sent as the body's `{carried}`)" if carried else "")
        )
    parts.append(args_section([*args, *CALL_OPTIONS]))
    return docstring("\n\n".join(parts))


# What every method's docstring says of the per-call options.
CALL_OPTIONS = (
    "extra_headers: Send extra headers",
    "extra_query: Add additional query parameters to the request",
    "extra_body: Add additional JSON properties to the request",
    "timeout: Override the client-level default timeout for this request, in seconds",
)


def argument_lines(op: Operation) -> list[str]:
    """`name: description` of each parameter and body field the docstring has something to say of."""
    args = [_argument(p.py_name, p.description, p.deprecated) for p in op.parameters]
    if op.body is not None and op.body.expanded:
        args += [_argument(f.py_name, f.description, f.deprecated) for f in op.body.fields]
    elif op.body is not None:
        args.append(_argument(op.body.py_name, op.body.description, False))
    return [a for a in args if a]


def args_section(args: list[str]) -> str:
    return "Args:\n" + "\n\n".join("  " + a.replace("\n", "\n    ") for a in args)


def _argument(name: str, description: str, deprecated: bool) -> str:
    """`name: description` for the docstring's `Args:`, deprecation said once; "" for nothing to say."""
    text = description.strip()
    if deprecated and "deprecated" not in text.lower():
        text = f"{text} (deprecated)" if text else "Deprecated."
    return f"{name}: {text}" if text else ""


def resource_docstring(resource: Resource) -> str:
    names = ", ".join(op.method_name for op in resource.operations) or "none"
    return docstring(f"`{'.'.join(resource.path)}` operations: {names}.")


def body_keyword(body: RequestBody) -> str:
    return {"json": "json", "multipart": "multipart", "form": "form", "binary": "content"}[body.kind]


def body_spec(op: Operation) -> str:
    """The `BodySpec(...)` of the operation's endpoint, or "" when the runtime's defaults describe it."""
    body = op.body
    if body is None or body.kind == "binary":
        return ""
    args: list[str] = []
    if body.expanded and not body.required:
        args.append("optional=True")
    if body.file_fields:
        args.append(f"files={body.file_fields!r}")
    encodings = []
    for e in body.encoding:
        given = [
            f"content_type={e.content_type!r}" if e.content_type is not None else "",
            f"headers={dict(e.headers)!r}" if e.headers else "",
            f"style={e.style!r}" if e.style is not None else "",
            f"explode={e.explode!r}" if e.explode is not None else "",
        ]
        encodings.append(f"{e.wire_name!r}: PartEncoding({', '.join(g for g in given if g)})")
    if encodings:
        args.append("encoding={" + ", ".join(encodings) + "}")
    return f"BodySpec({', '.join(args)})" if args else ""


def uses_params(resource: Resource) -> bool:
    """Whether a method of the resource names a `TypedDict` of the params module."""
    mark = PARAMS + "."
    for op in resource.operations:
        body = op.body
        texts = [p.annotation for p in op.parameters]
        if body is not None:
            texts += [body.annotation, *(f.annotation for f in body.fields)]
        if any(mark in text for text in texts):
            return True
    return False


class Deprecation(NamedTuple):
    operation: str  # how the warnings name the method: `beta.batch.cancel`
    always: str  # what every call is told (the operation, a required argument); "" for nothing
    given: str  # what a call giving a deprecated optional argument is told
    optional: tuple[str, ...]  # the deprecated optional arguments, left out of the first overload


def deprecation(op: Operation) -> Deprecation:
    name = ".".join((*op.resource_path, op.method_name))
    always = [f"{name} is deprecated by the API"] if op.deprecated else []
    always += [f"`{keyword}` is deprecated by the API" for keyword, required in op.deprecated_arguments if required]
    optional = tuple(keyword for keyword, required in op.deprecated_arguments if not required)
    named = ", ".join(f"`{keyword}`" for keyword in optional)
    given = [*always, f"{named} {'is' if len(optional) == 1 else 'are'} deprecated by the API"] if optional else []
    return Deprecation(name, "; ".join(always), "; ".join(given), optional)


def deprecated_reference(op: Operation) -> str:
    """What follows a line naming the method of a deprecated operation (`with_raw_response` wraps it):
    a type checker reporting deprecated use would report the package's own line. An overloaded
    method is deprecated per overload, which only a call reports."""
    d = deprecation(op)
    if not d.always or d.optional or op.stream_choice is not None:
        return ""
    # `fmt: skip`: the formatter must not split the line, or the ignore would not stand on the line reported.
    return "  # type: ignore[deprecated, unused-ignore]  # fmt: skip"
