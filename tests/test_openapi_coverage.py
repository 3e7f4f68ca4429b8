"""OpenAPI coverage (issue 4): each construct of OpenAPI 3.0/3.1 as the generated client sees it.

One golden fixture per group of constructs (`tests/fixtures/<name>/spec.yaml`, its output committed
under `expected/` and checked byte for byte, imported and type-checked by tests/test_golden.py):

    oas30        nullable: true everywhere, boolean exclusive bounds, nullable enums (inline, component)
    oas31        type arrays, anyOf with null, const, $ref with sibling keywords, numeric exclusive bounds
    composition  allOf, oneOf with a discriminator mapping / implicit discriminator, anyOf, recursion
    maps_enums   additionalProperties (typed, model, free-form), enums, defaults, readOnly/writeOnly,
                 deprecated
    inline       inline schemas hoisted under stable, readable names
    params       path/query/header/cookie parameters, path-level overrides, arrays and objects in query
    bodies       JSON, multipart, form-urlencoded, binary and text bodies; several media types
    responses    models, arrays, primitives, 204, binary, text, several success codes, typed errors

Here the committed packages are imported: the tests read the annotations and fields the generator
chose, then drive each client against the loopback TestServer and check the exact request and the
parsed result. An `xfail(strict=True)` marks behaviour the runtime does not have yet, with the
reason; it turns into a failure the day it starts working, so the marker gets removed.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import inspect
import json
import sys
import types
import typing
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from types import ModuleType
from typing import Any, Literal, Union, get_args, get_origin

import pydantic
import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.server import RecordedRequest, Reply, TestServer

COVERAGE_FIXTURES = ("oas30", "oas31", "composition", "maps_enums", "inline", "params", "bodies", "responses")
for _name in COVERAGE_FIXTURES:
    _root = str(goldens.fixture_expected(_name).parent)
    if _root not in sys.path:
        sys.path.insert(0, _root)

API_KEY = "cov-key-0123456789"
Flavour = Literal["sync", "async"]

# The credentials of each fixture's client: `bodies` uses HTTP basic auth, the others a key.
CREDENTIALS: dict[str, dict[str, str]] = {"bodies": {"username": "user", "password": "pass"}}

# Reasons of the expected failures, each a gap of the runtime or of a part owned elsewhere.
BODY_CONTENT_TYPE = "the request body's media type is not passed to the runtime, so no Content-Type is sent"
OPTIONAL_BODY = "an optional JSON body left at `omit` reaches json.dumps (TypeError)"
ACCEPT = "the runtime always sends `Accept: application/json`, even for a binary download"


def package(name: str) -> ModuleType:
    return importlib.import_module(name)


def models(name: str) -> ModuleType:
    return importlib.import_module(f"{name}.models")


def client(name: str, server: TestServer, **options: Any) -> Any:
    credentials = CREDENTIALS.get(name, {"api_key": API_KEY})
    options = {**credentials, "base_url": server.url, "max_retries": 0, **options}
    return package(name).Client(**options)


def call(flavour: Flavour, name: str, server: TestServer, action: Callable[[Any], Any]) -> Any:
    """`action(client)` with the sync or the async client of fixture `name`; its (awaited) result."""
    options = {**CREDENTIALS.get(name, {"api_key": API_KEY}), "base_url": server.url, "max_retries": 0}

    async def main() -> Any:
        if flavour == "sync":
            with package(name).Client(**options) as sync_client:
                result = action(sync_client)
                return await result if inspect.isawaitable(result) else result
        async with package(name).AsyncClient(**options) as async_client:
            result = action(async_client)
            return await result if inspect.isawaitable(result) else result

    return asyncio.run(main())


def only_request(server: TestServer) -> RecordedRequest:
    (request,) = server.requests
    return request


def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def members(annotation: Any) -> set[Any]:
    """The members of a union annotation (a plain type is a union of one)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return set(get_args(annotation))
    return {annotation}


def alias_of(alias: Any) -> tuple[Any, str | None]:
    """The type a models alias (`Shape = TypeAliasType("Shape", ...)`) stands for, and its discriminator."""
    value = alias.__value__
    if get_origin(value) is not typing.Annotated:
        return value, None
    kind, *metadata = typing.get_args(value)
    return kind, next((m.discriminator for m in metadata if getattr(m, "discriminator", None)), None)


def list_of(item: Any) -> Any:
    """`list[item]` for a class known only at run time."""
    return types.GenericAlias(list, (item,))


def dict_of(key: Any, value: Any) -> Any:
    return types.GenericAlias(dict, (key, value))


def method_hints(name: str, resource: str, method: str) -> dict[str, Any]:
    return _resource_hints(name, resource)[method]


def _resource_hints(name: str, resource: str) -> dict[str, dict[str, Any]]:
    """Method -> its resolved annotations, for the sync resource class of `resource`."""
    module = importlib.import_module(f"{name}.resources.{resource}")
    cls = next(v for k, v in vars(module).items() if k.endswith("Resource") and not k.startswith("Async"))
    # The runtime's aliases (`Headers`) hold forward references to names of `_types`.
    namespace = {**vars(importlib.import_module(f"{name}._runtime._types")), **vars(module)}
    return {
        k: typing.get_type_hints(v, globalns=namespace)
        for k, v in vars(cls).items()
        if inspect.isfunction(v) and not k.startswith("_")
    }


