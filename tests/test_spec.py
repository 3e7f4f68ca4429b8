"""The spec under ``spec/`` is valid OpenAPI 3.1 and faithful to the seed reference pages.

Facts (field names and order, descriptions, enums, optionality, parameter locations, example
bodies) are parsed from ``spec/sources/*.txt`` at test time, so the tests fail when the spec
drifts from the seeds. Widths come from the Go (003) and Java (001) pages, as the seed README says.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "openapi.yaml"
SEEDS = Path(__file__).resolve().parents[1] / "spec" / "sources"

GET_STATUS = "/api/v1/beta/batch-processing/{job_id}"
LIST = "/api/v1/beta/batch-processing"
SEED_ENDPOINT = {"000": GET_STATUS, "001": GET_STATUS, "002": GET_STATUS, "003": GET_STATUS, "004": LIST}
# The HTTP reference page of each endpoint: the one that gives parameter locations and descriptions.
HTTP_SEED = {GET_STATUS: "000", LIST: "004"}

GO_TYPES = {"int64": ("integer", "int64"), "float64": ("number", "double"), "Time": ("string", "date-time")}
JAVA_TYPES = {"long": ("integer", "int64"), "double": ("number", "double")}


# --- the spec ----------------------------------------------------------------------------------


@functools.cache
def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as stream:  # a stream, so YAML errors name the file
        return yaml.safe_load(stream)


_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "default", "deprecated", "$comment"})


def resolve(node: Any, base: Path) -> Any:
    """Inline every ``file#/pointer`` $ref under ``node``, read relative to the referring file ``base``.

    Annotation siblings of a $ref (e.g. a property's own description) override the target's; any
    other sibling keeps the 2020-12 meaning (both apply) via ``allOf``.
    """
    if isinstance(node, list):
        return [resolve(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" not in node:
        return {key: resolve(value, base) for key, value in node.items()}
    file_part, _, pointer = node["$ref"].partition("#")
    target_file = (base.parent / unquote(file_part)).resolve() if file_part else base
    target: Any = load_yaml(target_file)
    for token in filter(None, pointer.split("/")):
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        target = target[int(token)] if isinstance(target, list) else target[token]
    resolved = resolve(target, target_file)
    siblings = {key: resolve(value, base) for key, value in node.items() if key != "$ref"}
    if set(siblings) <= _ANNOTATIONS:
        return {**resolved, **siblings}
    return {**siblings, "allOf": [resolved]}


def resolved_spec() -> dict[str, Any]:
    spec = resolve(load_yaml(SPEC), SPEC)
    assert isinstance(spec, dict)
    return spec


def operation(path: str) -> dict[str, Any]:
    op: dict[str, Any] = resolved_spec()["paths"][path]["get"]
    return op


def ok_media(path: str) -> dict[str, Any]:
    media: dict[str, Any] = operation(path)["responses"]["200"]["content"]["application/json"]
    return media


def job_schema(path: str) -> dict[str, Any]:
    """The schema of one batch job inside the 200 response of ``path``."""
    props = ok_media(path)["schema"]["properties"]
    job: dict[str, Any] = props["job"] if path == GET_STATUS else props["items"]["items"]
    return job


def non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The single non-null branch of a (possibly ``anyOf [X, null]``) schema."""
    branches = [b for b in schema.get("anyOf", [schema]) if b.get("type") != "null"]
    assert len(branches) == 1, f"expected exactly one non-null branch in {schema}"
    branch: dict[str, Any] = branches[0]
    return branch


def type_format(schema: dict[str, Any]) -> tuple[Any, Any]:
    branch = non_null(schema)
    return branch.get("type"), branch.get("format")


def find_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in find_refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in find_refs(item)]
    return []


def strict_json(value: Any) -> str:
    """Order- and type-sensitive rendering (0 != 0.0, True != 1, a YAML datetime != a string)."""
    return json.dumps(value, default=lambda obj: f"<{type(obj).__name__} {obj!r}>")


# --- the seeds ---------------------------------------------------------------------------------


def seed_text(prefix: str) -> str:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert len(matches) == 1, f"expected one seed {prefix}_*.txt in {SEEDS}, found {matches}"
    return matches[0].read_text(encoding="utf-8")


_DECODER = json.JSONDecoder()


def _json_at_next_brace(text: str, start: int) -> Any:
    value, _ = _DECODER.raw_decode(text, text.index("{", start))
    return value


