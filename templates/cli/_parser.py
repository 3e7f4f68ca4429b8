"""The argparse parser of a command table: takes a `Program` (and the secrets to keep out of its error
messages), and gives a parser of `<resource> <command> [flags]` whose help shows every flag, an example,
the environment variables and the exit codes."""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from .._runtime._base_client import DEFAULT_MAX_RETRIES
from ._table import EXIT_CODES, EXIT_USAGE, Command, Option, Program
from ._values import CONVERTERS, count, positive, seconds

_GROUP_TITLES = {
    "path": "path parameters",
    "query": "query parameters",
    "header": "header parameters",
    "cookie": "cookie parameters",
    "body": "request body",
    "response": "response",
    "waiting": "waiting",
}

_PLAIN_CHOICE = re.compile(r"[^\s\[\]()|,{}]+")
_METAVARS = {
    "integer": "INTEGER",
    "number": "NUMBER",
    "boolean": "{true,false}",
    "object": "JSON",
    "json": "JSON",
    "binary": "@FILE",
    "file": "@FILE",
    "files": "@FILE",
    "array": "VALUE",
    "seconds": "SECONDS",
}


def scrub(text: str, secrets: Sequence[str]) -> str:
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
        self.exit(EXIT_USAGE, f"{self.prog}: error: {scrub(message, self.secrets)}\n")


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
            help=_escape(f"API key (default: ${program.api_key_env}; prefer it: a flag shows in the process list)"),
        )
    taken = {flag for action in parser._actions for flag in action.option_strings}
    for keyword, env, meaning in program.credentials:
        if "--" + keyword.replace("_", "-") in taken:
            continue  # a parameter of this command has the flag: the credential goes before the command
        group.add_argument(
            "--" + keyword.replace("_", "-"),
            dest="_credential_" + keyword,
            metavar="VALUE",
            default=default,
            help=_escape(f"{meaning} (default: ${env})" if env else meaning),
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
        type=positive,
        metavar="N",
        default=default,
        help="with --format jsonl on a list: stop after N items",
    )
    group.add_argument(
        "--output",
        dest="_output",
        metavar="FILE",
        default=default,
        help="for a binary response: write it to FILE as it arrives (default: stdout, when not a terminal)",
    )
    group.add_argument(
        "--timeout",
        dest="_timeout",
        type=seconds,
        metavar="SECONDS",
        default=default,
        help="timeout of each request (default: 60, 5 to connect); of each read, for a streamed response",
    )
    group.add_argument(
        "--max-retries",
        dest="_max_retries",
        type=count,
        metavar="N",
        default=default,
        help=f"retries of a failed idempotent request (default: {DEFAULT_MAX_RETRIES})",
    )


def _add_option(group: argparse._ArgumentGroup, option: Option) -> None:
    notes = [n for n, on in (("required", option.required), ("deprecated", option.deprecated)) if on]
    if option.type in ("array", "files"):
        notes.append("repeat for several values")
    text = option.help.strip() + (f" ({', '.join(notes)})" if notes else "")
    # A body field may come from `--body` instead: its presence is checked after parsing.
    kwargs: dict[str, Any] = {"dest": option.dest, "required": option.required and not option.wire}
    if option.choices:
        kwargs["choices"] = option.choices
        if not all(_PLAIN_CHOICE.fullmatch(c) for c in option.choices):
            # argparse's usage wrapper breaks on a `{a b,c}` holding whitespace or brackets.
            kwargs["metavar"] = "VALUE"
            text += " (one of: " + ", ".join(repr(c) for c in option.choices) + ")"
    else:
        kwargs["type"] = CONVERTERS.get(option.type, str)
        kwargs["metavar"] = _METAVARS.get(option.type, "STRING")
    if option.type in ("array", "files"):
        kwargs["action"] = "append"
    group.add_argument(option.flag, help=_escape(text.strip()), **kwargs)


def _placeholder(option: Option) -> str:
    if option.choices:
        return shlex.quote(option.choices[0])
    if option.type in ("object", "json"):
        return "'{}'"
    if option.type in ("file", "files"):
        return "@file.pdf"
    return {"boolean": "true", "integer": "0", "number": "0"}.get(option.type, shlex.quote(option.dest))


def _example(program: Program, command: Command) -> list[str]:
    call = f"{program.name} {command.resource} {command.name}"
    required = [f"{o.flag} {_placeholder(o)}" for o in command.options if o.required]
    lines = ["example:", "  " + " ".join([call, *required])]
    if command.paginated:
        lines.append(f"  {call} --format jsonl --max-items 100")
    if command.response == "binary":
        lines.append(f"  {' '.join([call, *required])} --output {command.name}.bin")
    return lines


def _environment(program: Program) -> list[str]:
    fallback = f"; default {program.default_base_url}" if program.default_base_url else ""
    variables = [(program.base_url_env, f"API base URL (instead of --base-url{fallback})")]
    if program.needs_api_key:
        variables.insert(0, (program.api_key_env, "API key (instead of --api-key)"))
    at = 1 if program.needs_api_key else 0
    for keyword, env, meaning in program.credentials:
        if env:
            variables.insert(at, (env, f"{meaning} (instead of --{keyword.replace('_', '-')})"))
            at += 1
    if program.log_env:
        variables.append((program.log_env, "`debug` or `info`: log each request, response and retry to stderr"))
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
            groups[option.location] = parser.add_argument_group(_GROUP_TITLES.get(option.location, option.location))
        _add_option(groups[option.location], option)
    _add_globals(parser, program, nested=True)
    parser.set_defaults(_command=command, _parser=parser)


def build_parser(program: Program, secrets: tuple[str, ...] = ()) -> argparse.ArgumentParser:
    top = _Parser(
        prog=program.name,
        description=_escape_text(
            f"{program.title} {program.version}: the command line."
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
            epilog=_escape_text(f"`{program.name} {resource} <command> --help` shows the flags of a command."),
            secrets=secrets,
        )
        actions = parser.add_subparsers(title="commands", metavar="<command>", dest="_action", required=True)
        for command in commands:
            _add_command(actions, program, command, secrets)
    return top


__all__ = ["build_parser", "scrub"]
