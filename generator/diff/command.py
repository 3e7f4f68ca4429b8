"""`python -m generator diff OLD NEW` and `python -m generator diff --against REF`: the changes between
the Python surfaces two specs generate, as a report on stdout. Exit 1 when any change breaks callers
(for CI), 0 otherwise; a bad spec, revision or configuration raises SpecError (exit 2)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ..errors import Diagnostic, SpecError
from .compare import compare
from .locations import Location
from .report import render
from .surface import load

EXIT_OK, EXIT_BREAKING = 0, 1


def run(args: argparse.Namespace, cwd: Path) -> int:
    if args.against is not None and args.new is not None:
        raise SpecError([Diagnostic("--against takes at most one spec, NEW", hint="pass `--against REF [NEW]`")])
    if args.against is None and args.old is None:
        raise SpecError([Diagnostic("nothing to compare", hint="pass `OLD NEW`, or `--against REF` (a git revision)")])
    with tempfile.TemporaryDirectory(prefix="generator-diff-") as scratch:
        overlays: tuple[Path, ...] = ()
        shown_old: dict[Path, str] = {}
        if args.against is not None:
            from ..config import load_config
            from .revision import spec_at

            config = load_config(cwd, {"spec": args.old if args.old is not None else args.spec})
            new_spec, overlays = config.spec, config.overlays  # the configured overlays, on both sides
            old_spec = spec_at(new_spec, args.against, Path(scratch))
            shown_old = {Path(scratch).resolve(): f"{args.against}:"}
        else:
            old_spec = (cwd / args.old).resolve()
            new_spec = (cwd / args.new).resolve() if args.new is not None else _configured_spec(cwd, args.spec)
        changes = compare(load(old_spec, overlays), load(new_spec, overlays))

        def display(location: Location) -> str:
            for folder, prefix in shown_old.items():
                if location.file.is_relative_to(folder):
                    return prefix + location.shown(folder)
            return location.shown(cwd)

        print(render(changes, args.format, display), end="")
    return EXIT_BREAKING if any(c.breaking for c in changes) else EXIT_OK


def _configured_spec(cwd: Path, flag: str | None) -> Path:
    from ..config import load_config

    return load_config(cwd, {"spec": flag}).spec
