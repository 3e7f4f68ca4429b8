"""`python -m generator build [--spec SPEC] [--out DIR] [--package NAME] [--check] ...` and `... diff OLD NEW`.

Exit codes: 0 success, 1 `--check` found drift, 2 the spec (or the configuration) is invalid.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from . import __version__
from .config import FLAGS, SETTINGS, load_config
from .diff import FORMATS
from .errors import Diagnostic, SpecError, render_diagnostic

EXIT_OK, EXIT_DRIFT, EXIT_INVALID = 0, 1, 2
# The flag of each build setting (`[tool.generator]` takes the same names): its metavar and help.
SETTING_HELP = {
    "spec": ("SPEC", "root spec file (YAML or JSON), OpenAPI 3.0, 3.1 or 3.2"),
    "out": ("DIR", "folder that receives the package folder"),
    "package": ("NAME", "name of the generated package (a Python identifier)"),
    "overlays": ("FILE", "apply an OpenAPI Overlay 1.0 document to the spec first (repeatable, applied in order)"),
    "strict": ("", "treat every warning as an error (exit 2, nothing written)"),
    "allow-remote-refs": ("", "fetch $refs to http(s) URLs (refused by default: a build reads only the spec's folder)"),
    "package-version": ("VERSION", "the package's version (default: the spec's info.version)"),
    "client-class": ("NAME", "the client class, `Async` + NAME the async one (default: x-client branded-name)"),
    "templates": ("DIR", "client templates that replace the built-in ones of the same name"),
    "custom": ("DIR", "your own code, copied into the package as _custom/ (hooks, mixins)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse's parser, its mistakes said like every other error: with a hint, then exit 2."""

    def error(self, message: str, hint: str = "") -> NoReturn:
        hint = hint or f"`{self.prog} --help` lists what it takes"
        print(render_diagnostic(Diagnostic(message, hint=hint), lambda origin: None, Path.cwd()), file=sys.stderr)
        print("1 error.", file=sys.stderr)
        raise SystemExit(EXIT_INVALID)

    def unknown(self, extra: list[str]) -> NoReturn:
        """Arguments this (sub)command does not take: the nearest flag it does, when one is near."""
        flags = [flag for action in self._actions for flag in action.option_strings]
        near = difflib.get_close_matches(extra[0].split("=", 1)[0], flags, n=1, cutoff=0.8)
        hint = f"did you mean `{near[0]}`? `{self.prog} --help` lists what it takes" if near else ""
        self.error(f"unrecognized arguments: {' '.join(extra)}", hint=hint)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m generator", description=__doc__.splitlines()[0] if __doc__ else "")
    top.add_argument("--version", action="version", version=f"openapi-client-generator {__version__}")
    commands = top.add_subparsers(dest="command", required=True)
    b: _Parser = commands.add_parser(
        "build",
        help="generate the client package from the spec",
        description="Generate OUT/PACKAGE from SPEC. Defaults come from [tool.generator] in pyproject.toml.",
    )
    for key, kind in SETTINGS.items():
        metavar, text = SETTING_HELP[key]
        flag = f"--{FLAGS.get(key, key)}"
        if kind == "bool":
            b.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=text)
        elif kind == "paths":
            b.add_argument(flag, action="append", dest=key.replace("-", "_"), metavar=metavar, help=text)
        else:
            b.add_argument(flag, metavar=metavar, help=text)
    b.add_argument("--check", action="store_true", help="write nothing; exit 1 if the output on disk is stale")
    b.add_argument(
        "--isolated", action="store_true", help="ignore [tool.generator] of pyproject.toml: the flags alone decide"
    )
    b.add_argument("--debug", action="store_true", help="show a traceback for unexpected failures")
    b.add_argument(
        "--verbose", action="store_true", help="also show what the build inferred (each paginated method's style)"
    )
    d: _Parser = commands.add_parser(
        "diff",
        help="report what changes between the clients two specs generate, and whether it breaks callers",
        description=(
            "Compare the Python surfaces two specs generate (resources, methods, parameters, types, models, "
            "errors, pagination). Exit 1 when a change breaks callers, 0 otherwise, 2 on a bad spec."
        ),
    )
    d.add_argument("old", nargs="?", metavar="OLD", help="the spec before; with --against, the spec to compare")
    d.add_argument("new", nargs="?", metavar="NEW", help="the spec after (default: the configured spec)")
    d.add_argument("--against", metavar="REF", help="compare with the configured spec as it was at git revision REF")
    d.add_argument("--spec", help="the configured spec, for --against or a missing NEW ([tool.generator] spec)")
    d.add_argument("--format", choices=FORMATS, default="text", help="text (default), markdown or json")
    d.add_argument("--debug", action="store_true", help="show a traceback for unexpected failures")
    for command in (b, d):
        command.set_defaults(parser=command)
    return top


def main(argv: list[str] | None = None) -> int:
    args, extra = parser().parse_known_args(argv)
    if extra:
        args.parser.unknown(extra)
    cwd = Path.cwd()
    try:
        if args.command == "diff":
            from .diff.command import run  # the comparison loads only when it runs

            return run(args, cwd)
        flags = {key: getattr(args, key.replace("-", "_")) for key in SETTINGS}
        config = load_config(cwd, flags, check=args.check, isolated=args.isolated)
        from .pipeline import build  # after parsing flags: `--help` and errors stay instant

        result = build(config)
    except SpecError as exc:
        locate = getattr(exc, "locate", lambda origin: None)
        # Errors first, then the warnings found on the way.
        ordered = [*exc.errors, *(d for d in exc.diagnostics if d.is_warning)]
        for diagnostic in ordered:
            print(render_diagnostic(diagnostic, locate, cwd), file=sys.stderr)
        count = len(exc.errors)
        written = "." if args.command == "diff" else "; nothing was written."
        print(f"{count} error{'s' if count != 1 else ''}{written}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted; nothing was written.", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}; nothing was written.", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INVALID
    paged = f"{result.paginated} paginated ({result.inferred} inferred), " if result.paginated else ""
    summary = (
        f"{_display(config.target, cwd)}: {result.operations} operations, {paged}"
        f"{result.models} models, {result.files} files"
    )
    # Under --verbose, what the build inferred follows the warnings, located the same way.
    shown = result.warnings + (result.notes if args.verbose else ())
    timing = f"({'cached, ' if result.cached else ''}{result.seconds:.1f} s)" + _warning_count(result.warnings)
    if result.drift is not None:
        if result.drift.clean:
            print(f"{summary}: up to date {timing}")
            _print_warnings(shown, cwd)
            return EXIT_OK
        _print_warnings(shown, cwd)
        for label, paths in (
            ("stale", result.drift.stale),
            ("missing", result.drift.missing),
            ("extra", result.drift.extra),
        ):
            for path in paths:
                print(f"{label}: {_display(config.target / path, cwd)}", file=sys.stderr)
        print("generated code is out of date: run `python -m generator build`", file=sys.stderr)
        return EXIT_DRIFT
    print(f"{summary} {'unchanged' if result.cached else 'written'} {timing}")
    _print_warnings(shown, cwd)
    return EXIT_OK


def _warning_count(warnings: tuple[Diagnostic, ...]) -> str:
    return f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""


def _print_warnings(warnings: tuple[Diagnostic, ...], cwd: Path) -> None:
    for warning in warnings:  # located when the build ran: no lookup needed here
        print(render_diagnostic(warning, lambda origin: None, cwd), file=sys.stderr)


def _display(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)