def json_reply(value: Any, status: int = 200) -> Reply:
    """A reply whose body is `value` as JSON, strings included (a plain `str` body is sent as text)."""
    return Reply(status, headers={"Content-Type": "application/json"}, body=json.dumps(value).encode())


def field_docstring(cls: type, field: str) -> str:
    """The attribute docstring after `field` in the class source (how the generator documents fields)."""
    source = inspect.getsource(cls)
    after = source.split(f"\n    {field}:", 1)[1]
    lines = after.split("\n")[1:]
    if not lines or lines[0].strip() != '"""':
        return ""
    return "\n".join(lines[1 : lines.index('    """', 1)]).strip()


def multipart_parts(request: RecordedRequest) -> list[Message]:
    head = f"Content-Type: {request.header('Content-Type')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return list(message.iter_parts())


# -- oas30 -------------------------------------------------------------------------------------
def test_oas30_nullable_fields_become_optional_types() -> None:
    m = models("oas30")
    got = hints(m.Reading)
    assert got["value"] is float and got["ratio"] is float
    assert members(got["count"]) == {int, type(None)}
    assert members(got["label"]) == {str, type(None)}
    assert members(got["tags"]) == {list[str], type(None)}
    assert members(got["unit"]) == {m.Unit, type(None)}  # allOf [$ref] + nullable
    assert members(got["sensor"]) == {m.Sensor, type(None)}
    assert members(got["mood"]) == {m.Mood, type(None)}  # a reference to a nullable enum component
    assert members(got["quality"]) == {m.ReadingQuality, type(None)}  # an inline nullable enum, hoisted
    assert members(got["extra"]) == {m.ReadingExtra, type(None)}  # an inline nullable object, hoisted
    # Required-and-nullable stays required: null is a value, absence is an error.
    assert m.Reading.model_fields["label"].is_required()
    assert not m.Reading.model_fields["count"].is_required()
    # The enums lost their null member and stay open (unknown values are kept, not refused).
    assert [e.value for e in m.Mood] == ["calm", "noisy"]
    assert [e.value for e in m.ReadingQuality] == ["good", "bad"]
    assert m.Mood("sleepy") == "sleepy"


def test_oas30_boolean_exclusive_bounds_become_strict_bounds() -> None:
    reading = models("oas30").Reading
    base = {"ratio": 0.5, "label": None, "unit": None, "sensor": None}
    for value in (0.001, 99.9):
        assert reading.model_validate({**base, "value": value}).value == value
    for value in (0, 100):
        with pytest.raises(pydantic.ValidationError):
            reading.model_validate({**base, "value": value})
    for ratio in (0, 1):  # `exclusiveMinimum: false` keeps the bound inclusive
        assert reading.model_validate({**base, "value": 1, "ratio": ratio}).ratio == ratio
    with pytest.raises(pydantic.ValidationError):
        reading.model_validate({**base, "value": 1, "count": 1})  # integer, exclusive minimum 1
    assert reading.model_validate({**base, "value": 1, "count": 2}).count == 2


def test_oas30_wire_nulls_in_body_and_query(server: TestServer) -> None:
    m = models("oas30")
    reply = {"value": 5, "ratio": 1, "label": None, "unit": "kelvin", "sensor": {"id": "s1"}, "mood": None}
    server.enqueue(Reply(200, body=reply), Reply(200, body=reply))
    with client("oas30", server) as c:
        created = c.readings.create(value=5, ratio=1, label=None, unit=None, sensor=None, mood="calm")
        fetched = c.readings.get(7, unit=None, mood="noisy")
    post, get = server.requests
    assert (post.method, post.path) == ("POST", "/readings")
    assert post.header("Content-Type") == "application/json"
    assert post.json() == {
        "value": 5,
        "ratio": 1,
        "label": None,
        "unit": None,
        "sensor": None,
        "mood": "calm",
    }
    assert post.header("Authorization") == f"Bearer {API_KEY}"
    assert (get.method, get.path, get.query_params) == ("GET", "/readings/7", [("mood", "noisy")])
    for result in (created, fetched):
        assert type(result) is m.Reading
        assert result.unit is m.Unit.KELVIN and result.sensor == m.Sensor(id="s1") and result.mood is None


# -- oas31 -------------------------------------------------------------------------------------
def test_oas31_type_arrays_any_of_null_const_and_ref_siblings() -> None:
    m = models("oas31")
    got = hints(m.Item)
    assert got["kind"] == Literal["item"]  # const without a type
    assert members(got["version"]) == {Literal[2], type(None)}  # const with a type, optional
    assert members(got["name"]) == {str, type(None)}  # type: [string, 'null']
    assert members(got["score"]) == {float, type(None)}  # anyOf [number, null] keeps its bounds
    assert members(got["code"]) == {str, int}  # type: [string, integer]
    assert members(got["owner"]) == {m.Owner, type(None)}  # anyOf [$ref, null]
    assert members(got["previous_owner"]) == {m.Owner, type(None)}  # $ref + description, optional
    assert members(got["aliases"]) == {list[str], type(None)}
    assert members(got["metadata"]) == {dict[str, str], type(None)}
    assert members(got["settings"]) == {m.ItemSettings, type(None)}  # inline object in anyOf, hoisted
    assert field_docstring(m.Item, "previous_owner") == "A $ref with a sibling description, allowed in 3.1."
    assert field_docstring(m.Item, "owner") == "The owner, when known (a $ref beside other keywords)."
    assert m.Item.model_fields["aliases"].examples == [["a", "b"]]
    valid = {"kind": "item", "name": None, "score": None, "code": 7, "owner": None}
    assert m.Item.model_validate(valid).code == 7
    for bad in ({"kind": "other"}, {"score": 0}, {"score": 10}, {"name": "x" * 21}, {"version": 3}):
        with pytest.raises(pydantic.ValidationError):
            m.Item.model_validate({**valid, **bad})


