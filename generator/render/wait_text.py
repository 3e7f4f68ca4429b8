"""IR waits (`x-poll`) -> what the package says and runs of them: the `PollSpec(...)` of each, the wait
method's docstring, a sentence for the reference docs, and the command line's wait command (its name,
summary and flags)."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

from ..ir import Api, Operation, Wait
from .cli_tables import cli_command, cli_options, kebab, summary
from .client_text import CALL_OPTIONS, args_section, argument_lines
from .examples import cli_example, python_call
from .text import docstring

_UNKNOWN_VALUES = "Any other value, one the API does not list yet included, keeps it polling."


def wait_spec(op: Operation, wait: Wait) -> str:
    """The `PollSpec(...)` the wait method runs on: what it compares and its pace, the spec's defaults."""
    args = [
        repr(".".join((*op.resource_path, wait.method_name))),
        repr(wait.field),
        repr(wait.success),
        f"failure={wait.failure!r}",
        f"interval={wait.interval!r}",
    ]
    if wait.backoff != 1:
        args.append(f"backoff={wait.backoff!r}")
    if wait.max_interval is not None:
        args.append(f"max_interval={wait.max_interval!r}")
    if wait.timeout is not None:
        args.append(f"timeout={wait.timeout!r}")
    return f"PollSpec({', '.join(args)})"


def _values(values: tuple[Any, ...]) -> str:
    shown = [json.dumps(v, ensure_ascii=False) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _seconds(value: float) -> str:
    return f"{value:g} s"


def wait_pace(wait: Wait) -> str:
    """`every 2 s`, `again 2 s after the first poll, each interval then 1.5 times the one before, at most 30 s`."""
    pace = f"every {_seconds(wait.interval)}"
    if wait.backoff != 1:
        pace = f"again {_seconds(wait.interval)} after the first poll"
        pace += f", each interval then {wait.backoff:g} times the one before"
    if wait.max_interval is not None:
        pace += f", at most {_seconds(wait.max_interval)}"
    return pace


def wait_headline(op: Operation, wait: Wait) -> str:
    where, values = ".".join(wait.field), _values(wait.success)
    return f"Polls `{op.http_method} {op.path}` until `{where}` is {values}, and returns that response."


def wait_about(op: Operation, wait: Wait) -> str:
    """How the wait goes, in sentences: its pace, what ends it otherwise, and what keeps it going."""
    where = ".".join(wait.field)
    text = f"Polls {wait_pace(wait)}; a `Retry-After` from the server sets the next wait"
    text += " (within that bound)." if wait.max_interval is not None else "."
    text += _endings(wait, f"`{where}`", "raises `PollingFailedError`", "raises `PollingTimeoutError`")
    return f"{text} {_UNKNOWN_VALUES}"


def _endings(wait: Wait, subject: str, failed: str, timed_out: str) -> str:
    """` status "failed" <failed>; after 60 s it <timed_out>.`: how the wait ends but by success."""
    after = f"after {_seconds(wait.timeout)} it {timed_out}." if wait.timeout is not None else ""
    if wait.failure:
        return f" {subject} {_values(wait.failure)} {failed}" + (f"; {after}" if after else ".")
    return f" {after[:1].upper()}{after[1:]}" if after else ""


def wait_docstring(op: Operation, wait: Wait) -> str:
    limit = f"default {_seconds(wait.timeout)}" if wait.timeout is not None else "default: none"
    args = [
        *argument_lines(op),
        *CALL_OPTIONS,
        f"poll_interval: Seconds between polls (default {_seconds(wait.interval)})",
        f"poll_timeout: Seconds before PollingTimeoutError, None for no limit ({limit})",
        "on_poll: Called with each response, the final one included (on the async client, may be async)",
    ]
    parts = ["Deprecated: the API marks this operation as deprecated."] if op.deprecated else []
    parts += [_filled(wait_headline(op, wait)), _filled(wait_about(op, wait))]
    return docstring("\n\n".join([*parts, args_section(args)]))


def _filled(text: str) -> str:
    """`text` in lines of 100 characters at most, never parting a number from its unit (`30 s`)."""
    glued = re.sub(r"(\d) s\b", "\\1\ue000s", text)
    return textwrap.fill(glued, 100, break_on_hyphens=False).replace("\ue000", " ")


def wait_command(op: Operation, wait: Wait) -> str:
    """`beta:batch wait`: the operation's resource, the wait's name in kebab case."""
    return cli_command(op).split(" ")[0] + " " + kebab(wait.method_name)


def wait_summary(op: Operation, wait: Wait) -> str:
    return f"Wait until {'.'.join(wait.field)} is {_values(wait.success)} ({summary(op)})"


def wait_cli_description(op: Operation, wait: Wait) -> str:
    """What a wait command does, and how it ends: its output and exit codes."""
    where = ".".join(wait.field)
    text = f"{wait_headline(op, wait)} Polls {wait_pace(wait)}, or as the server's `Retry-After` says."
    text += f" Each {where} is printed to stderr as it comes, the final response to stdout."
    text += _endings(wait, where, "ends it with exit code 1", "ends with exit code 3")
    return f"{text} {_UNKNOWN_VALUES}"


def wait_options(op: Operation, wait: Wait) -> list[dict[str, Any]]:
    """The operation's flags, then `--poll-interval` and `--poll-timeout` (no parameter takes those keywords)."""
    limit = f"default {wait.timeout:g}" if wait.timeout is not None else "default: none"
    poll = [
        ("--poll-interval", "poll_interval", f"seconds between polls (default {wait.interval:g})"),
        ("--poll-timeout", "poll_timeout", f"seconds before giving up, exit code 3 ({limit})"),
    ]
    return cli_options(op) + [
        {
            "flag": flag,
            "dest": dest,
            "type": "seconds",
            "location": "waiting",
            "required": False,
            "choices": (),
            "help": text,
            "deprecated": False,
            "wire": "",
        }
        for flag, dest, text in poll
    ]


def wait_final(wait: Wait) -> tuple[Any, ...]:
    """The values that end the wait, for the command line (which prints each other value it sees)."""
    return wait.success + wait.failure


def wait_call(op: Operation, wait: Wait, more: tuple[str, ...] = ()) -> str:
    """`client.beta.batch.wait('job_id')`: the operation's example arguments (and `more`)."""
    return python_call(op, more=more, method=wait.method_name)


def wait_python_example(op: Operation, wait: Wait, api: Api) -> str:
    cls = api.settings.class_name
    lines = ["import datetime", ""] if "datetime." in wait_call(op, wait) else []
    lines += [f"from {api.package} import {cls}", "", f"client = {cls}()"]
    return "\n".join([*lines, f"response = {wait_call(op, wait)}", "print(response)"])


def wait_cli_example(op: Operation, wait: Wait, api: Api) -> str:
    """The operation's command-line example, as its wait command."""
    return cli_example(op, api).replace(
        f"{api.package} {cli_command(op)}", f"{api.package} {wait_command(op, wait)}", 1
    )