def seed_examples(prefix: str) -> list[Any]:
    """Every JSON example of a seed page: ```json fences, or (CLI page) the JSON after the call."""
    text = seed_text(prefix)
    if prefix != "002":
        return [json.loads(block) for block in re.findall(r"```json\s*(.*?)```", text, re.DOTALL)]
    call = re.search(r"^llamacloud-prod beta:batch get-status \\\n(?:[ \t]+.*\\\n)*[ \t]+.*\n", text, re.M)
    assert call, "CLI call not found in seed 002"
    examples = [_json_at_next_brace(text, call.end())]
    returns = text.find("Returns Examples")
    if returns != -1:
        examples.append(_json_at_next_brace(text, returns))
    return examples


def seed_endpoint(prefix: str) -> str:
    found = re.search(r"(?:\*\*get\*\* `|^GET)(/api/v1/[^`\s]*)", seed_text(prefix), re.M)
    assert found, f"no GET endpoint line in seed {prefix}"
    return found.group(1)


@dataclass
class Bullet:
    """One ``- `head``` item of a markdown reference page, with its prose and nested items."""

    head: str
    indent: int
    text: list[str] = field(default_factory=list)
    children: list[Bullet] = field(default_factory=list)

    @property
    def description(self) -> str | None:
        return " ".join(self.text) or None

    @property
    def quoted_values(self) -> list[str]:
        return [m.group(1) for c in self.children if (m := re.search(r'"([^"]*)"\s*\)?$', c.head))]


def sections(text: str) -> dict[str, list[Bullet]]:
    """Bullet trees of a markdown page, keyed by heading (``Path Parameters``, ``Returns``, ...)."""
    lines: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("#"):
            current = line.lstrip("#").strip()
        lines.setdefault(current, []).append(line)
    return {name: parse_bullets(body) for name, body in lines.items()}


def parse_bullets(lines: list[str]) -> list[Bullet]:
    roots: list[Bullet] = []
    stack: list[Bullet] = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        while stack and stack[-1].indent >= indent:
            stack.pop()
        item = re.fullmatch(r"- `(.*)`", line.strip())
        if item:
            bullet = Bullet(item.group(1), indent)
            (stack[-1].children if stack else roots).append(bullet)
            stack.append(bullet)
        elif stack:
            stack[-1].text.append(line.strip())
    return roots


@dataclass(frozen=True)
class SeedField:
    name: str
    optional: bool
    type: str
    description: str | None
    enum: list[str] | None
    children: list[Bullet]


def seed_field(bullet: Bullet) -> SeedField:
    m = re.fullmatch(r"(\w+): (optional )?(.*)", bullet.head)
    assert m, f"unexpected field line {bullet.head!r}"
    enum = bullet.quoted_values if m.group(3).startswith('"') else None
    assert enum is None or enum, f"enum {m.group(1)} lists no values"
    return SeedField(m.group(1), bool(m.group(2)), m.group(3), bullet.description, enum, bullet.children)


def http_returns(path: str) -> list[SeedField]:
    return [seed_field(b) for b in sections(seed_text(HTTP_SEED[path]))["Returns"]]


def http_job_fields(path: str) -> tuple[SeedField, list[SeedField]]:
    """The job (get) / items (list) envelope field of the HTTP page and its nested job fields."""
    envelope = http_returns(path)[0]
    return envelope, [seed_field(b) for b in envelope.children if not b.head.startswith('"')]


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def go_returns() -> tuple[list[Bullet], list[Bullet]]:
    """(top-level response fields, job fields) of the Go page."""
    (response,) = sections(seed_text("003"))["Returns"]
    job = next(b for b in response.children if b.head.startswith("Job "))
    return response.children, job.children


def assert_compatible(seed_type: str, schema: dict[str, Any], where: str) -> None:
    """The HTTP page's loose type (string, number, enum, object, array) matches the spec's."""
    kind, _ = type_format(schema)
    if seed_type.startswith('"') or seed_type == "string":
        assert kind == "string", where
    elif seed_type == "number":
        assert kind in ("integer", "number"), where
    elif seed_type.startswith("object"):
        assert kind == "object", where
    elif seed_type.startswith("array"):
        assert kind == "array", where
    else:
        pytest.fail(f"{where}: unknown seed type {seed_type!r}")


# --- 1. OpenAPI validity -----------------------------------------------------------------------


def test_spec_is_valid_openapi_31() -> None:
    spec = load_yaml(SPEC)
    assert str(spec["openapi"]).startswith("3.1."), spec["openapi"]
    validate(spec, base_uri=SPEC.as_uri(), cls=OpenAPIV31SpecValidator)