def test_oas31_fastapi_names_and_wire(server: TestServer) -> None:
    m = models("oas31")
    item = {"kind": "item", "name": "n", "score": 2.5, "code": "c", "owner": {"name": "o"}}
    server.enqueue(Reply(200, body=item), Reply(200, body=item), Reply(200, body=item))
    with client("oas31", server) as c:
        assert c.items.get("a b/c", limit=None).owner == m.Owner(name="o")
        c.items.get("x", limit=5)
        c.items.replace("x", kind="item", name=None, score=None, code=1, owner=None)
    first, second, put = server.requests
    assert (first.path, first.query) == ("/items/a%20b%2Fc", "")  # None is not sent in a query
    assert second.query_params == [("limit", "5")]
    assert (put.method, put.path) == ("PUT", "/items/x")
    assert put.json() == {"kind": "item", "name": None, "score": None, "code": 1, "owner": None}


# -- composition -------------------------------------------------------------------------------
def test_composition_all_of_is_inheritance() -> None:
    m = models("composition")
    assert issubclass(m.Animal, m.Named) and issubclass(m.Cat, m.Animal) and issubclass(m.Dog, m.Animal)
    assert set(m.Cat.model_fields) == {"name", "legs", "pet_type", "indoor"}
    assert m.Cat.model_fields["legs"].is_required()


def test_composition_union_annotations() -> None:
    m = models("composition")
    # A union is a type alias of its members: no wrapper class, and the discriminator rides along.
    assert alias_of(m.Shape) == (m.Circle | m.Square, "kind")
    assert alias_of(m.Pet) == (m.Cat | m.Dog, "pet_type")
    # The implicit mapping: the discriminator values are the schema names.
    assert hints(m.Cat)["pet_type"] == Literal["Cat"] and hints(m.Dog)["pet_type"] == Literal["Dog"]
    assert alias_of(m.Contact) == (m.EmailContact | m.PhoneContact, None)
    # A union response comes back as its member, validated by the union model (discriminator and all).
    assert method_hints("composition", "shapes", "get")["return"] == m.Circle | m.Square
    assert method_hints("composition", "pets", "list")["return"] == list_of(m.Pet)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_composition_discriminated_union_response_picks_the_member(server: TestServer, flavour: Flavour) -> None:
    m, errors = models("composition"), package("composition")
    server.enqueue(
        Reply(200, body={"kind": "square", "side": 2}),
        Reply(200, body={"kind": "circle", "radius": 1.5}),
        Reply(200, body={"kind": "hexagon", "side": 1}),
        Reply(200, body={"kind": "hexagon", "side": 1}),
    )

    async def scenario(c: Any) -> list[Any]:
        shapes = []
        for shape_id in ("s1", "s2", "s3"):  # an unknown kind: read leniently, as the closest member
            result = c.shapes.get(shape_id)
            shapes.append(await result if inspect.isawaitable(result) else result)
        with pytest.raises(errors.ResponseValidationError):
            result = c.with_options(strict_response_validation=True).shapes.get("s3")
            await result if inspect.isawaitable(result) else result
        return shapes

    square, circle, hexagon = call(flavour, "composition", server, lambda c: scenario(c))
    assert type(square) is m.Square and square.side == 2
    assert type(circle) is m.Circle and circle.radius == 1.5
    assert (type(hexagon), hexagon.kind, hexagon.side) == (m.Square, "hexagon", 1)
    assert [r.path for r in server.requests] == ["/shapes/s1", "/shapes/s2", "/shapes/s3", "/shapes/s3"]


def test_composition_implicit_discriminator_and_any_of(server: TestServer) -> None:
    m = models("composition")
    pets = [
        {"name": "Tom", "legs": 4, "pet_type": "Cat", "indoor": True},
        {"name": "Rex", "legs": 4, "pet_type": "Dog", "good_boy": True},
    ]
    server.enqueue(Reply(200, body=pets), Reply(200, body={"phone": "+33"}), Reply(200, body={"email": "a@b"}))
    with client("composition", server) as c:
        cat, dog = c.pets.list()
        phone = c.contacts.get("c1")
        email = c.contacts.get("c2")
    # Each item of a list of a union is the member itself: no wrapper to open.
    assert type(cat) is m.Cat and cat.indoor is True
    assert type(dog) is m.Dog and dog.good_boy is True
    assert type(phone) is m.PhoneContact and phone.phone == "+33"
    assert type(email) is m.EmailContact


