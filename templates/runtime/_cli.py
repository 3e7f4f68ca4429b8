"""The command line: `python -m <package> <resource> <command> [flags]`, one command per operation.

The commands (flags, types, choices, help, the client method each calls) are a table generated from
the spec into `_commands.py`; this module knows no operation. It builds an argparse parser from the
table, calls the client (so authentication, retries, errors and pagination are the client's), and
prints the response body the server sent: pretty-printed on a terminal, compact otherwise.
`--format jsonl` prints one compact line per item, following every page of a list lazily.

Errors are one line on stderr, and the exit code says which kind (see EXIT_CODES). The API key is
never printed: every message is scrubbed of it, and argparse's own errors too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TextIO, cast

import httpx

from ._base_client import DEFAULT_MAX_RETRIES, SyncAPIClient
from ._exceptions import APIConnectionError, APIError, APIStatusError
from ._pagination import SyncPage

EXIT_OK = 0
EXIT_RESPONSE = 1
EXIT_USAGE = 2  # argparse's own
EXIT_STATUS = 3
EXIT_CONNECTION = 4
EXIT_INTERRUPTED = 130

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "success"),
    (EXIT_RESPONSE, "the API answered, but the response does not match its schema"),
    (EXIT_USAGE, "usage error: unknown command, missing or invalid flag, no API key"),
    (EXIT_STATUS, "the API answered with an HTTP error status (4xx or 5xx)"),
    (EXIT_CONNECTION, "no answer: connection failed or timed out (after retries)"),
    (EXIT_INTERRUPTED, "interrupted"),
)

#: Flags every command has; the generator names no parameter flag after one of them (or `--body`).
GLOBAL_FLAGS = (
    "--help",
    "--version",
    "--api-key",
    "--base-url",
    "--format",
    "--max-items",
    "--timeout",
    "--max-retries",
)

_GROUP_TITLES = {
    "path": "path parameters",
    "query": "query parameters",
    "header": "header parameters",
    "cookie": "cookie parameters",
    "body": "request body",
}


@dataclass(frozen=True)
class Option:
    """One flag of a command: an operation's parameter (or its request body)."""

    flag: str  # `--job-id`
    dest: str  # the client method's keyword: `job_id`
    type: str  # string, integer, number, boolean, array, object; `json` or `binary` for a body
    location: str  # path, query, header, cookie or body
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class Command:
    """One operation: `<resource> <name>` calls `client.<method...>(**flags)`."""

    resource: str  # `beta:batch`
    name: str  # `get-status`
    method: tuple[str, ...]  # attribute path from the client: ("beta", "batch", "get_status")
    http_method: str
    path: str
    summary: str
    description: str = ""
    options: tuple[Option, ...] = ()
    response: str = "json"  # json, text, binary or none
    items_key: str | None = None  # for a paginated list: the page's key holding the items
    deprecated: bool = False

    @property
    def paginated(self) -> bool:
        return self.items_key is not None


@dataclass(frozen=True)
class Program:
    name: str
    title: str
    version: str
    description: str
    api_key_env: str
    base_url_env: str
    default_base_url: str
    needs_api_key: bool
    commands: tuple[Command, ...]


# -- values of flags ---------------------------------------------------------------------------
def _invalid(message: str) -> NoReturn:
    raise argparse.ArgumentTypeError(message)


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        _invalid(f"expected an integer, got {text!r}")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        _invalid(f"expected a number, got {text!r}")


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    _invalid(f"expected true or false, got {text!r}")


def _source(text: str) -> str:
    """The text of a flag value: `-` reads stdin, `@PATH` a file, anything else is the value."""
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as file:
                return file.read()
        except OSError as exc:
            _invalid(f"cannot read {text[1:]}: {exc.strerror or exc}")
    return text


def _json(text: str) -> Any:
    try:
        return json.loads(_source(text))
    except ValueError as exc:
        _invalid(f"expected JSON ({exc})")


