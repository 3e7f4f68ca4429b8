"""The command line: `python -m <package> <resource> <command> [flags]`, one command per operation.

The commands (flags, types, choices, help, the client method each calls) are a table generated from
the spec into `_commands.py`; this module knows no operation. It parses the flags with the parser built
from the table (`_parser`), calls the client (so authentication, retries, errors and pagination are
the client's), and prints the response body the server sent (`_output`): pretty-printed on a
terminal, compact otherwise. `--format jsonl` prints one compact line per item, following every page of
a list lazily.

A wait command (the spec's `x-poll`) prints each status it polls to stderr (`_wait`), and the final
response to stdout; a wait that ends in failure exits 1, one that times out 3.

A streaming operation prints each event's data as one compact JSON line as it arrives, and a binary one
writes its body to `--output FILE` (or to stdout, when it is not a terminal) as it arrives, never whole
in memory.

Errors are one line on stderr, and the exit code says which kind (see EXIT_CODES). The API key is
never printed: every message is scrubbed of it, and argparse's own errors too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO, cast

import httpx

from .._runtime._base_client import SyncAPIClient
from .._runtime._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    MissingCredentialsError,
    PollingFailedError,
    PollingTimeoutError,
    TokenError,
)
from .._runtime._pagination import SyncPage
from .._runtime._streaming import Stream
from ._body import body_arguments
from ._output import (
    LastBody,
    connection_message,
    print_body,
    print_events,
    print_items,
    status_message,
    write_body,
)
from ._parser import build_parser, scrub
from ._table import (
    EXIT_CODES,
    EXIT_CONNECTION,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_RESPONSE,
    EXIT_STATUS,
    EXIT_USAGE,
    EXIT_WAIT_FAILED,
    EXIT_WAIT_TIMEOUT,
    GLOBAL_FLAGS,
    Command,
    Option,
    Program,
)
from ._wait import Progress


@dataclass(frozen=True)
class _Run:
    command: Command
    arguments: dict[str, Any]
    client_options: dict[str, Any]
    format: str
    max_items: int | None
    pretty: bool
    ascii: bool  # stdout cannot encode all of Unicode: JSON gets \u escapes instead
    output: str | None  # the file a binary response is written to


def run(program: Program, make_client: Callable[..., SyncAPIClient], argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the command, print its result; the exit code (argparse exits 2 itself)."""
    words = list(sys.argv[1:] if argv is None else argv)
    secrets = _secrets(program, words)
    args = build_parser(program, secrets).parse_args(words)
    stdout = sys.stdout
    prepared = _prepare(program, args, stdout)
    last = LastBody()
    progress = Progress.of(prepared.command, last, sys.stderr)
    try:
        with httpx.Client() as http:
            try:
                result = _call(prepared, make_client, http, last, progress)
            except (ValueError, TypeError) as exc:  # refused before sending: an empty path parameter, a file
                return _fail(program, _in_flags(str(exc), prepared.command), EXIT_USAGE, secrets)
            finally:
                if progress is not None:
                    progress.close()
            if prepared.command.response == "binary":
                with result as response:  # through with_streaming_response: read as it arrives
                    write_body(response, prepared.output, stdout)
            elif isinstance(result, Stream):
                with result:
                    print_events(result, stdout, ascii=prepared.ascii)
            elif prepared.format == "jsonl" and isinstance(result, SyncPage):
                items_path = prepared.command.items_path or ()
                print_items(result, last, stdout, items_path=items_path, limit=prepared.max_items, ascii=prepared.ascii)
            else:
                kind = prepared.command.response
                print_body(last.body, stdout, kind=kind, pretty=prepared.pretty, ascii=prepared.ascii)
    except (PollingFailedError, PollingTimeoutError) as exc:  # the last answer is the wait's result
        print_body(last.body, stdout, kind="json", pretty=prepared.pretty, ascii=prepared.ascii)
        code = EXIT_WAIT_FAILED if isinstance(exc, PollingFailedError) else EXIT_WAIT_TIMEOUT
        return _fail(program, exc.message, code, secrets)
    except APIStatusError as exc:
        return _fail(program, status_message(exc), EXIT_STATUS, secrets)
    except MissingCredentialsError as exc:  # as a missing flag: nothing was sent
        return _fail(program, exc.message, EXIT_USAGE, secrets)
    except TokenError as exc:  # the token endpoint answered with an error status
        return _fail(program, exc.message, EXIT_STATUS, secrets)
    except APIConnectionError as exc:
        return _fail(program, connection_message(exc), EXIT_CONNECTION, secrets)
    except APIError as exc:
        return _fail(program, exc.message, EXIT_RESPONSE, secrets)
    except BrokenPipeError:
        _quiet_stdout()
    except KeyboardInterrupt:
        return _fail(program, "interrupted", EXIT_INTERRUPTED, secrets)
    return EXIT_OK


