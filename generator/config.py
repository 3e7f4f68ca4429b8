"""Build settings: `[tool.generator]` in pyproject.toml, overridden by command-line flags.

Every setting the command line takes has a key of the same name here (`--allow-remote-refs` is
`allow-remote-refs`); a key that is none of them is an error naming the nearest known key.
"""

from __future__ import annotations

import difflib
import keyword
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import Diagnostic, Origin, SpecError

Kind = Literal["path", "paths", "name", "bool", "version", "class"]
# Key in [tool.generator] (and flag, with `--`) -> the kind of value it takes.
SETTINGS: dict[str, Kind] = {
    "spec": "path",  # the root spec file
    "out": "path",  # the folder that receives the package folder
    "package": "name",  # the package's name
    "overlays": "paths",  # OpenAPI Overlay documents applied to the spec, in order
    "strict": "bool",  # every warning is an error
    "allow-remote-refs": "bool",  # follow $refs to http(s) URLs
    "package-version": "version",  # the package's version; default: the spec's `info.version`
    "client-class": "class",  # the client class (and `Async` + it); default: `x-client.branded-name`
    "templates": "path",  # a folder of client templates that replace the built-in ones of the same name
    "custom": "path",  # a folder of your own code, copied into the package as `_custom/`
}
# The flag of a key, where it is not the key itself: one `--overlay FILE` per overlay, repeated.
FLAGS = {"overlays": "overlay"}
DEFAULTS: dict[str, str | bool | list[str] | None] = {
    "spec": "spec/openapi.yaml",
    "out": "generated",
    "package": "client",
    "overlays": [],
    "strict": False,
    "allow-remote-refs": False,
}
_EXPECTED = {
    "path": "a path (a string)",
    "paths": "a list of paths (strings)",
    "name": "a string",
    "bool": "true or false",
    "version": "a version string",
    "class": "a class name (a string)",
}


@dataclass(frozen=True)
class BuildConfig:
    spec: Path
    out: Path
    package: str
    check: bool = False
    allow_remote_refs: bool = False
    package_version: str | None = None
    client_class: str | None = None
    templates: Path | None = None
    custom: Path | None = None
    strict: bool = False  # every warning is an error
    overlays: tuple[Path, ...] = ()  # OpenAPI Overlay documents applied to the spec, in order
    project: Path | None = None  # the folder of the pyproject.toml read, else the working directory

    @property
    def target(self) -> Path:
        return self.out / self.package

    @property
    def location(self) -> str | None:
        """The package folder relative to the project (`generated/llamacloud`), None outside it."""
        if self.project is None:
            return None
        try:
            return self.target.resolve().relative_to(self.project.resolve()).as_posix()
        except ValueError:
            return None


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(cwd: Path, flags: Mapping[str, object], *, check: bool = False, isolated: bool = False) -> BuildConfig:
    """The settings of a build: a flag given (not None) wins over `[tool.generator]`, which wins over the
    defaults. `flags` maps keys of SETTINGS to the command line's values. `isolated`: no table is read
    (`--isolated`: a build of another spec inside a project, which must not inherit its settings)."""
    table = _Table({}, cwd) if isolated else _Table.read(cwd)
    values: dict[str, object] = {}
    for key, kind in SETTINGS.items():
        flag = flags.get(key)
        if flag is not None:
            values[key] = _checked(key, kind, flag, cwd, None, f"--{FLAGS.get(key, key)}")
        elif key in table.settings:
            values[key] = _checked(key, kind, table.settings[key], table.base, table, f"[tool.generator] {key}")
        elif DEFAULTS.get(key) is not None:
            values[key] = _checked(key, kind, DEFAULTS[key], table.base, None, key)
    return BuildConfig(
        spec=_path(values["spec"]),
        out=_path(values["out"]),
        package=str(values["package"]),
        check=check,
        allow_remote_refs=bool(values.get("allow-remote-refs")),
        strict=bool(values.get("strict")),
        overlays=_paths(values.get("overlays")),
        package_version=_text(values.get("package-version")),
        client_class=_text(values.get("client-class")),
        templates=_optional_path(values.get("templates")),
        custom=_optional_path(values.get("custom")),
        project=table.base,
    )


