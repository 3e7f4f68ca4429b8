"""Shapes of real specs the models once refused data for, or typed so that mypy refused them, as
fixtures (`discord_style`, `box_style`, `inheritance_style`): their committed packages (built,
imported and type-checked by tests/test_golden.py) parse what the schemas admit, the specs' own
examples first, and hand unions over as their members.

- Discord writes a component's type as a one-value `enum` beside an `allOf` to an enum of titled
  constants: the field is that constant (`Literal[2]`), which tells a row's buttons from its selects.
- Box writes a union as an object with a `oneOf`, the same union inline (titled like the component),
  fields as an `allOf` of a reference and annotations, a map of a union of values with an example,
  nullable components and an array with `items` but no `type`.
- GitHub and Cloudflare derive events and envelopes with `allOf`: members of a discriminated union
  inheriting their tag from a base that types it as an enum, children re-describing a property,
  "one of these must be present" unions of `required` lists.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pydantic
import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from conftest import Flavour
from support.fixtures import fixture_package, run
from support.instances import Schemas, component_classes, load_document
from support.round_trip import Case, round_trips
from support.server import Reply, TestServer
from support.spec_examples import examples

FIXTURES = ("discord_style", "box_style", "inheritance_style")


def models(name: str) -> Any:
    return fixture_package(name, "models")


@pytest.mark.parametrize("name", FIXTURES)
def test_the_specs_examples_round_trip(name: str, tmp_path: Path) -> None:
    """Each example its schema accepts is parsed by what the package parses it with (a model, a
    response's parser) and dumped back unchanged."""
    spec = goldens.fixture_spec(name)
    document = load_document(spec)
    schemas = Schemas(document)
    found = examples(document, component_classes(spec))
    assert not [e.where for e in found if schemas.problems(e.value, e.schema)]  # the fixtures' examples are right
    cases = [Case(e.where, e.target, [e.value]) for e in found if e.target is not None]
    assert len(cases) >= 3
    package = goldens.fixture_expected(name)
    assert round_trips(package.parent, name, cases, tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", FIXTURES)
def test_values_drawn_from_every_schema_round_trip(name: str, tmp_path: Path) -> None:
    spec = goldens.fixture_spec(name)
    schemas = Schemas(load_document(spec))
    classes = component_classes(spec)
    drawn = schemas.draw_components(list(schemas.components), 5, seed=0)
    assert all(drawn.values())
    cases = [Case(n, {"class": classes[n], "path": [], "nullable": schemas.admits_null(n)}, drawn[n]) for n in drawn]
    package = goldens.fixture_expected(name)
    assert round_trips(package.parent, name, cases, tmp_path) == []


# -- Discord -----------------------------------------------------------------------------------
def test_a_one_value_enum_beside_an_allof_is_that_constant() -> None:
    m = models("discord_style")
    hints = typing.get_type_hints(m.Button)
    assert hints["type"] == typing.Literal[2]
    assert m.ActionRow.model_validate({"type": 1, "components": []}).type == 1
    with pytest.raises(pydantic.ValidationError):
        m.ActionRow.model_validate({"type": 2, "components": []})


def test_the_constants_tell_the_members_of_a_row_apart() -> None:
    m = models("discord_style")
    row = m.ActionRow.model_validate(
        {"type": 1, "components": [{"type": 3, "custom_id": "c", "options": []}, {"type": 2, "style": 1}]}
    )
    assert [type(c) for c in row.components] == [m.StringSelect, m.Button]


def test_an_enum_of_titled_constants_is_open_and_named_by_its_titles() -> None:
    m = models("discord_style")
    assert m.MessageComponentTypes.BUTTON == 2 and m.ButtonStyleTypes.LINK == 5
    button = m.Button.model_validate({"type": 2, "style": 4})  # a style the spec does not list yet
    assert button.style == 4 and button.model_dump(mode="json", exclude_unset=True) == {"type": 2, "style": 4}


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_message_with_buttons_and_selects_parses(server: TestServer, flavour: Flavour) -> None:
    m = models("discord_style")
    example = load_document(goldens.fixture_spec("discord_style"))["paths"][
        "/channels/{channel_id}/messages/{message_id}"
    ]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    server.enqueue(Reply(200, body=example))
    message = run(flavour, "discord_style", server, lambda c: c.messages.get("2202", "1101"))
    first, second = message.components
    assert [type(c) for c in first.components] == [m.Button, m.Button]
    assert type(second.components[0]) is m.StringSelect
    assert second.components[0].options[1].default is True


# -- Box -----------------------------------------------------------------------------------------
def test_an_object_with_a_one_of_is_a_discriminated_union_of_its_members() -> None:
    m = models("box_style")
    value = m.Item.__value__
    assert typing.get_origin(value) is typing.Annotated
    kind, field = typing.get_args(value)
    assert kind == m.FileFull | m.FolderMini | m.WebLink and field.discriminator == "type"


def test_the_same_union_inline_is_the_component() -> None:
    m = models("box_style")
    assert typing.get_type_hints(m.Items)["entries"] == list[m.Item] | None  # type: ignore[name-defined]
    page = m.Items.model_validate({"entries": [{"type": "web_link", "id": "1"}, {"type": "file", "id": "2"}]})
    assert [type(e) for e in page.entries] == [m.WebLink, m.FileFull]
    assert page.entries[1].id == "2"  # the member itself: no `.root`


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_union_response_is_its_member(server: TestServer, flavour: Flavour) -> None:
    m = models("box_style")
    server.enqueue(Reply(200, body={"type": "folder", "id": "12", "name": "Contracts"}))
    item = run(flavour, "box_style", server, lambda c: c.items.get("12"))
    assert type(item) is m.FolderMini and item.name == "Contracts"


def test_a_map_of_a_union_with_an_example_keeps_every_member() -> None:
    m = models("box_style")
    filters = {"category": "online", "value": 3.5, "tags": ["a", "b"], "range": {"gt": 10}}
    parsed = m.MetadataFilter.model_validate({"filters": filters})
    assert parsed.model_dump(mode="json", exclude_unset=True) == {"filters": filters}
    assert type(parsed.filters["range"]) is m.MetadataFieldFilterFloatRange


def test_a_nullable_component_is_nullable_where_it_is_used() -> None:
    m = models("box_style")
    assert pydantic.TypeAdapter(m.FileBase | None).validate_python(None) is None
    item = pydantic.TypeAdapter(m.Item).validate_python({"type": "file", "id": "1", "parent": None})
    assert item.parent is None


def test_items_without_a_type_take_an_array_and_other_values() -> None:
    m = models("box_style")
    assert m.Items.model_validate({"order": [{"by": "name"}]}).order[0].by == "name"
    assert m.Items.model_validate({"order": None}).order is None
    assert m.Items.model_validate({"order": "name"}).order == "name"


# -- GitHub, Cloudflare ------------------------------------------------------------------------
def test_a_member_inheriting_an_enum_tag_is_one_flat_class_of_its_value() -> None:
    m = models("inheritance_style")
    assert m.IssuesClosed.__mro__[1] is pydantic.BaseModel  # no base whose `action` it would narrow
    assert typing.get_type_hints(m.IssuesClosed)["action"] == typing.Literal["closed"]
    event = pydantic.TypeAdapter(m.Event).validate_python({"action": "labeled", "issue": {"number": 1, "state": "o"}})
    assert type(event) is m.IssuesLabeled


def test_a_child_re_describing_a_property_keeps_its_type() -> None:
    m = models("inheritance_style")
    assert typing.get_type_hints(m.IssuesClosed)["sender"] == m.SimpleUser | None


def test_unions_of_required_lists_leave_one_class_with_every_property() -> None:
    m = models("inheritance_style")
    contact = m.ZoneContact.model_validate({"phone": "+33", "name": "ops"})
    assert (contact.email, contact.phone, contact.name) == (None, "+33", "ops")
    assert issubclass(m.ZoneContact, m.Contact)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_an_envelope_narrowed_by_its_response_parses(server: TestServer, flavour: Flavour) -> None:
    m = models("inheritance_style")
    body = {"success": True, "errors": [], "messages": [], "result": {"id": "z1", "name": "example.com"}}
    server.enqueue(Reply(200, body=body))
    zone = run(flavour, "inheritance_style", server, lambda c: c.zones.get("z1"))
    assert type(zone.result) is m.Zone and zone.result.name == "example.com"


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_an_inline_discriminated_response_picks_its_member_by_the_tag(server: TestServer, flavour: Flavour) -> None:
    m = models("inheritance_style")
    server.enqueue(Reply(200, body={"petType": "dog"}), Reply(200, body={"petType": "cat", "name": "Tom"}))
    dog, cat = run(flavour, "inheritance_style", server, lambda c: [c.pets.get("1"), c.pets.get("2")])
    assert (type(dog), type(cat)) == (m.Dog, m.Cat)  # by the tag alone, where the fields say nothing