def test_bundled_spec_is_valid_openapi_31() -> None:
    """The same, with every file $ref inlined first.

    The validator checks the root document against the OpenAPI meta-schema but does not apply it to
    path items reached through a file $ref (a 200 response without ``description`` in
    paths/batch.yaml passes), so the split files are checked again as one bundled document.
    """
    validate(resolved_spec(), cls=OpenAPIV31SpecValidator)


def test_resolved_spec_is_self_contained() -> None:
    spec = resolved_spec()
    assert find_refs(spec) == []
    for path in (GET_STATUS, LIST):
        Draft202012Validator.check_schema(ok_media(path)["schema"])


DELETE = object()  # marks a required field to drop rather than overwrite


# --- 2. seed examples validate against the 200 schema ------------------------------------------


@pytest.mark.parametrize("prefix", sorted(SEED_ENDPOINT))
def test_seed_examples_validate(prefix: str) -> None:
    assert seed_endpoint(prefix) == SEED_ENDPOINT[prefix]
    examples = seed_examples(prefix)
    assert examples, f"no JSON example found in seed {prefix}"
    validator = Draft202012Validator(
        ok_media(SEED_ENDPOINT[prefix])["schema"], format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for example in examples:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example)]
        assert errors == [], f"seed {prefix} example does not validate"


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("completed_at", "yesterday"),  # format: date-time must be enforced
        ("status", "paused"),
        ("job_type", "PARSE"),
        ("total_items", 0.5),
        ("failed_items", "0"),
        ("id", None),
        ("project_id", DELETE),
    ],
)
@pytest.mark.parametrize("path", [GET_STATUS, LIST])
def test_schema_rejects_bad_jobs(path: str, key: str, bad: Any) -> None:
    """The 200 schemas are not vacuous: a broken job inside the seed example is rejected."""
    example = seed_examples(HTTP_SEED[path])[0]
    job = example["job"] if path == GET_STATUS else example["items"][0]
    if bad is DELETE:
        del job[key]
    else:
        job[key] = bad
    validator = Draft202012Validator(ok_media(path)["schema"], format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(example)), f"{path}: job with {key}={bad!r} was accepted"


# --- 3. the spec's embedded examples are the seeds' --------------------------------------------


@pytest.mark.parametrize("prefix", sorted(SEED_ENDPOINT))
def test_spec_example_equals_seed(prefix: str) -> None:
    spec_example = ok_media(SEED_ENDPOINT[prefix]).get("example")
    examples = seed_examples(prefix)
    assert examples
    for seed in examples:
        assert spec_example == seed
        assert strict_json(spec_example) == strict_json(seed)


# --- 4. faithfulness ---------------------------------------------------------------------------

LOCATIONS = {"Path Parameters": "path", "Query Parameters": "query", "Cookie Parameters": "cookie"}


def http_parameters(path: str) -> dict[tuple[str, str], SeedField]:
    pages = sections(seed_text(HTTP_SEED[path]))
    return {
        (param.name, location): param
        for heading, location in LOCATIONS.items()
        for param in map(seed_field, pages.get(heading, []))
    }


def test_seed_parameter_parsing() -> None:
    """Guards the seed parser itself against silently finding nothing."""
    get = {key: not p.optional for key, p in http_parameters(GET_STATUS).items()}
    assert get == {
        ("job_id", "path"): True,
        ("organization_id", "query"): False,
        ("project_id", "query"): False,
        ("session", "cookie"): False,
    }
    listed = {key: not p.optional for key, p in http_parameters(LIST).items()}
    query = ["directory_id", "job_type", "limit", "offset", "organization_id", "project_id", "status"]
    assert listed == {**{(name, "query"): False for name in query}, ("session", "cookie"): False}


@pytest.mark.parametrize("path", [GET_STATUS, LIST])
def test_seed_endpoint_parameters(path: str) -> None:
    expected = http_parameters(path)
    actual = {(p["name"], p["in"]): p for p in operation(path).get("parameters", [])}
    assert sorted(actual) == sorted(expected)
    for key, seed in expected.items():
        param = actual[key]
        assert param.get("required", False) is (not seed.optional), key
        if seed.description:
            assert param.get("description") == seed.description, key
        assert_compatible(seed.type, param["schema"], f"{path} parameter {key}")
        if seed.enum is not None:
            assert non_null(param["schema"]).get("enum") == seed.enum, key