def _secrets(program: Program, argv: Sequence[str]) -> tuple[str, ...]:
    """The API key, wherever it may come from, to scrub from every message."""
    found = [os.environ.get(program.api_key_env, ""), *(os.environ.get(e, "") for _, e, _ in program.credentials if e)]
    flags = {"--api-key", *("--" + keyword.replace("_", "-") for keyword, _, _ in program.credentials)}
    for index, word in enumerate(argv):
        if word in flags and index + 1 < len(argv):
            found.append(argv[index + 1])
        elif word.partition("=")[0] in flags:
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
    output_file: str | None = getattr(args, "_output", None)
    if output_file is not None and command.response != "binary":
        parser.error("--output applies only to commands answering a binary body")
    if command.response == "binary" and output_file is None and stdout.isatty():
        parser.error("the response is binary: pass --output FILE, or redirect stdout")
    api_key: str | None = getattr(args, "_api_key", None)
    if program.needs_api_key and not program.credentials and not (api_key or os.environ.get(program.api_key_env)):
        parser.error(f"no API key: set {program.api_key_env} or pass --api-key")
    options: dict[str, Any] = {"api_key": api_key, "base_url": getattr(args, "_base_url", None)}
    for keyword, _, _ in program.credentials:  # the client reads the environment for those not given
        if (value := getattr(args, "_credential_" + keyword, None)) is not None:
            options[keyword] = value
    for name in ("timeout", "max_retries"):
        value = getattr(args, f"_{name}", None)
        if value is not None:
            options[name] = value
    arguments = {o.dest: v for o in command.options if (v := getattr(args, o.dest, None)) is not None}
    arguments = body_arguments(command, arguments, parser.error)
    pretty = output == "json" and stdout.isatty()
    ascii = not (stdout.encoding or "").lower().replace("-", "").startswith("utf")
    return _Run(command, arguments, options, output, max_items, pretty, ascii, output_file)


def _call(
    run: _Run, make_client: Callable[..., SyncAPIClient], http: httpx.Client, last: LastBody, progress: Progress | None
) -> Any:
    client = make_client(**run.client_options, http_client=http)
    client._response_observer = last
    target: Any = client
    if run.command.response == "binary":
        target = target.with_streaming_response  # the body is written as it arrives, never held whole
    for name in run.command.method:
        target = getattr(target, name)
    if progress is not None:  # a wait command: each poll's status shown as it comes
        return target(**run.arguments, on_poll=progress)
    return target(**run.arguments)


def _in_flags(message: str, command: Command) -> str:
    """The client names a parameter by its keyword (`job_id`); the command line by its flag."""
    for option in command.options:
        message = message.replace(f"`{option.dest}`", option.flag)
    return message


def _fail(program: Program, message: str, code: int, secrets: tuple[str, ...]) -> int:
    line = " ".join(scrub(message, secrets).split())
    print(f"{program.name}: error: {line}", file=sys.stderr, flush=True)
    return code


def _quiet_stdout() -> None:
    """After a closed pipe (`| head`), send what Python still flushes at exit nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


__all__ = ["EXIT_CODES", "GLOBAL_FLAGS", "Command", "Option", "Program", "build_parser", "run"]