def test_composition_union_request_body(server: TestServer) -> None:
    m = models("composition")
    params = package("composition.params")
    assert members(method_hints("composition", "shapes", "create")["body"]) == {
        m.Circle,
        params.CircleParam,  # a plain dict of a member checks as it
        m.Square,
        params.SquareParam,
    }
    server.enqueue(Reply(201, body={"kind": "circle", "radius": 3}), Reply(201, body={"kind": "square", "side": 1}))
    with client("composition", server) as c:
        created = c.shapes.create(body=m.Circle(kind="circle", radius=3))
        c.shapes.create(body={"kind": "square", "side": 1})  # a member as a dict
    wrapped, member = server.requests
    assert (wrapped.method, wrapped.path) == ("POST", "/shapes")
    assert wrapped.json() == {"kind": "circle", "radius": 3}
    assert member.json() == {"kind": "square", "side": 1}
    assert type(created) is m.Circle


def test_composition_recursive_and_mutually_recursive(server: TestServer) -> None:
    m = models("composition")
    tree = {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}], "parent": {"value": 0}}
    employee = {"name": "Ann", "team": {"title": "Core", "members": [{"name": "Bob", "team": None}]}}
    server.enqueue(Reply(200, body=tree), Reply(200, body=employee))
    with client("composition", server) as c:
        root = c.trees.get()
        ann = c.employees.get("e1")
    assert members(hints(m.TreeNode)["children"]) == {list_of(m.TreeNode), type(None)}
    assert type(root.children[0].children[0]) is m.TreeNode and root.children[0].children[0].value == 3
    assert type(root.parent) is m.TreeNode and root.parent.children is None
    assert members(hints(m.Employee)["team"]) == {m.Team, type(None)}
    assert hints(m.Team)["members"] == list_of(m.Employee)
    assert type(ann.team.members[0]) is m.Employee and ann.team.members[0].name == "Bob"


# -- maps_enums --------------------------------------------------------------------------------
def test_maps_additional_properties() -> None:
    m = models("maps_enums")
    got = hints(m.Settings)
    assert members(got["labels"]) == {dict[str, str], type(None)}
    assert members(got["limits"]) == {dict_of(str, m.Limit), type(None)}
    assert members(got["extra"]) == {dict[str, Any], type(None)}
    assert members(got["anything"]) == {dict[str, Any], type(None)}
    assert members(got["nested"]) == {dict[str, list[float]], type(None)}
    settings = m.Settings.model_validate({"limits": {"a": {"amount": 1}}, "extra": {"x": [1, {"y": None}]}})
    assert type(settings.limits["a"]) is m.Limit and settings.extra == {"x": [1, {"y": None}]}
    # Known properties plus typed extras: the extras are validated as integers.
    counts = m.Counts.model_validate({"total": 3, "a": 1, "b": 2})
    assert (counts.total, counts.model_extra) == (3, {"a": 1, "b": 2})
    with pytest.raises(pydantic.ValidationError):
        m.Counts.model_validate({"total": 3, "a": "many"})
    # `additionalProperties: false` is read tolerantly: a newer server may send more.
    assert m.Strict.model_validate({"id": "s", "new": 1}).id == "s"


def test_enums_are_open_and_typed() -> None:
    m, runtime = models("maps_enums"), importlib.import_module("maps_enums._runtime._types")
    assert issubclass(m.Color, runtime.OpenStrEnum) and [c.value for c in m.Color] == ["red", "green", "blue"]
    assert issubclass(m.Priority, runtime.OpenIntEnum) and [p.value for p in m.Priority] == [1, 2, 3]
    assert issubclass(m.Mode, runtime.OpenStrEnum) and [p.value for p in m.Mode] == ["auto", "manual"]
    assert m.Color("purple") == "purple" and m.Priority(9) == 9
    settings = m.Settings.model_validate({"color": "purple", "priority": 2, "mode": None})
    assert settings.color == "purple" and settings.priority is m.Priority.INTEGER_2 and settings.mode is None
    assert members(hints(m.Settings)["mode"]) == {m.Mode, type(None)}
    params = method_hints("maps_enums", "accounts", "get_settings")
    assert members(params["priority"]) >= {m.Priority, Literal[1, 2, 3]}


def test_defaults_of_every_kind() -> None:
    m = models("maps_enums")
    first, second = m.Account(name="a"), m.Account(name="b")
    assert first.color is m.Color.GREEN and first.shade is m.AccountShade.DARK
    assert first.priority is m.Priority.INTEGER_2
    assert (first.retries, first.ratio, first.active, first.nickname) == (3, 0.5, True, None)
    assert first.tags == ["new"] and first.options == {"lang": "en"}
    first.tags.append("changed")
    assert second.tags == ["new"]  # a mutable default is not shared


def test_read_only_and_write_only() -> None:
    m = models("maps_enums")
    fields = m.Account.model_fields
    # Required in the spec, but never sent back (writeOnly) or never sent (readOnly): not required.
    assert not any(fields[f].is_required() for f in ("id", "password", "created_at"))
    assert fields["name"].is_required()
    returned = m.Account.model_validate({"id": "a1", "name": "n", "created_at": "2024-01-01T00:00:00Z"})
    assert returned.password is None and returned.created_at == datetime(2024, 1, 1, tzinfo=UTC)
    assert field_docstring(m.Account, "id") == "Read-only: set by the server. The identifier."
    assert field_docstring(m.Account, "password") == "Write-only: the server never returns it. The password."