def _object(text: str) -> dict[str, Any]:
    value = _json(text)
    if not isinstance(value, dict):
        _invalid("expected a JSON object")
    return value


def _binary(text: str) -> bytes:
    if text == "-":
        return sys.stdin.buffer.read()
    if text.startswith("@"):
        try:
            with open(text[1:], "rb") as file:
                return file.read()
        except OSError as exc:
            _invalid(f"cannot read {text[1:]}: {exc.strerror or exc}")
    return text.encode("utf-8")


def _positive(text: str) -> int:
    value = _integer(text)
    return value if value > 0 else _invalid(f"expected a positive integer, got {text!r}")


def _count(text: str) -> int:
    value = _integer(text)
    return value if value >= 0 else _invalid(f"expected 0 or more, got {text!r}")


def _seconds(text: str) -> float:
    value = _number(text)
    return value if value > 0 else _invalid(f"expected a positive number of seconds, got {text!r}")


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "object": _object,
    "json": _json,
    "binary": _binary,
}
_PLAIN_CHOICE = re.compile(r"[^\s\[\]()|,{}]+")
_METAVARS = {
    "integer": "INTEGER",
    "number": "NUMBER",
    "boolean": "{true,false}",
    "object": "JSON",
    "json": "JSON",
    "binary": "@FILE",
    "array": "VALUE",
}


# -- the parser --------------------------------------------------------------------------------
def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "<redacted>")
    return text


def _escape(text: str) -> str:
    """A help string as argparse wants it: it %-formats every one."""
    return text.replace("%", "%%")


