"""The maintainer's own code (`[tool.generator] custom`): a folder copied into the package as `_custom/`,
untouched, and the mixins it defines, found by reading the code (never by importing it).

A class named `ClientMixin` (`AsyncClientMixin`) is inherited by the client (the async client), before
the runtime's base, so it may override the hooks `on_request` and `on_response`; a class named after a
resource class plus `Mixin` (`BetaBatchResourceMixin`, `AsyncBetaBatchResourceMixin`) is inherited by
that resource class, which gains its methods.
"""

from __future__ import annotations

import ast
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic, Origin, SpecError

PACKAGE = "_custom"  # the subpackage of the generated package holding the copy
CLIENT_MIXINS = ("ClientMixin", "AsyncClientMixin")
_SKIPPED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})
_INIT_DOCSTRING = '"""Code of the package\'s maintainers, copied from their folder by the generator."""\n'


@dataclass(frozen=True)
class CustomCode:
    folder: Path | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # path inside the folder -> bytes
    classes: dict[str, str] = field(default_factory=dict)  # top-level class -> its module, below `_custom`

    @classmethod
    def read(cls, folder: Path | None) -> CustomCode:
        """Every file of `folder` (caches and hidden files aside) and the classes its modules define."""
        if folder is None:
            return cls()
        if not folder.is_dir():
            raise SpecError(
                [Diagnostic(f"the custom code folder {folder} does not exist", Origin(folder), _FOLDER_HINT)]
            )
        files = {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder_files(folder)}
        classes: dict[str, str] = {}
        problems: list[Diagnostic] = []
        for relative, data in files.items():
            if relative.endswith(".py"):
                module = relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
                for name, line in _top_level_classes(folder / relative, data, problems):
                    if name in classes and _is_mixin_name(name):
                        problems.append(
                            Diagnostic(
                                f"{name} is defined in {classes[name]} too",
                                Origin(folder / relative),
                                "define each mixin once",
                                line,
                                1,
                            )
                        )
                    classes.setdefault(name, "" if module == "__init__" else module)
        if problems:
            raise SpecError(problems)
        return cls(folder, files, classes)

    def mixin(self, class_name: str) -> str | None:
        """The import of `class_name + "Mixin"` from the custom code (`._custom.mod`, relative to the
        package), or None when the custom code defines no such class."""
        module = self.classes.get(class_name + "Mixin")
        if module is None:
            return None
        return f"{PACKAGE}.{module}".rstrip(".")

    def imports(self, class_names: list[str], dots: str) -> str:
        """The import lines of the mixins of `class_names`, from a module `dots` deep in the package."""
        lines = []
        for name in class_names:
            module = self.mixin(name)
            if module is not None:
                lines.append(f"from {dots}{module} import {name}Mixin\n")
        return "".join(lines)

    def bases(self, class_name: str, before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> str:
        """The base classes of `class_name` in parentheses: its mixin, if any, between `before` and
        `after` (so it overrides what `after` defines); empty when there are none."""
        mixin = (f"{class_name}Mixin",) if self.mixin(class_name) is not None else ()
        names = (*before, *mixin, *after)
        return f"({', '.join(names)})" if names else ""

    def check_mixins(self, resource_classes: list[str]) -> None:
        """A `...ResourceMixin` that no resource class takes is a typo: an error naming the nearest one."""
        wanted = [f"{prefix}{name}Mixin" for name in resource_classes for prefix in ("", "Async")]
        problems = []
        for name, module in sorted(self.classes.items()):
            if name.endswith("ResourceMixin") and name not in wanted:
                close = difflib.get_close_matches(name, wanted, n=1)
                hint = f"did you mean `{close[0]}`?" if close else "name it after a resource class, plus `Mixin`"
                assert self.folder is not None
                path = self.folder / (module.replace(".", "/") or "__init__")
                problems.append(
                    Diagnostic(
                        f"{name} matches no resource class of the package", Origin(path.with_suffix(".py")), hint
                    )
                )
        if problems:
            raise SpecError(problems)

    def package_files(self, header: str) -> dict[str, bytes]:
        """The files the build writes under `_custom/`: the folder's, byte for byte, and an `__init__.py`
        with the generator's header when the folder has none."""
        if self.folder is None:
            return {}
        copied = {f"{PACKAGE}/{relative}": data for relative, data in self.files.items()}
        if "__init__.py" not in self.files:
            copied[f"{PACKAGE}/__init__.py"] = f"{header}\n{_INIT_DOCSTRING}".encode()
        return copied


_FOLDER_HINT = "create it, or point `custom` in [tool.generator] (or --custom) at the folder of your code"


def folder_files(folder: Path | None) -> list[Path]:
    """The files of `folder` in a stable order, caches and hidden files aside (none for no folder)."""
    found: list[Path] = []
    if folder is None or not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS and not d.startswith("."))
        found.extend(
            Path(dirpath) / name
            for name in sorted(filenames)
            if not name.startswith(".") and not name.endswith((".pyc", ".pyo"))
        )
    return found


def _is_mixin_name(name: str) -> bool:
    return name in CLIENT_MIXINS or name.endswith("ResourceMixin")


def _top_level_classes(path: Path, data: bytes, problems: list[Diagnostic]) -> list[tuple[str, int]]:
    try:
        tree = ast.parse(data, filename=str(path))
    except SyntaxError as exc:
        problems.append(
            Diagnostic(
                f"custom code does not parse: {exc.msg}",
                Origin(path),
                "fix the Python syntax there",
                exc.lineno,
                exc.offset,
            )
        )
        return []
    return [(node.name, node.lineno) for node in tree.body if isinstance(node, ast.ClassDef)]
