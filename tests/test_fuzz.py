"""Fuzzing the generator with hypothesis (issue 5).

The property, for every spec drawn: `python -m generator build` either exits 0 and writes a
complete package that compiles, imports in a fresh interpreter (models rebuilt, both clients and
every resource built, every CLI `--help` rendered) and, for a sample, passes `mypy --strict`
(several packages per mypy run); or exits 2 with `error: ...` lines and nothing written. It never
exits otherwise, never prints a traceback, never leaves a partial package or a staging folder, and
a failed build leaves an existing package exactly as it was. The checks are in
tests/fuzz/harness.py.

The specs:
- `test_valid_specs`: random valid OpenAPI 3.0/3.1 documents (tests/fuzz/specs.py) as JSON or
  YAML. For these, exit 2 is accepted only for the documented refusals (a schema name without a
  letter or digit, a name empty after cleaning, two operations with one method name, a header or
  cookie name that is no HTTP token).
- `test_lenient_specs`: the same, with what real specs get wrong and the generator builds with a
  warning (`openapi_documents(lenient=True)`); each warning must be located.
- `test_spec_folder_mutations`: spec/openapi.yaml and the files it references, copied and broken
  (tests/fuzz/mutations.py): keys deleted, types changed, wrong-typed values, broken `$ref`s,
  duplicate operationIds, renamed path parameters, hostile text, YAML syntax, invalid UTF-8. Half
  the builds go over an existing package, which a failed build must leave untouched.
- `test_platform_mutations`: the same edits of tests/real_specs/llamacloud-platform.json (209
  operations; a build takes 3-4 s, so few examples).
- `test_package_names`: awkward `--package` names.

Running:
    .venv/bin/python -m pytest tests/test_fuzz.py        # CI: deterministic, under a minute
    FUZZ_EXAMPLES=300 .venv/bin/python -m pytest tests/test_fuzz.py -s -p no:cacheprovider -n 0

The tests run in parallel workers by default (`-n auto` in pyproject.toml), where `-s` shows
nothing: each worker writes its own log and summary (FUZZ_ARTIFACTS/gw0, gw1, ...). `-n 0` runs
them in one process, which prints the summary at the end.

Environment:
    FUZZ_EXAMPLES=N     N valid specs, N // 2 lenient ones, N mutations of spec/, N // 3 of the
                        platform spec, N // 10 package names (default: 5, 3, 5, 1, 4 in the
                        README's run, 25, 12, 25, 4 in the `big` group CI runs; plus one fixed
                        example each for the mutations).
    FUZZ_SEED=S         another reproducible sequence of examples (default: derandomized).
    FUZZ_ARTIFACTS=DIR  where the log (log.jsonl, summary.txt), failing specs (failures/) and the
                        mypy batch go (default: a pytest temporary folder); one folder per
                        parallel worker inside it.
    FUZZ_SURVEY=1       log and keep every failing case and go on (no shrinking); the tests fail
                        at the end if any case failed. For long runs that count every finding.
    FUZZ_STRICT=1       also fail on findings that keep the property (see harness.UNLOCATED).

What it found is in `FINDINGS` at the end of this file, each with its smallest spec, fixed.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from fuzz.harness import (
    REPO,
    Fuzzer,
    FuzzFailure,
    MypyBatch,
    cache_lock,
    persistent_mypy_cache,
    run_build,
    summary,
)
from fuzz.mutations import Corpus, Mutation, materialise, mutations, platform_corpus, spec_folder_corpus
from fuzz.specs import openapi_documents
from fuzz.text import INJECTED
from hypothesis import HealthCheck, Phase, example, given, seed, settings
from hypothesis import strategies as st
from support.shared import build_once, locked, main_spec, mypy_cache

from generator.yaml12 import Yaml12Loader

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)
LONG = EXAMPLES > 0


def depths(sample: int, more: int) -> list[Any]:
    """The number of examples of a fuzz test: a sample in the default run, more in the `big` group CI
    runs (the sample's examples first: the draws are derandomized), FUZZ_EXAMPLES in both if set."""
    return [
        pytest.param(sample, id="sample"),
        pytest.param(more, id="more", marks=pytest.mark.big),
    ]


VALID_EXAMPLES = depths(EXAMPLES or 3, EXAMPLES or 25)
LENIENT_EXAMPLES = depths(EXAMPLES // 2 or 2, EXAMPLES // 2 or 12)
SPEC_FOLDER_EXAMPLES = depths(EXAMPLES or 3, EXAMPLES or 25)
# The platform spec (209 operations) builds in seconds: its mutations run in the `big` group only.
PLATFORM_EXAMPLES = [pytest.param(max(EXAMPLES // 3, 4), id="more", marks=pytest.mark.big)]
PACKAGE_NAME_EXAMPLES = max(EXAMPLES // 10, 4)
SEED = os.environ.get("FUZZ_SEED")
SURVEY = os.environ.get("FUZZ_SURVEY") == "1"
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class Yaml12Dumper(_Dumper):  # type: ignore[misc, valid-type]
    """Quotes only what YAML 1.2 would not read back as the same string."""

    yaml_implicit_resolvers = Yaml12Loader.yaml_implicit_resolvers


def fuzzing(examples: int) -> Callable[[F], F]:
    """Hypothesis settings: deterministic (or FUZZ_SEED), no deadline, no example database."""
    configured = settings(
        max_examples=examples,
        deadline=None,
        derandomize=SEED is None,
        database=None,
        phases=[p for p in Phase if p is not Phase.shrink or not SURVEY],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )

    def decorate(test: F) -> F:
        test = configured(test)
        return seed(int(SEED))(test) if SEED is not None else test

    return decorate


@pytest.fixture(scope="session")
def fuzzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    given_dir = os.environ.get("FUZZ_ARTIFACTS")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not given_dir:
        artifacts = tmp_path_factory.mktemp("fuzz")
    else:  # each parallel worker keeps its own log and failures, in a folder of its own
        artifacts = Path(given_dir).resolve() / worker if worker else Path(given_dir).resolve()
    cache = persistent_mypy_cache()
    with locked(cache_lock(cache)):
        if not cache.exists():  # the first run in this environment starts from the dependencies analysed
            mypy_cache(tmp_path_factory, cache)
    fuzzer = Fuzzer(artifacts, mypy_every=4 if LONG else 2, mypy_cache=cache)
    yield fuzzer
    report = summary(artifacts / "log.jsonl")
    (artifacts / "summary.txt").write_text(report + "\n", encoding="utf-8")
    print(f"\nfuzz artifacts: {artifacts}\n{report}")


def checked(fuzzer: Fuzzer, run: Callable[[], object]) -> None:
    """Runs a hypothesis test, then the pending mypy batch; in survey mode, fails on anything logged."""
    failures: list[str] = []
    try:
        run()
    finally:
        failures += fuzzer.finish_mypy()
    failures += fuzzer.surveyed
    fuzzer.surveyed = []
    assert not failures, "\n\n".join(failures)


def check(fuzzer: Fuzzer, spec: Path, **options: Any) -> None:
    try:
        fuzzer.check(spec, **options)
    except FuzzFailure as exc:
        if not SURVEY:
            raise
        fuzzer.surveyed.append(str(exc).split("\n--- exit", 1)[0])


# -- valid specs ----------------------------------------------------------------------------------
def write_document(document: dict[str, Any], folder: Path, as_yaml: bool) -> Path:
    """The document as YAML 1.2 when it survives a round trip through it, else as JSON. Strings
    YAML 1.1 would misread (`on`, `2024-05-01`) are written plain: YAML 1.2 reads them as strings."""
    folder.mkdir(parents=True, exist_ok=True)
    if as_yaml:
        text = yaml.dump(document, Dumper=Yaml12Dumper, sort_keys=False, allow_unicode=True, width=100)
        try:
            same = yaml.load(text, Loader=Yaml12Loader) == document
        except yaml.YAMLError:
            same = False
        if same:
            path = folder / "openapi.yaml"
            path.write_text(text, encoding="utf-8")
            return path
    path = folder / "openapi.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.mark.slow
def test_strategy_draws_valid_openapi() -> None:
    """The documents of `test_valid_specs` are valid OpenAPI (openapi-spec-validator agrees)."""
    validator = pytest.importorskip("openapi_spec_validator")

    @fuzzing(3 if not LONG else 20)
    @given(document=openapi_documents(strict=True))
    def run(document: dict[str, Any]) -> None:
        kind = {
            "3.0": validator.OpenAPIV30SpecValidator,
            "3.1": validator.OpenAPIV31SpecValidator,
            "3.2": validator.OpenAPIV32SpecValidator,
        }[document["openapi"][:3]]
        try:
            errors = [str(e).splitlines()[0] for e in kind(document).iter_errors()]
        except RecursionError:  # the validator follows recursive schemas without end
            return
        assert not errors, errors

    run()


@pytest.mark.slow
@pytest.mark.parametrize("examples", VALID_EXAMPLES)
def test_valid_specs(fuzzer: Fuzzer, examples: int) -> None:
    @fuzzing(examples)
    @given(document=openapi_documents(), as_yaml=st.booleans())
    def run(document: dict[str, Any], as_yaml: bool) -> None:
        folder = fuzzer.scratch()
        try:
            spec = write_document(document, folder / "spec", as_yaml)
            check(fuzzer, spec, label="valid", valid=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    checked(fuzzer, run)


@pytest.mark.slow
@pytest.mark.parametrize("examples", LENIENT_EXAMPLES)
def test_lenient_specs(fuzzer: Fuzzer, examples: int) -> None:
    """Valid documents holding what real specs get wrong (`enum: []`, a path parameter without
    `required`, `x-methd`, ...): they build, every warning located."""

    @fuzzing(examples)
    @given(document=openapi_documents(lenient=True), as_yaml=st.booleans())
    def run(document: dict[str, Any], as_yaml: bool) -> None:
        folder = fuzzer.scratch()
        try:
            spec = write_document(document, folder / "spec", as_yaml)
            check(fuzzer, spec, label="lenient", valid=True, warned=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    checked(fuzzer, run)


# -- mutations of the real specs ----------------------------------------------------------------
_corpora: dict[str, Corpus] = {}


def corpus(name: str) -> Corpus:
    if name not in _corpora:
        _corpora[name] = spec_folder_corpus() if name == "spec" else platform_corpus()
    return _corpora[name]


@pytest.fixture(scope="session")
def seed_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built from spec/ as it is (the run's shared build): the `previous` package of half
    the mutated builds, copied, never changed."""
    build = build_once(tmp_path_factory, main_spec())
    assert build.returncode == 0, build.stderr
    return build.target


@pytest.mark.slow
@pytest.mark.parametrize("examples", SPEC_FOLDER_EXAMPLES)
def test_spec_folder_mutations(fuzzer: Fuzzer, seed_package: Path, examples: int) -> None:
    @fuzzing(examples)
    @given(edits=mutations(corpus("spec")), over_previous=st.booleans())
    @example(edits=[Mutation("inject", "openapi.yaml", ("info", "description"), INJECTED)], over_previous=True)
    def run(edits: list[Mutation], over_previous: bool) -> None:
        folder = fuzzer.scratch()
        try:
            spec, _ = materialise(corpus("spec"), edits, folder / "spec")
            previous = seed_package if over_previous else None
            check(fuzzer, spec, label="spec-mutation", valid=False, previous=previous)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    checked(fuzzer, run)


@pytest.mark.slow
@pytest.mark.parametrize("examples", PLATFORM_EXAMPLES)
def test_platform_mutations(fuzzer: Fuzzer, examples: int) -> None:
    @fuzzing(examples)
    @given(edits=mutations(corpus("platform"), max_size=2))
    # One build that succeeds, in every run: hostile text where every module repeats it.
    @example(edits=[Mutation("inject", "llamacloud-platform.json", ("info", "title"), INJECTED)])
    def run(edits: list[Mutation]) -> None:
        folder = fuzzer.scratch()
        try:
            spec, _ = materialise(corpus("platform"), edits, folder / "spec")
            # mypy over a 209-operation package takes a minute: only in long runs, and rarely.
            mypy = "sample" if LONG else "never"
            check(fuzzer, spec, label="platform-mutation", valid=False, package_prefix="fzplatform", mypy=mypy)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    checked(fuzzer, run)


# -- package names ------------------------------------------------------------------------------
PACKAGE_NAMES = (
    "client", "models", "resources", "_", "_private", "__init__", "café", "ünï", "Client",
    "x" * 120, "a1", "types_", "async_", "api", "Api", "fz_pkg",
)  # fmt: skip


def test_package_names(fuzzer: Fuzzer) -> None:
    """`--package` is any identifier: the package builds and imports by that name, or the build
    exits 2 saying why (a keyword, not ASCII, too long, or the name of a module it imports)."""
    spec_dir = REPO / "tests" / "fixtures" / "minimal"
    package_names = st.one_of(
        st.sampled_from(PACKAGE_NAMES),
        st.sampled_from(("class", "None", "json", "re", "httpx", "pydantic", "typing", "x" * 101)),
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True),
    )

    @fuzzing(PACKAGE_NAME_EXAMPLES)
    @given(name=package_names)
    def run(name: str) -> None:
        folder = fuzzer.scratch()
        try:
            shutil.copytree(spec_dir, folder / "spec", ignore=shutil.ignore_patterns("expected"))
            build = fuzzer.check(
                folder / "spec" / "spec.yaml", label="package-name", valid=True, package=name, mypy="never"
            )
            if build.code == 0:
                compile(f"import {name}", "<package name>", "exec")
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    checked(fuzzer, run)


# -- what the fuzzer found ---------------------------------------------------------------------------------
def _spec(**fields: Any) -> dict[str, Any]:
    """A small valid document: one GET unless `paths` is given."""
    document: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": _get()}
    return document | fields


def _get(**operation: Any) -> dict[str, Any]:
    return {"/a": {"get": {"operationId": "get_a", "responses": {"200": {"description": "ok"}}, **operation}}}


def _query(schema: dict[str, Any]) -> dict[str, Any]:
    return _get(parameters=[{"name": "q", "in": "query", "schema": schema}])


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties or {"a": {"type": "string"}}}


def _schemas(**schemas: Any) -> dict[str, Any]:
    return {"schemas": schemas}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _tagged(value: str) -> dict[str, Any]:
    return {"type": "object", "required": ["Ⅸ"], "properties": {"Ⅸ": {"type": "string", "enum": [value]}}}


@dataclass(frozen=True)
class Finding:
    """A bug this fuzzer found, as its smallest spec: it builds (and passes mypy --strict) now, or,
    when the spec is what is wrong, exits 2 with an error saying so."""

    id: str
    what: str  # the bug as found, and the fix
    document: dict[str, Any]
    package: str = "fzbug"
    error: str | None = None  # the message of the expected exit 2; None: the build succeeds


POST_SELF_ARRAY = {
    "/a": {
        "post": {
            "operationId": "post_a",
            "requestBody": {"content": {"application/json": {"schema": _ref("A")}}},
            "responses": {"204": {"description": "done"}},
        }
    }
}
FINDINGS = (
    Finding(
        "BUG-1",
        "no operations: `_client.py` had an empty `if TYPE_CHECKING:` block (exit 2, 'a generator bug')",
        _spec(paths={}),
    ),
    Finding(
        "BUG-2",
        "a schema named `1st`: the models library renamed the class (exit 2); now `Model1st`",
        _spec(components=_schemas(**{"1st": _object()})),
    ),
    Finding(
        "BUG-3",
        "a tag of 260 characters: `reference/<tag>.md` was too long a file name; module names are bounded",
        _spec(paths=_get(tags=["a" * 260])),
    ),
    Finding(
        "BUG-4",
        "an enum value holding U+2028: models.py split at it (str.splitlines) and broke the literal",
        _spec(components=_schemas(E={"type": "string", "enum": ["a\u2028b", "c\x85d\x1ce"]})),
    ),
    Finding(
        "BUG-5a",
        "x-client branded-name `0` gave `class 0(...)`",
        _spec(**{"x-client": {"branded-name": "0"}}),
        error="x-client branded-name '0' gives no usable class name",
    ),
    Finding(
        "BUG-5b",
        "x-client branded-name `AsyncClient` replaced the export of that name",
        _spec(**{"x-client": {"branded-name": "AsyncClient"}}),
        error="which clashes with another name the package exports",
    ),
    Finding(
        "BUG-6",
        "a schema named `OpenStrEnum` beside an enum redefined the runtime's enum base; now `OpenStrEnumModel`",
        _spec(components=_schemas(OpenStrEnum=_object(k=_ref("Kind")), Kind={"type": "string", "enum": ["x"]})),
    ),
    Finding(
        "BUG-7",
        "a schema named `BaseModel` (Field, RootModel, UUID, None...): renamed by the library (exit 2)",
        _spec(components=_schemas(BaseModel=_object(), Field=_object(), none=_object())),
    ),
    Finding(
        "BUG-8",
        "`A: {type: array, items: {$ref: A}}` as a body: RecursionError in the reference docs, and "
        '`RootModel[list]` from the models library (mypy); now an alias of `"list[A]"`',
        _spec(paths=POST_SELF_ARRAY, components=_schemas(A={"type": "array", "items": _ref("A")})),
    ),
    Finding(
        "BUG-9",
        "a resource named `close` (timeout, with_options...) replaced the client's attribute; now `close_`",
        _spec(paths=_get(tags=["close"])),
    ),
    Finding(
        "BUG-10",
        "an enum value with a newline: argparse's usage formatter failed on `--help`",
        _spec(paths=_query({"type": "string", "enum": ["a\nb", "c d", "[e]"]})),
    ),
    Finding(
        "BUG-12",
        'a default on a date (date-time, uuid...) string: `d: date | None = "2024-05-01"` failed mypy; '
        "now validated into a date, and a default that is no date is dropped",
        _spec(
            components=_schemas(
                M=_object(
                    d={"type": "string", "format": "date", "default": "2024-05-01"},
                    bad={"type": "string", "format": "date-time", "default": "soon"},
                    u={"type": "string", "format": "uuid", "default": "00000000-0000-0000-0000-000000000001"},
                    days={"type": "array", "items": {"type": "string", "format": "date"}, "default": ["2024-05-01"]},
                )
            )
        ),
    ),
    Finding(
        "BUG-13",
        "an integer enum value beyond int64 in a parameter: `Literal[100000000000000000000]` failed mypy",
        _spec(paths=_query({"type": "integer", "enum": [10**20, 1]})),
    ),
    Finding(
        "BUG-14",
        "a property named `Field` beside an aliased one: the library imported `Field as Field_aliased` "
        "and a root model still called `Field(...)`: NameError on import",
        _spec(
            components=_schemas(
                M=_object(Field={"type": "string"}, **{"a-b": {"type": "string"}}),
                R={"type": "number", "minimum": 1.5},
            )
        ),
    ),
    Finding(
        "BUG-15",
        "a discriminator property `Ⅸ`: Python reads the field `field_Ⅸ` as `field_IX`; the discriminator "
        "named the other; properties Python would rename (NFKC) get a field name of their own",
        _spec(
            components=_schemas(
                U={"oneOf": [_ref("A"), _ref("B")], "discriminator": {"propertyName": "Ⅸ"}},
                A=_tagged("a"),
                B=_tagged("b"),
            )
        ),
    ),
    Finding(
        "BUG-16",
        "`anyOf: [{type: [string, 'null']}, {type: 'null'}]`: TypeError (unhashable list), a traceback",
        _spec(components=_schemas(A=_object(x={"anyOf": [{"type": ["string", "null"]}, {"type": "null"}]}))),
    ),
    Finding(
        "BUG-17",
        "an alias cycle (`A: {$ref: B}`, `B: {$ref: A}`) used by a parameter: RecursionError, a traceback",
        _spec(paths=_query(_ref("A")), components=_schemas(A=_ref("B"), B=_ref("A"))),
        error="schema refers to itself with no object or array in between",
    ),
    Finding(
        "BUG-17b",
        "`A: {anyOf: [{$ref: A}, {type: string}]}`",
        _spec(components=_schemas(A={"anyOf": [_ref("A"), {"type": "string"}]})),
        error="schema refers to itself with no object or array in between: A -> A",
    ),
    Finding(
        "BUG-18",
        "`type` written as a mapping (`type: {x: 1}`): TypeError (unhashable dict), a traceback",
        _spec(paths=_query({"type": {"x": 1}})),
        error="`type` must be a type name or a list of them",
    ),
    Finding(
        "BUG-18b",
        "a property with `type: [{}]`: TypeError in the schema normaliser, a traceback",
        _spec(components=_schemas(A=_object(x={"type": [{}]}))),
        error="`type` must be a type name or a list of them",
    ),
    Finding(
        "BUG-19",
        "SECURITY: x-client api-key-env was written unescaped into a docstring: spec text ran on import",
        _spec(**{"x-client": {"api-key-env": 'X"""\n    raise RuntimeError("spec text ran as code")\n    """'}}),
        error="is not an environment variable name",
    ),
    Finding(
        "BUG-20",
        "a schema named `NotImplemented` referenced before its class: pydantic took the builtin",
        _spec(components=_schemas(A=_object(x=_ref("NotImplemented")), NotImplemented=_object(a=_ref("A")))),
    ),
    Finding(
        "BUG-21",
        "an allOf part giving a parent's property another type (`boolean` there, `integer` here): the "
        "subclass field overrode its base incompatibly (mypy); now one flat class, the nearest part winning",
        _spec(
            components=_schemas(
                P=_object(**{"1st": {"type": "boolean"}}),
                C={"allOf": [_ref("P"), _object(**{"1st": {"type": "integer"}})]},
                Q=_object(inner={"allOf": [_ref("Q"), _object(x={"type": "integer"}, inner={"type": "string"})]}),
            )
        ),
    ),
    Finding(
        "BUG-21b",
        "the same with two wire names that make one field (`foo$bar` there, `foo@bar` here: `foo_bar`)",
        _spec(
            components=_schemas(
                P=_object(**{"foo$bar": {"type": "boolean"}}),
                C={"allOf": [_ref("P"), _object(**{"foo@bar": {"type": "integer"}})]},
            )
        ),
    ),
    Finding(
        "BUG-23",
        "a method named like a sub-resource (`files.upload()` beside `files.upload.go()`): one attribute "
        "for both; the package failed mypy (found reading the fuzzer's `x-resource` cases, not by it)",
        _spec(
            paths={
                "/a": {
                    "get": {"x-resource": "files", "x-method": "upload", "responses": {"200": {"description": "ok"}}}
                },
                "/b": {
                    "get": {"x-resource": "files.upload", "x-method": "go", "responses": {"200": {"description": "ok"}}}
                },
            }
        ),
        error="the method `files.upload()` has the name of the resource `files.upload`",
    ),
    Finding(
        "BUG-24",
        "an array whose items are a union holding the array itself (`A: array of (A or null)`), or an "
        "array of arrays of itself: the models library typed it a bare `list` (mypy); the items now "
        "get a class of their own",
        _spec(
            components=_schemas(
                A={"type": "array", "items": {"anyOf": [_ref("A"), {"type": "null"}]}},
                B={"type": "array", "items": {"type": "array", "items": _ref("B")}},
            )
        ),
    ),
    Finding(
        "BUG-25",
        'a default that does not fit its schema (`"yes"` for a boolean, a value outside the enum, a '
        'number for a string): `b: bool | None = "yes"` failed mypy; such defaults are dropped',
        _spec(
            components=_schemas(
                E={"type": "string", "enum": ["a", "b"]},
                M=_object(
                    b={"type": "boolean", "default": "yes"},
                    e={"allOf": [_ref("E")], "default": "zzz"},
                    s={"type": "string", "default": 5},
                    items={"type": "array", "items": {"type": "integer"}, "default": "a"},
                    kept={"type": "integer", "default": 3},
                ),
            )
        ),
    ),
    Finding(
        "BUG-26",
        "a property named `Config`: pydantic refuses a `Config` attribute beside `model_config`; the "
        "models did not import. Now the field `Config_`, its wire name the alias",
        _spec(components=_schemas(M=_object(Config={"type": "number", "minimum": 0.5, "default": 1.5}))),
    ),
    Finding(
        "BUG-27",
        "a property named `int` (not of type int) before a field typed `int`: the field shadowed the "
        "builtin in the class body, and mypy read the later `int` as the field. Builtin type names "
        "now get a field name of their own",
        _spec(
            components=_schemas(
                M={**_object(int={"type": "array", "items": _ref("Code")}, n={"type": "integer"}), "required": ["int"]},
                Code={"type": "string", "pattern": "^[a-z]+$"},
            )
        ),
    ),
    Finding(
        "BUG-22",
        "a keyword holding the wrong kind of value (`minimum: '0'`): the models library failed behind "
        "exit 2 with no location; now checked where it stands",
        _spec(components=_schemas(A=_object(x={"type": "integer", "minimum": "0"}))),
        error="#/components/schemas/A/properties/x/minimum: `minimum` must be a number, not '0'",
    ),
    Finding(
        "BUG-22b",
        "the same in a request body's inline schema (`properties: []`)",
        _spec(
            paths={
                "/a": {
                    "post": {
                        "operationId": "post_a",
                        "requestBody": {"content": {"application/json": {"schema": {"properties": []}}}},
                        "responses": {"204": {"description": "done"}},
                    }
                }
            }
        ),
        error="`properties` must be a mapping of schemas, not []",
    ),
    Finding("BUG-11a", "--package None (a keyword) failed late", _spec(), "None", "is a Python keyword"),
    Finding("BUG-11b", "--package _1 made the client class `1`; now `Api1`", _spec(), "_1"),
    Finding("BUG-11f", "--package none made the client class `None`; now `NoneApi`", _spec(), "none"),
    Finding(
        "BUG-11c",
        "--package json shadowed the module the package imports",
        _spec(),
        "json",
        "the name of a module the generated package imports",
    ),
    Finding("BUG-11d", "--package class built a package nobody can import", _spec(), "class", "is a Python keyword"),
    Finding("BUG-11e", "--package café: not a distribution name (TOML and PEP 508)", _spec(), "café", "is not ASCII"),
)


@pytest.mark.slow
def test_findings(fuzzer: Fuzzer) -> None:
    """Each bug the fuzzer found stays fixed: the spec builds, imports, runs and type-checks, or
    the build exits 2 with the error that names the problem. The packages that build share one
    `mypy --strict` run (a package name taken twice gets a number for it)."""
    batch = MypyBatch(fuzzer.scratch() / "mypy", fuzzer.mypy_cache)
    failures: list[str] = []
    taken: set[str] = set()
    for finding in FINDINGS:
        folder = fuzzer.scratch()
        package = finding.package if finding.package not in taken else f"{finding.package}{len(taken)}"
        taken.add(package)
        try:
            spec = write_document(finding.document, folder / "spec", as_yaml=False)
            valid = finding.error is None
            try:
                build = fuzzer.check(
                    spec, label=finding.id, valid=valid, package=package, mypy="always", mypy_batch=batch
                )
            except FuzzFailure as exc:
                failures.append(f"{finding.id} ({finding.what}): {exc}")
                continue
            if valid and build.code != 0:
                failures.append(f"{finding.id}: exit {build.code}\n{build.stderr}")
            elif valid:
                compile(f"import {package}", "<package name>", "exec")
            elif build.code != 2 or str(finding.error) not in build.stderr:
                failures.append(f"{finding.id}: expected exit 2 saying {finding.error!r}\n{build.stdout}{build.stderr}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    batch.run()
    assert not failures + batch.failures, "\n\n".join(failures + batch.failures)


def test_json_with_characters_yaml_refuses_keeps_line_and_column(tmp_path: Path) -> None:
    """Found by this fuzzer: positions in a JSON spec come from YAML's composer, which refuses DEL
    and C1 control characters that JSON allows and reads NEL and U+2028 as line breaks; the errors
    of such a spec had no line:col."""
    document = _spec(info={"title": "t\x7f\x9f\x85\u2028", "version": "1"}, components=_schemas(__=_object()))
    spec = tmp_path / "spec" / "openapi.json"
    spec.parent.mkdir()
    spec.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    build = run_build(spec, tmp_path / "out", "fzjson")
    assert build.code == 2, build.stderr
    assert f"error: {spec}:21:13 #/components/schemas/__: schema name '__' has no letters" in build.stderr


def test_defaults_are_typed_or_dropped(tmp_path: Path) -> None:
    """What BUG-12 and BUG-25 leave in the models: a date default is a `date`, a fitting default is
    kept, one that does not fit its schema is gone."""
    date_default = {"type": "string", "format": "date", "default": "2024-05-01"}
    document = _spec(
        components=_schemas(
            M=_object(
                d=date_default,
                days={"type": "array", "items": {"type": "string", "format": "date"}, "default": ["2024-05-02"]},
                bad_date={**date_default, "default": "tomorrow"},
                b={"type": "boolean", "default": "yes"},
                kept={"type": "integer", "default": 3},
            )
        )
    )
    spec = tmp_path / "spec" / "openapi.json"
    spec.parent.mkdir()
    spec.write_text(json.dumps(document), encoding="utf-8")
    build = run_build(spec, tmp_path / "out", "fzdefaults")
    assert build.code == 0, build.stderr
    check = "import datetime, fzdefaults.models as m; x = m.M(); print(repr((x.d, x.days, x.bad_date, x.b, x.kept)))"
    done = subprocess.run([sys.executable, "-c", check], cwd=tmp_path / "out", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    expected = (datetime.date(2024, 5, 1), [datetime.date(2024, 5, 2)], None, None, 3)
    assert done.stdout.strip() == repr(expected)


def test_an_error_about_a_name_holding_line_breaks_stays_on_one_line(tmp_path: Path) -> None:
    """Found by this fuzzer: a path `/{not\\n}` printed its line break raw, in the pointer and in the
    message, so one error took several lines (and looked unlocated). They are shown escaped."""
    paths = {"/a/{not\n\x85}": _get()["/a"]}
    spec = tmp_path / "spec" / "openapi.json"
    spec.parent.mkdir()
    spec.write_text(json.dumps(_spec(paths=paths), ensure_ascii=False, indent=2), encoding="utf-8")
    build = run_build(spec, tmp_path / "out", "fzlines")
    assert build.code == 2, build.stderr
    lines = build.stderr.splitlines()
    assert lines[-1].endswith("nothing was written.")
    assert all(line.startswith(("error: ", "  hint: ")) for line in lines[:-1]), lines
    escaped = "{not\\n\\x85}"
    assert f"error: {spec}:7:12 #/paths/~1a~1{escaped}/get/parameters: path template '/a/{escaped}'" in lines[0]