def _escape_text(text: str) -> str:
    """A description or epilog as argparse wants it: it %-formats only those that mention `%(prog)`."""
    return _escape(text) if "%(prog)" in text else text


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose error messages never show a secret (say, a key typed out of place)."""

    def __init__(self, *args: Any, secrets: tuple[str, ...] = (), **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.secrets = secrets

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_scrub(message, self.secrets)}\n")


def _add_globals(parser: argparse.ArgumentParser, program: Program, *, nested: bool) -> None:
    """The options of every command, accepted before the resource and after the command alike."""
    default = argparse.SUPPRESS if nested else None  # a command-level default would hide a top-level value
    group = parser.add_argument_group("global options")
    if program.needs_api_key:
        group.add_argument(
            "--api-key",
            dest="_api_key",
            metavar="KEY",
            default=default,
            help=_escape(
                f"API key (default: ${program.api_key_env}; prefer it: a flag shows in the process list)"
            ),
        )
    fallback = f", else {program.default_base_url}" if program.default_base_url else ""
    group.add_argument(
        "--base-url",
        dest="_base_url",
        metavar="URL",
        default=default,
        help=_escape(f"API base URL (default: ${program.base_url_env}{fallback})"),
    )
    group.add_argument(
        "--format",
        dest="_format",
        choices=("json", "jsonl"),
        default=default,
        help="json (default): the response body (a list's first page), pretty on a terminal, "
        "compact otherwise; jsonl: one compact line per item, following every page of a list",
    )
    group.add_argument(
        "--max-items",
        dest="_max_items",
        type=_positive,
        metavar="N",
        default=default,
        help="with --format jsonl on a list: stop after N items",
    )
    group.add_argument(
        "--timeout",
        dest="_timeout",
        type=_seconds,
        metavar="SECONDS",
        default=default,
        help="timeout of each request (default: 60, 5 to connect)",
    )
    group.add_argument(
        "--max-retries",
        dest="_max_retries",
        type=_count,
        metavar="N",
        default=default,
        help=f"retries of a failed idempotent request (default: {DEFAULT_MAX_RETRIES})",
    )


def _add_option(group: argparse._ArgumentGroup, option: Option) -> None:
    notes = [n for n, on in (("required", option.required), ("deprecated", option.deprecated)) if on]
    if option.type == "array":
        notes.append("repeat for several values")
    text = option.help.strip() + (f" ({', '.join(notes)})" if notes else "")
    kwargs: dict[str, Any] = {"dest": option.dest, "required": option.required}
    if option.choices:
        kwargs["choices"] = option.choices
        if not all(_PLAIN_CHOICE.fullmatch(c) for c in option.choices):
            # argparse's usage wrapper breaks on a `{a b,c}` holding whitespace or brackets.
            kwargs["metavar"] = "VALUE"
            text += " (one of: " + ", ".join(repr(c) for c in option.choices) + ")"
    else:
        kwargs["type"] = _CONVERTERS.get(option.type, str)
        kwargs["metavar"] = _METAVARS.get(option.type, "STRING")
    if option.type == "array":
        kwargs["action"] = "append"
    group.add_argument(option.flag, help=_escape(text.strip()), **kwargs)


def _placeholder(option: Option) -> str:
    if option.choices:
        return shlex.quote(option.choices[0])
    if option.type in ("object", "json"):
        return "'{}'"
    return {"boolean": "true", "integer": "0", "number": "0"}.get(option.type, shlex.quote(option.dest))


def _example(program: Program, command: Command) -> list[str]:
    call = f"{program.name} {command.resource} {command.name}"
    required = [f"{o.flag} {_placeholder(o)}" for o in command.options if o.required]
    lines = ["example:", "  " + " ".join([call, *required])]
    if command.paginated:
        lines.append(f"  {call} --format jsonl --max-items 100")
    return lines


def _environment(program: Program) -> list[str]:
    fallback = f"; default {program.default_base_url}" if program.default_base_url else ""
    variables = [(program.base_url_env, f"API base URL (instead of --base-url{fallback})")]
    if program.needs_api_key:
        variables.insert(0, (program.api_key_env, "API key (instead of --api-key)"))
    width = max(len(name) for name, _ in variables)
    return ["environment:", *(f"  {name:<{width}}  {meaning}" for name, meaning in variables)]


def _exit_codes() -> list[str]:
    return ["exit codes:", *(f"  {code:<3}  {meaning}" for code, meaning in EXIT_CODES)]


def _top_epilog(program: Program) -> str:
    width = max((len(f"{c.resource} {c.name}") for c in program.commands), default=0)
    lines = ["commands:"]
    lines += [f"  {c.resource} {c.name}".ljust(width + 4) + c.summary for c in program.commands]
    lines += ["", f"`{program.name} <resource> <command> --help` shows the flags of a command.", ""]
    return _escape_text("\n".join([*lines, *_environment(program), "", *_exit_codes()]))


def _add_command(actions: Any, program: Program, command: Command, secrets: tuple[str, ...]) -> None:
    summary = command.summary + (" (deprecated)" if command.deprecated else "")
    about = [f"{command.http_method} {command.path}", "", summary]
    if command.description and command.description != command.summary:
        about += ["", command.description]
    parser = actions.add_parser(
        command.name,
        help=_escape(summary),
        description=_escape_text("\n".join(about)),
        epilog=_escape_text("\n".join([*_example(program, command), "", *_exit_codes()])),
        secrets=secrets,
    )
    groups: dict[str, argparse._ArgumentGroup] = {}
    for option in command.options:
        if option.location not in groups:
            groups[option.location] = parser.add_argument_group(
                _GROUP_TITLES.get(option.location, option.location)
            )
        _add_option(groups[option.location], option)
    _add_globals(parser, program, nested=True)
    parser.set_defaults(_command=command, _parser=parser)


def build_parser(program: Program, secrets: tuple[str, ...] = ()) -> argparse.ArgumentParser:
    top = _Parser(
        prog=program.name,
        description=_escape_text(
            f"{program.title} API {program.version}: the command line."
            + (f"\n\n{program.description}" if program.description else "")
        ),
        epilog=_top_epilog(program),
        secrets=secrets,
    )
    top.add_argument("--version", action="version", version=f"{program.name} {program.version}")
    _add_globals(top, program, nested=False)
    resources = top.add_subparsers(title="resources", metavar="<resource>", dest="_resource", required=True)
    grouped: dict[str, list[Command]] = {}
    for command in program.commands:
        grouped.setdefault(command.resource, []).append(command)
    for resource, commands in grouped.items():
        parser = resources.add_parser(
            resource,
            help=_escape(", ".join(c.name for c in commands)),
            description=_escape_text(f"The commands of {resource}, one per operation of the API."),
            epilog=_escape_text(
                f"`{program.name} {resource} <command> --help` shows the flags of a command."
            ),
            secrets=secrets,
        )
        actions = parser.add_subparsers(title="commands", metavar="<command>", dest="_action", required=True)
        for command in commands:
            _add_command(actions, program, command, secrets)
    return top


# -- running a command -------------------------------------------------------------------------
class _LastBody:
    """Keeps the body of the latest response the client kept: the command line prints what the server
    sent, not a re-serialisation of the client's models (which would change `0` to `0.0`, say)."""

    def __init__(self) -> None:
        self.body = b""

    def __call__(self, response: httpx.Response) -> None:
        self.body = response.content


