"""`python -m generator build [--spec SPEC] [--out DIR] [--package NAME] [--overlay FILE] [--strict] [--check]`.

Exit codes: 0 success, 1 `--check` found drift, 2 the spec (or the configuration) is invalid.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import __version__
from .config import load_config
from .errors import Diagnostic, SpecError, render_diagnostic

EXIT_OK, EXIT_DRIFT, EXIT_INVALID = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m generator", description=__doc__.splitlines()[0] if __doc__ else "")
    top.add_argument("--version", action="version", version=f"openapi-client-generator {__version__}")
    commands = top.add_subparsers(dest="command", required=True)
    b = commands.add_parser(
        "build",
        help="generate the client package from the spec",
        description="Generate OUT/PACKAGE from SPEC. Defaults come from [tool.generator] in pyproject.toml.",
    )
    b.add_argument("--spec", help="root spec file (YAML or JSON), OpenAPI 3.0, 3.1 or 3.2")
    b.add_argument("--out", help="folder that receives the package folder")
    b.add_argument("--package", help="name of the generated package (a Python identifier)")
    b.add_argument(
        "--overlay",
        action="append",
        metavar="FILE",
        help="apply an OpenAPI Overlay 1.0 document to the spec first (repeatable, applied in order)",
    )
    b.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="treat every warning as an error (exit 2, nothing written)",
    )
    b.add_argument("--check", action="store_true", help="write nothing; exit 1 if the output on disk is stale")
    b.add_argument(
        "--allow-remote-refs",
        action="store_true",
        help="fetch $refs to http(s) URLs (refused by default: a build reads only the spec's folder)",
    )
    b.add_argument("--debug", action="store_true", help="show a traceback for unexpected failures")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    cwd = Path.cwd()
    try:
        config = load_config(
            cwd,
            spec=args.spec,
            out=args.out,
            package=args.package,
            check=args.check,
            allow_remote_refs=args.allow_remote_refs,
            strict=args.strict,
            overlays=args.overlay,
        )
        from .pipeline import build  # after parsing flags: `--help` and errors stay instant

        result = build(config)
    except SpecError as exc:
        locate = getattr(exc, "locate", lambda origin: None)
        # Errors first, then the warnings found on the way.
        ordered = [*exc.errors, *(d for d in exc.diagnostics if d.is_warning)]
        for diagnostic in ordered:
            print(render_diagnostic(diagnostic, locate, cwd), file=sys.stderr)
        count = len(exc.errors)
        print(f"{count} error{'s' if count != 1 else ''}; nothing was written.", file=sys.stderr)
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
    summary = (
        f"{_display(config.target, cwd)}: {result.operations} operations, {result.models} models, {result.files} files"
    )
    timing = f"({'cached, ' if result.cached else ''}{result.seconds:.1f} s)" + _warning_count(result.warnings)
    if result.drift is not None:
        if result.drift.clean:
            print(f"{summary}: up to date {timing}")
            _print_warnings(result.warnings, cwd)
            return EXIT_OK
        _print_warnings(result.warnings, cwd)
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
    _print_warnings(result.warnings, cwd)
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