@dataclass(frozen=True)
class _Table:
    """`[tool.generator]` of the nearest pyproject.toml (empty without one), and where its keys stand."""

    settings: dict[str, object]
    base: Path  # relative paths in it are relative to this folder
    path: Path | None = None
    text: str = ""

    @classmethod
    def read(cls, cwd: Path) -> _Table:
        pyproject = find_pyproject(cwd)
        if pyproject is None:
            return cls({}, cwd)
        try:
            text = pyproject.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SpecError(
                [Diagnostic(f"cannot read {pyproject}: {exc}", Origin(pyproject), "fix the TOML syntax there")]
            ) from None
        tool = data.get("tool")
        settings = tool.get("generator", {}) if isinstance(tool, dict) else {}
        table = cls(settings if isinstance(settings, dict) else {}, pyproject.parent, pyproject, text)
        if not isinstance(settings, dict):
            raise SpecError([table.problem("", "[tool.generator] must be a table", "write it as `[tool.generator]`")])
        unknown = [key for key in settings if key not in SETTINGS]
        if unknown:
            raise SpecError([table.problem(key, f"unknown setting `{key}`", _did_you_mean(key)) for key in unknown])
        return table

    def problem(self, key: str, message: str, hint: str) -> Diagnostic:
        """A diagnostic at `key` of the table (its line in pyproject.toml), or at the table's header."""
        line, column = _toml_position(self.text, key)
        origin = Origin(self.path or self.base, "/tool/generator" + (f"/{key}" if key else ""))
        return Diagnostic(message, origin, hint, line, column)


def _did_you_mean(key: str) -> str:
    spelled = key.replace("_", "-").lower()
    close = difflib.get_close_matches(spelled, list(SETTINGS), n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return "the settings are " + ", ".join(f"`{k}`" for k in SETTINGS)


def _checked(key: str, kind: Kind, value: object, base: Path, table: _Table | None, name: str) -> object:
    """`value` checked against its kind; a path is made absolute against `base`."""

    def refuse(problem: str, hint: str) -> SpecError:
        if table is not None:
            return SpecError([table.problem(key, f"{name} {problem}", hint)])
        return SpecError([Diagnostic(f"{name} {problem}", None, hint)])

    if kind == "bool":
        if not isinstance(value, bool):
            raise refuse(f"must be {_EXPECTED[kind]}", f"write `{key} = true`")
        return value
    if kind == "paths":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise refuse(f"must be {_EXPECTED[kind]}", f'write `{key} = ["fixes.yaml"]`')
        return tuple((base / v).resolve() for v in value)
    if not isinstance(value, str) or not value:
        raise refuse(f"must be {_EXPECTED[kind]}", f'write `{key} = "..."`')
    if kind == "path":
        return (base / value).resolve()
    if kind == "name":
        problem = package_name_problem(value)
        if problem is not None:
            message = f"package name {value!r} {problem}"
            raise SpecError(
                [table.problem(key, message, "e.g. `my_api`") if table else Diagnostic(message, None, "e.g. `my_api`")]
            )
    elif kind == "version" and not _PEP440.fullmatch(value):
        raise refuse(f"{value!r} is not a version pip accepts", "e.g. `1.2.0`, `2.0.0rc1` (PEP 440)")
    elif kind == "class" and (not value.isidentifier() or not value.isascii() or keyword.iskeyword(value)):
        raise refuse(
            f"{value!r} is not a class name", "e.g. `Acme`: ASCII letters and digits, not starting with a digit"
        )
    return value


_PEP440 = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?")


def _toml_position(text: str, key: str) -> tuple[int | None, int | None]:
    """Line and column of `key = ...` inside `[tool.generator]` (of the table's header for no key)."""
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = re.fullmatch(r"\[\s*tool\s*\.\s*generator\s*\]", stripped.split("#", 1)[0].strip()) is not None
            if in_table and not key:
                return number, line.index("[") + 1
            continue
        if in_table and key and re.match(rf"""\s*(["']?){re.escape(key)}\1\s*=""", line):
            return number, len(line) - len(line.lstrip()) + 1
    return None, None


def _path(value: object) -> Path:
    assert isinstance(value, Path)
    return value


def _paths(value: object) -> tuple[Path, ...]:
    return value if isinstance(value, tuple) else ()


def _optional_path(value: object) -> Path | None:
    return value if isinstance(value, Path) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# Top-level modules the generated package imports: a package of the same name would shadow them.
RUNTIME_DEPENDENCIES = frozenset(
    {"httpx", "httpcore", "h11", "anyio", "sniffio", "certifi", "idna", "pydantic", "pydantic_core"}
    | {"annotated_types", "typing_extensions", "typing_inspection"}
)


def package_name_problem(name: str) -> str | None:
    """Why `name` cannot name the generated package, or None. It must be importable (`import name`)
    and installable (an ASCII distribution name), and must not shadow a module the package imports."""
    if not name.isidentifier():
        return "is not a valid Python identifier"
    if len(name) > 100:
        return "is longer than 100 characters"
    if not name.isascii():
        return "is not ASCII (a distribution name must be)"
    if keyword.iskeyword(name):
        return "is a Python keyword (`import " + name + "` would not parse)"
    if name in sys.stdlib_module_names or name in RUNTIME_DEPENDENCIES:
        return "is the name of a module the generated package imports, which it would shadow"
    return None