@dataclass(frozen=True)
class _Run:
    command: Command
    arguments: dict[str, Any]
    client_options: dict[str, Any]
    format: str
    max_items: int | None
    pretty: bool
    ascii: bool  # stdout cannot encode all of Unicode: JSON gets \u escapes instead


def _secrets(program: Program, argv: Sequence[str]) -> tuple[str, ...]:
    """The API key, wherever it may come from, to scrub from every message."""
    found = [os.environ.get(program.api_key_env, "")]
    for index, word in enumerate(argv):
        if word == "--api-key" and index + 1 < len(argv):
            found.append(argv[index + 1])
        elif word.startswith("--api-key="):
            found.append(word.partition("=")[2])
    return tuple(sorted({s for s in found if s.strip()}, key=len, reverse=True))


def _prepare(program: Program, args: argparse.Namespace, stdout: TextIO) -> _Run:
    command = cast(Command, args._command)
    parser = cast(argparse.ArgumentParser, args._parser)
    output = getattr(args, "_format", None) or "json"
    max_items: int | None = getattr(args, "_max_items", None)
    if max_items is not None and not command.paginated:
        parser.error("--max-items applies only to list commands (paginated operations)")
    if max_items is not None and output != "jsonl":
        parser.error("--max-items needs --format jsonl")
    api_key: str | None = getattr(args, "_api_key", None)
    if program.needs_api_key and not (api_key or os.environ.get(program.api_key_env)):
        parser.error(f"no API key: set {program.api_key_env} or pass --api-key")
    options: dict[str, Any] = {"api_key": api_key, "base_url": getattr(args, "_base_url", None)}
    for name in ("timeout", "max_retries"):
        value = getattr(args, f"_{name}", None)
        if value is not None:
            options[name] = value
    arguments = {o.dest: v for o in command.options if (v := getattr(args, o.dest, None)) is not None}
    pretty = output == "json" and stdout.isatty()
    ascii = not (stdout.encoding or "").lower().replace("-", "").startswith("utf")
    return _Run(command, arguments, options, output, max_items, pretty, ascii)


def _call(run: _Run, make_client: Callable[..., SyncAPIClient], http: httpx.Client, last: _LastBody) -> Any:
    client = make_client(**run.client_options, http_client=http)
    client._response_observer = last
    target: Any = client
    for name in run.command.method:
        target = getattr(target, name)
    return target(**run.arguments)


def _dump(value: Any, run: _Run, pretty: bool) -> str:
    if pretty:
        return json.dumps(value, indent=2, ensure_ascii=run.ascii)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=run.ascii)


