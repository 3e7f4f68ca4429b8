"""The generated models (`generated/llamacloud/models/`) against the seed pages and the spec.

Every JSON example of the seed reference pages parses, with each field of the right Python type;
class docstrings and field docstrings carry the spec's descriptions. The generator puts a field's
description in an attribute docstring (datamodel-code-generator's `use_field_description`), which
editors and `help()` show; it is not copied into `model_fields[...].description`.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import yaml
from llamacloud import models  # type: ignore[import-not-found, unused-ignore]
from llamacloud.models import (  # type: ignore[import-not-found, unused-ignore]
    BatchGetStatusResponse,
    BatchJob,
    BatchJobPage,
    BatchJobStatus,
    BatchJobType,
)

from generator.pipeline import load_api

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[1] / "spec" / "sources"
SCHEMA_FILES = (REPO / "spec" / "schemas" / "batch.yaml", REPO / "spec" / "schemas" / "errors.yaml")

# How many JSON examples each seed page holds (the command-line page, 002, shows its example twice).
EXAMPLES_PER_SEED = {"000": 1, "001": 1, "002": 2, "003": 1, "004": 1}

# The Python type of every BatchJob field once parsed (None aside): the Go and Java pages give the widths.
JOB_FIELD_TYPES: dict[str, type] = {
    "id": str,
    "job_type": BatchJobType,
    "project_id": str,
    "status": BatchJobStatus,
    "total_items": int,
    "completed_at": datetime,
    "created_at": datetime,
    "directory_id": str,
    "effective_at": datetime,
    "error_message": str,
    "failed_items": int,
    "job_record_id": str,
    "processed_items": int,
    "skipped_items": int,
    "started_at": datetime,
    "updated_at": datetime,
    "workflow_id": str,
}
REQUIRED_JOB_FIELDS = ("id", "job_type", "project_id", "status", "total_items")

_FENCED_JSON = re.compile(r"```json\s*(.*?)```", re.DOTALL)


def examples_in(text: str) -> list[Any]:
    """The ```json blocks of a page; on the command-line page, the bare JSON documents after the call."""
    fenced = _FENCED_JSON.findall(text)
    if fenced:
        return [json.loads(block) for block in fenced]
    decoder = json.JSONDecoder()
    found: list[Any] = []
    end = 0
    for match in re.finditer(r"^\{", text, re.MULTILINE):
        if match.start() >= end:
            value, end = decoder.raw_decode(text, match.start())
            found.append(value)
    return found


def seed_examples() -> dict[str, list[Any]]:
    return {path.name[:3]: examples_in(path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))}


EXAMPLES = [
    pytest.param(example, id=f"seed{seed}-{index}")
    for seed, examples in seed_examples().items()
    for index, example in enumerate(examples, start=1)
]


def test_every_seed_page_yields_its_json_examples() -> None:
    found = seed_examples()
    assert {seed: len(examples) for seed, examples in found.items()} == EXAMPLES_PER_SEED
    shapes = sorted({tuple(sorted(example)) for examples in found.values() for example in examples})
    assert shapes == [("items", "next_page_token", "total_size"), ("job", "progress_percentage")]


def check_job(job: Any, raw: dict[str, Any]) -> None:
    assert type(job) is BatchJob
    assert set(raw) == set(JOB_FIELD_TYPES)  # the seed example shows every field
    assert job.model_fields_set == set(raw)
    assert job.model_extra == {}  # nothing fell through to the extra="allow" bucket
    for name, value in raw.items():
        actual = getattr(job, name)
        wanted = JOB_FIELD_TYPES[name]
        assert type(actual) is wanted, (name, actual)
        if wanted is datetime:
            assert isinstance(actual, datetime)
            assert actual.tzinfo is not None, name
            assert actual.utcoffset() == timedelta(0), name
            assert actual == datetime.fromisoformat(value), name
        elif wanted in (BatchJobType, BatchJobStatus):
            assert actual is wanted(value), name  # a declared member, not an open-enum stand-in
            assert actual == value
            assert actual.value == value
        else:
            assert type(value) is wanted, name  # the JSON itself has the type (no coercion from str)
            assert actual == value, name


@pytest.mark.parametrize("example", EXAMPLES)
def test_seed_example_parses_with_every_field_typed(example: dict[str, Any]) -> None:
    text = json.dumps(example)
    if "job" in example:
        status = BatchGetStatusResponse.model_validate_json(text)
        assert type(status) is BatchGetStatusResponse
        assert status.model_extra == {}
        check_job(status.job, example["job"])
        assert type(status.progress_percentage) is float
        assert status.progress_percentage == example["progress_percentage"]
        # What a model dumps, it parses back to the same value.
        assert BatchGetStatusResponse.model_validate_json(status.model_dump_json()) == status
    else:
        page = BatchJobPage.model_validate_json(text)
        assert type(page) is BatchJobPage
        assert page.model_extra == {}
        assert type(page.items) is list
        assert len(page.items) == len(example["items"]) == 1
        for item, raw in zip(page.items, example["items"], strict=True):
            check_job(item, raw)
        assert type(page.next_page_token) is str
        assert page.next_page_token == example["next_page_token"]
        assert type(page.total_size) is int
        assert page.total_size == example["total_size"]
        assert BatchJobPage.model_validate_json(page.model_dump_json()) == page


def test_field_annotations_follow_the_spec_types() -> None:
    fields = BatchJob.model_fields
    assert list(fields) == list(JOB_FIELD_TYPES)  # spec order
    for name, wanted in JOB_FIELD_TYPES.items():
        if name in REQUIRED_JOB_FIELDS:
            assert (fields[name].annotation, fields[name].is_required()) == (wanted, True), name
        else:
            assert (fields[name].annotation, fields[name].is_required()) == (wanted | None, False), name
            assert fields[name].default is None, name
    status = BatchGetStatusResponse.model_fields
    assert {n: (f.annotation, f.is_required()) for n, f in status.items()} == {
        "job": (BatchJob, True),
        "progress_percentage": (float, True),
    }
    page = BatchJobPage.model_fields
    assert {n: (f.annotation, f.is_required()) for n, f in page.items()} == {
        "items": (list[BatchJob], True),
        "next_page_token": (str | None, False),
        "total_size": (int | None, False),
    }


def _spec_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for path in SCHEMA_FILES:
        schemas.update(yaml.safe_load(path.read_text(encoding="utf-8")))
    return schemas


def test_enums_list_the_spec_values_as_members_equal_to_the_strings() -> None:
    schemas = _spec_schemas()
    enums: list[type[StrEnum]] = [BatchJobType, BatchJobStatus]
    for enum in enums:
        values = schemas[enum.__name__]["enum"]
        assert [member.value for member in enum] == values
        assert [member.name for member in enum] == [value.upper() for value in values]
        assert [str(member) for member in enum] == values
        assert all(isinstance(member, str) and member == member.value for member in enum)
    assert BatchJobStatus("completed") is BatchJobStatus.COMPLETED
    extract: str = BatchJobType.EXTRACT
    assert extract == "extract"


def _attribute_docstrings() -> dict[str, dict[str, str | None]]:
    """Class -> field -> the string literal right after the field's annotated assignment, if any."""
    found: dict[str, dict[str, str | None]] = {}
    modules = sorted(Path(models.__file__).parent.glob("_*.py"))
    for node in (node for path in modules for node in ast.parse(path.read_text(encoding="utf-8")).body):
        if not isinstance(node, ast.ClassDef):
            continue
        fields: dict[str, str | None] = {}
        for statement, following in zip(node.body, [*node.body[1:], None], strict=True):
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                doc = None
                if (
                    isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)
                ):
                    doc = inspect.cleandoc(following.value.value)
                fields[statement.target.id] = doc
        found[node.name] = fields
    return found


def test_docstrings_carry_the_spec_descriptions() -> None:
    """Every model class, component schemas and hoisted inline ones alike, as the IR names them."""
    assert inspect.cleandoc(BatchJob.__doc__ or "") == "Response schema for a batch processing job."
    documented = _attribute_docstrings()
    api, _ = load_api(REPO / "spec" / "openapi.yaml", "llamacloud")
    schemas = api.schemas
    assert sorted(schemas) == sorted(documented)
    for name, schema in schemas.items():
        cls = getattr(models, name)
        description = schema.get("description")
        assert (inspect.cleandoc(cls.__doc__) if cls.__doc__ else None) == description, name
        if schema.get("type") == "object":
            properties = schema.get("properties") or {}
            expected = {prop: value.get("description") for prop, value in properties.items()}
            assert documented[name] == expected, name
            assert list(cls.model_fields) == list(expected), name
    # A $ref's own description wins over the referenced schema's.
    assert documented["BatchJob"]["job_type"] == "Type of processing operation (parse or classify)"
    assert inspect.cleandoc(BatchJobType.__doc__ or "") == "Type of processing operation."
