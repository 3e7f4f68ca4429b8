"""Schemas of large public specs that once gave models `mypy --strict` refuses, or the wrong class.

The `typing_edge` fixture holds one component per case; its committed package is compared byte for
byte, imported and type-checked by tests/test_golden.py. Here: each case parses what a server sends
into the type its annotation says, and the models stage refuses to build when the models library
names a class of its own like a schema: the schema keeps its name.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pydantic
import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml
from support.fixtures import fixture_package

from generator.render.models import ModelsRequest, render_models

SPEC: dict[str, Any] = yaml.safe_load(goldens.fixture_spec("typing_edge").read_text(encoding="utf-8"))
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]


def models() -> Any:
    return fixture_package("typing_edge", "models")


def annotation(model: str, field: str) -> str:
    """The annotation of `model.field` as written in the committed module of the class."""
    module = sys.modules[getattr(models(), model).__module__]
    source = Path(module.__file__ or "").read_text(encoding="utf-8")
    body = source.split(f"\nclass {model}(", 1)[1].split("\n\n\nclass ", 1)[0]
    found = re.search(rf"^    {field}: (.+?)(?: = .*)?$", body, re.MULTILINE)
    assert found is not None, f"{model}.{field} not in {module.__file__}"
    return found.group(1)


def test_an_id_or_object_union_keeps_the_component_its_name() -> None:
    # `customer` is a constrained string or the Customer object: the string is a plain `str`, and the
    # class named Customer is the component's.
    assert SCHEMAS["Charge"]["properties"]["customer"]["anyOf"][0]["maxLength"] == 5000
    assert annotation("Charge", "customer") == "str | Customer | None"
    charge = models().Charge.model_validate({"id": "ch_1", "customer": "cus_1"})
    assert charge.customer == "cus_1"
    expanded = models().Charge.model_validate({"id": "ch_1", "customer": {"id": "cus_1", "email": None}})
    assert isinstance(expanded.customer, models().Customer)
    assert expanded.customer.id == "cus_1"


def test_constraints_the_models_could_only_keep_by_wrapping_are_dropped() -> None:
    # Items, map values, union members and values of several types are plain values.
    assert annotation("Settings", "tags") == "list[str] | None"
    assert annotation("Settings", "labels") == "dict[str, str] | None"
    assert annotation("Settings", "code") == "str | int | None"
    assert annotation("Charge", "amount") == "int | str | None"
    settings = models().Settings.model_validate({"tags": ["x" * 60], "labels": {"a": "b"}, "code": "toolongcode"})
    assert settings.tags == ["x" * 60]  # longer than maxLength: the server's business, not the client's
    assert settings.labels == {"a": "b"}
    assert settings.code == "toolongcode"
    # On a field of its own, a constraint stays.
    assert annotation("Charge", "id") == "str"
    with pytest.raises(ValueError, match="5000"):
        models().Charge.model_validate({"id": "x" * 5001})


def test_a_union_default_lands_on_the_branch_it_fits() -> None:
    assert SCHEMAS["Temperature"]["default"] == "auto"
    # A union is an alias, not a class: the default is the field's, the value the member itself.
    assert models().Settings().temperature == "auto"
    assert models().Settings().top_p == "auto"
    assert models().Settings.model_validate({"temperature": 0.5}).temperature == 0.5


def test_a_null_default_the_type_does_not_allow_is_dropped() -> None:
    assert SCHEMAS["PageSize"]["default"] is None
    page_size = pydantic.TypeAdapter(models().PageSize)  # a constrained number, no class of its own
    assert page_size.validate_python(7) == 7
    with pytest.raises(ValueError):
        page_size.validate_python(None)  # a PageSize is a number
    with pytest.raises(ValueError):
        page_size.validate_python(0)  # its range holds where it is used
    assert models().Settings().limit is None  # the property is optional: absent is None


def test_a_child_narrowing_its_parents_fields_is_one_flat_class() -> None:
    event = models().CardEvent.model_validate({"object": "card_event", "type": "card", "last4": "4242"})
    assert event.type == "card"
    assert models().CardEvent.__mro__[1].__name__ == "BaseModel"
    with pytest.raises(ValueError):
        models().CardEvent.model_validate({"object": "event", "type": "card"})


def test_fields_that_several_bases_type_differently_take_the_nearest() -> None:
    assert annotation("Document", "version") == "str | None"  # Versioned comes after Named
    assert models().Document.model_validate({"version": "v2"}).version == "v2"


def test_untyped_arrays_and_an_enum_of_an_empty_array_are_lists_of_any() -> None:
    assert annotation("Settings", "sizes") == "list[Any] | None"
    assert annotation("Settings", "matrix") == "list[list[Any]] | None"
    assert annotation("Settings", "shape") == "list[Any] | None"
    settings = models().Settings.model_validate({"sizes": [1, "a"], "matrix": [[None]], "shape": []})
    assert (settings.sizes, settings.matrix, settings.shape) == ([1, "a"], [[None]], [])


def test_a_schema_name_taken_by_a_class_the_library_names_goes_back_to_the_schema() -> None:
    # Schemas that reach the models stage without the normalizer: the library makes the constrained
    # string of `customer` an alias it names after the property, `Customer`, and calls the
    # component `Customer1`; the component takes its name back, the wrapper the first free number.
    schemas = {
        "Charge": {
            "type": "object",
            "properties": {
                "customer": {"anyOf": [{"type": "string", "maxLength": 5}, {"$ref": "#/components/schemas/Customer"}]}
            },
        },
        "Customer": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    source = render_models(ModelsRequest("t", "1", schemas, frozenset()))
    assert render_models(ModelsRequest("t", "1", schemas, frozenset())) == source  # the same every run
    classes = dict(re.findall(r"^class (\w+)\((.*)\):$", source, re.MULTILINE))
    assert classes == {"Charge": "BaseModel", "Customer": "BaseModel"}
    assert 'Customer2 = TypeAliasType("Customer2", Annotated[str, Field(..., max_length=5)])' in source
    assert "    customer: Customer2 | Customer | None = None" in source
    assert source.split("class Customer(BaseModel):", 1)[1].count("id: str | None = None") == 1


def test_the_class_the_library_names_like_a_later_schema_steps_aside() -> None:
    # OpenAI's CreateRunRequest: `tool_choice` made a class the library named `ToolChoice` before
    # the component of that name was met.
    assert set(models().ToolChoice.model_fields) == {"id"}
    assert models().ToolChoice.model_validate({"id": "t-1"}).id == "t-1"
    run = models().RunRequest.model_validate({"tool_choice": "auto"})
    assert not isinstance(run.tool_choice, models().ToolChoice)
    assert annotation("RunRequest", "tool_choice") != "ToolChoice | None"


def test_a_models_failure_names_the_schema_where_the_spec_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Whatever the models library still refuses is an error at the schema it concerns (the worker is
    # forked from this process, so it fails the same way).
    import generator.render.models as models_stage
    from generator.cli import main

    def refuse(document: dict[str, Any], aliases: dict[str, str]) -> Any:
        raise models_stage.ModelsError("the models library refused #/components/schemas/Thing", ("Thing",))

    monkeypatch.setattr(models_stage, "library_models", refuse)
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    Thing:\n      type: object\n      properties: {id: {type: string}}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--spec", "openapi.yaml", "--out", "out", "--package", "pkg"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        "error: openapi.yaml:7:7 #/components/schemas/Thing: the models library refused #/components/schemas/Thing"
    )
    assert not (tmp_path / "out" / "pkg").exists()


def test_a_union_merges_its_literals_at_the_top_level_only() -> None:
    # Stripe's "a list of values, or an empty string to unset it": the list's own literals stay inside it.
    from generator.lower.typemap import union

    listed = "Sequence[Kind | Literal['ach_debit', 'card']]"
    assert union([listed, "Literal['']"]) == f"{listed} | Literal['']"
    assert union(["Literal[1]", "Literal[2] | None", "str"]) == "Literal[1, 2] | str | None"
    assert union(["Literal['a | [b', 'c']", "Literal['c', 'x]'] | None"]) == "Literal['a | [b', 'c', 'x]'] | None"