def test_deprecated_is_warned_in_docstrings() -> None:
    m = models("maps_enums")
    assert field_docstring(m.Account, "legacy_code") == "Deprecated. Use `name`."
    assert field_docstring(m.Account, "old_flag") == "Deprecated."
    assert (m.OldThing.__doc__ or "").strip() == "Deprecated. Replaced by Account."
    account = m.Account(name="n", legacy_code="x")
    with pytest.warns(DeprecationWarning):
        assert account.legacy_code == "x"
    resource = importlib.import_module("maps_enums.resources.accounts").AccountsResource
    doc = inspect.getdoc(resource.get_settings) or ""
    assert doc.startswith("Deprecated: the API marks this operation as deprecated.")
    assert "legacy: Old switch. (deprecated)" in doc


def test_maps_enums_wire(server: TestServer) -> None:
    m = models("maps_enums")
    stored = {
        "id": "a1",
        "name": "n",
        "created_at": "2024-01-01T00:00:00Z",
        "color": "blue",
        "counts": {"total": 1},
    }
    server.enqueue(Reply(200, body=stored), Reply(200, body={"limits": {}}), Reply(200, body={"a": 1, "b": 2}))
    with client("maps_enums", server) as c:
        account = c.accounts.create(name="n", password="secret", shade="light")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            c.accounts.get_settings("a1", priority=m.Priority.INTEGER_3, legacy=False)
        labels = c.accounts.get_labels()
    post, get, _ = server.requests
    # Only what the caller set is sent: defaults are the server's to apply.
    assert post.json() == {"name": "n", "password": "secret", "shade": "light"}
    assert type(account) is m.Account and account.color is m.Color.BLUE and account.counts.total == 1
    assert account.password is None and account.retries == 3
    assert (get.path, get.query_params) == ("/accounts/a1/settings", [("priority", "3"), ("legacy", "false")])
    assert labels == {"a": 1, "b": 2}
    assert method_hints("maps_enums", "accounts", "get_labels")["return"] == dict[str, int]


# -- inline ------------------------------------------------------------------------------------
def test_inline_schemas_are_hoisted_under_readable_names() -> None:
    m = models("inline")
    names = set(m.__all__)
    assert all(getattr(m, n).__module__.startswith(m.__name__ + "._") for n in names)
    assert names == {
        "CreateOrderBody",  # the component keeps its name...
        "CreateOrderBody2",  # ...so the inline body takes the next one, and so do its parts:
        "CreateOrderBody2Customer",
        "CreateOrderBody2CustomerAddress",
        "CreateOrderBody2CustomerAddressCountry",
        "CreateOrderBody2LinesItem",
        "CreateOrderBody2Priority",
        "CreateOrderResponse",
        "CreateOrderResponseStatus",
        "CreateOrderResponseTotals",
        "CreateOrderError409",
        "ListOrderNotesResponseItem",
    }
    body = hints(m.CreateOrderBody2)
    assert body["customer"] is m.CreateOrderBody2Customer
    assert body["lines"] == list_of(m.CreateOrderBody2LinesItem)
    assert members(hints(m.CreateOrderBody2CustomerAddress)["country"]) == {
        m.CreateOrderBody2CustomerAddressCountry,
        type(None),
    }
    assert set(hints(m.CreateOrderBody)) == {"legacy"}
    create = method_hints("inline", "orders", "create")
    params = package("inline.params")
    assert members(create["customer"]) == {m.CreateOrderBody2Customer, params.CreateOrderBody2CustomerParam}
    assert create["return"] is m.CreateOrderResponse
    assert members(create["channel"]) >= {Literal["web", "phone"]}  # an inline enum parameter stays a Literal
    notes = method_hints("inline", "orders", "list_notes")
    assert notes["return"] == list_of(m.ListOrderNotesResponseItem)


def test_inline_wire_and_inline_error_model(server: TestServer) -> None:
    m, errors = models("inline"), package("inline")
    server.enqueue(
        Reply(200, body={"id": "o1", "status": "paid", "totals": {"net": 10, "tax": 2}}),
        Reply(409, body={"conflicting_id": "o0"}),
        Reply(200, body=[{"text": "hi"}]),
    )
    customer = m.CreateOrderBody2Customer(email="a@b", address={"country": "fr"})
    lines = [m.CreateOrderBody2LinesItem(sku="s", quantity=2)]
    with client("inline", server) as c:
        created = c.orders.create(customer=customer, lines=lines, channel="web")
        with pytest.raises(errors.ConflictError) as conflict:
            c.orders.create(customer={"email": "a@b", "address": {"country": "fr"}}, lines=lines)
        notes = c.orders.list_notes("o1")
    post = server.requests[0]
    assert (post.method, post.path, post.query_params) == ("POST", "/orders", [("channel", "web")])
    assert post.json() == {
        "customer": {"email": "a@b", "address": {"country": "fr"}},
        "lines": [{"sku": "s", "quantity": 2}],
    }
    assert created.status is m.CreateOrderResponseStatus.PAID and created.totals.tax == 2
    assert type(conflict.value.body) is m.CreateOrderError409 and conflict.value.body.conflicting_id == "o0"
    assert type(notes[0]) is m.ListOrderNotesResponseItem and notes[0].text == "hi"


