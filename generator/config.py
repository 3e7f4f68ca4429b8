"""Build settings: `[tool.generator]` in pyproject.toml, overridden by command-line flags."""

from __future__ import annotations

import keyword
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, Origin, SpecError

DEFAULTS = {"spec": "spec/openapi.yaml", "out": "generated", "package": "client"}


@dataclass(frozen=True)
class BuildConfig:
    spec: Path
    out: Path
    package: str
    check: bool = False
    allow_remote_refs: bool = False
    strict: bool = False  # every warning is an error
    overlays: tuple[Path, ...] = ()  # OpenAPI Overlay documents applied to the spec, in order

    @property
    def target(self) -> Path:
        return self.out / self.package


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(
    cwd: Path,
    *,
    spec: str | None,
    out: str | None,
    package: str | None,
    check: bool,
    allow_remote_refs: bool,
    strict: bool | None = None,
    overlays: list[str] | None = None,
) -> BuildConfig:
    """The settings of a build: each flag given wins over `[tool.generator]`, which wins over the defaults."""
    settings: dict[str, object] = {}
    base = cwd
    pyproject = find_pyproject(cwd)
    if pyproject is not None:
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SpecError([Diagnostic(f"cannot read {pyproject}: {exc}", Origin(pyproject))]) from None
        settings = data.get("tool", {}).get("generator", {})
        base = pyproject.parent

    def pick(flag: str | None, key: str) -> tuple[str, Path]:
        if flag is not None:
            return flag, cwd
        value = settings.get(key, DEFAULTS[key])
        if not isinstance(value, str):
            raise SpecError([Diagnostic(f"[tool.generator] {key} must be a string", Origin(pyproject or cwd))])
        return value, base

    spec_value, spec_base = pick(spec, "spec")
    out_value, out_base = pick(out, "out")
    package_value, _ = pick(package, "package")
    problem = package_name_problem(package_value)
    if problem is not None:
        raise SpecError([Diagnostic(f"package name {package_value!r} {problem}", hint="e.g. `my_api`")])
    where = Origin(pyproject or cwd)
    if strict is None:
        configured = settings.get("strict", False)
        if not isinstance(configured, bool):
            raise SpecError([Diagnostic("[tool.generator] strict must be true or false", where)])
        strict = configured
    if overlays is not None:
        overlay_paths = tuple((cwd / o).resolve() for o in overlays)
    else:
        listed = settings.get("overlays", [])
        if not isinstance(listed, list) or not all(isinstance(o, str) for o in listed):
            raise SpecError(
                [Diagnostic("[tool.generator] overlays must be a list of file paths", where, 'e.g. ["fixes.yaml"]')]
            )
        overlay_paths = tuple((base / o).resolve() for o in listed)
    return BuildConfig(
        spec=(spec_base / spec_value).resolve(),
        out=(out_base / out_value).resolve(),
        package=package_value,
        check=check,
        allow_remote_refs=allow_remote_refs,
        strict=strict,
        overlays=overlay_paths,
    )


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