def test_other_surfaces_name_only_spec_parameters() -> None:
    """Parameters named on the Java, CLI and Go pages exist on the get-status operation."""
    names = {p["name"] for p in operation(GET_STATUS)["parameters"]}
    java = seed_text("001").split("### Parameters", 1)[1].split("### Returns", 1)[0]
    java_names = {snake(n) for n in re.findall(r"- `Optional (\w+)`", java)}
    cli_names = {n.replace("-", "_") for n in re.findall(r"^--([\w-]+): ", seed_text("002"), re.M)}

    def leaves(bullets: list[Bullet]) -> list[str]:
        return [n for b in bullets for n in (leaves(b.children) if b.children else [b.head.split()[0]])]

    go_names = {snake(n) for n in leaves(sections(seed_text("003"))["Parameters"])}
    for surface, found in {"java": java_names, "cli": cli_names, "go": go_names}.items():
        assert found == {"job_id", "organization_id", "project_id"}, surface
        assert found <= names, surface


@pytest.mark.parametrize("path", [GET_STATUS, LIST])
def test_seed_endpoint_response_envelope(path: str) -> None:
    fields = http_returns(path)
    schema = ok_media(path)["schema"]
    assert list(schema["properties"]) == [f.name for f in fields]
    assert set(schema.get("required", [])) == {f.name for f in fields if not f.optional}
    for f in fields:
        prop = schema["properties"][f.name]
        assert_compatible(f.type, prop, f"{path} response field {f.name}")
        if f.description:
            assert prop.get("description") == f.description, f.name


@pytest.mark.parametrize("path", [GET_STATUS, LIST])
def test_seed_endpoint_job_fields(path: str) -> None:
    envelope, fields = http_job_fields(path)
    shown = re.search(r"\{ ([\w, ]+), (\d+) more \}", envelope.type)
    assert shown, envelope.type
    assert len(fields) == len(shown.group(1).split(", ")) + int(shown.group(2)) == 17
    schema = job_schema(path)
    assert list(schema["properties"]) == [f.name for f in fields]
    assert set(schema["required"]) == {f.name for f in fields if not f.optional}
    assert set(schema["required"]) == {"id", "job_type", "project_id", "status", "total_items"}
    for f in fields:
        prop = schema["properties"][f.name]
        assert_compatible(f.type, prop, f"{path} job field {f.name}")
        if f.description:
            assert prop.get("description") == f.description, f.name
        if f.enum is not None:
            assert non_null(prop).get("enum") == f.enum, f.name


@pytest.mark.parametrize("path", [GET_STATUS, LIST])
def test_widths_from_go_and_java(path: str) -> None:
    """Integer widths, floats and timestamps as the Go page (and the Java page) give them."""
    top, job = go_returns()
    go_job = {snake(b.head.split()[0]): b.head.split()[1] for b in job}
    assert list(go_job) == [f.name for f in http_job_fields(path)[1]]
    props = job_schema(path)["properties"]
    for name, go_type in go_job.items():
        assert type_format(props[name]) == GO_TYPES.get(go_type, ("string", None)), name
    assert {n for n, t in go_job.items() if t == "int64"} == {
        "total_items",
        "failed_items",
        "processed_items",
        "skipped_items",
    }
    java = {snake(n): t for t, n in re.findall(r"- `(long|double) (\w+)`", seed_text("001"))}
    assert java == {"total_items": "long", "progress_percentage": "double"}
    assert type_format(props["total_items"]) == JAVA_TYPES[java["total_items"]]
    if path == GET_STATUS:
        response = ok_media(path)["schema"]["properties"]
        go_top = {snake(b.head.split()[0]): b.head.split()[1] for b in top}
        assert type_format(response["progress_percentage"]) == GO_TYPES[go_top["progress_percentage"]]
        assert type_format(response["progress_percentage"]) == JAVA_TYPES[java["progress_percentage"]]


def test_enums_agree_across_surfaces() -> None:
    """The Go and Java pages list the same enum values as the HTTP page, which the spec uses."""
    _, job = go_returns()
    go_enums = {snake(b.head.split()[0]): b.quoted_values for b in job if b.children}
    http = {f.name: f.enum for f in http_job_fields(GET_STATUS)[1] if f.enum is not None}
    assert go_enums == http
    java = re.findall(r'- `[A-Z_]+\("([^"]*)"\)`', seed_text("001"))
    assert java == http["job_type"] + http["status"]
    props = job_schema(GET_STATUS)["properties"]
    components = resolved_spec()["components"]["schemas"]
    assert components["BatchJobType"]["enum"] == http["job_type"] == non_null(props["job_type"])["enum"]
    assert components["BatchJobStatus"]["enum"] == http["status"] == non_null(props["status"])["enum"]
