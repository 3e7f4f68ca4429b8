"""The command table's vocabulary: `Option`, `Command` and `Program`, which the generated `_commands.py`
fills in from the spec, and what every command shares (the global flags, the exit codes)."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_RESPONSE = 1
EXIT_USAGE = 2  # argparse's own
EXIT_STATUS = 3
# A wait command (the spec's `x-poll`) that ends without success exits like an answer it cannot use.
EXIT_WAIT_FAILED = EXIT_RESPONSE
EXIT_WAIT_TIMEOUT = EXIT_STATUS
EXIT_CONNECTION = 4
EXIT_INTERRUPTED = 130

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "success"),
    (EXIT_RESPONSE, "the API answered, but the response does not match its schema; or a wait ended in failure"),
    (EXIT_USAGE, "usage error: unknown command, missing or invalid flag, no API key"),
    (EXIT_STATUS, "the API answered with an HTTP error status (4xx or 5xx); or a wait timed out"),
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
    "--output",
)


@dataclass(frozen=True)
class Option:
    """One flag of a command: an operation's parameter (or its request body)."""

    flag: str  # `--job-id`
    dest: str  # the client method's keyword: `job_id` (`_body`: a whole body of fields, as JSON)
    # string, integer, number, boolean, array, object; `json` or `binary` for a body; `file` or
    # `files` (repeated) for multipart files; `seconds` for a wait's pace
    type: str
    location: str  # path, query, header, cookie, body; `waiting` for a wait's own flags
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    deprecated: bool = False
    wire: str = ""  # a body field's name in the JSON (its key in `--body`)


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
    response: str = "json"  # json, text, binary, none or stream
    # For a paginated list: the JSON path of each page's items (`()`: the page is the list).
    items_path: tuple[str, ...] | None = None
    deprecated: bool = False
    # For a wait (the spec's `x-poll`): the path of the field it compares, and the values that end it.
    wait_field: tuple[str, ...] | None = None
    wait_final: tuple[object, ...] = ()

    @property
    def paginated(self) -> bool:
        return self.items_path is not None


@dataclass(frozen=True)
class Program:
    name: str
    title: str  # how the API is named: `OpenAI API`
    version: str
    description: str
    api_key_env: str
    base_url_env: str
    default_base_url: str
    needs_api_key: bool
    commands: tuple[Command, ...]
    log_env: str = ""  # `<PACKAGE>_LOG=debug` logs each request, response and retry to stderr
    # The client's other credential keywords: (keyword, environment variable, meaning), each a flag
    # named like it (`--client-id`); a call whose requirement none meets fails before it is sent.
    credentials: tuple[tuple[str, str, str], ...] = ()


__all__ = [
    "EXIT_CODES",
    "EXIT_CONNECTION",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_RESPONSE",
    "EXIT_STATUS",
    "EXIT_USAGE",
    "EXIT_WAIT_FAILED",
    "EXIT_WAIT_TIMEOUT",
    "GLOBAL_FLAGS",
    "Command",
    "Option",
    "Program",
]
