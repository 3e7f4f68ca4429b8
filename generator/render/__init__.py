"""The render stage: IR -> source text of every file of the package (models, client modules, the
runtime, the command line and the docs), before formatting.

The exports load on first use: the pipeline imports the models worker before it knows whether the
build cache answers, and neither that check nor the worker's fork should wait on jinja2.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cli_tables import CLI_RESERVED_FLAGS, cli_command, cli_options
    from .package import render_package

__all__ = ["CLI_RESERVED_FLAGS", "cli_command", "cli_options", "render_package"]
_HOMES = {
    "CLI_RESERVED_FLAGS": "cli_tables",
    "cli_command": "cli_tables",
    "cli_options": "cli_tables",
    "render_package": "package",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value