# -- params ------------------------------------------------------------------------------------
def test_params_signature() -> None:
    resource = importlib.import_module("params.resources.files").FilesResource
    signature = inspect.signature(resource.get)
    positional = [p.name for p in signature.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == ["self", "project_id", "file_name"]
    required = [p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    assert required == ["version", "x_request_id"]  # the required query parameter and header
    got = method_hints("params", "files", "get")
    omit = package("params").Omit
    assert members(got["verbose"]) == {bool, omit}  # the operation's boolean, not the path item's string
    assert got["version"] is int and members(got["header_version"]) == {str, omit}
    assert members(got["since"]) == {datetime, omit}
    search = method_hints("params", "search", "search")
    assert members(search["tag"]) == {list[str], omit}
    assert members(search["type_"]) == {Literal["file", "folder"], omit}  # `type` is a builtin
    assert {"from_", "page_size"} <= set(search)
    # An inline object in the query is hoisted into a model; a plain mapping is accepted as well.
    m = models("params")
    assert members(search["filter_"]) == {m.SearchFilter, Mapping[str, Any], omit}
    assert members(search["point"]) == {m.SearchPoint, Mapping[str, Any], omit}
    assert hints(m.SearchPoint) == {"x": int | None, "y": int | None}


def test_params_on_the_wire(server: TestServer) -> None:
    server.enqueue(json_reply("text"))
    with client("params", server) as c:
        text = c.files.get(
            "p 1",
            "a/b.txt",
            version=3,
            x_request_id="r-1",
            verbose=True,
            since=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            x_retry_count=2,
            session="abc",
            header_version="v2",
        )
    request = only_request(server)
    assert text == "text"
    assert request.path == "/projects/p%201/files/a%2Fb.txt"
    assert request.query_params == [
        ("verbose", "true"),
        ("version", "3"),
        ("since", "2024-01-02T03:04:05+00:00"),
    ]
    assert request.header("X-Request-Id") == "r-1" and request.header("X-Retry-Count") == "2"
    assert request.header("version") == "v2"
    assert request.cookies == {"session": "abc"}
    assert request.header("X-API-Key") == API_KEY and request.header("Authorization") is None


def test_params_optional_ones_are_not_sent(server: TestServer) -> None:
    server.enqueue(json_reply("text"))
    with client("params", server) as c:
        c.files.get("p", "f", version=1, x_request_id="r")
    request = only_request(server)
    assert request.query_params == [("version", "1")]
    assert request.header("X-Retry-Count") is None and request.header("Cookie") is None


def test_query_arrays_form_explode_and_deep_object(server: TestServer) -> None:
    """Query arrays are covered here: the platform spec has none."""
    server.enqueue(Reply(200, body=[]))
    with client("params", server) as c:
        c.search.search(
            tag=["a", "b c"], filter_={"owner": "me", "state": "open"}, page_size=10, type_="file", from_="x"
        )
    assert only_request(server).query_params == [
        ("tag", "a"),
        ("tag", "b c"),
        ("filter[owner]", "me"),
        ("filter[state]", "open"),
        ("page-size", "10"),
        ("type", "file"),
        ("from", "x"),
    ]


def test_query_array_without_explode(server: TestServer) -> None:
    server.enqueue(Reply(200, body=[]))
    with client("params", server) as c:
        c.search.search(ids=[1, 2, 3])
    assert only_request(server).query == "ids=1%2C2%2C3"
    assert only_request(server).query_params == [("ids", "1,2,3")]


def test_query_objects_as_models(server: TestServer) -> None:
    m = models("params")
    server.enqueue(Reply(200, body=[]), Reply(200, body=[]))
    with client("params", server) as c:
        c.search.search(point={"x": 1, "y": 2})  # form, exploded: one pair per property
        c.search.search(filter_=m.SearchFilter(state="open"), point=m.SearchPoint(x=0))
    mapping, model = server.requests
    assert mapping.query_params == [("x", "1"), ("y", "2")]
    assert model.query_params == [("filter[state]", "open"), ("x", "0")]  # unset fields are not sent


# -- bodies ------------------------------------------------------------------------------------
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_json_body(server: TestServer, flavour: Flavour) -> None:
    m = models("bodies")
    server.enqueue(Reply(200, body={"title": "t", "body": None, "pinned": True}))
    note = call(flavour, "bodies", server, lambda c: c.notes.create_note(title="t", body=None))
    request = only_request(server)
    assert (request.method, request.path) == ("POST", "/notes")
    assert request.header("Content-Type") == "application/json"
    assert request.json() == {"title": "t", "body": None}
    assert type(note) is m.Note and note.pinned is True


def test_optional_json_body_given(server: TestServer) -> None:
    models("bodies")
    server.enqueue(Reply(200, body={"title": "t"}))
    with client("bodies", server) as c:
        c.notes.patch(title="t", pinned=False)
    request = only_request(server)
    assert (request.method, request.json()) == ("PATCH", {"title": "t", "pinned": False})


def test_optional_json_body_omitted(server: TestServer) -> None:
    server.enqueue(Reply(200, body={"title": "t"}))
    with client("bodies", server) as c:
        c.notes.patch()
    request = only_request(server)
    assert (request.body, request.header("Content-Type")) == (b"", None)


def test_several_media_types_prefer_json(server: TestServer) -> None:
    m = models("bodies")
    assert method_hints("bodies", "notes", "import_notes")["source"] is str
    server.enqueue(Reply(200, body={"ok": True}))
    with client("bodies", server) as c:
        receipt = c.notes.import_notes(source="s3://x", overwrite=True)
    request = only_request(server)
    assert request.header("Content-Type") == "application/json"
    assert request.json() == {"source": "s3://x", "overwrite": True}
    assert type(receipt) is m.Receipt


def test_multipart_and_form_annotations() -> None:
    m = models("bodies")
    got = hints(m.UploadForm)
    assert got["file"] is bytes and members(got["attachments"]) == {list[bytes], type(None)}
    upload = method_hints("bodies", "uploads", "upload")
    assert upload["file"] == package("bodies._runtime._files").FileTypes and upload["purpose"] is str
    login = method_hints("bodies", "auth", "login")
    assert (login["username"], login["password"]) == (str, str) and m.LoginBody.model_fields.keys() == login.keys() & {
        "username",
        "password",
        "remember",
    }


def test_multipart_upload_with_files_and_fields(server: TestServer) -> None:
    server.enqueue(Reply(200, body={"ok": True, "size": 3}))
    with client("bodies", server) as c:
        c.uploads.upload(file=("a.pdf", b"%PDF\x00\xff", "application/pdf"), purpose="parse", pages=2)
    request = only_request(server)
    assert (request.header("Content-Type") or "").startswith("multipart/form-data; boundary=")
    parts = {part.get_param("name", header="content-disposition"): part for part in multipart_parts(request)}
    assert parts["file"].get_filename() == "a.pdf" and parts["file"].get_content_type() == "application/pdf"
    assert parts["file"].get_payload(decode=True) == b"%PDF\x00\xff"
    assert parts["purpose"].get_payload(decode=True) == b"parse"
    assert parts["pages"].get_payload(decode=True) == b"2"


def test_form_urlencoded_body(server: TestServer) -> None:
    models("bodies")
    server.enqueue(Reply(200, body={"ok": True}))
    with client("bodies", server) as c:
        c.auth.login(username="u", password="p w", remember=True)
    request = only_request(server)
    assert request.header("Content-Type") == "application/x-www-form-urlencoded"
    assert request.body == b"username=u&password=p+w&remember=true"


def test_raw_binary_and_text_bodies(server: TestServer) -> None:
    m = models("bodies")
    payload = bytes(range(256))
    server.enqueue(Reply(200, body={"ok": True, "size": 256}), Reply(204))
    with client("bodies", server) as c:
        receipt = c.blobs.put("b.bin", body=payload)
        assert c.blobs.post_text(body=b"hello") is None
    put, text = server.requests
    assert (put.method, put.path, put.body) == ("PUT", "/blobs/b.bin", payload)
    assert type(receipt) is m.Receipt and receipt.size == 256
    assert (text.path, text.body) == ("/texts", b"hello")


def test_raw_bodies_carry_their_media_type(server: TestServer) -> None:
    server.enqueue(Reply(200, body={"ok": True}), Reply(204))
    with client("bodies", server) as c:
        c.blobs.put("b.bin", body=b"\x00")
        c.blobs.post_text(body=b"hello")
    put, text = server.requests
    assert put.header("Content-Type") == "application/octet-stream"
    assert text.header("Content-Type") == "text/plain"


def test_basic_auth(server: TestServer) -> None:
    server.enqueue(Reply(200, body={"title": "t"}))
    with client("bodies", server) as c:
        c.notes.create_note(title="t")
    assert only_request(server).header("Authorization") == "Basic " + base64.b64encode(b"user:pass").decode()


# -- responses ---------------------------------------------------------------------------------
def test_response_annotations() -> None:
    m = models("responses")
    reports = {k: v["return"] for k, v in _resource_hints("responses", "reports").items()}
    assert reports == {
        "get": m.Report,
        "delete": type(None),
        "list": list_of(m.Report),
        "create": m.Report,  # 200 and 201 share the schema
        "start_job": m.Report | m.Job,  # 200 and 202 do not
        "download": bytes,
        "get_thumbnail": bytes,
        "get_draft": m.Report | None,  # 200 with a body, 204 without
        "get_owner": m.GetOwnerResponse,  # only a `default` response
    }
    stats = {k: v["return"] for k, v in _resource_hints("responses", "stats").items()}
    assert stats == {"count_reports": int, "ratio": float, "names": dict[str, list[str]], "summary": str}


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_models_arrays_and_no_content(server: TestServer, flavour: Flavour) -> None:
    m = models("responses")
    report = {"id": "r1", "title": "T"}
    server.enqueue(Reply(200, body=report), Reply(200, body=[report, report]), Reply(204))

    async def scenario(c: Any) -> list[Any]:
        results = []
        for result in (c.reports.get("r1"), c.reports.list(), c.reports.delete("r1")):
            results.append(await result if inspect.isawaitable(result) else result)
        return results

    one, many, deleted = call(flavour, "responses", server, scenario)
    assert type(one) is m.Report and one.title == "T"
    assert [type(r) for r in many] == [m.Report, m.Report]
    assert deleted is None
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/reports/r1"),
        ("GET", "/reports"),
        ("DELETE", "/reports/r1"),
    ]


def test_several_success_codes(server: TestServer) -> None:
    m = models("responses")
    report = {"id": "r1", "title": "T"}
    server.enqueue(
        Reply(201, body=report),
        Reply(200, body=report),
        Reply(202, body={"job_id": "j1", "state": "running"}),
        Reply(200, body=report),
        Reply(204),
        Reply(500, body={"name": "ignored"}),
        Reply(200, body={"name": "owner"}),
    )
    with client("responses", server) as c:
        assert type(c.reports.create(id="r1", title="T")) is m.Report
        assert type(c.reports.start_job("r1")) is m.Report
        job = c.reports.start_job("r1")
        assert type(c.reports.get_draft("r1")) is m.Report
        assert c.reports.get_draft("r1") is None
        with pytest.raises(package("responses").InternalServerError):
            c.reports.get_owner("r1")
        assert c.reports.get_owner("r1").name == "owner"
    assert type(job) is m.Job and job.state == "running"


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_binary_and_text_responses(server: TestServer, flavour: Flavour) -> None:
    pdf, png = b"%PDF-1.7\x00\xff\xfe", b"\x89PNG\r\n\x1a\n\x00"
    server.enqueue(
        Reply(200, headers={"Content-Type": "application/pdf"}, body=pdf),
        Reply(200, headers={"Content-Type": "image/png"}, body=png),
        Reply(200, body="all good"),
    )

    async def scenario(c: Any) -> list[Any]:
        results = []
        for result in (
            c.reports.download("r1"),
            c.reports.get_thumbnail("r1"),
            c.stats.summary(),
        ):
            results.append(await result if inspect.isawaitable(result) else result)
        return results

    assert call(flavour, "responses", server, scenario) == [pdf, png, "all good"]


def test_primitive_responses(server: TestServer) -> None:
    server.enqueue(Reply(200, body=42), Reply(200, body=0.25), Reply(200, body={"a": ["x"]}))
    with client("responses", server) as c:
        assert c.stats.count_reports() == 42
        assert c.stats.ratio() == 0.25
        assert c.stats.names() == {"a": ["x"]}


def test_typed_error_bodies(server: TestServer) -> None:
    m, errors = models("responses"), package("responses")
    server.enqueue(
        Reply(404, body={"detail": "no report r9", "resource": "report"}),
        Reply(422, body={"errors": [{"loc": ["path", "report_id", 0], "msg": "bad"}]}),
        Reply(404, body={"unexpected": True}),
        Reply(404, body={"unexpected": True}),
        Reply(404, body={"detail": "gone"}),
        Reply(400, body={"reason": "duplicate"}),
    )
    with client("responses", server) as c:
        with pytest.raises(errors.NotFoundError) as not_found:
            c.reports.get("r9")
        with pytest.raises(errors.UnprocessableEntityError) as invalid:
            c.reports.get("r9")
        with pytest.raises(errors.NotFoundError) as lenient:
            c.reports.get("r9")
        with pytest.raises(errors.NotFoundError) as untyped:
            c.with_options(strict_response_validation=True).reports.get("r9")
        with pytest.raises(errors.NotFoundError) as on_delete:
            c.reports.delete("r9")
        with pytest.raises(errors.BadRequestError) as rejected:
            c.reports.create(id="r", title="t")
    assert type(not_found.value.body) is m.NotFound and not_found.value.body.detail == "no report r9"
    assert not_found.value.status_code == 404
    assert type(invalid.value.body) is m.ValidationError
    assert invalid.value.body.errors[0].loc == ["path", "report_id", 0]
    # Not the declared model: read leniently (`detail` missing), or with strict validation kept as the JSON
    assert (type(lenient.value.body), lenient.value.body.detail, lenient.value.body.unexpected) == (
        m.NotFound,
        None,
        True,
    )
    assert untyped.value.body == {"unexpected": True}
    assert type(on_delete.value.body) is m.NotFound
    assert type(rejected.value.body) is m.CreateReportError400 and rejected.value.body.reason == "duplicate"


def test_raw_response_of_a_binary_download(server: TestServer) -> None:
    server.enqueue(Reply(200, headers={"Content-Type": "application/pdf", "X-Pages": "3"}, body=b"%PDF"))
    with client("responses", server) as c:
        raw = c.reports.with_raw_response.download("r1")
    assert (raw.status_code, raw.headers["X-Pages"], raw.parse()) == (200, "3", b"%PDF")


def test_first_of_several_security_schemes_is_used(server: TestServer) -> None:
    server.enqueue(Reply(200, body=1.0))
    with client("responses", server) as c:
        c.stats.ratio()
    assert only_request(server).header("Authorization") == f"Bearer {API_KEY}"


def test_operation_without_security_sends_no_credentials(server: TestServer) -> None:
    server.enqueue(Reply(200, body=1))
    with client("responses", server) as c:
        c.stats.count_reports()
    request = only_request(server)
    assert (request.header("Authorization"), request.header("X-API-Key")) == (None, None)


def test_binary_download_accepts_its_media_type(server: TestServer) -> None:
    server.enqueue(Reply(200, headers={"Content-Type": "application/pdf"}, body=b"%PDF"))
    with client("responses", server) as c:
        c.reports.download("r1")
    assert only_request(server).header("Accept") == "application/pdf"


def test_every_coverage_fixture_is_registered() -> None:
    """So tests/test_golden.py builds it, compares it with its golden, imports and type-checks it."""
    assert set(COVERAGE_FIXTURES) <= set(goldens.FIXTURES)
    for name in COVERAGE_FIXTURES:
        assert goldens.fixture_spec(name).read_text(encoding="utf-8").startswith("# Coverage fixture"), name