def _print_body(run: _Run, body: bytes, stdout: TextIO) -> None:
    kind = run.command.response
    if kind == "none" or not body:
        return
    if kind == "json":
        stdout.write(_dump(json.loads(body), run, run.pretty) + "\n")
    elif kind == "text":
        text = body.decode("utf-8", errors="replace")
        if run.ascii:
            text = text.encode("ascii", errors="backslashreplace").decode("ascii")
        stdout.write(text if text.endswith("\n") or not stdout.isatty() else text + "\n")
    else:
        stdout.flush()
        stdout.buffer.write(body)
    stdout.flush()


def _print_items(run: _Run, first: SyncPage[Any], last: _LastBody, stdout: TextIO) -> None:
    """Each item of each page, one line each, flushed: the next page is fetched only when the lines
    of this one are out, and never once `--max-items` are."""
    printed, limit = 0, run.max_items
    for _page in first.iter_pages():  # `last` holds the body of the page just fetched
        body = json.loads(last.body)
        for item in body.get(run.command.items_key or "", []) if isinstance(body, dict) else []:
            if limit is not None and printed >= limit:
                return
            stdout.write(_dump(item, run, pretty=False) + "\n")
            stdout.flush()
            printed += 1
        if limit is not None and printed >= limit:
            return


def _one_line(body: bytes, limit: int = 500) -> str:
    try:
        text = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        text = " ".join(body.decode("utf-8", errors="replace").split())
    return text if len(text) <= limit else text[:limit] + "..."


def _status_message(exc: APIStatusError) -> str:
    response = exc.response
    text = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    text += f" from {response.request.method} {response.request.url.path}"
    detail = _one_line(response.content)
    if detail:
        text += f": {detail}"
    if exc.request_id:
        text += f" (request id {exc.request_id})"
    return text


def _connection_message(exc: APIConnectionError) -> str:
    url = exc.request.url if exc.request else None  # scheme, host and port: never a user:password@
    where = f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "") if url else "the API"
    return f"no response from {where}: {exc.message}"


def _in_flags(message: str, command: Command) -> str:
    """The client names a parameter by its keyword (`job_id`); the command line by its flag."""
    for option in command.options:
        message = message.replace(f"`{option.dest}`", option.flag)
    return message


def _fail(program: Program, message: str, code: int, secrets: tuple[str, ...]) -> int:
    line = " ".join(_scrub(message, secrets).split())
    print(f"{program.name}: error: {line}", file=sys.stderr, flush=True)
    return code


def _quiet_stdout() -> None:
    """After a closed pipe (`| head`), send what Python still flushes at exit nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def run(
    program: Program, make_client: Callable[..., SyncAPIClient], argv: Sequence[str] | None = None
) -> int:
    """Parse `argv`, run the command, print its result; the exit code (argparse exits 2 itself)."""
    words = list(sys.argv[1:] if argv is None else argv)
    secrets = _secrets(program, words)
    args = build_parser(program, secrets).parse_args(words)
    stdout = sys.stdout
    prepared = _prepare(program, args, stdout)
    last = _LastBody()
    try:
        with httpx.Client() as http:
            try:
                result = _call(prepared, make_client, http, last)
            except ValueError as exc:  # refused before sending, e.g. an empty path parameter
                return _fail(program, _in_flags(str(exc), prepared.command), EXIT_USAGE, secrets)
            if prepared.format == "jsonl" and isinstance(result, SyncPage):
                _print_items(prepared, result, last, stdout)
            else:
                _print_body(prepared, last.body, stdout)
    except APIStatusError as exc:
        return _fail(program, _status_message(exc), EXIT_STATUS, secrets)
    except APIConnectionError as exc:
        return _fail(program, _connection_message(exc), EXIT_CONNECTION, secrets)
    except APIError as exc:
        return _fail(program, exc.message, EXIT_RESPONSE, secrets)
    except BrokenPipeError:
        _quiet_stdout()
    except KeyboardInterrupt:
        return _fail(program, "interrupted", EXIT_INTERRUPTED, secrets)
    return EXIT_OK


__all__ = ["EXIT_CODES", "GLOBAL_FLAGS", "Command", "Option", "Program", "build_parser", "run"]
